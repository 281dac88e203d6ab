# SPDX-License-Identifier: BSD-3-Clause
"""The attack lab (tests/attack, docs/security.md): a victim namespace that
runs the daemon under attack and an attacker namespace joined to it by one
veth pair, eth0 on both sides.

    victim    10.77.0.1/24  fd77::1/64
    attacker  10.77.0.2/24  fd77::2/64

The attacker sends raw frames (AF_PACKET on its eth0), so any source
address goes: the spoofed ranges SPOOF4 and SPOOF6 are routed back from the
victim through the attacker (which does not forward), so replies to
spoofed senders leave the victim's eth0 and are counted there;
link_bytes() of the victim is the amplification oracle.  Packets are
crafted with scapy (Debian's python3-scapy, /usr/bin/python3).  Root only:
netns.unavailable() says why not (exit 77)."""
import atexit
import ctypes
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

from . import netns
from .daemons import Proc, binary, wait_udp_listen
from .rest import Api

VICTIM4, ATTACKER4 = "10.77.0.1", "10.77.0.2"
# The victim's REST API: on its own loopback (lispgw-cp refuses a public
# REST address without TLS, docs/security.md "REST over TLS"), reached from
# inside the victim namespace.
REST4 = "127.0.0.1"
VICTIM6, ATTACKER6 = "fd77::1", "fd77::2"
SPOOF4, SPOOF6 = "198.18.0.0/15", "2001:db8:77::/48"
SENDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attack_send.py")
PYTHON = "/usr/bin/python3"     # Debian's, the one with scapy

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def ms_conf(token, key):
    """A Map-Server on the victim's addresses (v4 and v6, REST on its
    loopback) with one site keyed key for [1]10.0.0.0/8 and more-specifics."""
    return """
roles: [map-server]
listen: {addresses: [%s, "%s"]}
rest: {address: %s, token: "%s"}
map-server:
  sites:
    - {name: tenant, key: "%s", accept-more-specifics: true, eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (VICTIM4, VICTIM6, REST4, token, key)


def spoof4(i):
    """The i-th spoofed IPv4 source (0 <= i < 131,072) of SPOOF4."""
    return "198.%d.%d.%d" % (18 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF)


def spoof6(i):
    """The i-th spoofed IPv6 source of SPOOF6."""
    return "2001:db8:77::%x:%x" % (i >> 16, i & 0xFFFF)


def udp(src, sport, dst, dport, payload):
    """An IPv4 or IPv6 UDP packet (scapy, checksums filled) as bytes."""
    from scapy.all import IP, IPv6, UDP, Raw   # imported late: slow
    ip = IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst)
    return bytes(ip / UDP(sport=sport, dport=dport) / Raw(payload))


def in_netns(ns, fn):
    """fn() run with this thread inside namespace ns; sockets it opens stay
    there after the thread returns to its own namespace."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if _libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
        return fn()
    finally:
        _libc.setns(own, CLONE_NEWNET)
        os.close(target)
        os.close(own)


def rss_kib(proc):
    """(VmRSS, VmHWM) of a daemons.Proc in KiB: its memory now and its peak."""
    got = {}
    with open("/proc/%d/status" % proc.p.pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                got[key] = int(value.split()[0])
    return got.get("VmRSS", 0), got.get("VmHWM", 0)


class Lab(netns.Namespaces):
    def __init__(self, tag):
        super().__init__(tag)
        self.dir = tempfile.mkdtemp(prefix="lispgw-attack-")
        self.procs = {}
        self.socks = []
        self.victim = self.netns("vic")
        self.attacker = self.netns("atk")
        self.veth(self.victim, "eth0", self.attacker, "eth0")
        for ns, v4, v6 in ((self.victim, VICTIM4, VICTIM6), (self.attacker, ATTACKER4, ATTACKER6)):
            netns.sh("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", "eth0")
            netns.sh("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", "eth0", "nodad")
            for conf in ("all", "default", "eth0"):
                netns.sh("ip", "netns", "exec", ns, "sysctl", "-qw",
                         "net.ipv4.conf.%s.rp_filter=0" % conf)
        netns.sh("ip", "-n", self.victim, "route", "add", SPOOF4, "via", ATTACKER4)
        netns.sh("ip", "-n", self.victim, "-6", "route", "add", SPOOF6, "via", ATTACKER6)
        self.victim_mac = netns.mac_of(self.victim, "eth0")
        self.attacker_mac = netns.mac_of(self.attacker, "eth0")
        atexit.register(self.close)

    def conf_path(self, name):
        return os.path.join(self.dir, name + ".yaml")

    def write(self, name, text):
        with open(self.conf_path(name), "w") as f:
            f.write(text)
        return self.conf_path(name)

    def start_cp(self, name, conf_text, addr=VICTIM4, args=()):
        """lispgw-cp with conf_text in the victim namespace, once it listens
        on addr:4342."""
        path = self.write(name, conf_text)
        log = os.path.join(self.dir, name + ".log")
        p = Proc([binary("lispgw-cp"), "-d", "-c", path] + list(args), log, ns=self.victim,
                 merge=True)
        self.procs[name] = p
        in_netns(self.victim, lambda: wait_udp_listen(p, name, addr))
        return p

    def log(self, name):
        return self.procs[name].text()

    def api(self, token, port=8080, host=REST4):
        """REST of a daemon in the victim namespace."""
        return Api(host, token, port=port, ns=self.victim)

    def udp(self, ns, addr, port=0):
        """A UDP socket bound to addr:port inside namespace ns (2 s timeout)."""
        import socket
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET

        def open_():
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.bind((addr, port))
            return s
        s = in_netns(ns, open_)
        s.settimeout(2)
        self.socks.append(s)
        return s

    def link_bytes(self, ns):
        """eth0's counters in ns: rx_bytes, tx_bytes, rx_packets, tx_packets."""
        out = netns.sh("ip", "-n", ns, "-s", "-j", "link", "show", "eth0").stdout
        st = json.loads(out)[0]["stats64"]
        return {"rx_bytes": st["rx"]["bytes"], "tx_bytes": st["tx"]["bytes"],
                "rx_packets": st["rx"]["packets"], "tx_packets": st["tx"]["packets"]}

    def send(self, packets, rate_pps=None, timeout=120):
        """Sends IPv4/IPv6 packets (bytes, or scapy packets) from the
        attacker's eth0 to the victim, framed for the victim's MAC; as fast
        as possible or at rate_pps.  Returns how many were sent."""
        path = os.path.join(self.dir, "frames.bin")
        with open(path, "wb") as f:
            for pkt in packets:
                raw = bytes(pkt)
                ethertype = 0x86DD if raw[0] >> 4 == 6 else 0x0800
                frame = (bytes.fromhex(self.victim_mac.replace(":", "")) +
                         bytes.fromhex(self.attacker_mac.replace(":", "")) +
                         struct.pack("!H", ethertype) + raw)
                f.write(struct.pack("!H", len(frame)) + frame)
        cmd = netns.nsexec(self.attacker, PYTHON, SENDER, "eth0", path, str(rate_pps or 0))
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError("attack_send: " + out.stderr)
        return int(out.stdout.split()[0])

    def close(self):
        for name in list(self.procs):
            try:
                self.procs.pop(name).stop()
            except Exception as e:   # clean-up goes on
                print("stopping %s: %s" % (name, e), file=sys.stderr)
        for s in self.socks:
            s.close()
        self.socks = []
        self.close_namespaces()
        shutil.rmtree(self.dir, ignore_errors=True)
