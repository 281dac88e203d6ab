#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A federated mapping system end to end (issue 14; docs/ddt.md,
"Federation"): LISP-DDT (RFC 8111) from a root to the Map-Servers of each
shard, in network namespaces (tests/lib/lispgwlab/xtr.py):

    root DDT node (.3): IIDs 1-4, 0.0.0.0/0 each, [k]10.0.0.0/8 delegated
      |- node A (.4): [1]10.0/16 -> MS1 (.6);  [3]10.0/16 -> MS3 (.8), MS3b (.9)
      |- node B (.5): [2]10.0/16 -> MS2 (.7);  [4]10.0/16 -> the root (a loop)
    DDT Map-Resolver (.2): roots [.3]
    xTR1: IID 1 (shard 1) and IID 3 (shared): [1] -> MS1, [3] -> MS3, MS3b
    xTR2: IID 2 (shard 2) and IID 3 (shared): [2] -> MS2, [3] -> MS3, MS3b

Shown: each Map-Server holds its own shard and nothing of another
(Instance-ID 1 never on MS2 or MS3); ping and TCP between the agents of the
two shards in the shared Instance-ID, resolved through the DDT
Map-Resolver; `lispgw-ctl lig --trace` shows root -> node A -> MS3;
MS3 killed (SIGKILL) while the DDT Map-Resolver resolves: every resolution
answered, from MS3b; the loop injected at node B: counted, bounded, a
negative reply."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import Checks  # noqa: E402
from lispgwlab import xtr as xlab  # noqa: E402

BUILD = os.environ.get("LISPGW_BUILD", "")
checks = Checks("dp-ddt-federation")
check = checks.check
failures = checks.failures
U = xlab.UNDERLAY
DDT_MR, ROOT, NODE_A, NODE_B = U + ".2", U + ".3", U + ".4", U + ".5"
MS1, MS2, MS3, MS3B = U + ".6", U + ".7", U + ".8", U + ".9"
MAP_SERVERS = {"ms1": (MS1, [1]), "ms2": (MS2, [2]), "ms3": (MS3, [3]), "ms3b": (MS3B, [3])}


def node_conf(auth, delegations):
    lines = ["roles: [ddt-node]", "ddt-node:", "  authoritative-prefixes:"]
    lines += [f'    - "{p}"' for p in auth]
    lines.append("  delegations:")
    for prefix, kind, addrs in delegations:
        refs = ", ".join(f"{{address: {a}}}" for a in addrs)
        lines.append(f'    - {{eid-prefix: "{prefix}", type: {kind}, referrals: [{refs}]}}')
    return "\n".join(lines) + "\n"


def ms_conf(iids, peers):
    prefixes = ", ".join(f'"[{i}]10.0.0.0/8"' for i in iids)
    return f"""\
roles: [map-server]
map-server:
  ddt-peers: [{", ".join(peers)}]
  sites:
    - {{name: lab, key-id: 2, key: "{xlab.KEY}", accept-more-specifics: true,
        eid-prefixes: [{prefixes}]}}
"""


