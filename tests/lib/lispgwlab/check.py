# SPDX-License-Identifier: BSD-3-Clause
"""One way for a test script to report: every check printed as it runs,
failures named again at the end, exit 1 when any failed (meson's failure)
and 77 for a skip (meson's skip)."""
import sys

SKIP = 77


class Checks:
    """c = Checks("cp-xtr"); c.check(cond, "what", detail); ... c.exit().
    verbose=False prints failures only (tests of thousands of fields)."""

    def __init__(self, name="", ok="ok    ", fail="FAIL  ", width=600, verbose=True):
        self.name = name
        self.failures = []
        self.count = 0
        self.ok_mark, self.fail_mark, self.width = ok, fail, width
        self.verbose = verbose

    def check(self, cond, what, detail=""):
        self.count += 1
        line = (self.ok_mark if cond else self.fail_mark) + what
        if not cond and detail != "" and detail is not None:
            line += "\n      " + str(detail)[:self.width]
        if self.verbose or not cond:
            print(line, flush=True)
        if not cond:
            self.failures.append(what)
        return cond

    ok = check

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    @property
    def failed(self):
        return len(self.failures)

    @property
    def passed(self):
        return self.count - len(self.failures)

    def fail(self, what):
        """A failure found outside a check (an exception, a daemon gone)."""
        return self.check(False, what)


    def summary(self):
        head = "%s: " % self.name if self.name else ""
        return "%s%d checks, %d failed" % (head, self.count, len(self.failures))

    def exit(self):
        print(self.summary())
        for what in self.failures:
            print("  failed: " + what)
        sys.exit(1 if self.failures else 0)


def skip(why):
    print("SKIP: " + why)
    sys.exit(SKIP)
