#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-dp's VXLAN mode against the Linux kernel's vxlan device as the
far end, both directions (issue 4), in network namespaces:

    H (host)                     X (lispgw-dp, af_packet)                    K (kernel VTEP)
    h-eth 10.1.0.2/16 ===veth=== x-eid [IID 5000, vxlan]                     vx0 10.1.1.2/16
                                 x-rloc 192.168.50.1 ===veth=== k-rloc 192.168.50.2/24
                                                                vx0: vxlan id 5000 local .2
                                                                     remote .1 dstport 4789

The kernel's vxlan device is an L2 endpoint: it takes the inner Ethernet
frame and delivers it only when the destination MAC is its own.  lispgw-dp
carries the host's frame as received (VLAN tag removed) and, on decap,
strips the inner Ethernet header and writes the VRF's (peer-mac, our MAC).
So H and vx0 share one IPv4 subnet and H addresses vx0's own MAC: H has a
static neighbor entry 10.1.1.2 -> vx0's MAC (lispgw-dp's proxy ARP would
answer with the x-eid port's MAC, which vx0 would not accept as its own),
and K has static entries for 10.1.0.2 on vx0 (otherwise vx0 ARPs through
the tunnel: an ARP frame inside VXLAN, which lispgw-dp's decap drops as
drop_inner_not_ip, by design: it routes IP) and for 192.168.50.1 on k-rloc.
The data plane's own MACs are static too (peer-mac, next-hop-mac), so the
test is about VXLAN interop only, not about ARP/ND resolution.

Shown: (a) ping H->K and K->H; (b) 1 MB TCP H->K and K->H, byte count and
SHA-256 compared, and 16 UDP flows H->K all delivered; (c) the underlay
captured in K (dumpcap, decoded by tshark): VNI 5000, I flag, no reserved
flags, UDP dst 4789, checksum 0 (IPv4), DF, inner MACs H -> vx0, one outer
source port per flow (49152..65535) and different ones across flows; (d)
lispgw-dp's counters: every frame from H encapsulated in VXLAN, every
VXLAN frame from the kernel decapsulated, both equal to what the capture
saw, and every drop counter zero.

With VXK_MODE=arp (the test dp-vxlan-kernel-arp) nothing is static: no
neighbor entries in H or K, no peer-mac or next-hop-mac in lispgw-dp, and
the instance has `inner-mac: resolve` (dataplane/overlay.h): lispgw-dp
answers vx0's ARP for H inside the tunnel, asks vx0's MAC by ARP inside the
tunnel (the first packet H sends is the price: a warm-up ping), writes it
as the inner destination and its own EID-side MAC as the source; the
next hop K is resolved by ARP on the underlay.  The capture then also holds
those ARP frames, checked by tshark, and the counters account for them.

