#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Two xTR control planes (ITR + ETR) and a Map-Server/Map-Resolver, all
lispgw-cp, managed through their REST APIs and lispgw-ctl:
  - xTR 1's ITR resolves an EID of xTR 2 into its map-cache;
  - SMR: xTR 2's mapping changes (REST), its ETR solicits xTR 1, whose ITR
    re-resolves: the map-cache follows without anyone asking;
  - pub/sub: with subscription on, the Map-Server's notification alone
    updates the map-cache;
  - refusals are counted by the Map-Server (/api/v1/stats, /metrics).
"""
import os
import sys
import subprocess
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.rest import Api, ctl_args   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.loopback import Lab   # noqa: E402

lab = Lab(block=62)
MS, X1, X2 = lab.ip(1), lab.ip(2), lab.ip(3)
TOKEN = 'integration-token-0123456789'
checks = Checks('xtr integration')
check = checks.check
failures = checks.failures


def api(host, method, path, body=None):
    return Api(host, TOKEN)(method, path, body)


def ctl(host, *args):
    return subprocess.run(ctl_args(Api(host, TOKEN)) + list(args),
                          capture_output=True, text=True, timeout=20)


def cache_rlocs(host, eid):
    st, b = api(host, 'GET', '/api/v1/map-cache?eid=' + urllib.parse.quote(eid))
    if st != 200 or not b['entries']:
        return None
    return sorted(l['address'] for l in b['entries'][0].get('rlocs', []))


def wait_for(fn, want, seconds=4.0):
    deadline = time.time() + seconds
    got = fn()
    while got != want and time.time() < deadline:
        time.sleep(0.1)
        got = fn()
    return got


XTR = """
roles: [xtr]
xtr-id: "%(xtr_id)s"
site-id: 1
listen: {addresses: [%(listen)s]}
rest: {address: %(ip)s, token: "%(token)s"}
etr:
  register-interval: 2s
  proxy-reply: %(proxy)s
  map-servers: [{address: %(ms)s, key-id: 2, key: "tenant-key"}]
  database:
    - eid-prefix: "%(eid)s"
      rlocs: [{address: %(ip)s}]
itr:
  map-resolvers: [{address: %(ms)s}]
  subscribe: %(subscribe)s
