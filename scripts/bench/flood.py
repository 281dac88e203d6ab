#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The flood benchmark of scripts/bench/flood.sh (docs/BENCHMARKS.md,
"Flood"; issue 13): is legitimate work still served while lispgw-cp takes
a flood of junk, spoofed Map-Requests and bad-HMAC Map-Registers?

The attack lab's namespaces (lispgwlab.attack): the victim (10.77.0.1,
lispgw-cp as Map-Server + Map-Resolver, pinned to the last core) and the
attacker (10.77.0.2), which also stands for the legitimate Internet; the
victim routes the spoofed range 198.18.0.0/15 back there, rp_filter off.
In the attacker namespace, on core 0: tests/perf/flood_probe (a legitimate
ETR registering EIDs with want-map-notify and an ITR resolving them with
ECM Map-Requests, both from 10.77.0.2) and tests/perf/flood_gen (the
flood: a raw socket, one packet per spoofed source in a pool, paced).
lispgw-cp and the probe run at nice -10, each in a session (autogroup) of
its own, above the machine's other work and the flood's sender.  Phases, one daemon:

  warm-up    the ETR registers every EID once;
  unloaded   the ETR and the ITR alone (the baseline of this run);
  flood      the same, while the flood runs (the probe starts a second in);
  recovered  the same again, after the flood.

Printed: each phase's answered rate and latency, the loaded/unloaded
ratios, lispgw-cp's peak memory (VmHWM) and CPU, the kernel's UDP counters
in the victim (what reached the socket, what its full buffer dropped), the
bytes out/in on the victim's link, and every daemon counter that moved
during the flood beside what was sent; then a summary block to paste into
docs/BENCHMARKS.md.  As root; exit 77 (skip) otherwise.

Usage: flood.py [--smoke] [--rate PPS] [--seconds S] [--sources N]
                [--mix J,R,E,G] [--eids N] [--build DIR]"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lib"))
from lispgwlab import REPO, attack  # noqa: E402
from lispgwlab.check import Checks, skip  # noqa: E402
from lispgwlab.daemons import Proc, binary  # noqa: E402
from lispgwlab.netns import nsexec, sh, unavailable  # noqa: E402

VICTIM, INTERNET = attack.VICTIM4, attack.ATTACKER4
# A second ITR on the attacker's side that registers nothing: to the
# Map-Resolver it is one more unverified source, like the spoofed ones.
OTHER_ITR = "10.77.0.3"
STREAMS = ("etr-registrations", "itr-resolutions", "itr-unverified")
# lispgw-cp and the probe above the other work of a shared machine (and
# the flood's sender): what is measured is what the flood does to
# lispgw-cp, not what a compile next to it does.  With autogroups
# (sched_autogroup_enabled) nice only ranks processes of one session, so
# each runs in a session of its own whose group gets nice -10 (raised()).
RAISED = ["setsid", "nice", "-n", "-10"]
KEY, TOKEN = "flood-bench-key", "flood-bench-token-77"
CONF = """roles: [map-server, map-resolver]
log-level: warning
listen:
  addresses: [%(victim)s]
rest:
  address: 127.0.0.1
  token: %(token)s
map-server:
  sites:
    - name: bench
      key: "%(key)s"
      accept-more-specifics: true
      eid-prefixes: ["[1000]10.0.0.0/8"]
"""
PROBE_LINE = re.compile(r"^(\S+) sent (\d+) answered (\d+) lost (\d+) stray (\d+) in ([\d.]+) s: "
                        r"([\d.]+) per second; latency us p50 (\d+) p99 (\d+)")
