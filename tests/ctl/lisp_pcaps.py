# SPDX-License-Identifier: BSD-3-Clause
"""Capture files for the `lispgw-ctl decode` test, written WITHOUT our encoder.

LISP bytes are packed here by hand from the RFC diagrams (RFC 9301 control
messages, RFC 9300 data header, RFC 8060 LCAFs); scapy supplies Ethernet,
IP, UDP and VXLAN.  Each packet carries the values it was built from
("want"), so the test can check our decoder against the intent as well as
against tshark.
"""

import hashlib
import hmac
import ipaddress
import json
import struct

from scapy.all import (ARP, ICMP, IP, TCP, UDP, CookedLinux, CookedLinuxV2, Dot1AD,
                       Dot1Q, Ether, IPv6, PcapWriter, Raw, VXLAN, wrpcap, wrpcapng)

AFI_IPV4, AFI_IPV6, AFI_DN, AFI_LCAF = 1, 2, 17, 16387
AUTH_KEY = b"lisp-secret"


# ---- RFC 8060 addresses ---------------------------------------------------

def a4(addr):
    return struct.pack("!H", AFI_IPV4) + ipaddress.IPv4Address(addr).packed


def a6(addr):
    return struct.pack("!H", AFI_IPV6) + ipaddress.IPv6Address(addr).packed


def a_none():
    return struct.pack("!H", 0)


def a_dn(name):
    return struct.pack("!H", AFI_DN) + name.encode() + b"\0"


def lcaf(ltype, body, flags=0, rsvd2=0, length=None):
    """AFI 16387 | Rsvd1 | Flags | Type | Rsvd2 | Length | body (RFC 8060, 3)."""
    n = len(body) if length is None else length
    return struct.pack("!HBBBBH", AFI_LCAF, 0, flags, ltype, rsvd2, n) + body


def lcaf_iid(iid, addr, mask_len=0):
    return lcaf(2, struct.pack("!I", iid) + addr, rsvd2=mask_len)


def lcaf_json(text, addr=None):
    raw = text.encode()
    return lcaf(14, struct.pack("!H", len(raw)) + raw + (addr if addr else a_none()))


def lcaf_afi_list(*items):
    return lcaf(1, b"".join(items))


def lcaf_asn(asn, addr):
    return lcaf(3, struct.pack("!I", asn) + addr)


def lcaf_geo(north, lat, east, lon, alt, addr):
    """lat/lon are (degrees, minutes, seconds)."""
    body = struct.pack("!HBBHBBI", north << 15 | lat[0], lat[1], lat[2],
                       east << 15 | lon[0], lon[1], lon[2], alt & 0xffffffff)
    return lcaf(5, body + addr)


def lcaf_nat(ms_port, etr_port, global_etr, ms, private_etr, rtrs):
    return lcaf(7, struct.pack("!HH", ms_port, etr_port) + global_etr + ms + private_etr +
                b"".join(rtrs))


def lcaf_srcdst(src_ml, src, dst_ml, dst):
    return lcaf(12, struct.pack("!HBB", 0, src_ml, dst_ml) + src + dst)


def lcaf_kv(key, value):
    return lcaf(15, key + value)


# ---- RFC 9301 records and messages -----------------------------------------

def locator(addr, prio=1, weight=100, mprio=255, mweight=0, local=False, probed=False,
            reach=True):
    flags = local << 2 | probed << 1 | reach
    return struct.pack("!BBBBH", prio, weight, mprio, mweight, flags) + addr


def record(eid, mask_len, locs=(), ttl=1440, act=0, auth=True, version=0, loc_count=None):
    n = len(locs) if loc_count is None else loc_count
    return (struct.pack("!IBBBBH", ttl, n, mask_len, act << 5 | auth << 4, 0, version) +
            eid + b"".join(locs))


