#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Three hosts in network namespaces: a Map-Server/Map-Resolver and two xTR
control planes, all real lispgw-cp processes.  The xTRs register two
tenants (IID 1 and IID 2) that use the same EIDs, one of them over IPv6;
lispgw-ctl lig on xTR 1's host resolves both through the Map-Resolver and is
answered by the right ETR; when xTR 2 stops, its registrations expire."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import netns   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import Proc, binary   # noqa: E402

CP, CTL = binary('lispgw-cp'), binary('lispgw-ctl')
if netns.unavailable():
    skip('needs root and ip netns: ' + netns.unavailable())

MS4, X1, X2 = '10.77.0.1', '10.77.0.2', '10.77.0.3'
MS6, X2_6 = 'fd77::1', 'fd77::3'
tmp = tempfile.mkdtemp(prefix='lispgw-netns-')
checks = Checks('netns integration')
check = checks.check
failures = checks.failures


def conf(name, text):
    path = os.path.join(tmp, name + '.yaml')
    with open(path, 'w') as f:
        f.write(text)
    return path


net = netns.Net('lgcp')
ms_ns = net.host('ms', MS4, MS6)
x1_ns = net.host('x1', X1)
x2_ns = net.host('x2', X2, X2_6)
procs = []


def start(ns, path, name):
    p = Proc([CP, '-d', '-c', path], os.path.join(tmp, name + '.log'), ns=ns, merge=True)
    procs.append(p)
    return p


def lig(eid, mr=MS4):
    out = subprocess.run(['ip', 'netns', 'exec', x1_ns, CTL, 'lig', eid, '--mr', mr, '--json',
                          '--timeout', '1500'], capture_output=True, text=True, timeout=20)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {'error': out.stdout + out.stderr}


try:
    start(ms_ns, conf('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%s, "%s"]}
map-server:
  registration-timeout: 3s
  sites:
    - {name: t1, key-id: 2, key: "tenant-one-key", eid-prefixes: ["[1]10.1.0.0/16"],
       accept-more-specifics: true}
    - {name: t2, key-id: 1, key: "tenant-two-key", eid-prefixes: ["[2]10.1.0.0/16"],
       accept-more-specifics: true}
""" % (MS4, MS6)), 'ms')
    time.sleep(0.3)
    start(x1_ns, conf('x1', """
roles: [etr]
listen: {addresses: [%s]}
etr:
  register-interval: 1s
  proxy-reply: false
  map-servers: [{address: %s, key-id: 2, key: "tenant-one-key"}]
  database:
    - eid-prefix: "[1]10.1.1.0/24"
      rlocs: [{address: %s, attributes: {gpu: H100, state: ready}}]
""" % (X1, MS4, X1)), 'x1')
    x2 = start(x2_ns, conf('x2', """
roles: [etr]
listen: {addresses: [%s, "%s"]}
etr:
  register-interval: 1s
  proxy-reply: true
  map-servers: [{address: "%s", key-id: 1, key: "tenant-two-key"}]
  database:
    - eid-prefix: "[2]10.1.1.0/24"
      rlocs: [{address: %s}, {address: "%s", priority: 2}]
""" % (X2, X2_6, MS6, X2, X2_6)), 'x2')
    time.sleep(1.5)

    r = lig('[1]10.1.1.7')
    rec = r.get('records', [{}])[0]
    check(r.get('from') == X1 and rec.get('eid') == '[1]10.1.1.0/24' and rec.get('authoritative'),
          'IID 1: forwarded to xTR 1, which answers authoritatively')
    check(rec.get('locators', [{}])[0].get('attributes') == {'gpu': 'H100', 'state': 'ready'},
          'the RLOC carries its JSON attributes (LCAF type 14) end to end')
    r = lig('[2]10.1.1.7')
    rec = r.get('records', [{}])[0]
    rlocs = sorted(l['rloc'] for l in rec.get('locators', []))
    check(r.get('from') == MS4 and rlocs == sorted([X2, X2_6]),
          'IID 2, same EID: proxy-replied by the Map-Server with xTR 2 RLOCs (registered over IPv6)')
    r = lig('[3]10.1.1.7')
    check(r.get('records', [{}])[0].get('action') == 'native-forward', 'IID 3: not an EID')

    x2.send_signal(signal.SIGKILL)
    x2.wait()
    time.sleep(4)
    r = lig('[2]10.1.1.7')
    rec = r.get('records', [{}])[0]
    check(rec.get('action') == 'send-map-request' and not rec.get('locators'),
          'xTR 2 stopped: its registration expired')
    r = lig('[1]10.1.1.7')
    check(r.get('from') == X1, 'xTR 1, still refreshing, is still registered')
finally:
    for p in procs:
        p.stop()
    if failures:
        for name in ('ms', 'x1', 'x2'):
            print('--- %s.log' % name)
            print(open(os.path.join(tmp, name + '.log')).read()[-2000:])
    net.close()

checks.exit()
