#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The lispgw demo (scripts/demo.sh runs it after installing and building).

A Map-Server/Map-Resolver and three xTRs (lispgw-cp + lispgw-dp each) in
network namespaces (tests/lib/lispgwlab/xtr.py), and for step 6 a second
cluster (its Map-Server, one xTR) and a LISP-DDT root:

    xTR1 (RLOC .21)  IIDs 1, 2: 10.0.1.0/24   planner, worker, svc-a
    xTR2 (RLOC .22)  IIDs 1, 2: 10.0.2.0/24   solver, h100, svc-b
    xTR3 (RLOC .23)  IID 1:     10.0.3.0/24   client; ranks by load (cats),
                                              flow affinity in its lispgw-dp
    xTR4 (RLOC .24)  IID 1:     172.20.4.0/24 agent-b (cluster B: registers
                                              to MS-B .4 only)
    DDT root (.3): [1]10.0.0.0/8 -> the lab Map-Server, [1]172.20.0.0/16 -> MS-B

1. two tenants (Instance-IDs 1 and 2) with the same addresses: ping, 8 MiB
   of TCP each, isolation;
2. GPU agents registered with `lispgw-ctl agent register` on their xTRs,
   the same EIDs and attributes in both IIDs; a planner finds "a ready H100
   agent" with `lispgw-ctl agent find` on the Map-Server and talks to it;
3. an anycast service EID registered by two agents behind xTR1 and xTR2
   with different loads: a PATCH of the loads steers new flows to the other
   instance while the flows already running stay where they started;
4. the map-cache and the data planes' counters;
5. an agent moving from xTR1 to xTR3 make-before-break under a 10 000
   packets/s flow (tests/perf/seqflow): the hand-off time and the loss;
6. federation: cluster B joins through the DDT root (the lab Map-Server
   gets map-server.ddt-peers and map-resolver.ddt.roots by SIGHUP); each
   Map-Server holds its own cluster only; `lispgw-ctl lig --trace`; ping
   both ways and TCP between planner1 (cluster A) and agent-b (cluster B);
7. agents with crypto-EIDs ping over the data plane; a spoofed registration
   of one is refused (scripts/demo_crypto.py).

Exit status 0 when everything shown worked, 1 otherwise."""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
from lispgwlab import xtr as xlab  # noqa: E402
from lispgwlab.check import Checks  # noqa: E402
import demo_crypto  # noqa: E402

RLOC = {n: f"{xlab.UNDERLAY}.{20 + n}" for n in (1, 2, 3)}
SERVICE = "10.0.100.1"          # the anycast service EID, [1]10.0.100.1/32
HANDOFF_RATE, HANDOFF_SECONDS = 10000, 3.0

checks = Checks("demo", ok="  ok: ", fail="  FAILED: ")
check = checks.check
failures = checks.failures
spawned = []    # processes started in the hosts' namespaces, killed at the end


def spawn(lab, host, *args, **kw):
    p = lab.popen(host, *args, **kw)
    spawned.append(p)
    return p

# A service instance: a TCP server that says who it is and hashes what it
# gets (lispgwlab.xtr's protocol, a thread per connection), and a UDP sink that
# counts datagrams per source port; a line on stdin prints the counts.
SVC = r"""
import hashlib, json, socket, sys, threading
ident, tport, uport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
counts, lock = {}, threading.Lock()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
u.bind(("0.0.0.0", uport))
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", tport)); s.listen(8)
def udp():
    while True:
        _, (_, p) = u.recvfrom(2048)
        with lock:
            counts[p] = counts.get(p, 0) + 1
def exactly(c, k):
    b = b""
    while len(b) < k:
        r = c.recv(k - len(b))
        if not r:
            break
        b += r
    return b
def conn(c):
    try:
        c.settimeout(30)
        c.sendall(ident.encode()[:32].ljust(32))
        h, n, got = hashlib.sha256(), int.from_bytes(exactly(c, 8), "big"), 0
        while got < n:
            b = c.recv(65536)
            if not b:
                break
            h.update(b); got += len(b)
        c.sendall(h.hexdigest().encode())
    except OSError:
        pass
    finally:
        c.close()
def tcp():
    while True:
        c, _ = s.accept()
        threading.Thread(target=conn, args=(c,), daemon=True).start()
threading.Thread(target=udp, daemon=True).start()
threading.Thread(target=tcp, daemon=True).start()
print("ready", flush=True)
for line in sys.stdin:
    with lock:
        print(json.dumps(counts), flush=True)
"""

# A TCP connection held open: connect, print who answered, wait for a line
# on stdin, then send n bytes and print whether they arrived intact.
HOLD = r"""
import hashlib, os, socket, sys
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
c = socket.create_connection((dst, port), timeout=10); c.settimeout(30)
def exactly(k):
    b = b""
    while len(b) < k:
        r = c.recv(k - len(b))
        if not r:
            break
        b += r
    return b
print(exactly(32).decode().strip(), flush=True)
sys.stdin.readline()
data = os.urandom(n)
try:
    c.sendall(n.to_bytes(8, "big")); c.sendall(data)
    print(exactly(64).decode() == hashlib.sha256(data).hexdigest(), flush=True)
except OSError as e:
    print("error", e, flush=True)
