#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Agents through the REST API (docs/agents.md) on rest_fixture.py's lab:
xTR 1 has a pool of two addresses and room for four agents; every
operation, its answers exactly, the errors with their fields (refused by
the spec's schema too where it can say), and what the Map-Server finds,
re-ranks and withdraws; the state file."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.rest import call, check, poll, request, spec   # noqa: E402
from rest_fixture import (AGENT_RLOC, XTR1_IP, agents_state, at_ms, post, regs,   # noqa: E402
                          run)

AGENTS = '/api/v1/agents'
ONE = AGENTS + '/'
XTR1_ID = '000000000000000000000000000dc001'


def unstated(agent):
    """An agent without where its records stand (that moves on its own)."""
    return {k: v for k, v in agent.items() if k not in ('registration', 'dn_registration')}


def agent_ids(d, query=None, expect=200, field=None):
    """The ids GET /api/v1/agents answers, in its order (None: not 200)."""
    st, b = call(d, 'GET', AGENTS, query=query, expect=expect, field=field)
    return [a['id'] for a in b['agents']] if st == 200 else b


def stats_db(xtr1):
    return call(xtr1, 'GET', '/api/v1/stats', expect=200)[1]['etr']['database_entries']


def roles(ms, xtr1, itr):
    """Where agents are not: the roles named; methods refused with Allow."""
    # --- roles -------------------------------------------------------------
    b = call(ms, 'POST', AGENTS, body={'id': 'a7', 'iid': 1}, expect=404)[1]
    check('etr' in b.get('error', ''), 'POST agents on a Map-Server only: 404 names the etr role',
          str(b))
    for method, body in (('GET', None), ('PATCH', {'ttl': 5}), ('DELETE', None)):
        b = call(ms, method, ONE + 'a7', body=body, expect=404)[1]
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
                                ('POST', ONE + 'a7', 'GET, HEAD, PATCH, DELETE'),
                                ('PUT', ONE + 'a7', 'GET, HEAD, PATCH, DELETE')):
        st, resp, _ = request(xtr1, method, path, body='{}')
        check(st == 405 and resp.getheader('Allow') == allow,
              '%s %s: 405 with Allow: %s' % (method, path, allow), '%d %s' % (
                  st, resp.getheader('Allow')))
        call(xtr1, method, path, body='{}', expect=405)
    call(xtr1, 'GET', ONE + 'a7/rlocs', expect=404)
    call(xtr1, 'GET', AGENTS + '/', expect=404)


def register(xtr1):
    """a7 from the pool with a DN, b7 behind the site, c7 with its own EID:
    (a7's body, a7, c7) as POST answered."""
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
    _, b = call(xtr1, 'GET', ONE + 'a7', expect=200)
    check(unstated(b) == a7, 'GET agents/a7 is what POST answered', str(b))
    return a7_body, a7, c7


def refused_conflicts(xtr1, a7_body):
    """409s: what is taken, and a full store; the database entries."""
    # --- refused, and nothing changes ---------------------------------------------
    entries = stats_db(xtr1)
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
    _, b = call(xtr1, 'DELETE', ONE + 'd7', expect=200)
    check(b == {'id': 'd7', 'eid': '[1]10.1.7.8/32', 'deleted': True, 'kept': False},
          'DELETE of a brought EID: not kept', str(b))
    return entries


def refused_bodies(xtr1, entries):
    """400s with their fields, 413; nothing changed by any of them."""
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
    call(xtr1, 'GET', ONE + 'x1', expect=404, field='id')
    _, b = call(xtr1, 'GET', AGENTS, expect=200)
    check([a['id'] for a in b['agents']] == ['a7', 'b7', 'c7'] and stats_db(xtr1) == entries,
          'no refused request changed the store or the ETR database', str(b)[:300])


def lists(xtr1):
    # --- GET one ------------------------------------------------------------------
    call(xtr1, 'GET', ONE + 'nope', expect=404, field='id')
    call(xtr1, 'GET', ONE + 'a' * 65, expect=404)
    call(xtr1, 'GET', ONE + 'a7', query={'x': '1'}, expect=400, field='x')

    # --- the xTR's own list ----------------------------------------------------------
    _, b = call(xtr1, 'GET', AGENTS, query={'gpu': 'A100', 'sort': 'load'}, expect=200)
    check([a['id'] for a in b['agents']] == ['b7', 'c7'] and b['total'] == 2 and
          b['agents'][1]['rank_attributes'] == {'agent': 'c7', 'gpu': 'A100', 'load': 0.9,
                                                'state': 'busy'},
          'local: gpu=A100 sorted by load, c7 by its A100 RLOC', str(b)[:400])
    check(agent_ids(xtr1, {'iid': 2}) == [] and agent_ids(xtr1, {'state': '!=busy',
                                                                 'sort': '-gpus'}) ==
          ['a7', 'b7'], 'local: iid and != filters, descending sort')


