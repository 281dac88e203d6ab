# SPDX-License-Identifier: BSD-3-Clause
"""One lispgw-dp between a host and a remote xTR that reflects its tunnel
traffic, for the multi-worker and capture tests (dp-multiworker, dp-pdump):

    H (host)                   X (lispgw-dp, net_af_packet, qpairs=N)      R (reflector)
    h-eth 10.1.0.2/16 ==veth== x-eid [IID 1]
                               x-rloc 192.168.50.1 ==============veth===== r-rloc (no address)

H sends UDP to 10.2.0.1 (any port); X encapsulates it in LISP to R's RLOC
192.168.50.2 (a static mapping 10.2.0.0/16).  R's reflector (reflect_main,
an AF_PACKET socket) sends every LISP frame back with its MACs, outer and
inner addresses and inner ports swapped, and the outer UDP source port
kept: so the frame X decapsulates carries the entropy X's encapsulation
wrote (49152 + 14 bits of the inner flow hash).  Swapping keeps every
checksum valid.  H gets its datagram back on the socket that sent it.

net_af_packet with qpairs=N opens N sockets in one PACKET_FANOUT group
(hash mode): the kernel's flow hash picks the socket, that is the RX queue,
which is the worker (worker i polls queue i): RSS in software."""
import ctypes
import os
import shutil
import socket
import subprocess
import sys
import time

from . import daemons, netns

H_IP, REMOTE_EID = "10.1.0.2", "10.2.0.1"
X_RLOC, R_RLOC = "192.168.50.1", "192.168.50.2"
GW = "10.1.255.254"
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


def lcores(workers):
    """EAL --lcores for a main lcore and workers on this machine's CPUs:
    lcore 0 on CPU 0, worker w on CPU w modulo the CPU count (with 2 CPUs
    and 2 workers, worker 2 shares CPU 0 with the main lcore)."""
    cpus = sorted(os.sched_getaffinity(0))
    return ",".join("%d@%d" % (i, cpus[i % len(cpus)]) for i in range(workers + 1))


CONFIG = """
log-level: info
ports:
  - {name: hosts, device: net_af_packet0, role: eid, instance-id: 1, peer-mac: "%(h_mac)s"}
  - {name: underlay, device: net_af_packet1, role: rloc, addresses: [%(x_rloc)s/24],
     next-hop-mac: "%(r_mac)s"}
instances:
  - {instance-id: 1, encapsulation: lisp}
static-map-cache:
  - eid-prefix: "[1]10.2.0.0/16"
    rlocs: [{address: %(r_rloc)s}]
tables: {max-mappings: 1024, ipv4-tbl8-groups: 16, ipv6-tbl8-groups: 16}
itr: {flow-table: %(flows)d}
"""



# Where the primary maps its memory when a secondary (dpdk-dumpcap) must map
# it at the same addresses: far from the 0x7f.. region where the secondary's
# libraries land.  Under ASan the primary cannot use DPDK's default base
# (0x100000000 lies in ASan's shadow gap), and its fallback collided with
# dumpcap's mappings from about the 5th capture ("Cannot preallocate VA
# space"); --base-virtaddr is DPDK's remedy for a secondary that cannot map.
SECONDARY_VA = ["--base-virtaddr", "0x300000000000"]


