#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Medians of scripts/bench/handoff.sh's runs: FILE holds the JSON object
each run of tests/dataplane/test_handoff.py printed after "HANDOFF ".

  handoff_summary.py FILE
"""
import argparse
import json
import statistics
import sys

KEYS = {
    "move": ["handoff_ms", "lost_in_handoff", "lost", "move_ms", "register_ms",
             "attached_to_first_packet_ms", "registered_to_first_packet_ms",
             "latency_p50_us", "latency_p99_us"],
    "site": ["switch_ms", "lost", "latency_p50_us", "latency_p99_us"],
    "mbb": ["switch_ms", "lost", "registered_to_new_link_ms", "register_ms",
            "latency_p50_us", "latency_p99_us"],
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    args = ap.parse_args()
    with open(args.file) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if not rows:
        sys.exit("no run produced figures")
    keys = KEYS.get(rows[0].get("mode"), KEYS["move"])
    print(f"{len(rows)} runs at {rows[0]['rate_pps']} packets/s, medians:")
    for k in keys:
        v = [r[k] for r in rows]
        print(f"  {k:32} {statistics.median(v):10.1f}   (min {min(v)}, max {max(v)})")


if __name__ == "__main__":
    main()