def found_by_ms(ms):
    """The Map-Server finds the agents by their attributes: the query
    a7 and c7 answer."""
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
    return q


def patch(ms, xtr1, a7, a7_body, c7, q):
    # --- PATCH ----------------------------------------------------------------------
    _, b = call(xtr1, 'PATCH', ONE + 'a7', body={'attributes': {'load': 0.05, 'state': None}},
                expect=200)
    check(b.get('attributes') == {'gpu': 'H100', 'gpus': 8, 'load': 0.05} and
          b.get('eid') == a7['eid'] and b.get('dn') == 'planner-7' and
          b.get('rlocs') == a7['rlocs'], 'PATCH attributes: a merge patch, null removes',
          str(b))
    check(poll(lambda: agent_ids(ms, q) == ['a7', 'c7']),
          'MS: a7 re-registered with load 0.05 ranks first', str(agent_ids(ms, q)))
    check(agent_ids(ms, {'state': 'ready'}) == ['b7'], 'MS: a7 lost its state attribute')
    _, b = call(xtr1, 'PATCH', ONE + 'a7', body={'dn': 'planner-8'}, expect=200)
    check(b.get('dn') == 'planner-8' and b.get('dn_eid') == '[1]dn:planner-8',
          'PATCH dn', str(b))
    check(poll(lambda: at_ms(ms, '[1]dn:planner-8') is not None and
               at_ms(ms, '[1]dn:planner-7') is None),
          'MS: the new DN registered, the old one withdrawn')
    _, b = call(xtr1, 'PATCH', ONE + 'a7', body={'rlocs': None, 'ttl': 7}, expect=200)
    check(b.get('placement') == 'site' and b.get('rlocs') == [] and b.get('ttl') == 7,
          'PATCH rlocs: null: behind the site', str(b))
    check(poll(lambda: [r['address'] for r in (at_ms(ms, a7['eid']) or {}).get('rlocs', [])]
               == [XTR1_IP]), 'MS: a7 now has the site\'s RLOC')
    _, b = call(xtr1, 'PATCH', ONE + 'a7', body={'rlocs': a7_body['rlocs']}, expect=200)
    check(b.get('placement') == 'co-located' and b.get('rlocs') == a7['rlocs'],
          'PATCH rlocs: co-located again', str(b))
    for body, field in (({'id': 'z'}, 'id'), ({'iid': 2}, 'iid'),
                        ({'eid': '[1]10.1.7.7'}, 'eid'), ({'colour': 1}, 'colour'),
                        ({'ttl': 0}, 'ttl'), ({'attributes': [1]}, 'attributes'),
                        ({'attributes': {'agent': 'z'}}, 'attributes'),
                        ({'rlocs': [{'address': 'x'}]}, 'rlocs[0].address'),
                        ({'dn': 5}, 'dn')):
        call(xtr1, 'PATCH', ONE + 'a7', body=body, expect=400, field=field)
    b = call(xtr1, 'PATCH', ONE + 'a7', body={}, expect=400)[1]
    check('field' not in b and 'nothing to change' in b.get('error', ''),
          'PATCH {}: nothing to change', str(b))
    for raw in ('{', '[]', ''):
        call(xtr1, 'PATCH', ONE + 'a7', body=raw, expect=400)
    call(xtr1, 'PATCH', ONE + 'a7', body='x' * 70000, expect=413)
    call(xtr1, 'PATCH', ONE + 'a7', query={'x': '1'}, body={'ttl': 5}, expect=400, field='x')
    call(xtr1, 'PATCH', ONE + 'nope', body={'ttl': 5}, expect=404, field='id')
    call(xtr1, 'PATCH', ONE + 'c7', body={'dn': 'planner-8'}, expect=409, field='dn')
    # A DN that is a mapping of the database (not an agent's) is not taken
    # over, whether or not the agent has a DN already.
    post(xtr1, {'eid': '[1]dn:planner-9', 'rlocs': [{'address': XTR1_IP}]}, 201)
    call(xtr1, 'PATCH', ONE + 'c7', body={'dn': 'planner-9'}, expect=409, field='dn')
    call(xtr1, 'PATCH', ONE + 'a7', body={'dn': 'planner-9'}, expect=409, field='dn')
    call(xtr1, 'POST', AGENTS, body={'id': 'x1', 'eid': '[1]10.1.7.20', 'dn': 'planner-9'},
         expect=409, field='dn')
    check(at_ms(ms, '[1]dn:planner-8') is not None, 'MS: a7\'s DN stays registered')
    call(xtr1, 'DELETE', '/api/v1/mappings', query={'eid': '[1]dn:planner-9'}, expect=200)
    _, b = call(xtr1, 'GET', ONE + 'a7', expect=200)
    check(b.get('dn') == 'planner-8' and b.get('attributes', {}).get('load') == 0.05 and
          b.get('ttl') == 7, 'no refused PATCH changed a7', str(b))
    _, b = call(xtr1, 'GET', ONE + 'c7', expect=200)
    check(unstated(b) == unstated(c7), 'no refused PATCH changed c7', str(b))


