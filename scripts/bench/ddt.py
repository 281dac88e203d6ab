#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""LISP-DDT benchmark (docs/BENCHMARKS.md, "LISP-DDT"; issue 14):

1. warm: a Map-Server with REGS registered host EIDs, behind a DDT root,
   resolved through a DDT Map-Resolver whose referral cache is warm, and
   through a direct Map-Resolver (map-resolver.map-servers) in the same
   run: Map-Replies/s (cp_loadgen request, closed loop of 256) and the
   ratio; all on loopback, the daemons on core 1, the generator on core 0;
2. first resolution through three levels on veth: DDT Map-Resolver, root,
   child node and Map-Server each in a namespace of its own on a bridge;
   N Instance-IDs, each delegated root -> node -> Map-Server, so that the
   first request of each walks all three levels cold: latency p50/p99 of
   those, of a second (warm) request, and of a direct Map-Resolver;
3. federation: SHARDS Map-Servers of SHARD_EIDS registrations each (one
   Instance-ID a shard) under one DDT root on loopback; registrations/s,
   memory per registration (the Map-Servers' RSS growth over all of them),
   resolutions/s through one DDT Map-Resolver across the shards.

As root (namespaces for part 2).  Prints a summary block for the document.
    scripts/bench/ddt.sh [--regs N] [--levels-iids N] [--shards N]
                         [--shard-eids N] [--smoke]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lib"))
from lispgwlab import xtr as xlab  # noqa: E402
from lispgwlab import wire as lw  # noqa: E402
from lispgwlab.daemons import Proc, wait_udp_listen  # noqa: E402

KEY = "ddt-bench-key"
RATE_OFF = """  rate-limit: {requests-per-second: 0}
  global-rate-limit: {per-second: 0}
  verified-rate-limit: {per-second: 0}
"""
LOADGEN = re.compile(r"sent (\d+) answered (\d+) lost (\d+) errors (\d+) in ([\d.]+) s: "
                     r"(\d+) per second; latency us p50 (\d+) p99 (\d+)")


def args_parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"))
    ap.add_argument("--regs", type=int, default=100000)
    ap.add_argument("--requests", type=int, default=300000)
    ap.add_argument("--levels-iids", type=int, default=200)
    ap.add_argument("--shards", type=int, default=10)
    ap.add_argument("--shard-eids", type=int, default=100000)
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    if a.smoke:
        a.regs, a.requests, a.levels_iids, a.shards, a.shard_eids = 1000, 5000, 10, 2, 1000
    return a


class Daemons:
    """lispgw-cp processes on loopback, each pinned to core 1 (0 on one core)."""

    def __init__(self, build):
        self.build = build
        self.dir = tempfile.mkdtemp(prefix="lispgw-ddt-bench-")
        self.procs = {}
        self.cpu = "1" if os.cpu_count() >= 2 else "0"

    def start(self, name, addr, conf):
        path = os.path.join(self.dir, name + ".yaml")
        with open(path, "w") as f:
            f.write("log-level: warning\nlisten: {addresses: [%s]}\n" % addr + conf)
        p = Proc(["taskset", "-c", self.cpu, os.path.join(self.build, "controlplane", "lispgw-cp"),
                  "-c", path], os.path.join(self.dir, name + ".log"), merge=True)
        self.procs[name] = p
        wait_udp_listen(p, name, addr)
        return p

    def rss_kib(self, name):
        pid = self.procs[name].p.pid
        # taskset execs lispgw-cp in place: the same pid.
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cpu_s(self, name):
        """User + system CPU seconds of a daemon so far."""
        with open("/proc/%d/stat" % self.procs[name].p.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self):
        for p in self.procs.values():
            p.stop()
        self.procs = {}


def loadgen(build, *args, src=None, ns=None):
    env = dict(os.environ)
    if src:
        env["CP_LOADGEN_SRC"] = src
    cmd = ["taskset", "-c", "0", os.path.join(build, "tests", "perf", "cp_loadgen")]
    cmd += [str(a) for a in args]
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env).stdout
    m = LOADGEN.search(out)
    if not m:
        raise RuntimeError("cp_loadgen %s: %s" % (args, out))
    g = [int(x) for x in m.groups()[:4]] + [float(m.group(5))] + \
        [int(x) for x in m.groups()[5:]]
    return dict(zip(("sent", "answered", "lost", "errors", "secs", "rate", "p50", "p99"), g))


