#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A stand-alone Map-Resolver in front of a Map-Server (RFC 9301 §8.1,
docs/controlplane.md "Forwarding"), end to end in network namespaces
(tests/lib/lispgwlab/xtr.py):

    host a1 -- xTR1 -- underlay -- xTR2 -- host b1
                 |        |    \\
                 |   MS (.1)   MR (.2): map-resolver only,
                 |   map-server only   map-servers -> MS for [1]10.0.0.0/8
                 +-- ITR resolves through the MR

Both ETRs register to the Map-Server without proxy reply, so every request
travels ITR -> MR -> MS -> the ETR's registered RLOC (through lispgw-dp's
exception path to lispgw-cp), and the ETR answers the ITR.  Shown: `lispgw-ctl lig` through the Map-Resolver is answered by
the ETR; a lig straight to the Map-Server (no map-resolver role) too;
xTR1's ITR resolves b1's EID through the Map-Resolver and traffic flows
both ways; an EID outside the delegation is answered negative by the
Map-Resolver; every step is counted."""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import Checks  # noqa: E402
from lispgwlab import xtr as xlab  # noqa: E402

BUILD = os.environ.get("LISPGW_BUILD", "")
checks = Checks("dp-mr-forward")
check = checks.check
failures = checks.failures


def lig(lab, ns, eid, iid, mr):
    r = xlab.sh("ip", "netns", "exec", ns, lab.bin("lispgw-ctl"), "lig", eid, "--iid",
                  str(iid), "--mr", mr, "--count", "1", "--timeout", "3000", "--json",
                  check=False)
    try:
        rep = json.loads(r.stdout.splitlines()[0])
    except (ValueError, IndexError):
        rep = {}
    rec = (rep.get("records") or [{}])[0]
    return rep.get("from"), rec, r.stdout + r.stderr


def stats(lab, n):
    return json.loads(lab.ctl(n, "show", "stats", "--json").stdout or "{}")


def main():
    why = xlab.unavailable()
    if why or not BUILD or not os.path.exists(os.path.join(BUILD, "dataplane", "lispgw-dp")):
        print("skipped:", why or "lispgw-dp not built (no DPDK)")
        return 77
    lab = xlab.Lab(BUILD, tag="mf")
    try:
        lab.map_server(iids=(1,), resolver=False)
        lab.map_resolver(["[1]10.0.0.0/8"])
        for n in (1, 2):
            # The exception path takes forwarded requests to the RLOC
            # (af_packet: the kernel has no address there).
            lab.xtr(n, {1: f"10.0.{n}.0/24"}, proxy_reply=False, subscribe=False,
                    map_resolver=xlab.MR_ADDR, exception={"interface": f"{lab.tag}r{n}"})
        lab.host("a1", 1, 1, "10.0.1.10")
        lab.host("b1", 2, 1, "10.0.2.10")
        return run(lab)
    finally:
        if failures:
            for name in ("mr", "ms", "x1-cp", "x2-cp"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 1500)}")
        lab.close()


def run(lab):
    x1, x2 = lab.xtrs[1], lab.xtrs[2]
    deadline, regs = time.time() + 15, ""
    while time.time() < deadline:
        regs = lab.ctl(0, "show", "registrations").stdout
        if "10.0.1.0/24" in regs and "10.0.2.0/24" in regs:
            break
        time.sleep(0.3)
    check("10.0.1.0/24" in regs and "10.0.2.0/24" in regs,
          "both xTRs registered to the Map-Server (no map-resolver role)", regs)

    frm, rec, out = lig(lab, lab.mr_ns, "10.0.2.10", 1, xlab.MR_ADDR)
    locs = [loc.get("rloc") for loc in rec.get("locators", [])]
    check(frm == x2["rloc"] and locs == [x2["rloc"]],
          f"lig [1]10.0.2.10 via the Map-Resolver: answered by xTR2's ETR ({frm}), "
          f"RLOC {locs}", out)
    frm, rec, out = lig(lab, lab.mr_ns, "10.0.1.10", 1, xlab.MS_ADDR)
    locs = [loc.get("rloc") for loc in rec.get("locators", [])]
    check(frm == x1["rloc"] and locs == [x1["rloc"]],
          f"lig [1]10.0.1.10 straight to the Map-Server: answered by xTR1's ETR ({frm})", out)
    frm, rec, out = lig(lab, lab.mr_ns, "172.16.0.1", 1, xlab.MR_ADDR)
    check(frm == xlab.MR_ADDR and rec.get("eid") == "[1]128.0.0.0/1" and
          not rec.get("locators"),
          "lig [1]172.16.0.1: negative [1]128.0.0.0/1 from the Map-Resolver itself", out)

    ok = False
    deadline = time.time() + 15
    while time.time() < deadline and not ok:
        ok = lab.ping("a1", "10.0.2.10", count=1, wait=1)[1] == 1
    check(ok, "a1 -> 10.0.2.10: xTR1's ITR resolved through the Map-Resolver")
    sent, got = lab.ping("a1", "10.0.2.10", count=10, interval=0.05)
    check(got == sent, f"ping a1 -> b1 through the tunnel: {got}/{sent}")
    sent, got = lab.ping("b1", "10.0.1.10", count=10, interval=0.05)
    check(got == sent, f"ping b1 -> a1 (xTR2 resolved the same way): {got}/{sent}")
    cache = lab.ctl(1, "show", "map-cache").stdout
    check("10.0.2.0/24" in cache and x2["rloc"] in cache,
          "xTR1's map-cache holds [1]10.0.2.0/24 -> xTR2's RLOC", cache)

    mr = stats(lab, "mr").get("map_resolver", {})
    ms = stats(lab, 0).get("map_resolver", {})
    check(mr.get("requests_forwarded_ms", 0) >= 3 and mr.get("replies_negative") == 1,
          f"Map-Resolver: {mr.get('requests_forwarded_ms')} forwarded to the Map-Server, "
          f"{mr.get('replies_negative')} negative", json.dumps(mr))
    check(ms.get("requests_forwarded", 0) >= 4 and ms.get("forward_no_rloc", 0) == 0 and
          ms.get("forward_to_self", 0) == 0,
          f"Map-Server: {ms.get('requests_forwarded')} forwarded to registered RLOCs",
          json.dumps(ms))
    etr = stats(lab, 2).get("etr", {})
    check(etr.get("requests_answered", 0) >= 2,
          f"xTR2's ETR answered {etr.get('requests_answered')} forwarded Map-Requests")
    print(checks.summary())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
