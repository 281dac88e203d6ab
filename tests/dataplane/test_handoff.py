#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Mobility hand-off under a 10 000 packets/s flow (issue 5), in network
namespaces (tests/lib/lispgwlab/xtr.py):

    client c (10.0.2.10) -- xTR2 ====underlay==== xTR1 -- agent w (10.0.1.20)
                                         \\======= xTR3 <- w moves here
                                  Map-Server / Map-Resolver (pub/sub)

Every xTR is lispgw-cp + lispgw-dp; xTR2 subscribes to what it resolves
(RFC 9437).  c sends UDP with sequence numbers and send times to w at
10 000 packets/s (tests/perf/seqflow); mid-flow w's link moves from xTR1's
Instance-ID bridge to xTR3's and xTR3 registers [1]10.0.1.20/32 (the agent
keeps its address, its xTR is new).  The Map-Server notifies the
subscriber, xTR2's data plane switches to xTR3's RLOC, xTR3 resolves w's MAC
and delivers.

HANDOFF_MODE=site: the other placement, an agent behind its stationary
xTR moving within the site prefix: a new access link on xTR1's site LAN
(another MAC, announced by one ARP), the old one removed; no Map-Server
update at all, xTR1 delivers to the new MAC.

HANDOFF_MODE=mbb (make-before-break, as an orchestrator that knows the
destination does it): w gets its new link at xTR3 first (a second
interface with the same address, announced by one ARP so xTR3 knows its
MAC), xTR3 registers the /32, and only when the flow arrives on the new
link is the old one removed.  The receiver tells the two links apart
(IP_PKTINFO): the switch is from the last datagram on the old link to the
first on the new, and nothing should be lost.

Reported (one JSON line "HANDOFF {...}", read by scripts/bench/handoff.sh):
the hand-off as the receiver saw it (last packet before the interruption
to the first after it), the packets lost in it, the time from the move to
the registration, loss elsewhere, one-way latency.  Checked: the flow
resumes through xTR3 (its decapsulation counter and w's receiver), nothing
is lost outside the interruption, the interruption is bounded (a CI bound,
not the figure: the figures go to docs/BENCHMARKS.md).
Exit 77 when not root or without the binaries."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import Checks  # noqa: E402
from lispgwlab import xtr as xlab  # noqa: E402

BUILD = os.environ.get("LISPGW_BUILD", "")
RATE = int(os.environ.get("HANDOFF_RATE", "10000"))
SECONDS = float(os.environ.get("HANDOFF_SECONDS", "4"))
MOVE_AT = 1.5
MODE = os.environ.get("HANDOFF_MODE", "move")
# HANDOFF_SUBSCRIBE=0: the ITRs do not subscribe; the Map-Server's SMR to
# the ITRs it proxy-replied the covering /24 is what moves xTR2.
SUBSCRIBE = os.environ.get("HANDOFF_SUBSCRIBE", "1") != "0"
GAP_BOUND_MS = 3000
checks = Checks("dp-handoff")
check = checks.check
failures = checks.failures


def json_lines(text):
    out = []
    for line in (text or "").splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def main():
    why = xlab.unavailable()
    if why:
        print("skip:", why)
        return 77
    seqflow = os.path.join(BUILD, "tests", "perf", "seqflow")
    if not os.access(seqflow, os.X_OK):
        print("skip: no tests/perf/seqflow in", BUILD)
        return 77
    cpus = len(os.sched_getaffinity(0))
    lcores = ("0", "1", "0") if cpus >= 2 else ("0", "0", "0")
    lab = xlab.Lab(BUILD, tag="ho", lcores=lcores)
    try:
        lab.map_server(iids=(1,))
        for n in (1, 2, 3):
            lab.xtr(n, {1: f"10.0.{n}.0/24"}, subscribe=SUBSCRIBE)
        lab.host("w", 1, 1, "10.0.1.20")
        lab.host("c", 2, 1, "10.0.2.10")
        run(lab, seqflow)
    except Exception as e:  # noqa: BLE001  (any failure is reported, then cleaned up)
        check(False, f"lab: {e!r}")
    finally:
        if failures:
            for name in ("ms", "x1-cp", "x2-cp", "x3-cp", "x1-dp", "x2-dp", "x3-dp"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 1200)}")
        lab.close()
    print(checks.summary())
    return 1 if failures else 0


