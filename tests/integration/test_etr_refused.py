#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""One refused record must never unregister everything an xTR has
(lispgw-cp daemons on loopback 127.68.0.x, short intervals so that it runs
in well under a minute):
  - an xTR registers 8 valid mappings (1 from its file, 7 through its
    REST API);
  - a 9th, outside the Map-Server's site, is added through the API, and an
    agent whose EID (from the pool) is valid but whose Distinguished-Name
    EID the site does not list: without etr.accepted-eids both are
    accepted (201), registered alone, reported "refused" (GET
    /api/v1/mappings, the agent's dn_registration, lispgw-ctl show
    database), and the 8 valid mappings and the agent's EID stay on the
    Map-Server through four registration timeouts; the Map-Server counts
    the refusals by reason (refused_no_site, refused_dn_not_listed) and
    logs them;
  - a second xTR, with etr.accepted-eids listing the site, answers 422 for
    the same mapping and agent and takes a valid mapping.
Before, the 9th record rode in every Map-Register, the Map-Server refused
each whole, and all 8 expired within one registration timeout."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.rest import Api, ctl_args   # noqa: E402
from lispgwlab.loopback import Lab   # noqa: E402

lab = Lab(block=68)
MS, X1, X2 = lab.ip(1), lab.ip(2), lab.ip(3)
TOKEN = 'integration-token-0123456789'
VALID = ['[1]10.1.%d.0/24' % k for k in range(1, 9)]
BAD = '[1]192.168.7.0/24'
checks = Checks('etr-refused')
check = checks.check
failures = checks.failures


def api(host, method, path, body=None):
    return Api(host, TOKEN)(method, path, body)


def rest_ready(host):
    """lab.start returns once 4342 listens; the REST listener comes after."""
    Api(host, TOKEN).ready()


def registered():
    st, b = api(MS, 'GET', '/api/v1/registrations?limit=1000')
    if st != 200:
        return set()
    return {r['eid'] for r in b['registrations']}


def states(host):
    st, b = api(host, 'GET', '/api/v1/mappings')
    if st != 200:
        return {}
    return {e['eid']: e['registration'] for e in b['entries']}


def mapping(eid, ip):
    return {'eid': eid, 'rlocs': [{'address': ip}]}


XTR = """
roles: [etr]
xtr-id: "%(xtr_id)s"
listen: {addresses: [%(ip)s]}
rest: {address: %(ip)s, token: "%(token)s"}
etr:
  register-interval: 1s
  map-servers: [{address: %(ms)s, key-id: 2, key: "site-key"}]
  database: [{eid-prefix: "%(first)s", rlocs: [{address: %(ip)s}]}]
%(extra)s
agents: {pools: ["%(pool)s"]}
"""
AGENT = {'id': 'a1', 'iid': 1, 'dn': 'not-listed', 'attributes': {'gpu': 'H100'}}

