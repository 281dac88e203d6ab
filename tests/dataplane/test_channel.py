#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-cp pushes its map-cache into a running lispgw-dp over the
shared-memory channel: a static map-cache entry of the control plane
becomes a forwarding entry of the data plane; SIGKILL of lispgw-cp leaves
the data plane's entries in place (forwarding never stops); a restarted
lispgw-cp attaches under a new generation and replays its state."""
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import NULL_DP_PORTS, Proc, null_dp   # noqa: E402

DP = os.environ.get('LISPGW_DP')
CP = os.environ.get('LISPGW_CP')
if not DP or not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')

tmp = tempfile.mkdtemp(prefix='lispgw-chan-')
sock = os.path.join(tmp, 'dp.sock')
checks = Checks('channel')
check = checks.check
failures = checks.failures


with open(os.path.join(tmp, 'dp.yaml'), 'w') as f:
    f.write(NULL_DP_PORTS)
with open(os.path.join(tmp, 'cp.yaml'), 'w') as f:
    f.write("""
roles: [itr]
listen: {addresses: [127.64.0.1]}
dataplane: {socket: %s}
itr:
  map-resolvers: [{address: 127.64.0.2}]
  static-map-cache:
    - eid-prefix: "[1]10.20.0.0/16"
      rlocs: [{address: 192.0.2.2, priority: 1, weight: 70}, {address: 192.0.2.3, weight: 30}]
    - eid-prefix: "[1]10.30.0.0/16"
      rlocs: [{address: 192.0.2.4}]
""" % sock)

dp = null_dp(DP, os.path.join(tmp, 'dp.yaml'), sock, os.path.join(tmp, 'dp.log'))
cps = []


def counters():
    return dp.counters()


def start_cp():
    p = Proc([CP, '-c', os.path.join(tmp, 'cp.yaml')], os.path.join(tmp, 'cp.log'))
    cps.append(p)
    return p


try:
    deadline = time.time() + 20
    while not os.path.exists(sock) and time.time() < deadline and dp.poll() is None:
        time.sleep(0.1)
    check(os.path.exists(sock), 'lispgw-dp listens on the channel socket')
    c = counters()
    check(c.get('mappings') == 0 and not c['channel']['attached'], 'no mapping before the control plane')

    cp = start_cp()
    time.sleep(1.5)
    c = counters()
    check(c['channel']['attached'] and c['channel']['generation'] == 1, 'lispgw-cp attached (generation 1)',
          str(c.get('channel')))
    check(c.get('mappings') == 2 and c['channel']['applied'] >= 2,
          "the control plane's two map-cache entries are forwarding entries", str(c))

    cp.send_signal(signal.SIGKILL)
    cp.wait()
    time.sleep(0.5)
    c = counters()
    check(c.get('mappings') == 2, 'SIGKILL of lispgw-cp: the data plane keeps forwarding by its entries',
          str(c))

    cp = start_cp()
    time.sleep(1.5)
    c = counters()
    check(c['channel']['attached'] and c['channel']['generation'] == 2 and c.get('mappings') == 2,
          'restarted lispgw-cp: generation 2, state resynchronised', str(c))
finally:
    for p in cps:
        p.stop()
    dp.stop(timeout=10)
    if failures:
        print(open(os.path.join(tmp, 'dp.log')).read()[-2000:])
        print(open(os.path.join(tmp, 'cp.log')).read()[-2000:])

checks.exit()
