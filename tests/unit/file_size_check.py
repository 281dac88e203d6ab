#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fails when a test source file passes LINES_MAX lines.

A test file that long holds several behaviours: one failure then means
reading a thousand lines of fixtures and unrelated cases, and a change to
one behaviour conflicts with every other developer's.  Split it by
behaviour into suites of their own, with the shared fixture in a header
or module next to them (docs/controlplane.md, "Testing with time").

Usage: file_size_check.py [DIR]   (default: tests/, above this script)
Prints each offender as FILE: N lines; exit status 1 if any.
"""
import os
import sys

LINES_MAX = 800
SUFFIXES = (".c", ".h", ".py")


def offenders(root):
    """(path, lines) of each file over LINES_MAX, and how many were read."""
    found = []
    checked = 0
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith((".", "__pycache__")))
        for name in sorted(names):
            if not name.endswith(SUFFIXES):
                continue
            path = os.path.join(directory, name)
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = sum(1 for _ in f)
            checked += 1
            if lines > LINES_MAX:
                found.append((os.path.relpath(path, root), lines))
    return found, checked


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(here)
    found, checked = offenders(root)
    if not checked:
        # A wrong path must not pass by finding nothing to check.
        print(f"no test sources under {root}")
        return 1
    for path, lines in found:
        print(f"{path}: {lines} lines")
    if found:
        print(f"{len(found)} test file(s) over {LINES_MAX} lines: split by behaviour")
        return 1
    print(f"{checked} test files under {root}, each at most {LINES_MAX} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