def build(lab):
    lab.cp_node("root", ROOT, node_conf(
        ["[%d]0.0.0.0/0" % i for i in (1, 2, 3, 4)],
        [("[1]10.0.0.0/8", "ddt-node", [NODE_A]), ("[3]10.0.0.0/8", "ddt-node", [NODE_A]),
         ("[2]10.0.0.0/8", "ddt-node", [NODE_B]), ("[4]10.0.0.0/8", "ddt-node", [NODE_B])]))
    lab.cp_node("node-a", NODE_A, node_conf(
        ["[1]10.0.0.0/8", "[3]10.0.0.0/8"],
        [("[1]10.0.0.0/16", "map-server", [MS1]),
         ("[3]10.0.0.0/16", "map-server", [MS3, MS3B])]))
    # [4]: node B sends the walk back to the root, which sends it to node B.
    lab.cp_node("node-b", NODE_B, node_conf(
        ["[2]10.0.0.0/8", "[4]10.0.0.0/8"],
        [("[2]10.0.0.0/16", "map-server", [MS2]), ("[4]10.0.0.0/16", "ddt-node", [ROOT])]))
    for name, (addr, iids) in MAP_SERVERS.items():
        peers = [MS3, MS3B] if 3 in iids else [addr]
        lab.cp_node(name, addr, ms_conf(iids, peers))
    lab.cp_node("ddt-mr", DDT_MR, f"""\
roles: [map-resolver]
map-resolver:
  ddt:
    roots: [{{address: {ROOT}}}]
    request-timeout: 300ms
    retries: 2
""")
    shared = [MS3, MS3B]
    lab.xtr(1, {1: "10.0.1.0/24", 3: "10.0.1.0/24"}, subscribe=False, map_resolver=DDT_MR,
            map_servers=[(MS1, ["[1]0.0.0.0/0"])] + [(a, ["[3]0.0.0.0/0"]) for a in shared])
    lab.xtr(2, {2: "10.0.2.0/24", 3: "10.0.2.0/24"}, subscribe=False, map_resolver=DDT_MR,
            map_servers=[(MS2, ["[2]0.0.0.0/0"])] + [(a, ["[3]0.0.0.0/0"]) for a in shared])
    lab.host("a3", 1, 3, "10.0.1.10")
    lab.host("b3", 2, 3, "10.0.2.10")


def stats(lab, n):
    return json.loads(lab.ctl(n, "show", "stats", "--json").stdout or "{}")


def registrations(lab, name):
    return lab.ctl(name, "show", "registrations").stdout


def ddt_mr(lab):
    return stats(lab, "ddt-mr").get("ddt_mr", {})


def lig_record(lab, eid, iid):
    """The first record of lig's JSON answer through the DDT Map-Resolver."""
    out = lig(lab, eid, iid)
    try:
        rep = json.loads(out.splitlines()[0])
    except (ValueError, IndexError):
        rep = {}
    return (rep.get("records") or [{}])[0], out


def lig(lab, eid, iid, trace=False):
    args = ["lig", eid, "--iid", str(iid), "--count", "1", "--timeout", "3000"]
    args += ["--trace", ROOT] if trace else ["--mr", DDT_MR, "--json"]
    r = xlab.sh("ip", "netns", "exec", lab.nodes["ddt-mr"]["ns"], lab.bin("lispgw-ctl"), *args,
                check=False)
    return r.stdout + r.stderr


def main():
    why = xlab.unavailable()
    if why or not BUILD or not os.path.exists(os.path.join(BUILD, "dataplane", "lispgw-dp")):
        print("skipped:", why or "lispgw-dp not built (no DPDK)")
        return 77
    lab = xlab.Lab(BUILD, tag="fd")
    try:
        build(lab)
        return run(lab)
    finally:
        if failures:
            for name in ("ddt-mr", "root", "node-a", "ms3", "ms3b", "x1-cp", "x2-cp"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 1500)}")
        lab.close()


