#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'dp-pcap': lispgw-dp on net_pcap ports, golden in, tshark out.

Input packets are built with scapy (inner packets, VXLAN) and by hand from
the RFC layouts (the LISP and VXLAN-GPE headers); lispgw-dp runs on two
net_pcap ports (EID side and RLOC side) until its input is drained
(--exit-on-idle), and its outputs are checked with tshark, never with our
own decoder:
  ITR: outer Ethernet / IPv4 or IPv6 / UDP 4341, 4789 or 4790; LISP N and I
       flags, a nonce, the IID; VXLAN / GPE VNI and next protocol; outer
       TTL and DSCP copied; IPv4 header and IPv6 VXLAN UDP checksums good;
       UDP source port equal within a flow and different across flows; the
       RLOC of a flow stable, both RLOCs of a 50/50 set used; the inner
       packet byte-identical (VXLAN: the inner frame, untagged) -- for LISP,
       VXLAN and VXLAN-GPE, IPv4 and IPv6 inner and outer;
  ETR: crafted encapsulated packets delivered on the EID port with its MAC
       header (and VLAN tag), inner byte-identical;
  every drop reason: the counters lispgw-dp prints at exit (a JSON line)
       must equal what this script expects, counter by counter;
  the same run with a worker lcore (-l 0-1) gives the same counters;
  -n on a good config and on a bad one (every error with its line).
