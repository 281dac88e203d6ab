#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The REST API against its spec: real lispgw-cp daemons on 127.73.0.x (a
Map-Server/Map-Resolver, three ETRs registering to it, one with a wrong
key and one with an agents section, and an ITR), every operation of
docs/openapi.yaml called with and without the token, with good and bad
input; each answer's status must be one the spec lists and its body must
validate against the spec's schema.  Then the content: sites without keys,
registrations and their filters, mappings added and removed through the
API reaching the Map-Server, agents registered, found on the Map-Server by
their attributes, changed and withdrawn, the Prometheus exposition, a token
swapped by SIGHUP, and lispgw-ctl's show, register and unregister."""
import json
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.openapi import parse_metrics   # noqa: E402
from lispgwlab.rest import (Lab, call, check, checks, ctl, failures, poll, request,   # noqa: E402
                            spec)

BLOCK = 73
MS_IP, XTR1_IP, XTR2_IP, BAD_IP, ITR_IP = ('127.%d.0.%d' % (BLOCK, h) for h in (1, 2, 3, 4, 5))
SECRETS = ('dc1-shared-secret', 'dc2-shared-secret')

signal.alarm(100)   # bounded, whatever happens; meson's timeout is the backstop


MS_CONF = """
roles: [map-server, map-resolver]
listen:
  addresses: [%s]
map-server:
  sites:
    - name: dc1
      key-id: 2
      key: "dc1-shared-secret"
      allow-shared-eids: true
      accept-more-specifics: true
      eid-prefixes: ["[1]10.1.0.0/16", "[1]10.255.0.1/32", "[1]dn:planner-7",
                     "[1]dn:planner-8", "[1]dn:planner-9"]
    - name: dc2
      key-id: 1
      key: "dc2-shared-secret"
      allow-shared-eids: true
      eid-prefixes: ["[2]10.1.0.0/16", "[1]10.255.0.1/32"]
map-resolver:
  rate-limit:
    requests-per-second: 100
""" % MS_IP

ETR_CONF = """
roles: [etr]
xtr-id: "%(xtr_id)s"
site-id: %(site_id)d
listen:
  addresses: [%(ip)s]
etr:
  map-servers:
    - address: %(ms)s
      key-id: %(key_id)d
      key: "%(key)s"
  database:
%(db)s
%(extra)s"""

# xtr1's agents: a pool of two addresses (a /30 without its all-zeros and
# all-ones), room for four agents, a state file in the lab's directory.
AGENTS_CONF = """agents:
  state-file: "%s"
  max-agents: 4
  pools: ["[1]10.1.200.0/30"]
"""
AGENT_RLOC = '127.73.0.12'

XTR1_DB = """    - eid-prefix: "[1]10.1.0.0/16"
      rlocs:
        - address: %s
          attributes: {gpu: H100, gpus: 8, load: 0.42}
    - eid-prefix: "[1]10.255.0.1/32"
      rlocs:
        - address: %s""" % (XTR1_IP, XTR1_IP)
XTR2_DB = """    - eid-prefix: "[2]10.1.0.0/16"
      rlocs:
        - address: %s
    - eid-prefix: "[1]10.255.0.1/32"
      rlocs:
        - address: %s
          priority: 2""" % (XTR2_IP, XTR2_IP)

ITR_CONF = """
roles: [itr]
listen:
  addresses: [%s]
itr:
  map-resolvers:
    - address: %s
  static-map-cache:
    - eid-prefix: "[7]172.16.0.0/12"
      rlocs:
        - address: 198.51.100.1
    - eid-prefix: "[7]10.66.0.0/16"
      action: drop
""" % (ITR_IP, MS_IP)


def etr_conf(ip, xtr_id, site_id, key_id, key, db, extra=''):
    return ETR_CONF % dict(ip=ip, xtr_id=xtr_id, site_id=site_id, ms=MS_IP, key_id=key_id,
                           key=key, db=db, extra=extra)


def xtr1_conf(lab):
    return etr_conf(XTR1_IP, '000000000000000000000000000dc001', 1, 2, 'dc1-shared-secret',
                    XTR1_DB, AGENTS_CONF % agents_state(lab))


def agents_state(lab):
    return os.path.join(lab.dir, 'xtr1-agents.json')


# A value for each parameter the spec declares, to call every operation.
SAMPLE = {'name': 'dc1', 'iid': '1', 'eid': '[1]10.1.0.0/16', 'match': 'exact', 'site': 'dc1',
          'offset': '0', 'limit': '10', 'static': 'false', 'scope': 'registered',
          'q': '{"load":{"<":1}}', 'sort': 'load', 'conditions': {'gpu': 'H100'},
          'id': 'a7', 'release': 'false'}


def concrete(path):
    """A templated path of the spec with SAMPLE values in it."""
    return '/'.join(SAMPLE[seg[1:-1]] if seg.startswith('{') else seg
                    for seg in path.split('/'))


def spec_itself():
    ops = list(spec().operations())
    check(len(ops) >= 8, 'the spec lists every operation (%d)' % len(ops))
    check(spec().doc['components']['securitySchemes']['bearerAuth'] ==
          {'type': 'http', 'scheme': 'bearer',
           'description': spec().doc['components']['securitySchemes']['bearerAuth'].get(
               'description')}, 'the spec declares bearer authentication')
    check(spec().doc['openapi'].startswith('3.0.') and len({op['operationId'] for _, _, op in ops})
          == len(ops), 'OpenAPI 3.0, operationIds unique')
    for path, method, op in ops:
        names = set()
        for prm in op.get('parameters', []):
            prm = spec().deref(prm)
            names.add(prm.get('name'))
            check(prm.get('name') and 'schema' in prm and
                  (prm.get('in') == 'query' or
                   (prm.get('in') == 'path' and prm.get('required') is True and
                    '{%s}' % prm['name'] in path.split('/'))),
                  '%s %s parameter %s is well formed' % (method, path, prm.get('name')))
        templ = {seg[1:-1] for seg in path.split('/') if seg.startswith('{')}
        check(templ <= names, '%s %s declares its path parameters' % (method, path))
        check(all(k.isdigit() and len(k) == 3 for k in op['responses']),
              '%s %s responses are keyed by status' % (method, path))
        if spec().needs_token(op):
            check('401' in op['responses'], '%s %s lists 401' % (method, path))
        for status, r in op['responses'].items():
            r = spec().deref(r)
            for ctype, c in r.get('content', {}).items():
                check(bool(spec().deref(c['schema'])), '%s %s %s %s has a schema' %
                      (method, path, status, ctype))


def auth(ds):
    """Every operation that needs the token refuses without it, with a wrong
    one, a truncated one, a longer one and another scheme."""
    ms = ds[0]
    for path, method, op in spec().operations():
        path = concrete(path)
        if not spec().needs_token(op):
            call(ms, method, path, token=None, expect=200)
            continue
        q = {'eid': '[1]10.1.2.0/24'} if method == 'DELETE' else None
        body = {'eid': '[1]10.9.0.0/16', 'rlocs': [{'address': XTR1_IP}]} \
            if method in ('POST', 'PATCH') else None
        for tok, what in ((None, 'no token'), ('x' * len(ms.token), 'wrong token'),
                          (ms.token[:-1], 'truncated token'), (ms.token + 'x', 'longer token')):
            st, b = call(ms, method, path, query=q, token=tok, body=body, expect=401)
        st, resp, text = request(ms, method, path, token=None, body=body,
                                 headers={'Authorization': 'Basic ' + ms.token})
        check(st == 401, '%s %s: Basic scheme refused' % (method, path))
        check(resp.getheader('WWW-Authenticate', '').startswith('Bearer'),
              '%s %s: 401 carries WWW-Authenticate: Bearer' % (method, path))
    st, _, _ = request(ms, 'GET', '/api/v1/sites', token=None,
                       headers={'Authorization': 'bearer  ' + ms.token})
    check(st == 200, 'the Bearer scheme is case-insensitive, extra spaces allowed')
    call(ms, 'GET', '/api/v1/nothing', token=None, expect=401)


