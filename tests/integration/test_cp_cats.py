#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Context-aware selection (CATS, docs/cats.md) with real lispgw-cp
processes in network namespaces (prefix "cts"):

  - two ETR sites register the same anycast service EID [1000]10.100.0.1
    with their own RLOC and attributes; the Map-Server merges them (both
    sites allow shared EIDs);
  - lispgw-ctl lig --constraints gets only the matching RLOC, with the
    priorities of the Map-Resolver's ranking policy for IID 1000; nothing
    matching gives the negative drop-policy reply; no constraints, the
    merged set as registered;
  - an xTR's ITR, subscribed (RFC 9437), caches the whole set ranked by its
    own policy ("load"); a metrics-file change at one ETR past the
    threshold re-ranks it there through pub/sub, with no withdrawal (the
    entry keeps both RLOCs throughout), while a change under the threshold
    sends no Map-Register at all.
Root only (77 otherwise); every namespace and process is removed on exit."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import netns   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import Proc, binary   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

CP, CTL = binary('lispgw-cp'), binary('lispgw-ctl')
if netns.unavailable():
    skip('needs root and ip netns: ' + netns.unavailable())
# meson's timeout sends SIGTERM: exit through finally/atexit, namespaces gone.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

MS, E1, E2, X = '10.78.0.1', '10.78.0.2', '10.78.0.3', '10.78.0.4'
TOKEN = 'cats-integration-token-0123456789'
EID = '[1000]10.100.0.1'
tmp = tempfile.mkdtemp(prefix='lispgw-cats-')
checks = Checks('cats integration')
check = checks.check
failures = checks.failures
procs = []


def conf(name, text):
    path = os.path.join(tmp, name + '.yaml')
    with open(path, 'w') as f:
        f.write(text)
    return path


def metrics(name, obj):
    path = os.path.join(tmp, name + '-metrics.json')
    with open(path + '.new', 'w') as f:
        json.dump(obj, f)
    os.rename(path + '.new', path)     # the agent never reads half a file
    return path


def api(ns, host, path, method='GET', body=None):
    """REST inside a namespace (on its loopback: a public REST address
    must be https; host names the daemon): the body of a 2xx answer, else
    None."""
    try:
        st, b = Api('127.0.0.1', TOKEN, ns=ns)(method, path, body)
    except OSError:
        return None
    return b if 200 <= st < 300 else None


def lig(constraints=None):
    args = ['ip', 'netns', 'exec', x_ns, CTL, 'lig', EID, '--mr', MS, '--json',
            '--timeout', '1500']
    if constraints is not None:
        args += ['--constraints', json.dumps(constraints)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=20)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {'error': out.stdout + out.stderr}


def ranks(reply):
    """rloc -> (priority, weight) of the first record."""
    rec = (reply.get('records') or [{}])[0]
    return {l['rloc']: (l['priority'], l['weight']) for l in rec.get('locators', [])}


def cache():
    b = api(x_ns, X, '/api/v1/map-cache?eid=' + urllib.parse.quote(EID))
    if not b or not b.get('entries'):
        return None
    return {l['address']: l['priority'] for l in b['entries'][0].get('rlocs', [])}


def stat(ns, host, *keys):
    b = api(ns, host, '/api/v1/stats')
    for k in keys:
        b = (b or {}).get(k)
    return b


def start(ns, path, name):
    p = Proc([CP, '-d', '-c', path], os.path.join(tmp, name + '.log'), ns=ns, merge=True)
    procs.append(p)
    return p


ETR = """
roles: [etr]
listen: {addresses: [%(ip)s]}
rest: {address: 127.0.0.1, token: "%(token)s"}
etr:
  register-interval: 60s
  proxy-reply: %(proxy)s
  map-servers: [{address: %(ms)s, key-id: 2, key: "%(key)s"}]
  database:
    - eid-prefix: "%(eid)s/32"
      rlocs: [{address: %(ip)s, attributes: %(attrs)s}]
cats:
  metrics: {file: "%(metrics)s", interval: 200ms, threshold-percent: 10}
"""