Exits 77 (skip) when not root, without lispgw-dp, tshark/dumpcap, ethtool,
or when namespaces / veth / vxlan devices cannot be created."""
import atexit
import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import netns, tshark   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402

DP = os.environ.get('LISPGW_DP', '')
TSHARK = os.environ.get('TSHARK') or shutil.which('tshark') or ''
DUMPCAP = shutil.which('dumpcap') or ''
PY = '/usr/bin/python3'          # the interpreter with the standard library we need
space = netns.Namespaces('vxk')     # H, X and K, deleted by cleanup() (and at exit)
TAG = space.tag
NS = {key: TAG + key for key in ('h', 'x', 'k')}
VNI = 5000
H_IP, K_IP = '10.1.0.2', '10.1.1.2'
X_RLOC, K_RLOC = '192.168.50.1', '192.168.50.2'
TCP_BYTES = 1 << 20
ARP = os.environ.get('VXK_MODE') == 'arp'
UDP_FLOWS, UDP_PER_FLOW = 16, 3

checks = Checks('vxlan-kernel')
check = checks.check
failures = checks.failures
procs = []                       # everything we started, stopped in cleanup()


def sh(*args, check=True, timeout=20, input=None):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                       input=input)
    if check and r.returncode != 0:
        raise RuntimeError('%s: rc %d: %s' % (' '.join(map(str, args)), r.returncode,
                                              r.stderr.strip()))
    return r


def nsx(ns, *args, **kw):
    return sh('ip', 'netns', 'exec', NS[ns], *args, **kw)


def popen(ns, args, **kw):
    p = subprocess.Popen(['ip', 'netns', 'exec', NS[ns]] + [str(a) for a in args], **kw)
    procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        try:
            p.send_signal(sig)
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=5)
        except ProcessLookupError:
            pass


_cleaned = False


def cleanup():
    global _cleaned
    if _cleaned:
        return
    _cleaned = True
    for p in reversed(procs):
        try:
            stop(p)
        except Exception as e:  # noqa: BLE001 - cleanup goes on
            print('cleanup: %s' % e)
    space.close_namespaces()


def on_signal(signum, frame):
    raise SystemExit('signal %d' % signum)


def mac_of(ns, dev):
    return netns.mac_of(NS[ns], dev)


# --- preconditions ------------------------------------------------------------

if os.geteuid() != 0:
    skip('needs root (network namespaces)')
if not DP or not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')
for tool, path in (('tshark', TSHARK), ('dumpcap', DUMPCAP), ('ip', shutil.which('ip')),
                   ('ethtool', shutil.which('ethtool')), ('ping', shutil.which('ping'))):
    if not path:
        skip(tool + ' not installed')

atexit.register(cleanup)
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, on_signal)

tmp = tempfile.mkdtemp(prefix='lispgw-vxk-')
os.chmod(tmp, 0o755)

# --- topology -------------------------------------------------------------------

try:
    for key in ('h', 'x', 'k'):
        space.netns(key)
        # No IPv6 anywhere: no ND/MLD/autoconf chatter through the tunnel.
        nsx(key, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1')
        nsx(key, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1')
    # Created in their namespaces directly: no name in the root namespace.
    sh('ip', 'link', 'add', 'h-eth', 'netns', NS['h'], 'type', 'veth',
       'peer', 'name', 'x-eid', 'netns', NS['x'])
    sh('ip', 'link', 'add', 'x-rloc', 'netns', NS['x'], 'type', 'veth',
       'peer', 'name', 'k-rloc', 'netns', NS['k'])
except (RuntimeError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
    cleanup()
    skip('cannot create namespaces / veth pairs: %s' % e)
try:
    nsx('k', 'ip', 'link', 'add', 'vx0', 'type', 'vxlan', 'id', VNI, 'local', K_RLOC,
        'remote', X_RLOC, 'dstport', 4789, 'nolearning', 'dev', 'k-rloc')
except RuntimeError as e:
    cleanup()
    skip('no kernel vxlan device: %s' % e)

try:
    # TX checksum offload off wherever the kernel sends (UDP through a veth
    # to an af_packet socket arrives with a partial checksum otherwise),
    # which also turns TSO off: af_packet must not see 64 KiB GSO frames.
    for key, dev in (('h', 'h-eth'), ('x', 'x-eid'), ('x', 'x-rloc'), ('k', 'k-rloc'),
                     ('k', 'vx0')):
        nsx(key, 'ethtool', '-K', dev, 'tx', 'off')
        nsx(key, 'ethtool', '-K', dev, 'gso', 'off', check=False)
    # H keeps MTU 1500 while vx0 has 1450: TCP works because K advertises
    # MSS 1410, so H's segments make exactly 1500-byte outer packets.  A
    # larger packet from H is counted (drop_mtu) and dropped without an
    # ICMP "fragmentation needed" (lispgw-dp sends none yet): not tested.
    nsx('h', 'ip', 'addr', 'add', H_IP + '/16', 'dev', 'h-eth')
    nsx('k', 'ip', 'addr', 'add', K_RLOC + '/24', 'dev', 'k-rloc')
    nsx('k', 'ip', 'addr', 'add', K_IP + '/16', 'dev', 'vx0')
    # The DPDK ports have no kernel address in X: X's kernel stays silent.
    for key, dev in (('h', 'h-eth'), ('x', 'x-eid'), ('x', 'x-rloc'), ('k', 'k-rloc'),
                     ('k', 'vx0')):
        nsx(key, 'ip', 'link', 'set', dev, 'up')
    mac = {'h-eth': mac_of('h', 'h-eth'), 'x-eid': mac_of('x', 'x-eid'),
           'x-rloc': mac_of('x', 'x-rloc'), 'k-rloc': mac_of('k', 'k-rloc'),
           'vx0': mac_of('k', 'vx0')}
    vx0_mtu = json.loads(nsx('k', 'ip', '-j', 'link', 'show', 'vx0').stdout)[0]['mtu']
    # Static neighbors.  lispgw-dp answers ARP on both sides now, but H must
    # address vx0's own MAC (not lispgw-dp's, which proxy ARP would give),
    # and vx0's ARP for H would travel inside VXLAN, which lispgw-dp (an IP
    # router in every mode) does not carry: drop_inner_not_ip.
    if not ARP:
        nsx('h', 'ip', 'neigh', 'replace', K_IP, 'lladdr', mac['vx0'], 'dev', 'h-eth',
            'nud', 'permanent')
        nsx('k', 'ip', 'neigh', 'replace', H_IP, 'lladdr', mac['h-eth'], 'dev', 'vx0',
            'nud', 'permanent')
        nsx('k', 'ip', 'neigh', 'replace', X_RLOC, 'lladdr', mac['x-rloc'], 'dev', 'k-rloc',
            'nud', 'permanent')
except (RuntimeError, subprocess.TimeoutExpired) as e:
    cleanup()
    print('FAIL  topology: %s' % e)
    sys.exit(1)

print('topology: %s H %s, X x-eid %s x-rloc %s, K k-rloc %s vx0 %s (mtu %s)' %
      (TAG, mac['h-eth'], mac['x-eid'], mac['x-rloc'], mac['k-rloc'], mac['vx0'], vx0_mtu),
      flush=True)

conf = os.path.join(tmp, 'dp.yaml')
# Static: H's MAC, K's MAC and the RLOC alone; VXK_MODE=arp: none of them.
static = {'peer': '' if ARP else '\n    peer-mac: "%s"' % mac['h-eth'],
          'addr': X_RLOC + '/24' if ARP else X_RLOC,
          'nh': '' if ARP else '\n    next-hop-mac: "%s"' % mac['k-rloc'],
          'inner': '\n    inner-mac: resolve' if ARP else ''}
with open(conf, 'w') as f:
    f.write("""log-level: info
