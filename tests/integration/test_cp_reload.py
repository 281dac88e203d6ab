#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""SIGHUP to a real lispgw-cp xTR (docs/config.md, "What a reload applies"):
  - the itr section is applied: Map-Requests go to the new Map-Resolver at
    once, static map-cache entries follow the file (one removed, one added);
  - what needs a restart (listen.addresses, dataplane.socket,
    itr.subscribe) is logged by name, counted in /api/v1/stats and
    /metrics, and kept as it runs: the old socket stays, the new address is
    not bound;
  - a change of roles refuses the whole reload (counted), and the daemon
    keeps running through all of it;
  - a petr-only lispgw-cp, which has nothing of its own to run yet, says so
    at start instead of starting in silence.
Python sockets play the two Map-Resolvers on 127.64.0.x."""
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.loopback import Lab, drain, recv   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=64)
XTR, XTR_NEW, MR1, MR2, MS, PETR = (lab.ip(h) for h in (2, 3, 5, 6, 9, 7))
TOKEN = 'reload-test-token-0123456789'
checks = Checks('cp-reload')
check = checks.check
failures = checks.failures

signal.alarm(60)


def conf(listen, mr, statics, extra=''):
    return """roles: [xtr]
listen:
  addresses: [%(listen)s]
rest:
  address: %(xtr)s
  token: "%(token)s"
etr:
  map-servers: [{address: %(ms)s, key: "k-0123456789"}]
  database:
    - eid-prefix: "[1]10.64.0.0/16"
      rlocs: [{address: %(xtr)s}]
itr:
  map-resolvers: [{address: %(mr)s}]
  static-map-cache:
%(statics)s
%(extra)s""" % {'listen': listen, 'xtr': XTR, 'token': TOKEN, 'ms': MS, 'mr': mr,
                'statics': ''.join('    - {eid-prefix: "%s", action: drop}\n' % s for s in statics),
                'extra': extra}


def api(method, path, body=None):
    return Api(XTR, TOKEN)(method, path, body)


def resolve_goes_to(eid, want, other):
    """Asks the ITR to resolve eid; True when want (not other) gets the ECM."""
    drain(want)
    drain(other)
    st, _ = api('POST', '/api/v1/map-cache', {'eid': eid})
    got = recv(want, 2.0)
    return st == 202 and got is not None and got[0][0] >> 4 == 8 and recv(other, 0.2) is None


def static_eids():
    st, b = api('GET', '/api/v1/map-cache')
    return sorted(e['eid'] for e in b.get('entries', []) if e.get('static')) if st == 200 else None


def reload_and_wait(text, marker):
    """Writes the file, sends SIGHUP, waits for the log line marker."""
    before = lab.log('xtr').count(marker)
    lab.write('xtr', text)
    lab.signal('xtr', signal.SIGHUP)
    deadline = time.time() + 5
    while time.time() < deadline and lab.log('xtr').count(marker) == before:
        time.sleep(0.05)
    return lab.log('xtr').count(marker) > before


def stats():
    st, b = api('GET', '/api/v1/stats')
    return b.get('config', {}) if st == 200 else {}


def main():
    mr1, mr2 = lab.udp(MR1, 4342), lab.udp(MR2, 4342)
    lab.start('xtr', conf(XTR, MR1, ['[1]10.99.1.0/24']), XTR)
    check(resolve_goes_to('[1]10.77.0.1/32', mr1, mr2), 'before: the ITR asks Map-Resolver 1')
    check(static_eids() == ['[1]10.99.1.0/24'], 'before: the static entry of the file',
          str(static_eids()))

    new = conf('%s, %s' % (XTR, XTR_NEW), MR2, ['[1]10.99.2.0/24'],
               'dataplane: {socket: %s/dp.sock}\n' % lab.dir).replace(
        'itr:\n', 'itr:\n  subscribe: true\n  map-request: {tries: 2}\n')
    check(reload_and_wait(new, 'configuration reloaded'), 'SIGHUP: the reload is applied')
    log = lab.log('xtr')
    for key in ('listen.addresses', 'dataplane.socket', 'itr.subscribe'):
        check('reload: %s changed but is not applied (' % key in log,
              'the log names %s as not applied, with why' % key)
    for key in ('itr.map-resolvers', 'itr.static-map-cache', 'itr.map-request'):
        check('reload: %s' % key not in log, '%s is applied, not logged as kept' % key)
    c = stats()
    check(c.get('reloads') == 1 and c.get('reload_keys_not_applied') == 3 and
          c.get('reload_failures') == 0, '/api/v1/stats: 1 reload, 3 keys not applied', str(c))
    st, text = api('GET', '/metrics')
    check(st == 200 and 'lispgw_config_reload_keys_not_applied_total 3\n' in text,
          '/metrics: lispgw_config_reload_keys_not_applied_total 3')

    # Applied: the new Map-Resolver, the statics of the new file.
    check(resolve_goes_to('[1]10.77.0.2/32', mr2, mr1),
          'after: the ITR asks Map-Resolver 2 (itr.map-resolvers applied)')
    check(static_eids() == ['[1]10.99.2.0/24'],
          'after: the static map-cache follows the file', str(static_eids()))
    # Kept as it runs: the old socket answers, the new address is not bound.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.bind((XTR_NEW, 4342))
        free = True
    except OSError:
        free = False
    probe.close()
    check(free, 'listen.addresses kept: %s:4342 is not bound by lispgw-cp' % XTR_NEW)
    check(not os.path.exists(os.path.join(lab.dir, 'dp.sock')) and
          'dataplane' not in lab.log('xtr').split('configuration reloaded')[-1],
          'dataplane.socket kept: no data-plane channel opened')

    # Roles: the whole reload is refused, and nothing of it applied.
    refused = conf(XTR, MR1, ['[1]10.99.3.0/24']).replace('roles: [xtr]', 'roles: [xtr, map-resolver]\n'
                                         'map-resolver: {map-servers: [{address: %s, '
                                         'eid-prefixes: ["[1]10.0.0.0/8"]}]}' % MS)
    check(reload_and_wait(refused, 'reload refused: roles change only with a restart'),
          'a change of roles: the reload is refused, saying why')
    c = stats()
    check(c.get('reloads') == 1 and c.get('reload_failures') == 1,
          '/api/v1/stats: the refusal counted', str(c))
    check(resolve_goes_to('[1]10.77.0.3/32', mr2, mr1),
          'the refused reload changed nothing: still Map-Resolver 2')
    check(static_eids() == ['[1]10.99.2.0/24'], 'the refused reload changed no static entry',
          str(static_eids()))
    check(lab.procs['xtr'].poll() is None, 'lispgw-cp keeps running through the reloads')

    lab.start('petr', 'roles: [petr]\nlisten: {addresses: [%s]}\n' % PETR, PETR)
    deadline = time.time() + 3
    while time.time() < deadline and 'lispgw-cp started' not in lab.log('petr'):
        time.sleep(0.05)
    check('warn: role petr: lispgw-cp has no Proxy-ETR function yet' in lab.log('petr'),
          'a petr-only lispgw-cp warns at start that it runs nothing of its own')


if __name__ == '__main__':
    try:
        main()
    except Exception as e:   # a crash is a failure with its logs, not a hang
        import traceback
        traceback.print_exc()
        checks.fail('exception: %r' % e)
    if failures:
        print(lab.log('xtr')[-4000:])
    lab.close()
    checks.exit()
