# SPDX-License-Identifier: BSD-3-Clause
"""A LISP lab in network namespaces, for the end-to-end tests and the demo.

    underlay namespace U: bridge br0 (192.168.100.0/24)
      |- MS/MR namespace: lispgw-cp (map-server, map-resolver) on .1
      |- MR namespace (map_resolver(), optional): a stand-alone map-resolver on .2
      |- xTR n namespace: lispgw-dp's RLOC port (af_packet, RLOC .2n, no kernel
      |                   address) and lispgw-cp's management link (.1n)
      |                   per Instance-ID i: bridge bri <- lispgw-dp's EID port
      |- host namespaces: eth0 on bridge bri of their xTR (moved by move())

Every name carries a per-run tag, every process and namespace is removed by
close() (also at exit and on SIGINT/SIGTERM).  Root only.

Lab(driver="af_xdp") gives the xTRs' RLOC ports to net_af_xdp with our XDP
program (docs/dataplane-afxdp.md): the kernel then owns the RLOC address on
that link and answers its ARP, lispgw-dp takes its next hops from the
kernel's neighbour table.

lab.xtr(n, ..., exception={...}) gives xTR n's RLOC port an exception
interface (docs/dataplane.md, "Exception path"): a TAP lispgw-dp creates,
carrying the RLOC; its lispgw-cp then listens on the RLOC itself (control
traffic through lispgw-dp both ways) and its management link moves to a
subnet of its own, off the underlay, so that the kernel reaches the underlay
only through the TAP."""
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from .daemons import Proc, binary
from .netns import Namespaces, sh, unavailable

__all__ = ["Lab", "Proc", "sh", "unavailable", "UNDERLAY", "MS_ADDR", "MR_ADDR", "KEY", "TOKEN"]

UNDERLAY = "192.168.100"
# Each lispgw-cp's REST API: on its namespace's loopback, reached with
# `ip netns exec` (a public REST address must be https, docs/security.md
# "REST over TLS").
REST_ADDR = "127.0.0.1"
MS_ADDR = UNDERLAY + ".1"
MR_ADDR = UNDERLAY + ".2"
KEY = "lab-site-key"
TOKEN = "lispgw-lab-token-not-secret"


SERVER = r"""
import hashlib, socket, sys
ident, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port)); s.listen(4); s.settimeout(60)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", port))
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.settimeout(30)
    c.sendall(ident.encode()[:32].ljust(32))
    hdr = b""
    while len(hdr) < 8:
        hdr += c.recv(8 - len(hdr))
    h, n = hashlib.sha256(), int.from_bytes(hdr, "big")
    got = 0
    while got < n:
        b = c.recv(65536)
        if not b:
            break
        h.update(b); got += len(b)
    c.sendall(h.hexdigest().encode())
    c.close()
"""

CLIENT = r"""
import hashlib, os, socket, sys, time
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.urandom(n)
t0 = time.time()
c = socket.create_connection((dst, port), timeout=10); c.settimeout(30)
def exactly(k):
    b = b""
    while len(b) < k:
        r = c.recv(k - len(b))
        if not r:
            break
        b += r
    return b
ident = exactly(32).decode().strip()
c.sendall(n.to_bytes(8, "big")); c.sendall(data)
digest = exactly(64).decode()
print(ident, digest == hashlib.sha256(data).hexdigest(), time.time() - t0, flush=True)
"""


