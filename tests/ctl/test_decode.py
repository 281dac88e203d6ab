#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'ctl-decode': `lispgw-ctl decode` against packets we did not encode.

lisp_pcaps.py writes captures by hand from the RFC layouts (Ethernet with
VLAN/QinQ tags, pcapng, Linux SLL and SLL2, raw IP, LINKTYPE_IPV4, BSD
NULL and LOOP).  This script decodes them with lispgw-ctl and checks:
  1. our JSON against tshark, field by field, for every well-formed frame
     of every capture (tshark_view.py maps our keys to tshark's fields);
  2. our JSON against the values the packets were built from (EID text,
     nonces, the HMAC, xTR-ID, JSON-LCAF text, VNIs ...);
  3. malformed packets: an "error" naming the problem, and the next packet
     still decoded;
  4. the CLI contract: --all, --help, usage errors, unreadable files.
Exit 77 (meson's skip) when tshark or scapy is missing.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import SKIP, Checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def run_ctl(ctl, *args):
    return subprocess.run([ctl, *args], capture_output=True, text=True)


def decode(ctl, path, *opts):
    res = run_ctl(ctl, "decode", *opts, path)
    if res.returncode != 0:
        raise SystemExit(f"lispgw-ctl decode {path} failed ({res.returncode}): {res.stderr}")
    return [json.loads(line) for line in res.stdout.splitlines()]


def walk(obj, key):
    """Every value stored under key anywhere in obj, depth-first."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk(v, key)


def check_tshark(c, tshark, path, objs, view):
    """Every field we emit must equal tshark's list for that frame."""
    ours = {o["frame"]: view.ours_fields(o) for o in objs
            if "error" not in o and "skipped" not in o}
    names = set().union(*ours.values()) | {"ieee8021ad.id", "vlan.id"}
    theirs = view.tshark_frames(tshark, path, names)
    base = os.path.basename(path)
    for frame, fields in ours.items():
        t = theirs.get(frame, {})
        for name, vals in sorted(fields.items()):
            c.eq(vals, t.get(name), f"{base} frame {frame} {name} vs tshark")
        least = 5 if fields.get("lisp.type") == [5] else 10
        c.ok(len(fields) >= least, f"{base} frame {frame}: only {len(fields)} fields compared")
    for o in objs:
        if o.get("link", {}).get("type") == "EN10MB" and o["frame"] in theirs:
            t = theirs[o["frame"]]
            c.eq(o["link"]["vlans"], t.get("ieee8021ad.id", []) + t.get("vlan.id", []),
                 f"{base} frame {o['frame']} VLAN tags vs tshark")
    return sum(len(f) for f in ours.values())


def check_intent(c, pkt, o):
    """Our JSON against the values the packet was built from."""
    w, name = pkt["want"], pkt["name"]
    msg = o.get("message", {})
    if "type" in w:
        c.eq(msg.get("type_num"), w["type"], f"{name}: type")
    if "inner_type" in w:
        c.eq(msg.get("message", {}).get("type_num"), w["inner_type"], f"{name}: ECM inner type")
    if "nonce" in w:
        c.eq(msg.get("nonce"), w["nonce"], f"{name}: nonce")
    if "itr" in w:
        c.eq([r["address"] for r in msg["itr_rlocs"]], w["itr"], f"{name}: ITR-RLOCs")
    if "eids" in w:
        c.eq(list(walk(msg, "eid_text")), w["eids"], f"{name}: EID text")
    if "rlocs" in w:
        c.eq(list(walk(msg, "rloc")), w["rlocs"], f"{name}: RLOCs")
    if "actions" in w:
        c.eq(list(walk(msg, "action")), w["actions"], f"{name}: actions")
    for key in ("auth", "key_id", "alg_id", "xtr_id", "site_id"):
        if key in w:
            c.eq(msg.get("auth_data" if key == "auth" else key), w[key], f"{name}: {key}")
    if "flags" in w:
        for k, v in w["flags"].items():
            c.eq(msg["flags"].get(k), v, f"{name}: flag {k}")
    if "json" in w:
        c.eq(list(walk(msg, "json")), w["json"], f"{name}: JSON-LCAF text")
        c.eq(list(walk(msg, "json_valid")), w["json_valid"], f"{name}: JSON validity")
    if "signature" in w:
        c.eq([g["signature"] for g in walk(msg, "signatures") for g in g], [w["signature"]],
             f"{name}: Sig section")
    if "lcaf_types" in w:
        c.eq([n["type"] for n in walk(msg, "lcaf")], w["lcaf_types"], f"{name}: LCAF types")
    for layer in ("lisp_data", "vxlan", "vxlan_gpe"):
        for k, v in w.get(layer, {}).items():
            c.eq(o.get(layer, {}).get(k), v, f"{name}: {layer}.{k}")


def check_main(c, ctl, tshark, outdir, pkts, view):
    path = os.path.join(outdir, "lisp.pcap")
    objs = decode(ctl, path)
    every = decode(ctl, path, "--all")
    other = {"dns", "tcp", "arp"}
    lisp = [p for p in pkts if p["name"] not in other]
    c.eq(len(every), len(pkts), "--all prints one line per frame")
    c.eq(len(objs), len(lisp), "default run skips non-LISP frames")
    c.eq([o["frame"] for o in every], list(range(1, len(pkts) + 1)), "frame numbering")
    by_frame = {o["frame"]: o for o in every}
    ws = view.tshark_frames(tshark, path, {"_ws.malformed", "_ws.short", "_ws.expert.message"})
    for i, pkt in enumerate(pkts, 1):
        o = by_frame[i]
        if pkt["name"] in other:
            c.eq(o, {"frame": i, "skipped": "not LISP/VXLAN"}, f"{pkt['name']}: skipped line")
            continue
        errs = pkt["want"].get("error")
        if errs:
            err = o.get("error")
            c.ok(isinstance(err, str), f"{pkt['name']}: has an error string ({o})")
            for part in errs:
                c.ok(part in (err or ""), f"{pkt['name']}: error {err!r} names {part!r}")
            c.ok("outer" in o and "sport" in o["outer"], f"{pkt['name']}: ports still shown")
            if "tshark" in pkt["want"]:
                said = " ".join(str(v) for vals in ws.get(i, {}).values() for v in vals)
                c.ok(pkt["want"]["tshark"] in said,
                     f"{pkt['name']}: tshark also objects ({said!r})")
            nxt = by_frame.get(i + 1)
            c.ok(nxt is not None and "frame" in nxt, f"{pkt['name']}: decoding went on")
        else:
            c.ok("error" not in o, f"{pkt['name']}: unexpected error {o.get('error')!r}")
            check_intent(c, pkt, o)
    vlans = {p["name"]: by_frame[i]["link"]["vlans"] for i, p in enumerate(pkts, 1)
             if p["name"] in ("map-reply-positive", "map-register-sha1")}
    c.eq(vlans, {"map-reply-positive": [100], "map-register-sha1": [200, 300]}, "VLAN tags")
    return objs


def strip_link(o):
    return {k: v for k, v in o.items() if k not in ("frame", "link")}


def check_links(c, ctl, tshark, outdir, main_objs, view):
    """pcapng equals pcap; other link types equal the Ethernet decode."""
    ng = decode(ctl, os.path.join(outdir, "lisp.pcapng"))
    c.eq(ng, main_objs, "pcapng decodes exactly as pcap")
    good = [strip_link(o) for o in main_objs if "error" not in o]
    want_type = {"sll": "LINUX_SLL", "sll2": "LINUX_SLL2", "raw": "RAW", "ipv4": "IPV4",
                 "null": "NULL", "loop": "LOOP"}
    compared = 0
    for kind, ltype in want_type.items():
        path = os.path.join(outdir, f"lisp-{kind}.pcap")
        objs = decode(ctl, path)
        expect = [g for g in good if kind != "ipv4" or g["outer"]["ip_version"] == 4]
        c.eq([strip_link(o) for o in objs], expect, f"{kind}: same decode as Ethernet")
        c.eq({o["link"]["type"] for o in objs}, {ltype}, f"{kind}: link type name")
        compared += check_tshark(c, tshark, path, objs, view)
    return compared


def check_cli(c, ctl, outdir):
    res = run_ctl(ctl, "--help")
    c.ok(res.returncode == 0 and "decode" in res.stdout, "--help lists decode")
    res = run_ctl(ctl, "decode", "--help")
    c.ok(res.returncode == 0 and "--all" in res.stdout, "decode --help")
    for args, what in (((), "no command"), (("frobnicate",), "unknown command"),
                       (("decode",), "decode without FILE"),
                       (("decode", "--bogus", "x.pcap"), "decode --bogus"),
                       (("decode", "a.pcap", "b.pcap"), "decode with two files")):
        res = run_ctl(ctl, *args)
        c.ok(res.returncode == 2 and "usage" in res.stderr, f"{what}: exit 2 with usage")
    missing = os.path.join(outdir, "no-such.pcap")
    res = run_ctl(ctl, "decode", missing)
    c.ok(res.returncode == 1 and "no-such.pcap" in res.stderr and not res.stdout,
         f"missing file: exit 1 with a message ({res.returncode}, {res.stderr!r})")
    res = run_ctl(ctl, "decode", os.path.join(HERE, "test_decode.py"))
    c.ok(res.returncode == 1 and res.stderr, "not a capture: exit 1 with a message")
    # A capture cut inside its last record (tcpdump killed): the frames
    # before the cut are printed, then a non-zero exit says it was short.
    src = os.path.join(outdir, "lisp.pcap")
    cut = os.path.join(outdir, "lisp-cut.pcap")
    with open(src, "rb") as f:
        data = f.read()
    with open(cut, "wb") as f:
        f.write(data[:200])
    res = run_ctl(ctl, "decode", cut)
    c.ok(res.returncode == 1 and "truncated" in res.stderr and res.stdout.count("\n") == 1,
         f"cut capture: first frame then exit 1 ({res.returncode}, {res.stderr!r})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--tshark", default="")
    ap.add_argument("--outdir", required=True)
    args = ap.parse_args()
    tshark = args.tshark or shutil.which("tshark")
    if not tshark or not os.access(tshark, os.X_OK):
        print("SKIP: tshark not found")
        return SKIP
    sys.path.insert(0, HERE)
    try:
        import lisp_pcaps
        import tshark_view
    except ImportError as e:
        print(f"SKIP: {e} (scapy is needed: apt-get install python3-scapy)")
        return SKIP
    os.makedirs(args.outdir, exist_ok=True)
    pkts = lisp_pcaps.write_all(args.outdir)
    c = Checks("ctl-decode", verbose=False)
    objs = check_main(c, args.ctl, tshark, args.outdir, pkts, tshark_view)
    n = check_tshark(c, tshark, os.path.join(args.outdir, "lisp.pcap"), objs, tshark_view)
    n += check_links(c, args.ctl, tshark, args.outdir, objs, tshark_view)
    check_cli(c, args.ctl, args.outdir)
    print(f"{c.passed} checks passed, {c.failed} failed; {n} field lists compared with tshark")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