def run(lab):
    deadline = time.time() + 15
    while time.time() < deadline:
        r = {n: registrations(lab, n) for n in MAP_SERVERS}
        if ("[1]10.0.1.0/24" in r["ms1"] and "[2]10.0.2.0/24" in r["ms2"] and
                all("[3]10.0.1.0/24" in r[n] and "[3]10.0.2.0/24" in r[n] for n in ("ms3", "ms3b"))):
            break
        time.sleep(0.3)
    check("[1]10.0.1.0/24" in r["ms1"] and "[2]10.0.2.0/24" in r["ms2"],
          "each shard's Map-Server holds its shard", json.dumps(r)[:800])
    check(all("[3]10.0.1.0/24" in r[n] and "[3]10.0.2.0/24" in r[n] for n in ("ms3", "ms3b")),
          "both Map-Servers of the shared Instance-ID hold both xTRs' EIDs")
    check("[1]" not in r["ms2"] + r["ms3"] + r["ms3b"] and "[2]" not in r["ms1"] + r["ms3"] +
          r["ms3b"] and "[3]" not in r["ms1"] + r["ms2"],
          "no Instance-ID on a Map-Server of another shard")
    for name in MAP_SERVERS:
        ms = stats(lab, name).get("map_server", {})
        check(ms.get("registers_accepted", 0) > 0 and
              ms.get("registers_received") == ms.get("registers_accepted"),
              f"{name}: every Map-Register accepted ({ms.get('registers_accepted')})")

    out = lig(lab, "10.0.2.10", 3, trace=True)
    check(ROOT in out and NODE_A in out and ("ms-ack" in out.lower() or MS3 in out),
          "lig --trace [3]10.0.2.10: root -> node A -> MS3", out)
    print(out)

    ok, deadline = False, time.time() + 20
    while time.time() < deadline and not ok:
        ok = lab.ping("a3", "10.0.2.10", count=1, wait=1)[1] == 1
    check(ok, "a3 -> 10.0.2.10: xTR1's ITR resolved through the DDT Map-Resolver")
    sent, got = lab.ping("a3", "10.0.2.10", count=10, interval=0.05)
    check(got == sent, f"ping a3 -> b3 (shard 1's xTR to shard 2's, shared IID): {got}/{sent}")
    sent, got = lab.ping("b3", "10.0.1.10", count=10, interval=0.05)
    check(got == sent, f"ping b3 -> a3: {got}/{sent}")
    srv = lab.tcp_serve("b3", "shard2-b3", 5001)
    ident, intact, secs, err = lab.tcp_send("a3", "10.0.2.10", 5001, 1 << 20)
    check(ident == "shard2-b3" and intact,
          f"TCP a3 -> b3: 1 MiB arrived intact in {secs:.2f} s", err)
    srv.kill()

    # MS3 killed in the middle of traffic (a ping from b3 to a3 all along)
    # while the DDT Map-Resolver resolves: MS3b answers.
    answered, before = 0, ddt_mr(lab)
    pinger = lab.popen("b3", "ping", "-n", "-q", "-c", "60", "-i", "0.05", "10.0.1.10",
                       stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    lab.kill_node("ms3")
    for k in range(10):
        rec, out = lig_record(lab, "10.0.2.%d" % (10 + k), 3)
        answered += rec.get("eid") == "[3]10.0.2.0/24" and len(rec.get("locators", [])) == 1
    after = ddt_mr(lab)
    ping_out = pinger.communicate(timeout=30)[0]
    check(" 60 received" in ping_out, "b3 -> a3 ping across the kill: 60 of 60", ping_out)
    check(answered == 10, f"MS3 killed: {answered} of 10 resolutions answered, by MS3b")
    timeouts = after["timeouts"] - before["timeouts"]
    check(1 <= timeouts <= 2 and after["members_held"] - before["members_held"] >= 8 and
          after["requests_failed"] == before["requests_failed"],
          f"the DDT Map-Resolver timed out on MS3 {timeouts} time(s), then passed it over "
          f"({after['members_held'] - before['members_held']} times) for MS3b; no request "
          f"failed", json.dumps(after))

    # A delegation hole at node A: negative, for the least-specific prefix
    # inside [1]10.0.0.0/8 that covers 10.5.0.1 and not [1]10.0.0.0/16.
    rec, out = lig_record(lab, "10.5.0.1", 1)
    check(rec.get("eid") == "[1]10.4.0.0/14" and not rec.get("locators"),
          f"[1]10.5.0.1: delegation hole, negative [1]10.4.0.0/14 ({rec.get('eid')})", out)

    # The loop at node B: counted, bounded (a few Map-Requests), negative.
    before = ddt_mr(lab)
    rec, out = lig_record(lab, "10.0.9.9", 4)
    after = ddt_mr(lab)
    sent = after["ddt_requests_sent"] - before["ddt_requests_sent"]
    check(after["referral_loops"] == before["referral_loops"] + 1 and sent <= 4 and
          not rec.get("locators") and rec.get("eid", "").startswith("[4]"),
          f"the [4] delegation loop: counted once, {sent} DDT Map-Requests, negative reply "
          f"{rec.get('eid')}", out)
    print(checks.summary())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