def ms_conf(sites, peers):
    lines = ["roles: [map-server]", "map-server:", "  registration-timeout: 1h",
             "  ddt-peers: [%s]" % ", ".join(peers), "  sites:"]
    for name, prefixes in sites:
        lines.append('    - {name: %s, key-id: 2, key: "%s", accept-more-specifics: true, '
                     'eid-prefixes: [%s]}' % (name, KEY, ", ".join('"%s"' % p for p in prefixes)))
    return "\n".join(lines) + "\nmap-resolver:\n" + RATE_OFF


def node_conf(auth, delegations):
    lines = ["roles: [ddt-node]", "ddt-node:", "  rate-limit: {requests-per-second: 0}",
             "  global-rate-limit: {per-second: 0}", "  authoritative-prefixes:"]
    lines += ['    - "%s"' % p for p in auth]
    lines.append("  delegations:")
    for prefix, kind, addrs in delegations:
        lines.append('    - {eid-prefix: "%s", type: %s, referrals: [%s]}' % (
            prefix, kind, ", ".join("{address: %s}" % a for a in addrs)))
    return "\n".join(lines) + "\n"


def ddt_mr_conf(root):
    return "roles: [map-resolver]\nmap-resolver:\n" + RATE_OFF + \
        "  ddt:\n    roots: [{address: %s}]\n    referral-cache-size: 100000\n" \
        "    max-pending: 65536\n" % root


def direct_mr_conf(ms, prefixes):
    return "roles: [map-resolver]\nmap-resolver:\n" + RATE_OFF + \
        "  map-servers:\n    - {address: %s, eid-prefixes: [%s]}\n" % (
            ms, ", ".join('"%s"' % p for p in prefixes))


def part_warm(a):
    """1. Warm referral cache vs a direct Map-Resolver, same Map-Server."""
    d = Daemons(a.build)
    ms, root, ddt, direct = "127.91.0.10", "127.91.0.3", "127.91.0.2", "127.91.0.4"
    try:
        d.start("ms", ms, ms_conf([("bench", ["[1000]10.0.0.0/8"])], [ms]))
        d.start("root", root, node_conf(["[1000]0.0.0.0/0"],
                                        [("[1000]10.0.0.0/8", "map-server", [ms])]))
        d.start("ddt-mr", ddt, ddt_mr_conf(root))
        d.start("mr", direct, direct_mr_conf(ms, ["[1000]10.0.0.0/8"]))
        reg = loadgen(a.build, "register", ms, a.regs, KEY)
        loadgen(a.build, "request", ddt, 1000, a.regs)      # warms the referral cache
        out = {"register": reg}
        for k in (1, 2):    # alternated twice: the machine's drift shows
            for name, mr in (("ddt", "ddt-mr"), ("direct", "mr")):
                c0 = {n: d.cpu_s(n) for n in (mr, "ms")}
                r = loadgen(a.build, "request", ddt if name == "ddt" else direct, a.requests,
                            a.regs)
                # CPU microseconds per answered request, of the Map-Resolver
                # and of the Map-Server (ticks of 10 ms: long runs only).
                for n in (mr, "ms"):
                    r["cpu_us_" + ("mr" if n == mr else "ms")] = \
                        (d.cpu_s(n) - c0[n]) * 1e6 / max(1, r["answered"])
                out["%s%d" % (name, k)] = r
        out["rss_ddt_mr"] = d.rss_kib("ddt-mr")
        return out
    finally:
        d.close()


