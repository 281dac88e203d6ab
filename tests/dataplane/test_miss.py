#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'dp-miss': the ITR's miss path end to end.

lispgw-dp replays an EID-side pcap without end (net_pcap infinite_rx=1) to
three destinations it has no mapping for; lispgw-cp (ITR, attached through
the channel) resolves them through a Map-Resolver played by this script,
which answers two with a mapping and the third with a negative
send-map-request entry.  Checked:
  - the data plane drops misses and rate-limits their events per EID: a
    few events for millions of misses, events + suppressed = misses;
  - before lispgw-cp attaches, events are counted as miss_no_cp;
  - lispgw-cp sends a Map-Request for exactly the missed EIDs (host
    prefixes in Instance-ID 1, the packet's source as source EID), one for
    each EID that got a mapping, and about one a second for the negative
    send-map-request entry (its misses go on, one event per interval);
  - the resolved mappings reach the data plane (channel applied, mappings)
    and the following packets are encapsulated, with no more misses.
"""
import os
import socket
import struct
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import wire as lw  # noqa: E402
from lispgwlab.check import Checks, skip  # noqa: E402
from lispgwlab.daemons import Proc  # noqa: E402

DP = os.environ.get('LISPGW_DP')
CP = os.environ.get('LISPGW_CP')
if not DP or not os.path.exists(DP) or not CP or not os.path.exists(CP):
    skip('lispgw-dp or lispgw-cp not built')
try:
    import scapy.all as scapy
except ImportError:
    skip('no scapy')
scapy.conf.verb = 0

ITR, MR = '127.66.0.1', '127.66.0.2'
GW_MAC, HOST_MAC = '02:00:00:00:00:01', '02:00:00:00:00:aa'
SRC4, SRC6 = '10.1.0.5', '2001:db8:1::5'
# destination -> (prefix, plen) answered with RLOC 192.0.2.9, or None:
# a negative send-map-request answer for 10.10.0.0/16.
POS4, POS6, NEG = '10.9.0.1', '2001:db8:9::1', '10.10.0.1'
ANSWERS = {POS4: ('10.9.0.0', 24), POS6: ('2001:db8:9::', 64), NEG: ('10.10.0.0', 16)}
INTERVAL_S = 1.0        # DP_MISS_INTERVAL_MS

tmp = tempfile.mkdtemp(prefix='lispgw-miss-')
sock = os.path.join(tmp, 'dp.sock')
checks = Checks('miss')
check = checks.check
failures = checks.failures


# ---- the input: 3 destinations, interleaved --------------------------------------------
frames = []
for n in range(20):
    for dst in (POS4, NEG):
        frames.append(scapy.Ether(src=HOST_MAC, dst=GW_MAC) / scapy.IP(src=SRC4, dst=dst, ttl=64) /
                      scapy.UDP(sport=1000 + n, dport=53) / (b'x' * 32))
    frames.append(scapy.Ether(src=HOST_MAC, dst=GW_MAC) / scapy.IPv6(src=SRC6, dst=POS6) /
                  scapy.UDP(sport=1000 + n, dport=53) / (b'y' * 32))
pcap_in = os.path.join(tmp, 'eid_in.pcap')
scapy.wrpcap(pcap_in, frames)

with open(os.path.join(tmp, 'dp.yaml'), 'w') as f:
    f.write("""
ports:
  - {name: hosts, device: net_pcap0, role: eid, mac: "%s", instance-id: 1, peer-mac: "%s"}
  - {name: underlay, device: net_null1, role: rloc, addresses: [192.0.2.1, "2001:db8::1"],
     next-hop-mac: "02:00:00:00:00:fe"}
instances:
  - {instance-id: 1, encapsulation: lisp}
""" % (GW_MAC, HOST_MAC))
with open(os.path.join(tmp, 'cp.yaml'), 'w') as f:
    f.write("""
roles: [itr]
listen: {addresses: [%s]}
dataplane: {socket: %s}
itr:
  map-resolvers: [{address: %s}]
""" % (ITR, sock, MR))


# ---- the Map-Resolver -------------------------------------------------------------------
class FakeMR(threading.Thread):
    """Answers every Map-Request (in an ECM) from ANSWERS; notes what was asked."""

    def __init__(self):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((MR, 4342))
        self.s.settimeout(0.2)
        self.requests = []      # (time, iid, eid, plen, source eid, itr rloc)
        self.errors = []
        self.stop = False

    def parse(self, msg):
        if lw.msg_type(msg) != 8:
            raise ValueError('not an ECM: type %d' % lw.msg_type(msg))
        ip = msg[4:]
        l3 = (ip[0] & 0xf) * 4 if ip[0] >> 4 == 4 else 40
        sport = struct.unpack('!H', ip[l3:l3 + 2])[0]
        req = ip[l3 + 8:]
        if lw.msg_type(req) != 1:
            raise ValueError('not a Map-Request: type %d' % lw.msg_type(req))
        irc, nrec = (req[2] & 0x1f) + 1, req[3]
        nonce = lw.nonce_of(req)
        (_, src_eid), off = lw._parse_addr(req, 12)
        rlocs = []
        for _ in range(irc):
            (_, a), off = lw._parse_addr(req, off)
            rlocs.append(a)
        recs = []
        for _ in range(nrec):
            plen = req[off + 1]
            (iid, eid), off = lw._parse_addr(req, off + 2)
            recs.append((iid, eid, plen))
        return nonce, sport, src_eid, rlocs, recs

    def run(self):
        while not self.stop:
            try:
                msg, _ = self.s.recvfrom(65535)
            except socket.timeout:
                continue
            try:
                nonce, sport, src_eid, rlocs, recs = self.parse(msg)
            except Exception as e:     # noqa: BLE001 -- reported as a failure
                self.errors.append(repr(e))
                continue
            for (iid, eid, plen) in recs:
                self.requests.append((time.time(), iid, eid, plen, src_eid, rlocs[0]))
                ans = ANSWERS.get(eid)
                if iid != 1 or ans is None:
                    continue
                if eid == NEG:
                    rec = lw.record(1, ans[0], ans[1], [], ttl=15, action=2, auth=False)
                else:
                    rec = lw.record(1, ans[0], ans[1], [('192.0.2.9', 1, 100)], ttl=60)
                reply = struct.pack('!IQ', (2 << 28) | 1, nonce) + rec
                itr4 = [a for a in rlocs if a and ':' not in a]
                if itr4:
                    self.s.sendto(reply, (itr4[0], sport))

    def asked(self, eid):
        return [r for r in self.requests if r[2] == eid]


mr = FakeMR()
mr.start()
dp = Proc([DP, '-l', '0', '--no-huge', '-m', '512', '--no-shconf', '--no-telemetry',
           '--no-pci', '--log-level', 'lib.eal:error',
           '--vdev', 'net_pcap0,rx_pcap=%s,infinite_rx=1' % pcap_in,
           '--vdev', 'net_null1,no-rx=1',
           '--', '-c', os.path.join(tmp, 'dp.yaml'), '--channel', sock],
          os.path.join(tmp, 'dp.log'), stdout_lines=True)
cp = None


def counters():
    return dp.counters()


def misses(c):
    return c['drop_miss'] + c['drop_neg_map_request']


try:
    # 60 s: EAL start-up took over 20 s once on the loaded 2-core machine.
    deadline = time.time() + 60
    while not os.path.exists(sock) and time.time() < deadline and dp.poll() is None:
        time.sleep(0.1)
    if not check(os.path.exists(sock), 'lispgw-dp listens on the channel socket'):
        print('lispgw-dp exit %s, its log:\n%s' % (dp.poll(), dp.text()[-3000:]))
        raise SystemExit(1)
    t_start = time.time()
    time.sleep(1.5)
    c0 = counters()
    check(c0['drop_miss'] > 1000 and c0['encap_lisp'] == 0,
          'without a mapping every packet is a miss, dropped', c0)
    check(1 <= c0['miss_events'] <= 3 * 3, 'a few miss events for %d misses' % c0['drop_miss'], c0)
    check(c0['channel']['miss_no_cp'] >= 1 and c0['channel']['miss_sent'] == 0,
          'events without a control plane: counted as miss_no_cp', c0['channel'])

    cp = Proc([CP, '-c', os.path.join(tmp, 'cp.yaml')], os.path.join(tmp, 'cp.log'))
    deadline = time.time() + 8
    while time.time() < deadline and not (mr.asked(POS4) and mr.asked(POS6) and mr.asked(NEG)):
        time.sleep(0.1)
    time.sleep(0.5)
    c1 = counters()
    check(c1['channel']['attached'] and c1['channel']['miss_sent'] >= 3,
          'lispgw-cp attached; the misses went to it', c1['channel'])
    check(c1['mappings'] == 3 and c1['channel']['applied'] >= 3,
          'the resolved mappings (two positive, one negative) reached the data plane', c1)

    time.sleep(2.0)
    c2 = counters()
    check(c2['encap_lisp'] > c1['encap_lisp'] > 0,
          'packets to the resolved EIDs are encapsulated (%d, then %d)'
          % (c1['encap_lisp'], c2['encap_lisp']))
    check(c2['drop_miss'] == c1['drop_miss'], 'no more misses once mapped', (c1['drop_miss'], c2['drop_miss']))
    check(c2['drop_neg_map_request'] > c1['drop_neg_map_request'],
          'the negative send-map-request entry: its packets are dropped and counted')
    elapsed = time.time() - t_start
    check(misses(c2) == c2['miss_events'] + c2['miss_suppressed'] + c2['miss_ring_full'],
          'every miss is an event, suppressed or lost (ring full)', c2)
    check(c2['miss_ring_full'] == 0, 'no miss event lost', c2)
    bound = 3 * (int(elapsed / INTERVAL_S) + 2)
    check(3 <= c2['miss_events'] <= bound,
          'rate limit: %d events for %d misses in %.1f s (at most %d: 3 EIDs, 1 a second)'
          % (c2['miss_events'], misses(c2), elapsed, bound))
    check(c2['miss_suppressed'] > 1000, 'repeats suppressed', c2['miss_suppressed'])
finally:
    if cp:
        cp.stop()
    dp.stop(timeout=10)
    mr.stop = True
    mr.join()

check(dp.returncode == 0, 'lispgw-dp exits cleanly on SIGTERM', dp.returncode)
check(not mr.errors, 'the Map-Resolver parsed every message', mr.errors)
asked = sorted({(r[1], r[2], r[3]) for r in mr.requests})
check(asked == sorted([(1, POS4, 32), (1, POS6, 128), (1, NEG, 32)]),
      'Map-Requests for exactly the missed EIDs, host prefixes in IID 1', asked)
check(all(r[4] == (SRC6 if ':' in r[2] else SRC4) for r in mr.requests),
      "the packet's source is the Map-Request's source EID", [r[4] for r in mr.requests])
check(all(r[5] == ITR for r in mr.requests), 'ITR-RLOC is the ITR', [r[5] for r in mr.requests])
check(len(mr.asked(POS4)) == 1 and len(mr.asked(POS6)) == 1,
      'one Map-Request for each EID that got a mapping',
      (len(mr.asked(POS4)), len(mr.asked(POS6))))
neg = [r[0] for r in mr.asked(NEG)]
if neg:
    span = time.time() - neg[0]
    check(2 <= len(neg) <= span / INTERVAL_S + 2,
          'send-map-request entry: about one Map-Request a second (%d in %.1f s)' % (len(neg), span),
          [round(t - neg[0], 2) for t in neg])
if failures:
    print(open(os.path.join(tmp, 'dp.log')).read()[-3000:])
    print(open(os.path.join(tmp, 'cp.log')).read()[-3000:])
checks.exit()
