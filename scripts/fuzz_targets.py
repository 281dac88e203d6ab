#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The targets scripts/fuzz.sh builds, from `meson introspect --targets`
on stdin: every fuzz_* target and the seed generator (fuzz-seeds).

  meson introspect --targets BUILD | fuzz_targets.py
"""
import argparse
import json
import sys


def main():
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    for t in json.load(sys.stdin):
        if t["name"].startswith("fuzz_") or t["name"] == "fuzz-seeds":
            print(t["name"])


if __name__ == "__main__":
    main()
