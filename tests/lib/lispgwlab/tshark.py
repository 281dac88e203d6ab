# SPDX-License-Identifier: BSD-3-Clause
"""tshark, the independent decoder of every test that looks at the wire:
a capture that returns only once tshark says "Capturing on" (packets sent
before that are lost), and field extraction, one dict per frame."""
import json
import os
import shutil
import signal
import subprocess
import time

from .netns import nsexec


def path():
    return shutil.which("tshark")


class Capture:
    """tshark -i iface -f filter -w pcap, in namespace ns when given; tool:
    dumpcap (or a tshark of its own), extra: more of its options."""

    def __init__(self, pcap, iface, bpf, ns=None, tool="tshark", extra=(), timeout=10):
        self.pcap = pcap
        self.err = pcap + ".err"
        cmd = [tool, "-q", "-i", iface, "-f", bpf, "-w", pcap] + [str(a) for a in extra]
        with open(self.err, "w") as err:
            self.p = subprocess.Popen(nsexec(ns, *cmd) if ns else cmd,
                                      stdout=subprocess.DEVNULL, stderr=err)
        self.started = self._wait(timeout)

    def _wait(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.err) as f:
                if "Capturing on" in f.read():
                    return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.05)
        self.stop()
        return False

    def stop(self, sig=signal.SIGTERM, timeout=5):
        """Ends the capture with the pcap written (SIGTERM or SIGINT, as ^C)."""
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    def errors(self):
        return open(self.err).read() if os.path.exists(self.err) else ""


def fields(pcap, names, display=None, tshark="tshark", timeout=60):
    """One list of strings per frame (display filter applied): the named
    fields, tab-separated as tshark prints them."""
    cmd = [tshark, "-r", pcap]
    if display:
        cmd += ["-Y", display]
    cmd += ["-T", "fields"] + sum((["-e", n] for n in names), [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout
    return [line.split("\t") for line in out.splitlines()]


def rows(tshark, pcap, names, prefs=()):
    """One dict per frame: field -> list of values (every occurrence), with
    IP and UDP checksums checked and prefs ("ip.defragment:FALSE") set."""
    res = subprocess.run([tshark, "-n", "-r", pcap, "-T", "fields", "-E", "separator=\t",
                          "-E", "occurrence=a", "-E", "aggregator=,",
                          "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"] +
                         sum((["-o", p] for p in prefs), []) +
                         sum((["-e", f] for f in names), []),
                         capture_output=True, text=True, check=True)
    out = []
    for line in res.stdout.splitlines():
        vals = line.split("\t")
        vals += [""] * (len(names) - len(vals))
        out.append({f: (v.split(",") if v else []) for f, v in zip(names, vals)})
    return out


def layers(pcap, names, tshark="tshark", conf_dir=None, checksums=True):
    """One dict per frame: tshark -T json's layers, the named fields only
    (lists of strings).  conf_dir: an empty profile, so that a user's
    preferences do not change what is decoded; checksums: IP and UDP
    checksums checked.  RuntimeError with tshark's complaint if it fails."""
    cmd = [tshark, "-n", "-r", pcap, "-T", "json"]
    if checksums:
        cmd += ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]
    cmd += sum((["-e", n] for n in names), [])
    env = dict(os.environ, WIRESHARK_CONFIG_DIR=conf_dir) if conf_dir else None
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError("tshark failed (%d):\n%s" % (res.returncode, res.stderr))
    return [pkt["_source"]["layers"] for pkt in json.loads(res.stdout)]
