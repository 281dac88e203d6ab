# SPDX-License-Identifier: BSD-3-Clause
"""LISP control messages built by hand from the RFC 9301 / RFC 8060 / RFC 9437
layouts with struct.pack, and parsed the same way: an implementation
independent of lispgw's C codec, for the integration tests."""
import hashlib
import hmac
import socket
import struct

AFI_IPV4, AFI_IPV6, AFI_LCAF = 1, 2, 16387
ALG_SHA1, ALG_SHA256 = 1, 2


def addr(a):
    if ':' in a:
        return struct.pack('!H', AFI_IPV6) + socket.inet_pton(socket.AF_INET6, a)
    return struct.pack('!H', AFI_IPV4) + socket.inet_aton(a)


def eid(iid, a):
    """An EID address: plain for IID 0, else wrapped in an IID LCAF (RFC 8060 4.1)."""
    inner = addr(a)
    if iid == 0:
        return inner
    body = struct.pack('!I', iid) + inner
    return struct.pack('!HBBBBH', AFI_LCAF, 0, 0, 2, 0, len(body)) + body


def record(iid, prefix, plen, rlocs, ttl=1440, action=0, auth=True):
    """EID-record; rlocs: list of (address, priority, weight)."""
    r = struct.pack('!IBBBBH', ttl, len(rlocs), plen, (action << 5) | (0x10 if auth else 0), 0, 0)
    r += eid(iid, prefix)
    for (a, prio, weight) in rlocs:
        r += struct.pack('!BBBBH', prio, weight, 255, 0, 0x0005) + addr(a)
    return r


def map_register(records, key, nonce, alg=ALG_SHA256, want_notify=True, proxy=True,
                 xtr_id=None, site_id=0):
    flags = 0x30000000 | (0x08000000 if proxy else 0) | (0x100 if want_notify else 0)
    if xtr_id is not None:
        flags |= 0x02000000
    auth_len = 20 if alg == ALG_SHA1 else 32
    hdr = struct.pack('!IQBBH', flags | len(records), nonce, 0, alg, auth_len)
    body = b''.join(records)
    if xtr_id is not None:
        body += xtr_id + struct.pack('!Q', site_id)
    msg = hdr + bytes(auth_len) + body
    mac = hmac.new(key.encode(), msg, hashlib.sha1 if alg == ALG_SHA1 else hashlib.sha256).digest()
    return hdr + mac[:auth_len] + body


def verify_auth(msg, key):
    """True when a Map-Register/Notify's authentication data is right."""
    alg, auth_len = msg[13], struct.unpack('!H', msg[14:16])[0]
    zeroed = msg[:16] + bytes(auth_len) + msg[16 + auth_len:]
    mac = hmac.new(key.encode(), zeroed, hashlib.sha1 if alg == ALG_SHA1 else hashlib.sha256)
    return hmac.compare_digest(mac.digest()[:auth_len], msg[16:16 + auth_len])


def map_request(iid, target, plen, itr_rloc, nonce, xtr_id=None, site_id=0, notify=False,
                smr=False, probe=False):
    flags = 0x10000000 | (0x02000000 if probe else 0) | (0x01000000 if smr else 0)
    if xtr_id is not None:
        flags |= 0x00100000
    m = struct.pack('!IQ', flags | 1, nonce) + struct.pack('!H', 0) + addr(itr_rloc)
    m += bytes([0x80 if notify else 0, plen]) + eid(iid, target)
    if xtr_id is not None:
        m += xtr_id + struct.pack('!Q', site_id)
    return m


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ecm(inner_msg, src, dst, sport, dport=4342, ddt=False):
    """Encapsulated Control Message over inner IPv4 + UDP (RFC 9301 5.8);
    ddt: the D bit, a DDT-originated request (RFC 8111)."""
    udp_len = 8 + len(inner_msg)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack('!BBH', 0, 17, udp_len)
    udp = struct.pack('!HHHH', sport, dport, udp_len, 0) + inner_msg
    udp = udp[:6] + struct.pack('!H', csum(pseudo + udp) or 0xffff) + udp[8:]
    return struct.pack('!I', 0x80000000 | (0x04000000 if ddt else 0)) + ip + udp


def msg_type(msg):
    return msg[0] >> 4


def nonce_of(msg):
    return struct.unpack('!Q', msg[4:12])[0]


def _parse_addr(b, off):
    afi = struct.unpack('!H', b[off:off + 2])[0]
    off += 2
    if afi == AFI_IPV4:
        return (0, socket.inet_ntoa(b[off:off + 4])), off + 4
    if afi == AFI_IPV6:
        return (0, socket.inet_ntop(socket.AF_INET6, b[off:off + 16])), off + 16
    if afi == AFI_LCAF:
        typ, length = b[off + 2], struct.unpack('!H', b[off + 4:off + 6])[0]
        body = b[off + 6:off + 6 + length]
        if typ == 2:
            iid = struct.unpack('!I', body[:4])[0]
            (_, a), _ = _parse_addr(body, 4)
            return (iid, a), off + 6 + length
        if typ == 14:   # JSON LCAF: the RLOC after the JSON text
            jlen = struct.unpack('!H', body[:2])[0]
            (_, a), _ = _parse_addr(body, 2 + jlen)
            return (0, a), off + 6 + length
        return (0, 'lcaf-%d' % typ), off + 6 + length
    if afi == 0:
        return (0, None), off
    raise ValueError('AFI %d' % afi)


