#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Signed Map-Requests between our C code and python3-cryptography
(meson: unit-ecdsa_request-py; formats: docs/ecdsa.md, "Signed
Map-Requests").

  ecdsa_request_vectors.py TEST_BINARY
      1. python builds and signs a Map-Request byte by byte (its own
         encoder, below) and TEST_BINARY --verify must accept it, then
         refuse it with the nonce, the target or the signature changed;
      2. TEST_BINARY --emit signs one with a key it makes; python parses
         the bytes, derives the crypto-EID from the key again and verifies
         the signature over the text it rebuilds itself.
"""
import ipaddress
import json
import os
import struct
import subprocess
import sys
import base64

from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.ecdsa import (crypto_eid, pubkey_from_record, pubkey_record,  # noqa: E402
                             sign_raw, verify_raw)

IID = 1000
PREFIX = "fd00::/8"
AFI_IPV4, AFI_IPV6, AFI_LCAF = 1, 2, 16387
LCAF_IID, LCAF_JSON = 2, 14


def iid_lcaf(iid, addr):
    """RFC 8060 4.1: Instance-ID LCAF around an IPv6 address."""
    body = struct.pack("!IH", iid, AFI_IPV6) + addr.packed
    return struct.pack("!HBBBBH", AFI_LCAF, 0, 0, LCAF_IID, 0, len(body)) + body


def map_request(nonce, source_field, target, plen=128):
    """RFC 9301 5.2: one ITR-RLOC (192.0.2.1), one record."""
    head = struct.pack("!IQ", (1 << 28) | 1, nonce)
    itr = struct.pack("!H", AFI_IPV4) + ipaddress.IPv4Address("192.0.2.1").packed
    rec = struct.pack("!BB", 0, plen) + iid_lcaf(IID, target)
    return head + source_field + itr + rec


def json_field(text):
    """lispers.net encode_json: JSON LCAF, LCAF length = JSON + 4, AFI 0."""
    t = text.encode()
    return struct.pack("!HBBBBHH", AFI_LCAF, 0, 0, LCAF_JSON, 0, len(t) + 4, len(t)) + t + \
        struct.pack("!H", 0)


def signed_text(nonce, source, target):
    return "%x[%d]%s[%d]%s" % (nonce, IID, source, IID, target)


def c_verify(binary, pkt, pub_json):
    r = subprocess.run([binary, "--verify", pkt.hex(), pub_json], capture_output=True,
                       text=True, timeout=20)
    return r.returncode, r.stdout.strip()


def python_signs(binary):
    key = ec.generate_private_key(ec.SECP256R1())
    pub = key.public_key()
    me = crypto_eid(IID, PREFIX, pub)
    target = ipaddress.IPv6Address("fd00::9")
    nonce = 0x00AB00CD00EF0012
    sig = sign_raw(key, signed_text(nonce, me, target))
    rec = json.dumps({"signature-eid": "[%d]%s" % (IID, me), "source-eid": "[%d]%s" % (IID, me),
                      "signature": base64.b64encode(sig).decode()})
    good = map_request(nonce, json_field(rec), target)
    rc, out = c_verify(binary, good, pubkey_record(pub))
    assert rc == 0, "our code refused python's signed request: %s" % out
    bad = [("nonce", map_request(nonce + 1, json_field(rec), target)),
           ("target", map_request(nonce, json_field(rec), ipaddress.IPv6Address("fd00::8")))]
    flipped = bytearray(sig)
    flipped[5] ^= 1
    rec2 = json.loads(rec)
    rec2["signature"] = base64.b64encode(bytes(flipped)).decode()
    bad.append(("signature", map_request(nonce, json_field(json.dumps(rec2)), target)))
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    for what, pkt in bad:
        rc, out = c_verify(binary, pkt, pubkey_record(pub))
        assert rc != 0 and "signature_mismatch" in out, "changed %s accepted: %s" % (what, out)
    rc, out = c_verify(binary, good, pubkey_record(other))
    assert rc != 0 and "eid_hash_mismatch" in out, "another key accepted: %s" % out
    print("ok: our code verifies python's signed Map-Request and refuses 4 changes")


def parse_emitted(pkt):
    assert struct.unpack("!H", pkt[12:14])[0] == AFI_LCAF
    _, _, lcaf_type, rsvd2, lcaf_len, json_len = struct.unpack("!BBBBHH", pkt[14:22])
    assert lcaf_type == LCAF_JSON and rsvd2 == 0 and lcaf_len == json_len + 4
    text = pkt[22:22 + json_len].decode()
    assert pkt[22 + json_len:24 + json_len] == b"\0\0", "AFI 0 after the JSON"
    nonce = struct.unpack("!Q", pkt[4:12])[0]
    # ITR-RLOC (IPv4), then the record's IID LCAF.
    rec = pkt[24 + json_len + 6:]
    assert struct.unpack("!H", rec[2:4])[0] == AFI_LCAF and rec[6] == LCAF_IID
    iid, afi = struct.unpack("!IH", rec[10:16])
    assert afi == AFI_IPV6
    return nonce, json.loads(text), iid, ipaddress.IPv6Address(rec[16:32])


def c_signs(binary):
    r = subprocess.run([binary, "--emit"], capture_output=True, text=True, timeout=20, check=True)
    hexpkt, pub_json = r.stdout.strip().split("\n")
    pub = pubkey_from_record(pub_json)
    nonce, rec, iid, target = parse_emitted(bytes.fromhex(hexpkt))
    me = "[%d]%s" % (IID, crypto_eid(IID, PREFIX, pub))
    assert iid == IID and str(target) == "fd00::9", (iid, target)
    assert rec["signature-eid"] == me and rec["source-eid"] == me, (rec, me)
    text = "%x%s[%d]%s" % (nonce, me, iid, target)
    verify_raw(pub, text, base64.b64decode(rec["signature"], validate=True))
    print("ok: python verifies our signed Map-Request over %r" % text[:24])


if __name__ == "__main__":
    python_signs(sys.argv[1])
    c_signs(sys.argv[1])
