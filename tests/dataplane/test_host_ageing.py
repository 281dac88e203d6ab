#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'dp-host-ageing': EID-side hosts age out (tables.host-timeout-s).

    H (namespace)                               X (lispgw-dp)
    h-eth 10.1.0.2/16 (a kernel host) ==veth== x-eid [IID 1, af_packet]
    + M 10.1.0.3 at 02:00:00:00:03:03,         net_null0 (RLOC side)
      forged by scapy on h-eth: a host that
      has moved away and never answers

lispgw-dp runs with `tables: {host-timeout-s: 5}`.  Both hosts announce
themselves with an ARP request for the gateway and are learned.  Shown:
  - while M is known, lispgw-dp does not answer ARP for M's address (M
    answers for itself), but does for an unknown one (proxy ARP);
  - M, silent, is aged: hosts_aged 1 within a few timeouts;
  - H, silent too but present, answers lispgw-dp's probes (ARP from
    0.0.0.0, counted as hosts_probed) and is still known three timeouts
    later: hosts_aged stays 1, and lispgw-dp still leaves ARP for H's address
    to H;
  - once M is aged, lispgw-dp answers ARP for M's address (the agent is
    elsewhere now: we are its gateway);
  - M comes back (its ARP): learned again (hosts_learned + 1), and
    lispgw-dp stops answering for it.
Root (namespaces), else 77.
"""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import netns  # noqa: E402
from lispgwlab.check import Checks, skip  # noqa: E402
from lispgwlab.daemons import Proc  # noqa: E402

DP = os.environ.get('LISPGW_DP', '')
PY = '/usr/bin/python3'
# 5 s: probes start at 3/4 of it, so an answer has 1.25 s to come back
# through lispgw-dp; 0.75 s (a 3 s timeout) was too short once under
# ASan on the loaded 2-core machine.
TIMEOUT_S = 5
H_IP, M_IP, OTHER_IP, GW_IP = '10.1.0.2', '10.1.0.3', '10.1.0.99', '10.1.0.1'
M_MAC = '02:00:00:00:03:03'

if os.geteuid() != 0:
    skip('needs root (network namespaces)')
if not DP or not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')
why = netns.unavailable()
if why:
    skip(why)

# The host side: one scapy process in H (imported once: it is slow to start)
# taking commands "SMAC SIP TIP WAIT" and printing the MACs that answered an
# ARP request from SMAC/SIP for TIP within WAIT seconds (none when 0).
HELPER = r'''
import sys
import scapy.all as s
s.conf.verb = 0
print("up", flush=True)
for line in sys.stdin:
    smac, sip, tip, wait = line.split()
    p = s.Ether(src=smac, dst="ff:ff:ff:ff:ff:ff") / s.ARP(op=1, hwsrc=smac, psrc=sip, pdst=tip)
    if float(wait) <= 0:
        s.sendp(p, iface="h-eth")
        print("", flush=True)
        continue
    ans, _ = s.srp(p, iface="h-eth", timeout=float(wait), multi=True)
    print(" ".join(sorted({r[s.ARP].hwsrc for _, r in ans if r[s.ARP].op == 2})), flush=True)
'''

checks = Checks('host-ageing')
check = checks.check
space = netns.Namespaces('hag')
tmp = tempfile.mkdtemp(prefix='lispgw-hag-')
dp = helper = None


def nsx(ns, *args):
    return netns.sh('ip', 'netns', 'exec', ns, *args)


def arp(smac, sip, tip, wait):
    helper.stdin.write('%s %s %s %s\n' % (smac, sip, tip, wait))
    helper.stdin.flush()
    return set(helper.stdout.readline().split())


def sigusr1_caught(pid):
    try:
        with open('/proc/%d/status' % pid) as f:
            cgt = [l.split()[1] for l in f if l.startswith('SigCgt:')]
    except OSError:
        return False
    return bool(cgt) and int(cgt[0], 16) & (1 << 9) != 0


def counters():
    c = dp.counters(timeout=5) or {}
    return c, c.get('neigh', {})


def wait_counters(pred, timeout):
    end = time.time() + timeout
    while True:
        c, n = counters()
        if pred(c, n) or time.time() >= end:
            return c, n
        time.sleep(0.3)


try:
    h, x = space.netns('h'), space.netns('x')
    for ns in (h, x):
        # No IPv6: no ND/MLD chatter, ARP is the only neighbour traffic.
        nsx(ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1')
        nsx(ns, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1')
    space.veth(h, 'h-eth', x, 'x-eid')
    nsx(h, 'ip', 'addr', 'add', H_IP + '/16', 'dev', 'h-eth')
    h_mac, x_mac = netns.mac_of(h, 'h-eth'), netns.mac_of(x, 'x-eid')
except (OSError, subprocess.SubprocessError) as e:
    space.close_namespaces()
    skip('cannot create namespaces / veth: %s' % e)

conf = os.path.join(tmp, 'dp.yaml')
with open(conf, 'w') as f:
    f.write("""log-level: info
