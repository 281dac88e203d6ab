#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fails when a unit test waits on wall time.

A unit test that sleeps, reads the real clock, or spins the event loop for
wall-clock milliseconds passes only when the machine keeps up; on a shared
CI machine it fails at random.  Unit tests run the loop on a test clock
(tests/unit/clock_util.h) and advance it instead.  What truly needs real
time (another thread, the kernel's own timeouts) is listed in ALLOWED with
the reason, and keeps generous margins.

Usage: wall_clock_check.py [DIR]   (default: this script's directory)
Prints each offence as FILE:LINE: WHAT: text; exit status 1 if any.
"""
import os
import re
import sys

# name -> what in a line waits on wall time.
PATTERNS = {
    "usleep": re.compile(r"\busleep\s*\("),
    "nanosleep": re.compile(r"\bnanosleep\s*\("),
    "sleep": re.compile(r"(?<![\w])sleep\s*\("),
    "clock_gettime": re.compile(r"\bclock_gettime\s*\("),
    # while (evloop_now_update(loop) < end): a run_for on the real clock.
    "real-clock run_for": re.compile(r"evloop_now_update\s*\([^)]*\)\s*<"),
    # A turn that may sleep: any timeout but 0.
    "evloop_run_once wait": re.compile(r"evloop_run_once\s*\([^,()]+,(?!\s*0\s*\))[^)]+\)"),
}

# (file, pattern) -> why real time is right there.
ALLOWED = {
    ("clock_util.h", "clock_gettime"):
        "t_wall_ms(): reports how long something took (a replay's rate); "
        "no outcome depends on it",
    ("test_evloop.c", "clock_gettime"):
        "tests the default CLOCK_MONOTONIC clock and epoll_wait timeouts "
        "themselves; lower bounds only, upper bounds of 1 s or more",
    ("test_evloop.c", "evloop_run_once wait"):
        "tests how the real loop waits (timeouts, signals, timers ending "
        "an infinite wait)",
    ("test_evloop.c", "nanosleep"):
        "a child that stops and continues the test process sleeps to time it",
    ("test_log.c", "nanosleep"):
        "the log rate limiter's window is CLOCK_MONOTONIC_COARSE in log.c, "
        "not the loop's clock, and a longer sleep than its 20 ms only helps",
    ("test_udp_io.c", "clock_gettime"):
        "real sockets through the kernel: waits end on the condition, "
        "with 3 s to get there; one bound says a send never blocks (500 ms, "
        "100 times what it takes)",
    ("test_udp_io.c", "evloop_run_once wait"):
        "waits for datagrams through the kernel's loopback, until a "
        "condition holds",
    ("test_evloop_clock.c", "evloop_run_once wait"):
        "one infinite wait, with a timer due on the test clock: it must "
        "return at once",
    ("test_dp_channel_threads.c", "clock_gettime"):
        "measures the rate of two threads through the ring; reported, "
        "not asserted",
}


def strip_comments(text):
    """Blanks out C comments, keeping line numbers."""
    return re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text,
                  flags=re.S)


def offences(directory):
    found = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".c", ".h")):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            text = strip_comments(f.read())
        for lineno, line in enumerate(text.splitlines(), 1):
            code = line.split("//", 1)[0]
            for what, rx in PATTERNS.items():
                if rx.search(code) and (name, what) not in ALLOWED:
                    found.append((name, lineno, what, line.strip()))
    return found


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    found = offences(directory)
    for name, lineno, what, line in found:
        print(f"{name}:{lineno}: {what}: {line}")
    if found:
        print(f"{len(found)} wall-clock wait(s) in unit tests: use the test clock "
              "(tests/unit/clock_util.h), or add to ALLOWED with the reason")
        return 1
    print("no wall-clock waits outside the allow-list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