FLOOD_LINE = re.compile(r"^flood sent (\d+) packets (\d+) bytes in ([\d.]+) s: (\d+) per second "
                        r"from (\d+) sources; (.*); send errors (\d+)")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="3 s at 5,000/s, short phases")
    ap.add_argument("--rate", type=int, help="flood packets/s (100000; smoke 5000)")
    ap.add_argument("--seconds", type=float, help="flood duration, 1..60 s (15; smoke 3)")
    ap.add_argument("--sources", type=int, default=65536, help="spoofed sources (65536)")
    ap.add_argument("--mix", default="1,1,1,1",
                    help="weights: junk, Map-Request, ECM Map-Request, bad-HMAC Map-Register")
    ap.add_argument("--eids", type=int, help="EIDs the ETR registers (1000; smoke 100)")
    ap.add_argument("--reg-rate", type=int, default=1000, help="ETR Map-Registers/s cap")
    ap.add_argument("--req-rate", type=int, default=80, help="ITR Map-Requests/s cap")
    ap.add_argument("--build", default=os.environ.get("LISPGW_BUILD",
                                                      os.path.join(REPO, "build")))
    a = ap.parse_args()
    if a.seconds is not None and not 1 <= a.seconds <= 60:
        ap.error("--seconds: 1..60 (the whole run stays under 2 minutes)")
    a.rate = a.rate if a.rate is not None else (5000 if a.smoke else 100000)
    a.seconds = a.seconds or (3.0 if a.smoke else 15.0)
    a.eids = a.eids or (100 if a.smoke else 1000)
    a.phase = 2.0 if a.smoke else 10.0          # unloaded and recovered phases
    a.probe = max(1.0, a.seconds - 2.0)          # the probe inside the flood
    a.cores = os.cpu_count() or 1
    return a


def tool(args, name):
    path = os.path.join(args.build, "tests", "perf", name)
    if not os.access(path, os.X_OK):
        skip("no %s: ninja -C %s" % (path, args.build))
    return path


def start_cp(args, lab):
    """lispgw-cp in the victim namespace, on the last core, once REST answers."""
    conf = lab.write("cp", CONF % {"victim": VICTIM, "token": TOKEN, "key": KEY})
    cpu = str(args.cores - 1)
    cp = Proc(RAISED + ["taskset", "-c", cpu, binary("lispgw-cp", args.build), "-c", conf],
              os.path.join(lab.dir, "cp.log"), ns=lab.victim, merge=True)
    lab.procs["cp"] = cp
    api = lab.api(TOKEN)
    api.timeout = 10
    if not api.ready(timeout=10):
        raise RuntimeError("lispgw-cp did not answer REST: " + cp.text()[-2000:])
    raised(cp.p.pid, "lispgw-cp")
    return cp, api


def raised(pid, comm):
    """Gives pid's autogroup (its own session, RAISED) nice -10, once pid
    is comm: before its setsid the group would be ours."""
    deadline = time.time() + 5
    try:
        while time.time() < deadline:
            with open("/proc/%d/comm" % pid) as f:
                if f.read().strip() == comm:
                    break
            time.sleep(0.005)
        with open("/proc/%d/autogroup" % pid, "w") as f:
            f.write("-10")
    except OSError:
        pass    # no autogroups (then nice does it), or pid gone