def map_request(nonce, src_eid, itr_rlocs, records, a=0, m=0, p=0, s=0, pitr=0, smri=0):
    """records: (mask_len, eid_bytes) pairs; IRC = count - 1 (RFC 9301, 5.2)."""
    w0 = (1 << 28 | a << 27 | m << 26 | p << 25 | s << 24 | pitr << 23 | smri << 22 |
          (len(itr_rlocs) - 1) << 8 | len(records))
    body = b"".join(struct.pack("!BB", 0, ml) + eid for ml, eid in records)
    return struct.pack("!IQ", w0, nonce) + src_eid + b"".join(itr_rlocs) + body


def map_reply(nonce, records, p=0, e=0, s=0, count=None):
    n = len(records) if count is None else count
    return struct.pack("!IQ", 2 << 28 | p << 27 | e << 26 | s << 25 | n, nonce) + b"".join(records)


def map_register(nonce, records, mtype=3, alg=1, key_id=0, proxy=0, xtr=None, want_notify=0,
                 key=AUTH_KEY):
    """Map-Register (3) / Map-Notify (4) / Map-Notify-Ack (5).  The HMAC covers the whole message
    with the authentication data zeroed (RFC 9301, 5.6); the full digest
    length is sent, as deployed xTRs do."""
    digest = {0: None, 1: hashlib.sha1, 2: hashlib.sha256}[alg]
    auth_len = digest().digest_size if digest else 0
    w0 = mtype << 28 | len(records)
    if mtype == 3:
        w0 |= proxy << 27 | (xtr is not None) << 25 | want_notify << 8
    elif xtr is not None:  # Map-Notify / -Ack: I is the first flag bit
        w0 |= 1 << 27
    head = struct.pack("!IQBBH", w0, nonce, key_id, alg, auth_len)
    tail = b"".join(records)
    if xtr is not None:
        tail += xtr[0] + struct.pack("!Q", xtr[1])
    msg = head + bytes(auth_len) + tail
    auth = hmac.new(key, msg, digest).digest() if digest else b""
    return head + auth + tail, auth


def ecm(inner_ip_packet, s=0, d=0):
    return struct.pack("!I", 8 << 28 | s << 27 | d << 26) + bytes(inner_ip_packet)


# ---- RFC 8111 Map-Referral ---------------------------------------------------

def referral_record(eid, mask_len, refs=(), ttl=1440, act=0, auth=True, incomplete=False,
                    version=0, sigs=(), ref_count=None):
    """A record as RFC 8111, section 6 lays it out: the referral set in the
    locator layout, then SigCnt Sig sections (given as their bytes)."""
    n = len(refs) if ref_count is None else ref_count
    flags = act << 13 | auth << 12 | incomplete << 11
    return (struct.pack("!IBBHH", ttl, n, mask_len, flags, len(sigs) << 12 | version) + eid +
            b"".join(refs) + b"".join(sigs))


def referral_sig(orig_ttl, expiration, inception, key_tag, alg, signature):
    return struct.pack("!IIIHHBBH", orig_ttl, expiration, inception, key_tag, len(signature),
                       alg, 0, 0) + signature


def map_referral(nonce, records, count=None):
    n = len(records) if count is None else count
    return struct.pack("!IQ", 6 << 28 | n, nonce) + b"".join(records)


def lisp_data_hdr(flags, w0_low24, w1):
    return struct.pack("!II", flags << 24 | w0_low24, w1)


# ---- the capture -----------------------------------------------------------

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
XTR_ID = bytes(range(0x10, 0x20))
SITE_ID = 0x8000000000000001  # above 2^63: must survive as text
JSON_TEXT = '{"site":"berlin","rack":7,"tags":["a","b"]}'
BAD_JSON_TEXT = "not json {"
# Valid JSON that jansson cannot hold (integer past int64): kept as text.
BIG_JSON_TEXT = '{"big":18446744073709551615}'


def eth(*tags):
    """Ethernet with optional 802.1ad/802.1Q tags (outermost first)."""
    p = Ether(src=MAC_A, dst=MAC_B)
    for kind, vid in tags:
        p = p / (Dot1AD(vlan=vid) if kind == "ad" else Dot1Q(vlan=vid))
    return p


