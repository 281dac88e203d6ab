# SPDX-License-Identifier: BSD-3-Clause
"""ECDSA crypto-EIDs computed independently of our C code, with
python3-cryptography (Debian's /usr/bin/python3): the formats of
docs/ecdsa.md (draft-ietf-lisp-ecdsa-auth).  Used by
tests/unit/ecdsa_vectors.py and the keygen test."""
import base64
import hashlib
import ipaddress
import json
import os
import subprocess

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature, encode_dss_signature)

P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def spki_der(pub):
    return pub.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def crypto_eid(iid, prefix, pub):
    """SHA-256(IID as 4 bytes || the prefix's len/8 bytes || SPKI DER); its
    leading (128 - len) bits fill the host part of the prefix."""
    net = ipaddress.IPv6Network(prefix)
    h = hashlib.sha256(iid.to_bytes(4, "big") +
                       net.network_address.packed[:net.prefixlen // 8] +
                       spki_der(pub)).digest()
    hbits = 128 - net.prefixlen
    hv = int.from_bytes(h, "big") >> (256 - hbits)
    return ipaddress.IPv6Address(int(net.network_address) | hv)


def hash_eid(eid, prefix):
    """'hash-' and the host bits in hex, four-digit groups from the right."""
    hbits = 128 - ipaddress.IPv6Network(prefix).prefixlen
    hx = format(int(eid) & ((1 << hbits) - 1), "0%dx" % (hbits // 4))
    groups = []
    while hx:
        groups.insert(0, hx[-4:])
        hx = hx[:-4]
    return "hash-" + ":".join(groups)


def pubkey_record(pub):
    pem = pub.public_bytes(serialization.Encoding.PEM,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return json.dumps({"public-key": base64.b64encode(pem).decode()})


def pubkey_from_record(text):
    pem = base64.b64decode(json.loads(text)["public-key"], validate=True)
    return serialization.load_pem_public_key(pem)


def sign_raw(key, msg):
    """SHA-256 ECDSA, r || s (32 bytes each)."""
    r, s = decode_dss_signature(key.sign(msg.encode(), ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def verify_raw(pub, msg, raw):
    """Raises cryptography's InvalidSignature when raw does not sign msg."""
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:], "big")
    pub.verify(encode_dss_signature(r, s), msg.encode(), ec.ECDSA(hashes.SHA256()))


def ctl_keygen(ctl, directory, name, check, iid=1000):
    """lispgw-ctl keygen --out DIRECTORY/NAME.pem --iid iid --json, its exit
    status checked: (the key's path, the printed record or {})."""
    path = os.path.join(directory, name + '.pem')
    out = subprocess.run([ctl, 'keygen', '--out', path, '--iid', str(iid), '--json'],
                         capture_output=True, text=True, timeout=20)
    check(out.returncode == 0, 'lispgw-ctl keygen %s' % name, out.stderr)
    try:
        return path, json.loads(out.stdout)
    except ValueError:
        return path, {}
