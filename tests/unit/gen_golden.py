#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Golden control messages laid out by hand from the RFC 9301 / RFC 8060
# diagrams with struct.pack, checksums and HMACs from the Python standard
# library: an encoding independent of our C codec.  Writes golden_msgs.h.
# Run: /usr/bin/python3 tests/unit/gen_golden.py  (from tests/unit/)
import struct, hmac, hashlib, socket
def ip4(s): return socket.inet_aton(s)
def ip6(s): return socket.inet_pton(socket.AF_INET6, s)
def hexc(name, b):
    out = "static const uint8_t %s[] = {\n" % name
    for i in range(0, len(b), 12):
        out += "\t" + ", ".join("0x%02x" % x for x in b[i:i+12]) + ",\n"
    return out + "};\n"
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
res = ""
# Map-Request: IRC 0, 1 record, source EID 10.0.0.1, ITR-RLOC 192.0.2.1, EID 10.1.2.0/24
mreq = struct.pack('!IQ', 0x10000001, 0x0102030405060708) + struct.pack('!H', 1) + ip4('10.0.0.1') \
     + struct.pack('!H', 1) + ip4('192.0.2.1') + bytes([0, 24]) + struct.pack('!H', 1) + ip4('10.1.2.0')
res += hexc('golden_map_request', mreq)
# Map-Request with P S I, IRC 1 (2 ITR-RLOCs: v4 + v6), source AFI 0, record N bit, IID 1000 LCAF /32, xTR-ID + site-id
lcaf_iid = lambda iid, afi, addr: struct.pack('!HBBBBH', 16387, 0, 0, 2, 0, 4 + 2 + len(addr)) + struct.pack('!IH', iid, afi) + addr
mreq2 = struct.pack('!IQ', 0x13100101, 0xfeedfacecafebeef) + struct.pack('!H', 0) \
      + struct.pack('!H', 1) + ip4('192.0.2.1') + struct.pack('!H', 2) + ip6('2001:db8::1') \
      + bytes([0x80, 32]) + lcaf_iid(1000, 1, ip4('240.1.1.1')) + bytes(range(16)) + struct.pack('!Q', 7)
res += hexc('golden_map_request_smr_probe_xtr', mreq2)
# Map-Reply P-bit, 1 record TTL 1440 loc 1 mask 24 A, EID 10.1.2.0, locator prio 1 w 100 mp 255 mw 0 R, 192.0.2.1
rec = struct.pack('!IBBBBH', 1440, 1, 24, 0x10, 0, 0) + struct.pack('!H', 1) + ip4('10.1.2.0') \
    + bytes([1, 100, 255, 0]) + struct.pack('!HH', 0x0001, 1) + ip4('192.0.2.1')
mrep = struct.pack('!IQ', 0x28000001, 0x0102030405060708) + rec
res += hexc('golden_map_reply', mrep)
# Negative Map-Reply: IPv6 EID 2001:db8::/32, action native-forward, TTL 15, no locators, map-version 5
neg = struct.pack('!IQ', 0x20000001, 42) + struct.pack('!IBBBBH', 15, 0, 32, 0x20, 0, 5) + struct.pack('!H', 2) + ip6('2001:db8::')
res += hexc('golden_negative_map_reply', neg)
# Map-Register P I M, key 0 alg 1 auth len 20, record IID 1000 240.1.1.1/32, 1 locator v6 with L|R, xtr-id, site-id
recr = struct.pack('!IBBBBH', 1440, 1, 32, 0x10, 0, 0) + lcaf_iid(1000, 1, ip4('240.1.1.1')) \
     + bytes([1, 100, 255, 0]) + struct.pack('!HH', 0x0005, 2) + ip6('2001:db8:1::1')
