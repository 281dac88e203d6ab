#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fails when a Python test, bench script or the demo goes around the one
test lab (tests/lib/lispgwlab, docs: README.md "The test lab").

  - the harnesses the lab replaced stay gone (scripts/lib/xtrlab.py,
    tests/integration/{cplab,netns,lispwire}.py, tests/rest/{restlab,
    spec_check}.py);
  - every lab user (the test_*.py of tests/integration, attack, rest,
    dataplane and ctl, tests/oracle's scripts, scripts/demo.py, scripts/bench/*.py)
    imports lispgwlab, and none defines its own check() or failures list:
    lispgwlab.check.Checks counts and names failures;
  - no Python hides in shell scripts (heredocs, python3 -c): a helper is a
    .py file the script calls;
  - no Python file of tests/ or scripts/ is over 800 lines, and no function
    of a lab user is over 80 lines, except the ones listed in LONG with
    the reason they are still long.

Usage: lab_check.py [REPO]   (default: two levels above this script)
Prints each offence as FILE[:LINE]: WHAT; exit status 1 if any."""
import ast
import glob
import os
import re
import sys

GONE = ["scripts/lib/xtrlab.py", "tests/integration/cplab.py", "tests/integration/netns.py",
        "tests/integration/lispwire.py", "tests/rest/restlab.py", "tests/rest/spec_check.py"]

USERS = ["tests/integration/test_*.py", "tests/attack/test_*.py", "tests/rest/test_*.py",
         "tests/rest/rest_fixture.py",
         "tests/dataplane/test_*.py", "tests/ctl/test_*.py", "tests/oracle/*.py",
         "scripts/demo.py", "scripts/bench/*.py"]

# Lab users that start no lab, use no check and no capture: nothing to share.
NOT_USERS = {
    "scripts/bench/freeze.py": "runs meson tests under SIGSTOP; starts no daemon or namespace",
}

# Functions over 80 lines allowed for now, (file, name): why.  Empty: a
# long sequence of steps is split into a function per step.
LONG = {}

MAX_FILE_LINES = 800
MAX_FUNC_LINES = 80
SHELL_PY = re.compile(r"python3?\s+(-\s*<<|-c\b)|python3?\s+-\s+.*<<")


def lab_users(repo):
    out = set()
    for pat in USERS:
        out.update(os.path.relpath(p, repo) for p in glob.glob(os.path.join(repo, pat)))
    return sorted(p for p in out if p not in NOT_USERS)


def check_user(repo, rel, tree, src, bad):
    if "lispgwlab" not in src:
        bad.append("%s: does not use the test lab (import lispgwlab)" % rel)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "check":
            bad.append("%s:%d: its own check() (use lispgwlab.check.Checks)" % (rel, node.lineno))
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "failures" for t in node.targets) and \
                isinstance(node.value, ast.List):
            bad.append("%s:%d: its own failures list (use Checks.failures)" % (rel, node.lineno))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            n = node.end_lineno - node.lineno + 1
            if n > MAX_FUNC_LINES and (rel, node.name) not in LONG:
                bad.append("%s:%d: %s() is %d lines (at most %d)" %
                           (rel, node.lineno, node.name, n, MAX_FUNC_LINES))


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    bad = []
    for rel in GONE:
        if os.path.exists(os.path.join(repo, rel)):
            bad.append("%s: replaced by tests/lib/lispgwlab, still here" % rel)
    users = lab_users(repo)
    for rel in users:
        src = open(os.path.join(repo, rel)).read()
        check_user(repo, rel, ast.parse(src, rel), src, bad)
    for (rel, name) in LONG:
        path = os.path.join(repo, rel)
        lengths = [] if not os.path.exists(path) else [
            n.end_lineno - n.lineno + 1 for n in ast.walk(ast.parse(open(path).read()))
            if isinstance(n, ast.FunctionDef) and n.name == name]
        if not any(n > MAX_FUNC_LINES for n in lengths):
            bad.append("%s: %s() listed in LONG, no longer long (remove it from the list)" %
                       (rel, name))
    pys = glob.glob(os.path.join(repo, "tests", "**", "*.py"), recursive=True) + \
        glob.glob(os.path.join(repo, "scripts", "**", "*.py"), recursive=True)
    for path in sorted(pys):
        rel = os.path.relpath(path, repo)
        n = open(path).read().count("\n")
        if n > MAX_FILE_LINES:
            bad.append("%s: %d lines (at most %d: split it by behaviour)" %
                       (rel, n, MAX_FILE_LINES))
        if rel.startswith("tests/lib/lispgwlab/"):
            tree = ast.parse(open(path).read(), rel)
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef) and \
                        node.end_lineno - node.lineno + 1 > MAX_FUNC_LINES and \
                        (rel, node.name) not in LONG:
                    bad.append("%s:%d: %s() is over %d lines" %
                               (rel, node.lineno, node.name, MAX_FUNC_LINES))
    shells = glob.glob(os.path.join(repo, "scripts", "**", "*.sh"), recursive=True) + \
        glob.glob(os.path.join(repo, "tests", "**", "*.sh"), recursive=True)
    for path in sorted(shells):
        rel = os.path.relpath(path, repo)
        for i, line in enumerate(open(path), 1):
            if SHELL_PY.search(line):
                bad.append("%s:%d: Python inside a shell script: %s" % (rel, i, line.strip()[:80]))
    for line in bad:
        print(line)
    print("%d lab users, %d offences" % (len(users), len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
