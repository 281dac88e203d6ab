#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: an SMR storm (docs/security.md "SMR storms", issue 13 item 4),
against an ITR (lispgw-cp) in the attack lab's victim namespace.  Its
Map-Resolver is a socket in the attacker namespace that answers the one
genuine resolution ([1]10.5.0.0/16) and counts every Map-Request after it.
Then 8 Solicit-Map-Requests from spoofed sources name 60 more-specifics of
the cached prefix each: the ITR asked for every one of them (480
Map-Requests, all pending at once); now what it sends and keeps pending is
the SMR bucket's (itr.smr-rate-limit), the rest dropped and counted."""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import attack, netns   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import recv   # noqa: E402

why = netns.unavailable()
if why:
    skip(why)

TOKEN = 'attack-token-0123456789'
RATE = 20           # itr.smr-rate-limit under test: per second, and burst
SMRS, NAMED = 8, 60
CONF = """
roles: [itr]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
itr:
  map-resolvers: [{address: %s}]
  map-request: {timeout: 2s, tries: 1}
  smr-rate-limit: {per-second: %d, burst: %d}
""" % (attack.VICTIM4, attack.REST4, TOKEN, attack.ATTACKER4, RATE, RATE)

checks = Checks('attack: SMR storm')
check = checks.check
lab = attack.Lab('smr')


def itr_stats(api):
    return api('GET', '/api/v1/stats')[1].get('itr', {})


def answer(mr_sock):
    """Answers one ECM'd Map-Request with [1]10.5.0.0/16 -> 10.77.0.2."""
    got = recv(mr_sock, 3.0)
    if got is None or lw.msg_type(got[0]) != 8:
        return False
    ecm = got[0]
    sport = struct.unpack('!H', ecm[24:26])[0]        # inner UDP (RFC 9301, 5.8)
    nonce = struct.unpack('!Q', ecm[36:44])[0]        # the Map-Request's
    rec = lw.record(1, '10.5.0.0', 16, [(attack.ATTACKER4, 1, 100)], ttl=60)
    mr_sock.sendto(struct.pack('!IQ', 0x20000000 | 1, nonce) + rec, (attack.VICTIM4, sport))
    return True


def smr(i):
    """An SMR from the i-th spoofed source naming NAMED hosts of 10.5/16."""
    src = attack.spoof4(i)
    m = lw.map_request(1, '10.5.%d.1' % i, 32, src, 1000 + i, smr=True)
    for k in range(2, NAMED + 1):
        m += bytes([0, 32]) + lw.eid(1, '10.5.%d.%d' % (i, k))
    m = m[:3] + bytes([NAMED]) + m[4:]
    return attack.udp(src, 4342, attack.VICTIM4, 4342, m)


def count_requests(mr_sock, quiet=0.5):
    n = 0
    while recv(mr_sock, quiet) is not None:
        n += 1
    return n


lab.start_cp('itr', CONF)
api = lab.api(TOKEN)
check(api.ready(), 'the ITR answers REST')
mr = lab.udp(lab.attacker, attack.ATTACKER4, 4342)
status, _ = api('POST', '/api/v1/map-cache', {'eid': '[1]10.5.0.1'})
check(status == 202 and answer(mr), 'a genuine resolution, answered by the Map-Resolver')
check(wait_for(lambda: itr_stats(api).get('records_installed', 0) == 1, 3),
      '[1]10.5.0.0/16 cached', itr_stats(api))
start = time.monotonic()
check(lab.send([smr(i) for i in range(SMRS)]) == SMRS, '%d SMRs sent from spoofed sources'
      % SMRS)
wait_for(lambda: itr_stats(api).get('smr_received', 0) == SMRS, 3)
st = itr_stats(api)
took = time.monotonic() - start
bound = RATE + RATE * took
check(st.get('pending', 0) <= bound, 'pending after the storm: %d <= %d (burst + rate x '
      '%.1f s)' % (st.get('pending', 0), bound, took), st)
sent = count_requests(mr)
took = time.monotonic() - start
bound = RATE + RATE * took
check(sent <= bound, '%d more-specifics named: %d Map-Requests sent <= %d (burst + rate x '
      '%.1f s)' % (SMRS * NAMED, sent, bound, took))
st = itr_stats(api)
check(st.get('smr_requests_sent', 0) + st.get('smr_global_limited', 0) == SMRS * NAMED,
      'every SMR-named EID asked or dropped and counted', st)
check(st.get('smr_global_limited', 0) >= SMRS * NAMED - bound, 'the rest dropped', st)
if checks.failures:
    print(lab.log('itr')[-3000:])
checks.exit()
