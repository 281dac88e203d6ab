# SPDX-License-Identifier: BSD-3-Clause
"""Network namespaces for the lab: namespaces, veth pairs, bridges, and
clean-up that always runs.  Every name carries a per-run tag (tests run in
parallel and a killed run leaves names no other run reuses).  Root only:
unavailable() says why not, and a test exits 77 (skip) on it."""
import atexit
import json
import os
import subprocess


def sh(*args, check=True, timeout=20):
    return subprocess.run([str(a) for a in args], check=check, capture_output=True, text=True,
                          timeout=timeout)


def unavailable():
    """Why namespaces cannot be used here, or None."""
    if os.geteuid() != 0:
        return "not root"
    if sh("ip", "netns", "list", check=False).returncode != 0:
        return "no network namespaces"
    return None


def mac_of(ns, dev):
    """The MAC address of link dev in namespace ns."""
    return json.loads(sh("ip", "-j", "-n", ns, "link", "show", dev).stdout)[0]["address"]


def nsexec(ns, *args):
    """The command line that runs args in namespace ns."""
    return ["ip", "netns", "exec", ns] + [str(a) for a in args]


class Namespaces:
    """Namespaces named tag + pid + name, deleted (last first) by close()."""

    def __init__(self, tag):
        self.tag = tag + str(os.getpid() % 10000)
        self.ns = []
        atexit.register(self.close_namespaces)

    def netns(self, name):
        ns = self.tag + name
        sh("ip", "netns", "add", ns)
        self.ns.append(ns)
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        return ns

    def veth(self, ns_a, a, ns_b, b):
        """A veth pair, a in ns_a and b in ns_b, both up (created under
        tagged names: two runs never collide in the root namespace)."""
        tmp_a, tmp_b = (self.tag + "t" + a[-5:])[:15], (self.tag + "p" + b[-5:])[:15]
        sh("ip", "link", "add", tmp_a, "type", "veth", "peer", "name", tmp_b)
        sh("ip", "link", "set", tmp_a, "netns", ns_a)
        sh("ip", "link", "set", tmp_b, "netns", ns_b)
        sh("ip", "-n", ns_a, "link", "set", tmp_a, "name", a)
        sh("ip", "-n", ns_b, "link", "set", tmp_b, "name", b)
        for ns, dev in ((ns_a, a), (ns_b, b)):
            sh("ip", "-n", ns, "link", "set", dev, "up")

    def bridge(self, ns, br):
        sh("ip", "-n", ns, "link", "add", br, "type", "bridge")
        sh("ip", "-n", ns, "link", "set", br, "up")

    def to_bridge(self, ns, dev, br):
        sh("ip", "-n", ns, "link", "set", dev, "master", br)

    def close_namespaces(self):
        for ns in reversed(self.ns):
            sh("ip", "netns", "del", ns, check=False)
        self.ns = []


class Net(Namespaces):
    """Hosts joined by veth pairs to a bridge in a 'switch' namespace."""

    def __init__(self, tag):
        super().__init__(tag)
        self.switch = self.netns("sw")
        self.bridge(self.switch, "br0")
        self.hosts = []

    def host(self, name, v4, v6=None):
        """A namespace with eth0 on the switch, addresses v4 (/24) and v6 (/64)."""
        ns = self.netns(name)
        self.hosts.append(ns)
        self.veth(ns, "eth0", self.switch, name[-8:] + "s")
        self.to_bridge(self.switch, name[-8:] + "s", "br0")
        sh("ip", "-n", ns, "addr", "add", v4 + "/24", "dev", "eth0")
        if v6:
            sh("ip", "-n", ns, "addr", "add", v6 + "/64", "dev", "eth0", "nodad")
        return ns

    def run(self, ns, *args, **kw):
        return subprocess.Popen(nsexec(ns, *args), **kw)

    def close(self):
        self.close_namespaces()
        self.hosts = []