def flow_across_the_move(lab, seqflow):
    """seqflow from c to w while w moves (MODE): (sender's report,
    receiver's report, the moments of the move, xTR3's decap_lisp before),
    or None without both reports."""
    deadline = time.time() + 15
    while time.time() < deadline and lab.ping("c", "10.0.1.20", count=1, wait=1)[1] != 1:
        time.sleep(0.2)
    check(lab.ping("c", "10.0.1.20", count=3, interval=0.1)[1] == 3,
          "c reaches w behind xTR1 before the move")
    before3 = (lab.counters(3) or {}).get("decap_lisp", 0)

    recv = lab.popen("w", seqflow, "recv", 9000, SECONDS + 3, stdout=-1, text=True)
    recv.stdout.readline()      # listening
    sender = lab.popen("c", seqflow, "send", "10.0.1.20", 9000, RATE, SECONDS, stdout=-1,
                       text=True)
    # time.monotonic() is CLOCK_MONOTONIC, seqflow's clock: the receiver's
    # arrival times and these marks are on one time line.
    t_start = time.monotonic()
    time.sleep(MOVE_AT)
    t_move = time.monotonic()
    if MODE == "site":
        # The agent behind its stationary xTR moves within the site: a
        # new access link on the same site LAN (another MAC), announced by
        # one ARP.  No registration: the site prefix covers it.
        lab.attach_second_link("w", 1)
    elif MODE == "mbb":
        lab.attach_second_link("w", 3)
    else:
        lab.move("w", 3)
    t_moved = time.monotonic()
    if MODE != "site":
        r = lab.ctl(3, "register", "[1]10.0.1.20/32", xlab.UNDERLAY + ".23")
        check(r.returncode == 0, "xTR3 registers [1]10.0.1.20/32", r.stderr)
    t_reg = time.monotonic()
    if MODE in ("mbb", "site"):
        time.sleep(0.5)     # the flow is on the new link by now; break the old
        lab.run("w", "ip", "link", "del", "eth0", check=True)
    out_s, _ = sender.communicate(timeout=SECONDS + 30)
    out_r, _ = recv.communicate(timeout=SECONDS + 30)
    sent = (json_lines(out_s) or [{}])[-1]
    got = (json_lines(out_r) or [{}])[-1]
    if not check("sent" in sent and "received" in got, "sender and receiver reports",
                 f"{out_s!r} {out_r!r}"):
        return None
    return sent, got, dict(start=t_start, move=t_move, moved=t_moved, reg=t_reg), before3


def print_report(lab, sent, got, marks, lost_total):
    """The HANDOFF line handoff.sh collects, and the xTRs' counters."""
    first_new = got["gap_end_ns"] / 1e9
    report = dict(rate_pps=RATE, sent=sent["sent"], received=got["received"],
                  lost=lost_total, handoff_ms=round(got["gap_ms"], 3),
                  lost_in_handoff=got["lost_in_gap"], lost_after=got["lost_after_gap"],
                  # the link move itself (namespace + bridge), then the
                  # registration (lispgw-ctl -> xTR3 -> Map-Server), then
                  # the first packet through xTR3
                  move_ms=round((marks["moved"] - marks["move"]) * 1000, 1),
                  register_ms=round((marks["reg"] - marks["moved"]) * 1000, 1),
                  attached_to_first_packet_ms=round((first_new - marks["moved"]) * 1000, 1),
                  registered_to_first_packet_ms=round((first_new - marks["reg"]) * 1000, 1),
                  move_at_s=round(marks["move"] - marks["start"], 3),
                  latency_p50_us=got["latency_p50_us"], latency_p99_us=got["latency_p99_us"],
                  reordered=got["reordered"], duplicates=got["duplicates"],
                  send_late=sent.get("late", 0))
    if not SUBSCRIBE:
        report.update(subscribe=False)
    if MODE in ("mbb", "site"):
        report.update(mode=MODE, on_old_link=got["on_first_link"],
                      on_new_link=got["on_other_link"],
                      switch_ms=round((got["first_other_link_ns"] -
                                       got["last_first_link_ns"]) / 1e6, 3),
                      registered_to_new_link_ms=round(
                          (got["first_other_link_ns"] / 1e9 - marks["reg"]) * 1000, 1))
    if MODE == "site":	# nothing registered: only the switch means something
        for k in ("register_ms", "registered_to_first_packet_ms", "registered_to_new_link_ms",
                  "attached_to_first_packet_ms"):
            report.pop(k, None)
    print("HANDOFF " + json.dumps(report), flush=True)
    for n in (1, 2, 3):
        c = lab.counters(n) or {}
        print(f"      xTR{n}: " + " ".join(f"{k}={v}" for k, v in sorted(c.items())
                                        if isinstance(v, int) and v and
                                        (k.startswith("drop") or k.startswith("punt") or
                                         k.startswith("miss") or k in ("encap_lisp",
                                                                       "decap_lisp", "local"))))