ports:
  - {name: hosts, device: net_af_packet0, role: eid, instance-id: 1}
  - {name: underlay, device: net_null0, role: rloc, addresses: [192.0.2.1],
     next-hop-mac: "02:00:00:00:00:fe"}
instances:
  - {instance-id: 1, encapsulation: lisp}
tables: {host-timeout-s: %d}
""" % TIMEOUT_S)

try:
    dp = Proc([DP, '-l', '0', '--no-huge', '-m', '256', '--no-shconf', '--no-telemetry',
               '--no-pci', '--vdev', 'net_af_packet0,iface=x-eid', '--vdev', 'net_null0',
               '--', '-c', conf], os.path.join(tmp, 'dp.log'), ns=x, stdout_lines=True)
    helper = subprocess.Popen(netns.nsexec(h, PY, '-c', HELPER), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    # Up once it catches SIGUSR1 (set after the EAL and the ports; before,
    # the signal would kill it) and answers with its counters.
    ready = False
    end = time.time() + 30
    while not ready and time.time() < end and dp.alive():
        time.sleep(0.3)
        ready = sigusr1_caught(dp.p.pid) and dp.counters(timeout=2) is not None
    check(ready, 'lispgw-dp up on af_packet (x-eid), host-timeout-s %d' % TIMEOUT_S)
    check(helper.stdout.readline().strip() == 'up', 'scapy host side up in H')

    # Both hosts announce themselves (ARP for the gateway): learned.
    arp(M_MAC, M_IP, GW_IP, 0)
    arp(h_mac, H_IP, GW_IP, 0)
    c, n = wait_counters(lambda c, n: n.get('hosts_learned', 0) >= 2, 10)
    check(n.get('hosts_learned') == 2 and c.get('hosts_aged') == 0,
          'H and M learned, none aged', n)
    t_learned = time.time()
    ans = arp(h_mac, H_IP, M_IP, 1)
    check(x_mac not in ans, 'M known: ARP for its address is left to M (no proxy answer)', ans)
    check(arp(h_mac, H_IP, OTHER_IP, 1) == {x_mac},
          'an unknown address: lispgw-dp answers for it (proxy ARP)')

    # M never answers: aged after the timeout (one sweep of the table and
    # a tick later at most).
    c, n = wait_counters(lambda c, n: c.get('hosts_aged', 0) >= 1, 6 * TIMEOUT_S)
    took = time.time() - t_learned
    check(c.get('hosts_aged') == 1 and took >= TIMEOUT_S - 1,
          'M aged: hosts_aged 1, %.1f s after it was learned (timeout %d s)' % (took, TIMEOUT_S), c)
    ans = arp(h_mac, H_IP, M_IP, 1)
    check(ans == {x_mac}, 'M aged: lispgw-dp now answers ARP for its address (proxy)', ans)

    # H answers the probes: three timeouts after its only ARP, still known.
    while time.time() - t_learned < 3 * TIMEOUT_S + 1:
        time.sleep(0.5)
    c, n = counters()
    check(c.get('hosts_aged') == 1 and n.get('hosts_probed', 0) >= 2,
          'H, silent but answering probes, is not aged (hosts_aged still 1, %s probes sent)'
          % n.get('hosts_probed'), (c.get('hosts_aged'), n))
    # (H's own answer leaves through h-eth, which the helper does not see.)
    ans = arp(M_MAC, M_IP, H_IP, 1)
    check(x_mac not in ans and arp(M_MAC, M_IP, OTHER_IP, 1) == {x_mac},
          'H still known: no proxy answer for its address, while one for an unknown address', ans)

    # M is back: learned again, no longer proxied.
    learned = n.get('hosts_learned', 0)
    arp(M_MAC, M_IP, GW_IP, 0)
    c, n = wait_counters(lambda c, n: n.get('hosts_learned', 0) > learned, 5)
    check(n.get('hosts_learned') == learned + 1, 'M re-learned from its ARP (hosts_learned + 1)', n)
    ans = arp(h_mac, H_IP, M_IP, 1)
    check(x_mac not in ans, 'M known again: no proxy answer for its address', ans)
    check(dp.alive(), 'lispgw-dp still running')
finally:
    if helper:
        helper.kill()
        helper.wait()
    if dp:
        dp.stop()
    space.close_namespaces()
    if checks.failures:
        try:
            print(open(os.path.join(tmp, 'dp.log')).read()[-3000:])
        except OSError:
            pass
    subprocess.run(['rm', '-rf', tmp], check=False)
checks.exit()
