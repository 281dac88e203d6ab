# SPDX-License-Identifier: BSD-3-Clause
"""LISP-SEC (RFC 9303) written and checked independently of lispgw's C:
the layouts laid out with struct (docs/wire.md "LISP-SEC"), HKDF, HMAC and
RFC 3394 AES Key Wrap from python3-cryptography.

    otk_wrap / otk_unwrap   NULL-KEY-WRAP-128 (kek None) or AES-KEY-WRAP-128
    ms_otk                  MS-OTK = HKDF(ITR-OTK, no salt, info "MS-OTK")
    ecm_ad                  the ITR's ECM Authentication Data
    ecm                     an ECM with the S bit around a Map-Request
    eid_ad                  a Map-Server's EID-AD, signed with the ITR-OTK
    seal                    a Map-Reply with its AD, PKT HMAC by the MS-OTK
    verify_reply            the ITR's check (RFC 9303 6.9); raises Refused
"""
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as chmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from . import wire

AD_TYPE = 1
HMAC_SHA1_96, HMAC_SHA256_128 = 1, 2
KDF_HKDF_SHA1, KDF_HKDF_SHA256 = 1, 2
WRAP_NULL, WRAP_AES = 1, 2
HMAC_LEN = {HMAC_SHA1_96: 12, HMAC_SHA256_128: 16}
_HASH = {1: hashes.SHA1, 2: hashes.SHA256}
ECM_S = 0x08000000
MAP_REPLY_S = 0x02000000


class Refused(Exception):
    """Why a Map-Reply fails the ITR's check: reason is one of no_ad,
    downgrade, eid_hmac, pkt_hmac, outside_prefix, malformed (the suffixes
    of the ITR's lisp_sec_dropped_* counters)."""

    def __init__(self, reason, detail=''):
        super().__init__('%s: %s' % (reason, detail))
        self.reason = reason


def otk_wrap(otk, kek=None):
    """(wrap_id, preamble, otk field)."""
    if kek is None:
        return WRAP_NULL, bytes(8), otk
    w = aes_key_wrap(kek, otk)
    return WRAP_AES, w[:8], w[8:]


def otk_unwrap(wrap_id, preamble, field, kek=None):
    if wrap_id == WRAP_NULL:
        if preamble != bytes(8):
            raise ValueError('NULL-KEY-WRAP-128 with a non-zero preamble')
        return field
    return aes_key_unwrap(kek, preamble + field)


def ms_otk(itr_otk, kdf_id=KDF_HKDF_SHA256):
    return HKDF(algorithm=_HASH[kdf_id](), length=16, salt=None,
                info=b'MS-OTK').derive(itr_otk)


def hmac_trunc(hmac_id, key, data):
    h = chmac.HMAC(key, _HASH[hmac_id]())
    h.update(data)
    return h.finalize()[:HMAC_LEN[hmac_id]]


def ecm_ad(otk, kek=None, hmac_id=HMAC_SHA256_128, kdf_id=KDF_HKDF_SHA256):
    """What an ITR puts after the ECM header: AD Type, V/reserved,
    Requested HMAC ID, OTK Length 24, Wrapping ID, Preamble + OTK, and the
    4-byte EID-AD (Length 4, KDF ID)."""
    wrap_id, pre, field = otk_wrap(otk, kek)
    return (struct.pack('!BBHHH', AD_TYPE, 0, hmac_id, 24, wrap_id) + pre + field +
            struct.pack('!HH', 4, kdf_id))


def ecm(inner_msg, src, dst, sport, ad):
    """wire.ecm() with the S bit and the AD before the inner IP header."""
    plain = wire.ecm(inner_msg, src, dst, sport)
    return struct.pack('!I', struct.unpack('!I', plain[:4])[0] | ECM_S) + ad + plain[4:]


def eid_ad(prefixes, itr_otk, hmac_id=HMAC_SHA256_128, kdf_id=KDF_HKDF_SHA256):
    """prefixes: [(iid, address, plen)]; the EID HMAC over the EID-AD with
    its HMAC field zeroed, keyed with the ITR-OTK."""
    recs = b''.join(struct.pack('!BB', 0, plen) + wire.eid(iid, a) for iid, a, plen in prefixes)
    hl = HMAC_LEN[hmac_id]
    body = struct.pack('!BBH', len(prefixes), 0, hmac_id) + recs
    length = 4 + len(body) + hl
    zeroed = struct.pack('!HH', length, kdf_id) + body + bytes(hl)
    return zeroed[:-hl] + hmac_trunc(hmac_id, itr_otk, zeroed)


def seal(reply, eid_ad_bytes, key, hmac_id=HMAC_SHA256_128):
    """A Map-Reply with the S bit, its AD appended, PKT HMAC keyed with key
    (the MS-OTK) over the whole message with the field zeroed."""
    hl = HMAC_LEN[hmac_id]
    first = struct.unpack('!I', reply[:4])[0] | MAP_REPLY_S
    msg = (struct.pack('!I', first) + reply[4:] + struct.pack('!I', AD_TYPE << 24) +
           eid_ad_bytes + struct.pack('!HH', 4 + hl, hmac_id) + bytes(hl))
    return msg[:-hl] + hmac_trunc(hmac_id, key, msg)