def verdict(lab, sent, got, lost_total, through3):
    """What the hand-off of MODE must have done (through3: datagrams xTR3
    decapsulated during the flow)."""
    if not SUBSCRIBE:
        r = lab.ctl(0, "show", "stats", "--json")
        try:
            smr = json.loads(r.stdout).get("map_resolver", {}).get("smr_sent", 0)
        except ValueError:
            smr = 0
        check(smr >= 1, f"the Map-Server sent {smr} SMR(s) to ITRs it proxy-replied",
              r.stdout[-500:])
    if MODE == "site":
        r = lab.ctl(0, "show", "registrations", "--eid", "[1]10.0.1.20/32")
        check("10.0.1.20/32" not in r.stdout,
              "within the site: no registration of the agent's /32", r.stdout)
        check(got["on_other_link"] > 0 and got["on_first_link"] > 0,
              f"the flow came by the old access link ({got['on_first_link']}) then the "
              f"new ({got['on_other_link']}), both through xTR1")
        check(lost_total <= RATE // 1000,
              f"within the site: {lost_total} lost (at most {RATE // 1000})")
        return
    if MODE == "mbb":
        check(got["on_other_link"] > 0 and got["on_first_link"] > 0,
              f"the flow came by the old link ({got['on_first_link']}) then the new "
              f"({got['on_other_link']})")
        # While xTR2 resolves the new RLOC's MAC the covering /24 forwards
        # (resolving_fallback): nothing should be lost; a CI bound of 1 ms.
        check(lost_total <= RATE // 1000,
              f"make-before-break: {lost_total} lost (at most {RATE // 1000})")
        check(through3 >= got["on_other_link"],
              f"the new link's datagrams came through xTR3 ({through3})")
        return
    check(through3 >= got["received"] - got["gap_after_seq"] - 1,
          f"the flow resumed through xTR3 ({through3} decapsulated there)")
    check(got["gap_before_seq"] > 0 and got["gap_before_seq"] < sent["sent"] - 1,
          f"one interruption, mid-flow (after #{got['gap_after_seq']}, "
          f"before #{got['gap_before_seq']})")
    check(got["lost_before_gap"] == 0, f"nothing lost before the hand-off "
          f"({got['lost_before_gap']})")
    # xTR3 holds the first packet for w while it resolves w's MAC and drops
    # the next ones meanwhile: a few just after the first packet through it.
    check(got["lost_after_gap"] <= RATE // 20,
          f"{got['lost_after_gap']} lost after the first packet through xTR3 "
          f"(MAC resolution; at most {RATE // 20})")
    check(sent["sent"] - 1 - got["max_seq"] == 0, "the last packet arrived")
    check(got["gap_ms"] < GAP_BOUND_MS,
          f"hand-off {got['gap_ms']:.1f} ms, {got['lost_in_gap']} packets lost "
          f"(bound {GAP_BOUND_MS} ms)")


def run(lab, seqflow):
    flow = flow_across_the_move(lab, seqflow)
    if flow is None:
        return
    sent, got, marks, before3 = flow
    after3 = (lab.counters(3) or {}).get("decap_lisp", 0)
    lost_total = sent["sent"] - got["received"]
    print_report(lab, sent, got, marks, lost_total)
    verdict(lab, sent, got, lost_total, after3 - before3)

if __name__ == "__main__":
    sys.exit(main())