net = netns.Net('cts')
try:
    ms_ns = net.host('ms', MS)
    e1_ns = net.host('e1', E1)
    e2_ns = net.host('e2', E2)
    x_ns = net.host('x', X)
    start(ms_ns, conf('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: 127.0.0.1, token: "%s"}
map-server:
  pubsub: true
  sites:
    - {name: site-a, key-id: 2, key: "site-a-key", allow-shared-eids: true,
       accept-more-specifics: true, eid-prefixes: ["[1000]10.100.0.0/16"]}
    - {name: site-b, key-id: 2, key: "site-b-key", allow-shared-eids: true,
       accept-more-specifics: true, eid-prefixes: ["[1000]10.100.0.0/16"]}
    - {name: client, key-id: 2, key: "client-key", accept-more-specifics: true,
       eid-prefixes: ["[1000]10.200.0.0/16"]}
cats:
  policies: [{instance-id: 1000, rank: "latency_ms,load"}]
""" % (MS, TOKEN)), 'ms')
    time.sleep(0.3)
    m1 = metrics('e1', {'rlocs': {}})
    m2 = metrics('e2', {'rlocs': {}})
    start(e1_ns, conf('e1', ETR % dict(
        ip=E1, ms=MS, key='site-a-key', eid=EID, token=TOKEN, proxy='true', metrics=m1,
        attrs='{gpu: H100, state: ready, latency_ms: 8, load: 0.2}')), 'e1')
    start(e2_ns, conf('e2', ETR % dict(
        ip=E2, ms=MS, key='site-b-key', eid=EID, token=TOKEN, proxy='false', metrics=m2,
        attrs='{gpu: A100, state: ready, latency_ms: 3, load: 0.5}')), 'e2')
    start(x_ns, conf('x', """
roles: [xtr]
xtr-id: "000000000000000000000000000000c5"
site-id: 5
listen: {addresses: [%s]}
rest: {address: 127.0.0.1, token: "%s"}
etr:
  register-interval: 60s
  map-servers: [{address: %s, key-id: 2, key: "client-key"}]
  database:
    - eid-prefix: "[1000]10.200.0.0/24"
      rlocs: [{address: %s}]
itr:
  map-resolvers: [{address: %s}]
  subscribe: true
cats:
  policies: [{instance-id: 1000, rank: "load"}]
""" % (X, TOKEN, MS, X, MS)), 'x')

    deadline = time.time() + 8
    r = {}
    while time.time() < deadline:
        r = lig()
        if len(ranks(r)) == 2:
            break
        time.sleep(0.3)
    check(ranks(r) == {E1: (1, 100), E2: (1, 100)},
          'anycast EID: both sites merged; no constraints: as registered', r)

    r = lig({'gpu': 'H100'})
    check(r.get('from') == MS and ranks(r) == {E1: (1, 100)},
          'constraints {"gpu":"H100"}: only site A, priority 1', r)
    r = lig({'state': 'ready', 'max_latency_ms': 10})
    check(ranks(r) == {E2: (1, 100), E1: (2, 100)},
          'both match: ranked by latency_ms (site B 3 ms first), priorities 1 and 2', r)
    r = lig({'gpu': 'B200'})
    rec = (r.get('records') or [{}])[0]
    check(rec.get('action') == 'drop-policy' and not rec.get('locators') and
          rec.get('ttl') == 1 and rec.get('eid') == EID + '/32',
          'nothing matches: negative reply, drop-policy, TTL 1 minute', r)
    st = stat(ms_ns, MS, 'map_resolver')
    check(st and st.get('replies_constrained') == 2 and st.get('replies_constrained_nomatch') == 1,
          'Map-Resolver counters: 2 constrained replies, 1 no-match', st)

    # The ITR resolves and caches the whole set, ranked by its own policy.
    api(x_ns, X, '/api/v1/map-cache', 'POST', {'eid': EID})
    deadline = time.time() + 5
    got = cache()
    while got != {E1: 1, E2: 2} and time.time() < deadline:
        time.sleep(0.1)
        got = cache()
    check(got == {E1: 1, E2: 2}, 'ITR caches both RLOCs ranked by load (A 0.2 first)', got)

    # Under the threshold (0.2 -> 0.21, 5%): no Map-Register at all.
    sent = stat(e1_ns, E1, 'etr', 'registers_sent')
    metrics('e1', {'rlocs': {E1: {'load': 0.21}}})
    time.sleep(1.0)
    check(stat(e1_ns, E1, 'etr', 'registers_sent') == sent,
          'metrics change under the threshold: no Map-Register', sent)
    check(cache() == {E1: 1, E2: 2}, 'and nothing moves at the ITR')

    # Past it (0.2 -> 0.9): one Map-Register, pub/sub re-ranks at the ITR,
    # and the entry keeps both RLOCs at every moment (no withdrawal).
    changed = stat(ms_ns, MS, 'map_server', 'registrations_changed')
    metrics('e1', {'rlocs': {E1: {'load': 0.9}}})
    seen, deadline = [], time.time() + 6
    got = cache()
    while got != {E1: 2, E2: 1} and time.time() < deadline:
        seen.append(got)
        time.sleep(0.05)
        got = cache()
    seen.append(got)
    check(got == {E1: 2, E2: 1}, 'metrics past the threshold: the ITR re-ranks (B first)', seen[-3:])
    check(all(s is not None and set(s) == {E1, E2} for s in seen),
          'the ITR entry kept both RLOCs throughout (no withdrawal)', seen)
    check(stat(e1_ns, E1, 'etr', 'registers_sent') == sent + 1, 'exactly one Map-Register')
    check(stat(ms_ns, MS, 'map_server', 'registrations_changed') == changed + 1,
          'one registration change at the Map-Server, no expiry',
          stat(ms_ns, MS, 'map_server'))
    check(stat(ms_ns, MS, 'map_server', 'registrations_expired') == 0, 'nothing expired')
    st = stat(x_ns, X, 'itr')
    check(st and st.get('notify_records_installed', 0) >= 1,
          'the change came by pub/sub (Map-Notify installed)', st)
    # The mapping system agrees.
    r = lig({'state': 'ready'})
    check(ranks(r) == {E2: (1, 100), E1: (2, 100)}, 'lig sees the new metrics', r)
    r = lig({'load': {'<=': 0.5}})
    check(ranks(r) == {E2: (1, 100)}, 'a load constraint now picks site B only', r)
finally:
    for p in procs:
        p.stop()
    if failures:
        for name in ('ms', 'e1', 'e2', 'x'):
            try:
                print('--- %s.log' % name)
                print(open(os.path.join(tmp, name + '.log')).read()[-2500:])
            except OSError:
                pass
    net.close()
    shutil.rmtree(tmp, ignore_errors=True)

checks.exit()
