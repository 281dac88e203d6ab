#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-dp's counters as the bench scripts read them, from the file its
stdout went to (one JSON line per SIGUSR1):

  dp_counters.py show FILE NAME...   values of the last line, space-separated
                                     (a dotted NAME walks objects: xdp.rloc.kernel;
                                     missing: 0)
  dp_counters.py named FILE NAME...  the same as NAME=value
  dp_counters.py rates FILE TIMES    tx Mpps of each window between two lines,
                                     TIMES holding the time of each SIGUSR1
                                     (drops of the last line to stderr)
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lib"))
from lispgwlab.daemons import counter_lines  # noqa: E402


def value(counters, name):
    v = counters
    for key in name.split("."):
        v = v.get(key, 0) if isinstance(v, dict) else 0
    return v


def last(path):
    with open(path) as f:
        lines = counter_lines(f.read())
    if not lines:
        sys.exit(f"{path}: no counters line")
    return lines[-1]


def rates(path, times_path):
    with open(path) as f:
        lines = counter_lines(f.read())
    with open(times_path) as f:
        times = [float(x) for x in f if x.strip()]
    drops = {k: v for k, v in lines[-1].items() if k.startswith("drop") and v}
    if drops:
        print("drops:", drops, file=sys.stderr)
    for i in range(len(times) - 1):
        print("%.2f" % ((lines[i + 1]["tx"] - lines[i]["tx"]) / (times[i + 1] - times[i]) / 1e6))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("show", "named"):
        p = sub.add_parser(name)
        p.add_argument("file")
        p.add_argument("names", nargs="+")
    p = sub.add_parser("rates")
    p.add_argument("file")
    p.add_argument("times")
    args = ap.parse_args()
    if args.cmd == "rates":
        rates(args.file, args.times)
        return
    c = last(args.file)
    if args.cmd == "show":
        print(" ".join(str(value(c, n)) for n in args.names))
    else:
        print(" ".join("%s=%d" % (n, value(c, n)) for n in args.names))


if __name__ == "__main__":
    main()
