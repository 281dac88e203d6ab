#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'ctl-decode-lispsec': `lispgw-ctl decode` prints the LISP-SEC
(RFC 9303) fields of ECMs and Map-Replies that carry them.

The packets are the golden ones of tests/unit/gen_lispsec_vectors.py (laid
out by hand, HMACs/HKDF/AES Key Wrap from python3-cryptography), wrapped in
IPv4/UDP by scapy.  tshark (4.0) dissects only the S bits of LISP-SEC, not
its Authentication Data: it is checked on those bits and the nonce, and
our JSON on every AD field against the values the packets were built from.
A truncated AD must give an "error" naming LISP-SEC, and the next packet
must still decode.  Exit 77 (skip) without scapy.
"""

import argparse
import json
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "unit"))
from lispgwlab.check import SKIP, Checks  # noqa: E402


def tshark_fields(tshark, path, fields):
    args = [tshark, "-r", path, "-d", "udp.port==4342,lisp", "-T", "fields", "-E", "occurrence=f"]
    for f in fields:
        args += ["-e", f]
    res = subprocess.run(args, capture_output=True, text=True)
    return [line.split("\t") for line in res.stdout.splitlines()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--tshark", default="")
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()
    try:
        from scapy.all import IP, UDP, Raw, wrpcap
        import gen_lispsec_vectors as v
    except ImportError as e:
        print(f"SKIP: {e} (python3-scapy and python3-cryptography are needed)")
        return SKIP
    os.makedirs(args.outdir, exist_ok=True)
    path, mr = write_frames(v, args.outdir, (IP, UDP, Raw, wrpcap))
    res = subprocess.run([args.ctl, "decode", path], capture_output=True, text=True)
    c = Checks("ctl-decode-lispsec")
    c.eq(res.returncode, 0, "lispgw-ctl decode exit status")
    objs = [json.loads(line) for line in res.stdout.splitlines()]
    c.eq(len(objs), 5, "one JSON line per frame")
    if len(objs) != 5:
        c.exit()
    otk_hex = v.ITR_OTK.hex()

    m = objs[0]["message"]
    sec = m.get("lisp_sec") or {}
    ead = sec.get("eid_ad", {})
    c.eq(m["flags"]["sec"], True, "Map-Reply S bit")
    c.eq(sec.get("ad_type"), 1, "Map-Reply AD type")
    c.eq((ead.get("length"), ead.get("kdf"), ead.get("hmac")),
         (32, "hkdf-sha256-128", "hmac-sha-256-128"), "Map-Reply EID-AD length, KDF, HMAC")
    c.eq([r["eid_text"] for r in ead.get("records", [])], ["[0]10.1.0.0/16"], "EID-AD prefix")
    c.eq(ead.get("eid_hmac"), mr[-36:-20].hex(), "EID HMAC as computed by python3-cryptography")
    c.eq(sec.get("pkt_ad"), {"length": 20, "hmac_id": 2, "hmac": "hmac-sha-256-128",
                             "pkt_hmac": mr[-16:].hex()}, "PKT-AD")

    e = objs[1]["message"]
    sec = e.get("lisp_sec") or {}
    c.eq(e["flags"]["sec"], True, "ECM S bit")
    c.eq((sec.get("requested_hmac"), sec.get("otk_length"), sec.get("otk_wrapping"),
          sec.get("otk_preamble"), sec.get("otk"), sec.get("key_version")),
         ("hmac-sha-256-128", 24, "null-key-wrap-128", "00" * 8, otk_hex, False),
         "ITR's ECM: requested HMAC, OTK Length, wrapping, Preamble, ITR-OTK, V")
    c.eq(sec.get("eid_ad"), {"length": 4, "kdf_id": 2, "kdf": "hkdf-sha256-128"},
         "ITR's EID-AD is the KDF-only form")
    c.eq(e.get("message", {}).get("nonce"), "0x0000000000000077",
         "inner Map-Request found past the AD")

    e = objs[2]["message"]
    sec = e.get("lisp_sec") or {}
    wrapped = v.ecm_ad_ms()[8:32]
    c.eq((sec.get("key_version"), sec.get("otk_wrapping"), sec.get("otk_preamble"),
          sec.get("otk")), (True, "aes-key-wrap-128", wrapped[:8].hex(), wrapped[8:].hex()),
         "Map-Server's ECM: V, AES-KEY-WRAP-128 Preamble and OTK field")
    c.eq([r["eid_text"] for r in sec.get("eid_ad", {}).get("records", [])],
         ["[0]10.1.0.0/16", "[0]2001:db8::/32"], "Map-Server's EID-AD prefixes")
    c.eq(e.get("flags", {}).get("to_etr"), True, "E bit beside S")

    c.ok("LISP-SEC" in objs[3].get("error", ""), "truncated PKT-AD reported",
         objs[3].get("error"))
    c.eq((objs[4].get("message") or {}).get("lisp_sec", {}).get("ad_type"), 1,
         "the frame after the bad one decodes")

    check_tshark(c, args.tshark, path)
    c.exit()


def write_frames(v, outdir, scapy):
    """The pcap of the five frames the checks read: (its path, the Map-Reply)."""
    IP, UDP, Raw, wrpcap = scapy

    def v4(payload, sport=4342):
        return IP(src="192.0.2.1", dst="192.0.2.2", ttl=64) / UDP(sport=sport, dport=4342) / \
            Raw(payload)

    mr, _ = v.map_reply(2, 2, "10.1.2.0", 24, [(16, 1, v.ip4("10.1.0.0"))])
    mreq = struct.pack("!IQ", 1 << 28 | 1, 0x77) + struct.pack("!H", 0) + \
        struct.pack("!H", 1) + v.ip4("192.0.2.1") + bytes([0, 24]) + \
        struct.pack("!H", 1) + v.ip4("10.1.2.0")
    inner = bytes(IP(src="192.0.2.1", dst="10.1.2.0", ttl=64) / UDP(sport=4342, dport=4342) /
                  Raw(mreq))
    ecm_itr = struct.pack("!I", 8 << 28 | 1 << 27) + v.ecm_ad_itr() + inner
    ecm_ms = struct.pack("!I", 8 << 28 | 1 << 27 | 1 << 25) + v.ecm_ad_ms() + inner
    frames = [v4(mr, 61001), v4(ecm_itr, 61002), v4(ecm_ms, 61003), v4(mr[:-1], 61004),
              v4(mr, 61005)]
    path = os.path.join(outdir, "lispsec.pcap")
    wrpcap(path, frames)
    return path, mr


def check_tshark(c, tshark, path):
    """tshark agrees on the types, S bits and the nonce (all it dissects)."""
    if tshark and os.access(tshark, os.X_OK):
        rows = tshark_fields(tshark, path, ["lisp.type", "lisp.mrep.flags.sec",
                                            "lisp.ecm.flags.sec", "lisp.nonce"])
        c.eq([r[:3] for r in rows[:3]], [["2", "1", ""], ["8", "", "1"], ["8", "", "1"]],
             "tshark: types and S bits")
        c.eq(rows[0][3] if rows else None, "0x0102030405060708", "tshark: Map-Reply nonce")
    else:
        print("note: tshark not found, S bits not cross-checked")


if __name__ == "__main__":
    sys.exit(main())
