#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# LISP-SEC (RFC 9303) vectors computed independently of our C code: the
# Authentication Data laid out by hand with struct.pack from the diagrams of
# RFC 9303 sections 6.1 and 6.2 (restated above common/msg_lispsec.c), the
# HMACs, the HKDF (RFC 5869) and the AES Key Wrap (RFC 3394) from Debian's
# python3-cryptography.  Writes golden_lispsec.h to stdout.
# Run: /usr/bin/python3 tests/unit/gen_lispsec_vectors.py > tests/unit/golden_lispsec.h
import socket
import struct

from cryptography.hazmat.primitives import hashes, hmac, keywrap
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def ip4(s): return socket.inet_aton(s)
def ip6(s): return socket.inet_pton(socket.AF_INET6, s)


def hexc(name, b, comment):
    out = "/* %s */\nstatic const uint8_t %s[] = {\n" % (comment, name)
    for i in range(0, len(b), 12):
        out += "\t" + ", ".join("0x%02x" % x for x in b[i:i + 12]) + ",\n"
    return out + "};\n"


HASH = {1: hashes.SHA1, 2: hashes.SHA256}   # HMAC and KDF IDs share the hash
TRUNC = {1: 12, 2: 16}                      # HMAC-SHA-1-96, HMAC-SHA-256-128


def mac(hmac_id, key, data):
    h = hmac.HMAC(key, HASH[hmac_id]())
    h.update(data)
    return h.finalize()[:TRUNC[hmac_id]]


def ms_otk(kdf_id, itr_otk):
    # RFC 5869 HKDF, no salt, info "MS-OTK", 128 bits (lisp_sec.h).
    return HKDF(algorithm=HASH[kdf_id](), length=16, salt=None, info=b"MS-OTK").derive(itr_otk)


def eid_ad(kdf_id, hmac_id, recs, key):
    """recs: list of (mask_len, afi, address bytes). Signed with key."""
    body = b"".join(bytes([0, ml]) + struct.pack("!H", afi) + a for ml, afi, a in recs)
    n = 8 + len(body) + TRUNC[hmac_id]
    unsigned = struct.pack("!HHBBH", n, kdf_id, len(recs), 0, hmac_id) + body
    return unsigned + mac(hmac_id, key, unsigned + bytes(TRUNC[hmac_id]))


ITR_OTK = bytes(range(16))
KEK = bytes(range(0x10, 0x20))
NONCE = 0x0102030405060708


def ecm_ad_itr():
    """ITR -> Map-Resolver: HMAC-SHA-256-128 asked, clear OTK, KDF-only EID-AD."""
    return struct.pack("!BBHHH", 1, 0, 2, 24, 1) + bytes(8) + ITR_OTK + struct.pack("!HH", 4, 2)


def ecm_ad_ms():
    """Map-Server -> ETR: V set, AES-wrapped MS-OTK, EID-AD for 10.1.0.0/16 and
    2001:db8::/32 signed with the ITR-OTK."""
    recs = [(16, 1, ip4("10.1.0.0")), (32, 2, ip6("2001:db8::"))]
    wrapped = keywrap.aes_key_wrap(KEK, ms_otk(2, ITR_OTK))
    return struct.pack("!BBHHH", 1, 0x80, 2, 24, 2) + wrapped + eid_ad(2, 2, recs, ITR_OTK)


def map_reply(hmac_id, kdf_id, eid, eid_ml, ad_recs, eid_key=ITR_OTK):
    rec = struct.pack("!IBBHH", 1440, 1, eid_ml, 0x1000, 0) + struct.pack("!H", 1) + ip4(eid)
    loc = struct.pack("!BBBBH", 1, 100, 255, 0, 0x0001) + struct.pack("!H", 1) + ip4("192.0.2.1")
    head = struct.pack("!IQ", 0x20000000 | 0x02000000 | 1, NONCE) + rec + loc
    e = eid_ad(kdf_id, hmac_id, ad_recs, eid_key)
    pkt_hdr = struct.pack("!HH", 4 + TRUNC[hmac_id], hmac_id)
    unsigned = head + struct.pack("!I", 0x01000000) + e + pkt_hdr
    pkt = mac(hmac_id, ms_otk(kdf_id, ITR_OTK), unsigned + bytes(TRUNC[hmac_id]))
    return unsigned + pkt, len(head)


def main():
    out = ""

    # HKDF alone, both KDF IDs.
    out += hexc("vec_itr_otk", ITR_OTK, "ITR-OTK: 00..0f")
    out += hexc("vec_ms_otk_sha256", ms_otk(2, ITR_OTK), "HKDF-SHA256-128(ITR-OTK, info MS-OTK)")
    out += hexc("vec_ms_otk_sha1", ms_otk(1, ITR_OTK), "HKDF-SHA1-128(ITR-OTK, info MS-OTK)")

    # AES Key Wrap of the MS-OTK with KEK 10..1f: Preamble = first 8 bytes.
    out += hexc("vec_kek", KEK, "OTK wrapping key: 10..1f")
    out += hexc("vec_aes_wrapped_ms_otk", keywrap.aes_key_wrap(KEK, ms_otk(2, ITR_OTK)),
                "RFC 3394 wrap of the HKDF-SHA256 MS-OTK: Preamble || OTK field")

    out += hexc("golden_ecm_ad_itr", ecm_ad_itr(),
                "ECM AD from an ITR: type 1, V 0, HMAC ID 2, OTK Length 24, NULL wrap, EID-AD 4 bytes KDF 2")

    out += hexc("golden_ecm_ad_ms", ecm_ad_ms(),
                "ECM AD from a Map-Server: V 1, AES-KEY-WRAP-128 MS-OTK, EID-AD 10.1.0.0/16 + 2001:db8::/32")
    out += "#define GOLDEN_ECM_AD_MS_EID_AD_OFF 32\n"

    mr, off = map_reply(2, 2, "10.1.2.0", 24, [(16, 1, ip4("10.1.0.0"))])
    out += hexc("golden_map_reply_sec", mr,
                "Map-Reply S, 10.1.2.0/24 -> 192.0.2.1; AD: EID-AD 10.1.0.0/16 HMAC-SHA-256-128, "
                "KDF HKDF-SHA256-128, PKT-AD HMAC-SHA-256-128")
    out += "#define GOLDEN_MAP_REPLY_SEC_AD_OFF %d\n" % off
    mr1, off1 = map_reply(1, 1, "10.1.2.0", 24, [(16, 1, ip4("10.1.0.0"))])
    out += hexc("golden_map_reply_sec_sha1", mr1,
                "The same with HMAC-SHA-1-96 and HKDF-SHA1-128")
    # A record outside the EID-AD: 10.2.0.0/24 answered under an EID-AD of 10.1.0.0/16,
    # both HMACs right.  The ITR must refuse it (RFC 9303, section 6.9).
    mro, _ = map_reply(2, 2, "10.2.0.0", 24, [(16, 1, ip4("10.1.0.0"))])
    out += hexc("golden_map_reply_sec_outside", mro,
                "Map-Reply for 10.2.0.0/24 whose EID-AD only covers 10.1.0.0/16 (HMACs valid)")
    print("/* SPDX-License-Identifier: BSD-3-Clause */")
    print("/* Generated by tests/unit/gen_lispsec_vectors.py (python3-cryptography):")
    print(" * computed independently of common/; do not edit by hand. */")
    print("#ifndef LISPGW_GOLDEN_LISPSEC_H\n#define LISPGW_GOLDEN_LISPSEC_H\n\n#include <stdint.h>\n")
    print(out)
    print("#endif")


if __name__ == "__main__":
    main()
