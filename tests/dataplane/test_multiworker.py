#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Two worker lcores (issue 16, item 3): lispgw-dp on net_af_packet ports
with two queues each (a PACKET_FANOUT hash group: the kernel's flow hash
picks the queue, and worker i polls queue i), between a host H and a
remote xTR R that reflects the tunnel traffic (lispgwlab.dpnet).

Shown, with the per-worker counters of /lispgw/stats,W:
(a) flow affinity: each of 16 UDP flows, sent alone, is encapsulated by
    exactly one worker (rx_eid and encap_lisp all on one worker, flow_new 1
    and flow_hit n-1 in that worker's own flow table) and its reflection is
    decapsulated by exactly one worker (rx_rloc);
(b) spreading: across the flows both workers encapsulate and both
    decapsulate; the decap side spreads because our outer UDP source port
    carries the inner flow's entropy (the reflector keeps it): the flows
    used several distinct source ports, all in 49152..65535;
(c) every datagram came back to H, no drop counter moved;
(d) the process total /lispgw/stats is the sum of the workers' blocks.

The machine may have 2 CPUs: the main lcore and worker 2 then share CPU 0
(--lcores 0@0,1@1,2@0), with the idle back-off on (the default).
Exits 77 when not root or without lispgw-dp / namespaces."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import daemons, dpnet, netns   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402

WORKERS, FLOWS, PER_FLOW = 2, 16, 40
checks = Checks('dp-multiworker')
check = checks.check

DP = daemons.binary('lispgw-dp')
why = netns.unavailable()
if why:
    skip(why)
if not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')
if not shutil.which('ethtool'):
    skip('ethtool not installed')

tmp = tempfile.mkdtemp(prefix='lispgw-mw-')
net = None
try:
    net = dpnet.DpNet('mw', tmp)
    net.start_reflector(os.path.join(tmp, 'reflector.log'))
    dp = net.start_dp(DP, WORKERS, 'lispgw-mw%d' % os.getpid(), flows=4096)
    ports = [20000 + i for i in range(FLOWS)]
    host = net.host(ports + [19999])
    host.send(19999, 3)             # warm-up: the reflector is up, the path works
    check(host.received(19999) == 3, 'warm-up: 3 datagrams H -> X -> R -> X -> H')

    keys = ('rx_eid', 'encap_lisp', 'rx_rloc', 'decap_lisp', 'flow_new', 'flow_hit')
    enc_by, dec_by, lost = set(), set(), 0
    for p in ports:
        before = net.worker_stats(WORKERS)
        host.send(p, PER_FLOW)
        back = host.received(p)
        after = net.worker_stats(WORKERS)
        d = [{k: after[w][k] - before[w][k] for k in keys} for w in range(WORKERS)]
        lost += PER_FLOW - back
        enc = [w for w in range(WORKERS) if d[w]['rx_eid']]
        dec = [w for w in range(WORKERS) if d[w]['rx_rloc']]
        ok = (len(enc) == 1 and d[enc[0]]['rx_eid'] == PER_FLOW and
              d[enc[0]]['encap_lisp'] == PER_FLOW and d[enc[0]]['flow_new'] == 1 and
              d[enc[0]]['flow_hit'] == PER_FLOW - 1)
        check(ok, 'flow %d: all %d packets encapsulated by one worker, pinned once in its '
              'flow table' % (p, PER_FLOW), d)
        ok = len(dec) == 1 and d[dec[0]]['rx_rloc'] == back and d[dec[0]]['decap_lisp'] == back
        check(ok, 'flow %d: its %d reflections decapsulated by one worker' % (p, back), d)
        enc_by.update(enc)
        dec_by.update(dec)
    check(lost == 0, 'every datagram came back to H (%d lost)' % lost)
    check(enc_by == set(range(WORKERS)), 'encap spread: flows on workers %s' % sorted(enc_by))
    check(dec_by == set(range(WORKERS)), 'decap spread: reflections on workers %s'
          % sorted(dec_by))
    with open(net.sports_file) as f:
        sports = {int(x) for x in f.read().split()}
    check(len(sports) >= FLOWS // 2 and all(49152 <= s <= 65535 for s in sports),
          'outer UDP source ports: %d distinct for %d flows, all in 49152..65535'
          % (len(sports), FLOWS), sorted(sports))

    per = net.worker_stats(WORKERS)
    total = net.tel('/lispgw/stats')
    check(total['workers'] == WORKERS, 'telemetry: %d workers' % total['workers'])
    for k in ('rx_eid', 'rx_rloc', 'tx', 'encap_lisp', 'decap_lisp', 'flow_new'):
        check(total[k] == sum(s[k] for s in per) and total[k] > 0,
              'total %s %d = sum of the workers %s' % (k, total[k], [s[k] for s in per]))
    drops = {k: v for k, v in total.items() if k.startswith('drop_') and v}
    check(not drops, 'no drop counter moved', drops)
    check(dp.alive(), 'lispgw-dp still running')
    net.tel.close()
    dp.stop()
    last = None
    while not dp.lines.empty():
        last = dp.lines.get_nowait()
    check(last is not None and '"workers":2' in last, 'exit counters line: 2 workers',
          last)
except (RuntimeError, OSError) as e:
    checks.fail('setup or run: %s' % e)
finally:
    if net:
        net.close(show_log=bool(checks.failures))
    shutil.rmtree(tmp, ignore_errors=True)
checks.exit()