class Lab(Namespaces):
    def __init__(self, build, tag="lg", lcores=("0", "0"), hugepages=False,
                 driver="af_packet"):
        if driver not in ("af_packet", "af_xdp"):
            raise ValueError(f"driver {driver}: af_packet or af_xdp")
        self.driver = driver
        self.build = build
        self.hugepages = hugepages
        super().__init__(tag)
        self.dir = tempfile.mkdtemp(prefix="lispgw-lab-")
        self.procs = {}
        self.xtrs = {}
        self.nodes = {}
        self.hosts = {}
        self.lcores = lcores
        self.closed = False
        atexit.register(self.close)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        self.u = self.netns("u")
        self.bridge(self.u, "br0")

    def _on_signal(self, signum, frame):
        # A second signal while closing (timeout --foreground relays the
        # terminal's SIGINT that the process group got too) must not cut
        # close() short: namespaces would be left behind.
        if self.closed:
            return
        self.close()
        sys.exit(130)

    def bin(self, name):
        return binary(name, self.build)

    def _quiet(self, ns, dev):
        """A link the data plane owns: no kernel IPv6 chatter (RS, MLD, DAD)
        on it, no checksum offload (af_packet would see partial sums)."""
        sh("ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1")
        sh("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", "off", check=False)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    # --- the map-server / map-resolver ----------------------------------------------

    def map_server(self, iids=(1, 2), extra="", dns=(), resolver=True, crypto=()):
        """The Map-Server/Map-Resolver; extra: more lispgw-cp YAML appended
        to its configuration (top-level sections, e.g. a cats section);
        dns: Distinguished-Name EIDs the site accepts ("[1]dn:gpu-box-1":
        a site names each DN it takes); resolver: False leaves the
        map-resolver role out (a Map-Server alone, see map_resolver());
        crypto: crypto-EID prefixes ("[1]fd00::/8") the site lists, with
        auth: both (docs/ecdsa.md)."""
        ns = self.netns("ms")
        self.veth(ns, "mgmt", self.u, "ms")
        self.to_bridge(self.u, "ms", "br0")
        sh("ip", "-n", ns, "addr", "add", MS_ADDR + "/24", "dev", "mgmt")
        # Its UDP may end in an af_packet port (an RLOC with an exception
        # interface): full checksums, as MACHINE.md says for veths.
        sh("ip", "netns", "exec", ns, "ethtool", "-K", "mgmt", "tx", "off", check=False)
        prefixes = "\n".join([f'        - "[{i}]10.0.0.0/8"' for i in iids] +
                             [f'        - "{d}"' for d in dns])
        crypto_lines = ("      auth: both\n      crypto-eid-prefixes: [" +
                        ", ".join(f'"{p}"' for p in crypto) + "]\n") if crypto else ""
        conf = self.write("ms.yaml", f"""\
roles: [map-server{", map-resolver" if resolver else ""}]
log-level: info
listen: {{addresses: [{MS_ADDR}]}}
rest: {{address: {REST_ADDR}, port: 8080, token: "{TOKEN}"}}
map-server:
  registration-timeout: 3m
  pubsub: true
  sites:
    - name: lab
      key-id: 2
      key: "{KEY}"
      accept-more-specifics: true
      allow-shared-eids: true
{crypto_lines}      eid-prefixes:
{prefixes}
map-resolver:
  negative-ttl: 1m
  negative-ttl-unregistered: 1m
""" + extra)
        self.procs["ms"] = Proc([self.bin("lispgw-cp"), "-d", "-c", conf],
                                os.path.join(self.dir, "ms.log"), ns=ns)
        self.ms_ns = ns
        self.wait_api(ns, MS_ADDR)
        return ns

    def map_resolver(self, eid_prefixes):
        """A stand-alone Map-Resolver on MR_ADDR (namespace "mr") that
        forwards Map-Requests for eid_prefixes to the Map-Server
        (map-resolver.map-servers); lab.ctl("mr", ...) manages it."""
        ns = self.netns("mr")
        self.veth(ns, "mgmt", self.u, "mr")
        self.to_bridge(self.u, "mr", "br0")
        sh("ip", "-n", ns, "addr", "add", MR_ADDR + "/24", "dev", "mgmt")
        sh("ip", "netns", "exec", ns, "ethtool", "-K", "mgmt", "tx", "off", check=False)
        prefixes = ", ".join(f'"{p}"' for p in eid_prefixes)
        conf = self.write("mr.yaml", f"""\
roles: [map-resolver]
log-level: info
listen: {{addresses: [{MR_ADDR}]}}
rest: {{address: {REST_ADDR}, port: 8080, token: "{TOKEN}"}}
map-resolver:
  map-servers:
    - {{address: {MS_ADDR}, eid-prefixes: [{prefixes}]}}
""")
        self.procs["mr"] = Proc([self.bin("lispgw-cp"), "-d", "-c", conf],
                                os.path.join(self.dir, "mr.log"), ns=ns)
        self.mr_ns = ns
        self.wait_api(ns, MR_ADDR)
        return ns

    def cp_node(self, name, addr, conf):
        """One more lispgw-cp in namespace name on the underlay at addr
        (192.168.100.x): conf is its configuration less listen and rest,
        which are added (the lab's token, port 8080); a DDT node, a
        Map-Server of a shard, a DDT Map-Resolver.  lab.ctl(name, ...) and
        lab.stop_cp(name) manage it."""
        ns = self.netns(name)
        self.veth(ns, "mgmt", self.u, name)
        self.to_bridge(self.u, name, "br0")
        sh("ip", "-n", ns, "addr", "add", addr + "/24", "dev", "mgmt")
        sh("ip", "netns", "exec", ns, "ethtool", "-K", "mgmt", "tx", "off", check=False)
        path = self.write(name + ".yaml", f"""\
log-level: info
listen: {{addresses: [{addr}]}}
rest: {{address: {REST_ADDR}, port: 8080, token: "{TOKEN}"}}
""" + conf)
        self.nodes[name] = dict(ns=ns, addr=addr, conf=path)
        self.start_node(name)
        return ns

    def start_node(self, name):
        """(Re)starts lab.cp_node() name's lispgw-cp."""
        node = self.nodes[name]
        self.procs[name] = Proc([self.bin("lispgw-cp"), "-d", "-c", node["conf"]],
                                os.path.join(self.dir, name + ".log"), ns=node["ns"])
        self.wait_api(node["ns"], node["addr"])

    def kill_node(self, name, sig=signal.SIGKILL):
        """Ends lab.cp_node() name's lispgw-cp with sig (no clean-up of its own)."""
        p = self.procs.pop(name)
        p.send_signal(sig)
        p.stop()

    # --- xTRs -------------------------------------------------------------------------

    def xtr(self, n, prefixes, encap="lisp", cp_extra="", dp_extra="", subscribe=True,
            exception=None, proxy_reply=True, rloc_extra=(), map_resolver=MS_ADDR,
            map_servers=None):
        """xTR n (1..9) with an EID port per Instance-ID in prefixes
        ({iid: "10.0.n.0/24"}): lispgw-dp and lispgw-cp (xTR role).
        cp_extra, dp_extra: more YAML appended to lispgw-cp's and
        lispgw-dp's configurations (top-level sections lab.xtr() does not
        write: a cats or agents section for lispgw-cp, an itr section such
        as "itr: {flow-table: 65536}" for lispgw-dp).  subscribe: the ITR
        subscribes to what it resolves (RFC 9437); without, it learns of
        changes by SMR only.  exception: the RLOC port's exception section
        ({"interface": NAME, "rate": ..., "burst": ...}); proxy_reply: the
        ETR asks its Map-Servers to answer for it; rloc_extra: more
        addresses of the RLOC port ("fd00:100::22/64"); map_resolver:
        where its ITR resolves (MR_ADDR: the stand-alone one); map_servers:
        where its ETR registers, [(address, [eid-prefix, ...]), ...] for a
        sharded mapping system (etr.map-servers[].eid-prefixes; an empty
        list: everything), instead of the lab's Map-Server."""
        ns = self.netns(f"x{n}")
        rloc, mgmt = f"{UNDERLAY}.{20 + n}", f"{UNDERLAY}.{10 + n}"
        if exception:
            mgmt = f"192.168.200.{10 + n}"
        self.veth(ns, "rloc", self.u, f"x{n}r")
        self.veth(ns, "mgmt", self.u, f"x{n}m")
        # With an exception interface the management link stays off the
        # underlay: the RLOC is reached through lispgw-dp only.
        for dev in (f"x{n}r",) if exception else (f"x{n}r", f"x{n}m"):
            self.to_bridge(self.u, dev, "br0")
        self._quiet(ns, "rloc")
        sh("ip", "-n", ns, "addr", "add", mgmt + "/24", "dev", "mgmt")
        vdevs, ports, insts = self._rloc_port(ns, rloc, exception, rloc_extra)
        for k, iid in enumerate(sorted(prefixes), start=1):
            vdevs, ports, insts = self._eid_port(ns, k, iid, encap, vdevs, ports, insts)
        dpconf = self.write(f"x{n}-dp.yaml", "ports:\n" + "\n".join(ports) +
                            "\ninstances:\n" + "\n".join(insts) + "\n" + dp_extra)
        sock = os.path.join(self.dir, f"x{n}-dp.sock")
        db = "\n".join(f'    - {{eid-prefix: "[{iid}]{p}", rlocs: [{{address: {rloc}}}]}}'
                       for iid, p in sorted(prefixes.items()))
        cpconf = self._cp_conf(n, rloc if exception else mgmt, mgmt, sock, db, proxy_reply,
                               map_resolver, subscribe, cp_extra, map_servers)
        x = dict(ns=ns, rloc=rloc, mgmt=mgmt, sock=sock, dpconf=dpconf, cpconf=cpconf,
                 vdevs=vdevs, n=n)
        self.xtrs[n] = x
        self.start_dp(n)
        self.start_cp(n)
        return x

    def _rloc_port(self, ns, rloc, exception, rloc_extra):
        """The RLOC port: EAL --vdev arguments, lispgw-dp's port line; (vdevs,
        ports, instances) to go on with."""
        vdevs, ports = [], []
        if self.driver == "af_xdp":
            # The kernel shares the link: it owns the RLOC (and answers its
            # ARP, on that link only: mgmt is on the same subnet).
            prog = os.path.join(self.build, "dataplane", "xdp", "lispgw_xdp.o")
            sh("ip", "-n", ns, "addr", "add", rloc + "/24", "dev", "rloc")
            for k in ("arp_ignore=1", "arp_announce=2"):
                sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.all." + k)
            vdevs += ["--vdev", f"net_af_xdp0,iface=rloc,xdp_prog={prog}"]
            ports.append(f'  - {{name: rloc, device: net_af_xdp0, role: rloc, '
                         f'addresses: ["{rloc}/24"], xdp-program: lispgw}}')
        else:
            exc = ""
            if exception:
                exc = ", exception: {" + ", ".join(f"{k}: {v}" for k, v in exception.items()) + "}"
            vdevs += ["--vdev", "net_af_packet0,iface=rloc"]
            addrs = ", ".join(f'"{a}"' for a in (f"{rloc}/24",) + tuple(rloc_extra))
            ports.append(f'  - {{name: rloc, device: net_af_packet0, role: rloc, '
                         f'addresses: [{addrs}]{exc}}}')
        return vdevs, ports, []

    def _eid_port(self, ns, k, iid, encap, vdevs, ports, insts):
        """EID port k, of Instance-ID iid: bridge br<iid> its hosts join."""
        sh("ip", "-n", ns, "link", "add", f"br{iid}", "type", "bridge")
        sh("ip", "-n", ns, "link", "set", f"br{iid}", "up")
        self.veth(ns, f"e{iid}", ns, f"e{iid}p")
        self.to_bridge(ns, f"e{iid}p", f"br{iid}")
        self._quiet(ns, f"e{iid}")
        return (vdevs + ["--vdev", f"net_af_packet{k},iface=e{iid}"],
                ports + [f"  - {{name: iid{iid}, device: net_af_packet{k}, role: eid, "
                         f"instance-id: {iid}}}"],
                insts + [f"  - {{instance-id: {iid}, encapsulation: {encap}}}"])

    def _cp_conf(self, n, listen, mgmt, sock, db, proxy_reply, map_resolver, subscribe,
                 cp_extra, map_servers=None):
        """xTR n's lispgw-cp configuration file."""
        servers = f'[{{address: {MS_ADDR}, key-id: 2, key: "{KEY}"}}]'
        if map_servers:
            servers = "[" + ", ".join(
                f'{{address: {a}, key-id: 2, key: "{KEY}"' +
                (", eid-prefixes: [" + ", ".join(f'"{p}"' for p in eids) + "]" if eids else "") +
                "}" for a, eids in map_servers) + "]"
        return self.write(f"x{n}-cp.yaml", f"""\
roles: [xtr]
log-level: info
listen: {{addresses: [{listen}]}}
rest: {{address: {REST_ADDR}, port: 8080, token: "{TOKEN}"}}
dataplane: {{socket: {sock}}}
etr:
  map-servers: {servers}
  register-interval: 10s
  proxy-reply: {"true" if proxy_reply else "false"}
  database:
{db}
itr:
  map-resolvers: [{{address: {map_resolver}}}]
  map-request: {{timeout: 200ms, tries: 5}}
  subscribe: {"true" if subscribe else "false"}
""" + cp_extra)

    def start_dp(self, n):
        x = self.xtrs[n]
        lc = self.lcores[(n - 1) % len(self.lcores)]
        # With hugepages each process keeps its memory private (--in-memory);
        # without, the same isolation takes --no-shconf.
        mem = (["--in-memory", "--file-prefix", f"{self.tag}x{n}"] if self.hugepages else
               ["--no-huge", "-m", "512", "--no-shconf"])
        eal = ["-l", lc] + mem + ["--no-telemetry", "--no-pci", "--log-level",
                                  "lib.eal:error"] + x["vdevs"]
        p = Proc([self.bin("lispgw-dp")] + eal + ["--", "-c", x["dpconf"],
                                                  "--channel", x["sock"]],
                 os.path.join(self.dir, f"x{n}-dp.log"), ns=x["ns"], stdout_lines=True)
        self.procs[f"x{n}-dp"] = p
        deadline = time.time() + 20
        while not os.path.exists(x["sock"]):
            if not p.alive() or time.time() > deadline:
                raise RuntimeError(f"lispgw-dp of xTR {n} did not start:\n" +
                                   self.tail(f"x{n}-dp"))
            time.sleep(0.1)

    def start_cp(self, n):
        x = self.xtrs[n]
        self.procs[f"x{n}-cp"] = Proc([self.bin("lispgw-cp"), "-d", "-c", x["cpconf"]],
                                      os.path.join(self.dir, f"x{n}-cp.log"), ns=x["ns"])
        self.wait_api(x["ns"], x["mgmt"])

    def wait_api(self, ns, addr, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = sh("ip", "netns", "exec", ns, self.bin("lispgw-ctl"), "--api",
                   f"http://{REST_ADDR}:8080", "--token", TOKEN, "show", "stats", "--json",
                   check=False)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"no REST API on {addr}")

    def tail(self, name, n=3000):
        try:
            with open(os.path.join(self.dir, name + ".log")) as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def counters(self, n, timeout=5):
        """lispgw-dp's counters line (SIGUSR1)."""
        return self.procs[f"x{n}-dp"].counters(timeout)

    def ctl(self, n, *args):
        """lispgw-ctl against xTR n's lispgw-cp (0: the map-server, "mr":
        the stand-alone map-resolver, a name: that lab.cp_node())."""
        if n == 0:
            ns = self.ms_ns
        elif n == "mr":
            ns = self.mr_ns
        elif n in self.nodes:
            ns = self.nodes[n]["ns"]
        else:
            ns = self.xtrs[n]["ns"]
        return sh("ip", "netns", "exec", ns, self.bin("lispgw-ctl"), "--api",
                  f"http://{REST_ADDR}:8080", "--token", TOKEN, *args, check=False)

    # --- hosts --------------------------------------------------------------------------

    def host(self, name, n, iid, addr, plen=24, gw=None):
        """A host (agent) on Instance-ID iid behind xTR n: eth0 addr/plen,
        default route via gw (its subnet's .1 unless given)."""
        ns = self.netns("h" + name)
        x = self.xtrs[n]
        port = f"h{name}"[:15]
        self.veth(ns, "eth0", x["ns"], port)
        self.to_bridge(x["ns"], port, f"br{iid}")
        sh("ip", "-n", ns, "link", "set", "eth0", "mtu", "1400")
        sh("ip", "netns", "exec", ns, "ethtool", "-K", "eth0", "tx", "off", check=False)
        sh("ip", "-n", ns, "addr", "add", f"{addr}/{plen}", "dev", "eth0")
        gw = gw or addr.rsplit(".", 1)[0] + ".1"
        sh("ip", "-n", ns, "route", "add", "default", "via", gw)
        self.hosts[name] = dict(ns=ns, xtr=n, iid=iid, addr=addr, port=port)
        return ns

    def host6(self, name, n, iid, addr):
        """An IPv6 host (an agent with a crypto-EID) on Instance-ID iid behind
        xTR n: eth0 addr/128 (no DAD), every destination on-link: lispgw-dp
        answers its neighbor solicitations as the gateway."""
        ns = self.netns("h" + name)
        x = self.xtrs[n]
        port = f"h{name}"[:15]
        self.veth(ns, "eth0", x["ns"], port)
        self.to_bridge(x["ns"], port, f"br{iid}")
        sh("ip", "-n", ns, "link", "set", "eth0", "mtu", "1400")
        sh("ip", "-n", ns, "-6", "addr", "add", f"{addr}/128", "dev", "eth0", "nodad")
        sh("ip", "-n", ns, "-6", "route", "add", "default", "dev", "eth0")
        self.hosts[name] = dict(ns=ns, xtr=n, iid=iid, addr=addr, port=port)
        return ns

    def move(self, name, to):
        """Moves host name's link to xTR to's bridge of its Instance-ID (the
        agent keeps its address), as a VM or container moves."""
        h = self.hosts[name]
        src, dst = self.xtrs[h["xtr"]], self.xtrs[to]
        sh("ip", "-n", src["ns"], "link", "set", h["port"], "netns", dst["ns"])
        self.to_bridge(dst["ns"], h["port"], f"br{h['iid']}")
        sh("ip", "-n", dst["ns"], "link", "set", h["port"], "up")
        h["xtr"] = to

    def attach_second_link(self, name, to):
        """Host name gets eth1 on xTR to's bridge of its Instance-ID, with its
        address, and announces itself there (one ARP: xTR to learns its MAC):
        a host with a link to each of two xTRs, as in a hand-off."""
        h, x = self.hosts[name], self.xtrs[to]
        port = f"{name}n"[:15]
        self.veth(h["ns"], "eth1", x["ns"], port)
        self.to_bridge(x["ns"], port, f"br{h['iid']}")
        for cmd in (["ip", "link", "set", "eth1", "mtu", "1400"],
                    ["ethtool", "-K", "eth1", "tx", "off"],
                    ["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"],
                    ["sysctl", "-qw", "net.ipv4.conf.eth1.rp_filter=0"],
                    ["ip", "addr", "add", h["addr"] + "/32", "dev", "eth1"],
                    ["ip", "link", "set", "eth1", "up"],
                    ["ip", "route", "add", "10.0.1.1/32", "dev", "eth1"]):
            self.run(name, *cmd)
        # The echo goes nowhere (10.0.1.1 is no host); its ARP is the point.
        self.run(name, "ping", "-n", "-q", "-c", "1", "-W", "0.2", "-I", "eth1", "10.0.1.1")

    def run(self, name, *args, timeout=30, check=False):
        return sh("ip", "netns", "exec", self.hosts[name]["ns"], *args, check=check,
                  timeout=timeout)

    def popen(self, name, *args, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.hosts[name]["ns"]] +
                                [str(a) for a in args], **kw)

    def tcp_serve(self, name, ident, port):
        """A TCP server on host name that says ident, then hashes what it gets."""
        p = self.popen(name, sys.executable, "-c", SERVER, ident, port, stdout=subprocess.PIPE,
                       text=True)
        p.stdout.readline()
        return p

    def tcp_send(self, name, dst, port, nbytes):
        """(server's ident, arrived intact, seconds, error text) of sending
        nbytes from host name to dst:port."""
        r = self.run(name, sys.executable, "-c", CLIENT, dst, port, nbytes, timeout=60)
        out = r.stdout.split()
        if len(out) != 3:
            return None, False, 0.0, r.stdout + r.stderr
        return out[0], out[1] == "True", float(out[2]), ""

    def ping(self, name, dst, count=5, interval=0.2, wait=1):
        """(sent, received) of ping from host name to dst."""
        r = self.run(name, "ping", "-n", "-q", "-c", count, "-i", interval, "-W", wait, dst,
                     timeout=count * interval + wait + 10)
        for line in r.stdout.splitlines():
            if "packets transmitted" in line:
                f = line.split()
                return int(f[0]), int(f[3])
        return count, 0

    def close(self):
        if self.closed:
            return
        self.closed = True
        for name in list(self.procs):
            try:
                self.procs[name].stop()
            except Exception:
                pass
        self.close_namespaces()
        if os.environ.get("LISPGW_LAB_KEEP"):
            print("lab files kept in", self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