class DpNet:
    """The three namespaces, lispgw-dp in X (start_dp) and the reflector
    in R; close() stops and deletes everything."""

    def __init__(self, tag, tmp):
        self.tmp = tmp
        self.space = netns.Namespaces(tag)
        self.ns = {k: self.space.netns(k) for k in ("h", "x", "r")}
        self.procs = []
        self.dp = None
        self.hosts = []
        for ns in self.ns.values():
            # No IPv6: no ND/MLD/RS chatter to count.
            self.sh(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            self.sh(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        self.space.veth(self.ns["h"], "h-eth", self.ns["x"], "x-eid")
        self.space.veth(self.ns["x"], "x-rloc", self.ns["r"], "r-rloc")
        # Full checksums from the kernel (af_packet sees no partial ones)
        # and no GSO frames.
        for k, dev in (("h", "h-eth"), ("x", "x-eid"), ("x", "x-rloc"), ("r", "r-rloc")):
            self.sh(self.ns[k], "ethtool", "-K", dev, "tx", "off", check=False)
            self.sh(self.ns[k], "ethtool", "-K", dev, "gso", "off", check=False)
        self.mac = {d: netns.mac_of(self.ns[k], d) for k, d in
                    (("h", "h-eth"), ("x", "x-eid"), ("r", "r-rloc"))}
        self.sh(self.ns["h"], "ip", "addr", "add", H_IP + "/16", "dev", "h-eth")
        self.sh(self.ns["h"], "ip", "neigh", "add", GW, "lladdr", self.mac["x-eid"],
                "dev", "h-eth", "nud", "permanent")
        self.sh(self.ns["h"], "ip", "route", "add", "10.2.0.0/16", "via", GW)

    @staticmethod
    def sh(ns, *args, check=True):
        return netns.sh(*netns.nsexec(ns, *args), check=check)

    def start_reflector(self, log):
        """R's reflector; the outer UDP source ports it saw go to a file."""
        self.sports_file = os.path.join(self.tmp, "sports")
        p = subprocess.Popen(netns.nsexec(self.ns["r"], sys.executable, "-m",
                                          "lispgwlab.dpnet", "r-rloc", self.sports_file),
                             stdout=open(log, "a"), stderr=subprocess.STDOUT,
                             env=dict(os.environ, PYTHONPATH=os.path.dirname(
                                 os.path.dirname(os.path.abspath(__file__)))))
        self.procs.append(p)
        return p

    def start_dp(self, dp, workers, prefix, flows=0, huge_dir=None):
        """lispgw-dp with `workers` worker lcores (0: the main lcore
        forwards), its own --file-prefix (telemetry, secondary processes)
        and, with huge_dir, hugepages (dpdk-dumpcap needs them: a
        secondary process maps the primary's memory); else --no-huge."""
        conf = os.path.join(self.tmp, "dp.yaml")
        with open(conf, "w") as f:
            f.write(CONFIG % {"h_mac": self.mac["h-eth"], "r_mac": self.mac["r-rloc"],
                              "x_rloc": X_RLOC, "r_rloc": R_RLOC, "flows": flows})
        mem = ["--huge-dir", huge_dir, "-m", "256"] + SECONDARY_VA if huge_dir else \
            ["--no-huge", "-m", "512"]
        args = [dp, "--lcores", lcores(workers), "--file-prefix", prefix, "--no-pci"] + mem + [
            "--vdev", "net_af_packet0,iface=x-eid,qpairs=%d" % max(workers, 1),
            "--vdev", "net_af_packet1,iface=x-rloc,qpairs=%d" % max(workers, 1),
            "--", "-c", conf]
        self.prefix = prefix
        self.dp = daemons.Proc(args, os.path.join(self.tmp, "dp.log"), ns=self.ns["x"],
                               stdout_lines=True)
        path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
        if not daemons.wait_for(lambda: os.path.exists(path) or not self.dp.alive(), 30):
            raise RuntimeError("lispgw-dp: no telemetry socket: " + self.dp.text())
        daemons.wait_for(lambda: "worker" in self.dp.text() or not self.dp.alive(), 30)
        if not self.dp.alive():
            raise RuntimeError("lispgw-dp exited: " + self.dp.text())
        self.tel = daemons.Telemetry(path, timeout=5)
        return self.dp

    def host(self, ports):
        """H's sockets (Host), closed by close()."""
        h = Host(self.ns["h"], ports)
        self.hosts.append(h)
        return h

    def worker_stats(self, workers):
        return [self.tel("/lispgw/stats,%d" % w) for w in range(workers)]

    def close(self, show_log=False):
        """Stops everything; show_log: lispgw-dp's log tail first (a failure)."""
        for h in self.hosts:
            h.close()
        if self.dp and show_log:
            print(self.dp.text()[-3000:])
        if self.dp:
            self.dp.stop()
            shutil.rmtree("/var/run/dpdk/" + self.prefix, ignore_errors=True)
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
        self.space.close_namespaces()


def require():
    """lispgw-dp's path, or the test skipped (77): not root, no
    namespaces, no lispgw-dp, no ethtool."""
    from .check import skip
    dp = daemons.binary("lispgw-dp")
    why = netns.unavailable()
    if why:
        skip(why)
    if not os.path.exists(dp):
        skip("lispgw-dp not built (no DPDK)")
    if not shutil.which("ethtool"):
        skip("ethtool not installed")
    return dp


class Host:
    """Sockets in H, one per flow (source port), each sending to
    REMOTE_EID:9000 and reading its reflection.  Run inside H's namespace
    through setns(2): the test's thread enters it to open the sockets only."""

    def __init__(self, ns_name, ports):
        fd = os.open("/var/run/netns/" + ns_name, os.O_RDONLY)
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        try:
            _setns(fd)
            self.socks = {}
            for p in ports:
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind((H_IP, p))
                s.setblocking(False)
                self.socks[p] = s
        finally:
            _setns(own)
            os.close(fd)
            os.close(own)

    def send(self, port, n, gap=0.0005):
        for i in range(n):
            self.socks[port].sendto(b"lispgw-%05d" % i, (REMOTE_EID, 9000))
            if gap:
                time.sleep(gap)

    def received(self, port, settle=1.0):
        """Datagrams back on port's socket, waiting until none came for settle s."""
        n, last = 0, time.time()
        while time.time() - last < settle:
            try:
                self.socks[port].recv(2048)
                n += 1
                last = time.time()
            except BlockingIOError:
                time.sleep(0.01)
        return n

    def close(self):
        for s in self.socks.values():
            s.close()


def reflect_main(dev, sports_file):
    """R: every LISP data frame on dev back to where it came from."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((dev, 0))
    sports = set()
    while True:
        f, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(f) < 14 + 20 + 8 + 8 + 20:
            continue
        if f[12:14] != b"\x08\x00" or f[23] != 17 or f[36:38] != b"\x10\xf5":
            continue
        b = bytearray(f)
        b[0:6], b[6:12] = f[6:12], f[0:6]
        b[26:30], b[30:34] = f[30:34], f[26:30]
        i = 14 + 20 + 8 + 8                   # inner IPv4 (outer IHL 5, as X writes it)
        b[i + 12:i + 16], b[i + 16:i + 20] = f[i + 16:i + 20], f[i + 12:i + 16]
        if f[i + 9] == 17:
            j = i + (f[i] & 15) * 4
            b[j:j + 2], b[j + 2:j + 4] = f[j + 2:j + 4], f[j:j + 2]
        s.send(bytes(b))
        sport = int.from_bytes(f[34:36], "big")
        if sport not in sports:
            sports.add(sport)
            with open(sports_file, "a") as o:
                o.write("%d\n" % sport)


if __name__ == "__main__":
    reflect_main(sys.argv[1], sys.argv[2])