Exit 77 (meson's skip) without lispgw-dp, tshark or scapy.
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab import pcap  # noqa: E402
from lispgwlab.check import SKIP, Checks  # noqa: E402
from lispgwlab.tshark import rows as tshark_field_rows  # noqa: E402


GW_MAC = "02:00:00:00:00:01"     # our EID-side port
HOST_MAC = "02:00:00:00:00:aa"   # the EID side's peer
RLOC_MAC = "02:00:00:00:00:02"   # our RLOC-side port
NH_MAC = "02:00:00:00:00:fe"     # the underlay next hop

ENCAP = {100: "lisp", 200: "vxlan", 300: "vxlan-gpe"}
VLAN = {100: 0, 200: 20, 300: 30}
DPORT = {"lisp": 4341, "vxlan": 4789, "vxlan-gpe": 4790}
# (destination template, RLOC) per instance; {n} numbers the flow.
DESTS = [("10.2.0.{n}", "192.0.2.2"), ("10.6.0.{n}", "2001:db8::6"),
         ("2001:db8:2::{n}", "2001:db8::2"), ("2001:db8:4::{n}", "192.0.2.4")]

CONFIG = """\
log-level: info
ports:
  - name: eid0
    device: net_pcap0
    role: eid
    mac: "{gw}"
    instance-id: 100
    peer-mac: "{host}"
    vlans:
      - vlan: 20
        instance-id: 200
      - vlan: 30
        instance-id: 300
  - name: rloc0
    device: net_pcap1
    role: rloc
    mac: "{rloc}"
    addresses: [192.0.2.1, "2001:db8::1"]
    next-hop-mac: "{nh}"
instances:
  - instance-id: 100
    encapsulation: lisp
  - instance-id: 200
    encapsulation: vxlan
  - instance-id: 300
    encapsulation: vxlan-gpe
  - instance-id: 400
    encapsulation: lisp
static-map-cache:
{maps}
  - eid-prefix: "[100]10.7.0.0/16"
    action: drop
  - eid-prefix: "[100]10.8.0.0/16"
    action: native-forward
  - eid-prefix: "[100]10.9.0.0/16"
    action: send-map-request
  - eid-prefix: "[100]10.10.0.0/16"
    rlocs:
      - address: 192.0.2.10
        up: false
  - eid-prefix: "[100]10.11.0.0/16"
    rlocs:
      - address: 192.0.2.11
        weight: 50
      - address: 192.0.2.12
        weight: 50
tables:
  max-mappings: 1024
  max-instances: 8
itr:
  too-big: drop     # dp-itr-pcap has the ICMP errors and fragments
"""

BAD_CONFIG = """\
ports:
  - name: eid0
    device: net_pcap0
    role: eid
    instance-id: 100
    peer-mac: "02:00:00:00:00:zz"
  - name: rloc0
    device: net_pcap1
    role: rloc
    addresses: [192.0.2.1/33]
instances:
  - instance-id: 100
    encapsulation: lisp
  - instance-id: 100
    encapsulation: vxlan
static-map-cache:
  - eid-prefix: "[7]10.0.0.0/8"
    rlocs:
      - address: "2001:db8::2"
"""

# Every counter a drop can hit; the script expects each exactly.
HDR_CASES = [  # (UDP port, tunnel header, counter)
    (4341, "8c00000000006400", "drop_hdr_lisp_rsvd_flag"),
    (4341, "8900000000006400", "drop_hdr_lisp_key_id"),
    (4341, "9800000000006400", "drop_hdr_lisp_n_and_v"),
    (4341, "2800000000006400", "drop_hdr_lisp_e_without_n"),
    (4789, "000000000000c800", "drop_hdr_vxlan_no_i"),
    (4789, "0c0000000000c800", "drop_hdr_vxlan_rsvd_flag"),
    (4789, "080000000000c801", "drop_hdr_vxlan_rsvd_field"),
    (4790, "2c00000100012c00", "drop_hdr_gpe_version"),
    (4790, "0800000100012c00", "drop_hdr_gpe_no_p"),
    (4790, "0c00000900012c00", "drop_hdr_gpe_next_proto"),
    (4790, "0c00000400012c00", "drop_inner_not_ip"),   # NSH
]


def config_text():
    maps = []
    for iid in ENCAP:
        for dst, rloc in DESTS:
            net = dst.format(n=0)
            plen = 16 if ":" not in net else 48
            maps.append(f'  - eid-prefix: "[{iid}]{net}/{plen}"\n'
                        f'    rlocs:\n      - address: "{rloc}"')
    return CONFIG.format(gw=GW_MAC, host=HOST_MAC, rloc=RLOC_MAC, nh=NH_MAC,
                         maps="\n".join(maps))


def lisp_hdr(iid, nonce=0x123456, flags=0x88):
    return bytes([flags, nonce >> 16 & 0xff, nonce >> 8 & 0xff, nonce & 0xff,
                  iid >> 16 & 0xff, iid >> 8 & 0xff, iid & 0xff, 0])


def vni_hdr(first, np, vni):
    return bytes([first, 0, 0, np, vni >> 16 & 0xff, vni >> 8 & 0xff, vni & 0xff, 0])


class Build:
    """The input frames and what each should become."""

    def __init__(self, scapy):
        self.s = scapy
        self.eid = []       # frames into the EID port
        self.rloc = []      # frames into the RLOC port
        self.encap = []     # expected outputs on the RLOC port, in order
        self.decap = []     # expected outputs on the EID port, in order
        self.drops = {}     # counter -> count
        self.punts = {}     # punt counter -> count
        self.eid_arp = []   # our ARP replies expected on the EID port
        self.rloc_arp = []  # ... on the RLOC port

    def drop(self, counter):
        self.drops[counter] = self.drops.get(counter, 0) + 1

    def punt(self, counter):
        self.punts[counter] = self.punts.get(counter, 0) + 1

    def inner(self, src, dst, sport, ttl, tos, size=24):
        s = self.s
        if ":" in dst:
            return s.IPv6(src=src, dst=dst, hlim=ttl, tc=tos) / \
                s.UDP(sport=sport, dport=80) / s.Raw(bytes(range(size)) if size < 256 else b"6" * size)
        return s.IP(src=src, dst=dst, ttl=ttl, tos=tos, id=7) / \
            s.UDP(sport=sport, dport=80) / s.Raw(bytes(range(size)) if size < 256 else b"4" * size)

    def eid_frame(self, vlan, ip):
        s = self.s
        if vlan:
            return s.Ether(dst=GW_MAC, src=HOST_MAC) / s.Dot1Q(vlan=vlan) / ip
        return s.Ether(dst=GW_MAC, src=HOST_MAC) / ip

    def itr(self):
        s = self.s
        for iid, enc in ENCAP.items():
            for dst_t, rloc in DESTS:
                for flow in range(4):
                    src = "2001:db8:1::1" if ":" in dst_t else "10.1.0.1"
                    ip = self.inner(src, dst_t.format(n=flow + 1), 1000 + flow,
                                    40 + flow, 0xb8)
                    frame = self.eid_frame(VLAN[iid], ip)
                    if enc == "vxlan":
                        carried = bytes(s.Ether(dst=GW_MAC, src=HOST_MAC,
                                                type=0x86dd if ":" in dst_t else 0x800)) + \
                            bytes(ip)
                    else:
                        carried = bytes(ip)
                    for _ in range(2):
                        self.eid.append(frame)
                        self.encap.append(dict(iid=iid, encap=enc, rloc=rloc,
                                               flow=(iid, dst_t, flow), ttl=40 + flow,
                                               tos=0xb8, inner=carried,
                                               inner6=":" in dst_t))
        # A 50/50 pair: both used, each flow on one.
        for flow in range(32):
            ip = self.inner("10.1.0.1", f"10.11.0.{flow + 1}", 2000 + flow, 64, 0)
            self.eid.append(self.eid_frame(0, ip))
            self.encap.append(dict(iid=100, encap="lisp", rloc=None, flow=("pair", flow),
                                   ttl=64, tos=0, inner=bytes(ip), inner6=False))
        # ITR drops.
        # ARP for the gateway: answered with our MAC (and the host learned).
        self.eid.append(s.Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                        s.ARP(op=1, hwsrc=HOST_MAC, psrc="10.1.0.1", pdst="10.1.0.254"))
        self.punt("punt_arp")
        self.eid_arp.append(dict(mac=GW_MAC, ip="10.1.0.254", to_mac=HOST_MAC, to_ip="10.1.0.1"))
        self.eid.append(s.Ether(dst=GW_MAC, src=HOST_MAC, type=0x88cc) / (b"\x00" * 46))
        self.drop("drop_not_ip")
        self.eid.append(self.eid_frame(99, self.inner("10.1.0.1", "10.2.0.1", 1, 64, 0)))
        self.drop("drop_no_iid")
        for dst, counter in (("10.3.0.1", "drop_miss"), ("2001:db8:9::1", "drop_miss"),
                             ("224.0.0.22", "drop_not_unicast"),
                             ("255.255.255.255", "drop_not_unicast"),
                             ("10.7.0.1", "drop_neg_drop"), ("10.8.0.1", "drop_neg_native"),
                             ("10.9.0.1", "drop_neg_map_request"),
                             ("10.10.0.1", "drop_no_rloc")):
            src = "2001:db8:1::1" if ":" in dst else "10.1.0.1"
            self.eid.append(self.eid_frame(0, self.inner(src, dst, 1, 64, 0)))
            self.drop(counter)
        bad = s.Ether(dst=GW_MAC, src=HOST_MAC) / s.IP(src="10.1.0.1", dst="10.2.0.1",
                                                        len=200) / s.UDP() / s.Raw(b"x" * 20)
        self.eid.append(bad)
        self.drop("drop_inner_truncated")
        # 1464 bytes of IPv4 + 36 = 1500 fits; 1465 does not.
        self.eid.append(self.eid_frame(0, self.inner("10.1.0.1", "10.2.0.1", 9, 64, 0,
                                                     size=1465 - 28)))
        self.drop("drop_mtu")

    def outer(self, dst, dport, tun, payload, src=None, ttl=64, tos=0, proto=None):
        s = self.s
        if ":" in dst:
            ip = s.IPv6(src=src or "2001:db8::2", dst=dst, hlim=ttl, tc=tos)
        else:
            ip = s.IP(src=src or "192.0.2.2", dst=dst, ttl=ttl, tos=tos, flags="DF")
        if proto == "tcp":
            return s.Ether(dst=RLOC_MAC, src=NH_MAC) / ip / s.TCP(dport=dport) / s.Raw(tun + payload)
        return s.Ether(dst=RLOC_MAC, src=NH_MAC) / ip / s.UDP(sport=50000, dport=dport) / \
            s.Raw(tun + payload)

    def etr(self):
        s = self.s
        ip4 = self.inner("10.2.0.5", "10.1.0.1", 80, 30, 0)
        ip6 = self.inner("2001:db8:2::5", "2001:db8:1::1", 80, 30, 0)
        eth4 = bytes(s.Ether(dst=GW_MAC, src=HOST_MAC, type=0x800)) + bytes(ip4)
        eth6 = bytes(s.Ether(dst=GW_MAC, src=HOST_MAC, type=0x86dd)) + bytes(ip6)
        delivered = [
            ("192.0.2.1", 4341, lisp_hdr(100), bytes(ip4), 100, ip4),
            ("2001:db8::1", 4341, lisp_hdr(100), bytes(ip6), 100, ip6),
            ("192.0.2.1", 4341, lisp_hdr(100), bytes(ip6), 100, ip6),
            ("2001:db8::1", 4341, lisp_hdr(100), bytes(ip4), 100, ip4),
            ("192.0.2.1", 4789, vni_hdr(0x08, 0, 200), eth4, 200, ip4),
            ("2001:db8::1", 4789, vni_hdr(0x08, 0, 200), eth6, 200, ip6),
            ("192.0.2.1", 4790, vni_hdr(0x0c, 1, 300), bytes(ip4), 300, ip4),
            ("2001:db8::1", 4790, vni_hdr(0x0c, 2, 300), bytes(ip6), 300, ip6),
            ("192.0.2.1", 4790, vni_hdr(0x0c, 3, 300), eth6, 300, ip6),
        ]
        for dst, port, tun, payload, iid, ip in delivered:
            self.rloc.append(self.outer(dst, port, tun, payload))
            self.decap.append(dict(iid=iid, inner=bytes(ip), inner6=ip.version == 6,
                                   encap={4341: "lisp", 4789: "vxlan", 4790: "vxlan-gpe"}[port]))
        # ETR drops.
        lisp = lisp_hdr(100)
        p4 = bytes(ip4)
        self.rloc.append(self.outer("192.0.2.99", 4341, lisp, p4))
        self.drop("drop_not_our_rloc")
        self.rloc.append(self.outer("2001:db8::99", 4341, lisp, p4))
        self.drop("drop_not_our_rloc")
        self.rloc.append(self.outer("192.0.2.1", 53, lisp, p4))
        self.drop("drop_not_tunnel")
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp, p4, proto="tcp"))
        self.drop("drop_not_tunnel")
        frag = self.outer("192.0.2.1", 4341, lisp, p4)
        frag[s.IP].flags = "MF"
        self.rloc.append(frag)
        self.drop("drop_outer_fragment")
        self.rloc.append(s.Ether(bytes(self.outer("192.0.2.1", 4341, lisp, p4))[:-3]))
        self.drop("drop_outer_truncated")
        # ARP for our RLOC: answered; for another address: not.
        self.rloc.append(s.Ether(dst="ff:ff:ff:ff:ff:ff", src=NH_MAC) /
                         s.ARP(op=1, hwsrc=NH_MAC, psrc="192.0.2.254", pdst="192.0.2.1"))
        self.punt("punt_arp")
        self.rloc_arp.append(dict(mac=RLOC_MAC, ip="192.0.2.1", to_mac=NH_MAC,
                                  to_ip="192.0.2.254"))
        self.rloc.append(s.Ether(dst="ff:ff:ff:ff:ff:ff", src=NH_MAC) /
                         s.ARP(op=1, hwsrc=NH_MAC, psrc="192.0.2.254", pdst="192.0.2.77"))
        self.punt("punt_arp")
        self.rloc.append(s.Ether(dst=RLOC_MAC, src=NH_MAC, type=0x88cc) / (b"\x00" * 46))
        self.drop("drop_outer_not_ip")
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp_hdr(999), p4))
        self.drop("drop_unknown_iid")
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp_hdr(0, flags=0x80), p4))
        self.drop("drop_unknown_iid")     # no I bit: IID 0, not configured
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp_hdr(400), p4))
        self.drop("drop_no_eid_port")
        for port, hexhdr, counter in HDR_CASES:
            self.rloc.append(self.outer("192.0.2.1", port,
                                        bytes.fromhex(hexhdr), p4))
            self.drop(counter)
        self.rloc.append(self.outer("192.0.2.1", 4341, b"\x88\x00\x00", b""))
        self.drop("drop_hdr_truncated")
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp, b"\x50" + p4[1:]))
        self.drop("drop_inner_not_ip")
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp, p4[:-1]))
        self.drop("drop_inner_truncated")
        no_ect = self.inner("10.2.0.5", "10.1.0.1", 80, 30, 0)
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp, bytes(no_ect), tos=0x03))
        self.drop("drop_ecn")
        big = self.inner("10.2.0.5", "10.1.0.1", 80, 30, 0, size=1501 - 28)
        self.rloc.append(self.outer("192.0.2.1", 4341, lisp, bytes(big)))
        self.drop("drop_mtu")


