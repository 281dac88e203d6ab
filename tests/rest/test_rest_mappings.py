#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The REST API's content (rest_fixture.py's lab): sites without keys,
registrations and their filters, mappings added, refused, replaced and
removed through the API reaching the Map-Server, an ITR's static map-cache
entries."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.rest import call, check, ctl, poll, request   # noqa: E402
from rest_fixture import SECRETS, XTR1_IP, at_ms, post, regs, run   # noqa: E402

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



if __name__ == '__main__':
    run([lambda lab, ms, xtr1, itr: sites(ms),
         lambda lab, ms, xtr1, itr: registrations(ms),
         lambda lab, ms, xtr1, itr: mappings(ms, xtr1),
         lambda lab, ms, xtr1, itr: itr_checks(itr)])
