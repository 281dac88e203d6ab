#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The figures the bench scripts print, from what their processes wrote:

  figures.py show FILE NAME...     lispgw-dp's counters (FILE: its stdout, one
                                   JSON line per SIGUSR1), the last line's
                                   values space-separated; a dotted NAME walks
                                   objects (xdp.rloc.kernel); missing: 0
  figures.py named FILE NAME...    the same as NAME=value
  figures.py rates FILE TIMES      tx Mpps of each window between two counter
                                   lines, TIMES holding each SIGUSR1's time
                                   (the last line's drops to stderr)
  figures.py rates FILE TIMES --cycles
                                   the same, each line followed by the window's
                                   cycles per packet (busy_cycles over rx_eid +
                                   rx_rloc: the worker's TSC in non-empty polls)
  figures.py testpmd LOG           dpdk-testpmd's Mpps from its --stats-period
                                   log: the median non-zero Tx-pps after the
                                   first two (warm-up)
  figures.py testpmd LOG --cycles  the same and its "CPU cycles/packet" (with
                                   --record-core-cycles: the whole run)
  figures.py handoff FILE          medians of handoff.sh's runs (FILE: the JSON
                                   object each run printed after "HANDOFF ")
"""
import argparse
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lib"))
from lispgwlab.daemons import counter_lines  # noqa: E402

HANDOFF_KEYS = {
    "move": ["handoff_ms", "lost_in_handoff", "lost", "move_ms", "register_ms",
             "attached_to_first_packet_ms", "registered_to_first_packet_ms",
             "latency_p50_us", "latency_p99_us"],
    "site": ["switch_ms", "lost", "latency_p50_us", "latency_p99_us"],
    "mbb": ["switch_ms", "lost", "registered_to_new_link_ms", "register_ms",
            "latency_p50_us", "latency_p99_us"],
}


def value(counters, name):
    v = counters
    for key in name.split("."):
        v = v.get(key, 0) if isinstance(v, dict) else 0
    return v


def counters(path):
    with open(path) as f:
        lines = counter_lines(f.read())
    if not lines:
        sys.exit(f"{path}: no counters line")
    return lines


def rates(path, times_path, cycles=False):
    lines = counters(path)
    with open(times_path) as f:
        times = [float(x) for x in f if x.strip()]
    drops = {k: v for k, v in lines[-1].items() if k.startswith("drop") and v}
    if drops:
        print("drops:", drops, file=sys.stderr)
    for i in range(len(times) - 1):
        a, b = lines[i], lines[i + 1]
        mpps = "%.2f" % ((b["tx"] - a["tx"]) / (times[i + 1] - times[i]) / 1e6)
        if not cycles:
            print(mpps)
            continue
        rx = sum(b.get(k, 0) - a.get(k, 0) for k in ("rx_eid", "rx_rloc"))
        busy = b.get("busy_cycles", 0) - a.get("busy_cycles", 0)
        print(mpps, "%.1f" % (busy / rx if rx else 0))


def testpmd(log, cycles=False):
    with open(log) as f:
        text = f.read()
    v = [int(x) for x in re.findall(r"Tx-pps:\s+(\d+)", text) if int(x)]
    if not v:
        sys.exit(f"{log}: no Tx-pps above 0")
    mpps = "%.2f" % (statistics.median(v[2:] or v) / 1e6)
    if not cycles:
        print(mpps)
        return
    c = re.findall(r"CPU cycles/packet=([0-9.]+)", text)
    print(mpps, "%.1f" % float(c[-1]) if c else "0")


def handoff(path):
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if not rows:
        sys.exit("no run produced figures")
    keys = HANDOFF_KEYS.get(rows[0].get("mode"), HANDOFF_KEYS["move"])
    print(f"{len(rows)} runs at {rows[0]['rate_pps']} packets/s, medians:")
    for k in keys:
        v = [r[k] for r in rows]
        print(f"  {k:32} {statistics.median(v):10.1f}   (min {min(v)}, max {max(v)})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("show", "named"):
        p = sub.add_parser(name)
        p.add_argument("file")
        p.add_argument("names", nargs="+")
    p = sub.add_parser("rates")
    p.add_argument("file")
    p.add_argument("times")
    p.add_argument("--cycles", action="store_true")
    p = sub.add_parser("testpmd")
    p.add_argument("log")
    p.add_argument("--cycles", action="store_true")
    sub.add_parser("handoff").add_argument("file")
    args = ap.parse_args()
    if args.cmd == "rates":
        rates(args.file, args.times, args.cycles)
    elif args.cmd == "testpmd":
        testpmd(args.log, args.cycles)
    elif args.cmd == "handoff":
        handoff(args.file)
    elif args.cmd == "show":
        c = counters(args.file)[-1]
        print(" ".join(str(value(c, n)) for n in args.names))
    else:
        c = counters(args.file)[-1]
        print(" ".join("%s=%d" % (n, value(c, n)) for n in args.names))


if __name__ == "__main__":
    main()
