# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-cp and lispgw-dp processes for the lab: where the binaries are
(meson passes LISPGW_CP / LISPGW_CTL / LISPGW_BUILD; scripts pass a build
folder), started with their output in a log, waited for until they listen
or answer REST, and stopped with SIGTERM (SIGKILL after a grace time)."""
import json
import os
import queue
import signal
import socket
import subprocess
import threading
import time

from . import REPO, privs
from .netns import nsexec

SUBDIR = {"lispgw-cp": "controlplane", "lispgw-dp": "dataplane", "lispgw-ctl": "ctl"}
ENV = {"lispgw-cp": "LISPGW_CP", "lispgw-dp": "LISPGW_DP", "lispgw-ctl": "LISPGW_CTL"}


def binary(name, build=None):
    """A binary of the build: build/SUBDIR/name, or meson's LISPGW_* path."""
    if build is None and os.environ.get(ENV[name]):
        return os.environ[ENV[name]]
    build = build or os.environ.get("LISPGW_BUILD") or os.path.join(REPO, "build")
    return os.path.join(build, SUBDIR[name], name)


class Proc:
    """A daemon, in a namespace when ns is given; stderr (and stdout unless
    stdout_lines) appended to log; with stdout_lines its stdout lines go on
    a queue (lispgw-dp's counters)."""

    def __init__(self, args, log, ns=None, stdout_lines=False, merge=False):
        self.log = log
        # lispgw-cp reads its folder after dropping root (privs.py).
        self.conf_dir = privs.conf_folder(args)
        privs.ensure_user()
        privs.share(self.conf_dir)
        self.lines = queue.Queue()
        self.logf = open(log, "a")
        cmd = nsexec(ns, *args) if ns else [str(a) for a in args]
        out = subprocess.PIPE if stdout_lines else (self.logf if merge else subprocess.DEVNULL)
        self.p = subprocess.Popen(cmd, stdout=out, stderr=self.logf,
                                  text=True if stdout_lines else None)
        if stdout_lines:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.lines.put(line)

    def poll(self):
        return self.p.poll()

    @property
    def returncode(self):
        return self.p.returncode

    def alive(self):
        return self.p.poll() is None

    def send_signal(self, sig):
        if sig == signal.SIGHUP:    # what the test wrote since, as root
            privs.share(self.conf_dir)
        self.p.send_signal(sig)

    def wait(self, timeout=None):
        return self.p.wait(timeout=timeout)

    def counters(self, timeout=5):
        """lispgw-dp's counters: the JSON line SIGUSR1 makes it print."""
        while not self.lines.empty():
            self.lines.get_nowait()
        self.p.send_signal(signal.SIGUSR1)
        try:
            return json.loads(self.lines.get(timeout=timeout))
        except queue.Empty:
            return None

    def text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=5):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()
        return self.p.returncode


class Telemetry:
    """lispgw-dp's DPDK telemetry socket (v2): a hello, then one JSON answer
    per command.  path: RUNDIR/dpdk_telemetry.v2, RUNDIR being
    /var/run/dpdk/PREFIX for --file-prefix PREFIX as root."""

    def __init__(self, path, timeout=None):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if timeout is not None:
            self.s.settimeout(timeout)
        self.s.connect(path)
        self.hello = json.loads(self.s.recv(65536).decode())

    def raw(self, cmd):
        self.s.send(cmd.encode())
        return self.s.recv(1 << 20).decode()

    def __call__(self, cmd):
        return json.loads(self.raw(cmd))[cmd.split(',')[0]]

    def close(self):
        self.s.close()


def counter_lines(text):
    """Every counters object lispgw-dp printed (one JSON line per SIGUSR1
    and one at exit), oldest first; NULs from a file truncated while the
    process wrote it are ignored."""
    out = []
    for line in text.replace("\0", "").splitlines():
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


def wait_udp_listen(proc, name, addr, port=4342, timeout=5):
    """Returns once someone holds addr:port (the daemon: our bind fails)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("%s exited: %s" % (name, proc.text()))
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind((addr, port))
        except OSError:
            return
        finally:
            probe.close()
        time.sleep(0.05)
    raise RuntimeError("%s did not start listening on %s" % (name, addr))


# lispgw-dp on two net_null ports (no packets, no hugepages): its channel
# and tables without a network (dp-channel, attack-channel).
NULL_DP_PORTS = """
ports:
  - {name: hosts, device: net_null0, role: eid, instance-id: 1, peer-mac: "02:00:00:00:01:aa"}
  - {name: underlay, device: net_null1, role: rloc, addresses: [192.0.2.1],
     next-hop-mac: "02:00:00:00:00:fe"}
instances:
  - {instance-id: 1, encapsulation: lisp}
"""


def null_dp(dp, conf, sock, log):
    """lispgw-dp (binary dp) with conf (NULL_DP_PORTS and more) and its
    channel on sock; its counters line on stdout."""
    return Proc([dp, "-l", "0", "--no-huge", "-m", "512", "--no-shconf", "--no-telemetry",
                 "--no-pci", "--vdev", "net_null0,no-rx=1", "--vdev", "net_null1,no-rx=1",
                 "--", "-c", conf, "--channel", sock], log, stdout_lines=True)


def wait_for(fn, timeout, step=0.05):
    """fn()'s first true value within timeout seconds, else its last."""
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(step)