LEVELS_CLIENT = r"""
import socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
from lispgwlab import wire as lw
mr, src, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 0)); s.settimeout(3)
port = s.getsockname()[1]
def ask(iid, nonce):
    m = lw.ecm(lw.map_request(iid, "10.0.0.1", 32, src, nonce), src, "10.0.0.1", port)
    t0 = time.perf_counter(); s.sendto(m, (mr, 4342))
    while True:
        try:
            b, _ = s.recvfrom(4096)
        except socket.timeout:
            return None
        if b[0] >> 4 == 2 and struct.unpack("!Q", b[4:12])[0] == nonce:
            return (time.perf_counter() - t0) * 1e6
for phase in ("cold", "warm"):
    print(phase, " ".join("%.0f" % (ask(i, 1000 * i + (phase == "warm")) or -1)
                          for i in range(1, n + 1)), flush=True)
"""


def pct(v, q):
    v = sorted(x for x in v if x >= 0)
    return v[min(len(v) - 1, int(len(v) * q))] if v else -1


def part_levels(a):
    """2. First resolution through root -> node -> Map-Server on veth."""
    u = xlab.UNDERLAY
    lab = xlab.Lab(a.build, tag="db")
    try:
        iids = range(1, a.levels_iids + 1)
        ms, node, root, ddt, direct, cl = (u + ".6", u + ".4", u + ".3", u + ".2", u + ".7",
                                            u + ".50")
        lab.cp_node("ms", ms, ms_conf([("s%d" % i, ["[%d]10.0.0.0/8" % i]) for i in iids],
                                      [ms]))
        lab.cp_node("node", node, node_conf(["[%d]10.0.0.0/8" % i for i in iids],
                                            [("[%d]10.0.0.0/16" % i, "map-server", [ms])
                                             for i in iids]))
        lab.cp_node("root", root, node_conf(["[%d]0.0.0.0/0" % i for i in iids],
                                            [("[%d]10.0.0.0/8" % i, "ddt-node", [node])
                                             for i in iids]))
        lab.cp_node("ddt-mr", ddt, ddt_mr_conf(root))
        lab.cp_node("mr", direct, direct_mr_conf(ms, ["[%d]10.0.0.0/8" % i for i in iids]))
        ns = lab.netns("cl")
        lab.veth(ns, "eth0", lab.u, "cl")
        lab.to_bridge(lab.u, "cl", "br0")
        xlab.sh("ip", "-n", ns, "addr", "add", cl + "/24", "dev", "eth0")
        for i in iids:
            loadgen(a.build, "register", ms, 1, KEY, "[%d]10.0.0.1/32" % i, src=cl, ns=ns)
        lib = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "lib")
        out = {}
        for name, mr in (("ddt", ddt), ("direct", direct)):
            r = subprocess.run(["ip", "netns", "exec", ns, sys.executable, "-c", LEVELS_CLIENT,
                                lib, mr, cl, str(a.levels_iids)], capture_output=True,
                               text=True, timeout=300)
            for line in r.stdout.splitlines():
                phase, *v = line.split()
                out["%s_%s" % (name, phase)] = [float(x) for x in v]
        return out
    finally:
        lab.close()


