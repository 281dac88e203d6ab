#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed request bodies answer 400 with a JSON Error, on every
operation that takes a body (POST /api/v1/mappings, POST /api/v1/map-cache,
POST /api/v1/agents, PATCH /api/v1/agents/ID): not JSON, not an object, a
bad or unknown field, and a mapping or agent too big to encode (its record
over what the ETR or the map-cache holds), which answered 409 (a conflict)
before.  409 stays for real conflicts: an EID already there without
"replace": true.  One xTR with an agents section on 127.75.0.1."""
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.rest import Lab, call, check, checks, failures   # noqa: E402

IP = '127.75.0.1'
MS = '127.75.0.2'   # nobody: registrations go nowhere, which is fine here

signal.alarm(60)

CONF = """
roles: [xtr]
listen:
  addresses: [%(ip)s]
etr:
  map-servers: [{address: %(ms)s, key: "k-0123456789abcdef"}]
  database:
    - eid-prefix: "[1]10.75.0.0/16"
      rlocs: [{address: %(ip)s}]
itr:
  map-resolvers: [{address: %(ms)s}]
agents:
  pools: ["[1]10.75.1.0/24"]
""" % {'ip': IP, 'ms': MS}

BLOB = 'x' * 900   # four RLOCs with it fit a database record (4096), five do not


def rlocs(n, first=10):
    return [{'address': '127.75.1.%d' % (first + i), 'attributes': {'blob': BLOB}}
            for i in range(n)]


def mappings(d):
    path = '/api/v1/mappings'
    for what, body in [
            ('not JSON', '{"eid": '),
            ('not an object', '[1, 2]'),
            ('an empty body', ''),
            ('an unknown field', {'eid': '[1]10.75.9.0/24', 'rlocs': [{'address': IP}],
                                  'colour': 'red'}),
            ('a database mapping whose record is over 4096 bytes',
             {'eid': '[1]10.75.8.0/24', 'rlocs': rlocs(5)}),
            ('a static entry whose record is over 9000 bytes',
             {'eid': '[1]10.76.0.0/16', 'static': True, 'rlocs': rlocs(10)})]:
        status, b = call(d, 'POST', path, body=body)
        check(status == 400 and isinstance(b, dict) and b.get('error'),
              'POST %s with %s -> 400 with an error' % (path, what), '%d %s' % (status, b))
    # Four fit: the limit is where the ETR's room ends, not lower.
    call(d, 'POST', path, body={'eid': '[1]10.75.7.0/24', 'rlocs': rlocs(4)}, expect=201)
    # A real conflict stays 409.
    call(d, 'POST', path, body={'eid': '[1]10.75.7.0/24', 'rlocs': [{'address': IP}]},
         expect=409, field='eid')


def map_cache(d):
    path = '/api/v1/map-cache'
    for what, body in [('not JSON', 'eid=1'), ('not an object', '"[1]10.1.0.0/16"'),
                       ('an unknown field', {'eid': '[1]10.1.0.0/16', 'x': 1}),
                       ('a bad EID', {'eid': 'nowhere'})]:
        status, b = call(d, 'POST', path, body=body)
        check(status == 400 and isinstance(b, dict) and b.get('error'),
              'POST %s with %s -> 400 with an error' % (path, what), '%d %s' % (status, b))


def agents(d):
    path = '/api/v1/agents'
    for what, body in [('not JSON', '{'), ('not an object', '7'),
                       ('an unknown field', {'id': 'a1', 'iid': 1, 'colour': 'red'}),
                       ('an agent whose record is over 4096 bytes',
                        {'id': 'big', 'iid': 1, 'rlocs': rlocs(5)})]:
        status, b = call(d, 'POST', path, body=body)
        check(status == 400 and isinstance(b, dict) and b.get('error'),
              'POST %s with %s -> 400 with an error' % (path, what), '%d %s' % (status, b))
    call(d, 'GET', path + '/big', expect=404)
    call(d, 'POST', path, body={'id': 'a1', 'iid': 1}, expect=201)
    one = path + '/a1'
    for what, body in [('not JSON', '{"ttl": '), ('not an object', '[]'),
                       ('an unknown field', {'colour': 'red'}),
                       ('RLOCs whose record is over 4096 bytes', {'rlocs': rlocs(5)})]:
        status, b = call(d, 'PATCH', one, body=body)
        check(status == 400 and isinstance(b, dict) and b.get('error'),
              'PATCH %s with %s -> 400 with an error' % (one, what), '%d %s' % (status, b))
    # The refused PATCH left the agent as it was, registered with its EID.
    status, b = call(d, 'GET', one, expect=200)
    check(status == 200 and not b.get('rlocs'), 'a1 unchanged by the refused PATCH', str(b))
    # A real conflict stays 409: the id is registered.
    call(d, 'POST', path, body={'id': 'a1', 'iid': 1}, expect=409)


def main():
    lab = Lab()
    try:
        d = lab.start('xtr', IP, CONF, 'bodies-test-token-0123456789')
        mappings(d)
        map_cache(d)
        agents(d)
    except Exception as e:   # a crash is a failure with its logs, not a hang
        import traceback
        traceback.print_exc()
        checks.fail('exception: %r' % e)
    finally:
        lab.close(keep_logs=bool(failures))
    checks.exit()


if __name__ == '__main__':
    main()