lab.start('ms', """
roles: [map-server]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  registration-timeout: 3s
  sites:
    - {name: s, key-id: 2, key: "site-key", accept-more-specifics: true,
       eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (MS, MS, TOKEN), MS)
rest_ready(MS)
# One valid mapping from the file, seven through the API.
lab.start('x1', XTR % dict(ip=X1, ms=MS, token=TOKEN, xtr_id='0' * 31 + '1', first=VALID[0],
                           extra='', pool='[1]10.9.1.0/30'), X1)
rest_ready(X1)
for eid in VALID[1:]:
    st, b = api(X1, 'POST', '/api/v1/mappings', mapping(eid, X1))
    check(st == 201, 'POST %s: 201' % eid, (st, b))
deadline = time.time() + 5
while time.time() < deadline and not set(VALID) <= registered():
    time.sleep(0.1)
check(set(VALID) <= registered(), 'the Map-Server has the 8 valid mappings',
      sorted(registered()))

# The bad one: the xTR cannot know (no accepted-eids), so it takes it.
st, b = api(X1, 'POST', '/api/v1/mappings', mapping(BAD, X1))
check(st == 201, 'POST %s without accepted-eids: 201' % BAD, (st, b))
check(b.get('registration') == 'pending', 'reported pending at first', b)
st, b = api(X1, 'POST', '/api/v1/agents', dict(AGENT, rlocs=[{'address': X1}]))
check(st == 201, 'POST agent a1 with a DN the site does not list: 201', (st, b))
AGENT_EID = b.get('eid')
deadline = time.time() + 3
while time.time() < deadline and AGENT_EID not in registered():
    time.sleep(0.05)

# Four registration timeouts (3 s each): the valid ones must never go.
fewest, lost_at, agent_lost = 8, None, False
start = time.time()
while time.time() - start < 12:
    regs = registered()
    have = len(set(VALID) & regs)
    agent_lost = agent_lost or AGENT_EID not in regs
    if have < fewest:
        fewest = have
        lost_at = lost_at or round(time.time() - start, 1)
    time.sleep(0.25)
print('valid registrations on the Map-Server over 12 s: fewest %d of 8%s'
      % (fewest, ' (first loss at %s s)' % lost_at if lost_at else ''))
check(fewest == 8, 'every valid registration stayed through 4 registration timeouts',
      'fewest %d of 8, first loss at %s s' % (fewest, lost_at))
check(not agent_lost, "the agent's EID stayed registered throughout", AGENT_EID)
check(BAD not in registered() and '[1]dn:not-listed' not in registered(),
      'the refused mapping and DN are not on the Map-Server')

s = states(X1)
check(s.get(BAD) == 'refused', 'GET /api/v1/mappings: %s refused' % BAD, s)
check(all(s.get(e) == 'registered' for e in VALID), 'GET /api/v1/mappings: 8 registered', s)
st, b = api(X1, 'GET', '/api/v1/agents/a1')
check(b.get('registration') == 'registered' and b.get('dn_registration') == 'refused',
      'GET agents/a1: EID registered, DN refused', b)
out = subprocess.run(ctl_args(Api(X1, TOKEN)) + ['show',
                      'database'], capture_output=True, text=True, timeout=20)
line = [x for x in out.stdout.splitlines() if BAD in x]
check(out.returncode == 0 and line and 'refused' in line[0],
      'lispgw-ctl show database: refused', out.stdout + out.stderr)
st, b = api(X1, 'GET', '/api/v1/stats')
etr = b.get('etr', {})
check(etr.get('records_refused') == 2 and etr.get('db_refused') == 2 and
      etr.get('db_registered') == 9, 'xTR stats: 2 refused, 9 registered', etr)
st, b = api(MS, 'GET', '/api/v1/stats')
ms = b.get('map_server', {})
check(ms.get('refused_no_site', 0) >= 1 and ms.get('refused_dn_not_listed', 0) >= 1 and
      ms.get('registrations_expired') == 0,
      'Map-Server: refusals counted by reason (no_site, dn_not_listed), nothing expired', ms)
check('refused (no_site)' in lab.log('ms') and 'refused (dn_not_listed)' in lab.log('ms'),
      'Map-Server log names the reasons')

# An xTR that knows what its sites accept refuses up front.
lab.start('x2', XTR % dict(ip=X2, ms=MS, token=TOKEN, xtr_id='0' * 31 + '2',
                           first='[1]10.2.1.0/24', extra='  accepted-eids: ["[1]10.0.0.0/8"]',
                           pool='[1]10.9.2.0/30'), X2)
rest_ready(X2)
st, b = api(X2, 'POST', '/api/v1/mappings', mapping(BAD, X2))
check(st == 422 and 'accepted-eids' in json.dumps(b),
      'POST %s with accepted-eids: 422 naming accepted-eids' % BAD, (st, b))
st, b = api(X2, 'POST', '/api/v1/agents', dict(AGENT, rlocs=[{'address': X2}]))
check(st == 422 and 'accepted-eids' in json.dumps(b),
      'POST agent with that DN, accepted-eids: 422', (st, b))
st, b = api(X2, 'GET', '/api/v1/agents/a1')
check(st == 404, 'and the agent was not kept', (st, b))
st, b = api(X2, 'POST', '/api/v1/mappings', mapping('[1]10.2.0.0/24', X2))
check(st == 201, 'POST [1]10.2.0.0/24 with accepted-eids: 201', (st, b))

checks.exit()
