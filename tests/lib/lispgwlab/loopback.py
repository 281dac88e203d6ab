# SPDX-License-Identifier: BSD-3-Clause
"""A small lab for control-plane integration tests: lispgw-cp daemons on
their own loopback addresses (127.B.0.x, B chosen per test so tests can run
in parallel), python sockets that play ITRs and ETRs, and clean-up that
always runs.  Paths come from meson through the environment."""
import atexit
import json
import os
import shutil
import socket
import subprocess
import tempfile

from .daemons import Proc, binary, wait_udp_listen

CP = binary("lispgw-cp")
CTL = binary("lispgw-ctl")


class Lab:
    def __init__(self, block):
        self.block = block
        self.dir = tempfile.mkdtemp(prefix='lispgw-lab-')
        self.procs = {}
        self.socks = []
        atexit.register(self.close)

    def ip(self, host):
        return '127.%d.0.%d' % (self.block, host)

    def write(self, name, text):
        path = os.path.join(self.dir, name + '.yaml')
        with open(path, 'w') as f:
            f.write(text)
        return path

    def start(self, name, text, addr):
        """Starts lispgw-cp with config text; returns once it listens on addr:4342."""
        path = self.write(name, text)
        log = os.path.join(self.dir, name + '.log')
        if os.path.exists(log):
            os.unlink(log)
        p = Proc([CP, '-d', '-c', path], log, merge=True)
        self.procs[name] = p
        wait_udp_listen(p, name, addr)
        return p

    def log(self, name):
        with open(os.path.join(self.dir, name + '.log')) as f:
            return f.read()

    def signal(self, name, sig):
        self.procs[name].send_signal(sig)

    def stop(self, name):
        self.procs.pop(name).stop()

    def udp(self, addr, port=0):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
        s.settimeout(2)
        self.socks.append(s)
        return s

    def lig(self, eid, mr, timeout_ms=1500):
        out = subprocess.run([CTL, 'lig', eid, '--mr', mr, '--json', '--timeout',
                              str(timeout_ms)], capture_output=True, text=True, timeout=20)
        return json.loads(out.stdout.strip().splitlines()[-1])

    def close(self):
        for name in list(self.procs):
            try:
                self.stop(name)
            except Exception:
                pass
        for s in self.socks:
            s.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def recv(sock, timeout=2.0):
    """One datagram or None."""
    sock.settimeout(timeout)
    try:
        return sock.recvfrom(65535)
    except socket.timeout:
        return None


def drain(sock):
    n = 0
    while recv(sock, 0.05):
        n += 1
    return n
