#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'dp-itr-pcap': the ITR's exceptional paths on net_pcap ports,
inputs from scapy, outputs decoded by tshark (never by our own decoder):

  too big, DF set (IPv4) or IPv6: dropped, and an ICMP "fragmentation
      needed" (type 3 code 4, next-hop MTU) or ICMPv6 "Packet Too Big"
      (type 2, MTU) back to the sender's MAC, quoting its packet, checksums
      good; the bucket of itr.icmp-rate limits them;
  too big, DF clear: fragmented, each fragment encapsulated; tshark sees
      the fragments inside LISP and their payloads rebuild the original;
  native-forward with RLOCs: encapsulated to the Proxy-ETR;
  itr.locator-status-bits: L bit set, the 8 LSBs those of our two RLOCs;
  the counters at exit, each exactly.
Exit 77 without lispgw-dp, tshark or scapy.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import test_pcap as tp  # noqa: E402  (pcap reader, counters line)
from lispgwlab.check import SKIP, Checks  # noqa: E402

GW, HOST, RLOC_MAC, NH = tp.GW_MAC, tp.HOST_MAC, tp.RLOC_MAC, tp.NH_MAC

CONFIG = f"""\
ports:
  - name: eid0
    device: net_pcap0
    role: eid
    mac: "{GW}"
    instance-id: 100
    peer-mac: "{HOST}"
  - name: rloc0
    device: net_pcap1
    role: rloc
    mac: "{RLOC_MAC}"
    addresses: [192.0.2.1, "2001:db8::1"]
    next-hop-mac: "{NH}"
instances:
  - instance-id: 100
    encapsulation: lisp
static-map-cache:
  - eid-prefix: "[100]10.2.0.0/16"
    rlocs: [{{address: 192.0.2.2}}]
  - eid-prefix: "[100]2001:db8:2::/48"
    rlocs: [{{address: 192.0.2.2}}]
  - eid-prefix: "[100]0.0.0.0/0"
    action: native-forward
    rlocs: [{{address: 192.0.2.99}}]
itr:
  too-big: icmp
  icmp-rate: 3
  locator-status-bits: true
"""

FIELDS = ["eth.src", "eth.dst", "ip.src", "ip.dst", "ip.flags.mf", "ip.frag_offset",
          "ip.checksum.status", "icmp.type", "icmp.code", "icmp.mtu", "icmp.checksum.status",
          "ipv6.src", "ipv6.dst", "icmpv6.type", "icmpv6.mtu", "icmpv6.checksum.status",
          "udp.dstport", "lisp-data.flags.lsb", "lisp-data.lsb8", "lisp-data.iid",
          "_ws.malformed"]


def rows_of(tshark, path):
    return tp.tshark_rows(tshark, path, FIELDS, prefs=("ip.defragment:FALSE",))


def inputs(s):
    """The EID side's frames, and the packets the checks look for in the
    outputs: (frames, petr, df, nodf)."""
    def eth(ip):
        return s.Ether(dst=GW, src=HOST) / ip

    small = s.IP(src="10.1.0.1", dst="10.2.0.1", id=1) / s.UDP(sport=1, dport=2) / (b"a" * 20)
    petr = s.IP(src="10.1.0.1", dst="198.51.100.7", id=2) / s.UDP(sport=1, dport=2) / (b"p" * 20)
    # 1465 bytes of IPv4 + 36 > 1500.  DF: ICMP; no DF: two fragments.
    df = s.IP(src="10.1.0.1", dst="10.2.0.1", id=3, flags="DF") / s.UDP(sport=3, dport=4) / \
        (b"d" * (1465 - 28))
    nodf = s.IP(src="10.1.0.1", dst="10.2.0.1", id=4) / s.UDP(sport=5, dport=6) / \
        (bytes(range(256)) * 8)[:2000 - 28]
    big6 = s.IPv6(src="2001:db8:1::1", dst="2001:db8:2::1") / s.UDP(sport=7, dport=8) / \
        (b"6" * (1465 - 48))
    # An ICMP error that is too big itself: never answered with one.
    icmp_err = s.IP(src="10.1.0.1", dst="10.2.0.1", id=5, flags="DF") / \
        s.ICMP(type=3, code=1) / (b"e" * 1500)
    # A burst is handled IPv4 first, then IPv6.  Three tokens: the two DF
    # packets and the first IPv6 one; the ICMP error takes none (it gets
    # no answer), the second IPv6 packet finds the bucket empty.
    frames = [eth(small), eth(petr), eth(df), eth(nodf), eth(big6), eth(icmp_err), eth(df),
              eth(big6)]
    return frames, petr, df, nodf