def is_arp(raw):
    return raw[12:14] == b"\x08\x06"


def split_arp(frames, rows):
    """(non-ARP frames and rows, ARP rows): our ARP replies are checked apart."""
    keep = [(f, r) for f, r in zip(frames, rows) if not is_arp(f)]
    return [f for f, _ in keep], [r for _, r in keep], \
        [r for f, r in zip(frames, rows) if is_arp(f)]


def check_arp(c, rows, want, what):
    c.eq(len(rows), len(want), what + ": ARP replies")
    for row, w in zip(rows, want):
        c.eq(num(first(row, "arp.opcode")), 2, what + " ARP opcode reply")
        c.eq(first(row, "arp.src.hw_mac"), w["mac"], what + " ARP sender MAC = ours")
        c.eq(first(row, "arp.src.proto_ipv4"), w["ip"], what + " ARP sender IP")
        c.eq(first(row, "arp.dst.hw_mac"), w["to_mac"], what + " ARP target MAC")
        c.eq(first(row, "arp.dst.proto_ipv4"), w["to_ip"], what + " ARP target IP")
        c.eq(first(row, "eth.dst"), w["to_mac"], what + " ARP reply unicast")


def pcap_frames(path):
    """Raw frames of a pcap file (no decoding: that is tshark's job)."""
    return pcap.read(path)


