# SPDX-License-Identifier: BSD-3-Clause
"""Network namespaces for integration tests: hosts joined by veth pairs to a
bridge in a 'switch' namespace.  Every name carries a per-run prefix, and
everything is deleted at exit.  Root only (tests skip with 77 otherwise)."""
import atexit
import os
import subprocess


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def can_run():
    if os.geteuid() != 0:
        return False
    return sh('ip', 'netns', 'list', check=False).returncode == 0


class Net:
    def __init__(self, tag):
        self.tag = tag + str(os.getpid() % 10000)
        self.switch = self.tag + 'sw'
        self.hosts = []
        atexit.register(self.close)
        sh('ip', 'netns', 'add', self.switch)
        sh('ip', '-n', self.switch, 'link', 'add', 'br0', 'type', 'bridge')
        sh('ip', '-n', self.switch, 'link', 'set', 'br0', 'up')

    def host(self, name, v4, v6=None):
        """A namespace with eth0 on the switch, addresses v4 (/24) and v6 (/64)."""
        ns = self.tag + name
        a, b = (self.tag + name)[-11:] + 'a', (self.tag + name)[-11:] + 'b'
        sh('ip', 'netns', 'add', ns)
        self.hosts.append(ns)
        sh('ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b)
        sh('ip', 'link', 'set', a, 'netns', ns)
        sh('ip', 'link', 'set', b, 'netns', self.switch)
        sh('ip', '-n', ns, 'link', 'set', a, 'name', 'eth0')
        sh('ip', '-n', self.switch, 'link', 'set', b, 'master', 'br0')
        sh('ip', '-n', self.switch, 'link', 'set', b, 'up')
        sh('ip', '-n', ns, 'link', 'set', 'lo', 'up')
        sh('ip', '-n', ns, 'link', 'set', 'eth0', 'up')
        sh('ip', '-n', ns, 'addr', 'add', v4 + '/24', 'dev', 'eth0')
        if v6:
            sh('ip', '-n', ns, 'addr', 'add', v6 + '/64', 'dev', 'eth0', 'nodad')
        return ns

    def run(self, ns, *args, **kw):
        return subprocess.Popen(['ip', 'netns', 'exec', ns] + list(args), **kw)

    def close(self):
        for ns in self.hosts + [self.switch]:
            sh('ip', 'netns', 'del', ns, check=False)
        self.hosts = []