def gets(ms, xtr1, itr):
    _, h = call(ms, 'GET', '/api/v1/health', expect=200)
    check(h['roles'] == ['map-server', 'map-resolver'], 'health names the roles', str(h))
    call(ms, 'GET', '/api/v1/health', query={'verbose': '1'}, expect=400, field='verbose')
    call(ms, 'GET', '/api/v1/stats', expect=200)
    call(ms, 'GET', '/api/v1/stats', query={'x': '1'}, expect=400, field='x')
    call(ms, 'GET', '/metrics', expect=200)
    _, e = call(ms, 'GET', '/api/v1/map-cache', expect=404)
    check('itr' in e['error'], 'map-cache without an ITR names the role', str(e))
    call(ms, 'GET', '/api/v1/map-cache', query={'iid': 'x'}, expect=400, field='iid')
    _, e = call(xtr1, 'GET', '/api/v1/sites', expect=404)
    check('map-server' in e['error'], 'sites without a Map-Server names the role', str(e))
    call(xtr1, 'GET', '/api/v1/registrations', expect=404)
    _, s = call(xtr1, 'GET', '/api/v1/stats', expect=200)
    check(s.get('etr', {}).get('database_entries') == 2 and 'map_server' not in s,
          'xTR stats: the ETR object, no Map-Server object', str(s.get('etr')))
    # Every query parameter the spec declares is one the server takes.
    for path, method, op in spec().operations():
        prms = [spec().deref(p) for p in op.get('parameters', []) if spec().deref(p)['in'] == 'query']
        if method != 'GET' or not prms:
            continue
        query = {}
        for p in prms:    # an object parameter (style form, explode) is its members
            v = SAMPLE[p['name']]
            query.update(v if isinstance(v, dict) else {p['name']: v})
        st, b = call(ms, method, path, query=query)
        check(st in (200, 404) and not (st == 404 and 'role' not in b.get('error', '')),
              'GET %s takes every parameter the spec declares (%s)' % (path, ','.join(sorted(query))),
              str(b)[:200])
    # Methods and paths the API does not have.
    st, resp, _ = request(ms, 'PUT', '/api/v1/sites', body='{}')
    check(st == 405 and resp.getheader('Allow') == 'GET, HEAD', 'PUT /sites: 405 with Allow')
    st, resp, _ = request(ms, 'PUT', '/api/v1/mappings', body='{}')
    check(st == 405 and resp.getheader('Allow') == 'GET, HEAD, POST, DELETE',
          'PUT /mappings: 405 with Allow')
    call(ms, 'PUT', '/api/v1/sites', body='{}', expect=405)
    call(ms, 'GET', '/api/v1/nothing', expect=404)
    call(ms, 'GET', '/api/v1', expect=404)


def sites(ms):
    _, b = call(ms, 'GET', '/api/v1/sites', expect=200)
    by = {s['name']: s for s in b['sites']}
    check(b['count'] == 2 and set(by) == {'dc1', 'dc2'}, 'two sites')
    check(by['dc1']['key_id'] == 2 and by['dc1']['algorithm'] == 'hmac-sha256-128' and
          by['dc2']['algorithm'] == 'hmac-sha1-96', 'key-id and algorithm names')
    check([p['prefix'] for p in by['dc1']['eid_prefixes']] ==
          ['[1]10.1.0.0/16', '[1]10.255.0.1/32', '[1]dn:planner-7', '[1]dn:planner-8',
           '[1]dn:planner-9'] and
          by['dc1']['eid_prefixes'][0]['accept_more_specifics'], 'dc1 prefixes and flags')
    check(by['dc1']['registered_eids'] == 2 and by['dc2']['registered_eids'] == 2,
          'registered EIDs per site', str((by['dc1']['registered_eids'],
                                          by['dc2']['registered_eids'])))
    check(by['dc1']['counters']['auth_failures'] >= 1,
          'the wrong-key ETR counts as dc1 auth failures', str(by['dc1']['counters']))
    for path in ('/api/v1/sites', '/api/v1/registrations', '/api/v1/stats', '/metrics'):
        text = request(ms, 'GET', path)[2]
        check(not any(s in text for s in SECRETS), 'no key in ' + path)
    _, b = call(ms, 'GET', '/api/v1/sites', query={'name': 'dc2'}, expect=200)
    check(b['count'] == 1 and b['sites'][0]['name'] == 'dc2', 'sites?name=dc2')
    call(ms, 'GET', '/api/v1/sites', query={'name': 'nope'}, expect=404, field='name')


def regs(ms, query=None, expect=200, field=None):
    return call(ms, 'GET', '/api/v1/registrations', query=query, expect=expect, field=field)[1]


def registrations(ms):
    b = regs(ms)
    by = {r['eid']: r for r in b['registrations']}
    check(sorted(by) == ['[1]10.1.0.0/16', '[1]10.255.0.1/32', '[2]10.1.0.0/16'],
          'three registrations', str(sorted(by)))
    any_ = by['[1]10.255.0.1/32']
    check(len(any_['xtrs']) == 2 and len(any_['rlocs']) == 2,
          'the anycast EID merges two xTRs and two RLOCs', json.dumps(any_)[:300])
    check({x['site'] for x in any_['xtrs']} == {'dc1', 'dc2'} and
          {x['xtr_id'] for x in any_['xtrs']} ==
          {'000000000000000000000000000dc001', '000000000000000000000000000dc002'},
          'per-xTR site and xTR-ID')
    x = by['[1]10.1.0.0/16']['xtrs'][0]
    check(x['source'] == XTR1_IP and x['site_id'] == 1 and 0 < x['expires_in_s'] <= 180 and
          x['want_notify'] and not x['proxy_reply'], 'per-xTR source, site-id, expiry, flags',
          str(x))
    r = by['[1]10.1.0.0/16']['rlocs'][0]
    check(r['attributes'] == {'gpu': 'H100', 'gpus': 8, 'load': 0.42} and r['address'] == XTR1_IP,
          'a JSON LCAF locator embeds its attributes as an object', str(r))
    check(r['priority'] == 1 and r['weight'] == 100 and r['reachable'], 'priority/weight/flags')
    b = regs(ms, {'iid': 2})
    check([r['eid'] for r in b['registrations']] == ['[2]10.1.0.0/16'], 'filter iid=2')
    b = regs(ms, {'eid': '[1]10.1.2.3'})
    check([r['eid'] for r in b['registrations']] == ['[1]10.1.0.0/16'], 'filter eid longest')
    b = regs(ms, {'eid': '[1]10.1.0.0/16', 'match': 'exact'})
    check(b['count'] == 1, 'filter eid exact')
    b = regs(ms, {'eid': '[1]10.1.0.0/24', 'match': 'exact'})
    check(b['count'] == 0, 'filter eid exact, no such prefix: empty')
    b = regs(ms, {'eid': '[1]10.0.0.0/8', 'match': 'more-specific'})
    check(b['count'] == 2, 'filter eid more-specific')
    b = regs(ms, {'site': 'dc2'})
    check(sorted(r['eid'] for r in b['registrations']) == ['[1]10.255.0.1/32', '[2]10.1.0.0/16'],
          'filter site=dc2')
    b = regs(ms, {'limit': 1})
    check(b['count'] == 1 and b['total'] == 3 and b['registrations'][0]['eid'] ==
          '[1]10.1.0.0/16', 'limit=1: the first page, total counts all')
    b = regs(ms, {'offset': 1, 'limit': 1})
    check([r['eid'] for r in b['registrations']] == ['[1]10.255.0.1/32'], 'offset=1&limit=1')
    b = regs(ms, {'offset': 5, 'iid': 1})
    check(b['count'] == 0 and b['total'] == 2, 'offset past the end, with a filter')
    regs(ms, {'limit': 'all'}, 400, 'limit')
    regs(ms, {'offset': '4294967296'}, 400, 'offset')
    regs(ms, {'site': 'nope'}, 404, 'site')
    regs(ms, {'iid': 'one'}, 400, 'iid')
    regs(ms, {'iid': '16777216'}, 400, 'iid')
    regs(ms, {'iid': '-1'}, 400, 'iid')
    regs(ms, {'eid': '10.1.2.300'}, 400, 'eid')
    regs(ms, {'eid': '[1]10.1.2.3', 'match': 'fuzzy'}, 400, 'match')
    regs(ms, {'match': 'exact'}, 400, 'match')
    regs(ms, {'prefix': '1'}, 400, 'prefix')