"""


def xtr(name, ip, eid, xtr_id, proxy, subscribe, renumbered=()):
    """renumbered: RLOCs the xTR moves to later, where it listens too (the
    Map-Server forwards requests to the registered RLOC)."""
    return lab.start(name, XTR % dict(ip=ip, ms=MS, eid=eid, xtr_id=xtr_id, token=TOKEN,
                                      proxy=proxy, subscribe=subscribe,
                                      listen=', '.join((ip,) + tuple(renumbered))), ip)


lab.start('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  pubsub: true
  sites:
    - {name: tenant, key-id: 2, key: "tenant-key", accept-more-specifics: true,
       eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (MS, MS, TOKEN), MS)
xtr('x1', X1, '[1]10.1.0.0/16', '0' * 31 + '1', 'false', 'false')
NEW, NEWER = lab.ip(33), lab.ip(34)
xtr('x2', X2, '[1]10.2.0.0/16', '0' * 31 + '2', 'false', 'false', renumbered=(NEW, NEWER))
time.sleep(1)

out = ctl(MS, 'show', 'registrations')
check(out.returncode == 0 and '[1]10.1.0.0/16' in out.stdout and '[1]10.2.0.0/16' in out.stdout,
      'lispgw-ctl show registrations lists both xTRs')

# Resolution by xTR 1's ITR: answered by xTR 2's ETR (non-proxy).
st, b = api(X1, 'POST', '/api/v1/map-cache', {'eid': '[1]10.2.3.4'})
check(st == 202, 'POST /map-cache starts a resolution')
check(wait_for(lambda: cache_rlocs(X1, '[1]10.2.3.4'), [X2]) == [X2],
      "xTR 1's map-cache holds [1]10.2.0.0/16 -> xTR 2")
out = ctl(X1, 'show', 'map-cache')
check(out.returncode == 0 and '[1]10.2.0.0/16' in out.stdout, 'lispgw-ctl show map-cache')

# SMR: xTR 2 renumbers its RLOC; its ETR tells xTR 1, which re-resolves.
st, _ = api(X2, 'POST', '/api/v1/mappings',
            {'eid': '[1]10.2.0.0/16', 'replace': True, 'rlocs': [{'address': NEW}]})
check(st in (200, 201), 'xTR 2 changes its mapping through REST')
check(wait_for(lambda: cache_rlocs(X1, '[1]10.2.3.4'), [NEW]) == [NEW],
      "SMR: xTR 1's map-cache follows to the new RLOC unasked")
_, s = api(X1, 'GET', '/api/v1/stats')
check(s.get('itr', {}).get('smr_received', 0) >= 1, 'xTR 1 counted the SMR', str(s.get('itr'))[:300])

# Pub/sub: restart xTR 1 subscribing; the Map-Server's notification alone
# moves the entry.
lab.stop('x1')
xtr('x1', X1, '[1]10.1.0.0/16', '0' * 31 + '1', 'false', 'true')
time.sleep(2.5)     # registered again (the subscription's security association)
api(X1, 'POST', '/api/v1/map-cache', {'eid': '[1]10.2.3.4'})
check(wait_for(lambda: cache_rlocs(X1, '[1]10.2.3.4'), [NEW]) == [NEW], 'resolved again')
_, ms_stats = api(MS, 'GET', '/api/v1/stats')
check(ms_stats.get('pubsub', {}).get('subscriptions', 0) >= 1, 'the Map-Server holds the subscription',
      str(ms_stats.get('pubsub')))
api(X2, 'POST', '/api/v1/mappings',
    {'eid': '[1]10.2.0.0/16', 'replace': True, 'rlocs': [{'address': NEWER}]})
check(wait_for(lambda: cache_rlocs(X1, '[1]10.2.3.4'), [NEWER]) == [NEWER],
      "pub/sub: the notification updates xTR 1's map-cache")
_, s = api(X1, 'GET', '/api/v1/stats')
check(s.get('itr', {}).get('notify_records_installed', 0) >= 1,
      'xTR 1 counted the applied notification', str(s.get('itr'))[:400])

# Refusals are counted by the Map-Server.
bad = lab.udp(lab.ip(9))
bad.sendto(lw.map_register([lw.record(1, '10.3.0.0', 16, [(lab.ip(9), 1, 1)])], 'wrong', 1,
                           xtr_id=bytes(16)), (MS, 4342))
bad.sendto(lw.map_register([lw.record(1, '11.0.0.0', 8, [(lab.ip(9), 1, 1)])], 'tenant-key', 2,
                           xtr_id=bytes(16)), (MS, 4342))
reg = lw.map_register([lw.record(1, '10.4.0.0', 16, [(lab.ip(9), 1, 1)])], 'tenant-key', 3,
                      xtr_id=bytes(16))
bad.sendto(reg, (MS, 4342))
time.sleep(0.3)
bad.sendto(reg, (MS, 4342))
time.sleep(0.3)
_, s = api(MS, 'GET', '/api/v1/stats')
m = s.get('map_server', {})
check(m.get('register_auth_failures') == 1, 'wrong key counted', str(m))
check(m.get('register_no_site') == 1, 'EID outside every site counted')
check(m.get('register_replays') == 1, 'replay counted')
st, metrics = api(MS, 'GET', '/metrics')
check('auth' in metrics and 'lispgw_' in metrics, '/metrics exposes the counters')

if failures:
    for n in ('ms', 'x1', 'x2'):
        print('--- ' + n)
        print(lab.log(n)[-1500:])
checks.exit()
