#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Capture on a running lispgw-dp with dpdk-dumpcap (issue 16, item 4a).

lispgw-dp (two workers, net_af_packet with two queues, hugepages in a
hugetlbfs mounted for the test, its own --file-prefix and no --in-memory,
so that dumpcap can attach as a secondary process) forwards a steady UDP
stream between a host and a LISP reflector (lispgwlab.dpnet) all along.

Shown:
(a) dpdk-dumpcap -c 40 on the RLOC port: the pcapng, decoded by tshark,
    holds LISP data frames both ways (encapsulated by us 192.168.50.1 ->
    .2, reflections .2 -> .1) with IID 1 and the inner host's addresses;
    dumpcap's own report (the pdump statistics memzone we fill) says it
    received what it wrote and dropped nothing; on the EID port, the plain
    UDP datagrams of the host;
(b) ten captures started and stopped under traffic (five ending by
    themselves, -a duration:1, five stopped by SIGINT as ^C): each wrote
    packets and exited 0, lispgw-dp kept running;
(c) afterwards lispgw-dp still forwards (every datagram of a new flow
    comes back), every capture callback attached was detached (after its
    RCU grace period), no request was refused, no drop counter moved but
    for capture copies;
(d) the race itself: lispgw-dp on net_null ports (a worker copying
    millions of frames a second into dumpcap's ring) survives eight
    captures that end while it copies.  With DPDK 22.11's own pdump server
    instead of ours the same process died of SIGSEGV within five captures
    in 4 runs of 4 (docs/dataplane.md, "Capture").

Exits 77 when not root, without lispgw-dp, dpdk-dumpcap, tshark, or 2 MB
hugepages."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import daemons, dpnet, netns, tshark   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402

WORKERS, CYCLES, HUGE_MB, RACE_CYCLES = 2, 10, 384, 8
NULL_CONF = daemons.NULL_DP_PORTS + \
    "tables: {max-mappings: 1024, ipv4-tbl8-groups: 16, ipv6-tbl8-groups: 16}\n"
HP = '/sys/kernel/mm/hugepages/hugepages-2048kB/'
checks = Checks('dp-pdump')
check = checks.check

DP = daemons.binary('lispgw-dp')
DUMPCAP = shutil.which('dpdk-dumpcap')
TSHARK = os.environ.get('TSHARK') or shutil.which('tshark')
why = netns.unavailable()
if why:
    skip(why)
for tool, p in (('lispgw-dp', DP if os.path.exists(DP) else None), ('dpdk-dumpcap', DUMPCAP),
                ('tshark', TSHARK), ('ethtool', shutil.which('ethtool'))):
    if not p:
        skip(tool + ' not installed')
if not os.access(HP + 'nr_hugepages', os.W_OK):
    skip('no 2 MB hugepages')


def hp_read(name):
    with open(HP + name) as f:
        return int(f.read())


class Stream(threading.Thread):
    """H sends ~1000 datagrams/s over 8 flows and reads the reflections."""

    def __init__(self, host, ports):
        super().__init__(daemon=True)
        self.host, self.ports = host, ports
        self.stop = threading.Event()
        self.sent = self.back = 0

    def run(self):
        i = 0
        while not self.stop.is_set():
            p = self.ports[i % len(self.ports)]
            self.host.socks[p].sendto(b'stream', (dpnet.REMOTE_EID, 9000))
            self.sent += 1
            i += 1
            for s in self.host.socks.values():
                try:
                    while s.recv(2048):
                        self.back += 1
                except BlockingIOError:
                    pass
            time.sleep(0.001)


def dumpcap(prefix, args, timeout=30, sigint_after=None):
    p = subprocess.Popen([DUMPCAP, '--file-prefix=' + prefix] + args,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if sigint_after:
        time.sleep(sigint_after)
        p.send_signal(signal.SIGINT)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    return p.returncode, out


tmp = tempfile.mkdtemp(prefix='lispgw-pdump-')
huge = os.path.join(tmp, 'huge')
os.mkdir(huge)
hp_before = hp_read('nr_hugepages')
net = stream = None
mounted = False
try:
    free_mb = hp_read('free_hugepages') * 2
    if free_mb < HUGE_MB:
        with open(HP + 'nr_hugepages', 'w') as f:
            f.write(str(hp_before + (HUGE_MB - free_mb) // 2))
    if hp_read('free_hugepages') * 2 < HUGE_MB:
        raise RuntimeError('could not reserve %d MB of hugepages' % HUGE_MB)
    netns.sh('mount', '-t', 'hugetlbfs', '-o', 'pagesize=2M', 'nodev', huge)
    mounted = True
    net = dpnet.DpNet('pd', tmp)
    net.start_reflector(os.path.join(tmp, 'reflector.log'))
    prefix = 'lispgw-pd%d' % os.getpid()
    dp = net.start_dp(DP, WORKERS, prefix, huge_dir=huge)
    ports = [21000 + i for i in range(8)]
    host = net.host(ports + [22000])
    stream = Stream(host, ports)
    stream.start()
    daemons.wait_for(lambda: stream.back > 50, 10)
    check(stream.back > 50, 'the stream flows before any capture (%d back)' % stream.back)

    # (a) one capture of each port, checked by tshark
    pcap = os.path.join(tmp, 'rloc.pcapng')
    rc, out = dumpcap(prefix, ['-i', 'net_af_packet1', '-c', '40', '-w', pcap])
    check(rc == 0, 'dumpcap -c 40 on the RLOC port exits 0', out)
    rows = tshark.fields(pcap, ['ip.src', 'ip.dst', 'udp.dstport', 'lisp-data.iid'],
                         tshark=TSHARK)
    check(len(rows) >= 40, 'the pcapng holds %d frames' % len(rows))
    lisp = [r for r in rows if len(r) >= 4 and r[2].split(',')[0] == '4341' and
            r[3] == '1']
    check(len(lisp) == len(rows), 'every frame is LISP data to 4341 with IID 1', rows[:5])
    outer = {tuple(r[0].split(',')[:1] + r[1].split(',')[:1]) for r in lisp}
    check((dpnet.X_RLOC, dpnet.R_RLOC) in outer and (dpnet.R_RLOC, dpnet.X_RLOC) in outer,
          'both ways: encapsulated by us and reflections', outer)
    inner = {(r[0].split(',')[-1], r[1].split(',')[-1]) for r in lisp}
    check(inner <= {(dpnet.H_IP, dpnet.REMOTE_EID), (dpnet.REMOTE_EID, dpnet.H_IP)},
          'inner packets between the host and the remote EID', inner)
    check("received/dropped on interface 'net_af_packet1'" in out and '/0' in out,
          "dumpcap's report (our pdump statistics): nothing dropped", out[-300:])
    pcap = os.path.join(tmp, 'eid.pcapng')
    rc, out = dumpcap(prefix, ['-i', 'net_af_packet0', '-c', '20', '-w', pcap, '-q'])
    rows = tshark.fields(pcap, ['ip.src', 'ip.dst', 'udp.dstport', 'udp.srcport'],
                         tshark=TSHARK)
    check(rc == 0 and len(rows) >= 20 and
          all({r[0], r[1]} == {dpnet.H_IP, dpnet.REMOTE_EID} for r in rows),
          'dumpcap on the EID port: %d frames, all between the host and the remote EID'
          % len(rows), out)

    # (b) start and stop under traffic
    for i in range(CYCLES):
        pcap = os.path.join(tmp, 'cycle%d.pcapng' % i)
        if i % 2:
            rc, out = dumpcap(prefix, ['-i', 'net_af_packet1', '-w', pcap, '-q'],
                              sigint_after=0.7)
        else:
            rc, out = dumpcap(prefix, ['-i', 'net_af_packet1', '-a', 'duration:1', '-w', pcap,
                                       '-q'])
        n = len(tshark.fields(pcap, ['frame.number'], tshark=TSHARK)) if rc == 0 else 0
        check(rc == 0 and n > 0, 'capture %d (%s): exit 0, %d frames' %
              (i + 1, 'SIGINT' if i % 2 else 'duration:1', n), out)
        check(dp.alive(), 'lispgw-dp alive after capture %d' % (i + 1), dp.text()[-1500:])
        if not dp.alive():
            break

    # (c) still forwarding, everything detached
    stream.stop.set()
    stream.join()
    time.sleep(0.3)
    host.send(22000, 20, gap=0.002)
    check(host.received(22000) == 20, 'after the captures: 20 datagrams of a new flow back')
    c = net.tel('/lispgw/stats')
    check(c['capture_attached'] >= (CYCLES + 2) * 2 * WORKERS and
          c['capture_attached'] == c['capture_detached'],
          'capture callbacks: %d attached, %d detached (2 queues x RX/TX each time)'
          % (c['capture_attached'], c['capture_detached']))
    check(c['capture_copied'] > 0 and c['capture_refused'] == 0,
          'copies: %d, refused requests: %d' % (c['capture_copied'], c['capture_refused']))
    drops = {k: v for k, v in c.items() if k.startswith('drop_') and v and 'capture' not in k}
    check(not drops, 'no drop counter moved', drops)
    check(stream.back > 0.9 * stream.sent, 'the stream: %d of %d datagrams back'
          % (stream.back, stream.sent))
    net.tel.close()
    check(dp.stop() == 0, 'lispgw-dp exits 0 on SIGTERM')
    shutil.rmtree('/var/run/dpdk/' + prefix, ignore_errors=True)

    # (d) detach while a worker copies without pause (net_null: every poll
    # returns a full burst, so the worker never idles; one worker, 12 s)
    conf = os.path.join(tmp, 'null.yaml')
    with open(conf, 'w') as f:
        f.write(NULL_CONF)
    prefix = 'lispgw-pn%d' % os.getpid()
    race = daemons.Proc([DP, '-l', '0-1', '--file-prefix', prefix, '--huge-dir', huge, '-m',
                         '256'] + dpnet.SECONDARY_VA +
                        ['--no-pci', '--vdev', 'net_null0', '--vdev', 'net_null1', '--',
                         '-c', conf], os.path.join(tmp, 'null.log'), stdout_lines=True)
    try:
        sock = '/var/run/dpdk/%s/dpdk_telemetry.v2' % prefix
        daemons.wait_for(lambda: os.path.exists(sock) or not race.alive(), 30)
        daemons.wait_for(lambda: 'worker' in race.text() or not race.alive(), 30)
        for i in range(RACE_CYCLES):
            rc, out = dumpcap(prefix, ['-i', 'net_null0', '-a', 'duration:1', '-w',
                                       os.path.join(tmp, 'race.pcapng'), '-q'])
            time.sleep(0.3)
            if not race.alive():
                break
        check(race.alive(), 'net_null at full rate: lispgw-dp alive after %d captures' % (i + 1),
              'rc %s: %s' % (race.poll(), race.text()[-1000:]))
        c = race.counters()
        check(c is not None and c['capture_attached'] == c['capture_detached'] ==
              2 * RACE_CYCLES and c['capture_copied'] > 0,
              'net_null: %d captures attached and detached (RX and TX), %d copies' %
              (RACE_CYCLES, c['capture_copied'] if c else -1), c)
    finally:
        race.stop()
        shutil.rmtree('/var/run/dpdk/' + prefix, ignore_errors=True)
except (RuntimeError, OSError, subprocess.SubprocessError) as e:
    checks.fail('setup or run: %s' % e)
finally:
    if stream:
        stream.stop.set()
    if net:
        net.close(show_log=bool(checks.failures))
    if mounted:
        netns.sh('umount', huge, check=False)
    try:
        with open(HP + 'nr_hugepages', 'w') as f:
            f.write(str(hp_before))
    except OSError:
        pass
    shutil.rmtree(tmp, ignore_errors=True)
checks.exit()