def post(d, body, expect, field=None, **kw):
    return call(d, 'POST', '/api/v1/mappings', body=body, expect=expect, field=field, **kw)[1]


def at_ms(ms, eid):
    b = regs(ms, {'eid': eid, 'match': 'exact'})
    return b['registrations'][0] if b['count'] else None


def mappings(ms, xtr1):
    eid = '[1]10.1.2.0/24'
    good = {'eid': eid, 'ttl': 10, 'rlocs': [
        {'address': XTR1_IP, 'priority': 1, 'weight': 60, 'attributes': {'gpu': 'H100',
                                                                         'load': 0.25}},
        {'address': '127.73.0.9', 'priority': 2, 'weight': 40}]}
    b = post(xtr1, good, 201)
    check(b['eid'] == eid and b['ttl'] == 10 and not b['replaced'] and len(b['rlocs']) == 2,
          'POST answers the stored mapping', str(b))
    reg = poll(lambda: at_ms(ms, eid))
    check(reg is not None and len(reg['rlocs']) == 2 and reg['ttl'] == 10 and
          reg['rlocs'][0]['attributes'] == {'gpu': 'H100', 'load': 0.25},
          'the mapping reaches the Map-Server at once, attributes included', str(reg))
    version = reg['version'] if reg else None
    _, st = call(xtr1, 'GET', '/api/v1/stats', expect=200)
    entries = st['etr']['database_entries']
    post(xtr1, good, 409, 'eid')
    bad = [
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP}, {'address': '127.73.0.9',
                                                        'priority': 300}]},
         'rlocs[1].priority', 'rlocs[1].priority: must be 0..255'),
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP, 'weight': -1}]}, 'rlocs[0].weight', None),
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP, 'weight': 1.5}]}, 'rlocs[0].weight', None),
        ({'eid': eid, 'rlocs': [{'address': 'not-an-ip'}]}, 'rlocs[0].address', None),
        ({'eid': eid, 'rlocs': [{'priority': 1}]}, 'rlocs[0].address', None),
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP}, {'address': XTR1_IP}]},
         'rlocs[1].address', None),
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP, 'attributes': [1]}]},
         'rlocs[0].attributes', None),
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP, 'attributes': {'x': 'y' * 1100}}]},
         'rlocs[0].attributes', None),
        ({'eid': eid, 'rlocs': [{'address': XTR1_IP, 'colour': 'red'}]}, 'rlocs[0].colour', None),
        ({'eid': eid, 'rlocs': []}, 'rlocs', None),
        ({'eid': eid, 'rlocs': {'address': XTR1_IP}}, 'rlocs', None),
        ({'eid': eid}, 'rlocs', None),
        ({'rlocs': [{'address': XTR1_IP}]}, 'eid', None),
        ({'eid': '[1]10.1.2.1/24', 'rlocs': [{'address': XTR1_IP}]}, 'eid', None),
        ({'eid': '[16777216]10.1.2.0/24', 'rlocs': [{'address': XTR1_IP}]}, 'eid', None),
        ({'eid': 42, 'rlocs': [{'address': XTR1_IP}]}, 'eid', None),
        ({'eid': eid, 'ttl': 0, 'rlocs': [{'address': XTR1_IP}]}, 'ttl', None),
        ({'eid': eid, 'ttl': 43201, 'rlocs': [{'address': XTR1_IP}]}, 'ttl', None),
        ({'eid': eid, 'replace': 'yes', 'rlocs': [{'address': XTR1_IP}]}, 'replace', None),
        ({'eid': eid, 'action': 'drop'}, 'action', None),
        ({'eid': eid, 'static': True, 'ttl': 5, 'rlocs': [{'address': XTR1_IP}]}, 'ttl', None),
        ({'eid': eid, 'static': True, 'action': 'drop', 'rlocs': [{'address': XTR1_IP}]},
         'rlocs', None),
        ({'eid': eid, 'static': True, 'action': 'explode'}, 'action', None),
        ({'eid': eid, 'flavour': 1, 'rlocs': [{'address': XTR1_IP}]}, 'flavour', None),
    ]
    for body, field, msg in bad:
        b = post(xtr1, body, 400, field)
        if msg:
            check(b.get('error') == msg, 'error text names field and rule', str(b))
    for raw, what in (('{"eid":', 'truncated JSON'), ('[1,2]', 'not an object'), ('', 'empty'),
                      ('{"eid":"[1]10.1.2.0/24","eid":"[1]10.1.3.0/24"}', 'duplicate key')):
        post(xtr1, raw, 400)
    post(xtr1, 'x' * 70000, 413)
    post(xtr1, 'x' * 70000, 401, token=None)
    _, st = call(xtr1, 'GET', '/api/v1/stats', expect=200)
    check(st['etr']['database_entries'] == entries and at_ms(ms, eid)['version'] == version,
          'no bad request changed anything')
    b = post(xtr1, dict(good, replace=True, rlocs=[{'address': XTR1_IP}]), 200)
    check(b['replaced'], 'replace: 200, replaced')
    check(poll(lambda: len((at_ms(ms, eid) or {}).get('rlocs', [])) == 1),
          'the replacement reaches the Map-Server')
    post(ms, good, 404)
    b = post(xtr1, {'eid': eid, 'static': True, 'rlocs': [{'address': XTR1_IP}]}, 404)
    check('itr' in b.get('error', ''), 'a static entry without an ITR names the role')
    q = {'eid': eid}
    _, b = call(xtr1, 'DELETE', '/api/v1/mappings', query=q, expect=200)
    check(b == {'eid': eid, 'static': False, 'deleted': True}, 'DELETE answers', str(b))
    check(poll(lambda: at_ms(ms, eid) is None), 'the deletion is withdrawn from the Map-Server')
    call(xtr1, 'DELETE', '/api/v1/mappings', query=q, expect=404, field='eid')
    call(xtr1, 'DELETE', '/api/v1/mappings', expect=400, field='eid')
    call(xtr1, 'DELETE', '/api/v1/mappings', query={'eid': 'nonsense'}, expect=400, field='eid')
    call(xtr1, 'DELETE', '/api/v1/mappings', query={'eid': eid, 'static': 'maybe'}, expect=400,
         field='static')
    call(xtr1, 'DELETE', '/api/v1/mappings', query={'eid': eid, 'static': 'true'}, expect=404)
    call(ms, 'DELETE', '/api/v1/mappings', query=q, expect=404)