def parse_records(msg, off, count):
    """[(iid, prefix, plen, ttl, action, [(rloc, prio, weight, flags)])]"""
    out = []
    for _ in range(count):
        ttl, loc_count, plen, act = struct.unpack('!IBBB', msg[off:off + 7])
        off += 10
        (iid, prefix), off = _parse_addr(msg, off)
        locs = []
        for _ in range(loc_count):
            prio, weight, _mp, _mw, flags = struct.unpack('!BBBBH', msg[off:off + 6])
            (_, rloc), off = _parse_addr(msg, off + 6)
            locs.append((rloc, prio, weight, flags))
        out.append((iid, prefix, plen, ttl, act >> 5, locs))
    return out, off


def parse_map_reply(msg):
    assert msg_type(msg) == 2, 'not a Map-Reply: type %d' % msg_type(msg)
    recs, _ = parse_records(msg, 12, msg[3])
    return nonce_of(msg), recs


REFERRAL_ACTIONS = ('node-referral', 'ms-referral', 'ms-ack', 'ms-not-registered',
                    'delegation-hole', 'not-authoritative')


def parse_map_referral_sets(msg):
    """A Map-Referral (RFC 8111 section 6): (nonce, [record]), each record a
    dict: iid, prefix, plen, ttl, action (name), auth, incomplete,
    referrals [(address, priority, weight)].  Sig sections are refused: a
    node that does not sign sends none."""
    assert msg_type(msg) == 6, 'not a Map-Referral: type %d' % msg_type(msg)
    out, off = [], 12
    for _ in range(msg[3]):
        ttl, ref_count, plen, bits, sig_ver = struct.unpack('!IBBHH', msg[off:off + 10])
        assert sig_ver >> 12 == 0, 'Sig sections present'
        (iid, prefix), off = _parse_addr(msg, off + 10)
        refs = []
        for _ in range(ref_count):
            prio, weight, _mp, _mw, _flags = struct.unpack('!BBBBH', msg[off:off + 6])
            (_, a), off = _parse_addr(msg, off + 6)
            refs.append((a, prio, weight))
        act = bits >> 13
        out.append(dict(iid=iid, prefix=prefix, plen=plen, ttl=ttl,
                        action=REFERRAL_ACTIONS[act] if act < 6 else act,
                        auth=bool(bits & 0x1000), incomplete=bool(bits & 0x0800),
                        referrals=refs))
    assert off == len(msg), 'bytes after the last record'
    return nonce_of(msg), out


def parse_map_notify(msg):
    assert msg_type(msg) in (4, 5), 'not a Map-Notify: type %d' % msg_type(msg)
    auth_len = struct.unpack('!H', msg[14:16])[0]
    recs, _ = parse_records(msg, 16 + auth_len, msg[3])
    return nonce_of(msg), recs


# ---- LISP-DDT (RFC 8111, section 6) ----------------------------------------

REF_NODE, REF_MS, REF_MS_ACK, REF_MS_NOT_REGISTERED, REF_HOLE, REF_NOT_AUTH = range(6)
ECM_D = 0x04000000


def referral_record(iid, prefix, plen, action, refs=(), ttl=1440, incomplete=False, auth=True):
    """Map-Referral record; refs: list of (address, priority, weight)."""
    bits = (action << 13) | (0x1000 if auth else 0) | (0x0800 if incomplete else 0)
    r = struct.pack('!IBBHH', ttl, len(refs), plen, bits, 0) + eid(iid, prefix)
    for (a, prio, weight) in refs:
        r += struct.pack('!BBBBH', prio, weight, 255, 0, 0x0001) + addr(a)
    return r


def map_referral(nonce, records):
    return struct.pack('!IQ', (6 << 28) | len(records), nonce) + b''.join(records)


def parse_ecm(msg):
    """(ddt, inner_src, inner_dst, sport, dport, inner message) of an ECM over IPv4."""
    assert msg_type(msg) == 8, 'not an ECM: type %d' % msg_type(msg)
    flags = struct.unpack('!I', msg[:4])[0]
    ip = msg[4:]
    ihl = (ip[0] & 0x0f) * 4
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    sport, dport = struct.unpack('!HH', ip[ihl:ihl + 4])
    return bool(flags & ECM_D), src, dst, sport, dport, ip[ihl + 8:]


def parse_map_request_eid(msg):
    """(nonce, itr_rloc, iid, eid, plen) of a one-record Map-Request."""
    assert msg_type(msg) == 1, 'not a Map-Request: type %d' % msg_type(msg)
    nonce = nonce_of(msg)
    (_, _src), off = _parse_addr(msg, 12)
    (_, itr), off = _parse_addr(msg, off)
    plen = msg[off + 1]
    (iid, target), _ = _parse_addr(msg, off + 2)
    return nonce, itr, iid, target, plen


def parse_map_referral(msg):
    """(nonce, [dict(iid, prefix, plen, ttl, action, auth, incomplete, refs)])
    of a Map-Referral (RFC 8111 section 6; Sig sections not expected)."""
    assert msg_type(msg) == 6, 'not a Map-Referral: type %d' % msg_type(msg)
    out, off = [], 12
    for _ in range(msg[3]):
        flags, sigs = msg[off + 6], msg[off + 8] >> 4
        assert sigs == 0, 'Sig sections'
        recs, off = parse_records(msg, off, 1)
        iid, prefix, plen, ttl, act, locs = recs[0]
        out.append(dict(iid=iid, prefix=prefix, plen=plen, ttl=ttl, action=act,
                        auth=bool(flags & 0x10), incomplete=bool(flags & 0x08),
                        refs=[l[0] for l in locs]))
    return nonce_of(msg), out
