#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Agents end to end, in network namespaces ("agt*"): a Map-Server/Map-Resolver
and two xTRs, all real lispgw-cp processes.  Agents are registered with
`lispgw-ctl agent register` on each xTR in two Instance-IDs that use the same
EIDs and attributes; `agent find` on the Map-Server returns exactly the right
ones, ranked, never across IIDs; a PATCH of the load re-registers without a
withdrawal (tshark sees no TTL-0 record, the Map-Server never loses the EID)
and a subscribed ITR sees the new attributes; a DN EID resolves through a
Map-Request (lig); DELETE withdraws; a restart keeps every agent's EID."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import netns, tshark   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import Proc, binary   # noqa: E402
from lispgwlab.netns import nsexec   # noqa: E402
from lispgwlab.rest import Api, ctl_args   # noqa: E402

CP, CTL = binary('lispgw-cp'), binary('lispgw-ctl')
if netns.unavailable():
    skip('needs root and ip netns: ' + netns.unavailable())

MS, X1, X2 = '10.88.0.1', '10.88.0.2', '10.88.0.3'
TOKEN = 'agents-integration-token-0123'
tmp = tempfile.mkdtemp(prefix='lispgw-agt-')
checks = Checks('agents integration')
check = checks.check
failures = checks.failures
procs = {}


def conf(name, text):
    path = os.path.join(tmp, name + '.yaml')
    with open(path, 'w') as f:
        f.write(text)
    return path


net = netns.Net('agt')
ns = {'ms': net.host('ms', MS), 'x1': net.host('x1', X1), 'x2': net.host('x2', X2)}
ADDR = {'ms': MS, 'x1': X1, 'x2': X2}


def start(name, text):
    procs[name] = Proc([CP, '-d', '-c', conf(name, text)], os.path.join(tmp, name + '.log'),
                       ns=ns[name], merge=True)
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            api(name, 'GET', '/api/v1/health')
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(name + ' did not start')


def stop(name):
    procs.pop(name).stop()


def api(name, method, path, body=None):
    """The API listens on the namespace's loopback (a public REST address
    must be https): reached from inside it."""
    return Api('127.0.0.1', TOKEN, ns=ns[name])(method, path, body)


def ctl(name, *args):
    return subprocess.run(nsexec(ns[name], *ctl_args(Api('127.0.0.1', TOKEN)), *args),
                          capture_output=True, text=True, timeout=20)


def find(iid, *conds, sort='load'):
    out = ctl('ms', 'agent', 'find', '--iid', str(iid), *conds, '--sort', sort, '--json')
    if out.returncode != 0:
        return None, out.stderr
    j = json.loads(out.stdout)
    return [(a['id'], a['iid'], a['eid']) for a in j['agents']], j


def wait_for(fn, want, seconds=6.0):
    deadline = time.time() + seconds
    got = fn()
    while got != want and time.time() < deadline:
        time.sleep(0.2)
        got = fn()
    return got


def registered(eid):
    st, b = api('ms', 'GET', '/api/v1/registrations?match=exact&eid=' + urllib.parse.quote(eid))
    return st == 200 and b['count'] == 1


MS_CONF = """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: 127.0.0.1, token: "%s"}
map-server:
  pubsub: true
  sites:
    - {name: agents, key-id: 2, key: "agents-key", accept-more-specifics: true,
       eid-prefixes: ["[7]10.70.0.0/16", "[8]10.70.0.0/16", "[7]dn:planner-7"]}
""" % (MS, TOKEN)

XTR_CONF = """
roles: [xtr]
xtr-id: "%(xid)s"
listen: {addresses: [%(ip)s]}
rest: {address: 127.0.0.1, token: "%(tok)s"}
etr:
  register-interval: 2s
  map-servers: [{address: %(ms)s, key-id: 2, key: "agents-key"}]
  database:
    - {eid-prefix: "[7]10.70.%(n)d.0/24", rlocs: [{address: %(ip)s}]}
    - {eid-prefix: "[8]10.70.%(n)d.0/24", rlocs: [{address: %(ip)s}]}
itr:
  map-resolvers: [{address: %(ms)s}]
  subscribe: true
agents:
  state-file: %(state)s
  pools: ["[7]10.70.%(n)d.0/24", "[8]10.70.%(n)d.0/24"]
"""


def xtr(name, n):
    start(name, XTR_CONF % dict(xid='%032x' % n, ip=ADDR[name], tok=TOKEN, ms=MS, n=n,
                                state=os.path.join(tmp, name + '-agents.json')))