def metrics(ms, xtr1, n_regs):
    _, st = call(ms, 'GET', '/api/v1/stats', expect=200)
    status, resp, text = request(ms, 'GET', '/metrics')
    check(resp.getheader('Content-Type') == 'text/plain; version=0.0.4; charset=utf-8',
          '/metrics content type is the 0.0.4 exposition')
    try:
        samples, types = parse_metrics(text)
        check(True, '/metrics parses: HELP/TYPE before samples, families whole, counters *_total')
    except AssertionError as e:
        check(False, '/metrics parses', str(e))
        return

    def val(name, **labels):
        return samples.get((name, frozenset(labels.items())))

    rx = val('lispgw_messages_received_total', type='map-register')
    check(rx is not None and rx >= st['messages']['received']['map-register'] > 0,
          'messages received by type (map-register)', str(rx))
    check(types.get('lispgw_messages_received_total') == 'counter' and
          types.get('lispgw_registrations') == 'gauge', 'counter and gauge types')
    check(val('lispgw_registrations') == n_regs, 'registrations gauge', str(val('lispgw_registrations')))
    check((val('lispgw_map_server_register_auth_failures_total') or 0) >= 1,
          'auth failures counter')
    check((val('lispgw_site_auth_failures_total', site='dc1') or 0) >= 1,
          'auth failures by site')
    check(val('lispgw_map_resolver_requests_rate_limited_total') == 0,
          'rate-limited requests counter')
    check((val('lispgw_rest_auth_failures_total') or 0) >= st['rest']['auth_failures'] > 0,
          'REST auth failures counted')
    check(val('lispgw_timers') is not None and val('lispgw_timers') >= 1, 'timers gauge')
    check((val('lispgw_udp_rx_packets_total', socket=MS_IP + ':4342') or 0) > 0,
          'UDP stats by socket')
    check(val('lispgw_build_info', version=spec().doc['info']['version']) == 1, 'build info')
    for name, v in st['map_server'].items():
        if name not in ('registrations', 'sites'):
            check(('lispgw_map_server_%s_total' % name, frozenset()) in samples,
                  'every Map-Server counter exported: ' + name)
    text = request(xtr1, 'GET', '/metrics')[2]
    samples, types = parse_metrics(text)
    check(('lispgw_etr_registers_sent_total', frozenset()) in samples and
          ('lispgw_registrations', frozenset()) not in samples,
          'an ETR exports its counters, no Map-Server ones')


def itr_checks(itr):
    st, b = call(itr, 'GET', '/api/v1/map-cache')
    if st == 404:
        check('itr' in b.get('error', ''), 'ITR role not wired into lispgw-cp yet: 404 names it')
        return
    check(st == 200, 'map-cache with the ITR role')
    eids = {e['eid']: e for e in b['entries']}
    check('[7]172.16.0.0/12' in eids and eids['[7]172.16.0.0/12']['static'],
          'static entries of the configuration', str(sorted(eids)))
    check(eids.get('[7]10.66.0.0/16', {}).get('action') == 'drop', 'a drop entry')
    rc, out, err = ctl('show', 'map-cache', '--api', itr.url(), '--token', itr.token)
    check(rc == 0 and '[7]172.16.0.0/12' in out and '198.51.100.1' in out and 'drop' in out,
          'ctl show map-cache', err + out)
    body = {'eid': '[7]192.0.2.0/24', 'static': True, 'rlocs': [{'address': '198.51.100.7'}]}
    post(itr, body, 201)
    post(itr, body, 409, 'eid')
    _, b = call(itr, 'GET', '/api/v1/map-cache', query={'eid': '[7]192.0.2.9'}, expect=200)
    check([e['eid'] for e in b['entries']] == ['[7]192.0.2.0/24'], 'the API static entry')
    call(itr, 'DELETE', '/api/v1/mappings', query={'eid': '[7]192.0.2.0/24', 'static': 'true'},
         expect=200)
    _, b = call(itr, 'GET', '/api/v1/map-cache', query={'iid': 7}, expect=200)
    check('[7]192.0.2.0/24' not in [e['eid'] for e in b['entries']], 'deleted')


AGENTS = '/api/v1/agents'


def unstated(agent):
    """An agent without where its records stand (that moves on its own)."""
    return {k: v for k, v in agent.items() if k not in ('registration', 'dn_registration')}


def agent_ids(d, query=None, expect=200, field=None):
    """The ids GET /api/v1/agents answers, in its order (None: not 200)."""
    st, b = call(d, 'GET', AGENTS, query=query, expect=expect, field=field)
    return [a['id'] for a in b['agents']] if st == 200 else b


