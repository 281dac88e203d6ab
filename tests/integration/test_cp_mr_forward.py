#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Map-Resolver and Map-Server forwarding (RFC 9301 §8.1, §8.2,
docs/controlplane.md), lispgw-cp daemons on loopback:

  ms   map-server only, site [1]10.0.0.0/8
  mr   map-resolver only, map-resolver.map-servers -> ms for [1]10.0.0.0/8
  etr  registers [1]10.2.0.0/16 to ms without proxy reply
  co   map-server + map-resolver + etr in one process, registering to itself

Shown: `lispgw-ctl lig` through the stand-alone Map-Resolver is answered by
the ETR (the ECM went mr -> ms -> the registered RLOC); a lig sent straight
to the Map-Server-only process is answered too; an unregistered EID inside
the site gets the least-specific prefix that covers no registration; EIDs
outside every delegation are answered negative by the Map-Resolver itself;
the co-located process answers one lig with one request handled and one
reply (old main: 202 Map-Requests with one nonce and no reply); each path
is counted."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import Lab   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=63)
MS, MR, ETR, CO = lab.ip(1), lab.ip(2), lab.ip(3), lab.ip(4)
TOKEN = 'integration-token-0123456789'
checks = Checks('mr-forward integration')
check = checks.check
failures = checks.failures


def stats(host):
    return Api(host, TOKEN)('GET', '/api/v1/stats')[1]


def registered(host, eid, seconds=5.0):
    def listed():
        try:
            st, b = Api(host, TOKEN)('GET', '/api/v1/registrations')
        except OSError:
            return False    # REST not up yet
        return st == 200 and eid in json.dumps(b)
    return wait_for(listed, seconds, 0.1)


def one(reply):
    recs = reply.get('records') or [{}]
    return reply.get('from'), recs[0]


lab.start('ms', """
roles: [map-server]
listen: {addresses: [%(ms)s]}
rest: {address: %(ms)s, token: "%(tok)s"}
map-server:
  sites:
    - {name: tenant, key-id: 2, key: "tenant-key", accept-more-specifics: true,
       eid-prefixes: ["[1]10.0.0.0/8"]}
""" % dict(ms=MS, tok=TOKEN), MS)
lab.start('mr', """
roles: [map-resolver]
listen: {addresses: [%(mr)s]}
rest: {address: %(mr)s, token: "%(tok)s"}
map-resolver:
  map-servers:
    - {address: %(ms)s, eid-prefixes: ["[1]10.0.0.0/8"]}
""" % dict(mr=MR, ms=MS, tok=TOKEN), MR)
lab.start('etr', """
roles: [etr]
listen: {addresses: [%(etr)s]}
etr:
  register-interval: 2s
  map-servers: [{address: %(ms)s, key-id: 2, key: "tenant-key"}]
  database:
    - {eid-prefix: "[1]10.2.0.0/16", rlocs: [{address: %(etr)s}]}
""" % dict(etr=ETR, ms=MS), ETR)
check(registered(MS, '10.2.0.0/16'), 'the ETR registered to the Map-Server-only process')

# Through the stand-alone Map-Resolver: answered by the ETR itself.
frm, rec = one(lab.lig('[1]10.2.3.4', MR))
check(frm == ETR and [l['rloc'] for l in rec.get('locators', [])] == [ETR],
      'lig via the stand-alone Map-Resolver: the ETR answers with its RLOC', (frm, rec))
# Straight to a Map-Server without the map-resolver role: answered too.
frm, rec = one(lab.lig('[1]10.2.3.4', MS))
check(frm == ETR and rec.get('locators'), 'lig straight to the Map-Server-only process', (frm, rec))
# Inside the site, unregistered: the Map-Server's least-specific prefix
# that covers no registration (10.0.0.0/9 would cover 10.2.0.0/16).
frm, rec = one(lab.lig('[1]10.77.1.1', MR))
check(frm == MS and rec.get('eid') == '[1]10.64.0.0/10' and not rec.get('locators') and
      rec.get('action') == 'send-map-request',
      'unregistered EID in the site: negative [1]10.64.0.0/10, send-map-request', (frm, rec))
# Outside every delegation: the Map-Resolver answers itself.
frm, rec = one(lab.lig('[1]172.16.0.1', MR))
check(frm == MR and rec.get('eid') == '[1]128.0.0.0/1' and rec.get('action') == 'native-forward',
      'EID outside the delegations: negative [1]128.0.0.0/1 from the Map-Resolver', (frm, rec))
frm, rec = one(lab.lig('[2]10.2.3.4', MR))
check(frm == MR and rec.get('eid') == '[2]0.0.0.0/0',
      'Instance-ID without a delegation: negative [2]0.0.0.0/0', (frm, rec))
m = stats(MR).get('map_resolver', {})
check(m.get('requests_forwarded_ms') == 2 and m.get('replies_negative') == 2,
      'Map-Resolver counted 2 forwarded to the Map-Server, 2 answered negative', m)
# GET /api/v1/delegations: the one Map-Server, up, both forwards counted
# (issue 14: per-delegation and per-Map-Server counters).
st, dl = Api(MR, TOKEN)('GET', '/api/v1/delegations')
d = (dl.get('delegations') or [{}])[0] if st == 200 else {}
servers = d.get('map_servers') or [{}]
check(d.get('prefix') == '[1]10.0.0.0/8' and len(servers) == 1 and
      servers[0].get('address') == MS and servers[0].get('state') == 'up' and
      d.get('counters', {}).get('forwarded') == 2 and
      servers[0].get('counters', {}).get('forwarded') == 2,
      'GET /api/v1/delegations: [1]10.0.0.0/8 -> the Map-Server, up, 2 forwarded', dl)
s = stats(MS).get('map_resolver', {})
check(s.get('requests_forwarded') == 2 and s.get('replies_negative') == 1 and
      s.get('forward_to_self', 0) == 0,
      'Map-Server counted 2 forwarded to the ETR, 1 negative', s)

# Map-Server, Map-Resolver and ETR in one process: one lig, one reply.
lab.start('co', """
roles: [map-server, map-resolver, etr]
listen: {addresses: [%(co)s]}
rest: {address: %(co)s, token: "%(tok)s"}
map-server:
  sites:
    - {name: own, key-id: 2, key: "own-key", accept-more-specifics: true,
       eid-prefixes: ["[1]10.0.0.0/8"]}
etr:
  register-interval: 2s
  map-servers: [{address: %(co)s, key-id: 2, key: "own-key"}]
  database:
    - {eid-prefix: "[1]10.4.0.0/16", rlocs: [{address: %(co)s}]}
""" % dict(co=CO, tok=TOKEN), CO)
check(registered(CO, '10.4.0.0/16'), 'the co-located ETR registered to its own Map-Server')
frm, rec = one(lab.lig('[1]10.4.0.1', CO))
check(frm == CO and [l['rloc'] for l in rec.get('locators', [])] == [CO],
      'co-located: lig answered by the ETR', (frm, rec))
c = stats(CO).get('map_resolver', {})
check(c.get('requests_received') == 1 and c.get('requests_local_etr') == 1 and
      c.get('requests_forwarded', 0) == 0 and c.get('requests_rate_limited', 0) == 0,
      'co-located: one request handled, handed to the local ETR, nothing forwarded', c)

if failures:
    for n in ('ms', 'mr', 'etr', 'co'):
        print('--- ' + n)
        print(lab.log(n)[-1500:])
checks.exit()