def delete(lab, ms, xtr1, a7):
    # --- DELETE, kept EIDs --------------------------------------------------------------
    _, b = call(xtr1, 'DELETE', ONE + 'b7', expect=200)
    check(b == {'id': 'b7', 'eid': '[1]10.1.200.2/32', 'deleted': True, 'kept': True},
          'DELETE of a pool EID: kept for its id', str(b))
    b = call(xtr1, 'GET', ONE + 'b7', expect=404, field='id')[1]
    check('kept' in b.get('error', ''), 'GET of a withdrawn agent: 404 says its EID is kept')
    call(xtr1, 'DELETE', ONE + 'b7', expect=404, field='id')
    call(xtr1, 'PATCH', ONE + 'b7', body={'ttl': 5}, expect=404, field='id')
    call(xtr1, 'POST', AGENTS, body={'id': 'b7', 'iid': 2}, expect=409, field='iid')
    call(xtr1, 'POST', AGENTS, body={'id': 'b7', 'eid': '[1]10.1.7.30'}, expect=409, field='eid')
    call(xtr1, 'POST', AGENTS, body={'id': 'x1', 'iid': 1}, expect=409, field='eid')
    _, b = call(xtr1, 'POST', AGENTS, body={'id': 'b7', 'iid': 1}, expect=201)
    check(b.get('eid') == '[1]10.1.200.2/32' and b.get('allocated'),
          'b7 back without an eid: the same EID', str(b))
    _, b = call(xtr1, 'DELETE', ONE + 'b7', query={'release': 'true'}, expect=200)
    check(b.get('kept') is False, 'DELETE ?release=true: not kept', str(b))
    _, b = call(xtr1, 'POST', AGENTS, body={'id': 'x1', 'iid': 1}, expect=201)
    check(b.get('eid') == '[1]10.1.200.2/32', 'a released EID goes to the next agent', str(b))
    call(xtr1, 'DELETE', ONE + 'x1', query={'release': 'false'}, expect=200)
    _, b = call(xtr1, 'DELETE', ONE + 'x1', query={'release': 'true'}, expect=200)
    check(b.get('kept') is False, 'DELETE ?release=true forgets a withdrawn agent\'s EID', str(b))
    call(xtr1, 'DELETE', ONE + 'x1', query={'release': 'true'}, expect=404, field='id')
    call(xtr1, 'DELETE', ONE + 'a7', query={'release': 'maybe'}, expect=400, field='release')
    call(xtr1, 'DELETE', ONE + 'a7', query={'eid': a7['eid']}, expect=400, field='eid')
    call(xtr1, 'DELETE', ONE + 'nope', expect=404, field='id')
    _, b = call(xtr1, 'DELETE', ONE + 'c7', expect=200)
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
    _, b = call(xtr1, 'DELETE', ONE + 'a7', query={'release': 'true'}, expect=200)
    check(b == {'id': 'a7', 'eid': '[1]10.1.200.1/32', 'deleted': True, 'kept': False},
          'DELETE a7 ?release=true', str(b))
    check(poll(lambda: agent_ids(ms) == [] and regs(ms)['count'] == 3),
          'MS: no agent left, address and DN records withdrawn', str(regs(ms)['count']))
    check(agent_ids(xtr1) == [] and stats_db(xtr1) == 2, 'the xTR: no agent, its database as '
          'configured')


def agents(lab, ms, xtr1, itr):
    roles(ms, xtr1, itr)
    a7_body, a7, c7 = register(xtr1)
    entries = refused_conflicts(xtr1, a7_body)
    refused_bodies(xtr1, entries)
    lists(xtr1)
    q = found_by_ms(ms)
    patch(ms, xtr1, a7, a7_body, c7, q)
    delete(lab, ms, xtr1, a7)


if __name__ == '__main__':
    run([agents])
