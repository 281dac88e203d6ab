#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Two workers against one (issue 16, item 3; docs/BENCHMARKS.md).

lispgw-dp encapsulates (LISP, 1,000 /24 mappings, dp_gen.py's 4,096-frame
sample) or decapsulates from net_pcap (infinite_rx, one rx_pcap per RX
queue, so each worker has its own queue replaying the same frames) to
net_null, with 1 and then N workers, --busy-poll; dpdk-testpmd io
forwarding on the same ports with as many forwarding cores and queues is
the baseline of each.  Rounds alternate 1 and N so that a change in the
machine's load hits both.  Per worker: TX frames over SECONDS from
/lispgw/stats,W (DPDK telemetry, so --file-prefix and shared config).

lcores: lcore i on CPU i modulo the CPUs we may use (lispgwlab.dpnet):
with 2 CPUs and 2 workers, worker 2 shares CPU 0 with the main lcore
(which sleeps 1 ms between its duties), so 2 workers cannot reach 2x one
there; a figure of 1.8x or more needs a CPU per worker.  One worker runs
twice, on the last CPU and on CPU 0 (main lcore on the other), because on
a shared machine one CPU may be busier than the other: the ratio is taken
against the better of the two, and the per-worker split shows the rest.

  scripts/bench/dp_workers.py [--build build] [--workers 2] [--seconds 5]
                              [--rounds 3] [--mode lisp|decap]