def rloc_side(c, tshark, wrote, petr, nodf):
    """The small packet, the PETR's and the two fragments of nodf,
    encapsulated, in some order."""
    # RLOC side: small, petr, 2 fragments of nodf, in some order.
    rows = rows_of(tshark, wrote["rloc_out"])
    raw = tp.pcap_frames(wrote["rloc_out"])
    c.eq(len(rows), 4, "RLOC side: 4 encapsulated frames")
    for r in rows:
        c.eq(r["udp.dstport"][:1], ["4341"], "LISP")
        c.ok(tp.truthy(tp.first(r, "lisp-data.flags.lsb")), "L bit")
        c.eq(r["lisp-data.lsb8"], ["0x03"], "LSBs: our two RLOCs up")
        c.eq(r["_ws.malformed"], [], "tshark: not malformed")
    by_dst = {}
    for r, fr in zip(rows, raw):
        by_dst.setdefault(r["ip.dst"][1] if len(r["ip.dst"]) > 1 else None, []).append((r, fr))
    c.eq(len(by_dst.get("198.51.100.7", [])), 1, "native-forward: one packet")
    for r, fr in by_dst.get("198.51.100.7", []):
        c.eq(r["ip.dst"][0], "192.0.2.99", "native-forward: encapsulated to the PETR")
        c.ok(fr[50:] == bytes(petr), "native-forward: inner byte-identical")
    to2 = by_dst.get("10.2.0.1", [])
    c.eq(len(to2), 3, "to 10.2.0.1: the small packet and 2 fragments")
    frags = sorted(((int(r["ip.frag_offset"][1]), r, fr) for r, fr in to2
                    if r["ip.frag_offset"][1] != "0" or tp.truthy(r["ip.flags.mf"][1])),
                   key=lambda x: x[0])
    c.eq(len(frags), 2, "2 fragments of the DF-clear packet")
    payload, want = b"", bytes(nodf)[20:]
    for i, (off, r, fr) in enumerate(frags):
        inner = fr[50:]
        c.eq(tp.truthy(r["ip.flags.mf"][1]), i == 0, f"fragment {i}: MF")
        c.eq(r["ip.checksum.status"], ["1", "1"], f"fragment {i}: checksums good")
        c.ok(len(inner) <= 1464, f"fragment {i}: fits (1464 + 36 = 1500)")
        c.eq(off * 8, len(payload), f"fragment {i}: offset (tshark: in eighths)")
        payload += inner[20:]
    c.ok(payload == want, "fragments rebuild the original payload")


def eid_side(c, tshark, wrote, df):
    # EID side: ICMP for the two DF packets, a PTB for the first IPv6 one.
    rows = rows_of(tshark, wrote["eid_out"])
    raw = tp.pcap_frames(wrote["eid_out"])
    icmp4 = [(r, fr) for r, fr in zip(rows, raw) if r["icmp.type"]]
    icmp6 = [(r, fr) for r, fr in zip(rows, raw) if r["icmpv6.type"]]
    c.eq(len(icmp4), 2, "ICMP frag-needed: both DF packets")
    c.eq(len(icmp6), 1, "ICMPv6 Packet Too Big: one")
    for r, fr in icmp4:
        c.eq(r["eth.dst"], [HOST], "ICMP to the sender's MAC")
        c.eq(r["eth.src"], [GW], "ICMP from our EID port")
        c.eq(r["ip.src"][0], "192.0.2.1", "ICMP from our RLOC address")
        c.eq(r["ip.dst"][0], "10.1.0.1", "ICMP to the sender")
        c.eq((r["icmp.type"], r["icmp.code"]), (["3"], ["4"]), "type 3 code 4")
        c.eq(r["icmp.mtu"], ["1464"], "next-hop MTU 1464")
        c.eq(r["icmp.checksum.status"], ["1"], "ICMP checksum good")
        c.ok(fr[14 + 28:14 + 28 + 548] == bytes(df)[:548], "quotes the packet (548 bytes)")
    for r, fr in icmp6:
        c.eq(r["ipv6.src"][0], "2001:db8::1", "PTB from our IPv6 RLOC")
        c.eq(r["ipv6.dst"][0], "2001:db8:1::1", "PTB to the sender")
        c.eq(r["icmpv6.type"], ["2"], "ICMPv6 type 2")
        c.eq(r["icmpv6.mtu"], ["1464"], "PTB MTU 1464")
        c.eq(r["icmpv6.checksum.status"], ["1"], "ICMPv6 checksum good")
    c.eq(len(rows), 3, "EID side: nothing else")


def counters(c, res, frames):
    got = tp.counters_of(res.stdout) or {}
    want = dict(rx_eid=len(frames), encap_lisp=4, too_big_fragmented=1, too_big_fragments=2,
                drop_mtu=2 + 2 + 1, too_big_icmp=3, too_big_icmp_limited=2, tx=4 + 3,
                drop_neg_native=0, drop_src_not_eid=0)
    for k, v in sorted(want.items()):
        c.eq(got.get(k), v, f"counter {k}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dp", required=True)
    ap.add_argument("--tshark", default="")
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()
    if not args.dp or not os.access(args.dp, os.X_OK) or not args.tshark:
        print("skip: no lispgw-dp or tshark")
        return SKIP
    try:
        import scapy.all as s
    except ImportError:
        print("skip: no scapy")
        return SKIP
    s.conf.verb = 0
    os.makedirs(args.outdir, exist_ok=True)
    c = Checks("dp-itr-pcap", verbose=False)

    frames, petr, df, nodf = inputs(s)
    wrote = {n: os.path.join(args.outdir, n + ".pcap")
             for n in ("eid_in", "rloc_in", "eid_out", "rloc_out")}
    s.wrpcap(wrote["eid_in"], frames)
    s.wrpcap(wrote["rloc_in"], [s.Ether(dst=RLOC_MAC, src=NH) / s.ARP(op=2)])
    conf = os.path.join(args.outdir, "dp.yaml")
    with open(conf, "w") as f:
        f.write(CONFIG)
    res = tp.run_dp(args, conf, "0", "", wrote)
    c.eq(res.returncode, 0, f"lispgw-dp exit status ({res.stderr[-1500:]})")

    rloc_side(c, args.tshark, wrote, petr, nodf)
    eid_side(c, args.tshark, wrote, df)
    counters(c, res, frames)
    print(f"{c.passed} checks passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
