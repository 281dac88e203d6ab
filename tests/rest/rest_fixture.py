#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The lab the REST API tests (test_rest_*.py) run in: real lispgw-cp
daemons on 127.73.0.x (a Map-Server/Map-Resolver, three ETRs registering to
it, one with a wrong key and one with an agents section, and an ITR), and
the helpers the tests share.  The tests run one at a time (the addresses
are the same: meson's is_parallel false)."""
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.rest import Lab, call, check, checks, failures, poll   # noqa: E402

BLOCK = 73
MS_IP, XTR1_IP, XTR2_IP, BAD_IP, ITR_IP = ('127.%d.0.%d' % (BLOCK, h) for h in (1, 2, 3, 4, 5))
SECRETS = ('dc1-shared-secret', 'dc2-shared-secret')


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


def regs(ms, query=None, expect=200, field=None):
    return call(ms, 'GET', '/api/v1/registrations', query=query, expect=expect, field=field)[1]


def post(d, body, expect, field=None, **kw):
    return call(d, 'POST', '/api/v1/mappings', body=body, expect=expect, field=field, **kw)[1]


def at_ms(ms, eid):
    b = regs(ms, {'eid': eid, 'match': 'exact'})
    return b['registrations'][0] if b['count'] else None


def start(lab):
    """The five daemons, once both xTRs are registered: (ms, xtr1, itr)."""
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
    return ms, xtr1, itr


def run(steps, before=None):
    """before(), the lab, then each step(lab, ms, xtr1, itr); the checks'
    exit code.  A crash is a failure with its logs, not a hang."""
    signal.alarm(100)   # bounded, whatever happens; meson's timeout is the backstop
    lab = Lab()
    try:
        if before:
            before()
        ms, xtr1, itr = start(lab)
        for step in steps:
            step(lab, ms, xtr1, itr)
    except Exception as e:
        import traceback
        traceback.print_exc()
        checks.fail('exception: %r' % e)
    finally:
        lab.close(keep_logs=bool(failures))
    checks.exit()