Needs root (telemetry socket under /var/run/dpdk, hugepages: 2 MB pages,
512 MB reserved if fewer are free and given back at the end, in a
hugetlbfs mounted for the run; --no-huge runs both processes on 4 KiB
pages instead)."""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
from lispgwlab import daemons, dpnet  # noqa: E402

EAL = ["-n", "1", "--no-pci", "--log-level", "lib.eal:error"]
HP = "/sys/kernel/mm/hugepages/hugepages-2048kB/"
HUGE_MB = 512


def hp_read(name):
    with open(HP + name) as f:
        return int(f.read())


def hp_write(n):
    with open(HP + "nr_hugepages", "w") as f:
        f.write(str(n))


def vdevs(pcap, queues):
    rx = ",".join("rx_pcap=" + pcap for _ in range(queues))
    return ["--vdev", "net_pcap0,%s,infinite_rx=1" % rx, "--vdev", "net_null0,no-rx=1"]


def dp_rate(args, conf, pcap, workers, lcores, secs, tmp):
    """Mpps per worker of lispgw-dp with `workers` workers on lcores."""
    prefix = "lispgw-bw%d" % os.getpid()
    cmd = [args.dp, "--lcores", lcores, "--file-prefix", prefix] + EAL + \
        vdevs(pcap, workers) + ["--", "-c", conf, "--busy-poll"]
    p = daemons.Proc(cmd, os.path.join(tmp, "dp.log"), stdout_lines=True)
    sock = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    try:
        if not daemons.wait_for(lambda: os.path.exists(sock) or not p.alive(), 60):
            raise RuntimeError("lispgw-dp: " + p.text()[-500:])
        daemons.wait_for(lambda: "worker" in p.text() or not p.alive(), 60)
        tel = daemons.Telemetry(sock, timeout=10)
        time.sleep(2)
        a = [tel("/lispgw/stats,%d" % w) for w in range(workers)]
        t0 = time.time()
        time.sleep(secs)
        b = [tel("/lispgw/stats,%d" % w) for w in range(workers)]
        dt = time.time() - t0
        tel.close()
        return [(b[w]["tx"] - a[w]["tx"]) / dt / 1e6 for w in range(workers)]
    finally:
        p.stop(sig=signal.SIGTERM, timeout=10)
        shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)


def testpmd_rate(pcap, workers, lcores, secs):
    """testpmd io forwarding Mpps: median of its per-second Tx-pps."""
    prefix = "lispgw-bt%d" % os.getpid()
    cmd = ["timeout", "-s", "INT", str(secs + 4), "dpdk-testpmd", "--lcores",
           lcores, "--file-prefix", prefix, "--no-telemetry"] + EAL + \
        vdevs(pcap, workers) + ["--", "--forward-mode=io", "--no-flush-rx", "--stats-period",
                                "1", "--auto-start", "--nb-cores=%d" % workers,
                                "--rxq=%d" % workers, "--txq=%d" % workers]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)
    # Port 1 (net_null) transmits what port 0 received: its Tx-pps lines.
    pps = [int(x) for x in re.findall(r"Tx-pps:\s+(\d+)", out)]
    pps = [x for x in pps[1::2][2:] if x > 0] or [0]
    return statistics.median(pps) / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mode", choices=("lisp", "decap"), default="lisp")
    ap.add_argument("--no-huge", action="store_true")
    args = ap.parse_args()
    args.dp = os.path.join(args.build, "dataplane", "lispgw-dp")
    if os.geteuid() != 0 or not os.path.exists(args.dp) or not shutil.which("dpdk-testpmd"):
        print("dp_workers.py: needs root, %s and dpdk-testpmd" % args.dp, file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="lispgw-bw-")
    huge = os.path.join(tmp, "huge")
    hp_before = hp_read("nr_hugepages")
    mounted = False
    try:
        if args.no_huge:
            EAL[2:2] = ["--no-huge", "-m", "1024"]
        else:
            if hp_read("free_hugepages") * 2 < HUGE_MB:
                hp_write(hp_before + (HUGE_MB - hp_read("free_hugepages") * 2) // 2)
            os.mkdir(huge)
            subprocess.run(["mount", "-t", "hugetlbfs", "-o", "pagesize=2M", "nodev", huge],
                           check=True)
            mounted = True
            EAL[2:2] = ["--huge-dir", huge]
        subprocess.run([sys.executable, os.path.join(TOP, "scripts", "bench", "dp_gen.py"), tmp,
                        "1000", "sample"], check=True, env=dict(os.environ, DP_GEN_STATIC="1"),
                       stdout=subprocess.DEVNULL)
        conf = os.path.join(tmp, args.mode + ".yaml")
        pcap = os.path.join(tmp, "rloc.pcap" if args.mode == "decap" else "eid.pcap")
        cpus = sorted(os.sched_getaffinity(0))
        runs = [(1, dpnet.lcores(1)), (1, "0@%d,1@%d" % (cpus[-1], cpus[0])),
                (args.workers, dpnet.lcores(args.workers))]
        res = {lc: [] for _, lc in runs}
        load0 = os.getloadavg()[0]
        for r in range(args.rounds):
            for n, lc in runs:
                per = dp_rate(args, conf, pcap, n, lc, args.seconds, tmp)
                tp = testpmd_rate(pcap, n, lc, args.seconds)
                res[lc].append((sum(per), per, tp))
                print("round %d, %d worker%s (%s): lispgw-dp %.3f Mpps (%s), testpmd io %.3f Mpps"
                      % (r + 1, n, "s" if n > 1 else "", lc, sum(per),
                         " + ".join("%.3f" % x for x in per), tp), file=sys.stderr)
        load1 = os.getloadavg()[0]
        med = {lc: (statistics.median(x[0] for x in v), statistics.median(x[2] for x in v))
               for lc, v in res.items()}
        print("| %s | workers | lcores | lispgw-dp Mpps | testpmd io Mpps | vs testpmd |"
              % args.mode)
        print("|---|---:|---|---:|---:|---:|")
        for n, lc in runs:
            print("| median of %d | %d | `%s` | %.3f | %.3f | %.2f |" % (
                args.rounds, n, lc, med[lc][0], med[lc][1],
                med[lc][0] / med[lc][1] if med[lc][1] else 0))
        one = max((med[lc] for n, lc in runs if n == 1), key=lambda m: m[0])
        one_tp = max(med[lc][1] for n, lc in runs if n == 1)
        many = med[runs[-1][1]]
        print("\n%d workers / the better single worker: lispgw-dp %.2fx, testpmd io %.2fx; "
              "%d CPUs; %s; load average %.1f at the start, %.1f at the end" % (
                  args.workers, many[0] / one[0] if one[0] else 0,
                  many[1] / one_tp if one_tp else 0, len(cpus),
                  "4 KiB pages" if args.no_huge else "2 MB hugepages", load0, load1))
    finally:
        if mounted:
            subprocess.run(["umount", huge])
            hp_write(hp_before)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