def agents(lab, ms, xtr1, itr):
    """docs/agents.md on xTR 1 (a pool of two addresses, four agents at most)
    and the Map-Server: every operation, its answers exactly, the errors with
    their fields, and what the Map-Server finds."""
    XTR1_ID = '000000000000000000000000000dc001'
    one = AGENTS + '/'

    def stats_db():
        return call(xtr1, 'GET', '/api/v1/stats', expect=200)[1]['etr']['database_entries']

    # --- roles -------------------------------------------------------------
    b = call(ms, 'POST', AGENTS, body={'id': 'a7', 'iid': 1}, expect=404)[1]
    check('etr' in b.get('error', ''), 'POST agents on a Map-Server only: 404 names the etr role',
          str(b))
    for method, body in (('GET', None), ('PATCH', {'ttl': 5}), ('DELETE', None)):
        b = call(ms, method, one + 'a7', body=body, expect=404)[1]
        check('etr' in b.get('error', ''), '%s agents/ID without an ETR names the role' % method)
    b = call(ms, 'GET', AGENTS, query={'scope': 'local'}, expect=404)[1]
    check('etr' in b.get('error', ''), 'scope=local without an ETR names the role', str(b))
    b = call(itr, 'GET', AGENTS, expect=404)[1]
    check('etr' in b.get('error', ''), 'GET agents on an ITR (local by default) names etr')
    b = call(xtr1, 'GET', AGENTS, query={'scope': 'registered'}, expect=404)[1]
    check('map-server' in b.get('error', ''), 'scope=registered on an xTR names map-server')
    _, b = call(ms, 'GET', AGENTS, expect=200)
    check(b == {'scope': 'registered', 'count': 0, 'total': 0, 'agents': []},
          'a Map-Server without agents: registered scope by default, empty', str(b))
    _, b = call(xtr1, 'GET', AGENTS, expect=200)
    check(b == {'scope': 'local', 'count': 0, 'total': 0, 'agents': []},
          'an xTR without agents: local scope by default, empty', str(b))

    # --- methods -------------------------------------------------------------
    for method, path, allow in (('PUT', AGENTS, 'GET, HEAD, POST'),
                                ('DELETE', AGENTS, 'GET, HEAD, POST'),
                                ('PATCH', AGENTS, 'GET, HEAD, POST'),
                                ('POST', one + 'a7', 'GET, HEAD, PATCH, DELETE'),
                                ('PUT', one + 'a7', 'GET, HEAD, PATCH, DELETE')):
        st, resp, _ = request(xtr1, method, path, body='{}')
        check(st == 405 and resp.getheader('Allow') == allow,
              '%s %s: 405 with Allow: %s' % (method, path, allow), '%d %s' % (
                  st, resp.getheader('Allow')))
        call(xtr1, method, path, body='{}', expect=405)
    call(xtr1, 'GET', one + 'a7/rlocs', expect=404)
    call(xtr1, 'GET', AGENTS + '/', expect=404)

    # --- register ----------------------------------------------------------------
    a7_body = {'id': 'a7', 'iid': 1, 'dn': 'planner-7',
               'attributes': {'gpu': 'H100', 'gpus': 8, 'state': 'ready', 'load': 0.5},
               'rlocs': [{'address': AGENT_RLOC, 'priority': 1, 'weight': 100,
                          'attributes': {'latency_ms': 3}}]}
    _, a7 = call(xtr1, 'POST', AGENTS, body=a7_body, expect=201)
    check(a7.get('registration') == 'pending' and a7.get('dn_registration') == 'pending',
          'POST: its records pending until the Map-Server accepts them', str(a7))
    a7 = unstated(a7)
    check(a7 == {'id': 'a7', 'iid': 1, 'eid': '[1]10.1.200.1/32', 'allocated': True,
                 'active': True, 'placement': 'co-located',
                 'attributes': {'gpu': 'H100', 'gpus': 8, 'load': 0.5, 'state': 'ready'},
                 'rlocs': [{'address': AGENT_RLOC, 'priority': 1, 'weight': 100,
                            'attributes': {'latency_ms': 3}}],
                 'dn': 'planner-7', 'dn_eid': '[1]dn:planner-7'},
          'POST: the first address of the pool, co-located, the DN', str(a7))
    _, b7 = call(xtr1, 'POST', AGENTS, expect=201, body={
        'id': 'b7', 'iid': 1, 'attributes': {'gpu': 'A100', 'gpus': 4, 'state': 'ready',
                                              'load': 0.2}})
    check(b7.get('eid') == '[1]10.1.200.2/32' and b7.get('placement') == 'site' and
          b7.get('rlocs') == [] and b7.get('allocated') and 'dn' not in b7 and 'ttl' not in b7,
          'POST without rlocs: the next address, behind the site', str(b7))
    call(xtr1, 'POST', AGENTS, body={'id': 'c7', 'iid': 1}, expect=409, field='eid')
    c7_body = {'id': 'c7', 'eid': '[1]10.1.7.7/32', 'ttl': 5,
               'attributes': {'gpu': 'H100', 'state': 'busy', 'load': 0.1},
               'rlocs': [{'address': '127.73.0.13', 'attributes': {'latency_ms': 9}},
                         {'address': '127.73.0.14', 'priority': 2,
                          'attributes': {'gpu': 'A100', 'load': 0.9}}]}
    _, c7 = call(xtr1, 'POST', AGENTS, body=c7_body, expect=201)
    check(c7.get('iid') == 1 and c7.get('eid') == '[1]10.1.7.7/32' and
          not c7.get('allocated') and c7.get('ttl') == 5 and
          [(r['address'], r['priority'], r['weight']) for r in c7.get('rlocs', [])] ==
          [('127.73.0.13', 1, 100), ('127.73.0.14', 2, 100)],
          'POST with a brought EID carrying the IID: defaults filled in', str(c7))
    _, b = call(xtr1, 'GET', one + 'a7', expect=200)
    check(unstated(b) == a7, 'GET agents/a7 is what POST answered', str(b))

    # --- refused, and nothing changes ---------------------------------------------
    entries = stats_db()
    check(entries == 2 + 1 + 1 + 1 + 1, 'the ETR database: 2 site prefixes, a7 and its DN, '
          'b7, c7', str(entries))
    for body, field, what in (
            (a7_body, 'id', 'the id is registered'),
            ({'id': 'x1', 'eid': '[1]10.1.200.1'}, 'eid', 'the EID is agent a7\'s'),
            ({'id': 'x1', 'eid': '[1]10.255.0.1/32'}, 'eid', 'the EID is a database mapping'),
            ({'id': 'x1', 'eid': '[1]10.2.0.1'}, 'eid', 'outside the pool and site prefixes'),
            ({'id': 'x1', 'iid': 2}, 'eid', 'no pool for the IID'),
            ({'id': 'x1', 'eid': '[1]10.1.7.20', 'dn': 'planner-7'}, 'dn', 'the DN is a7\'s'),
            ({'id': 'x1', 'eid': '[3]10.3.0.1'}, 'rlocs', 'no RLOCs and no site prefix')):
        b = call(xtr1, 'POST', AGENTS, body=body, expect=409, field=field)[1]
        check(b.get('error', '').startswith(field + ':'), '409 (%s): the error starts with '
              'its field' % what, str(b))
    call(xtr1, 'POST', AGENTS, body={'id': 'd7', 'eid': '[1]10.1.7.8'}, expect=201)
    b = call(xtr1, 'POST', AGENTS, body={'id': 'e7', 'eid': '[1]10.1.7.9'}, expect=409)[1]
    check('max-agents' in b.get('error', ''), '409: the store is full (max-agents)', str(b))
    _, b = call(xtr1, 'DELETE', one + 'd7', expect=200)
    check(b == {'id': 'd7', 'eid': '[1]10.1.7.8/32', 'deleted': True, 'kept': False},
          'DELETE of a brought EID: not kept', str(b))
    bad = [  # body, field, the spec's schema refuses it too
        ({'iid': 1}, 'id', True),
        ({'id': '.x', 'iid': 1}, 'id', True),
        ({'id': 'a' * 65, 'iid': 1}, 'id', True),
        ({'id': 'a b', 'iid': 1}, 'id', True),
        ({'id': 'x1'}, 'iid', False),
        ({'id': 'x1', 'iid': 16777216}, 'iid', True),
        ({'id': 'x1', 'iid': '1'}, 'iid', True),
        ({'id': 'x1', 'iid': 1, 'eid': '[2]10.1.7.7'}, 'eid', False),
        ({'id': 'x1', 'iid': 1, 'eid': '[1]10.1.7.0/24'}, 'eid', False),
        ({'id': 'x1', 'iid': 1, 'eid': 'dn:x'}, 'eid', False),
        ({'id': 'x1', 'iid': 1, 'eid': '10.1.7.300'}, 'eid', False),
        ({'id': 'x1', 'iid': 1, 'eid': 7}, 'eid', True),
        ({'id': 'x1', 'iid': 1, 'dn': 42}, 'dn', True),
        ({'id': 'x1', 'iid': 1, 'dn': ''}, 'dn', False),
        ({'id': 'x1', 'iid': 1, 'ttl': 0}, 'ttl', True),
        ({'id': 'x1', 'iid': 1, 'ttl': 43201}, 'ttl', True),
        ({'id': 'x1', 'iid': 1, 'attributes': [1]}, 'attributes', True),
        ({'id': 'x1', 'iid': 1, 'attributes': {'agent': 'x'}}, 'attributes', False),
        ({'id': 'x1', 'iid': 1, 'attributes': {'x': 'y' * 1100}}, 'attributes', False),
        ({'id': 'x1', 'iid': 1, 'rlocs': {}}, 'rlocs', True),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.%d' % i} for i in range(9)]},
         'rlocs', True),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.1', 'weight': 256}]},
         'rlocs[0].weight', True),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.1', 'priority': -1}]},
         'rlocs[0].priority', True),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.1'},
                                          {'address': '127.73.1.1'}]}, 'rlocs[1].address', False),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'weight': 1}]}, 'rlocs[0].address', True),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': 'nowhere'}]}, 'rlocs[0].address', False),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.1', 'colour': 1}]},
         'rlocs[0].colour', True),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.1',
                                           'attributes': {'agent': 'y'}}]},
         'rlocs[0].attributes', False),
        ({'id': 'x1', 'iid': 1, 'rlocs': [{'address': '127.73.1.1',
                                           'attributes': {'x': 'y' * 1100}}]}, 'rlocs', False),
        ({'id': 'x1', 'iid': 1, 'colour': 'red'}, 'colour', True),
    ]
    schema = spec().request_schema(spec().operation(AGENTS, 'POST'))
    for body, field, by_schema in bad:
        b = call(xtr1, 'POST', AGENTS, body=body, expect=400, field=field)[1]
        check(b.get('error', '').startswith(field + ':'), 'POST 400: the error starts with %s'
              % field, str(b))
        if by_schema:
            check(spec().validate(body, schema) != [], 'the spec refuses it too (%s)' % field)
    for raw in ('{"id":', '[1]', '', '{"id":"x1","id":"x2","iid":1}'):
        call(xtr1, 'POST', AGENTS, body=raw, expect=400)
    call(xtr1, 'POST', AGENTS, body='x' * 70000, expect=413)
    call(xtr1, 'POST', AGENTS, query={'x': '1'}, body={'id': 'x1', 'iid': 1}, expect=400,
         field='x')
    call(xtr1, 'GET', one + 'x1', expect=404, field='id')
    _, b = call(xtr1, 'GET', AGENTS, expect=200)
    check([a['id'] for a in b['agents']] == ['a7', 'b7', 'c7'] and stats_db() == entries,
          'no refused request changed the store or the ETR database', str(b)[:300])

    # --- GET one ------------------------------------------------------------------
    call(xtr1, 'GET', one + 'nope', expect=404, field='id')
    call(xtr1, 'GET', one + 'a' * 65, expect=404)
    call(xtr1, 'GET', one + 'a7', query={'x': '1'}, expect=400, field='x')

    # --- the xTR's own list ----------------------------------------------------------
    _, b = call(xtr1, 'GET', AGENTS, query={'gpu': 'A100', 'sort': 'load'}, expect=200)
    check([a['id'] for a in b['agents']] == ['b7', 'c7'] and b['total'] == 2 and
          b['agents'][1]['rank_attributes'] == {'agent': 'c7', 'gpu': 'A100', 'load': 0.9,
                                                'state': 'busy'},
          'local: gpu=A100 sorted by load, c7 by its A100 RLOC', str(b)[:400])
    check(agent_ids(xtr1, {'iid': 2}) == [] and agent_ids(xtr1, {'state': '!=busy',
                                                                 'sort': '-gpus'}) ==
          ['a7', 'b7'], 'local: iid and != filters, descending sort')

    # --- the Map-Server finds them -------------------------------------------------------
    q = {'iid': 1, 'gpu': 'H100', 'sort': 'load'}
    check(poll(lambda: agent_ids(ms, q) == ['c7', 'a7']),
          'MS: iid=1&gpu=H100&sort=load finds c7 then a7', str(agent_ids(ms, q)))
    _, b = call(ms, 'GET', AGENTS, query=q, expect=200)
    by = {a['id']: a for a in b['agents']}
    c, a = by.get('c7', {}), by.get('a7', {})
    check(b['scope'] == 'registered' and c.get('eid') == '[1]10.1.7.7/32' and
          c.get('xtr_id') == XTR1_ID and c.get('iid') == 1 and 'dn' not in c,
          'MS: the agent, its EID and xTR', str(c)[:300])
    check([r['address'] for r in c.get('rlocs', [])] == ['127.73.0.13'] and
          c['rlocs'][0]['attributes'] == {'agent': 'c7', 'gpu': 'H100', 'state': 'busy',
                                          'load': 0.1, 'latency_ms': 9} and
          c.get('attributes') == c['rlocs'][0]['attributes'],
          'MS: only the matching RLOC, with the agent\'s, its own and the agent attribute',
          str(c)[:400])
    check(a.get('dn') == '[1]dn:planner-7' and a.get('rlocs', [{}])[0].get('address') ==
          AGENT_RLOC, 'MS: a7 with its DN record', str(a)[:300])
    for query, want, what in (
            ({'iid': 1, 'gpu': 'A100', 'sort': 'load'}, ['b7', 'c7'],
             'gpu=A100: c7 by its second RLOC'),
            ({'state': 'ready', 'sort': '-gpus'}, ['a7', 'b7'], 'state=ready&sort=-gpus'),
            ({'load': '<0.3', 'sort': 'load'}, ['c7', 'b7'], 'load=<0.3'),
            ({'gpus': '>=5'}, ['a7'], 'gpus=>=5'),
            ({'q': '{"max_latency_ms": 5}'}, ['a7'], 'q={"max_latency_ms": 5}'),
            ({'gpu': 'in:H100,A100', 'sort': 'load', 'offset': 1, 'limit': 1}, ['b7'],
             'gpu=in:H100,A100, a page'),
            ({'iid': 2}, [], 'iid=2: none'),
            ({'gpu': 'TPU'}, [], 'gpu=TPU: none')):
        check(agent_ids(ms, query) == want, 'MS: ' + what, str(agent_ids(ms, query)))
    _, b = call(ms, 'GET', AGENTS, query={'gpu': 'in:H100,A100', 'limit': 1}, expect=200)
    check(b['count'] == 1 and b['total'] == 3, 'MS: limit=1, total counts all', str(b)[:200])
    b7_reg = next((x for x in call(ms, 'GET', AGENTS, query={'gpu': 'A100'})[1]['agents']
                   if x['id'] == 'b7'), {})
    check([r['address'] for r in b7_reg.get('rlocs', [])] == [XTR1_IP],
          'MS: b7, behind the site, has the site prefix\'s RLOC', str(b7_reg)[:300])
    for query, field in (({'iid': 'x'}, 'iid'), ({'iid': '16777216'}, 'iid'),
                         ({'sort': ''}, 'sort'), ({'sort': 'a,b,c,d,e'}, 'sort'),
                         ({'q': '{'}, 'q'), ({'q': '[1]'}, 'q'), ({'q': '{"load":{"~":1}}'}, 'q'),
                         ({'scope': 'all'}, 'scope'), ({'load': '<true'}, 'load'),
                         ({'gpu': 'in:'}, 'gpu'), ({'x' * 64: '1'}, 'x' * 64),
                         ({'offset': '-1'}, 'offset'), ({'limit': 'x'}, 'limit')):
        call(ms, 'GET', AGENTS, query=query, expect=400, field=field)
    many = {'k%02d' % i: '1' for i in range(17)}
    call(ms, 'GET', AGENTS, query=many, expect=400)

    # --- PATCH ----------------------------------------------------------------------
    _, b = call(xtr1, 'PATCH', one + 'a7', body={'attributes': {'load': 0.05, 'state': None}},
                expect=200)
    check(b.get('attributes') == {'gpu': 'H100', 'gpus': 8, 'load': 0.05} and
          b.get('eid') == a7['eid'] and b.get('dn') == 'planner-7' and
          b.get('rlocs') == a7['rlocs'], 'PATCH attributes: a merge patch, null removes',
          str(b))
    check(poll(lambda: agent_ids(ms, q) == ['a7', 'c7']),
          'MS: a7 re-registered with load 0.05 ranks first', str(agent_ids(ms, q)))
    check(agent_ids(ms, {'state': 'ready'}) == ['b7'], 'MS: a7 lost its state attribute')
    _, b = call(xtr1, 'PATCH', one + 'a7', body={'dn': 'planner-8'}, expect=200)
    check(b.get('dn') == 'planner-8' and b.get('dn_eid') == '[1]dn:planner-8',
          'PATCH dn', str(b))
    check(poll(lambda: at_ms(ms, '[1]dn:planner-8') is not None and
               at_ms(ms, '[1]dn:planner-7') is None),
          'MS: the new DN registered, the old one withdrawn')
    _, b = call(xtr1, 'PATCH', one + 'a7', body={'rlocs': None, 'ttl': 7}, expect=200)
    check(b.get('placement') == 'site' and b.get('rlocs') == [] and b.get('ttl') == 7,
          'PATCH rlocs: null: behind the site', str(b))
    check(poll(lambda: [r['address'] for r in (at_ms(ms, a7['eid']) or {}).get('rlocs', [])]
               == [XTR1_IP]), 'MS: a7 now has the site\'s RLOC')
    _, b = call(xtr1, 'PATCH', one + 'a7', body={'rlocs': a7_body['rlocs']}, expect=200)
    check(b.get('placement') == 'co-located' and b.get('rlocs') == a7['rlocs'],
          'PATCH rlocs: co-located again', str(b))
    for body, field in (({'id': 'z'}, 'id'), ({'iid': 2}, 'iid'),
                        ({'eid': '[1]10.1.7.7'}, 'eid'), ({'colour': 1}, 'colour'),
                        ({'ttl': 0}, 'ttl'), ({'attributes': [1]}, 'attributes'),
                        ({'attributes': {'agent': 'z'}}, 'attributes'),
                        ({'rlocs': [{'address': 'x'}]}, 'rlocs[0].address'),
                        ({'dn': 5}, 'dn')):
        call(xtr1, 'PATCH', one + 'a7', body=body, expect=400, field=field)
    b = call(xtr1, 'PATCH', one + 'a7', body={}, expect=400)[1]
    check('field' not in b and 'nothing to change' in b.get('error', ''),
          'PATCH {}: nothing to change', str(b))
    for raw in ('{', '[]', ''):
        call(xtr1, 'PATCH', one + 'a7', body=raw, expect=400)
    call(xtr1, 'PATCH', one + 'a7', body='x' * 70000, expect=413)
    call(xtr1, 'PATCH', one + 'a7', query={'x': '1'}, body={'ttl': 5}, expect=400, field='x')
    call(xtr1, 'PATCH', one + 'nope', body={'ttl': 5}, expect=404, field='id')
    call(xtr1, 'PATCH', one + 'c7', body={'dn': 'planner-8'}, expect=409, field='dn')
    # A DN that is a mapping of the database (not an agent's) is not taken
    # over, whether or not the agent has a DN already.
    post(xtr1, {'eid': '[1]dn:planner-9', 'rlocs': [{'address': XTR1_IP}]}, 201)
    call(xtr1, 'PATCH', one + 'c7', body={'dn': 'planner-9'}, expect=409, field='dn')
    call(xtr1, 'PATCH', one + 'a7', body={'dn': 'planner-9'}, expect=409, field='dn')
    call(xtr1, 'POST', AGENTS, body={'id': 'x1', 'eid': '[1]10.1.7.20', 'dn': 'planner-9'},
         expect=409, field='dn')
    check(at_ms(ms, '[1]dn:planner-8') is not None, 'MS: a7\'s DN stays registered')
    call(xtr1, 'DELETE', '/api/v1/mappings', query={'eid': '[1]dn:planner-9'}, expect=200)
    _, b = call(xtr1, 'GET', one + 'a7', expect=200)
    check(b.get('dn') == 'planner-8' and b.get('attributes', {}).get('load') == 0.05 and
          b.get('ttl') == 7, 'no refused PATCH changed a7', str(b))
    _, b = call(xtr1, 'GET', one + 'c7', expect=200)
    check(unstated(b) == unstated(c7), 'no refused PATCH changed c7', str(b))

    # --- DELETE, kept EIDs --------------------------------------------------------------
    _, b = call(xtr1, 'DELETE', one + 'b7', expect=200)
    check(b == {'id': 'b7', 'eid': '[1]10.1.200.2/32', 'deleted': True, 'kept': True},
          'DELETE of a pool EID: kept for its id', str(b))
    b = call(xtr1, 'GET', one + 'b7', expect=404, field='id')[1]
    check('kept' in b.get('error', ''), 'GET of a withdrawn agent: 404 says its EID is kept')
    call(xtr1, 'DELETE', one + 'b7', expect=404, field='id')
    call(xtr1, 'PATCH', one + 'b7', body={'ttl': 5}, expect=404, field='id')
    call(xtr1, 'POST', AGENTS, body={'id': 'b7', 'iid': 2}, expect=409, field='iid')
    call(xtr1, 'POST', AGENTS, body={'id': 'b7', 'eid': '[1]10.1.7.30'}, expect=409, field='eid')
    call(xtr1, 'POST', AGENTS, body={'id': 'x1', 'iid': 1}, expect=409, field='eid')
    _, b = call(xtr1, 'POST', AGENTS, body={'id': 'b7', 'iid': 1}, expect=201)
    check(b.get('eid') == '[1]10.1.200.2/32' and b.get('allocated'),
          'b7 back without an eid: the same EID', str(b))
    _, b = call(xtr1, 'DELETE', one + 'b7', query={'release': 'true'}, expect=200)
    check(b.get('kept') is False, 'DELETE ?release=true: not kept', str(b))
    _, b = call(xtr1, 'POST', AGENTS, body={'id': 'x1', 'iid': 1}, expect=201)
    check(b.get('eid') == '[1]10.1.200.2/32', 'a released EID goes to the next agent', str(b))
    call(xtr1, 'DELETE', one + 'x1', query={'release': 'false'}, expect=200)
    _, b = call(xtr1, 'DELETE', one + 'x1', query={'release': 'true'}, expect=200)
    check(b.get('kept') is False, 'DELETE ?release=true forgets a withdrawn agent\'s EID', str(b))
    call(xtr1, 'DELETE', one + 'x1', query={'release': 'true'}, expect=404, field='id')
    call(xtr1, 'DELETE', one + 'a7', query={'release': 'maybe'}, expect=400, field='release')
    call(xtr1, 'DELETE', one + 'a7', query={'eid': a7['eid']}, expect=400, field='eid')
    call(xtr1, 'DELETE', one + 'nope', expect=404, field='id')
    _, b = call(xtr1, 'DELETE', one + 'c7', expect=200)
    check(b == {'id': 'c7', 'eid': '[1]10.1.7.7/32', 'deleted': True, 'kept': False},
          'DELETE c7', str(b))
    check(poll(lambda: agent_ids(ms, {'iid': 1}) == ['a7']),
          'MS: the deleted agents are withdrawn', str(agent_ids(ms, {'iid': 1})))
    try:
        with open(agents_state(lab)) as f:
            state = json.load(f)
    except (OSError, ValueError) as e:
        state = {'error': str(e)}
    check(state.get('version') == 1 and
          [(x['id'], x['eid'], x['active']) for x in state.get('agents', [])] ==
          [('a7', '[1]10.1.200.1/32', True)], 'the state file holds the store',
          str(state)[:300])
    _, b = call(xtr1, 'DELETE', one + 'a7', query={'release': 'true'}, expect=200)
    check(b == {'id': 'a7', 'eid': '[1]10.1.200.1/32', 'deleted': True, 'kept': False},
          'DELETE a7 ?release=true', str(b))
    check(poll(lambda: agent_ids(ms) == [] and regs(ms)['count'] == 3),
          'MS: no agent left, address and DN records withdrawn', str(regs(ms)['count']))
    check(agent_ids(xtr1) == [] and stats_db() == 2, 'the xTR: no agent, its database as '
          'configured')


