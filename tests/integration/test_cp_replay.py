#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Replay protection keyed on the authenticated registrant
(docs/security.md "Replayed Map-Registers"), a lispgw-cp Map-Server on
loopback and python sockets playing the ETR and the attacker:

  - a captured Map-Register (with an xTR-ID, then without one) re-sent
    unchanged from three other addresses and ports is refused each time:
    no Map-Notify reaches the replayer, the registration is not refreshed,
    register_replays counts it;
  - the genuine ETR, moved to a new address, registers with a fresh nonce
    and is acknowledged there;
  - map-server.nonce-policy: increasing, applied by SIGHUP: an older
    capture (lower nonce) is refused although the window of unique nonces
    would have taken it.
Old main keyed replay state on the UDP source: every replay from another
port was accepted and acknowledged to the replayer."""
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import Lab, recv   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=69)
MS, ETR, MOVED = lab.ip(1), lab.ip(2), lab.ip(3)
ATTACKERS = [(lab.ip(9), 0), (lab.ip(10), 40000), (ETR, 40001)]
TOKEN = 'integration-token-0123456789'
KEY = 'tenant-key'
checks = Checks('replay integration')
check = checks.check

CONF = """
roles: [map-server]
listen: {addresses: [%(ms)s]}
rest: {address: %(ms)s, token: "%(tok)s"}
map-server:
  nonce-policy: %(policy)s
  sites:
    - {name: tenant, key-id: 2, key: "%(key)s", accept-more-specifics: true,
       eid-prefixes: ["[1]10.0.0.0/8"]}
"""


def conf(policy):
    return CONF % dict(ms=MS, tok=TOKEN, key=KEY, policy=policy)


def ms_stats():
    return Api(MS, TOKEN)('GET', '/api/v1/stats')[1].get('map_server', {})


def register(eid_plen, nonce, xtr):
    eid, plen = eid_plen
    return lw.map_register([lw.record(1, eid, plen, [(ETR, 1, 100)])], KEY, nonce,
                           xtr_id=bytes([7] * 16) if xtr else None)


def notified(sock):
    got = recv(sock, 1.0)
    return got is not None and lw.msg_type(got[0]) == 4


def rest_up():
    try:
        return 'map_server' in (Api(MS, TOKEN)('GET', '/api/v1/stats')[1] or {})
    except OSError:
        return False    # REST starts just after the UDP sockets


lab.start('ms', conf('unique'), MS)
check(wait_for(rest_up, 5, 0.1), 'the Map-Server is up (REST)')
etr = lab.udp(ETR, 4342)
thieves = [lab.udp(a, p) for (a, p) in ATTACKERS]

for xtr, eid in ((True, ('10.1.0.0', 16)), (False, ('10.2.0.0', 16))):
    what = 'with an xTR-ID' if xtr else 'without an xTR-ID'
    captured = register(eid, 100, xtr)
    etr.sendto(captured, (MS, 4342))
    check(notified(etr), f'{what}: the genuine ETR is acknowledged')
    before = ms_stats()
    got = []
    for t in thieves:
        t.sendto(captured, (MS, 4342))
        got.append(notified(t))
    after = ms_stats()
    check(not any(got), f'{what}: no Map-Notify to any of 3 replayers', got)
    check(after.get('register_replays', 0) - before.get('register_replays', 0) == 3 and
          after.get('registers_accepted') == before.get('registers_accepted'),
          f'{what}: 3 replays from other addresses and ports refused and counted',
          (before, after))
    moved = lab.udp(MOVED, 4342 if xtr else 4343)
    moved.sendto(register(eid, 101, xtr), (MS, 4342))
    check(notified(moved), f'{what}: the ETR at a new address, fresh nonce: acknowledged')
    moved.close()

# The window of unique nonces lets a capture older than it in again; the
# increasing policy never does.  Switched by a reload.
old = register(('10.1.0.0', 16), 50, True)
lab.write('ms', conf('increasing'))
lab.signal('ms', signal.SIGHUP)
check(wait_for(lambda: Api(MS, TOKEN)('GET', '/api/v1/stats')[1]['config']['reloads'] == 1,
               5, 0.1), 'SIGHUP: nonce-policy increasing reloaded')
before = ms_stats()
thieves[0].sendto(old, (MS, 4342))
check(not notified(thieves[0]), 'increasing: an older capture gets no Map-Notify')
check(ms_stats().get('register_replays', 0) - before.get('register_replays', 0) == 1,
      'increasing: an older capture is refused as a replay', ms_stats())
etr.sendto(register(('10.1.0.0', 16), 102, True), (MS, 4342))
check(notified(etr), 'increasing: the ETR\'s next nonce is accepted')

if checks.failures:
    print(lab.log('ms')[-2000:])
checks.exit()