ports:
  - name: hosts
    device: net_af_packet0
    role: eid
    instance-id: %(vni)d%(peer)s
  - name: underlay
    device: net_af_packet1
    role: rloc
    addresses: [%(addr)s]%(nh)s
instances:
  - instance-id: %(vni)d
    encapsulation: vxlan%(inner)s
static-map-cache:
  - eid-prefix: "[%(vni)d]%(kpfx)s"
    rlocs: [{address: %(kip)s}]
""" % dict(static, vni=VNI, kip=K_RLOC, kpfx='10.1.1.0/24'))


# --- lispgw-dp --------------------------------------------------------------------

class DataPlane:
    """lispgw-dp in X; stdout (EAL/DP log lines and the counters JSON
    lines) read by a thread into a queue."""

    def __init__(self):
        self.log = open(os.path.join(tmp, 'dp.log'), 'w')
        self.p = popen('x', [DP, '-l', '0', '--no-huge', '-m', '512', '--no-shconf',
                             '--no-telemetry', '--no-pci',
                             '--vdev', 'net_af_packet0,iface=x-eid',
                             '--vdev', 'net_af_packet1,iface=x-rloc', '--', '-c', conf],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.q = queue.Queue()
        self.lines = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.log.write(line)
            self.log.flush()
            self.q.put(line)

    def wait_line(self, pred, timeout):
        end = time.time() + timeout
        while time.time() < end:
            try:
                line = self.q.get(timeout=max(0.05, min(0.5, end - time.time())))
            except queue.Empty:
                if self.p.poll() is not None and self.q.empty():
                    return None
                continue
            self.lines.append(line)
            if pred(line):
                return line
        return None

    def counters(self, timeout=5):
        self.p.send_signal(signal.SIGUSR1)

        def is_ctr(line):
            return line.startswith('{') and '"event":"counters"' in line.replace(' ', '')
        line = self.wait_line(is_ctr, timeout)
        return json.loads(line) if line else None

    def tail(self, n=3000):
        self.log.flush()
        with open(os.path.join(tmp, 'dp.log')) as f:
            return f.read()[-n:]


def run_ns(ns, args, timeout=30):
    r = subprocess.run(['ip', 'netns', 'exec', NS[ns]] + [str(a) for a in args],
                       capture_output=True, text=True, timeout=timeout)
    return r


def ping(src, dst, count=5):
    r = run_ns(src, ['ping', '-n', '-q', '-c', count, '-i', '0.2', '-W', '2', dst],
               timeout=count * 3 + 10)
    got = 0
    for line in r.stdout.splitlines():
        if 'received' in line:
            got = int(line.split(',')[1].split()[0])
    return got, r.stdout.strip().splitlines()[-2:] if r.stdout else r.stderr


TCP_SERVER = r"""
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(40)
print("ready", flush=True)
c, a = s.accept(); c.settimeout(30)
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(65536)
    if not b:
        break
    h.update(b); n += len(b)