def lispgw_ctl(ms, xtr1):
    rc, out, err = ctl('--api', ms.url(), '--token', ms.token, 'show', 'sites')
    check(rc == 0 and 'dc1' in out and 'hmac-sha256-128' in out and
          not any(s in out for s in SECRETS), 'ctl show sites: a table without keys', err)
    lines = out.splitlines()
    check(len(lines) == 8 and lines[0].split()[:3] == ['NAME', 'KEY-ID', 'ALGORITHM'],
          'ctl show sites: header and a row per EID-prefix', out)
    col = lines[0].index('EID-PREFIX')
    check(all(line[col:].startswith('[') for line in lines[1:]), 'ctl tables are aligned')
    rc, out, err = ctl('--api=' + ms.url(), 'show', 'registrations', env_token=ms.token)
    check(rc == 0 and '[1]10.255.0.1/32' in out and XTR2_IP in out and 'H100' in out,
          'ctl show registrations (token from LISPGW_TOKEN)', err + out)
    rc, out, err = ctl('show', 'registrations', '--json', '--api', ms.url(), '--token',
                       ms.token)
    def stable(b):    # without what moves between two calls (expiry, refresh times)
        return [(r['eid'], r['rlocs'], [x['xtr_id'] for x in r['xtrs']])
                for r in b['registrations']]
    check(rc == 0 and stable(json.loads(out)) == stable(regs(ms)),
          'ctl show registrations --json is the API', out[:300])
    rc, out, err = ctl('show', 'stats', '--api', ms.url(), '--token', ms.token)
    check(rc == 0 and 'map_server.registers_received' in out and
          'udp[%s:4342].rx_packets' % MS_IP in out, 'ctl show stats', out[:200])
    rc, out, err = ctl('show', 'map-cache', '--api', ms.url(), '--token', ms.token)
    check(rc == 1 and 'itr role' in err, 'ctl show map-cache without an ITR', err)
    eid = '[1]10.1.3.0/24'
    rc, out, err = ctl('register', eid, XTR1_IP + ',1,50', '127.73.0.9,2', '--ttl', '5',
                       '--attributes', '{"gpu":"A100","gpus":4}', '--api', xtr1.url(),
                       env_token=xtr1.token)
    check(rc == 0 and out.startswith('registered ' + eid), 'ctl register', err + out)
    reg = poll(lambda: at_ms(ms, eid))
    check(reg is not None and reg['ttl'] == 5 and
          [(r['address'], r['priority'], r['weight']) for r in reg['rlocs']] ==
          [(XTR1_IP, 1, 50), ('127.73.0.9', 2, 100)] and
          reg['rlocs'][0]['attributes'] == {'gpu': 'A100', 'gpus': 4},
          'ctl register reaches the Map-Server', str(reg))
    rc, out, err = ctl('show', 'registrations', '--eid', eid, '--match', 'exact', '--api',
                       ms.url(), '--token', ms.token)
    check(rc == 0 and eid in out and 'A100' in out and len(out.splitlines()) == 3,
          'ctl show registrations --eid --match exact', out)
    rc, out, err = ctl('register', eid, XTR1_IP + ',300', '--api', xtr1.url(), '--token',
                       xtr1.token)
    check(rc == 1 and 'rlocs[0].priority' in err and '400' in err,
          'ctl register: the API names the bad field', err)
    rc, out, err = ctl('register', eid, XTR1_IP, '--no-replace', '--api', xtr1.url(),
                       '--token', xtr1.token)
    check(rc == 1 and '409' in err, 'ctl register --no-replace: conflict', err)
    rc, out, err = ctl('unregister', eid, '--api', xtr1.url(), '--token', xtr1.token)
    check(rc == 0 and out.startswith('unregistered ' + eid), 'ctl unregister', err + out)
    check(poll(lambda: at_ms(ms, eid) is None), 'ctl unregister withdraws it')
    rc, out, err = ctl('unregister', eid, '--api', xtr1.url(), '--token', xtr1.token)
    check(rc == 1 and 'not in the ETR database' in err, 'ctl unregister: not there', err)
    rc, out, err = ctl('show', 'sites', '--api', ms.url())
    check(rc == 1 and '401' in err and 'LISPGW_TOKEN' in err, 'ctl without a token: 401', err)
    rc, out, err = ctl('show', 'sites', '--api', 'http://127.73.0.250:1', '--token', 'x')
    check(rc == 1 and 'refused' in err, 'ctl: connection refused is clear', err)
    for args in (['show'], ['show', 'bogus'], ['show', 'sites', '--bogus'], ['register'],
                 ['register', eid], ['register', eid, '1.2.3.4,x'], ['unregister'],
                 ['register', eid, '1.2.3.4', '--attributes', '[1]'], ['--api']):
        rc, out, err = ctl(*args)
        check(rc == 2, 'ctl %s: usage error (2)' % ' '.join(args), err)
    rc, out, err = ctl('--help')
    check(rc == 0 and 'show' in out and 'register' in out and '--api' in out, 'ctl --help')


