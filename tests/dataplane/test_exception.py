#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The exception path (docs/dataplane.md, "Exception path") end to end in
network namespaces (tests/lib/lispgwlab/xtr.py):

    host a1 -- xTR1 (af_packet) -- underlay -- xTR2 (af_packet) -- host b1
                                     |           exception: TAP with the RLOC,
                               MS/MR (.1)        lispgw-cp bound to the RLOC

xTR2's RLOC side is a NIC-mode port (af_packet, no kernel address); its ETR
registers without proxy reply, so the Map-Server forwards every Map-Request
to it.  Shown: the registration leaves through the exception interface;
`lispgw-ctl lig` through the Map-Resolver gets xTR2's own Map-Reply; xTR1's
ITR resolves the same way and traffic flows; an RLOC probe to xTR2's RLOC is
answered; ping to the RLOC is answered (ARP by the kernel too); the TAP
carries the RLOC and the port's MAC; a flood of pings is held to
exception.rate / burst and every punted and limited packet is counted; what
the configuration refuses, with its lines.  Before the exception path all of
these were dropped as drop_not_tunnel."""
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import Checks  # noqa: E402
from lispgwlab import xtr as xlab  # noqa: E402

BUILD = os.environ.get("LISPGW_BUILD", "")
ETR_RLOC = xlab.UNDERLAY + ".22"
ETR_RLOC6, MS6 = "fd00:100::22", "fd00:100::1"
RATE, BURST = 20, 40
checks = Checks("dp-exception")
check = checks.check
failures = checks.failures


PROBE = r"""
import socket, sys, time
sys.path.insert(0, sys.argv[1])
from lispgwlab import wire as lispwire
src, dst, nonce = sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 0)); s.settimeout(1)
req = lispwire.map_request(1, "10.0.2.10", 32, src, nonce, probe=True)
for _ in range(3):
    t0 = time.time(); s.sendto(req, (dst, 4342))
    try:
        while True:
            msg, frm = s.recvfrom(4096)
            if lispwire.msg_type(msg) == 2 and lispwire.nonce_of(msg) == nonce:
                print(frm[0], bool(msg[0] & 0x08), "%.3f" % ((time.time() - t0) * 1000))
                sys.exit(0)
    except socket.timeout:
        pass
print("none"); sys.exit(1)
"""


def in_ns(lab, ns, *args, timeout=30):
    return xlab.sh("ip", "netns", "exec", ns, *args, check=False, timeout=timeout)


def bad_configs(lab):
    """lispgw-dp -n refuses exception sections it cannot start, with lines."""
    # Values and combinations (all reported at once), then the schema's
    # own errors (a missing or too long interface), which stop the parse.
    conf = lab.write("bad-exc.yaml", """\
ports:
  - {name: r1, device: net_null0, role: rloc, addresses: ["192.0.2.1/24"],
     exception: {interface: x, rate: 0}}
  - {name: r2, device: net_null1, role: rloc, addresses: ["192.0.2.2/24"],
     neighbours: dataplane, exception: {interface: y, burst: 0}}
  - {name: e1, device: net_null2, role: eid, instance-id: 1, exception: {interface: z}}
instances:
  - {instance-id: 1, encapsulation: lisp}
""")
    r = xlab.sh(lab.bin("lispgw-dp"), "--", "-n", "-c", conf, check=False)
    want = ["bad-exc.yaml:3: ports[0].exception.rate:",
            "bad-exc.yaml:5: ports[1].neighbours: with an exception interface, ARP and ND go to",
            "bad-exc.yaml:5: ports[1].exception.burst:",
            "bad-exc.yaml:6: ports[2].exception: an exception interface is for rloc ports only"]
    missing = [w for w in want if w not in r.stderr]
    check(r.returncode != 0 and not missing,
          "lispgw-dp -n: bad exception values refused with their lines",
          f"missing {missing} in:\n{r.stderr}")
    for name, exc in (("long", "{interface: an-interface-name-too-long}"),
                      ("noif", "{rate: 5}")):
        conf = lab.write(f"bad-exc-{name}.yaml", f"""\
ports:
  - {{name: r1, device: net_null0, role: rloc, addresses: ["192.0.2.1/24"],
     exception: {exc}}}
  - {{name: e1, device: net_null1, role: eid, instance-id: 1}}
instances:
  - {{instance-id: 1, encapsulation: lisp}}
""")
        r = xlab.sh(lab.bin("lispgw-dp"), "--", "-n", "-c", conf, check=False)
        check(r.returncode != 0 and f"bad-exc-{name}.yaml:3:" in r.stderr and
              "interface" in r.stderr,
              f"lispgw-dp -n: exception {exc} refused", r.stderr)
    good = lab.write("good-exc.yaml", """\
