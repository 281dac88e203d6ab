#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A single-NIC gateway: lispgw-dp on net_af_xdp with our XDP program
(docs/dataplane-afxdp.md), in network namespaces (tests/lib/lispgwlab/xtr.py).

    gateway namespace G, ONE interface eth0 (192.168.100.30, fd00:100::30):
        lispgw-dp  RLOC port = net_af_xdp on eth0 + lispgw_xdp.o
                   EID port  = net_pcap (tx_pcap): what it decapsulates
        lispgw-cp  xTR, UDP 4342 and REST on 192.168.100.30 (the kernel's)
        a TCP listener on port 22 (the kernel's)
      eth0 -- underlay bridge -- peer P (scapy, TCP client)
                              -- the lab's Map-Server (lispgw-cp)

On that same interface, while lispgw-dp runs: LISP packets built by scapy
(the 8 LISP bytes by hand) to our RLOCs on 4341 are decapsulated (counters,
and the inner packets in the EID port's pcap byte for byte); a TCP
connection to port 22 carries 2 MiB intact; lispgw-cp registers with the
Map-Server and gets its Map-Notify back on UDP 4342; ARP and ND for our
RLOCs are answered by the kernel (lispgw-dp never sees them); lispgw-dp's
next hops come from the kernel's neighbour table; the XDP program's
counters equal what was sent.  Then two xTRs whose RLOC ports are af_xdp
(Lab(driver="af_xdp")): ping both ways and TCP end to end.  Root; else 77."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from lispgwlab.check import Checks  # noqa: E402
from lispgwlab import xtr as xlab  # noqa: E402
from lispgwlab.daemons import Telemetry  # noqa: E402
from lispgwlab.netns import mac_of  # noqa: E402

BUILD = os.environ.get("LISPGW_BUILD", "")
SCAPY_PY = "/usr/bin/python3"
GW4, GW6 = "192.168.100.30", "fd00:100::30"
PEER4, PEER6 = "192.168.100.5", "fd00:100::5"
NOBODY4 = "192.168.100.77"         # a next hop nobody answers for
PEER_MAC = "02:00:00:00:01:01"     # the EID port's site router (peer-mac)
N4, N6, N_OTHER = 20, 10, 5
checks = Checks("dp-afxdp")
check = checks.check
failures = checks.failures


def nsx(ns, *args, timeout=30, check_rc=False):
    return xlab.sh("ip", "netns", "exec", ns, *args, check=check_rc, timeout=timeout)


def wait(pred, timeout, step=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def telemetry(prefix, cmd):
    """One DPDK telemetry command on lispgw-dp's socket."""
    try:
        tel = Telemetry(f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2", timeout=5)
    except (OSError, ValueError):
        return None
    try:
        return json.loads(tel.raw(cmd)).get(cmd)
    except (OSError, ValueError):
        return None
    finally:
        tel.close()


def counters(proc, timeout=5):
    return proc.counters(timeout)


# Frames by scapy in the peer namespace: LISP to our RLOCs (and to an
# address that is not ours), ARP and ND for our RLOCs.
SEND = r"""
import struct, sys
from scapy.all import Ether, IP, IPv6, UDP, Raw, sendp
gw_mac, n4, n6, n_other = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
src4, dst4, src6, dst6 = sys.argv[5:9]
def lisp(iid):   # RFC 9300 5.3: flags (I), nonce/map-version 0, IID << 8 | LSBs
    return struct.pack("!BBBBI", 0x08, 0, 0, 0, iid << 8)
frames = []
for i in range(n4):
    inner = IP(src="10.9.0.7", dst="10.1.0.10", ttl=50) / UDP(sport=7000 + i, dport=9) / \
        Raw(b"axd-v4-%03d" % i)
    frames.append(Ether(dst=gw_mac) / IP(src=src4, dst=dst4) / UDP(sport=50000 + i, dport=4341) /
                  Raw(lisp(1) + bytes(inner)))
for i in range(n6):
    inner = IPv6(src="fd09::7", dst="fd01::10", hlim=50) / UDP(sport=7100 + i, dport=9) / \
        Raw(b"axd-v6-%03d" % i)
    frames.append(Ether(dst=gw_mac) / IPv6(src=src6, dst=dst6) /
                  UDP(sport=51000 + i, dport=4341) / Raw(lisp(1) + bytes(inner)))
for i in range(n_other):   # not our RLOC: the kernel's (and it is not decapsulated)
    inner = IP(src="10.9.0.7", dst="10.1.0.10") / UDP(sport=7200 + i, dport=9) / Raw(b"other")
    frames.append(Ether(dst=gw_mac) / IP(src=src4, dst="192.168.100.99") /
                  UDP(sport=52000 + i, dport=4341) / Raw(lisp(1) + bytes(inner)))
sendp(frames, iface="eth0", verbose=False)
print(len(frames))
"""

RESOLVE = r"""
import sys
from socket import AF_INET6, inet_ntop, inet_pton
from scapy.all import (ARP, Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptSrcLLAddr, IPv6, conf, srp)
from scapy.utils6 import in6_getnsma, in6_getnsmac
conf.verb = 0
my_mac, gw4, gw6, me6 = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
a, _ = srp(Ether(dst="ff:ff:ff:ff:ff:ff", src=my_mac) / ARP(pdst=gw4, hwsrc=my_mac),
           iface="eth0", timeout=2, retry=2)
print("arp", a[0][1][ARP].hwsrc if a and a[0][1][ARP].op == 2 and a[0][1][ARP].psrc == gw4
      else "none")
nsma = inet_ntop(AF_INET6, in6_getnsma(inet_pton(AF_INET6, gw6)))
ns = Ether(src=my_mac, dst=in6_getnsmac(in6_getnsma(inet_pton(AF_INET6, gw6)))) / \
    IPv6(src=me6, dst=nsma, hlim=255) / ICMPv6ND_NS(tgt=gw6) / ICMPv6NDOptSrcLLAddr(lladdr=my_mac)
a, _ = srp(ns, iface="eth0", timeout=2, retry=2)
na = a[0][1] if a else None
print("nd", na[ICMPv6NDOptDstLLAddr].lladdr if na is not None and na.haslayer(ICMPv6ND_NA) and
      na.haslayer(ICMPv6NDOptDstLLAddr) and na[ICMPv6ND_NA].tgt == gw6 else "none")
"""

PCAP = r"""
import sys
from scapy.all import Ether, IP, IPv6, Raw, rdpcap
for p in rdpcap(sys.argv[1]):
    l3 = p[IP] if IP in p else p[IPv6] if IPv6 in p else None
    print(p[Ether].dst, l3.src if l3 else "-", l3.dst if l3 else "-",
          p[Raw].load.decode(errors="replace") if Raw in p else "-")
"""


def build_ok():
    need = [os.path.join(BUILD, "dataplane", "lispgw-dp"),
            os.path.join(BUILD, "dataplane", "xdp", "lispgw_xdp.o"),
            os.path.join(BUILD, "controlplane", "lispgw-cp"),
            os.path.join(BUILD, "ctl", "lispgw-ctl")]
    missing = [p for p in need if not os.path.exists(p)]
    if missing:
        return "not built: " + ", ".join(missing) + " (no DPDK, libbpf or clang?)"
    if subprocess.run([SCAPY_PY, "-c", "import scapy.all"], capture_output=True).returncode:
        return "no scapy at " + SCAPY_PY
    return None


def main():
    why = xlab.unavailable() or (None if BUILD else "LISPGW_BUILD not set") or build_ok()
    if why:
        print("skipped:", why)
        return 77
    lab = xlab.Lab(BUILD, tag="axd", driver="af_xdp")
    try:
        config_checks(lab)
        lab.map_server(iids=(1,))
        single_nic(lab)
        two_xtrs(lab)
    except Exception as e:     # a step that could not run is a failure, with the logs
        check(False, f"{type(e).__name__}: {e}")
    finally:
        if failures:
            for name in ("gw-dp", "gw-cp", "ms", "x1-dp", "x2-dp"):
                print(f"--- {name} log (tail)\n{lab.tail(name, 1500)}")
        lab.close()
        if getattr(lab, "tel_dir", None):
            shutil.rmtree(lab.tel_dir, ignore_errors=True)
    print(checks.summary())
    return 1 if failures else 0


BAD_CONF = """\
ports:
  - {name: r1, device: net_af_xdp0, role: rloc, addresses: ["192.0.2.1/24"],
     xdp-program: lispgw, neighbours: dataplane}
  - {name: e1, device: net_af_xdp1, role: eid, instance-id: 1, xdp-program: lispgw,
     neighbours: kernel}
  - {name: r2, device: net_af_xdp2, role: rloc, addresses: ["192.0.2.2/24"], xdp-program: bpf}
instances:
  - {instance-id: 1, encapsulation: lisp}
"""


def config_checks(lab):
    """The port options' checks (lispgw-dp -n: no EAL)."""
    # A schema error (an unknown value) stops before the semantic checks.
    path = lab.write("bad.yaml", BAD_CONF)
    r = xlab.sh(lab.bin("lispgw-dp"), "--", "-n", "-c", path, check=False)
    check(r.returncode == 1 and "bad.yaml:6: ports[2].xdp-program: unknown value 'bpf' "
          "(one of: none, lispgw)" in r.stderr, "lispgw-dp -n: xdp-program's values", r.stderr)
    path = lab.write("bad.yaml", BAD_CONF.replace("xdp-program: bpf", "xdp-program: none"))
    r = xlab.sh(lab.bin("lispgw-dp"), "--", "-n", "-c", path, check=False)
    want = ["bad.yaml:3: ports[0].neighbours: with xdp-program lispgw, ARP and ND go to the kernel",
            "bad.yaml:5: ports[1].neighbours: kernel neighbours are for rloc ports only",
            "bad.yaml:4: ports[1].xdp-program: an eid port with xdp-program lispgw needs peer-mac"]
    check(r.returncode == 1 and all(w in r.stderr for w in want),
          "lispgw-dp -n: xdp-program / neighbours errors with their lines", r.stderr)
    check(r.stderr.count("bad.yaml:") == 3, "lispgw-dp -n: those three errors only", r.stderr)
    good = lab.write("good.yaml", BAD_CONF.replace("neighbours: dataplane", "")
                     .replace("neighbours: kernel", 'peer-mac: "02:00:00:00:00:01"')
                     .replace("xdp-program: bpf", "xdp-program: none"))
    r = xlab.sh(lab.bin("lispgw-dp"), "--", "-n", "-c", good, check=False)
    check(r.returncode == 0, "lispgw-dp -n: the same ports, fixed, are accepted", r.stderr)


def gw_setup(lab):
    """G (the gateway) and P (its peer) on the underlay, and G's lispgw-dp
    configuration: (g, p, G's MAC, P's MAC, the XDP program, the EID
    side's pcap, the configuration, lispgw-dp's EAL arguments)."""
    g, p = lab.netns("g"), lab.netns("p")
    lab.veth(g, "eth0", lab.u, "gw")
    lab.veth(p, "eth0", lab.u, "pr")
    for dev in ("gw", "pr"):
        lab.to_bridge(lab.u, dev, "br0")
    for ns, a4, a6 in ((g, GW4, GW6), (p, PEER4, PEER6)):
        xlab.sh("ip", "-n", ns, "addr", "add", a4 + "/24", "dev", "eth0")
        xlab.sh("ip", "-n", ns, "addr", "add", a6 + "/64", "dev", "eth0", "nodad")
    # UDP to AF_XDP arrives with partial checksums unless the sender's
    # offload is off (MACHINE.md); the Map-Server sends Map-Notifies to G.
    nsx(p, "ethtool", "-K", "eth0", "tx", "off")
    nsx(lab.ms_ns, "ethtool", "-K", "mgmt", "tx", "off")
    gw_mac, peer_mac = mac_of(g, "eth0"), mac_of(p, "eth0")
    prog = os.path.join(lab.build, "dataplane", "xdp", "lispgw_xdp.o")
    pcap = os.path.join(lab.dir, "eid.pcap")
    conf = lab.write("gw-dp.yaml", f"""\
ports:
  - name: rloc
    device: net_af_xdp0
    role: rloc
    addresses: ["{GW4}/24", "{GW6}/64"]
    xdp-program: lispgw          # neighbours: kernel (the default with it)
  - {{name: eid, device: net_pcap0, role: eid, instance-id: 1, peer-mac: "{PEER_MAC}"}}
instances:
  - {{instance-id: 1, encapsulation: lisp}}
static-map-cache:     # next hops the kernel resolves for us
  - {{eid-prefix: "[1]10.9.0.0/16", rlocs: [{{address: {PEER4}}}]}}
  - {{eid-prefix: "[1]fd09::/32", rlocs: [{{address: "{PEER6}"}}]}}
  - {{eid-prefix: "[1]10.8.0.0/16", rlocs: [{{address: {NOBODY4}}}]}}
""")
    eal = [lab.bin("lispgw-dp"), "-l", "0", "--no-huge", "-m", "512", "--no-shconf",
           "--no-telemetry", "--no-pci", "--log-level", "lib.eal:error"]
    return g, p, gw_mac, peer_mac, prog, pcap, conf, eal


def refusals(lab, g, eal, conf, prog, pcap):
    # Without xdp_prog= the PMD loads a program of its own, which would
    # take every packet from the kernel: refused, said how to fix, and
    # the interface left without a program.
    r = nsx(g, *eal, "--vdev", "net_af_xdp0,iface=eth0", "--vdev",
            f"net_pcap0,tx_pcap={pcap}", "--", "-c", conf, timeout=30)
    link = xlab.sh("ip", "-n", g, "link", "show", "eth0").stdout
    check(r.returncode != 0 and "not lispgw_xdp: give its vdev xdp_prog=" in r.stderr and
          "prog/xdp" not in link,
          "without xdp_prog=: refused with what to do, no program left on eth0",
          f"rc {r.returncode}: {r.stderr[-600:]}\n{link}")
    # A program left on the interface (by a killed process): refused before
    # the PMD tries, with how to remove it; the program is not ours to take.
    r = xlab.sh("ip", "-n", g, "link", "set", "dev", "eth0", "xdp", "obj", prog, "sec", "xdp",
                  check=False)
    if check(r.returncode == 0, "a leftover XDP program attached with ip link", r.stderr):
        r = nsx(g, *eal, "--vdev", f"net_af_xdp0,iface=eth0,xdp_prog={prog}", "--vdev",
                f"net_pcap0,tx_pcap={pcap}", "--", "-c", conf, timeout=30)
        check(r.returncode != 0 and "already runs XDP program 'lispgw_xdp'" in r.stderr and
              "ip link set dev eth0 xdp off" in r.stderr,
              "a leftover program: refused, with the command that removes it", r.stderr[-600:])
        xlab.sh("ip", "-n", g, "link", "set", "dev", "eth0", "xdp", "off")


def start_gw(lab, g, eal, conf, prog, pcap):
    """G's lispgw-dp on eth0 with our program: (its Proc or None, its
    telemetry file prefix)."""
    # This one with DPDK telemetry (/lispgw/xdp), on its own runtime directory.
    prefix = lab.tag + "gw"
    eal_tel = [a for a in eal if a not in ("--no-shconf", "--no-telemetry")]
    lab.tel_dir = f"/var/run/dpdk/{prefix}"
    dp = xlab.Proc(eal_tel + ["--file-prefix", prefix, "--vdev",
                              f"net_af_xdp0,iface=eth0,xdp_prog={prog}", "--vdev",
                              f"net_pcap0,tx_pcap={pcap}", "--", "-c", conf],
                   os.path.join(lab.dir, "gw-dp.log"), ns=g, stdout_lines=True)
    lab.procs["gw-dp"] = dp
    link = wait(lambda: "lispgw_xdp" in lab.tail("gw-dp") and
                xlab.sh("ip", "-n", g, "link", "show", "eth0").stdout, 20)
    if not check(dp.alive() and link and "prog/xdp" in link and "lispgw_xdp" in link,
                 "lispgw-dp started; eth0 runs XDP program lispgw_xdp", str(link)):
        return None, prefix
    return dp, prefix


def kernel_neighbours(lab, g, dp, peer_mac):
    # Next hops from the kernel's neighbour table: no ARP/ND of lispgw-dp.
    c = wait(lambda: (lambda c: c if c and c["neigh"]["resolved"] == 2 else None)(
        counters(dp)), 10)
    n = (c or {}).get("neigh", {})
    check(n.get("resolved") == 2 and n.get("learned") == 2,
          f"both next hops ({PEER4}, {PEER6}) resolved through the kernel", str(n))
    check(n.get("requests_sent") == 0 and n.get("kernel_solicits", 0) >= 2,
          f"lispgw-dp sent no ARP/ND itself, asked the kernel "
          f"{n.get('kernel_solicits')} times", str(n))
    kn = xlab.sh("ip", "-n", g, "neigh", "show", "dev", "eth0").stdout
    check(all(any(a in ln and peer_mac in ln for ln in kn.splitlines()) for a in (PEER4, PEER6)),
          f"the kernel's table has {PEER4} and {PEER6} at the peer's MAC", kn)
    # Nobody answers for NOBODY4: the kernel fails it, lispgw-dp does not use it.
    kn = wait(lambda: (lambda t: t if "FAILED" in t else None)(xlab.sh(
        "ip", "-n", g, "neigh", "show", NOBODY4, "dev", "eth0").stdout), 10) or ""
    c = counters(dp) or {}
    check("FAILED" in kn and c.get("neigh", {}).get("next_hops") == 3 and
          c["neigh"]["resolved"] == 2,
          f"{NOBODY4}: FAILED in the kernel, not resolved in lispgw-dp", kn + str(c.get("neigh")))
    # A flush of the kernel's table: lispgw-dp asks again at once.
    s0 = c.get("neigh", {}).get("kernel_solicits", 0)
    xlab.sh("ip", "-n", g, "neigh", "flush", "dev", "eth0")
    c = wait(lambda: (lambda c: c if c and c["neigh"]["kernel_solicits"] >= s0 + 2 and
                      c["neigh"]["resolved"] == 2 else None)(counters(dp)), 5) or {}
    kn = xlab.sh("ip", "-n", g, "neigh", "show", "dev", "eth0").stdout
    check(bool(c) and any(PEER4 in ln and peer_mac in ln for ln in kn.splitlines()),
          "after ip neigh flush: lispgw-dp had the kernel resolve its next hops again",
          str(c.get("neigh")) + kn)


def control_plane_on_g(lab, g):
    # (c) the control plane's UDP 4342 stays with the kernel: lispgw-cp on
    # G registers across eth0 and the Map-Notify comes back to it.
    cpconf = lab.write("gw-cp.yaml", f"""\
roles: [etr]
log-level: info
listen: {{addresses: [{GW4}]}}
rest: {{address: {xlab.REST_ADDR}, port: 8080, token: "{xlab.TOKEN}"}}
etr:
  map-servers: [{{address: {xlab.MS_ADDR}, key-id: 2, key: "{xlab.KEY}"}}]
  register-interval: 10s
  database:
    - {{eid-prefix: "[1]10.1.0.0/24", rlocs: [{{address: {GW4}}}]}}
""")
    lab.procs["gw-cp"] = xlab.Proc([lab.bin("lispgw-cp"), "-d", "-c", cpconf],
                                   os.path.join(lab.dir, "gw-cp.log"), ns=g)
    lab.wait_api(g, GW4)
    regs = wait(lambda: (lambda r: r if "10.1.0.0/24" in r and GW4 in r else None)(
        lab.ctl(0, "show", "registrations").stdout), 15) or ""
    check("10.1.0.0/24" in regs and GW4 in regs,
          f"lispgw-cp on G registered [1]10.1.0.0/24 -> {GW4} with the Map-Server", regs)

    def notifies():
        r = nsx(g, lab.bin("lispgw-ctl"), "--api", f"http://{xlab.REST_ADDR}:8080", "--token",
                xlab.TOKEN, "show", "stats", "--json")
        try:
            return json.loads(r.stdout)["etr"]["notifies_received"]
        except (ValueError, KeyError, TypeError):
            return 0
    got = wait(notifies, 10)
    check(got >= 1, f"its Map-Notify came back on UDP 4342 to the kernel ({got})")


def kernel_services(lab, g, p, gw_mac, peer_mac):
    # (b) a kernel TCP connection to port 22 on the same interface.
    srv = subprocess.Popen(["ip", "netns", "exec", g, sys.executable, "-c", xlab.SERVER,
                            "gw-ssh", "22"], stdout=subprocess.PIPE, text=True)
    try:
        srv.stdout.readline()
        r = nsx(p, sys.executable, "-c", xlab.CLIENT, GW4, "22", str(2 * 1024 * 1024),
                timeout=60)
        out = r.stdout.split()
        check(len(out) == 3 and out[0] == "gw-ssh" and out[1] == "True",
              f"TCP to {GW4}:22 (the kernel's): 2 MiB intact", r.stdout + r.stderr)
    finally:
        srv.kill()
        srv.wait()

    # (d) ARP and ND for our RLOCs: the kernel answers with eth0's MAC.
    r = nsx(p, SCAPY_PY, "-c", RESOLVE, peer_mac, GW4, GW6, PEER6, timeout=30)
    res = dict(ln.split(None, 1) for ln in r.stdout.splitlines() if " " in ln)
    check(res.get("arp") == gw_mac, f"ARP for {GW4} answered with {res.get('arp')}",
          r.stdout + r.stderr)
    check(res.get("nd") == gw_mac, f"NS for {GW6} answered with {res.get('nd')}",
          r.stdout + r.stderr)
    r = nsx(p, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "1", GW6)
    check(" 0% packet loss" in r.stdout, f"ping6 {GW6} (the kernel's)", r.stdout)


def lisp_decap(lab, p, gw_mac, dp, prefix, before):
    # (a) LISP to our RLOCs: decapsulated by lispgw-dp.
    r = nsx(p, SCAPY_PY, "-c", SEND, gw_mac, str(N4), str(N6), str(N_OTHER), PEER4, GW4,
            PEER6, GW6, timeout=30)
    check(r.stdout.strip() == str(N4 + N6 + N_OTHER), "scapy sent the LISP frames",
          r.stdout + r.stderr)
    after = wait(lambda: (lambda c: c if c and c["decap_lisp"] - before["decap_lisp"] >= N4 + N6
                          else None)(counters(dp)), 5) or counters(dp)
    if not check(before is not None and after is not None, "counters before and after"):
        return False
    d = {k: after[k] - before[k] for k in ("rx_rloc", "decap_lisp", "tx", "punt_arp",
                                           "punt_nd", "drop_not_our_rloc")}
    check(d["decap_lisp"] == N4 + N6 and d["rx_rloc"] == N4 + N6 and d["tx"] == N4 + N6,
          f"lispgw-dp got and decapsulated exactly the {N4 + N6} frames to our RLOCs", str(d))
    check(d["drop_not_our_rloc"] == 0 and d["punt_arp"] == 0 and d["punt_nd"] == 0,
          "nothing else reached lispgw-dp (no ARP, no ND, not the frames to .99)", str(d))
    x0, x1 = before.get("xdp", {}).get("rloc", {}), after.get("xdp", {}).get("rloc", {})
    if check(bool(x0) and bool(x1), "the XDP program's counters are in the counters line"):
        check(x1["fastpath"] - x0["fastpath"] == N4 + N6,
              f"XDP fastpath +{x1['fastpath'] - x0['fastpath']} == {N4 + N6} sent to 4341")
        check(x1["kernel"] - x0["kernel"] >= N_OTHER + 10,
              f"XDP kernel +{x1['kernel'] - x0['kernel']} (TCP, ARP, ND, the frames to .99)")
        check(x1["fastpath"] == after["rx_rloc"] and x1["malformed"] == 0,
              f"XDP fastpath {x1['fastpath']} == lispgw-dp rx_rloc {after['rx_rloc']}, "
              f"malformed {x1['malformed']}")
    tel = telemetry(prefix, "/lispgw/xdp")
    t = (tel or {}).get("rloc", {})
    check(t.get("fastpath") == x1.get("fastpath") and t.get("mode") == "rloc" and
          t.get("prog_id") == x1.get("prog_id") and t.get("kernel", 0) >= x1.get("kernel", 0),
          f"/lispgw/xdp (telemetry) says the same: fastpath {t.get('fastpath')}", str(tel))
    n = after.get("neigh", {})
    check(n.get("arp_in") == 0 and n.get("nd_in") == 0 and n.get("replies_sent") == 0,
          "lispgw-dp saw no ARP/ND and answered none: the kernel did", str(n))
    return True


def stop_gw(lab, g, dp, pcap):
    # Stop: the PMD detaches the program, net_pcap writes the EID side.
    dp.stop()
    link = xlab.sh("ip", "-n", g, "link", "show", "eth0").stdout
    check("prog/xdp" not in link, "lispgw-dp's exit detached the XDP program", link)
    r = subprocess.run([SCAPY_PY, "-c", PCAP, pcap], capture_output=True, text=True, timeout=60)
    lines = r.stdout.splitlines()
    want = ([f"{PEER_MAC} 10.9.0.7 10.1.0.10 axd-v4-{i:03d}" for i in range(N4)] +
            [f"{PEER_MAC} fd09::7 fd01::10 axd-v6-{i:03d}" for i in range(N6)])
    check(sorted(lines) == sorted(want),
          f"the EID side got the {N4 + N6} inner packets, to peer-mac, none else",
          "\n".join(lines[:5]) + r.stderr)
    dp.p.wait()


def single_nic(lab):
    g, p, gw_mac, peer_mac, prog, pcap, conf, eal = gw_setup(lab)
    refusals(lab, g, eal, conf, prog, pcap)
    dp, prefix = start_gw(lab, g, eal, conf, prog, pcap)
    if dp is None:
        return
    kernel_neighbours(lab, g, dp, peer_mac)
    control_plane_on_g(lab, g)
    before = counters(dp)
    kernel_services(lab, g, p, gw_mac, peer_mac)
    if not lisp_decap(lab, p, gw_mac, dp, prefix, before):
        return
    stop_gw(lab, g, dp, pcap)


def two_xtrs(lab):
    """Two xTRs whose RLOC ports are af_xdp with our program (the lab's
    Map-Server, mappings by Map-Requests): ping both ways and TCP."""
    lab.xtr(1, {1: "10.0.1.0/24"})
    lab.xtr(2, {1: "10.0.2.0/24"})
    lab.host("a", 1, 1, "10.0.1.10")
    lab.host("b", 2, 1, "10.0.2.10")
    for n in (1, 2):
        link = xlab.sh("ip", "-n", lab.xtrs[n]["ns"], "link", "show", "rloc").stdout
        check("lispgw_xdp" in link, f"xTR{n}: rloc runs lispgw_xdp", link)
    ok = wait(lambda: lab.ping("a", "10.0.2.10", count=1, wait=1)[1] == 1, 20)
    check(ok, "a -> 10.0.2.10 across af_xdp RLOC ports: resolved after a miss")
    for src, dst in (("a", "10.0.2.10"), ("b", "10.0.1.10")):
        sent, got = lab.ping(src, dst, count=10, interval=0.05)
        check(got == sent, f"ping {src} -> {dst}: {got}/{sent}")
    srv = lab.tcp_serve("b", "host-b", 5001)
    try:
        ident, intact, secs, err = lab.tcp_send("a", "10.0.2.10", 5001, 2 * 1024 * 1024)
        check(ident == "host-b" and intact, f"TCP a -> b: 2 MiB intact ({secs:.2f} s)", err)
    finally:
        srv.kill()
    for n in (1, 2):
        # The program counts a frame before lispgw-dp has read it from the
        # AF_XDP ring (a TCP tail still in flight, slower under ASan): the
        # two agree once it is read.
        deadline = time.time() + 3
        while True:
            c = lab.counters(n) or {}
            x = c.get("xdp", {}).get("rloc", {})
            if x.get("fastpath") == c.get("rx_rloc") or time.time() > deadline:
                break
            time.sleep(0.1)
        nb = c.get("neigh", {})
        # (requests_sent counts the EID side's host probes: lispgw-dp's own)
        check(c.get("encap_lisp", 0) > 0 and c.get("decap_lisp", 0) > 0 and
              x.get("fastpath") == c.get("rx_rloc") and nb.get("resolved", 0) >= 1 and
              nb.get("kernel_solicits", 0) >= 1 and nb.get("kernel_events", 0) >= 1,
              f"xTR{n}: encap {c.get('encap_lisp')}, decap {c.get('decap_lisp')}, XDP fastpath "
              f"{x.get('fastpath')} == rx_rloc {c.get('rx_rloc')}, next hop from the kernel",
              str(nb))


if __name__ == "__main__":
    sys.exit(main())
