#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: state per sender (docs/security.md "Bounded state per sender",
issue 13 item 2), against a Map-Server + Map-Resolver lispgw-cp in the
attack lab's victim namespace.  A genuine ETR (attacker namespace, its own
address) registers; then 10,000 spoofed senders each send, with scapy:
(a) the ETR's captured Map-Register, unchanged, from 10,000 addresses and
ports; (b) a Map-Request and an ECM Map-Request; (c) a subscribing ECM
Map-Request (N bit, the ETR's xTR-ID read off the wire, or a made-up one)
for a different EID; (d) a Map-Register with a bad HMAC.  Then: lispgw-cp's
VmRSS and VmHWM stay under the documented bound, the genuine ETR's next
refresh is acknowledged, the log holds a bounded number of lines with
"suppressed" counts, and each counter saw what was sent."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import attack, netns   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import drain, recv   # noqa: E402

why = netns.unavailable()
if why:
    skip(why)

SENDERS = 10000
RATE = 5000         # packets/s: the victim's socket keeps up, nothing is lost
# docs/security.md, "Bounded state per sender": lispgw-cp's peak resident
# memory under this flood with this file's caps (under meson every
# allocation is resident: MALLOC_PERTURB_ fills it).
RSS_BOUND_KIB = 24 * 1024
LOG_LINES_MAX = 400
TOKEN = 'attack-token-0123456789'
KEY = 'tenant-key'
XTR_ID = bytes([7] * 16)
PER_XTR, PENDING = 1000, 1024      # caps the flood reaches (docs/config.md)
CONF = """
roles: [map-server, map-resolver]
listen: {addresses: [%s, "%s"]}
rest: {address: %s, token: "%s"}
map-server:
  pubsub-max-per-xtr: %d
  max-pending-notifies: %d
  sites:
    - {name: tenant, key: "%s", accept-more-specifics: true, eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (attack.VICTIM4, attack.VICTIM6, attack.REST4, TOKEN, PER_XTR, PENDING, KEY)

checks = Checks('attack: state per sender')
check = checks.check
lab = attack.Lab('ast')
ms = lab.start_cp('ms', CONF)
api = lab.api(TOKEN)
check(api.ready(), 'the Map-Server answers REST')


def stats():
    return api('GET', '/api/v1/stats')[1]


def register(nonce, key=KEY):
    rec = lw.record(1, '10.1.0.0', 16, [(attack.ATTACKER4, 1, 100)])
    return lw.map_register([rec], key, nonce, xtr_id=XTR_ID)


def notified(sock, nonce):
    got = recv(sock, 2.0)
    while got is not None and not (lw.msg_type(got[0]) == 4 and lw.nonce_of(got[0]) == nonce):
        got = recv(sock, 2.0)
    return got is not None


def source(i):
    """The i-th spoofed sender: IPv4 for even i, IPv6 for odd, ports spread."""
    if i % 2:
        return attack.spoof6(i), attack.VICTIM6, 1024 + i % 60000
    return attack.spoof4(i), attack.VICTIM4, 1024 + i % 60000


def eid_of(i):
    return '10.3.%d.%d' % (i >> 8, i & 0xFF)


def flood_replays(captured):
    return [attack.udp(src, sport, dst, 4342, captured)
            for src, dst, sport in map(source, range(SENDERS))]


def flood_requests():
    """A Map-Request and an ECM Map-Request from each sender: for the
    registered /16 (a proxy reply) and for an EID nobody registered."""
    pkts = []
    for i in range(SENDERS):
        src, dst, sport = source(i)
        itr = src if ':' not in src else attack.spoof4(i)
        req = lw.map_request(1, '10.1.%d.1' % (i & 0xFF) if i % 4 else eid_of(i), 32, itr, i)
        pkts.append(attack.udp(src, sport, dst, 4342, req))
        pkts.append(attack.udp(src, sport, dst, 4342,
                               lw.ecm(req, itr, attack.VICTIM4, sport)))
    return pkts


def flood_subscribes():
    """Subscriptions for 10,000 different EIDs: the genuine ETR's xTR-ID
    (it travels in clear) for even senders, a made-up one for odd."""
    pkts = []
    for i in range(SENDERS):
        src, dst, sport = source(i)
        itr = attack.spoof4(i)
        xtr = XTR_ID if i % 2 == 0 else i.to_bytes(16, 'big')
        req = lw.map_request(1, eid_of(i), 32, itr, 1 << 40 | i, xtr_id=xtr, notify=True)
        pkts.append(attack.udp(src, sport, dst, 4342, lw.ecm(req, itr, attack.VICTIM4, sport)))
    return pkts


def flood_bad_hmac():
    pkts = []
    for i in range(SENDERS):
        src, dst, sport = source(i)
        pkts.append(attack.udp(src, sport, dst, 4342, register(1 << 50 | i, 'not-the-key')))
    return pkts


def delta(before, after, section, key):
    return after.get(section, {}).get(key, 0) - before.get(section, {}).get(key, 0)


def phase(name, packets, counters):
    """Sends one flood and checks that each (section, key, expected)
    counter moved by what was sent."""
    before = stats()
    sent = lab.send(packets, rate_pps=RATE, timeout=300)
    check(sent == len(packets), f'{name}: {sent} packets sent')
    for section, key, want in counters:
        wait_for(lambda: delta(before, stats(), section, key) >= want, 10, 0.2)
        got = delta(before, stats(), section, key)
        check(got == want, f'{name}: {section}.{key} +{got} (want +{want})')
    rss, hwm = attack.rss_kib(ms)
    print(f'      after {name}: VmRSS {rss} KiB, VmHWM {hwm} KiB', flush=True)
    return hwm


etr = lab.udp(lab.attacker, attack.ATTACKER4, 4342)
captured = register(100)
etr.sendto(captured, (attack.VICTIM4, 4342))
check(notified(etr, 100), 'the genuine ETR is acknowledged')
rss0, hwm0 = attack.rss_kib(ms)
print(f'      before: VmRSS {rss0} KiB, VmHWM {hwm0} KiB', flush=True)
phase('(a) replays', flood_replays(captured),
      [('map_server', 'register_replays', SENDERS),
       ('map_server', 'refused_replay', SENDERS)])
phase('(b) Map-Requests', flood_requests(),
      [('map_resolver', 'requests_received', SENDERS)])
phase('(c) subscriptions', flood_subscribes(),
      [('map_resolver', 'requests_received', SENDERS),
       ('pubsub', 'subscribe_refused', SENDERS // 2),
       ('pubsub', 'subscriptions', PER_XTR),
       ('pubsub', 'subscribe_limited', SENDERS // 2 - PER_XTR)])
st = stats()
check(st['pubsub']['active'] == PER_XTR, f"{st['pubsub']['active']} subscriptions held: "
      f"pubsub-max-per-xtr ({PER_XTR}) for the genuine ETR's xTR-ID")
check(st['map_server']['notify_untracked'] >= PER_XTR - PENDING // 2,
      f"{st['map_server']['notify_untracked']} Map-Notifies to subscribers sent once, not kept: "
      f"they hold at most half of max-pending-notifies ({PENDING})")
check(st['map_server']['notifies_pending'] <= PENDING // 2,
      f"{st['map_server']['notifies_pending']} Map-Notifies kept for retransmission")
hwm = phase('(d) bad HMACs', flood_bad_hmac(),
            [('map_server', 'register_auth_failures', SENDERS),
             ('map_server', 'refused_auth_failed', SENDERS)])
check(stats()['map_server']['registrants'] == 1, 'one registrant with replay state: '
      'the genuine ETR (nothing unauthenticated creates one)')
check(hwm < RSS_BOUND_KIB, f'peak resident memory {hwm} KiB < {RSS_BOUND_KIB} KiB '
      '(docs/security.md)')
drain(etr)
etr.sendto(register(101), (attack.VICTIM4, 4342))
check(notified(etr, 101), 'the genuine ETR\'s next refresh is acknowledged')
lines = lab.log('ms').splitlines()
suppressed = [ln for ln in lines if 'suppressed' in ln]
check(len(lines) <= LOG_LINES_MAX, f'the log has {len(lines)} lines for '
      f'{4 * SENDERS} hostile packets (at most {LOG_LINES_MAX})')
check(suppressed, f'{len(suppressed)} lines say how many similar ones were suppressed')
print('      ' + '\n      '.join(sorted(f'{k}={v}' for k, v in stats().items()
                                        if not isinstance(v, dict))))
if checks.failures:
    print('\n'.join(lines[-40:]))
checks.exit()