ports:
  - {name: r1, device: net_null0, role: rloc, addresses: ["192.0.2.1/24"],
     exception: {interface: lgw0}}
  - {name: e1, device: net_null1, role: eid, instance-id: 1}
instances:
  - {instance-id: 1, encapsulation: lisp}
""")
    r = xlab.sh(lab.bin("lispgw-dp"), "--", "-n", "-c", good, check=False)
    check(r.returncode == 0, "lispgw-dp -n: exception with only an interface (defaults)",
          r.stderr)


def main():
    why = xlab.unavailable()
    if why or not BUILD or not os.path.exists(os.path.join(BUILD, "dataplane", "lispgw-dp")):
        print("skipped:", why or "lispgw-dp not built (no DPDK)")
        return 77
    lab = xlab.Lab(BUILD, tag="ex")
    tap = lab.tag + "rl"
    try:
        bad_configs(lab)
        lab.map_server(iids=(1,))
        lab.xtr(1, {1: "10.0.1.0/24"})
        lab.xtr(2, {1: "10.0.2.0/24"}, proxy_reply=False, rloc_extra=(ETR_RLOC6 + "/64",),
                exception={"interface": tap, "rate": RATE, "burst": BURST})
        lab.host("a1", 1, 1, "10.0.1.10")
        lab.host("b1", 2, 1, "10.0.2.10")
        return run(lab, tap)
    finally:
        if failures:
            for name in ("x2-dp", "x2-cp", "ms"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 1500)}")
        lab.close()


def counters_delta(before, after, names):
    return {k: after.get(k, 0) - before.get(k, 0) for k in names}


EXCEPTION_COUNTERS = ("punt_exception", "drop_exception_limited", "exception_to_kernel",
                      "exception_from_kernel", "drop_exception_full", "drop_not_tunnel",
                      "drop_punt_full")


def tap_checks(lab, tap):
    """The TAP carries the RLOCs and the port's MAC; the kernel ignores
    the af_packet veth."""
    x2 = lab.xtrs[2]
    # The TAP: the RLOC, the RLOC port's MAC.
    r = in_ns(lab, x2["ns"], "ip", "-j", "addr", "show", "dev", tap)
    info = json.loads(r.stdout or "[{}]")[0]
    addrs = [a.get("local") for a in info.get("addr_info", [])]
    check(ETR_RLOC in addrs and ETR_RLOC6 in addrs,
          f"exception interface {tap} carries the RLOCs", r.stdout + r.stderr)
    r = in_ns(lab, x2["ns"], "cat", "/sys/class/net/rloc/address")
    check(info.get("address") == r.stdout.strip(),
          f"{tap} has the RLOC port's MAC ({r.stdout.strip()})", str(info.get("address")))

    # The kernel ignores the af_packet veth (else it answers for the RLOC
    # there too, and takes what it gets there without lispgw-dp).
    got = [in_ns(lab, x2["ns"], "cat", f"/proc/sys/net/{p}").stdout.strip() for p in
           ("ipv4/conf/rloc/arp_ignore", "ipv4/conf/rloc/rp_filter",
            "ipv6/conf/rloc/disable_ipv6")]
    check(got == ["8", "1", "1"], f"the kernel ignores the af_packet veth {got}")


def control_through_rloc(lab):
    """Registration, a forwarded Map-Request, an ITR's resolution and an
    RLOC probe, all through the exception interface; the counters before
    the pings to the RLOC."""
    # Registered from the RLOC itself, through lispgw-dp both ways.
    deadline, regs = time.time() + 15, ""
    while time.time() < deadline:
        regs = lab.ctl(0, "show", "registrations").stdout
        if ETR_RLOC in regs and "10.0.2.0/24" in regs:
            break
        time.sleep(0.3)
    check(ETR_RLOC in regs and "10.0.2.0/24" in regs,
          "xTR2 registered [1]10.0.2.0/24 through its exception interface", regs)
    c0 = lab.counters(2) or {}

    # lig through the Map-Resolver: no proxy reply, so the Map-Server
    # forwards the request to xTR2's RLOC and xTR2's lispgw-cp answers.
    r = in_ns(lab, lab.ms_ns, lab.bin("lispgw-ctl"), "lig", "10.0.2.10", "--iid", "1", "--mr",
              xlab.MS_ADDR, "--count", "1", "--timeout", "3000", "--json")
    rep = {}
    try:
        rep = json.loads(r.stdout.splitlines()[0])
    except (ValueError, IndexError):
        pass
    locs = [loc.get("rloc") for rec in rep.get("records", [])
            for loc in rec.get("locators", [])]
    check(rep.get("from") == ETR_RLOC and ETR_RLOC in str(locs),
          f"lig [1]10.0.2.10: Map-Reply from the ETR itself ({rep.get('from')}, "
          f"{rep.get('rtt_ms', 0):.1f} ms)", r.stdout + r.stderr)

    # xTR1's ITR resolves the same way; traffic both ways.
    ok = False
    deadline = time.time() + 15
    while time.time() < deadline and not ok:
        ok = lab.ping("a1", "10.0.2.10", count=1, wait=1)[1] == 1
    check(ok, "a1 -> 10.0.2.10 resolved through the forwarded Map-Request")
    sent, got = lab.ping("a1", "10.0.2.10", count=10, interval=0.05)
    check(got == sent, f"ping a1 -> b1 through the tunnel: {got}/{sent}")
    etr = json.loads(lab.ctl(2, "show", "stats", "--json").stdout or "{}").get("etr", {})
    check(etr.get("requests_answered", 0) >= 2,
          f"xTR2's ETR answered {etr.get('requests_answered')} forwarded Map-Requests")

    # An RLOC probe to the RLOC (RFC 9301 7.1): answered with the P bit.
    nonce = random.getrandbits(64)
    r = in_ns(lab, lab.ms_ns, sys.executable, "-c", PROBE,
              os.path.join(HERE, "..", "lib"), xlab.MS_ADDR, ETR_RLOC, nonce)
    f = r.stdout.split()
    check(len(f) == 3 and f[0] == ETR_RLOC and f[1] == "True",
          f"RLOC probe to {ETR_RLOC}: probe reply ({' '.join(f[2:])} ms)", r.stdout + r.stderr)
    return c0


def kernel_answers(lab, c0):
    """ARP, ND and echo to the RLOC answered by the kernel, once; the
    exception counters account for them."""
    names = EXCEPTION_COUNTERS
    # Ping to the RLOC, from a neighbour that has to ARP for it first.
    in_ns(lab, lab.ms_ns, "ip", "neigh", "flush", "dev", "mgmt")
    r = in_ns(lab, lab.ms_ns, "ping", "-n", "-q", "-c", "5", "-i", "0.2", "-W", "1", ETR_RLOC)
    # (No duplicates: the kernel ignores the af_packet veth, punt.c.)
    check(" 5 received" in r.stdout and "duplicates" not in r.stdout,
          f"ping {ETR_RLOC} (ARP and echo by the kernel, once)", r.stdout)
    # IPv6: neighbor solicitation to the solicited-node group, echo.
    in_ns(lab, lab.ms_ns, "ip", "addr", "add", MS6 + "/64", "dev", "mgmt", "nodad")
    r = in_ns(lab, lab.ms_ns, "ping", "-6", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "2",
              ETR_RLOC6)
    check(" 3 received" in r.stdout and "duplicates" not in r.stdout,
          f"ping {ETR_RLOC6} (ND and echo by the kernel)", r.stdout + r.stderr)
    c1 = lab.counters(2) or {}
    d = counters_delta(c0, c1, names)
    check(d["punt_exception"] >= 12 and d["exception_to_kernel"] == d["punt_exception"] and
          d["exception_from_kernel"] >= 12,
          "exception counters: " + json.dumps(d), json.dumps(d))
    check(c1.get("drop_not_tunnel", 0) == 0 and c1.get("drop_exception_limited", 0) == 0 and
          c1.get("drop_exception_full", 0) == 0, "nothing dropped on the way (drop_not_tunnel 0)",
          json.dumps({k: c1.get(k) for k in names}))
    tel = lab.ctl(2, "show", "stats", "--json").stdout
    check("punt_exception" in tel and "drop_exception_limited" in tel,
          "the exception counters reach lispgw-cp (lispgw-ctl show stats)", tel[:400])


def rate_limit(lab):
    """The limit: 300 pings in about 0.6 s at rate 20/s, burst 40."""
    names = EXCEPTION_COUNTERS
    time.sleep(BURST / RATE + 0.5)      # the bucket refills
    c0 = lab.counters(2) or {}
    t0 = time.time()
    in_ns(lab, lab.ms_ns, "ping", "-n", "-q", "-c", "300", "-i", "0.002", "-W", "1", ETR_RLOC)
    secs = time.time() - t0
    d = counters_delta(c0, lab.counters(2) or {}, names)
    top = BURST + RATE * (secs + 0.1) + 5      # the + 5: ARP, registrations
    check(d["drop_exception_limited"] > 0 and BURST <= d["punt_exception"] <= top and
          d["punt_exception"] + d["drop_exception_limited"] >= 300,
          f"flood of 300 pings in {secs:.2f} s: {d['punt_exception']} to the kernel "
          f"(burst {BURST} + {RATE}/s: at most {top:.0f}), "
          f"{d['drop_exception_limited']} limited", json.dumps(d))


def run(lab, tap):
    tap_checks(lab, tap)
    c0 = control_through_rloc(lab)
    kernel_answers(lab, c0)
    rate_limit(lab)

    print(checks.summary())
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
