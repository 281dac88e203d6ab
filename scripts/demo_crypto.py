# SPDX-License-Identifier: BSD-3-Clause
"""Step 7 of the demo (scripts/demo.py): agents whose EIDs prove who they
are (draft-ietf-lisp-ecdsa-auth; docs/ecdsa.md, docs/security.md
"Registrations that cannot be spoofed").

sec-a behind xTR2 and sec-b behind xTR1 are registered with
`lispgw-ctl agent register --crypto-eid`: each xTR makes the agent a P-256
key and derives its IPv6 EID from it (in [1]fd00::/8, which the lab site
lists with auth: both), and registers it signed, with the public key under
its hash-EID. sec-b pings sec-a over the data plane (IPv6 EIDs in LISP over
the IPv4 underlay). Then xTR3, which holds the site's shared key but not
sec-a's private key, registers sec-a's EID as an agent of its own: the
Map-Server refuses it (refused_ecdsa_unsigned) and sec-a's mapping keeps
xTR2's RLOC."""
import time

CRYPTO_PREFIX = "[1]fd00::/8"


def crypto_agents(lab, ui):
    """ui: the demo's say, check, show, ctl_json and reach."""
    ui.say("7. agents with crypto-EIDs: the EID is the hash of the agent's public key, "
           "registrations signed\n    (draft-ietf-lisp-ecdsa-auth; the lab site has "
           f"auth: both, crypto-eid-prefixes [{CRYPTO_PREFIX}])")
    eids = {}
    for name, x in (("sec-a", 2), ("sec-b", 1)):
        r = lab.ctl(x, "agent", "register", name, "--iid", "1", "--crypto-eid", "--rloc",
                    lab.xtrs[x]["rloc"])
        ui.show(r, "    ")
        a = ui.ctl_json(lab, x, "agent", "show", name)
        eids[name] = (a.get("eid") or "").split("]")[-1].split("/")[0]
        if not ui.check(r.returncode == 0 and eids[name].startswith("fd"),
                        f"xTR{x}: agent register {name} --iid 1 --crypto-eid: EID "
                        f"{eids[name]}, hash-EID {a.get('hash_eid')}"):
            return
    for name, x in (("sec-a", 2), ("sec-b", 1)):
        lab.host6(name, x, 1, eids[name])
    a_eid, b_eid = eids["sec-a"], eids["sec-b"]
    ui.reach(lab, "sec-b", a_eid)
    sent, got = lab.ping("sec-b", a_eid, count=5, interval=0.1)
    ui.check(got == sent, f"sec-b ({b_eid}) -> sec-a ({a_eid}) over the data plane: "
             f"{got}/{sent} pings answered")
    before = ms_stats(lab, ui).get("refused_ecdsa_unsigned", 0)
    # xTR2's CATS metrics agent rewrites its mappings' RLOCs: a crypto-EID's
    # keeps its signature (cp_agents.c, record_is_signed).
    ui.check(before == 0, f"sec-a's and sec-b's own registrations: none refused "
             f"(refused_ecdsa_unsigned {before})")
    print(f"\n  the spoofer: xTR3 has the site's key, not sec-a's private key:\n"
          f"    lispgw-ctl agent register spoof --iid 1 --eid {a_eid} --rloc "
          f"{lab.xtrs[3]['rloc']}  (on xTR3)")
    r = lab.ctl(3, "agent", "register", "spoof", "--iid", "1", "--eid", a_eid, "--rloc",
                lab.xtrs[3]["rloc"])
    ui.show(r, "    ")
    deadline, refused = time.time() + 5, 0
    while time.time() < deadline and refused <= before:
        refused = ms_stats(lab, ui).get("refused_ecdsa_unsigned", 0)
        time.sleep(0.1)
    ui.check(refused > before, f"the Map-Server refuses xTR3's registration of {a_eid}: "
             f"map_server.refused_ecdsa_unsigned {before} -> {refused}")
    print("  the Map-Server's log:")
    for line in [x for x in lab.tail("ms", 100000).splitlines() if "refused" in x][-4:]:
        print("    " + line.split(" warn: ")[-1])
    regs = ui.ctl_json(lab, 0, "show", "registrations").get("registrations", [])
    rlocs = [r.get("address") for g in regs if g.get("eid") == f"[1]{a_eid}/128"
             for r in g.get("rlocs", []) if r.get("priority") != 255]
    ui.check(rlocs == [lab.xtrs[2]["rloc"]], f"[1]{a_eid}/128 still maps to xTR2 "
             f"({lab.xtrs[2]['rloc']}), not xTR3: {rlocs}")
    sent, got = lab.ping("sec-b", a_eid, count=3, interval=0.1)
    ui.check(got == sent, f"sec-b -> sec-a after the attempt: {got}/{sent} pings answered")
    lab.ctl(3, "agent", "remove", "spoof")


def ms_stats(lab, ui):
    return ui.ctl_json(lab, 0, "show", "stats").get("map_server", {})
