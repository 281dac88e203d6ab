#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The REST API against its spec (rest_fixture.py's lab): the spec itself
is well formed; every operation of docs/openapi.yaml called with and
without the token (wrong, truncated, longer, another scheme), with good and
bad query parameters, methods and paths the API does not have; each
answer's status must be one the spec lists and its body must validate
against the spec's schema; the Prometheus exposition."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.openapi import parse_metrics   # noqa: E402
from lispgwlab.rest import call, check, request, spec   # noqa: E402
from rest_fixture import MS_IP, SAMPLE, XTR1_IP, concrete, run   # noqa: E402

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
    for gauge in ('registrants', 'notifies_pending'):
        check(val('lispgw_map_server_' + gauge) == st['map_server'][gauge],
              'Map-Server gauge exported: ' + gauge)
    for name, v in st['map_server'].items():
        if name not in ('registrations', 'sites', 'registrants', 'notifies_pending'):
            check(('lispgw_map_server_%s_total' % name, frozenset()) in samples,
                  'every Map-Server counter exported: ' + name)
    text = request(xtr1, 'GET', '/metrics')[2]
    samples, types = parse_metrics(text)
    check(('lispgw_etr_registers_sent_total', frozenset()) in samples and
          ('lispgw_registrations', frozenset()) not in samples,
          'an ETR exports its counters, no Map-Server ones')



if __name__ == '__main__':
    run([lambda lab, ms, xtr1, itr: auth([ms]),
         lambda lab, ms, xtr1, itr: gets(ms, xtr1, itr),
         lambda lab, ms, xtr1, itr: metrics(ms, xtr1, 3)], before=spec_itself)