def part_federation(a):
    """3. SHARDS Map-Servers of SHARD_EIDS each under one root."""
    d = Daemons(a.build)
    root, ddt = "127.92.0.3", "127.92.0.2"
    shards = range(1, a.shards + 1)
    addr = {k: "127.92.1.%d" % k for k in shards}
    try:
        for k in shards:
            d.start("ms%d" % k, addr[k], ms_conf([("shard%d" % k, ["[%d]10.0.0.0/8" % k])],
                                                 [addr[k]]))
        d.start("root", root, node_conf(["[%d]0.0.0.0/0" % k for k in shards],
                                        [("[%d]10.0.0.0/8" % k, "map-server", [addr[k]])
                                         for k in shards]))
        d.start("ddt-mr", ddt, ddt_mr_conf(root))
        rss0 = sum(d.rss_kib("ms%d" % k) for k in shards)
        regs, t0 = [], time.monotonic()
        for k in shards:
            regs.append(loadgen(a.build, "register", addr[k], a.shard_eids, KEY,
                                "[%d]10.0.0.0/32" % k))
        reg_secs = time.monotonic() - t0
        rss1 = sum(d.rss_kib("ms%d" % k) for k in shards)
        per = max(1, a.requests // a.shards)
        res, t0 = [], time.monotonic()
        for k in shards:
            res.append(loadgen(a.build, "request", ddt, per, a.shard_eids, "[%d]10.0.0.0/32" % k))
        res_secs = sum(r["secs"] for r in res)
        return {"regs": regs, "reg_secs": reg_secs, "rss0": rss0, "rss1": rss1, "res": res,
                "res_secs": res_secs, "rss_ddt_mr": d.rss_kib("ddt-mr")}
    finally:
        d.close()


def main():
    a = args_parse()
    why = xlab.unavailable()
    fails = 0
    print("== 1. warm referral cache vs direct Map-Resolver (%d EIDs, %d requests) ==" %
          (a.regs, a.requests))
    w = part_warm(a)
    for k, v in w.items():
        print(k, v)
    ratios = [w["ddt%d" % k]["rate"] / max(1, w["direct%d" % k]["rate"]) for k in (1, 2)]
    lost = sum(w[k]["lost"] for k in w if isinstance(w[k], dict))
    fails += lost > 0
    lv = {}
    if why:
        print("== 2. skipped (%s) ==" % why)
    else:
        print("== 2. first resolution through three levels on veth (%d IIDs) ==" % a.levels_iids)
        lv = part_levels(a)
        for k, v in lv.items():
            miss = sum(1 for x in v if x < 0)
            fails += miss > 0
            print("%-12s p50 %6.0f us  p99 %6.0f us  unanswered %d" % (k, pct(v, 0.5),
                                                                      pct(v, 0.99), miss))
    print("== 3. federation: %d shards x %d EIDs under one root ==" % (a.shards, a.shard_eids))
    f = part_federation(a)
    total = a.shards * a.shard_eids
    acked = sum(r["answered"] for r in f["regs"])
    answered = sum(r["answered"] for r in f["res"])
    asked = sum(r["sent"] for r in f["res"])
    fails += acked != total or answered != asked
    print("registrations acknowledged %d of %d in %.1f s (%.0f/s)" % (
        acked, total, f["reg_secs"], acked / max(f["reg_secs"], 1e-9)))
    print("Map-Servers' RSS %d -> %d KiB: %.0f bytes per registration" % (
        f["rss0"], f["rss1"], (f["rss1"] - f["rss0"]) * 1024.0 / max(total, 1)))
    print("resolutions through the DDT Map-Resolver: %d of %d answered, %.0f/s; "
          "DDT-MR RSS %d KiB" % (answered, asked, answered / max(f["res_secs"], 1e-9),
                                 f["rss_ddt_mr"]))
    print("\n---- summary (docs/BENCHMARKS.md, \"LISP-DDT\") ----")
    print("ddt.py --regs %d --requests %d --levels-iids %d --shards %d --shard-eids %d; %s" % (
        a.regs, a.requests, a.levels_iids, a.shards, a.shard_eids,
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    print("| warm | Map-Replies/s | p50 us | p99 us | MR CPU us/request | MS CPU us/request |")
    print("|---|---:|---:|---:|---:|---:|")
    for k in ("ddt1", "direct1", "ddt2", "direct2"):
        print("| %s | %d | %d | %d | %.2f | %.2f |" % (k, w[k]["rate"], w[k]["p50"], w[k]["p99"],
                                                      w[k]["cpu_us_mr"], w[k]["cpu_us_ms"]))
    print("ratio DDT-MR / direct MR: %.2f, %.2f" % tuple(ratios))
    for k, v in lv.items():
        print("| %s | p50 %.0f us | p99 %.0f us |" % (k, pct(v, 0.5), pct(v, 0.99)))
    print("---- end of summary ----")
    print("ddt bench: %s" % ("FAILED" if fails else "ok"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
