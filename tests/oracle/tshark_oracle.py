#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""tshark as an independent decoder of our encoders.

usage: tshark_oracle.py ORACLE_GEN [KEEP_DIR]

Runs ORACLE_GEN to write samples.pcap and expect.tsv (into KEEP_DIR when
given, else a temporary directory), decodes the pcap with tshark, and checks
every frame against its expectations (see oracle_expect.h), plus rules that
hold for every frame: nothing malformed, no expert warning or error unless
the frame expects it, every IPv4 and UDP checksum good, and no undissected
bytes unless the frame expects them.  Exits 77 (skip) without tshark.
"""
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab import tshark  # noqa: E402
from lispgwlab.check import SKIP  # noqa: E402

EXPERT_WARN = 0x00600000  # PI_WARN; PI_ERROR is 0x00800000
CHECKSUM_GOOD = "1"
GENERIC_FIELDS = ["frame.number", "_ws.malformed", "_ws.expert", "_ws.expert.severity",
                  "udp.payload", "udp.checksum.status", "ip.checksum.status", "data.data"]


def load_expectations(path):
    """frame number -> {"sample", "fields": {name: (op, value)}, "directives"}"""
    frames = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            num, sample, name, op, value = line.rstrip("\n").split("\t")
            fr = frames.setdefault(int(num), {"sample": sample, "fields": {},
                                              "directives": {}})
            if op == "!":
                fr["directives"][name] = value
            else:
                fr["fields"][name] = (op, value)
    return frames


def run_tshark(pcap, fields, conf_dir):
    # An empty profile: a user's preferences must not change what we decode.
    try:
        return tshark.layers(pcap, fields, conf_dir=conf_dir)
    except RuntimeError as e:
        sys.exit("oracle: %s" % e)


def check_hmac(layers, spec):
    """RFC 9301 5.6: HMAC over the whole message, auth data taken as zeros."""
    alg, key = spec.split(":", 1)
    payload = bytes.fromhex(layers.get("udp.payload", [""])[0].replace(":", ""))
    n = hashlib.new(alg).digest_size
    if len(payload) < 16 + n:
        return "message of %d bytes cannot hold %d bytes of %s" % (len(payload), n, alg)
    if int.from_bytes(payload[14:16], "big") != n:
        return "authentication data length field %d, %s needs %d" % (
            int.from_bytes(payload[14:16], "big"), alg, n)
    zeroed = payload[:16] + bytes(n) + payload[16 + n:]
    want = hmac.new(key.encode(), zeroed, alg).digest()
    got = payload[16:16 + n]
    if not hmac.compare_digest(want, got):
        return "HMAC-%s is %s, should be %s" % (alg, got.hex(), want.hex())
    return None


def check_frame(layers, fr):
    """Returns (fields checked, list of mismatch sentences)."""
    bad = []
    for name, (op, value) in fr["fields"].items():
        got = layers.get(name, [])
        if op == "=":
            want = value.split(",") if value else []
            if got != want:
                bad.append("%s: expected %s, tshark says %s" % (name, want or "absent",
                                                               got or "absent"))
        elif not got or not got[0].startswith(value):
            bad.append("%s: expected to start with %s, tshark says %s" % (name, value,
                                                                       got or "absent"))
    checked = len(fr["fields"])

    if "hmac" in fr["directives"]:
        checked += 1
        err = check_hmac(layers, fr["directives"]["hmac"])
        if err:
            bad.append(err)

    if "_ws.malformed" in layers:
        bad.append("tshark marks the frame malformed")
    allow = fr["directives"].get("allow", "")
    for sev, text in zip(layers.get("_ws.expert.severity", []), layers.get("_ws.expert", [])):
        allowed = allow == "undecoded" and "/Undecoded)" in text
        if int(sev) >= EXPERT_WARN and not allowed:
            bad.append("expert info: %s" % text)
    for name in ("udp.checksum.status", "ip.checksum.status"):
        if any(v != CHECKSUM_GOOD for v in layers.get(name, [])):
            bad.append("%s: %s (1 is good)" % (name, layers[name]))
    if "data.data" not in fr["fields"] and "data.data" in layers:
        bad.append("undissected bytes: %s" % layers["data.data"])
    return checked, bad


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    gen = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="lispgw-oracle-") as tmp:
        out_dir = sys.argv[2] if len(sys.argv) == 3 else tmp
        os.makedirs(out_dir, exist_ok=True)
        pcap = os.path.join(out_dir, "samples.pcap")
        tsv = os.path.join(out_dir, "expect.tsv")
        if subprocess.run([gen, pcap, tsv], check=False).returncode != 0:
            sys.exit("oracle: %s failed" % gen)
        if shutil.which("tshark") is None:
            print("oracle: tshark not found, skipping")
            return SKIP

        frames = load_expectations(tsv)
        fields = GENERIC_FIELDS + sorted({n for fr in frames.values() for n in fr["fields"]}
                                         - set(GENERIC_FIELDS))
        conf_dir = os.path.join(tmp, "wireshark")
        os.makedirs(conf_dir, exist_ok=True)
        decoded = run_tshark(pcap, fields, conf_dir)

        checked = mismatches = 0
        if len(decoded) != len(frames):
            print("oracle: tshark read %d frames, %d were written" % (len(decoded), len(frames)))
            mismatches += 1
        for num, layers in enumerate(decoded, 1):
            fr = frames.get(num)
            if fr is None:
                continue
            n, bad = check_frame(layers, fr)
            checked += n
            for sentence in bad:
                print("frame %d (%s): %s" % (num, fr["sample"], sentence))
            mismatches += len(bad)
        print("oracle: %d frames, %d fields checked, %d mismatches"
              % (len(decoded), checked, mismatches))
        return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