"""

# Short UDP flows, one per source port first .. first+nflows-1.
FLOWS = r"""
import socket, sys, time
dst, port, first, nflows, pkts = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:6])
for i in range(nflows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", first + i)); s.connect((dst, port))
    for _ in range(pkts):
        s.send(b"x" * 64); time.sleep(0.001)
    s.close()
"""


def say(text):
    print(f"\n=== {text}", flush=True)


def show(r, indent="  "):
    text = (r.stdout or r.stderr).rstrip()
    print("\n".join(indent + line for line in text.splitlines()), flush=True)


def reach(lab, host, dst, tries=15):
    """Pings until the first answer (the first packets trigger the lookup)."""
    for _ in range(tries):
        if lab.ping(host, dst, count=1, wait=1)[1]:
            return True
    return False


def ctl_json(lab, n, *args):
    r = lab.ctl(n, *args, "--json")
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": r.stdout + r.stderr}


def lig(lab, n, eid, constraints=None, as_json=False):
    args = ["lig", eid, "--mr", xlab.MS_ADDR, "--timeout", "1500"]
    if constraints is not None:
        args += ["--constraints", json.dumps(constraints, separators=(",", ":"))]
    if not as_json:
        return lab.ctl(n, *args)
    r = lab.ctl(n, *args, "--json")
    try:
        rec = (json.loads(r.stdout.strip().splitlines()[-1]).get("records") or [{}])[0]
    except (IndexError, ValueError):
        return {}
    return {loc["rloc"]: loc["priority"] for loc in rec.get("locators", [])}


def cache_prios(lab, n, eid):
    """RLOC -> priority of xTR n's map-cache entry for eid."""
    b = ctl_json(lab, n, "show", "map-cache", "--eid", eid)
    entries = b.get("entries") or []
    return {r["address"]: r["priority"] for r in entries[0].get("rlocs", [])} if entries else {}


def wait_for(fn, want, seconds):
    deadline = time.time() + seconds
    got = fn()
    while got != want and time.time() < deadline:
        time.sleep(0.05)
        got = fn()
    return got


def json_tail(text):
    for line in reversed((text or "").splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return {}


# --- 1. two tenants ------------------------------------------------------------------------

def tenants(lab):
    say("1. two tenants (Instance-IDs 1 and 2) with the same addresses")
    agents = [("planner1", 1, 1, "10.0.1.10"), ("worker1", 1, 1, "10.0.1.20"),
              ("solver1", 2, 1, "10.0.2.10"),
              ("planner2", 1, 2, "10.0.1.10"), ("solver2", 2, 2, "10.0.2.10")]
    for name, x, iid, addr in agents:
        lab.host(name, x, iid, addr)
        print(f"  agent {name:9} tenant (IID) {iid}  EID {addr:10}  behind xTR{x}")
    time.sleep(1)
    print("  registrations at the Map-Server (lispgw-ctl show registrations):")
    show(lab.ctl(0, "show", "registrations"), "    ")
    for t in (1, 2):
        reach(lab, f"planner{t}", "10.0.2.10")
        sent, got = lab.ping(f"planner{t}", "10.0.2.10", count=5, interval=0.1)
        check(got == sent, f"tenant {t}: planner{t} -> 10.0.2.10: {got}/{sent} pings answered")
    servers = [lab.tcp_serve(f"solver{t}", f"solver-of-tenant-{t}", 5001) for t in (1, 2)]
    for t in (1, 2):
        ident, intact, secs, err = lab.tcp_send(f"planner{t}", "10.0.2.10", 5001,
                                                8 * 1024 * 1024)
        check(intact and ident == f"solver-of-tenant-{t}",
              f"tenant {t}: TCP 8 MiB planner{t} -> 10.0.2.10 answered by '{ident}', "
              f"intact: {intact}, {8 * 8 / secs if secs else 0:.0f} Mbit/s {err}".rstrip())
    for s in servers:
        s.kill()
    sent, got = lab.ping("planner2", "10.0.1.20", count=3, interval=0.2)
    check(got == 0, f"isolation: planner2 (tenant 2) -> 10.0.1.20 (tenant 1's worker1): "
          f"{got}/{sent} answered")


# --- 2. GPU agents, discovery ----------------------------------------------------------------

GPU_AGENTS = [  # id stem, xTR, EID, attributes: the same in both tenants
    ("h100", 2, "10.0.2.30", ["gpu=H100", "gpus=8", "state=ready", "load=0.3"]),
    ("h100-busy", 2, "10.0.2.31", ["gpu=H100", "gpus=8", "state=busy", "load=0.1"]),
    ("h100-b", 1, "10.0.1.30", ["gpu=H100", "gpus=4", "state=ready", "load=0.7"]),
    ("a100", 1, "10.0.1.31", ["gpu=A100", "gpus=8", "state=ready", "load=0.05"]),
]


def gpu_agents(lab):
    say("2. GPU agents in both tenants, registered on their xTRs "
        "(lispgw-ctl agent register; no --rloc: behind the xTR's site prefix)")
    for t in (1, 2):
        for stem, x, eid, attrs in GPU_AGENTS:
            r = lab.ctl(x, "agent", "register", f"{stem}-t{t}", "--iid", str(t), "--eid", eid,
                        *attrs)
            if not check(r.returncode == 0, f"xTR{x}: agent register {stem}-t{t} --iid {t} "
                         f"--eid {eid} {' '.join(attrs)}"):
                show(r, "    ")
    lab.host("h100-t1", 2, 1, "10.0.2.30")
    lab.host("h100-t2", 2, 2, "10.0.2.30")
    servers = [lab.tcp_serve(f"h100-t{t}", f"h100-t{t}", 5002) for t in (1, 2)]
    try:
        for t in (1, 2):
            print(f"\n  planner{t} asks the Map-Server for a ready H100 agent, least loaded "
                  f"first:\n    lispgw-ctl agent find --iid {t} gpu=H100 state=ready "
                  f"--sort load")
            q = ["agent", "find", "--iid", str(t), "gpu=H100", "state=ready", "--sort", "load"]
            found = {}
            deadline = time.time() + 5
            while time.time() < deadline:
                found = ctl_json(lab, 0, *q)
                if found.get("count") == 2:
                    break
                time.sleep(0.2)
            show(lab.ctl(0, *q), "    ")
            got = [(a.get("id"), a.get("eid")) for a in found.get("agents", [])]
            check(got == [(f"h100-t{t}", f"[{t}]10.0.2.30/32"),
                          (f"h100-b-t{t}", f"[{t}]10.0.1.30/32")],
                  f"tenant {t}: exactly its 2 ready H100 agents, least loaded first; none of "
                  f"tenant {3 - t}'s (same EIDs, same attributes)")
            if not got:
                continue
            best = got[0][1].split("]")[1].split("/")[0]
            reach(lab, f"planner{t}", best)
            sent, rcvd = lab.ping(f"planner{t}", best, count=5, interval=0.1)
            check(rcvd == sent, f"planner{t} -> {best} ({got[0][0]}): {rcvd}/{sent} pings "
                  "answered")
            ident, intact, secs, err = lab.tcp_send(f"planner{t}", best, 5002,
                                                    2 * 1024 * 1024)
            check(intact and ident == f"h100-t{t}",
                  f"planner{t} -> {best}: TCP 2 MiB answered by '{ident}', intact: {intact}"
                  f" {err}".rstrip())
        print("\n  the same question through the mapping system, from xTR1 (a constrained "
              "Map-Request):\n    lispgw-ctl lig '[1]10.0.2.30' --constraints "
              "'{\"gpu\":\"H100\",\"state\":\"ready\"}'")
        show(lig(lab, 1, "[1]10.0.2.30", {"gpu": "H100", "state": "ready"}), "    ")
        check(lig(lab, 1, "[1]10.0.2.31", {"gpu": "H100", "state": "ready"},
                  as_json=True) == {},
              "lig '[1]10.0.2.31' (the busy H100) with the same constraints: no locator "
              "(drop-policy)")
        agent_names_and_removal(lab)
    finally:
        for s in servers:
            s.kill()


def agent_names_and_removal(lab):
    """A Distinguished-Name EID for an agent (a PATCH adds it), resolved by a
    Map-Request; an xTR's list of its agents; an agent removed (withdrawn)."""
    r = lab.ctl(2, "agent", "update", "h100-t1", "--dn", "gpu-box-1")
    check(r.returncode == 0, "xTR2: lispgw-ctl agent update h100-t1 --dn gpu-box-1 "
          "(its name, registered beside its address)")
    print("\n  the agent by its name: lispgw-ctl lig '[1]dn:gpu-box-1'")
    got = {}
    deadline = time.time() + 5
    while time.time() < deadline and not got:
        got = lig(lab, 1, "[1]dn:gpu-box-1", as_json=True)
        time.sleep(0.1 if not got else 0)
    show(lig(lab, 1, "[1]dn:gpu-box-1"), "    ")
    check(got == {RLOC[2]: 1}, f"[1]dn:gpu-box-1 resolves to h100-t1's RLOC {RLOC[2]}; "
          "[2]dn:gpu-box-1 is tenant 2's name, not registered")
    check(lig(lab, 1, "[2]dn:gpu-box-1", as_json=True) == {},
          "the same name in tenant 2 resolves to nothing")
    print("\n  xTR2's agents (lispgw-ctl agent list --iid 1):")
    show(lab.ctl(2, "agent", "list", "--iid", "1"), "    ")
    r = lab.ctl(2, "agent", "remove", "h100-busy-t1")
    check(r.returncode == 0, "xTR2: lispgw-ctl agent remove h100-busy-t1 (withdrawn at once)")
    q = ["agent", "find", "--iid", "1", "gpu=H100"]
    found = {}
    deadline = time.time() + 5
    while time.time() < deadline:
        found = ctl_json(lab, 0, *q)
        if found.get("count") == 2:
            break
        time.sleep(0.2)
    ids = sorted(a.get("id") for a in found.get("agents", []))
    check(ids == ["h100-b-t1", "h100-t1"], f"the Map-Server no longer has it: agent find "
          f"--iid 1 gpu=H100 -> {ids}")


# --- 3. anycast service, load steering, flow affinity --------------------------------------

def svc_counts(p):
    p.stdin.write("\n")
    p.stdin.flush()
    return {int(k): v for k, v in json.loads(p.stdout.readline()).items()}


def anycast(lab):
    say(f"3. an anycast service EID [1]{SERVICE}: agent svc-a behind xTR1 (load 0.2) and "
        "svc-b behind xTR2 (load 0.6)")
    print("  xTR3 (the client's) ranks the instances by load (cats: policies: [{instance-id: 1,"
          " rank: load}])\n  and its lispgw-dp pins flows to the instance they started on "
          "(itr: {flow-table: 65536})")
    for x, aid, load in ((1, "svc-a", "0.2"), (2, "svc-b", "0.6")):
        r = lab.ctl(x, "agent", "register", aid, "--iid", "1", "--eid", SERVICE, "--rloc",
                    RLOC[x], "gpu=H100", "state=ready", "load=" + load)
        check(r.returncode == 0, f"xTR{x}: agent register {aid} --iid 1 --eid {SERVICE} "
              f"--rloc {RLOC[x]} gpu=H100 state=ready load={load}")
    lab.host("client", 3, 1, "10.0.3.10")
    svcs = {}
    for x, name in ((1, "svc-a"), (2, "svc-b")):
        lab.host(name, x, 1, SERVICE, gw="10.0.100.254")
        p = spawn(lab, name, sys.executable, "-c", SVC, f"{name}@xTR{x}", 5003, 7000,
                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        p.stdout.readline()
        svcs[name] = p
        # The instance says hello to the client once: its xTR learns its MAC
        # (ARP) and resolves the way back, so that the first datagrams of a
        # flow to it are not held while it asks.
        lab.ping(name, "10.0.3.10", count=1, wait=0.3)
    try:
        return anycast_run(lab, svcs)
    finally:
        for p in svcs.values():
            p.kill()


def metrics_file(lab):
    return os.path.join(lab.dir, "x2-metrics.json")


def metrics_agent(lab):
    """Step 3b: the metrics agent.  xTR2's lispgw-cp reads its RLOC's load
    from a file every second and re-registers (its agents' records too) only
    when it moved past the threshold; xTR3 learns it by pub/sub and ranks the
    anycast instances again."""
    eid = f"[1]{SERVICE}"
    say(f"3b. the CATS service-metric agent: xTR2 reads the load of its RLOC {RLOC[2]} "
        "from a file every second")
    path = metrics_file(lab)
    with open(path + ".tmp", "w") as f:
        json.dump({"rlocs": {RLOC[2]: {"load": 0.95}}}, f)
    os.rename(path + ".tmp", path)	# atomically, as a collector should
    t0 = time.monotonic()
    print(f'  wrote {path}: {{"rlocs": {{"{RLOC[2]}": {{"load": 0.95}}}}}}')
    want = {RLOC[1]: 1, RLOC[2]: 2}
    got = wait_for(lambda: cache_prios(lab, 3, eid), want, 10)
    check(got == want, f"xTR3 re-ranked {(time.monotonic() - t0) * 1000:.0f} ms after the "
          "file changed: svc-a (0.9) priority 1 again, svc-b (0.95) priority 2")
    show(lab.ctl(3, "show", "map-cache", "--eid", eid), "    ")


def flows(c, first):
    """How many of the 10 short flows from port first an instance got."""
    return sum(1 for p in range(first, first + 10) if c.get(p))


def pkts(c, first):
    return sum(c.get(p, 0) for p in range(first, first + 10))


def oldf(c):
    """The long flow's packets (any port outside the short flows')."""
    return sum(v for p, v in c.items() if not 20000 <= p < 22000)


def print_received(a, b, held_by, ident_new):
    """What each instance received ({source port: packets} of svc-a and
    svc-b), a table."""
    ports = {p for p in list(a) + list(b) if not 20000 <= p < 22000}
    label = f"long UDP flow (port {'/'.join(map(str, sorted(ports))) or '?'})"
    rows = [(label, f"{oldf(a)} pkts", f"{oldf(b)} pkts"),
            ("10 new UDP flows before the change", f"{flows(a, 20000)} flows "
             f"({pkts(a, 20000)} pkts)", f"{flows(b, 20000)} flows ({pkts(b, 20000)} pkts)"),
            ("10 new UDP flows after the change", f"{flows(a, 21000)} flows "
             f"({pkts(a, 21000)} pkts)", f"{flows(b, 21000)} flows ({pkts(b, 21000)} pkts)"),
            ("TCP connection opened before", "yes" if held_by.startswith("svc-a") else "-",
             "yes" if held_by.startswith("svc-b") else "-"),
            ("TCP connection opened after", "yes" if ident_new.startswith("svc-a") else "-",
             "yes" if ident_new.startswith("svc-b") else "-")]
    print(f"\n  what each instance received:\n    {'':36} {'svc-a (xTR1)':>20} "
          f"{'svc-b (xTR2)':>20}")
    for row in rows:
        print(f"    {row[0]:36} {row[1]:>20} {row[2]:>20}")


def anycast_run(lab, svcs):
    eid = f"[1]{SERVICE}"
    want = {RLOC[1]: 1, RLOC[2]: 2}
    got = wait_for(lambda: lig(lab, 3, eid, {"state": "ready"}, as_json=True), want, 5)
    print(f"\n  the Map-Server merged both registrations; lig {eid} --constraints "
          "'{\"gpu\":\"H100\",\"state\":\"ready\"}':")
    show(lig(lab, 3, eid, {"gpu": "H100", "state": "ready"}), "    ")
    check(got == want, "both instances registered, svc-a (load 0.2) ranked first")

    check(reach(lab, "client", SERVICE), f"client (10.0.3.10, behind xTR3) reaches {SERVICE}")
    got = wait_for(lambda: cache_prios(lab, 3, eid), want, 5)
    print(f"  xTR3's map-cache entry for {eid}:")
    show(lab.ctl(3, "show", "map-cache", "--eid", eid), "    ")
    check(got == want, "xTR3 caches both instances, svc-a priority 1")
    c3 = lab.counters(3) or {}

    seqflow = os.path.join(lab.build, "tests", "perf", "seqflow")
    hold = spawn(lab, "client", sys.executable, "-c", HOLD, SERVICE, 5003, 2 * 1024 * 1024,
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    held_by = hold.stdout.readline().strip()
    old = spawn(lab, "client", seqflow, "send", SERVICE, 7000, 2000, 4, stdout=subprocess.PIPE,
                    text=True)
    print(f"\n  before the change: a TCP connection opened (answered by '{held_by}'), "
          "a long UDP flow started\n  (seqflow, 2000 packets/s for 4 s, fixed ports), "
          "10 new short UDP flows sent")
    time.sleep(0.3)
    lab.run("client", sys.executable, "-c", FLOWS, SERVICE, 7000, 20000, 10, 20)

    t0 = time.monotonic()
    r = lab.ctl(1, "agent", "update", "svc-a", "load=0.9")
    check(r.returncode == 0, "xTR1: lispgw-ctl agent update svc-a load=0.9 (a PATCH: "
          "registered again at once, never withdrawn)")
    want2 = {RLOC[1]: 2, RLOC[2]: 1}
    got = wait_for(lambda: cache_prios(lab, 3, eid), want2, 5)
    check(got == want2, f"xTR3 re-ranked by pub/sub {(time.monotonic() - t0) * 1000:.0f} ms "
          "after the PATCH: svc-b (0.6) now priority 1, svc-a (0.9) priority 2")
    show(lab.ctl(3, "show", "map-cache", "--eid", eid), "    ")

    print("\n  after the change: 10 new short UDP flows, a new TCP connection, and 2 MiB "
          "on the TCP connection\n  opened before")
    lab.run("client", sys.executable, "-c", FLOWS, SERVICE, 7000, 21000, 10, 20)
    ident_new, intact_new, _, err_new = lab.tcp_send("client", SERVICE, 5003, 1024 * 1024)
    ident_new = ident_new or ""
    hold.stdin.write("go\n")
    hold.stdin.flush()
    held_ok = hold.stdout.readline().strip()
    hold.wait(timeout=30)
    out, _ = old.communicate(timeout=30)
    sent = json_tail(out).get("sent", 0)

    a, b = svc_counts(svcs["svc-a"]), svc_counts(svcs["svc-b"])
    print_received(a, b, held_by, ident_new)
    c3b = lab.counters(3) or {}
    print("  xTR3's flow table: " + ", ".join(
        f"{k} +{c3b.get(k, 0) - c3.get(k, 0)}" for k in ("flow_new", "flow_hit", "flow_moved",
                                                         "flow_evicted")))
    check(sent > 0 and oldf(a) >= sent * 0.99 and oldf(b) == 0,
          f"the long flow stayed on svc-a across the change: {oldf(a)} of {sent} sent there, "
          f"{oldf(b)} to svc-b")
    check(flows(a, 20000) == 10 and flows(b, 20000) == 0,
          "the 10 flows started before the change went to svc-a")
    check(flows(b, 21000) == 10 and flows(a, 21000) == 0,
          "the 10 flows started after the change went to svc-b")
    check(held_by.startswith("svc-a") and held_ok == "True",
          f"the TCP connection opened before stayed on svc-a: 2 MiB sent after the change "
          f"arrived intact ({held_ok})")
    check(ident_new.startswith("svc-b") and intact_new,
          f"a TCP connection opened after the change went to '{ident_new}', 1 MiB intact: "
          f"{intact_new} {err_new.strip()}".rstrip())


# --- 4. map-cache and counters ---------------------------------------------------------------

def state(lab):
    say("4. xTR1's map-cache (lispgw-ctl show map-cache)")
    show(lab.ctl(1, "show", "map-cache"))
    say("   data-plane counters")
    for n in (1, 2, 3):
        c = lab.counters(n) or {}
        keys = ("rx_eid", "rx_rloc", "encap_lisp", "decap_lisp", "local", "drop_miss",
                "punt_arp", "tx")
        print(f"  xTR{n}: " + ", ".join(f"{k} {c.get(k)}" for k in keys) +
              f"; next hops resolved {c.get('neigh', {}).get('resolved')}, "
              f"hosts learned {c.get('neigh', {}).get('hosts_learned')}, "
              f"channel generation {c.get('channel', {}).get('generation')}")


# --- 5. hand-off ----------------------------------------------------------------------------

def handoff(lab):
    say(f"5. mobility: worker1 ([1]10.0.1.20) moves from xTR1 to xTR3 while solver1 "
        f"(behind xTR2) sends it {HANDOFF_RATE} UDP packets/s")
    print("  make-before-break: worker1 gets its link at xTR3 first, xTR3 registers "
          "[1]10.0.1.20/32,\n  the old link goes 0.5 s later (as tests/dataplane/"
          "test_handoff.py, HANDOFF_MODE=mbb)")
    check(reach(lab, "solver1", "10.0.1.20"), "solver1 reaches worker1 behind xTR1")
    seqflow = os.path.join(lab.build, "tests", "perf", "seqflow")
    before3 = (lab.counters(3) or {}).get("decap_lisp", 0)
    recv = spawn(lab, "worker1", seqflow, "recv", 9000, HANDOFF_SECONDS + 3,
                     stdout=subprocess.PIPE, text=True)
    recv.stdout.readline()
    sender = spawn(lab, "solver1", seqflow, "send", "10.0.1.20", 9000, HANDOFF_RATE,
                       HANDOFF_SECONDS, stdout=subprocess.PIPE, text=True)
    time.sleep(1.0)
    t_move = time.monotonic()
    lab.attach_second_link("worker1", 3)
    t_moved = time.monotonic()
    r = lab.ctl(3, "register", "[1]10.0.1.20/32", RLOC[3])
    t_reg = time.monotonic()
    check(r.returncode == 0, f"link at xTR3 up in {(t_moved - t_move) * 1000:.0f} ms; "
          f"xTR3 registers [1]10.0.1.20/32 ({(t_reg - t_moved) * 1000:.0f} ms): "
          f"{(r.stdout or r.stderr).strip()}")
    time.sleep(0.5)
    lab.run("worker1", "ip", "link", "del", "eth0", check=True)
    out_s, _ = sender.communicate(timeout=HANDOFF_SECONDS + 30)
    out_r, _ = recv.communicate(timeout=HANDOFF_SECONDS + 30)
    s, g = json_tail(out_s), json_tail(out_r)
    if not check("sent" in s and "received" in g, "the sender and receiver reported"):
        return
    after3 = (lab.counters(3) or {}).get("decap_lisp", 0)
    lost = s["sent"] - g["received"]
    switch_ms = (g["first_other_link_ns"] - g["last_first_link_ns"]) / 1e6
    to_new_ms = (g["first_other_link_ns"] / 1e9 - t_moved) * 1000
    print(f"  worker1 received {g['received']} of {s['sent']}: {g['on_first_link']} on the old "
          f"link (xTR1), {g['on_other_link']} on the new (xTR3)")
    switch = (f"{switch_ms:.1f} ms from the last packet on the old link to the first on the new"
              if switch_ms >= 0 else
              f"both links delivered for {-switch_ms:.1f} ms, then only the new one")
    at_switch = g["gap_after_seq"] <= g["first_other_link_seq"] <= g["gap_before_seq"]
    print(f"  HAND-OFF at {HANDOFF_RATE} packets/s: LOST {lost} of {s['sent']} packets; {switch}")
    print(f"    the first packet on the new link came {to_new_ms:.0f} ms after xTR3 was told to "
          f"register;\n    largest gap between two arrivals {g['gap_ms']:.1f} ms, " +
          ("at the switch" if at_switch else "not at the switch (scheduling on this host)") +
          f"; one-way latency p50 {g['latency_p50_us']:.0f} us, "
          f"p99 {g['latency_p99_us']:.0f} us")
    check(g["on_first_link"] > 0 and g["on_other_link"] > 0 and
          after3 - before3 >= g["on_other_link"],
          f"the flow came by xTR1, then through xTR3 ({after3 - before3} decapsulated there)")
    check(lost <= HANDOFF_RATE // 1000,
          f"make-before-break: {lost} lost (at most {HANDOFF_RATE // 1000}, 1 ms of the flow)")
    show(lab.ctl(0, "show", "registrations", "--eid", "[1]10.0.1.20/32"))


# --- 6. federation ------------------------------------------------------------------------

FED_ROOT, FED_MS_B = f"{xlab.UNDERLAY}.3", f"{xlab.UNDERLAY}.4"
CLUSTER_B = "172.20.0.0/16"     # outside the lab Map-Server's sites ([1]10.0.0.0/8)
AGENT_B = "172.20.4.10"         # an agent of cluster B, behind xTR4


def fed_root_conf():
    """The DDT root: authoritative for all of Instance-ID 1; each cluster's
    EID prefix delegated to its Map-Server (MS-REFERRAL, RFC 8111 §6).  A
    delegation is strictly more specific than the authoritative prefix."""
    return f"""\
roles: [ddt-node]
ddt-node:
  authoritative-prefixes: ["[1]0.0.0.0/0"]
  delegations:
    - {{eid-prefix: "[1]10.0.0.0/8", type: map-server, referrals: [{{address: {xlab.MS_ADDR}}}]}}
    - {{eid-prefix: "[1]{CLUSTER_B}", type: map-server, referrals: [{{address: {FED_MS_B}}}]}}
"""


def fed_ddt_keys(peer):
    """What a cluster's Map-Server/Map-Resolver needs to federate: its own
    address as the referral set of its MS-ACKs (map-server.ddt-peers) and
    the root for the EIDs it does not hold (map-resolver.ddt.roots)."""
    return (f"  ddt-peers: [{peer}]\n",
            f"  ddt:\n    roots: [{{address: {FED_ROOT}}}]\n    request-timeout: 300ms\n"
            "    retries: 2\n")


def fed_ms_b_conf():
    peers, ddt = fed_ddt_keys(FED_MS_B)
    return f"""\
roles: [map-server, map-resolver]
map-server:
  pubsub: true
{peers}  sites:
    - {{name: cluster-b, key-id: 2, key: "{xlab.KEY}", accept-more-specifics: true,
        eid-prefixes: ["[1]{CLUSTER_B}"]}}
map-resolver:
{ddt}"""


def fed_reload_ms(lab):
    """The lab Map-Server joins: ms.yaml gets the DDT keys, then SIGHUP
    (parsed aside, swapped whole; its registrations stay)."""
    path = os.path.join(lab.dir, "ms.yaml")
    with open(path) as f:
        text = f.read()
    peers, ddt = fed_ddt_keys(xlab.MS_ADDR)
    text = text.replace("map-server:\n", "map-server:\n" + peers, 1)
    text = text.replace("map-resolver:\n", "map-resolver:\n" + ddt, 1)
    with open(path, "w") as f:
        f.write(text)
    lab.procs["ms"].send_signal(signal.SIGHUP)
    wait_for(lambda: ctl_json(lab, 0, "show", "stats").get("config", {}).get("reloads"), 1, 5)
    return ctl_json(lab, 0, "show", "stats").get("config", {})


def federation(lab):
    say("6. federation: a second cluster with its own Map-Server joins through a LISP-DDT "
        "root (RFC 8111)")
    print(f"  DDT root {FED_ROOT}: authoritative for [1]0.0.0.0/0, delegates [1]10.0.0.0/8 to "
          f"the lab Map-Server\n  ({xlab.MS_ADDR}, cluster A) and [1]{CLUSTER_B} to MS-B "
          f"({FED_MS_B}, cluster B); xTR4 (RLOC {xlab.UNDERLAY}.24) registers\n  "
          f"[1]172.20.4.0/24 to MS-B only and resolves through it; each Map-Resolver asks "
          "the root for\n  what its Map-Server does not hold")
    lab.cp_node("root", FED_ROOT, fed_root_conf())
    lab.cp_node("ms-b", FED_MS_B, fed_ms_b_conf())
    conf = fed_reload_ms(lab)
    check(conf.get("reloads") == 1 and not conf.get("reload_failures") and
          not conf.get("reload_keys_not_applied"),
          "the lab Map-Server took map-server.ddt-peers and map-resolver.ddt.roots by "
          f"SIGHUP, without a restart ({json.dumps(conf)})")
    lab.xtr(4, {1: "172.20.4.0/24"}, map_servers=[(FED_MS_B, [])], map_resolver=FED_MS_B)
    lab.host("agent-b", 4, 1, AGENT_B)
    print("\n  the root's delegations (lispgw-ctl show ddt-node):")
    show(lab.ctl("root", "show", "ddt-node"), "    ")
    wait_for(lambda: "[1]172.20.4.0/24" in lab.ctl("ms-b", "show", "registrations").stdout,
             True, 10)
    regs = {}
    for n, name in ((0, "the lab Map-Server (cluster A)"), ("ms-b", "MS-B (cluster B)")):
        r = lab.ctl(n, "show", "registrations")
        regs[n] = r.stdout
        print(f"\n  registrations at {name}:")
        show(r, "    ")
    check("[1]172.20.4.0/24" in regs["ms-b"] and "]10." not in regs["ms-b"] and
          "]172.20." not in regs[0], "each Map-Server holds its own cluster only: "
          "[1]172.20.4.0/24 on MS-B, none of cluster A's on it, none of B's on the lab's")
    print(f"\n  lispgw-ctl lig '[1]{AGENT_B}' --trace {FED_ROOT} (from xTR1: the walk its "
          "Map-Resolver makes)")
    r = lab.ctl(1, "lig", f"[1]{AGENT_B}", "--trace", FED_ROOT, "--timeout", "1500")
    show(r, "    ")
    out = r.stdout.lower()
    # MS-B answers a DDT-originated request twice (RFC 8111 §7.2): an
    # MS-ACK to the asker and its proxy Map-Reply to the ITR-RLOC; the trace
    # ends at whichever comes first.
    check(r.returncode == 0 and f"{FED_ROOT} " in out and
          re.search(rf"ms-referral +\[1\]{re.escape(CLUSTER_B)} ", out) and
          f"map-reply from {FED_MS_B} " in out and f"{xlab.UNDERLAY}.24 " in out,
          f"root -> MS-REFERRAL [1]{CLUSTER_B} -> MS-B, whose answer is xTR4's RLOC")
    federation_traffic(lab)


def federation_traffic(lab):
    """Cluster A's planner1 and cluster B's agent-b: ping both ways, TCP."""
    check(reach(lab, "planner1", AGENT_B), f"planner1 (cluster A, 10.0.1.10) reaches agent-b "
          f"({AGENT_B}): xTR1's Map-Request went lab MS -> root -> MS-B")
    sent, got = lab.ping("planner1", AGENT_B, count=5, interval=0.1)
    check(got == sent, f"planner1 -> agent-b: {got}/{sent} pings answered")
    reach(lab, "agent-b", "10.0.1.10")
    sent, got = lab.ping("agent-b", "10.0.1.10", count=5, interval=0.1)
    check(got == sent, f"agent-b -> planner1 (xTR4 resolved through MS-B -> root -> the lab "
          f"MS): {got}/{sent} pings answered")
    srv = lab.tcp_serve("agent-b", "agent-b@cluster-B", 5004)
    try:
        ident, intact, secs, err = lab.tcp_send("planner1", AGENT_B, 5004, 2 * 1024 * 1024)
    finally:
        srv.kill()
    check(intact and ident == "agent-b@cluster-B",
          f"TCP 2 MiB planner1 -> agent-b answered by '{ident}', intact: {intact}, "
          f"{2 * 8 / secs if secs else 0:.0f} Mbit/s {err}".rstrip())
    print("\n  the lab Map-Server's referral cache (lispgw-ctl show referral-cache):")
    show(lab.ctl(0, "show", "referral-cache"), "    ")
    print("  xTR1's map-cache entry for agent-b (lispgw-ctl show map-cache --eid "
          f"'[1]{AGENT_B}'):")
    show(lab.ctl(1, "show", "map-cache", "--eid", f"[1]{AGENT_B}"), "    ")
    rloc4 = f"{xlab.UNDERLAY}.24"
    check(cache_prios(lab, 1, f"[1]{AGENT_B}") == {rloc4: 1},
          f"xTR1 caches cluster B's [1]172.20.4.0/24 -> xTR4 ({rloc4}), learnt through DDT")
    regs = {n: lab.ctl(n, "show", "registrations").stdout for n in (0, "ms-b")}
    check("]10." not in regs["ms-b"] and "]172.20." not in regs[0] and
          "[1]10.0.1.0/24" in regs[0] and "[1]172.20.4.0/24" in regs["ms-b"],
          "after the traffic still neither Map-Server holds the other cluster's mappings")


def crypto_agents(lab):
    demo_crypto.crypto_agents(lab, argparse.Namespace(
        say=say, check=check, show=show, ctl_json=ctl_json, reach=reach))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--hugepages", action="store_true")
    ap.add_argument("--as-test", action="store_true",
                    help="in meson test (the 'demo' test): cannot run = skip (77)")
    args = ap.parse_args()
    cannot = 77 if args.as_test else 1
    why = xlab.unavailable()
    if why:
        print("demo: cannot run:", why)
        return cannot
    if not os.access(os.path.join(args.build, "tests", "perf", "seqflow"), os.X_OK):
        print("demo: cannot run: no tests/perf/seqflow in", args.build)
        return cannot
    t_start = time.monotonic()
    lcores = ("0", "1", "0") if len(os.sched_getaffinity(0)) >= 2 else ("0", "0", "0")
    lab = xlab.Lab(args.build, tag="demo", lcores=lcores, hugepages=args.hugepages)
    try:
        say("Map-Server/Map-Resolver on 192.168.100.1; xTR1 (RLOC 192.168.100.21), xTR2 "
            "(.22) and xTR3 (.23),\n    each lispgw-cp + lispgw-dp on af_packet ports")
        lab.map_server(extra="cats:\n  policies: [{rank: \"load\"}]\n",
                       dns=("[1]dn:gpu-box-1", "[2]dn:gpu-box-1"),
                       crypto=(demo_crypto.CRYPTO_PREFIX,))
        agents = "agents: {state-file: %s/x%d-agents.json}\n"   # crypto-EID agents' keys
        lab.xtr(1, {1: "10.0.1.0/24", 2: "10.0.1.0/24"}, cp_extra=agents % (lab.dir, 1))
        # xTR2's CATS service-metric agent reads its RLOC's load from a file
        # (written in step 3b).
        lab.xtr(2, {1: "10.0.2.0/24", 2: "10.0.2.0/24"},
                cp_extra=f"cats:\n  metrics: {{file: {metrics_file(lab)}, interval: 1s, "
                "threshold-percent: 10}\n" + agents % (lab.dir, 2))
        lab.xtr(3, {1: "10.0.3.0/24"},
                cp_extra="cats:\n  policies: [{instance-id: 1, rank: \"load\"}]\n",
                dp_extra="itr: {flow-table: 65536}\n")
        for step in (tenants, gpu_agents, anycast, metrics_agent, state, handoff,
                     federation, crypto_agents):
            t0 = time.monotonic()
            try:
                step(lab)
            except Exception as e:  # noqa: BLE001 (shown, counted, and the demo goes on)
                check(False, f"{step.__name__}: {e!r}")
            print(f"  ({time.monotonic() - t0:.1f} s)")
    except Exception as e:  # noqa: BLE001
        check(False, f"lab: {e!r}")
    finally:
        for p in spawned:
            if p.poll() is None:
                p.kill()
                p.wait()
        if failures:
            for name in ("ms", "x1-cp", "x2-cp", "x3-cp", "x1-dp", "x2-dp", "x3-dp",
                         "root", "ms-b", "x4-cp", "x4-dp"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 800)}")
        say("cleaning up")
        lab.close()
    print(f"\ndemo ran {time.monotonic() - t_start:.0f} s")
    if failures:
        print("demo FAILED: " + "; ".join(failures))
        return 1
    print("demo done: everything worked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
