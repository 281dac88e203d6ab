#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The xTR's own bounds, read from the configuration and in force
(docs/security.md, "Bounded state per sender"; docs/config.md):

- etr.smr-requesters: an ETR remembers that many ITRs per database entry
  for SMRs; 3 RLOC probes from 3 ITRs with the key at 2 push one out
  (smr_requesters_evicted 1);
- itr.map-request.max-pending: 5 resolutions started with a Map-Resolver
  that never answers and the key at 3: 3 in flight, 2 refused
  (resolves_refused 2, 503);
- itr.rloc-probing.max-pending: a static entry of 3 silent RLOCs probed
  with the key at 1: 1 probe out, the others skipped (probes_skipped)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.loopback import Lab, recv   # noqa: E402

lab = Lab(block=73)
XTR, DEAD = lab.ip(1), lab.ip(2)
TOKEN = 'integration-token-0123456789'
checks = Checks('xtr limits')
check = checks.check

CONF = """
roles: [xtr]
listen: {addresses: [%(xtr)s]}
rest: {address: %(xtr)s, token: "%(token)s"}
etr:
  map-servers: [{address: %(dead)s, key: k}]
  register-interval: 1h
  smr-requesters: 2
  database:
    - eid-prefix: "[1]10.1.0.0/16"
      rlocs: [{address: %(xtr)s}]
itr:
  map-resolvers: [{address: %(dead)s}]
  map-request: {timeout: 10s, tries: 1, max-pending: 3}
  rloc-probing: {enabled: true, interval: 1s, timeout: 10s, max-pending: 1}
  static-map-cache:
    - eid-prefix: "[3]10.3.0.0/16"
      rlocs: [{address: %(r1)s}, {address: %(r2)s}, {address: %(r3)s}]
""" % {'xtr': XTR, 'dead': DEAD, 'token': TOKEN, 'r1': lab.ip(20), 'r2': lab.ip(21),
       'r3': lab.ip(22)}

api = Api(XTR, TOKEN)
dead = lab.udp(DEAD, 4342)      # the Map-Server and Map-Resolver: silent
lab.start('xtr', CONF, XTR)
check(wait_for(api.ready, 5), 'the xTR answers REST')


def stats(role):
    return api('GET', '/api/v1/stats')[1].get(role, {})


# Three ITRs probe the database entry; the ETR keeps two of them.
for k in range(3):
    itr = lab.udp(lab.ip(10 + k))
    probe = lw.map_request(1, '10.1.2.3', 32, lab.ip(10 + k), 100 + k, probe=True)
    itr.sendto(probe, (XTR, 4342))
    check(recv(itr, 2.0) is not None, 'ITR %d: the probe answered' % k)
etr = stats('etr')
check(etr.get('probes_answered') == 3 and etr.get('smr_requesters_evicted') == 1,
      'etr.smr-requesters 2: the third ITR pushed the first out (smr_requesters_evicted 1)', etr)

# Five resolutions, nobody answers: three in flight, two refused.
codes = [api('POST', '/api/v1/map-cache', {'eid': '[2]10.9.0.%d' % k})[0] for k in range(5)]
itr = stats('itr')
check(codes.count(202) == 3 and itr.get('resolves_refused') == 2,
      'itr.map-request.max-pending 3: 3 resolutions started, 2 refused (%s)' % codes, itr)
time.sleep(0.2)
asked = 0
while True:
    got = recv(dead, 0.3)
    if got is None:
        break
    asked += got[0][0] >> 4 == 8      # ECM Map-Requests; the ETR registers here too
check(asked == 3, 'the silent Map-Resolver got 3 Map-Requests, not 5 (%d)' % asked)

# The first probing round: one probe out (nobody answers), two skipped.
check(wait_for(lambda: stats('itr').get('probes_skipped', 0) >= 2, 3),
      'itr.rloc-probing.max-pending 1: the other RLOCs skipped', stats('itr'))
check(stats('itr').get('probes_sent') == 1, 'one probe in flight', stats('itr'))
checks.exit()