c.sendall(("%d %s\n" % (n, h.hexdigest())).encode()); c.close()
"""

TCP_CLIENT = r"""
import hashlib, os, socket, sys, time
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = os.urandom(n)
end = time.time() + 10
while True:
    try:
        c = socket.create_connection((dst, port), timeout=5); break
    except OSError:
        if time.time() > end:
            raise
        time.sleep(0.2)
c.settimeout(30); c.sendall(data); c.shutdown(socket.SHUT_WR)
reply = b""
while not reply.endswith(b"\n"):
    b = c.recv(256)
    if not b:
        break
    reply += b
print("%d %s|%s" % (n, hashlib.sha256(data).hexdigest(), reply.decode().strip()), flush=True)
"""

UDP_SINK = r"""
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind((sys.argv[1], int(sys.argv[2])))
want = int(sys.argv[3]); u.settimeout(0.5); got = 0; end = time.time() + 15
print("ready", flush=True)
while got < want and time.time() < end:
    try:
        u.recv(2048); got += 1
    except socket.timeout:
        pass
print(got, flush=True)
"""

UDP_FLOWS_SRC = r"""
import socket, sys, time
src, dst = sys.argv[1], sys.argv[2]
port, flows, per = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
for i in range(flows):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 41000 + i))
    for j in range(per):
        s.sendto(b"flow %d packet %d" % (i, j), (dst, port)); time.sleep(0.01)
    s.close()