def reload_token(lab, xtr1):
    old = xtr1.token
    xtr1.token = 'a-brand-new-token-0123456789'
    xtr1.write(xtr1_conf(lab), xtr1.token)
    xtr1.proc.send_signal(signal.SIGHUP)
    ok = poll(lambda: request(xtr1, 'GET', '/api/v1/stats')[0] == 200)
    check(ok, 'SIGHUP: the new token works')
    check(request(xtr1, 'GET', '/api/v1/stats', token=old)[0] == 401,
          'SIGHUP: the old token is refused')


def main():
    lab = Lab()
    try:
        spec_itself()
        ms = lab.start('ms', MS_IP, MS_CONF, 'ms-test-token-0123456789')
        xtr1 = lab.start('xtr1', XTR1_IP, xtr1_conf(lab), 'xtr1-test-token-0123456789')
        lab.start('xtr2', XTR2_IP, etr_conf(XTR2_IP, '000000000000000000000000000dc002', 2, 1,
                                            'dc2-shared-secret', XTR2_DB),
                  'xtr2-test-token-0123456789')
        lab.start('bad', BAD_IP, etr_conf(BAD_IP, '0000000000000000000000000000bad0', 1, 2,
                                          'not-the-key', '    - eid-prefix: "[1]10.1.9.0/24"\n'
                                          '      rlocs: [{address: %s}]' % BAD_IP),
                  'bad-test-token-0123456789')
        itr = lab.start('itr', ITR_IP, ITR_CONF, 'itr-test-token-0123456789')
        ready = poll(lambda: regs(ms)['count'] == 3 and len(
            at_ms(ms, '[1]10.255.0.1/32')['xtrs']) == 2, timeout=5)
        check(ready, 'both xTRs registered')
        auth([ms])
        gets(ms, xtr1, itr)
        sites(ms)
        registrations(ms)
        mappings(ms, xtr1)
        metrics(ms, xtr1, 3)
        itr_checks(itr)
        agents(lab, ms, xtr1, itr)
        lispgw_ctl(ms, xtr1)
        reload_token(lab, xtr1)
    except Exception as e:   # a crash is a failure with its logs, not a hang
        import traceback
        traceback.print_exc()
        checks.fail('exception: %r' % e)
    finally:
        lab.close(keep_logs=bool(failures))
    checks.exit()


if __name__ == '__main__':
    main()
