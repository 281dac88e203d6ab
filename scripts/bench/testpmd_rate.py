#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-testpmd's rate in Mpps from its --stats-period log: the median of
the non-zero per-period Tx-pps figures after the first two (warm-up).

  testpmd_rate.py LOG
"""
import argparse
import re
import statistics


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("log")
    args = ap.parse_args()
    with open(args.log) as f:
        v = [int(x) for x in re.findall(r"Tx-pps:\s+(\d+)", f.read()) if int(x)]
    print("%.2f" % (statistics.median(v[2:] or v) / 1e6))


if __name__ == "__main__":
    main()
