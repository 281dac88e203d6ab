#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The lispgw demo (scripts/demo.sh runs it after installing and building):
a Map-Server/Map-Resolver and two xTRs (lispgw-cp + lispgw-dp each) in
network namespaces, agents of two tenants (Instance-IDs 1 and 2) with the
same addresses, their traffic, the map-cache and the counters, and one
agent moving from xTR1 to xTR2 while a peer keeps talking to it."""
import argparse
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import xtrlab  # noqa: E402


def say(text):
    print(f"\n=== {text}", flush=True)


def show(r):
    print((r.stdout or r.stderr).rstrip(), flush=True)


def reach(lab, host, dst, tries=15):
    """Pings until the first answer (the first packets trigger the lookup)."""
    for _ in range(tries):
        if lab.ping(host, dst, count=1, wait=1)[1]:
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--hugepages", action="store_true")
    args = ap.parse_args()
    why = xtrlab.can_run()
    if why:
        print("demo: cannot run:", why)
        return 1
    lcores = ("0", "1") if len(os.sched_getaffinity(0)) >= 2 else ("0", "0")
    lab = xtrlab.Lab(args.build, tag="demo", lcores=lcores, hugepages=args.hugepages)
    ok = True
    try:
        say("Map-Server/Map-Resolver on 192.168.100.1; xTR1 (RLOC 192.168.100.21) and "
            "xTR2 (RLOC .22), each lispgw-cp + lispgw-dp on af_packet ports")
        lab.map_server()
        lab.xtr(1, {1: "10.0.1.0/24", 2: "10.0.1.0/24"})
        lab.xtr(2, {1: "10.0.2.0/24", 2: "10.0.2.0/24"})
        agents = [("planner1", 1, 1, "10.0.1.10"), ("worker1", 1, 1, "10.0.1.20"),
                  ("solver1", 2, 1, "10.0.2.10"),
                  ("planner2", 1, 2, "10.0.1.10"), ("solver2", 2, 2, "10.0.2.10")]
        for name, x, iid, addr in agents:
            lab.host(name, x, iid, addr)
            print(f"agent {name:9} tenant (IID) {iid}  EID {addr:10}  behind xTR{x}")
        time.sleep(1)
        say("registrations at the Map-Server (lispgw-ctl show registrations)")
        show(lab.ctl(0, "show", "registrations"))

        say("each tenant's planner reaches its solver: same addresses, two VPNs")
        for t in (1, 2):
            ok &= reach(lab, f"planner{t}", "10.0.2.10")
            sent, got = lab.ping(f"planner{t}", "10.0.2.10", count=5, interval=0.1)
            print(f"tenant {t}: planner{t} -> 10.0.2.10: {got}/{sent} pings answered")
            ok &= got == sent
        servers = [lab.tcp_serve(f"solver{t}", f"solver-of-tenant-{t}", 5001) for t in (1, 2)]
        for t in (1, 2):
            ident, intact, secs, err = lab.tcp_send(f"planner{t}", "10.0.2.10", 5001,
                                                    8 * 1024 * 1024)
            print(f"tenant {t}: TCP 8 MiB planner{t} -> 10.0.2.10 answered by '{ident}', "
                  f"intact: {intact}, {8 * 8 / secs if secs else 0:.0f} Mbit/s {err}")
            ok &= intact and ident == f"solver-of-tenant-{t}"
        for s in servers:
            s.kill()
        sent, got = lab.ping("planner2", "10.0.1.20", count=3, interval=0.2)
        print(f"isolation: planner2 (tenant 2) -> 10.0.1.20 (tenant 1's worker): "
              f"{got}/{sent} answered")
        ok &= got == 0

        say("xTR1's map-cache (lispgw-ctl show map-cache)")
        show(lab.ctl(1, "show", "map-cache"))
        say("data-plane counters")
        for n in (1, 2):
            c = lab.counters(n) or {}
            keys = ("rx_eid", "rx_rloc", "encap_lisp", "decap_lisp", "drop_miss",
                    "punt_arp", "tx")
            print(f"xTR{n}: " + ", ".join(f"{k} {c.get(k)}" for k in keys) +
                  f"; next hops resolved {c.get('neigh', {}).get('resolved')}, "
                  f"hosts learned {c.get('neigh', {}).get('hosts_learned')}, "
                  f"channel generation {c.get('channel', {}).get('generation')}")

        say("mobility: worker1 moves from xTR1 to xTR2 while solver1 pings it every 20 ms")
        ok &= reach(lab, "solver1", "10.0.1.20")
        res = {}

        def pinger():
            res["p"] = lab.ping("solver1", "10.0.1.20", count=300, interval=0.02, wait=1)

        t = threading.Thread(target=pinger)
        t.start()
        time.sleep(2)
        t0 = time.time()
        lab.move("worker1", 2)
        r = lab.ctl(2, "register", "[1]10.0.1.20/32", xtrlab.UNDERLAY + ".22")
        print(f"moved; xTR2 registers [1]10.0.1.20/32 ({time.time() - t0:.3f} s): "
              f"{r.stdout.strip() or r.stderr.strip()}")
        t.join(timeout=60)
        sent, got = res.get("p", (0, 0))
        print(f"solver1 -> worker1: {got}/{sent} answered, {sent - got} lost: "
              f"hand-off about {(sent - got) * 20} ms")
        ok &= got > sent * 0.8
        show(lab.ctl(0, "show", "registrations", "--eid", "[1]10.0.1.20/32"))
    finally:
        say("cleaning up")
        lab.close()
    print("\ndemo " + ("done: everything worked" if ok else "FAILED: see above"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