FIELDS = ["arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac",
          "arp.dst.proto_ipv4", "eth.dst", "eth.src", "vlan.id", "ip.version", "ip.src", "ip.dst", "ip.ttl",
          "ip.dsfield", "ip.flags.df", "ip.checksum.status", "ip.len", "ipv6.src", "ipv6.dst",
          "ipv6.hlim", "ipv6.tclass", "ipv6.plen", "udp.srcport", "udp.dstport",
          "udp.checksum", "udp.checksum.status", "lisp-data.flags.nonce",
          "lisp-data.flags.iid", "lisp-data.flags.lsb", "lisp-data.nonce", "lisp-data.iid",
          "vxlan.flag_i", "vxlan.i_bit", "vxlan.p_bit", "vxlan.vni", "vxlan.next_proto"]


def tshark_rows(tshark, path, fields=None, prefs=()):
    """One dict per frame: field -> list of values (every occurrence)."""
    return tshark_field_rows(tshark, path, fields or FIELDS, prefs)


def first(row, field):
    v = row[field]
    return v[0] if v else None


def num(s):
    if s is None:
        return None
    return int(s, 0) if s.startswith("0x") else int(s)


def truthy(s):
    return s in ("1", "True", "true")


def check_encap(c, tshark, path, build):
    frames, rows, arp = split_arp(pcap_frames(path), tshark_rows(tshark, path))
    check_arp(c, arp, build.rloc_arp, "RLOC side")
    c.eq(len(frames), len(build.encap), "encapsulated frames on the RLOC port")
    sports, pair_rlocs, nonces = {}, {}, set()
    for i, (raw, row, exp) in enumerate(zip(frames, rows, build.encap)):
        what = f"encap #{i} ({exp['encap']} iid {exp['iid']} -> {exp['rloc']})"
        outer6 = first(row, "ip.version") != "4"
        hdr = 70 if outer6 else 50     # (VXLAN: the inner frame is in exp["inner"])
        c.eq(first(row, "eth.dst"), NH_MAC, what + " eth.dst")
        c.eq(first(row, "eth.src"), RLOC_MAC, what + " eth.src")
        if outer6:
            c.eq(first(row, "ipv6.src"), "2001:db8::1", what + " outer src")
            rloc = first(row, "ipv6.dst")
            c.eq(num(first(row, "ipv6.hlim")), exp["ttl"], what + " hop limit copied")
            c.eq(num(first(row, "ipv6.tclass")), exp["tos"], what + " traffic class copied")
        else:
            c.eq(first(row, "ip.src"), "192.0.2.1", what + " outer src")
            rloc = first(row, "ip.dst")
            c.eq(num(first(row, "ip.ttl")), exp["ttl"], what + " TTL copied")
            c.eq(num(first(row, "ip.dsfield")), exp["tos"], what + " DSCP/ECN copied")
            c.ok(truthy(first(row, "ip.flags.df")), what + " DF")
            c.eq(first(row, "ip.checksum.status"), "1", what + " IPv4 checksum good")
        if exp["rloc"]:
            c.eq(rloc, exp["rloc"], what + " RLOC")
        else:
            pair_rlocs.setdefault(exp["flow"], set()).add(rloc)
        sport = num(first(row, "udp.srcport"))
        c.ok(sport is not None and 49152 <= sport <= 65535, what + f" UDP sport {sport}")
        sports.setdefault(exp["flow"], set()).add(sport)
        c.eq(num(first(row, "udp.dstport")), DPORT[exp["encap"]], what + " UDP dport")
        if exp["encap"] == "lisp":
            c.ok(truthy(first(row, "lisp-data.flags.nonce")), what + " N bit")
            c.ok(truthy(first(row, "lisp-data.flags.iid")), what + " I bit")
            c.ok(row["lisp-data.nonce"] != [], what + " nonce present")
            nonces.add(first(row, "lisp-data.nonce"))
            c.eq(num(first(row, "lisp-data.iid")), exp["iid"], what + " IID")
            c.eq(num(first(row, "udp.checksum")), 0, what + " UDP checksum zero")
        else:
            c.ok(truthy(first(row, "vxlan.flag_i" if exp["encap"] == "vxlan" else "vxlan.i_bit")),
                 what + " I flag")
            c.eq(num(first(row, "vxlan.vni")), exp["iid"], what + " VNI = IID")
            if exp["encap"] == "vxlan-gpe":
                c.ok(truthy(first(row, "vxlan.p_bit")), what + " GPE P bit")
                c.eq(num(first(row, "vxlan.next_proto")), 2 if exp["inner6"] else 1,
                     what + " GPE next protocol")
            if outer6:
                c.eq(first(row, "udp.checksum.status"), "1", what + " UDP checksum good")
        c.eq(len(raw), hdr + len(exp["inner"]), what + " length")
        c.ok(raw[hdr:] == exp["inner"], what + " inner packet byte-identical")
        # tshark found the inner packet where we put it.
        inner_dst = row["ipv6.dst" if exp["inner6"] else "ip.dst"]
        c.ok(len(inner_dst) >= 1, what + " tshark sees the inner header")
    for flow, ports in sports.items():
        c.eq(len(ports), 1, f"flow {flow}: one UDP source port")
    groups = {}
    for flow, ports in sports.items():
        groups.setdefault(flow[:2], set()).update(ports)
    for g, ports in groups.items():
        if g[0] != "pair":
            c.eq(len(ports), 4, f"flows of {g}: four different UDP source ports")
    c.ok(len(nonces) > len(build.encap) // 4, "LISP nonces vary")
    for flow, rl in pair_rlocs.items():
        c.eq(len(rl), 1, f"50/50 pair flow {flow}: one RLOC")
    used = set().union(*pair_rlocs.values()) if pair_rlocs else set()
    c.eq(used, {"192.0.2.11", "192.0.2.12"}, "50/50 pair: both RLOCs carry flows")


def check_decap(c, tshark, path, build):
    frames, rows, arp = split_arp(pcap_frames(path), tshark_rows(tshark, path))
    check_arp(c, arp, build.eid_arp, "EID side")
    c.eq(len(frames), len(build.decap), "decapsulated frames on the EID port")
    for i, (raw, row, exp) in enumerate(zip(frames, rows, build.decap)):
        what = f"decap #{i} ({exp['encap']} iid {exp['iid']})"
        vlan = VLAN[exp["iid"]]
        l2 = 18 if vlan else 14
        c.eq(first(row, "eth.dst"), HOST_MAC, what + " eth.dst = peer-mac")
        c.eq(first(row, "eth.src"), GW_MAC, what + " eth.src = our MAC")
        c.eq(num(first(row, "vlan.id")), vlan or None, what + " VLAN")
        c.eq(raw[l2 - 2:l2], b"\x86\xdd" if exp["inner6"] else b"\x08\x00",
             what + " EtherType")
        c.eq(len(raw), l2 + len(exp["inner"]), what + " length")
        c.ok(raw[l2:] == exp["inner"], what + " inner packet byte-identical")
        c.eq(row["ipv6.dst" if exp["inner6"] else "ip.dst"],
             ["2001:db8:1::1" if exp["inner6"] else "10.1.0.1"], what + " tshark: dst")


def counters_of(stdout):
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            obj = json.loads(line)
            if obj.get("event") == "counters":
                return obj
    return None


def check_counters(c, got, build, label):
    if not c.ok(got is not None, f"{label}: counters JSON line at exit"):
        return
    want = {k: 0 for k in got if k.startswith("drop_") or k.startswith("punt_")}
    want.update(build.drops)
    want.update(build.punts)
    n_encap = {e: sum(1 for x in build.encap if x["encap"] == e) for e in DPORT}
    n_decap = {e: sum(1 for x in build.decap if x["encap"] == e) for e in DPORT}
    want.update(rx_eid=len(build.eid), rx_rloc=len(build.rloc),
                encap_lisp=n_encap["lisp"], encap_vxlan=n_encap["vxlan"],
                encap_gpe=n_encap["vxlan-gpe"], decap_lisp=n_decap["lisp"],
                decap_vxlan=n_decap["vxlan"], decap_gpe=n_decap["vxlan-gpe"],
                tx=len(build.encap) + len(build.decap) + len(build.eid_arp) +
                len(build.rloc_arp))
    for k, v in sorted(want.items()):
        c.eq(got.get(k), v, f"{label}: counter {k}")


def run_dp(args, conf, lcores, tag, wrote):
    eal = ["-l", lcores, "--no-huge", "-m", "1024", "--no-shconf", "--no-telemetry",
           "--no-pci", "--log-level", "lib.eal:error",
           "--vdev", f"net_pcap0,rx_pcap={wrote['eid_in']},tx_pcap={wrote[tag + 'eid_out']}",
           "--vdev", f"net_pcap1,rx_pcap={wrote['rloc_in']},tx_pcap={wrote[tag + 'rloc_out']}"]
    cmd = [args.dp] + eal + ["--", "-c", conf, "--exit-on-idle", "500"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    with open(os.path.join(args.outdir, tag + "dp.log"), "w") as f:
        f.write(" ".join(cmd) + "\n--- stdout\n" + res.stdout + "--- stderr\n" + res.stderr)
    return res


def check_config_mode(c, args):
    good = os.path.join(args.outdir, "dp.yaml")
    res = subprocess.run([args.dp, "--", "-c", good, "-n"], capture_output=True, text=True)
    c.eq(res.returncode, 0, "-n on the good config")
    c.ok("OK" in res.stdout, "-n says OK")
    bad = os.path.join(args.outdir, "bad.yaml")
    with open(bad, "w") as f:
        f.write(BAD_CONFIG)
    res = subprocess.run([args.dp, "--", "-c", bad, "-n"], capture_output=True, text=True)
    c.eq(res.returncode, 1, "-n on a bad config")
    errs = res.stderr
    for line, text in ((6, "ports[0].peer-mac: must be a MAC address"),
                       (10, "ports[1].addresses[0]: '192.0.2.1/33': prefix length must be 0..32"),
                       (14, "instances[1].instance-id: 100 is listed twice"),
                       (17, "static-map-cache[0].eid-prefix: '[7]10.0.0.0/8': instance-id 7"),
                       (19, "static-map-cache[0].rlocs[0].address: no rloc port has an IPv6")):
        c.ok(f"bad.yaml:{line}: {text}" in errs, f"-n reports line {line}: {text}\n{errs}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dp", required=True)
    ap.add_argument("--tshark", default="")
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()
    if not args.dp or not os.access(args.dp, os.X_OK):
        print("skip: no lispgw-dp")
        return SKIP
    if not args.tshark:
        print("skip: no tshark")
        return SKIP
    try:
        import scapy.all as scapy
    except ImportError:
        print("skip: no scapy")
        return SKIP
    scapy.conf.verb = 0
    os.makedirs(args.outdir, exist_ok=True)
    c = Checks("dp-pcap", verbose=False)

    conf = os.path.join(args.outdir, "dp.yaml")
    with open(conf, "w") as f:
        f.write(config_text())
    check_config_mode(c, args)

    build = Build(scapy)
    build.itr()
    build.etr()
    wrote = {name: os.path.join(args.outdir, name + ".pcap")
             for name in ("eid_in", "rloc_in", "eid_out", "rloc_out", "mc_eid_out",
                          "mc_rloc_out")}
    scapy.wrpcap(wrote["eid_in"], build.eid)
    scapy.wrpcap(wrote["rloc_in"], build.rloc)

    res = run_dp(args, conf, "0", "", wrote)
    c.eq(res.returncode, 0, f"lispgw-dp exit status (stderr: {res.stderr[-2000:]})")
    check_counters(c, counters_of(res.stdout), build, "-l 0")
    check_encap(c, args.tshark, wrote["rloc_out"], build)
    check_decap(c, args.tshark, wrote["eid_out"], build)

    # Main lcore as control thread, one worker lcore: the same result.
    if len(os.sched_getaffinity(0)) >= 2:
        res = run_dp(args, conf, "0-1", "mc_", wrote)
        c.eq(res.returncode, 0, f"lispgw-dp -l 0-1 exit status (stderr: {res.stderr[-2000:]})")
        check_counters(c, counters_of(res.stdout), build, "-l 0-1")
        c.eq(len([f for f in pcap_frames(wrote["mc_rloc_out"]) if not is_arp(f)]),
             len(build.encap), "-l 0-1: encapsulated")
        c.eq(len([f for f in pcap_frames(wrote["mc_eid_out"]) if not is_arp(f)]),
             len(build.decap), "-l 0-1: decapsulated")
    else:
        print("one CPU: the -l 0-1 run is left out")

    print(f"{c.passed} checks passed, {c.failed} failed "
          f"({len(build.eid)} EID-side and {len(build.rloc)} RLOC-side input frames)")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
