#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-ctl's REST commands against rest_fixture.py's lab (show sites,
registrations, stats, map-cache; register and unregister reaching the
Map-Server; usage errors), and a REST token swapped by SIGHUP."""
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.rest import check, ctl, poll, request   # noqa: E402
from rest_fixture import MS_IP, SECRETS, XTR1_IP, XTR2_IP, at_ms, regs, run, xtr1_conf   # noqa: E402

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
    rc, out, err = ctl('show', 'registrations', '--eid', '[1]10.0.0.0/8', '--match',
                       'more-specific', '--api', ms.url(), '--token', ms.token)
    check(rc == 0 and eid in out and '[1]10.255.0.1/32' in out,
          'ctl show registrations --match more-specific reaches the API', out)
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



if __name__ == '__main__':
    run([lambda lab, ms, xtr1, itr: lispgw_ctl(ms, xtr1),
         lambda lab, ms, xtr1, itr: reload_token(lab, xtr1)])
