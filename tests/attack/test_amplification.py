#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: amplification (docs/security.md "Amplification", issue 13 item 3),
against lispgw-cp in the attack lab's victim namespace.  Bytes out / bytes
in are read on the victim's eth0 (lab.link_bytes), every reply and forward
going to spoofed addresses routed back through the attacker.

1. A Map-Server + Map-Resolver with four non-proxy registrations whose RLOCs
   lie in the spoofed range.  Multi-record ECMs, 64 records for the four
   ETRs, were forwarded whole once per record (x64); a request of one
   forwarded record and 60 unregistered ones is the worst case left
   (forward + negative reply); 64 records naming one proxy-replied
   registration of 8 RLOCs got it 64 times.  All within the documented 2x.
2. An ETR whose mapping carries 1,000 bytes of JSON attributes, probed:
   the reply (once 1,000+ bytes) is no larger than the probe.
3. Each daemon's global bucket against 10,000 spoofed sources: the packets
   the victim sends are at most burst + rate x the time the flood took.
   Requests of the registered xTR (10.77.0.2, whose ETR registered) mixed
   into the Map-Resolver's flood are all answered from the verified ITRs'
   bucket; those of an ITR that registered nothing (10.77.0.3) share the
   global one with the flood (docs/security.md, "Legitimate work under a
   flood")."""
import os
import signal
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
KEY = 'tenant-key'
RATE = 200          # the global buckets under test: per second, and burst
WORST_MR = 2.0      # docs/security.md: a Map-Resolver's out/in, default next hops
WORST_PROBE = 1.0   # docs/security.md: etr.probe-reply-ratio 1
SPOOFED = 10000
OTHER_ITR = '10.77.0.3'     # an ITR that registers nothing
LEGIT = 20                  # requests of each ITR inside the flood

MR_CONF = """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-resolver:
  rate-limit: {requests-per-second: 100}
  global-rate-limit: {per-second: %d, burst: %d}
map-server:
  sites:
    - {name: tenant, key: "%s", accept-more-specifics: true, eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (attack.VICTIM4, attack.REST4, TOKEN, RATE, RATE, KEY)

ATTRS = '{"pad": "%s"}' % ('a' * 1000)
ETR_CONF = """
roles: [etr]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
etr:
  map-servers: [{address: %s, key: "%s"}]
  want-map-notify: false
  register-interval: 1h
  reply-rate-limit: {per-second: %d, burst: %d}
  database:
    - eid-prefix: "[1]10.9.0.0/16"
      rlocs: [{address: %s, attributes: '%s'}]
""" % (attack.VICTIM4, attack.REST4, TOKEN, attack.ATTACKER4, KEY, RATE, RATE,
       attack.VICTIM4, ATTRS)

checks = Checks('attack: amplification')
check = checks.check
lab = attack.Lab('amp')


def stats(api, role):
    return api('GET', '/api/v1/stats')[1].get(role, {})


def request(records, itr_rloc, nonce):
    """A Map-Request of several EID-records (iid, address, mask-len)."""
    first = records[0]
    m = lw.map_request(first[0], first[1], first[2], itr_rloc, nonce)
    for (iid, a, plen) in records[1:]:
        m += bytes([0, plen]) + lw.eid(iid, a)
    return m[:3] + bytes([len(records)]) + m[4:]


def ecm_from(i, records):
    """An ECM of that request from the i-th spoofed source, its ITR-RLOC."""
    src = attack.spoof4(i)
    inner = lw.ecm(request(records, src, i + 1), src, '10.1.0.1', 4342)
    return attack.udp(src, 4342, attack.VICTIM4, 4342, inner)


def measured(packets, rate_pps=None):
    """Sends packets, waits until the victim's eth0 is quiet: its
    (tx bytes / rx bytes, rx bytes, seconds from start to quiet, tx packets)."""
    start, link0 = time.monotonic(), lab.link_bytes(lab.victim)
    lab.send(packets, rate_pps)
    last = None
    while True:
        time.sleep(0.3)
        now = lab.link_bytes(lab.victim)
        if now == last:
            break
        last = now
    rx, tx = now['rx_bytes'] - link0['rx_bytes'], now['tx_bytes'] - link0['tx_bytes']
    return (tx / max(rx, 1), rx, time.monotonic() - start,
            now['tx_packets'] - link0['tx_packets'])


def register_etrs():
    """Four ETRs' non-proxy registrations, RLOCs in the spoofed range, and
    a proxy-replied one of 8 RLOCs (10.7/16)."""
    etr = lab.udp(lab.attacker, attack.ATTACKER4, 4342)
    lab.etr_sock = etr
    for k in range(5):
        rlocs = [(attack.spoof4(100000 + 8 * k + j), 1, 100) for j in range(8 if k == 4 else 1)]
        rec = lw.record(1, '10.%d.0.0' % (k + 1 if k < 4 else 7), 16, rlocs)
        reg = lw.map_register([rec], KEY, 10 + k, proxy=k == 4)
        etr.sendto(reg, (attack.VICTIM4, 4342))
        check(recv(etr, 2.0) is not None, 'ETR %d registered (Map-Notify)' % k)


def map_resolver_ratio(api):
    fanned = [(1, '10.%d.0.%d' % (k % 4 + 1, k + 1), 32) for k in range(64)]
    before = stats(api, 'map_resolver')
    ratio, rx, _, _ = measured([ecm_from(i, fanned) for i in range(60)], 300)
    after = stats(api, 'map_resolver')
    fwd = after['requests_forwarded'] - before['requests_forwarded']
    check(fwd == 60, '60 ECMs of 64 records for 4 ETRs: one forward each, got %d' % fwd)
    check(after['forward_records_dropped'] - before['forward_records_dropped'] == 60 * 48,
          'the 48 records for other next hops dropped and counted', after)
    check(ratio <= WORST_MR, 'multi-record ECMs: out/in %.2f <= %.1f (%d bytes in)'
          % (ratio, WORST_MR, rx))
    mixed = [(1, '10.1.0.200', 32)] + [(1, '10.%d.0.1' % (20 + k), 32) for k in range(60)]
    before = after
    ratio, rx, _, _ = measured([ecm_from(1000 + i, mixed) for i in range(60)], 300)
    after = stats(api, 'map_resolver')
    check(after['requests_forwarded'] - before['requests_forwarded'] == 60 and
          after['reply_records_over_size'] > before['reply_records_over_size'],
          '1 forwarded + 60 negative records: forwarded, the reply within the request', after)
    check(ratio <= WORST_MR, 'forward + negative reply: out/in %.2f <= %.1f (%d bytes in)'
          % (ratio, WORST_MR, rx))
    repeated = [(1, '10.7.0.%d' % (k + 1), 32) for k in range(64)]
    before = after
    ratio, rx, _, _ = measured([ecm_from(2000 + i, repeated) for i in range(60)], 300)
    after = stats(api, 'map_resolver')
    check(after['reply_records_repeated'] - before['reply_records_repeated'] == 60 * 63,
          '64 records naming one 8-RLOC proxy registration: it once a reply', after)
    check(ratio <= WORST_MR, 'proxy replies: out/in %.2f <= %.1f (%d bytes in)'
          % (ratio, WORST_MR, rx))


def global_bound(api, role, packets):
    """What SPOOFED requests from as many sources make the victim send (its
    eth0's packets, ARP included) stays within the bucket."""
    _, _, took, sent = measured(packets)
    after = stats(api, role)
    bound = RATE + RATE * took + 4
    check(sent <= bound, '%s, %d spoofed sources: %d packets sent <= %d '
          '(burst + rate x %.1f s)' % (role, SPOOFED, sent, bound, took), after)
    return after


def map_resolver_attack():
    lab.start_cp('mr', MR_CONF)
    api = lab.api(TOKEN)
    check(api.ready(), 'the Map-Server/Map-Resolver answers REST')
    register_etrs()
    map_resolver_ratio(api)
    flood = [ecm_from(20000 + i, [(1, '10.200.%d.%d' % (i >> 8, i & 255), 32)])
             for i in range(SPOOFED)]
    netns.sh('ip', '-n', lab.attacker, 'addr', 'add', OTHER_ITR + '/24', 'dev', 'eth0')
    other = lab.udp(lab.attacker, OTHER_ITR, 4342)
    step = SPOOFED // LEGIT
    for k in range(LEGIT):      # both ITRs' requests spread through the flood
        flood.insert((k + 1) * step + 2 * k, legit_ecm(attack.ATTACKER4, 7000 + k))
        flood.insert((k + 1) * step + 2 * k + 1, legit_ecm(OTHER_ITR, 8000 + k))
    before = stats(api, 'map_resolver')
    after = global_bound(api, 'map_resolver', flood)
    check(after['replies_global_limited'] > 0 and after['requests_rate_limited'] == 0,
          'refused by the global bucket, not the per-source one', after)
    verified = replies(lab.etr_sock)
    unverified = replies(other)
    check(verified == LEGIT and
          after['requests_verified'] - before['requests_verified'] == LEGIT,
          'the registered xTR: %d of %d requests answered inside the flood, all verified'
          % (verified, LEGIT), after)
    check(unverified <= LEGIT // 4, 'the ITR that registered nothing: %d of %d answered, '
          'its share of the global bucket' % (unverified, LEGIT))
    lab.procs.pop('mr').stop()


def legit_ecm(itr, nonce):
    """A real ITR's ECM for the proxy-replied 10.7/16, its reply to itr:4342."""
    inner = lw.ecm(request([(1, '10.7.0.1', 32)], itr, nonce), itr, '10.7.0.1', 4342)
    return attack.udp(itr, 4342, attack.VICTIM4, 4342, inner)


def replies(sock):
    """Map-Replies waiting at sock."""
    n = 0
    while True:
        got = recv(sock, 0.2)
        if got is None:
            return n
        n += got[0][0] >> 4 == 2


def probe_from(i):
    src = attack.spoof4(i)
    m = lw.map_request(1, '10.9.0.1', 32, src, i + 1, probe=True)
    return attack.udp(src, 4342, attack.VICTIM4, 4342, m)


def etr_attack():
    lab.start_cp('etr', ETR_CONF)
    api = lab.api(TOKEN)
    check(api.ready(), 'the ETR answers REST')
    time.sleep(0.5)     # its one Map-Register is out before the count
    before = stats(api, 'etr')
    ratio, rx, _, _ = measured([probe_from(i) for i in range(150)], 300)
    after = stats(api, 'etr')
    check(after['probes_answered'] - before['probes_answered'] == 150,
          '150 probes, 150 replies', after)
    check(after['probe_replies_trimmed'] - before['probe_replies_trimmed'] == 150,
          'each without the 1,000-byte mapping', after)
    check(ratio <= WORST_PROBE, 'RLOC probes: out/in %.2f <= %.1f (%d bytes in)'
          % (ratio, WORST_PROBE, rx))
    after = global_bound(api, 'etr', [probe_from(30000 + i) for i in range(SPOOFED)])
    check(after['replies_rate_limited'] > 0, 'refused and counted', after)
    probe_ratio_reloaded(api)


def probe_ratio_reloaded(api):
    """etr.probe-reply-ratio 64 by SIGHUP: the mapping is in the reply."""
    lab.write('etr', ETR_CONF + '  probe-reply-ratio: 64\n')
    lab.procs['etr'].send_signal(signal.SIGHUP)
    check(wait_for(lambda: 'configuration reloaded' in lab.log('etr'), 3),
          'reloaded with probe-reply-ratio 64')
    time.sleep(1.2)     # the bucket refilled
    before = stats(api, 'etr')
    ratio, _, _, _ = measured([probe_from(50000 + i) for i in range(20)], 100)
    after = stats(api, 'etr')
    check(after['probes_answered'] - before['probes_answered'] == 20 and
          after['probe_replies_trimmed'] == before['probe_replies_trimmed'] and ratio > 5,
          'probe replies carry the 1,000-byte mapping again: out/in %.2f' % ratio, after)


map_resolver_attack()
etr_attack()
if checks.failures:
    for name in lab.procs:
        print(lab.log(name)[-3000:])
checks.exit()