def _parse_eid_ad(msg, off):
    length, kdf_id = struct.unpack('!HH', msg[off:off + 4])
    if length == 4:
        return dict(len=4, kdf_id=kdf_id, prefixes=[]), off + 4
    count, _rsvd, hmac_id = struct.unpack('!BBH', msg[off + 4:off + 8])
    if hmac_id not in HMAC_LEN:
        raise Refused('malformed', 'EID HMAC ID %d' % hmac_id)
    p, prefixes = off + 8, []
    for _ in range(count):
        plen = msg[p + 1]
        (iid, a), p = wire._parse_addr(msg, p + 2)
        prefixes.append((iid, a, plen))
    hl = HMAC_LEN[hmac_id]
    if p + hl != off + length:
        raise Refused('malformed', 'EID-AD Length %d disagrees with its records' % length)
    return dict(len=length, kdf_id=kdf_id, hmac_id=hmac_id, prefixes=prefixes,
                hmac_off=p, hmac_len=hl), off + length


def _inside(rec, prefixes):
    """A record (iid, address, plen) equal to or inside one of prefixes."""
    import ipaddress
    iid, a, plen = rec
    net = ipaddress.ip_network('%s/%d' % (a, plen), strict=False)
    for piid, pa, pplen in prefixes:
        outer = ipaddress.ip_network('%s/%d' % (pa, pplen), strict=False)
        if piid == iid and net.version == outer.version and net.subnet_of(outer):
            return True
    return False


def verify_reply(msg, itr_otk, want_hmac=HMAC_SHA256_128):
    """The ITR's check of a Map-Reply answering a LISP-SEC request; returns
    (nonce, records, EID-AD prefixes) or raises Refused."""
    if not struct.unpack('!I', msg[:4])[0] & MAP_REPLY_S:
        raise Refused('no_ad', 'no S bit')
    nonce, _ = wire.parse_map_reply(msg)
    recs, off = wire.parse_records(msg, 12, msg[3])
    if msg[off] != AD_TYPE:
        raise Refused('malformed', 'MR AD Type %d' % msg[off])
    ead_off = off + 4
    ead, off = _parse_eid_ad(msg, ead_off)
    if not ead['prefixes']:
        raise Refused('no_ad', 'EID-AD stripped to its KDF ID')
    pkt_len, pkt_id = struct.unpack('!HH', msg[off:off + 4])
    if pkt_id not in HMAC_LEN or pkt_len != 4 + HMAC_LEN[pkt_id] or off + pkt_len != len(msg):
        raise Refused('malformed', 'PKT-AD Length %d, ID %d' % (pkt_len, pkt_id))
    if ead['hmac_id'] != want_hmac or pkt_id != want_hmac:
        raise Refused('downgrade', 'EID %d PKT %d' % (ead['hmac_id'], pkt_id))
    raw = msg[ead_off:ead_off + ead['len']]
    h0 = ead['hmac_off'] - ead_off
    zeroed = raw[:h0] + bytes(ead['hmac_len']) + raw[h0 + ead['hmac_len']:]
    if hmac_trunc(ead['hmac_id'], itr_otk, zeroed) != raw[h0:h0 + ead['hmac_len']]:
        raise Refused('eid_hmac')
    key = ms_otk(itr_otk, ead['kdf_id'])
    hl = HMAC_LEN[pkt_id]
    if hmac_trunc(pkt_id, key, msg[:-hl] + bytes(hl)) != msg[-hl:]:
        raise Refused('pkt_hmac')
    for iid, a, plen, _ttl, _act, _locs in recs:
        if not _inside((iid, a, plen), ead['prefixes']):
            raise Refused('outside_prefix', '[%d]%s/%d' % (iid, a, plen))
    return nonce, recs, ead['prefixes']


def split_ecm(msg):
    """(AD bytes, the same ECM without S and AD) of an ECM; AD b'' when S
    is clear."""
    first = struct.unpack('!I', msg[:4])[0]
    if not first & ECM_S:
        return b'', msg
    eid_ad_len = struct.unpack('!H', msg[4 + 32:4 + 34])[0]
    n = 32 + eid_ad_len
    return msg[4:4 + n], struct.pack('!I', first & ~ECM_S) + msg[4 + n:]


def parse_ecm_ad(ad, kek=None):
    """(requested HMAC ID, KDF ID, the unwrapped OTK) of an ITR's ECM AD."""
    ad_type, _v, hmac_id, otk_len, wrap_id = struct.unpack('!BBHHH', ad[:8])
    if ad_type != AD_TYPE or otk_len != 24:
        raise ValueError('ECM AD type %d, OTK length %d' % (ad_type, otk_len))
    kdf_id = struct.unpack('!H', ad[34:36])[0]
    return hmac_id, kdf_id, otk_unwrap(wrap_id, ad[8:16], ad[16:32], kek)