"""


def wait_ready(p, timeout=15):
    end = time.time() + timeout
    while time.time() < end and p.poll() is None:
        r, _, _ = select.select([p.stdout], [], [], 0.2)
        if r:
            return p.stdout.readline().strip() == 'ready'
    return False


def tcp_transfer(src, dst_ns, dst_ip, port):
    srv = popen(dst_ns, [PY, '-c', TCP_SERVER, dst_ip, port], stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
    if not wait_ready(srv):
        return False, 'server did not start: %s' % (srv.stderr.read() if srv.poll() is not None
                                                   else 'timeout')
    t0 = time.time()
    r = run_ns(src, [PY, '-c', TCP_CLIENT, dst_ip, port, TCP_BYTES], timeout=60)
    dt = time.time() - t0
    stop(srv)
    out = r.stdout.strip()
    if r.returncode != 0 or '|' not in out:
        return False, 'client rc %d: %s %s' % (r.returncode, out, r.stderr.strip()[-500:])
    sent, got = out.split('|', 1)
    return sent == got, '%s sent, %s received (%.2f s)' % (sent, got, dt)


dp = None
try:
    # dumpcap first, so that the capture holds every tunnelled frame.
    cap = os.path.join(tmp, 'underlay.pcapng')
    dumpcap = tshark.Capture(cap, 'k-rloc', 'udp port 4789', ns=NS['k'], tool=DUMPCAP,
                             extra=['-s', 256, '-a', 'duration:110'], timeout=15)
    procs.append(dumpcap.p)
    if not check(dumpcap.started, 'dumpcap captures the underlay in K'):
        raise SystemExit(1)

    dp = DataPlane()
    ready = dp.wait_line(lambda l: 'mappings' in l and 'worker' in l, 30)
    if not check(ready is not None, 'lispgw-dp up in X on af_packet (x-eid, x-rloc)',
                 dp.tail()):
        raise SystemExit(1)
    c0 = dp.counters()
    check(c0 is not None and c0.get('mappings') == 1,
          'lispgw-dp: counters on SIGUSR1, one static mapping', c0)

    # (a) ping both ways; each direction initiates.
    if ARP:
        # vx0's MAC is asked through the tunnel: the first packet goes.
        ping('h', K_IP, count=1)
    got, out = ping('h', K_IP)
    check(got == 5, 'ping H -> K (10.1.0.2 -> vx0 10.1.1.2): 5/5 replies', out)
    got, out = ping('k', H_IP)
    check(got == 5, 'ping K -> H (vx0 10.1.1.2 -> 10.1.0.2): 5/5 replies', out)

    # (b) TCP both ways, 1 MB, SHA-256; UDP flows H -> K.
    ok, what = tcp_transfer('h', 'k', K_IP, 5001)
    check(ok, 'TCP H -> K: 1 MiB, byte count and SHA-256 equal', what)
    print('      ' + what)
    ok, what = tcp_transfer('k', 'h', H_IP, 5002)
    check(ok, 'TCP K -> H: 1 MiB, byte count and SHA-256 equal', what)
    print('      ' + what)
    sink = popen('k', [PY, '-c', UDP_SINK, K_IP, 7777, UDP_FLOWS * UDP_PER_FLOW],
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check(wait_ready(sink), 'UDP sink in K'):
        r = run_ns('h', [PY, '-c', UDP_FLOWS_SRC, H_IP, K_IP, 7777, UDP_FLOWS, UDP_PER_FLOW])
        try:
            out, err = sink.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            sink.kill()
            out, err = sink.communicate()
        n = int(out.split()[-1]) if out.split() else -1
        check(r.returncode == 0 and n == UDP_FLOWS * UDP_PER_FLOW,
              'UDP H -> K: %d flows x %d datagrams all delivered by the kernel' %
              (UDP_FLOWS, UDP_PER_FLOW), 'got %d; %s %s' % (n, r.stderr, err))

    if ARP:
        # vx0 learned H from our request; forgotten, it asks through the
        # tunnel and lispgw-dp answers for H (a host it knows).
        nsx('k', 'ip', 'neigh', 'flush', 'dev', 'vx0')
        got, out = ping('k', H_IP, count=2)
        check(got == 2, 'K -> H after vx0 forgot H: 2/2 (vx0 asked through the tunnel)', out)
    time.sleep(0.3)             # TX buffers drained (tx-drain-us), last frames captured
    cnt = dp.counters()
    dumpcap.stop(signal.SIGINT, timeout=10)

    # (c) the underlay as captured in K.
    fields = ['frame.number', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.flags.df',
              'udp.srcport', 'udp.dstport', 'udp.checksum', 'vxlan.flags', 'vxlan.flag_i',
              'vxlan.flags_reserved', 'vxlan.vni', 'tcp.srcport', 'tcp.dstport', 'icmp.type',
              'arp.opcode', 'arp.src.hw_mac', 'arp.src.proto_ipv4', 'arp.dst.proto_ipv4']
    try:
        rows, err = tshark.rows(TSHARK, cap, fields), ''
    except subprocess.CalledProcessError as e:
        rows, err = [], e.stderr
    check(rows, 'tshark decodes the capture (%d frames)' % len(rows), err[-500:])

    def col(row, key, i=0):
        v = row.get(key, [])
        return v[i] if i < len(v) else ''

    def truthy(s):
        return s in ('1', 'True', 'true')

    ours = [x for x in rows if col(x, 'ip.src') == X_RLOC and col(x, 'ip.dst') == K_RLOC]
    kern = [x for x in rows if col(x, 'ip.src') == K_RLOC and col(x, 'ip.dst') == X_RLOC]
    other = len(rows) - len(ours) - len(kern)
    ours_arp = []
    if ARP:
        # ARP inside VXLAN (vx0 and lispgw-dp resolving the far ends; the
        # capture filter keeps the underlay's own ARP out).
        ours_arp = [x for x in ours if col(x, 'arp.opcode')]
        kern_arp = [x for x in kern if col(x, 'arp.opcode')]
        ours = [x for x in ours if not col(x, 'arp.opcode')]
        kern = [x for x in kern if not col(x, 'arp.opcode')]
        req = [x for x in ours_arp if col(x, 'arp.opcode') == '1']
        rep_ = [x for x in ours_arp if col(x, 'arp.opcode') == '2']
        check(req and all(col(x, 'arp.src.proto_ipv4') == H_IP and
                          col(x, 'arp.dst.proto_ipv4') == K_IP and
                          col(x, 'arp.src.hw_mac') == mac['x-eid'] and
                          col(x, 'eth.dst', 1) == 'ff:ff:ff:ff:ff:ff' and
                          col(x, 'vxlan.vni') == str(VNI) for x in req),
              'lispgw-dp asks vx0 inside VXLAN: who has %s, tell %s at our MAC' % (K_IP, H_IP),
              [(col(x, 'arp.src.proto_ipv4'), col(x, 'arp.dst.proto_ipv4')) for x in req])
        check(any(col(x, 'arp.opcode') == '2' and col(x, 'arp.src.hw_mac') == mac['vx0']
                  for x in kern_arp), "vx0's ARP reply inside VXLAN")
        check(rep_ and all(col(x, 'arp.src.proto_ipv4') == H_IP and
                           col(x, 'arp.src.hw_mac') == mac['x-eid'] and
                           col(x, 'eth.dst', 1) == mac['vx0'] for x in rep_),
              'our ARP replies inside VXLAN: %s is at our MAC (%d)' % (H_IP, len(rep_)))
    check(ours and kern and other == 0,
          'underlay: %d frames lispgw-dp -> kernel, %d kernel -> lispgw-dp, nothing else' %
          (len(ours), len(kern)), '%d other frames' % other)
    bad = []
    for x in ours:
        why = []
        if col(x, 'udp.dstport') != '4789':
            why.append('dst port ' + col(x, 'udp.dstport'))
        if not col(x, 'vxlan.vni') or int(col(x, 'vxlan.vni')) != VNI:
            why.append('VNI ' + col(x, 'vxlan.vni'))
        if not truthy(col(x, 'vxlan.flag_i')):
            why.append('I flag clear')
        if int(col(x, 'vxlan.flags') or '0', 0) != 0x0800:
            why.append('flags ' + col(x, 'vxlan.flags'))
        if int(col(x, 'udp.checksum') or '1', 0) != 0:
            why.append('UDP checksum ' + col(x, 'udp.checksum'))
        if not truthy(col(x, 'ip.flags.df')):
            why.append('DF clear')
        if not 49152 <= int(col(x, 'udp.srcport') or 0) <= 65535:
            why.append('src port ' + col(x, 'udp.srcport'))
        # The inner source: H's MAC as H sent it, or ours (inner-mac: resolve).
        if (col(x, 'eth.src') != mac['x-rloc'] or col(x, 'eth.dst') != mac['k-rloc'] or
                col(x, 'eth.src', 1) != mac['x-eid' if ARP else 'h-eth'] or
                col(x, 'eth.dst', 1) != mac['vx0']):
            why.append('MACs ' + col(x, 'eth.src') + '>' + col(x, 'eth.dst') + ' inner ' +
                       col(x, 'eth.src', 1) + '>' + col(x, 'eth.dst', 1))
        if col(x, 'ip.src', 1) != H_IP or col(x, 'ip.dst', 1) != K_IP:
            why.append('inner %s > %s' % (col(x, 'ip.src', 1), col(x, 'ip.dst', 1)))
        if why:
            bad.append('#%s: %s' % (col(x, 'frame.number'), ', '.join(why)))
    check(ours and not bad, 'lispgw-dp -> kernel: VXLAN VNI %d, flags 0x08 (I only), UDP dst '
          '4789, src 49152..65535, UDP checksum 0, DF; inner H -> vx0 MACs and addresses' % VNI,
          '; '.join(bad[:5]))
    kbad = [col(x, 'frame.number') for x in kern
            if col(x, 'udp.dstport') != '4789' or not truthy(col(x, 'vxlan.flag_i')) or
            int(col(x, 'vxlan.vni') or 0) != VNI]
    check(kern and not kbad, 'kernel -> lispgw-dp: VXLAN VNI %d, I flag, UDP dst 4789' % VNI,
          kbad[:5])

    # One outer source port per inner flow, different ones across flows.
    by_flow = {}
    for x in ours:
        if col(x, 'udp.srcport', 1) and col(x, 'udp.dstport', 1) == '7777':
            key = ('udp', col(x, 'udp.srcport', 1))
        elif col(x, 'tcp.srcport'):
            key = ('tcp', col(x, 'tcp.srcport'), col(x, 'tcp.dstport'))
        elif col(x, 'icmp.type'):
            key = ('icmp',)
        else:
            continue
        by_flow.setdefault(key, set()).add(col(x, 'udp.srcport'))
    udp_flows = {k: v for k, v in by_flow.items() if k[0] == 'udp'}
    multi = {k: v for k, v in by_flow.items() if len(v) != 1}
    distinct = set().union(*udp_flows.values()) if udp_flows else set()
    check(len(udp_flows) == UDP_FLOWS and not multi,
          'one outer UDP source port per inner flow (%d flows seen)' % len(by_flow), multi)
    check(len(distinct) >= UDP_FLOWS // 2,
          'outer source ports vary across flows: %d distinct for %d UDP flows' %
          (len(distinct), len(udp_flows)), sorted(distinct))

    # (d) lispgw-dp's counters.
    if check(cnt is not None, "lispgw-dp's counters after the traffic"):
        print('      ' + ' '.join('%s=%s' % (k, v) for k, v in cnt.items()
                                  if isinstance(v, int) and v), flush=True)
        check(cnt['encap_vxlan'] > 0 and cnt['decap_vxlan'] > 0,
              'encap_vxlan %d > 0 and decap_vxlan %d > 0' %
              (cnt['encap_vxlan'], cnt['decap_vxlan']))
        punts = cnt['punt_arp'] + cnt['punt_arp_tunnel'] + cnt['punt_peer_mac'] if ARP else 0
        check(cnt['rx_eid'] + cnt['rx_rloc'] == cnt['encap_vxlan'] + cnt['decap_vxlan'] + punts,
              'every frame from H encapsulated, every frame from the kernel decapsulated' +
              (' (but ARP and the first packet to vx0: %d punted)' % punts if ARP else ''),
              'rx_eid %d encap %d rx_rloc %d decap %d' % (cnt['rx_eid'], cnt['encap_vxlan'],
                                                          cnt['rx_rloc'], cnt['decap_vxlan']))
        check(cnt['encap_vxlan'] == len(ours) and cnt['decap_vxlan'] == len(kern),
              'the capture holds what the counters say (%d encapsulated, %d decapsulated)' %
              (len(ours), len(kern)),
              'counters encap %d decap %d' % (cnt['encap_vxlan'], cnt['decap_vxlan']))
        drops = {k: v for k, v in cnt.items()
                 if (k.startswith('drop_') or (k.startswith('punt_') and not ARP)) and v}
        ov, nb = cnt.get('overlay', {}), cnt.get('neigh', {})
        made = (ov.get('replies', 0) + ov.get('requests', 0) + nb.get('replies_sent', 0) +
                nb.get('requests_sent', 0) + nb.get('held_sent', 0)) if ARP else 0
        check(not drops and cnt['tx'] == cnt['encap_vxlan'] + cnt['decap_vxlan'] + made,
              'no drop%s; tx = encap + decap%s' % (', no punt' if not ARP else '',
                                                  ' + the frames we made (ARP)' if ARP else ''),
              drops or (cnt['tx'], made))
        if ARP:
            check(nb.get('resolved', 0) >= 1, 'the underlay next hop K resolved by ARP '
                  '(no next-hop-mac)', nb)
            check(ov.get('replies', 0) >= 1 and ov.get('requests', 0) >= 1 and
                  ov.get('learned', 0) >= 1 and ov.get('bad', 1) == 0 and
                  len(ours_arp) == ov.get('replies', 0) + ov.get('requests', 0),
                  'overlay: %s; %d ARP frames inside VXLAN captured' % (ov, len(ours_arp)))
        check(cnt['encap_lisp'] == cnt['encap_gpe'] == cnt['decap_lisp'] == cnt['decap_gpe'] == 0,
              'nothing but VXLAN')
except SystemExit:
    if failures:
        pass
    else:
        raise
except Exception as e:  # noqa: BLE001 - reported as a failure, cleanup follows
    check(False, 'test ran to the end', repr(e))
finally:
    if failures and dp is not None:
        print('--- lispgw-dp log (tail) ---')
        print(dp.tail())
    cleanup()

if not failures:
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print('logs and capture kept in ' + tmp)
checks.exit()
