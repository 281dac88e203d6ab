#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""End to end in network namespaces (tests/lib/lispgwlab/xtr.py):

    host -- lispgw-dp xTR1 (af_packet) -- underlay -- lispgw-dp xTR2 -- host
                 lispgw-cp (xTR)       lispgw-cp MS/MR      lispgw-cp (xTR)

Two Instance-IDs with the same addresses (10.0.1.10 behind xTR1, 10.0.2.10
behind xTR2 in both), a third prefix only in Instance-ID 1.  Nothing is
static: next hops and hosts are resolved by ARP, mappings by Map-Requests
that data-plane misses trigger, and they reach the fast path over the
channel.  Shown: ping both ways, a TCP transfer checked by hash, the right
tenant answers for the same address, isolation (Instance-ID 2 cannot reach
Instance-ID 1's prefix), and SIGKILL of both xTRs' lispgw-cp while traffic
flows loses no packet, their restart resynchronises."""
import os
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import Checks  # noqa: E402
from lispgwlab import xtr as xlab  # noqa: E402

BUILD = os.environ.get("LISPGW_BUILD", "")
checks = Checks("dp-e2e")
check = checks.check
failures = checks.failures


UDP_SINK = r"""
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", int(sys.argv[1])))
u.settimeout(float(sys.argv[2])); got = 0
print("ready", flush=True)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        u.recv(2048); got += 1
    except socket.timeout:
        break
print(got, flush=True)
"""


def resolve_ping(lab, h, dst):
    """The first packets miss and start the lookup: retry until answered."""
    deadline = time.time() + 15
    while time.time() < deadline:
        if lab.ping(h, dst, count=1, wait=1)[1] == 1:
            return True
    return False


def udp_isolation(lab, src, dst_host, dst_addr, port):
    """How many of 20 datagrams from host src reach dst_host."""
    sink = lab.popen(dst_host, sys.executable, "-c", UDP_SINK, port, 3, stdout=-1, text=True)
    sink.stdout.readline()
    lab.run(src, sys.executable, "-c",
            "import socket,time\nu=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            f"for i in range(20):\n  u.sendto(b'x'*64,('{dst_addr}',{port})); time.sleep(0.02)")
    out, _ = sink.communicate(timeout=10)
    return int(out.split()[-1])


def main():
    why = xlab.unavailable()
    if why or not BUILD or not os.path.exists(os.path.join(BUILD, "dataplane", "lispgw-dp")):
        print("skipped:", why or "lispgw-dp not built (no DPDK)")
        return 77
    lcores = ("0", "1") if len(os.sched_getaffinity(0)) >= 2 else ("0", "0")
    lab = xlab.Lab(BUILD, tag="e2", lcores=lcores)
    try:
        lab.map_server()
        lab.xtr(1, {1: "10.0.1.0/24", 2: "10.0.1.0/24"})
        lab.xtr(2, {1: "10.0.2.0/24", 2: "10.0.2.0/24"})
        lab.host("a1", 1, 1, "10.0.1.10")
        lab.host("a2", 1, 2, "10.0.1.10")       # same address, other tenant
        lab.host("b1", 2, 1, "10.0.2.10")
        lab.host("b2", 2, 2, "10.0.2.10")
        return run(lab)
    finally:
        if failures:
            for name in ("x1-dp", "x1-cp", "x2-dp", "x2-cp", "ms"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 1500)}")
        lab.close()


def registrations(lab):
    """Both xTRs' prefixes reach the Map-Server."""
    deadline = time.time() + 10
    regs = ""
    while time.time() < deadline:
        regs = lab.ctl(0, "show", "registrations").stdout
        if regs.count("192.168.100.2") >= 4:
            break
        time.sleep(0.2)
    check(regs.count("192.168.100.2") >= 4, "both xTRs registered their prefixes", regs)


def pings(lab):
    """Misses resolve; then no loss, both ways, both tenants."""
    for src, dst in (("a1", "10.0.2.10"), ("a2", "10.0.2.10")):
        check(resolve_ping(lab, src, dst), f"{src} -> {dst}: resolved after a miss")
    for src, dst in (("a1", "10.0.2.10"), ("b1", "10.0.1.10"), ("a2", "10.0.2.10"),
                     ("b2", "10.0.1.10")):
        sent, got = lab.ping(src, dst, count=10, interval=0.05)
        check(got == sent, f"ping {src} -> {dst}: {got}/{sent}")


def tcp_per_tenant(lab):
    """TCP: the same address answers as the host of the sender's tenant."""
    servers = [lab.tcp_serve(h, ident, 5001) for h, ident in (("b1", "iid1-b1"),
                                                               ("b2", "iid2-b2"))]
    for src, want in (("a1", "iid1-b1"), ("a2", "iid2-b2")):
        ident, intact, secs, err = lab.tcp_send(src, "10.0.2.10", 5001, 2 * 1024 * 1024)
        check(ident == want, f"TCP {src} -> 10.0.2.10 reaches {want}", err)
        check(intact, f"TCP {src}: 2 MiB arrive intact (SHA-256, {secs:.2f} s)")
    for s in servers:
        s.kill()


def isolation(lab):
    """10.0.3.0/24 exists in Instance-ID 1 only."""
    # Isolation: 10.0.3.0/24 exists in Instance-ID 1 only (c1, another
    # subnet on xTR2's Instance-ID 1 link, registered through the API).
    lab.host("c1", 2, 1, "10.0.3.10")
    r = lab.ctl(2, "register", "[1]10.0.3.0/24", "192.168.100.22")
    check(r.returncode == 0, "xTR2 registers [1]10.0.3.0/24 through its API", r.stderr)
    check(resolve_ping(lab, "a1", "10.0.3.10"), "a1 (IID 1) reaches 10.0.3.10")
    got1 = udp_isolation(lab, "a1", "c1", "10.0.3.10", 7000)
    check(got1 == 20, f"a1 (IID 1) -> c1: {got1}/20 datagrams")
    got2 = udp_isolation(lab, "a2", "c1", "10.0.3.10", 7001)
    check(got2 == 0, f"a2 (IID 2) -> 10.0.3.10: {got2}/20 datagrams reach IID 1's host")
    check(lab.ping("a2", "10.0.3.10", count=3, interval=0.2)[1] == 0,
          "a2 (IID 2) cannot ping 10.0.3.10")


def counters(lab):
    """Both xTRs encapsulated, decapsulated, resolved and learned, without unexpected drops."""
    c1, c2 = lab.counters(1), lab.counters(2)
    for n, c in ((1, c1), (2, c2)):
        if not check(c is not None, f"xTR{n} counters"):
            continue
        check(c["encap_lisp"] > 0 and c["decap_lisp"] > 0,
              f"xTR{n}: encap {c['encap_lisp']}, decap {c['decap_lisp']}")
        check(c["neigh"]["resolved"] >= 1, f"xTR{n}: the peer RLOC resolved by ARP")
        check(c["neigh"]["hosts_learned"] >= 2, f"xTR{n}: hosts learned")
        check(c["channel"]["applied"] >= 2, f"xTR{n}: mappings arrived over the channel")
        bad = {k: v for k, v in c.items() if k in ("drop_mtu", "drop_punt_full",
                                                    "drop_tx_full", "drop_unknown_iid",
                                                    "drop_inner_truncated") and v}
        check(not bad, f"xTR{n}: no unexpected drops", str(bad))


def spoofed_source(lab):
    """A spoofed source is dropped and counted."""
    # An xTR encapsulates only for its own EIDs: a spoofed source (a1
    # sends from 10.9.9.9, in no database) is dropped and counted.
    lab.run("a1", "ip", "addr", "add", "10.9.9.9/32", "dev", "eth0", check=True)
    before = (lab.counters(1) or {}).get("drop_src_not_eid", 0)
    r = lab.run("a1", "ping", "-n", "-q", "-c", "3", "-i", "0.2", "-W", "1", "-I", "10.9.9.9",
                "10.0.2.10")
    check(" 0 received" in r.stdout, "a1 from 10.9.9.9 (not an EID): no answer", r.stdout)
    after = (lab.counters(1) or {}).get("drop_src_not_eid", 0)
    check(after - before >= 3, f"xTR1 drop_src_not_eid +{after - before} (>= 3)")
    lab.run("a1", "ip", "addr", "del", "10.9.9.9/32", "dev", "eth0")


def path_mtu(lab):
    """ICMP frag-needed from the xTR; TCP adapts to MTU 1464."""
    # Path MTU discovery through the tunnel: a1 and b1 at MTU 1500 send
    # 1500-byte segments, 36 bytes too big once encapsulated; the xTRs
    # answer "fragmentation needed" (MTU 1464) and TCP adapts.
    for h in ("a1", "b1"):
        lab.run(h, "ip", "link", "set", "eth0", "mtu", "1500", check=True)
    srv = lab.tcp_serve("b1", "iid1-b1", 5002)
    ident, intact, secs, err = lab.tcp_send("a1", "10.0.2.10", 5002, 2 * 1024 * 1024)
    srv.kill()
    check(ident == "iid1-b1" and intact,
          f"TCP a1 -> b1 at MTU 1500: 2 MiB intact ({secs:.2f} s)", err)
    for n in (1,):     # the data flows a1 -> b1: xTR1 sees the big segments
        c = lab.counters(n) or {}
        check(c.get("too_big_icmp", 0) >= 1,
              f"xTR{n}: {c.get('too_big_icmp')} ICMP frag-needed sent, "
              f"{c.get('drop_mtu')} too-big packets dropped")
    r = lab.run("a1", "ip", "route", "get", "10.0.2.10")
    check("mtu 1464" in r.stdout, "a1 learned path MTU 1464 for 10.0.2.10", r.stdout)
    for h in ("a1", "b1"):
        lab.run(h, "ip", "link", "set", "eth0", "mtu", "1400")


def cp_restart(lab):
    """SIGKILL of both lispgw-cp under traffic: no loss, a new generation, stale entries confirmed."""
    result = {}

    def pinger():
        result["a1"] = lab.ping("a1", "10.0.2.10", count=120, interval=0.025, wait=1)

    t = threading.Thread(target=pinger)
    t.start()
    time.sleep(0.8)
    for n in (1, 2):
        lab.procs[f"x{n}-cp"].stop(sig=signal.SIGKILL)
    time.sleep(0.8)
    for n in (1, 2):
        lab.start_cp(n)
    t.join(timeout=30)
    sent, got = result.get("a1", (0, 0))
    check(sent == 120 and got == sent,
          f"SIGKILL and restart of lispgw-cp under traffic: {got}/{sent} pings answered")
    deadline = time.time() + 10
    gen = 0
    while time.time() < deadline:
        c = lab.counters(1)
        gen = c["channel"]["generation"] if c else 0
        if gen >= 2 and c["channel"]["attached"]:
            break
        time.sleep(0.2)
    check(gen >= 2, f"xTR1's restarted lispgw-cp attached under generation {gen}")
    # What it had resolved was kept forwarding, asked again, re-pushed.
    deadline = time.time() + 10
    ch = {}
    while time.time() < deadline:
        ch = (lab.counters(1) or {}).get("channel", {})
        if ch.get("stale_refreshed", 0) >= 1 and ch.get("stale_waiting", 1) == 0:
            break
        time.sleep(0.2)
    check(ch.get("stale_kept", 0) >= 1 and ch.get("stale_refreshed", 0) == ch.get("stale_kept")
          and ch.get("stale_waiting") == 0,
          "resolved entries not replayed were kept, re-resolved and confirmed", str(ch))
    sent, got = lab.ping("a1", "10.0.2.10", count=10, interval=0.05)
    check(got == sent, f"after the restart: {got}/{sent}")


def run(lab):
    registrations(lab)
    pings(lab)
    tcp_per_tenant(lab)
    isolation(lab)
    counters(lab)
    spoofed_source(lab)
    path_mtu(lab)
    cp_restart(lab)

    print(checks.summary())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