body = recr + bytes.fromhex('00112233445566778899aabbccddeeff') + struct.pack('!Q', 0x1234)
hdr = struct.pack('!IQBBH', 0x3a000101, 0x1122334455667788, 0, 1, 20)
unsigned = hdr + bytes(20) + body
mac = hmac.new(b'lispgw-secret', unsigned, hashlib.sha1).digest()
res += hexc('golden_map_register_unsigned', unsigned)
res += hexc('golden_map_register_sha1', hdr + mac + body)
hdr256 = struct.pack('!IQBBH', 0x3a000101, 0x1122334455667788, 0, 2, 32)
unsigned256 = hdr256 + bytes(32) + body
res += hexc('golden_map_register_sha256', hdr256 + hmac.new(b'lispgw-secret', unsigned256, hashlib.sha256).digest() + body)
# Map-Notify with I bit, same record, same auth sha1
nhdr = struct.pack('!IQBBH', 0x48000001, 0x1122334455667788, 0, 1, 20)
nun = nhdr + bytes(20) + body
res += hexc('golden_map_notify_sha1', nhdr + hmac.new(b'lispgw-secret', nun, hashlib.sha1).digest() + body)
# ECM (D bit) over IPv4: inner 10.0.0.1:49152 -> 10.1.2.3:4342, TTL 64, payload golden_map_request
udp_len = 8 + len(mreq)
iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0, ip4('10.0.0.1'), ip4('10.1.2.3'))
iph = iph[:10] + struct.pack('!H', csum(iph)) + iph[12:]
pseudo = ip4('10.0.0.1') + ip4('10.1.2.3') + struct.pack('!BBH', 0, 17, udp_len)
udp = struct.pack('!HHHH', 49152, 4342, udp_len, 0) + mreq
c = csum(pseudo + udp) or 0xffff
udp = udp[:6] + struct.pack('!H', c) + udp[8:]
res += hexc('golden_ecm_v4', struct.pack('!I', 0x84000000) + iph + udp)
# ECM over IPv6
pseudo6 = ip6('2001:db8::1') + ip6('2001:db8::2') + struct.pack('!I3xB', udp_len, 17)
udp6 = struct.pack('!HHHH', 49152, 4342, udp_len, 0) + mreq
c6 = csum(pseudo6 + udp6) or 0xffff
udp6 = udp6[:6] + struct.pack('!H', c6) + udp6[8:]
ip6h = struct.pack('!IHBB', 6 << 28, udp_len, 17, 64) + ip6('2001:db8::1') + ip6('2001:db8::2')
res += hexc('golden_ecm_v6', struct.pack('!I', 0x80000000) + ip6h + udp6)
# LCAF (RFC 8060) wire addresses, each starting at its AFI 16387.
def lcaf(t, body, rsvd2=0, flags=0):
    return struct.pack('!HBBBBH', 16387, 0, flags, t, rsvd2, len(body)) + body
a4 = lambda s: struct.pack('!H', 1) + ip4(s)
a6 = lambda s: struct.pack('!H', 2) + ip6(s)
dn = lambda s: struct.pack('!H', 17) + s.encode() + b'\0'
res += hexc('golden_lcaf_afi_list', lcaf(1, a4('192.0.2.1') + a6('2001:db8::1')))
# Geo: N 37 deg 25' 9", W(E=0) 122 deg 5' 3", altitude 30 m, RLOC 192.0.2.1
res += hexc('golden_lcaf_geo', lcaf(5, struct.pack('!HBBHBBi', 0x8000 | 37, 25, 9, 122, 5, 3, 30) + a4('192.0.2.1')))
# NAT traversal: ports 4342/16000, global ETR, MS, private ETR, two RTRs
res += hexc('golden_lcaf_nat', lcaf(7, struct.pack('!HH', 4342, 16000) + a4('198.51.100.7') + a4('192.0.2.10')
    + a4('10.0.0.7') + a4('203.0.113.1') + a6('2001:db8:ffff::1')))
# Source/Dest inside IID 7: 10.0.0.0/8 -> 2001 ... keep v4: 10.0.0.0/8 -> 172.16.0.0/12
res += hexc('golden_lcaf_iid_srcdst', lcaf(2, struct.pack('!I', 7) + lcaf(12, struct.pack('!HBB', 0, 8, 12) + a4('10.0.0.0') + a4('172.16.0.0'))))
# JSON capability attached to an RLOC
js = b'{"gpu":"H100","gpus":8,"load":0.42,"state":"ready"}'
res += hexc('golden_lcaf_json_rloc', lcaf(14, struct.pack('!H', len(js)) + js + a4('192.0.2.1')))
# JSON with no address (AFI 0) and the B bit (binary) set
res += hexc('golden_lcaf_json_noaddr', lcaf(14, struct.pack('!H', 2) + b'{}' + struct.pack('!H', 0), rsvd2=1))
# Key/Value: DN key -> IPv4 value
res += hexc('golden_lcaf_kv', lcaf(15, dn('agent-planner-7') + a4('192.0.2.1')))
# IID 1000 wrapping a Distinguished Name
res += hexc('golden_lcaf_iid_dn', lcaf(2, struct.pack('!I', 1000) + dn('agent-planner-7')))
# Unknown LCAF type 200 with 3 body bytes: kept opaque
res += hexc('golden_lcaf_unknown', lcaf(200, b'\x01\x02\x03'))
open('golden_msgs.h', 'w').write('/* SPDX-License-Identifier: BSD-3-Clause */\n'
    '/* Generated by gen_golden.py from the RFC layouts; do not edit by hand. */\n' + res)