pcap = None
try:
    start('ms', MS_CONF)
    xtr('x1', 1)
    xtr('x2', 2)
    time.sleep(0.5)

    H100 = ['gpu=H100', 'gpus=8', 'state=ready']
    # xTR 1: a7 co-located (its own RLOC), pool EID, a DN; b7 behind the
    # site's xTR, busy; a8 in IID 8, the same pool EID as a7.
    r = ctl('x1', 'agent', 'register', 'a7', '--iid', '7', '--dn', 'planner-7', '--rloc', X1,
            *H100, 'load=0.5', '--json')
    a7 = json.loads(r.stdout) if r.returncode == 0 else {}
    check(a7.get('eid') == '[7]10.70.1.1/32' and a7.get('allocated') is True and
          a7.get('placement') == 'co-located', 'register a7: EID from the pool', r.stdout + r.stderr)
    r = ctl('x1', 'agent', 'register', 'b7', '--iid', '7', '--eid', '10.70.1.20', 'gpu=H100',
            'state=busy', 'load=0.1', '--json')
    b7 = json.loads(r.stdout) if r.returncode == 0 else {}
    check(b7.get('placement') == 'site' and b7.get('allocated') is False,
          'register b7 behind the site xTR (brought EID)', r.stdout + r.stderr)
    r = ctl('x1', 'agent', 'register', 'a8', '--iid', '8', '--rloc', X1, *H100, 'load=0.2',
            '--json')
    check(r.returncode == 0 and json.loads(r.stdout)['eid'] == '[8]10.70.1.1/32',
          'register a8 in IID 8: the same EID as a7', r.stdout + r.stderr)
    # xTR 2: c7/c8 the same EIDs in both IIDs, d7 another GPU.
    for aid, iid, load, gpu in (('c7', 7, '0.3', 'H100'), ('c8', 8, '0.1', 'H100'),
                                ('d7', 7, '0.05', 'A100')):
        r = ctl('x2', 'agent', 'register', aid, '--iid', str(iid), '--eid', '10.70.2.5' if
                aid != 'd7' else '10.70.2.6', '--rloc', X2, 'gpu=' + gpu, 'gpus=8',
                'state=ready', 'load=' + load)
        check(r.returncode == 0, 'register %s on xTR 2' % aid, r.stderr)

    # Refusals: conflicts and bad fields, nothing changed.
    st, b = api('x1', 'POST', '/api/v1/agents', {'id': 'zz', 'iid': 7, 'eid': '10.70.1.1',
                                                 'rlocs': [{'address': X1}]})
    check(st == 409 and b.get('field') == 'eid' and 'a7' in b.get('error', ''),
          '409: an EID taken by another agent', b)
    st, b = api('x1', 'POST', '/api/v1/agents', {'id': 'zz', 'iid': 7, 'eid': '10.99.0.1',
                                                 'rlocs': [{'address': X1}]})
    check(st == 409 and b.get('field') == 'eid', '409: an EID outside the pool', b)
    st, b = api('x1', 'POST', '/api/v1/agents', {'id': 'a7', 'iid': 7})
    check(st == 409 and b.get('field') == 'id', '409: the id is registered', b)
    st, b = api('x1', 'POST', '/api/v1/agents', {'id': 'zz', 'iid': 7,
                                                 'rlocs': [{'address': X1, 'weight': 300}]})
    check(st == 400 and b.get('field') == 'rlocs[0].weight', '400 names the field', b)
    st, b = api('x1', 'PATCH', '/api/v1/agents/a7', {'eid': '10.70.1.9'})
    check(st == 400 and b.get('field') == 'eid', '400: an EID never changes', b)
    st, b = api('x1', 'GET', '/api/v1/agents/nobody')
    check(st == 404, '404: unknown agent', b)
    st, b = api('ms', 'GET', '/api/v1/agents?load=%3Cx%3C')
    check(st in (200, 400), 'a strange condition never crashes', b)
    st, b = api('ms', 'GET', '/api/v1/agents?sort=')
    check(st == 400 and b.get('field') == 'sort', '400: empty sort', b)

    # Discovery on the Map-Server.
    want7 = [('c7', 7, '[7]10.70.2.5/32'), ('a7', 7, '[7]10.70.1.1/32')]
    want8 = [('c8', 8, '[8]10.70.2.5/32'), ('a8', 8, '[8]10.70.1.1/32')]
    got = wait_for(lambda: find(7, 'gpu=H100', 'state=ready')[0], want7)
    check(got == want7, 'find IID 7 gpu=H100 state=ready, lowest load first', got)
    got = wait_for(lambda: find(8, 'gpu=H100', 'state=ready')[0], want8)
    check(got == want8, 'find IID 8: the same EIDs, never IID 7 agents', got)
    got, j = find(7, 'load<0.2')
    check(got == [('d7', 7, '[7]10.70.2.6/32'), ('b7', 7, '[7]10.70.1.20/32')],
          'find IID 7 load<0.2 (every GPU, site agent included)', got)
    _, j = find(7, 'gpu=H100', 'state=ready')
    a7m = [a for a in j['agents'] if a['id'] == 'a7']
    check(a7m and a7m[0].get('dn') == '[7]dn:planner-7', 'a7 is found with its DN', a7m)
    out = ctl('ms', 'agent', 'find', '--iid', '7', 'gpu=H100', '--sort', 'load')
    check(out.returncode == 0 and out.stdout.count('\n') == 4 and 'b7' in out.stdout,
          'agent find prints a table', out.stdout)

    # DN: a Map-Request for [7]dn:planner-7 resolves to a7's mapping.
    out = subprocess.run(['ip', 'netns', 'exec', ns['x2'], CTL, 'lig', '[7]dn:planner-7',
                          '--mr', MS, '--json', '--timeout', '1500'], capture_output=True,
                         text=True, timeout=20)
    try:
        lig = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        lig = {'error': out.stdout + out.stderr}
    text = json.dumps(lig)
    check(X1 in text and '"agent": "a7"' in text.replace('\\"', '"'),
          'lig [7]dn:planner-7 answers with a7\'s RLOC', text)

    # The ITR of xTR 2 resolves a7 (and subscribes).
    api('x2', 'POST', '/api/v1/map-cache', {'eid': '[7]10.70.1.1'})

    def cache_load():
        st, b = api('x2', 'GET', '/api/v1/map-cache?eid=' + urllib.parse.quote('[7]10.70.1.1'))
        if st != 200 or not b['entries']:
            return None
        return b['entries'][0]['rlocs'][0].get('attributes', {}).get('load')
    check(wait_for(cache_load, 0.5) == 0.5, "xTR 2's map-cache has a7 with load 0.5")

    # PATCH the load: re-registered, never withdrawn.
    pcap = os.path.join(tmp, 'ms.pcap')
    # Capturing only once tshark says so (a fixed wait loses the update on
    # a loaded machine); its stderr goes to a file, so it never blocks.
    dump = tshark.Capture(pcap, 'eth0', 'udp port 4342', ns=ns['ms'])
    lost = []
    watching = True

    def watch():
        while watching:
            if not registered('[7]10.70.1.1/32'):
                lost.append(time.time())
            time.sleep(0.05)
    t = threading.Thread(target=watch)
    t.start()
    r = ctl('x1', 'agent', 'update', 'a7', 'load=0.05', '--json')
    check(r.returncode == 0 and json.loads(r.stdout)['attributes']['load'] == 0.05,
          'agent update a7 load=0.05', r.stdout + r.stderr)
    got = wait_for(lambda: find(7, 'gpu=H100', 'state=ready')[0],
                   [want7[1], want7[0]])
    check(got == [want7[1], want7[0]], 'find re-ranks: a7 first now', got)
    check(wait_for(cache_load, 0.05) == 0.05, "pub/sub: xTR 2's map-cache sees load 0.05")
    time.sleep(0.5)
    watching = False
    t.join()
    dump.stop()
    check(not lost, 'the Map-Server never lost [7]10.70.1.1/32 during the update')
    regs = tshark.fields(pcap, ['lisp.mapping.ttl'], display='lisp.type == 3')
    ttls = [x for row in regs for field in row for x in field.split(',') if x]
    check(ttls and '0' not in ttls, 'tshark: Map-Registers, none with a TTL-0 record', ttls[:20])

    # DELETE withdraws; the pool EID is kept for the id; a restart keeps it all.
    r = ctl('x1', 'agent', 'remove', 'a7')
    check(r.returncode == 0 and 'kept' in r.stdout, 'agent remove a7', r.stdout + r.stderr)
    check(wait_for(lambda: registered('[7]10.70.1.1/32'), False, 3) is False,
          'the Map-Server lost a7 at once (withdrawn)')
    check(wait_for(lambda: registered('[7]dn:planner-7'), False, 3) is False,
          'and its DN')
    r = ctl('x1', 'agent', 'register', 'a7', '--iid', '7', '--rloc', X1, *H100, 'load=0.4',
            '--json')
    check(r.returncode == 0 and json.loads(r.stdout)['eid'] == '[7]10.70.1.1/32',
          'a7 back: the same EID', r.stdout + r.stderr)
    stop('x1')
    xtr('x1', 1)
    st, b = api('x1', 'GET', '/api/v1/agents/b7')
    check(st == 200 and b['eid'] == '[7]10.70.1.20/32', 'restart: b7 is still there', b)
    check(wait_for(lambda: registered('[7]10.70.1.1/32'), True) is True,
          'restart: a7 is registered again')
    r = ctl('x1', 'agent', 'register', 'n7', '--iid', '7', '--rloc', X1, '--json')
    check(r.returncode == 0 and json.loads(r.stdout)['eid'] == '[7]10.70.1.2/32',
          'restart: the next agent gets the next free EID', r.stdout + r.stderr)
    out = ctl('x1', 'agent', 'list', '--iid', '8')
    check(out.returncode == 0 and 'a8' in out.stdout and 'a7' not in out.stdout,
          'agent list --iid 8 on the xTR', out.stdout)
finally:
    for n in list(procs):
        stop(n)
    net.close()

if failures:
    for n in ('ms', 'x1', 'x2'):
        p = os.path.join(tmp, n + '.log')
        if os.path.exists(p):
            print('--- ' + n)
            print(open(p).read()[-2000:])
checks.exit()
