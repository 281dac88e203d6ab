#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: replayed Map-Registers (docs/security.md "Replayed
Map-Registers", issue 13 item 1), against lispgw-cp in the attack lab's
victim namespace.  A genuine ETR in the attacker namespace registers; the
attacker captures that Map-Register and sends it again, unchanged, with
scapy from three other sources: a spoofed IPv4 address, a spoofed IPv6
address, and the ETR's own address with another port (where the attacker
can listen for a Map-Notify).  Each replay is refused and counted; no
Map-Notify reaches the replayer's port, no
registration is refreshed; the genuine ETR, moved to a new address, is
acknowledged with a fresh nonce."""
import os
import sys

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
KEY = 'tenant-key'
CONF = attack.ms_conf(TOKEN, KEY)

checks = Checks('attack: replay')
check = checks.check
lab = attack.Lab('arp')
lab.start_cp('ms', CONF)
api = lab.api(TOKEN)
check(api.ready(), 'the Map-Server answers REST')


def ms_stats():
    return api('GET', '/api/v1/stats')[1].get('map_server', {})


def register(nonce, xtr):
    rec = lw.record(1, '10.1.0.0' if xtr else '10.2.0.0', 16, [(attack.ATTACKER4, 1, 100)])
    return lw.map_register([rec], KEY, nonce, xtr_id=bytes([7] * 16) if xtr else None)


def notified(sock):
    got = recv(sock, 1.0)
    return got is not None and lw.msg_type(got[0]) == 4


etr = lab.udp(lab.attacker, attack.ATTACKER4, 4342)
listener = lab.udp(lab.attacker, attack.ATTACKER4, 40001)
for xtr in (True, False):
    what = 'with an xTR-ID' if xtr else 'without an xTR-ID'
    captured = register(100, xtr)
    etr.sendto(captured, (attack.VICTIM4, 4342))
    check(notified(etr), f'{what}: the genuine ETR is acknowledged')
    before = ms_stats()
    replays = [attack.udp(attack.spoof4(1), 4342, attack.VICTIM4, 4342, captured),
               attack.udp(attack.spoof6(2), 40000, attack.VICTIM6, 4342, captured),
               attack.udp(attack.ATTACKER4, 40001, attack.VICTIM4, 4342, captured)]
    check(lab.send(replays) == 3, f'{what}: 3 replays sent (scapy, raw frames)')
    check(wait_for(lambda: ms_stats().get('register_replays', 0) -
                   before.get('register_replays', 0) == 3, 3, 0.1),
          f'{what}: 3 replays refused as replays', ms_stats())
    check(not notified(listener), f'{what}: no Map-Notify at the replayer\'s port')
    after = ms_stats()
    check(after.get('registers_accepted') == before.get('registers_accepted'),
          f'{what}: nothing accepted', (before, after))
    moved = lab.udp(lab.attacker, attack.ATTACKER6, 4342)
    moved.sendto(register(101, xtr), (attack.VICTIM6, 4342))
    check(notified(moved), f'{what}: the ETR at a new address, fresh nonce: acknowledged')
    moved.close()
    lab.socks.remove(moved)

if checks.failures:
    print(lab.log('ms')[-3000:])
checks.exit()