def start_probe(args, internet, seconds, warmup=False):
    p = subprocess.Popen(probe_cmd(args, internet, seconds, warmup), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    raised(p.pid, "flood_probe")
    return p


def cpu_seconds(pid):
    """User + system CPU time of a process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kernel_counters(lab):
    """The victim's UDP counters and eth0's bytes and packets."""
    snmp = sh(*nsexec(lab.victim, "cat", "/proc/net/snmp")).stdout.splitlines()
    udp = [line.split()[1:] for line in snmp if line.startswith("Udp:")]
    out = {"udp." + k: int(v) for k, v in zip(udp[0], udp[1])}
    out.update(("eth0." + k, v) for k, v in lab.link_bytes(lab.victim).items())
    return out


def core_times():
    """[(busy, stolen, total)] jiffies per CPU, every process of the machine;
    stolen: time the hypervisor gave to other guests (this is a VM)."""
    out = []
    with open("/proc/stat") as f:
        for line in f:
            if re.match(r"cpu\d", line):
                v = [int(x) for x in line.split()[1:9]]   # user .. steal
                out.append((sum(v) - v[3] - v[4], v[7], sum(v)))
    return out


def flatten(obj, prefix=""):
    """/api/v1/stats as {"map_server.register_auth_failures": n, ...}."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, prefix + k + "."))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out.update(flatten(v, prefix + str(i) + "."))
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        out[prefix[:-1]] = obj
    return out


def snapshot(lab, api, cp):
    status, body = api("GET", "/api/v1/stats")
    stats = flatten(body) if status == 200 else {}
    rss, hwm = attack.rss_kib(cp)
    return {"stats": stats, "kernel": kernel_counters(lab), "rss": rss, "hwm": hwm,
            "cpu": cpu_seconds(cp.p.pid), "t": time.monotonic(),
            "log": os.path.getsize(cp.log), "cores": core_times()}


def probe_cmd(args, internet, seconds, warmup=False):
    cmd = RAISED + ["taskset", "-c", "0", tool(args, "flood_probe"), "--src", INTERNET, "--key", KEY,
           "--eids", args.eids, "--seconds", seconds, "--reg-rate", args.reg_rate,
           "--req-rate", args.req_rate, "--other-itr", OTHER_ITR, VICTIM]
    return nsexec(internet, *(cmd[:-1] + (["--warmup"] if warmup else []) + cmd[-1:]))


def parse_probe(text):
    out = {}
    for line in text.splitlines():
        m = PROBE_LINE.match(line)
        if m:
            f = [int(x) for x in m.groups()[1:5]] + [float(x) for x in m.groups()[5:]]
            out[m.group(1)] = dict(zip(("sent", "answered", "lost", "stray", "secs", "rate",
                                        "p50", "p99"), f))
    return out


def run_probe(args, internet, seconds, warmup=False):
    p = start_probe(args, internet, seconds, warmup)
    try:
        out, err = p.communicate(timeout=seconds + 20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    sys.stdout.write(out)
    sys.stderr.write(err)
    return parse_probe(out)


def flood_phase(args, internet, cp):
    """The flood and, inside it, the probe; memory sampled all along."""
    gen = subprocess.Popen(nsexec(internet, "taskset", "-c", "0", tool(args, "flood_gen"),
                                  "--rate", args.rate, "--seconds", args.seconds,
                                  "--src", attack.SPOOF4.split("/")[0],
                                  "--sources", args.sources, "--mix", args.mix,
                                  "--eids", args.eids, VICTIM),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    probe = None
    try:
        time.sleep(1.0)
        probe = start_probe(args, internet, args.probe)
        rss_peak = 0
        while probe.poll() is None or gen.poll() is None:
            rss_peak = max(rss_peak, attack.rss_kib(cp)[0])
            time.sleep(0.1)
        gen_out, gen_err = gen.communicate(timeout=5)
        probe_out, probe_err = probe.communicate(timeout=5)
    finally:
        for p in (gen, probe):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
    sys.stdout.write(gen_out + probe_out)
    sys.stderr.write(gen_err + probe_err)
    m = FLOOD_LINE.search(gen_out)
    sent = {}
    if m:
        sent = {"total": int(m.group(1)), "bytes": int(m.group(2)), "secs": float(m.group(3)),
                "pps": int(m.group(4)), "sources": int(m.group(5)),
                "errors": int(m.group(7))}
        for part in re.finditer(r"(\S+) (\d+)", m.group(6)):
            sent[part.group(1)] = int(part.group(2))
    return sent, parse_probe(probe_out), rss_peak


def delta(a, b, key, where="stats"):
    return b[where].get(key, 0) - a[where].get(key, 0)


def ratio(x, y):
    return "%.2f" % (x / y) if y else "n/a"


def cores_busy(a, b):
    return ", ".join("%.0f %% (%.0f %%)" % (100.0 * (y[0] - x[0]) / max(y[2] - x[2], 1),
                                          100.0 * (y[1] - x[1]) / max(y[2] - x[2], 1))
                     for x, y in zip(a["cores"], b["cores"]))


def cpu_share(a, b):
    return "%.0f %%" % (100.0 * (b["cpu"] - a["cpu"]) / max(b["t"] - a["t"], 1e-9))


def print_service(base, loaded, after):
    print("| stream | phase | sent | answered | lost | answered/s | p50 us | p99 us |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name in STREAMS:
        for phase, r in (("unloaded", base), ("flood", loaded), ("recovered", after)):
            s = r.get(name)
            if s:
                print("| %s | %s | %d | %d | %d | %.1f | %d | %d |" % (
                    name, phase, s["sent"], s["answered"], s["lost"], s["rate"], s["p50"],
                    s["p99"]))
    print()
    print("| stream | flood / baseline | answered/s | p50 | p99 |")
    print("|---|---|---:|---:|---:|")
    for name in STREAMS:
        f = loaded.get(name)
        for phase, r in (("unloaded", base), ("recovered", after)):
            b = r.get(name)
            if f and b:
                print("| %s | flood / %s | %s | %s | %s |" % (
                    name, phase, ratio(f["rate"], b["rate"]), ratio(f["p50"], b["p50"]),
                    ratio(f["p99"], b["p99"])))


def print_resources(s, loaded, snaps, rss_peak):
    warm, before, after, end = snaps
    legit = sum(r["sent"] for r in loaded.values())
    k = lambda key: delta(before, after, key, "kernel")  # noqa: E731
    print()
    print("| what | figure |")
    print("|---|---:|")
    print("| flood sent (packets, packets/s, sources) | %d, %d/s, %d |" % (
        s.get("total", 0), s.get("pps", 0), s.get("sources", 0)))
    print("| the legitimate ETR's and ITR's messages in the same time | %d |" % legit)
    print("| reached the victim's UDP layer: queued to the socket (InDatagrams) | %d |"
          % k("udp.InDatagrams"))
    print("| dropped, socket buffer full (RcvbufErrors) | %d |" % k("udp.RcvbufErrors"))
    print("| read by lispgw-cp (udp.0.rx_packets) | %d |" % delta(before, after,
                                                                   "udp.0.rx_packets"))
    print("| bytes out / bytes in on the victim's link | %d / %d = %s |" % (
        k("eth0.tx_bytes"), k("eth0.rx_bytes"), ratio(k("eth0.tx_bytes"), k("eth0.rx_bytes"))))
    print("| lispgw-cp VmRSS after warm-up / peak during the flood / after the recovered "
          "phase (KiB) | %d / %d / %d |" % (warm["rss"], rss_peak, end["rss"]))
    print("| lispgw-cp VmHWM after warm-up / after the flood (KiB) | %d / %d |" % (
        warm["hwm"], after["hwm"]))
    print("| lispgw-cp CPU, unloaded / flood / recovered (of one core) | %s / %s / %s |" % (
        cpu_share(warm, before), cpu_share(before, after), cpu_share(after, end)))
    print("| cores 0 and 1 busy (stolen by the hypervisor), every process of the machine: "
          "unloaded / flood / recovered "
          "| %s / %s / %s |" % (cores_busy(warm, before), cores_busy(before, after),
                                cores_busy(after, end)))
    print("| log written during the flood (bytes) | %d |" % (after["log"] - before["log"]))


def sent_vs_counted(s, loaded, before, after):
    """(what, sent, counted) for the counters a flood kind should move."""
    etr = loaded.get("etr-registrations", {}).get("sent", 0)
    itr = sum(loaded.get(n, {}).get("sent", 0) for n in STREAMS[1:])
    d = lambda key: delta(before, after, key)  # noqa: E731
    return [
        ("bad-HMAC Map-Registers: `map_server.register_auth_failures`",
         s.get("map-register-bad-hmac", 0), d("map_server.register_auth_failures")),
        ("the ETR's Map-Registers: `map_server.registers_accepted`", etr,
         d("map_server.registers_accepted")),
        ("ECM Map-Requests, flood + both ITRs: `map_resolver.requests_received`",
         s.get("ecm-map-request", 0) + itr, d("map_resolver.requests_received")),
        ("... refused per source: `map_resolver.requests_rate_limited`", "",
         d("map_resolver.requests_rate_limited")),
        ("... verified (the registered xTR's): `map_resolver.requests_verified`",
         loaded.get("itr-resolutions", {}).get("sent", 0), d("map_resolver.requests_verified")),
        ("... answered: `messages.sent.map-reply`", "", d("messages.sent.map-reply")),
        ("plain Map-Requests: `messages.received.map-request`", s.get("map-request", 0),
         d("messages.received.map-request")),
        ("junk: `messages.received.other`", s.get("junk", 0), d("messages.received.other")),
    ]


def print_counters(s, loaded, before, after):
    print()
    print("| sent during the flood, and the counter that should see it | sent | counted |")
    print("|---|---:|---:|")
    for what, sent, counted in sent_vs_counted(s, loaded, before, after):
        print("| %s | %s | %d |" % (what, sent, counted))
    print()
    print("Random junk reads partly as other types (its decode errors are in the list).")
    print()
    print("| counter (/api/v1/stats) | before the flood | after | during |")
    print("|---|---:|---:|---:|")
    for key in sorted(after["stats"]):
        d = delta(before, after, key)
        if d and not key.startswith(("uptime", "rest.", "evloop.")):
            print("| `%s` | %d | %d | %d |" % (key, before["stats"].get(key, 0),
                                              after["stats"][key], d))


def checks(c, args, cp, sent, loaded, after_phase, snaps):
    before, after = snaps
    dropped = delta(before, after, "udp.RcvbufErrors", "kernel")
    c.check(cp.alive(), "lispgw-cp survived the flood")
    c.check(sent.get("total", 0) >= 0.5 * (args.rate or 1) * args.seconds,
            "the flood was sent at half its rate or more", sent)
    for name in STREAMS:
        if name != "itr-unverified":    # may lose its share: that is the point
            c.check(loaded.get(name, {}).get("answered", 0) > 0,
                    "%s answered during the flood" % name, loaded.get(name))
        c.check(after_phase.get(name, {}).get("answered", 0) > 0,
                "%s answered after the flood" % name, after_phase.get(name))
    verified = delta(before, after, "map_resolver.requests_verified")
    itr = loaded.get("itr-resolutions", {})
    c.check(itr.get("answered", 0) <= verified <= itr.get("sent", 0),
            "the registered xTR's requests, and only those, verified during the flood",
            "verified %d, ITR %s" % (verified, loaded.get("itr-resolutions")))
    c.check(delta(before, after, "map_server.register_auth_failures") >=
            sent.get("map-register-bad-hmac", 0) - dropped,
            "every bad-HMAC Map-Register that reached lispgw-cp counted as an auth failure")
    etr = loaded.get("etr-registrations", {})
    accepted = delta(before, after, "map_server.registers_accepted")
    c.check(etr.get("answered", 0) <= accepted <= etr.get("sent", 0),
            "only the ETR's Map-Registers accepted during the flood",
            "accepted %d, ETR %s" % (accepted, etr))


def main():
    args = parse_args()
    why = unavailable()
    if why:
        skip(why)
    for p in ("flood_gen", "flood_probe"):
        tool(args, p)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    c = Checks("flood")
    lab = attack.Lab("fl")
    try:
        cp, api = start_cp(args, lab)
        internet = lab.attacker
        sh("ip", "-n", internet, "addr", "add", OTHER_ITR + "/24", "dev", "eth0")
        print("== warm-up: %d EIDs ==" % args.eids)
        run_probe(args, internet, 0.001, warmup=True)
        warm = snapshot(lab, api, cp)
        print("== unloaded, %.0f s ==" % args.phase)
        base = run_probe(args, internet, args.phase)
        before = snapshot(lab, api, cp)
        print("== flood: %s packets/s for %.0f s, probe %.0f s inside ==" % (
            args.rate or "as many", args.seconds, args.probe))
        sent, loaded, rss_peak = flood_phase(args, internet, cp)
        after = snapshot(lab, api, cp)
        print("== recovered, %.0f s ==" % args.phase)
        after_phase = run_probe(args, internet, args.phase)
        end = snapshot(lab, api, cp)
        checks(c, args, cp, sent, loaded, after_phase, (before, after))
        print("\n---- summary (docs/BENCHMARKS.md, \"Flood\") ----")
        print("flood.py --rate %d --seconds %g --sources %d --mix %s --eids %d; %d cores; %s" % (
            args.rate, args.seconds, args.sources, args.mix, args.eids, args.cores,
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
        print()
        print_service(base, loaded, after_phase)
        print_resources(sent, loaded, (warm, before, after, end), rss_peak)
        print_counters(sent, loaded, before, after)
        print("---- end of summary ----\n")
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        c.fail("flood benchmark: %s" % e)
    finally:
        lab.close()
    c.exit()


if __name__ == "__main__":
    main()