def v4(payload, sport=4342, dport=4342, src="192.0.2.1", dst="192.0.2.2"):
    return IP(src=src, dst=dst, ttl=64) / UDP(sport=sport, dport=dport) / Raw(payload)


def v6(payload, sport=4342, dport=4342, src="2001:db8::1", dst="2001:db8::2"):
    return IPv6(src=src, dst=dst, hlim=64) / UDP(sport=sport, dport=dport) / Raw(payload)


def packets():
    """[(name, link-layer-less IP packet or full frame, want dict)] in capture order."""
    out = []

    def add(name, ip_pkt, want=None, tags=(), frame=None):
        out.append({"name": name, "ip": ip_pkt, "frame": frame if frame is not None
                    else eth(*tags) / ip_pkt, "want": want or {}})

    mreq = map_request(0x0123456789abcdef, a4("10.1.1.1"), [a4("192.0.2.1"), a6("2001:db8::1")],
                       [(32, lcaf_iid(1000, a4("240.1.1.1")))], s=1, smri=1)
    add("map-request-iid", v4(mreq, sport=61001),
        {"type": 1, "nonce": "0x0123456789abcdef", "itr": ["192.0.2.1", "2001:db8::1"],
         "eids": ["[1000]240.1.1.1/32"], "flags": {"smr": True, "smr_invoked": True,
                                                   "probe": False}})

    rep = map_reply(0xfedcba9876543210, [
        record(a4("10.10.0.0"), 16, [
            locator(a4("203.0.113.1"), 1, 50, 255, 0, local=True, reach=True),
            locator(a6("2001:db8:ff::1"), 2, 50, 10, 20, probed=True, reach=False)],
            ttl=1440, version=7),
        record(lcaf_iid(7, a6("2001:db8:7::")), 48, [locator(a4("203.0.113.2"), 3, 100)],
               ttl=60, auth=False)], e=1)
    add("map-reply-positive", v4(rep, dport=61001, src="192.0.2.2", dst="192.0.2.1"),
        {"type": 2, "eids": ["[0]10.10.0.0/16", "[7]2001:db8:7::/48"],
         "rlocs": ["203.0.113.1", "2001:db8:ff::1", "203.0.113.2"]}, tags=[("q", 100)])

    neg = map_reply(0x1111, [record(a4("198.51.100.0"), 24, [], ttl=15, act=1)])
    add("map-reply-negative", v4(neg, dport=61002),
        {"type": 2, "eids": ["[0]198.51.100.0/24"], "actions": ["native-forward"]})

    reg, reg_auth = map_register(0x42, [
        record(lcaf_iid(42, a4("10.42.0.0")), 16, [locator(a4("203.0.113.42"), 1, 100)])],
        proxy=1, want_notify=1, xtr=(XTR_ID, SITE_ID))
    add("map-register-sha1", v4(reg),
        {"type": 3, "auth": reg_auth.hex(), "key_id": 0, "alg_id": 1,
         "xtr_id": XTR_ID.hex(), "site_id": "0x%016x" % SITE_ID, "eids": ["[42]10.42.0.0/16"]},
        tags=[("ad", 200), ("q", 300)])

    note, note_auth = map_register(0x42, [
        record(lcaf_iid(42, a4("10.42.0.0")), 16, [locator(a4("203.0.113.42"), 1, 100)])],
        mtype=4, alg=2)
    add("map-notify-sha256", v4(note, src="192.0.2.2", dst="192.0.2.1"),
        {"type": 4, "auth": note_auth.hex(), "alg_id": 2})

    inner_req = map_request(0x5555aaaa5555aaaa, a6("2001:db8:a::1"), [a6("2001:db8::10")],
                            [(48, a6("2001:db8:1::"))])
    inner = (IPv6(src="2001:db8:a::1", dst="2001:db8:1::1", hlim=32) /
             UDP(sport=61003, dport=4342) / Raw(inner_req))
    add("ecm-ipv6", v6(ecm(inner, d=1), sport=61003),
        {"type": 8, "inner_type": 1, "eids": ["[0]2001:db8:1::/48"]})

    ld = lisp_data_hdr(0xc8, 0xabcdef, 5000 << 8 | 0x03)  # N L I
    inner4 = IP(src="10.1.1.1", dst="10.2.2.2", ttl=63) / ICMP() / Raw(b"ping")
    add("lisp-data-nli-ipv6", v6(ld + bytes(inner4), sport=51234, dport=4341),
        {"lisp_data": {"nonce": "0xabcdef", "iid": 5000, "lsb": 3}})

    ld = lisp_data_hdr(0x50, 0x123 << 12 | 0x456, 0x00000001)  # V L
    inner6 = IPv6(src="2001:db8:1::1", dst="2001:db8:2::2") / UDP(sport=1000, dport=2000)
    add("lisp-data-vl-ipv4", v4(ld + bytes(inner6), sport=50001, dport=4341),
        {"lisp_data": {"src_map_version": 0x123, "dst_map_version": 0x456, "lsb": 1}})

    l2 = Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") / IP(
        src="172.16.0.1", dst="172.16.0.2") / TCP(sport=1234, dport=80)
    add("vxlan", IP(src="192.0.2.10", dst="192.0.2.11") / UDP(sport=50002, dport=4789) /
        VXLAN(flags="Instance", vni=0xabcd) / l2, {"vxlan": {"vni": 0xabcd}})
    add("vxlan-gbp", IP(src="192.0.2.10", dst="192.0.2.11") / UDP(sport=50003, dport=4789) /
        VXLAN(flags="G+Instance", gpflags="D+A", gpid=0x0bad, vni=100) / l2,
        {"vxlan": {"vni": 100, "gbp": {"group_id": 0x0bad, "dont_learn": True,
                                       "policy_applied": True}}})
    add("vxlan-gpe", IP(src="192.0.2.10", dst="192.0.2.11") / UDP(sport=50004, dport=4790) /
        VXLAN(flags="Instance+NextProtocol", NextProtocol=1, vni=200) /
        IP(src="172.16.1.1", dst="172.16.1.2") / UDP(sport=7, dport=7),
        {"vxlan_gpe": {"vni": 200, "next_protocol": 1}})

    js = map_reply(0x77, [record(a4("10.77.0.0"), 16, [
        locator(lcaf_json(JSON_TEXT, a4("192.0.2.77")), 1, 100),
        locator(lcaf_json(BAD_JSON_TEXT), 2, 0),
        locator(lcaf_json(BIG_JSON_TEXT, a6("2001:db8::77")), 3, 0)])])
    add("json-lcaf-locator", v4(js, dport=61004),
        {"json": [json.loads(JSON_TEXT), BAD_JSON_TEXT, BIG_JSON_TEXT],
         "json_valid": [True, False, False], "rlocs": ["192.0.2.77", None, "2001:db8::77"]})

    zoo, _ = map_register(0x99, [
        record(lcaf_srcdst(8, a4("10.0.0.0"), 16, a4("20.1.0.0")), 0, [
            locator(lcaf_afi_list(a4("198.51.100.9"), a6("2001:db8::9"))),
            locator(lcaf_asn(64500, a4("198.51.100.10")))]),
        record(a4("1.2.3.0"), 24, [
            locator(lcaf_geo(1, (52, 31, 12), 1, (13, 24, 36), 34, a4("198.51.100.11"))),
            locator(lcaf_nat(4342, 61000, a4("198.51.100.12"), a4("198.51.100.13"),
                             a4("10.0.0.12"), [a4("198.51.100.14"), a4("198.51.100.15")])),
            locator(lcaf_kv(a_dn("color"), a4("198.51.100.16")))])], alg=0)
    add("lcaf-zoo", v4(zoo), {"type": 3, "lcaf_types": [12, 1, 3, 5, 7, 15]})

    probe = map_request(0x0a0b0c0d0e0f1011, a_none(), [a4("192.0.2.1")],
                        [(32, a4("10.10.1.1"))], m=1, p=1, a=1) + \
        record(a4("10.10.1.1"), 32, [locator(a4("192.0.2.1"), 1, 100, local=True)], ttl=10)
    add("map-request-probe-mapdata", v4(probe, sport=4342),
        {"type": 1, "eids": ["[0]10.10.1.1/32", "[0]10.10.1.1/32"],
         "flags": {"probe": True, "map_data_present": True, "authoritative": True}})

    note_x, note_x_auth = map_register(0x43, [record(a6("2001:db8:43::"), 48, [
        locator(a6("2001:db8::43"), 1, 100)])], mtype=4, alg=1, xtr=(XTR_ID[::-1], 7))
    add("map-notify-xtr-id", v6(note_x),
        {"type": 4, "auth": note_x_auth.hex(), "xtr_id": XTR_ID[::-1].hex(),
         "site_id": "0x0000000000000007"})

    ack, ack_auth = map_register(0x44, [record(a4("10.44.0.0"), 16, [])], mtype=5, alg=1)
    add("map-notify-ack", v4(ack), {"type": 5, "auth": ack_auth.hex()})

    referral_packets(add)

    # Non-LISP traffic: skipped unless --all.
    add("dns", IP(src="192.0.2.1", dst="192.0.2.53") / UDP(sport=5353, dport=53) / Raw(b"\0" * 12))
    add("tcp", IP(src="192.0.2.1", dst="192.0.2.80") / TCP(sport=4342, dport=80))
    add("arp", None, frame=Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(pdst="192.0.2.2"))

    # Malformed packets, each followed by a good one.
    bad = map_reply(0x2, [record(struct.pack("!H", AFI_IPV4) + b"\x0a\x00", 16)])
    add("bad-truncated-record", v4(bad, dport=61005),
        {"error": ["record 1", "needs 4 bytes"], "tshark": "Malformed"})
    bad = map_reply(0x3, [record(a4("10.3.0.0"), 16, [locator(a4("203.0.113.3"))],
                                 loc_count=4)])
    add("bad-locator-count", v4(bad, dport=61006),
        {"error": ["locator count 4 exceeds"], "tshark": "Malformed"})
    bad = map_request(0x4, a_none(), [a4("192.0.2.1")],
                      [(32, lcaf(2, struct.pack("!I", 9) + a4("240.0.0.9"), length=200))])
    add("bad-lcaf-length", v4(bad), {"error": ["LCAF instance-id length 200 exceeds"],
        "tshark": "Malformed"})
    bad, _ = map_register(0x5, [record(a4("10.5.0.0"), 16, [
        locator(struct.pack("!H", 99) + b"\x01\x02\x03\x04")])])
    add("bad-unknown-afi", v4(bad), {"error": ["unsupported AFI 99"],
        "tshark": "Unexpected locator AFI (99)"})
    add("good-after-bad", v4(mreq, sport=61007), {"type": 1})
    add("bad-truncated-vxlan", IP(src="192.0.2.10", dst="192.0.2.11") /
        UDP(sport=50005, dport=4789) / Raw(b"\x08\x00\x00\x00"),
        {"error": ["VXLAN", "needs 8 bytes, got 4"], "tshark": "Malformed"})
    # RFC 9300 lets a receiver ignore R; tshark does, we drop (dp_hdr.h).
    add("bad-lisp-data-r-flag", v4(lisp_data_hdr(0x84, 1, 0) + bytes(inner4), sport=50006,
                                   dport=4341), {"error": ["R flag"]})
    snapped = eth() / v4(rep, dport=61008)
    snapped_bytes = bytes(snapped)[:60]
    cut = Ether(snapped_bytes)
    cut.wirelen = len(snapped)  # caplen < wire length, as with a short snaplen
    add("bad-snaplen", None, {"error": ["outer IP/UDP", "total length"],
        "tshark": "size limited"}, frame=cut)
    add("good-last", v4(neg, dport=61009), {"type": 2})
    return out


