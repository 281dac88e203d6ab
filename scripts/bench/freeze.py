#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs tests on a machine that keeps stopping them: a loaded shared CI box.

A busy machine does not slow a test down evenly; it takes the CPU away
for whole scheduler slices.  This harness reproduces that on an idle
machine: it stops the test process and everything it forked (SIGSTOP) for
STOP ms of every PERIOD ms (15 of 20 by default) while it runs.  A test that reads
wall time to decide its outcome (sleeps, real-clock run_for) fails under
it; one on the test clock (tests/unit/clock_util.h) does not.

  scripts/bench/freeze.py --build build --suite unit --runs 5
      every test of the suite, RUNS times each, frozen; a table of passes
  scripts/bench/freeze.py --build build --test unit-mapcache --runs 20
      only the tests named
  scripts/bench/freeze.py --runs 5 -- CMD [ARG...]
      one command

Prints, per test, passes/runs and the Check failure lines of failed runs;
exit status 1 if any run failed.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time


def descendants(root):
    """root and every process below it.  Check's fork mode puts each test's
    child in a process group of its own (setpgid, so that a timeout kills
    all it started): stopping root's group alone would leave the test
    running."""
    parent = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            pass
    found, unvisited = [root], [root]
    while unvisited:
        p = unvisited.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        found.extend(kids)
        unvisited.extend(kids)
    return found


def signal_all(pids, sig):
    for p in pids:
        try:
            os.kill(p, sig)
        except ProcessLookupError:
            pass


def freezer(root, stop_ms, period_ms, jitter, done):
    """Stops root and its descendants stop_ms of every period_ms until done
    is set; with jitter, each stop and each run lasts a uniform draw
    between 0 and twice its mean (the same share of the CPU, stalls at any
    phase and up to twice as long)."""
    rng = random.Random()

    def draw(ms):
        return (rng.uniform(0, 2 * ms) if jitter else ms) / 1000.0

    while not done.wait(draw(period_ms - stop_ms)):
        pids = descendants(root)
        signal_all(pids, signal.SIGSTOP)
        done.wait(draw(stop_ms))
        signal_all(set(pids) | set(descendants(root)), signal.SIGCONT)


def run_frozen(cmd, env, cwd, stop_ms, period_ms, timeout_s, jitter=False):
    """(exit status, output, seconds) of cmd run under the freezer."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    done = threading.Event()
    th = threading.Thread(target=freezer, args=(proc.pid, stop_ms, period_ms, jitter, done))
    if stop_ms > 0:
        th.start()
    try:
        out, _ = proc.communicate(timeout=timeout_s)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        signal_all(descendants(proc.pid), signal.SIGKILL)
        out, _ = proc.communicate()
        rc = 124
    done.set()
    if th.is_alive():
        th.join()
    return rc, out.decode(errors="replace"), time.monotonic() - t0


def meson_tests(build, suite):
    """(name, cmd, env, workdir, timeout) of each test of suite."""
    raw = subprocess.run(["meson", "introspect", "--tests", build], check=True,
                         stdout=subprocess.PIPE).stdout
    tests = []
    for t in json.loads(raw):
        if not any(s == suite or s.endswith(":" + suite) for s in t["suite"]):
            continue
        env = dict(os.environ)
        env.update(t.get("env") or {})
        tests.append((t["name"], t["cmd"], env, t.get("workdir"), t.get("timeout") or 120))
    return tests


FAIL_LINE = re.compile(r":[FE]:[^:]*:([^:]+):")
# Check's own fork-mode plumbing (the child's results read back by the
# parent, check_msg.c) sometimes breaks when the group is stopped and
# continued: "Error in call to punpack", exit status 2, before or after
# any test of ours ran.  Such a run says nothing about the tests: it is
# run again, and counted apart.
CHECK_IPC = re.compile(r"check_\w+\.c:\d+: Error in call to")
CHECK_IPC_TRIES = 5


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", help="meson build directory (with --suite)")
    ap.add_argument("--suite", default="unit")
    ap.add_argument("--test", action="append", default=[],
                    help="only this meson test (repeatable)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--stop-ms", type=int, default=15)
    ap.add_argument("--period-ms", type=int, default=20)
    ap.add_argument("--jitter", action="store_true",
                    help="random stop and run lengths around the means")
    ap.add_argument("--timeout-factor", type=float, default=4.0,
                    help="frozen tests run slower: the meson timeout times this")
    ap.add_argument("cmd", nargs="*")
    a = ap.parse_args()
    if a.stop_ms >= a.period_ms:
        ap.error("--stop-ms must be less than --period-ms")
    if a.build:
        tests = [t for t in meson_tests(a.build, a.suite) if not a.test or t[0] in a.test]
    elif a.cmd:
        tests = [(" ".join(a.cmd), a.cmd, dict(os.environ), None, 600)]
    else:
        ap.error("--build DIR or a command")

    how = " (jittered: 0 to twice each mean)" if a.jitter else ""
    print(f"frozen {a.stop_ms} ms of every {a.period_ms} ms{how}, {a.runs} runs each")
    total = passed = 0
    for name, cmd, env, cwd, timeout in tests:
        ok = redone = 0
        failures = {}
        secs = 0.0
        for _ in range(a.runs):
            for _ in range(CHECK_IPC_TRIES):
                rc, out, s = run_frozen(cmd, env, cwd, a.stop_ms, a.period_ms,
                                        timeout * a.timeout_factor, a.jitter)
                secs += s
                if rc == 0 or not CHECK_IPC.search(out):
                    break
                redone += 1
            if rc == 0:
                ok += 1
                continue
            hits = FAIL_LINE.findall(out) or [f"exit status {rc}"]
            for h in hits:
                failures[h] = failures.get(h, 0) + 1
        total += a.runs
        passed += ok
        note = f", {redone} redone: Check's result pipe broken by a stop" if redone else ""
        print(f"{name:28s} {ok}/{a.runs} passed  ({secs / (a.runs + redone):.1f} s a run{note})")
        for what, n in sorted(failures.items()):
            print(f"    failed {n}/{a.runs}: {what}")
        sys.stdout.flush()
    print(f"total: {passed}/{total} runs passed")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