def referral_packets(add):
    """Map-Referrals (RFC 8111): two records of different actions, a Sig
    section, and two malformed ones each followed by a good packet."""
    ref = map_referral(0x6d726566, [
        referral_record(lcaf_iid(1000, a4("10.1.0.0")), 16, [
            locator(a4("198.51.100.51"), 1, 50), locator(a6("2001:db8::51"), 2, 50, reach=False)],
            act=2, incomplete=True, version=9),
        referral_record(a4("203.0.113.9"), 32, [], ttl=0, act=5, auth=False, incomplete=True)])
    add("map-referral-ms-ack", v4(ref, src="192.0.2.2", dst="192.0.2.1"),
        {"type": 6, "nonce": "0x000000006d726566",
         "eids": ["[1000]10.1.0.0/16", "[0]203.0.113.9/32"],
         "rlocs": ["198.51.100.51", "2001:db8::51"],
         "actions": ["ms-ack", "not-authoritative"]})
    sig = referral_sig(1440, 0x5f5e1000, 0x5f000000, 0xbeef, 1, bytes(range(1, 9)))
    ref = map_referral(0x6d726567, [referral_record(
        a6("2001:db8:100::"), 40, [locator(a4("198.51.100.41"), 1, 100)], act=1, sigs=[sig])])
    add("map-referral-sig", v6(ref, src="2001:db8::2", dst="2001:db8::1"),
        {"type": 6, "eids": ["[0]2001:db8:100::/40"], "actions": ["ms-referral"],
         "signature": "0102030405060708"})
    bad = map_referral(0x7, [referral_record(a4("10.7.0.0"), 16, [], act=6)])
    add("bad-referral-action", v4(bad, dport=61010),
        {"error": ["record 1", "action 6 is not a Map-Referral action"]})
    bad = map_referral(0x8, [referral_record(a4("10.8.0.0"), 16,
                                             [locator(a4("198.51.100.8"))], ref_count=9)])
    add("bad-referral-count", v4(bad, dport=61011),
        {"error": ["referral count 9 exceeds remaining 12 bytes"]})
    hole = map_referral(0x9, [referral_record(a4("10.9.0.0"), 16, [], ttl=15, act=4)])
    add("good-after-bad-referral", v4(hole, dport=61012),
        {"type": 6, "eids": ["[0]10.9.0.0/16"], "actions": ["delegation-hole"]})


def write_all(outdir):
    """Writes every capture; returns the packet list for the checks."""
    pkts = packets()
    frames = [p["frame"] for p in pkts]
    wrpcap(f"{outdir}/lisp.pcap", frames)
    wrpcapng(f"{outdir}/lisp.pcapng", frames)
    ips = [p for p in pkts if p["ip"] is not None and "error" not in p["want"]]
    wrpcap(f"{outdir}/lisp-sll.pcap",
           [CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x0a\0\0",
                        proto=0x0800 if p["ip"].version == 4 else 0x86dd) / p["ip"]
            for p in ips])
    wrpcap(f"{outdir}/lisp-sll2.pcap",
           [CookedLinuxV2(proto=0x0800 if p["ip"].version == 4 else 0x86dd, ifindex=3,
                          lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x0a\0\0") / p["ip"]
            for p in ips])
    with PcapWriter(f"{outdir}/lisp-raw.pcap", linktype=101) as w:
        for p in ips:
            w.write(bytes(p["ip"]))
    with PcapWriter(f"{outdir}/lisp-ipv4.pcap", linktype=228) as w:
        for p in ips:
            if p["ip"].version == 4:
                w.write(bytes(p["ip"]))
    # BSD loopback: the AF in host order (NULL, here little-endian as
    # from an x86 capture, with Darwin's AF_INET6 30) or network order (LOOP).
    for name, linktype, order in (("null", 0, "<I"), ("loop", 108, ">I")):
        with PcapWriter(f"{outdir}/lisp-{name}.pcap", linktype=linktype) as w:
            for p in ips:
                af = 2 if p["ip"].version == 4 else (30 if order == "<I" else 24)
                w.write(struct.pack(order, af) + bytes(p["ip"]))
    return pkts
