#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Privilege separation (docs/security.md, "Privilege separation"), on
loopback 127.95.0.x.  As root:
  - lispgw-cp (Map-Server, REST) runs as privileges.user lispgw once
    bound: /proc/PID/status has its uid and gid, no capability (CapEff,
    CapPrm, CapBnd 0), NoNewPrivs 1, Seccomp 2 (filter); and it still
    serves: a Map-Register gets its Map-Notify, REST answers, a SIGHUP
    that adds a site is applied (the new site registers);
  - privileges.user nobody / group nogroup: those ids (the keys are read);
  - a missing account stops the start, naming it, before any bind;
  - privileges.seccomp off: no filter (Seccomp 0, NoNewPrivs 0); log: a
    filter (Seccomp 2) and the daemon serves;
  - a reload that changes privileges keeps them, and says so.
Not root: skipped (nothing to drop)."""
import http.client
import os
import grp
import pwd
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.loopback import CP, Lab, recv   # noqa: E402
from lispgwlab.daemons import Proc, wait_for   # noqa: E402
from lispgwlab import privs   # noqa: E402

if os.geteuid() != 0:
    skip('not root: lispgw-cp drops nothing')

lab = Lab(block=95)
MS, ETR = lab.ip(1), lab.ip(2)
TOKEN = 'privs-test-token-0123456789'
checks = Checks('privileges')
check = checks.check


def conf(privileges='', sites=1, rest_port=0):
    text = 'roles: [map-server]\nlisten:\n  addresses: [%s]\nmap-server:\n  sites:\n' % MS
    for i in range(1, sites + 1):
        text += '    - {name: s%d, key-id: 2, key: "key-%d", eid-prefixes: ["[1]10.%d.0.0/16"]}\n' % (i, i, i)
    if rest_port:
        text += 'rest:\n  address: %s\n  port: %d\n  token: "%s"\n' % (MS, rest_port, TOKEN)
    return text + privileges


def status(pid):
    out = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            out[k] = v.split()
    return out


def start(text):
    """lispgw-cp as ms, returned once it has dropped (its started line)."""
    p = lab.start('ms', text, MS)
    wait_for(lambda: 'lispgw-cp started' in lab.log('ms'), 5)
    return p


def registered(sock, site, nonce):
    sock.sendto(lw.map_register([lw.record(1, '10.%d.0.0' % site, 16, [(ETR, 1, 100)])],
                                'key-%d' % site, nonce, xtr_id=bytes([7] * 16), site_id=1),
                (MS, 4342))
    got = recv(sock)
    return got is not None and lw.msg_type(got[0]) == 4 and lw.nonce_of(got[0]) == nonce


def rest_get(port, path):
    c = http.client.HTTPConnection(MS, port, timeout=5)
    c.request('GET', path, headers={'Authorization': 'Bearer ' + TOKEN})
    r = c.getresponse()
    return r.status, r.read().decode()


uid, gid = privs.ids()
port = 18095
p = start(conf(rest_port=port))
st = status(p.p.pid)
check(st['Uid'] == [str(uid)] * 4 and st['Gid'] == [str(gid)] * 4,
      'runs as lispgw: real, effective, saved and fs uid/gid', (st['Uid'], st['Gid']))
check(int(st['CapEff'][0], 16) == 0 and int(st['CapPrm'][0], 16) == 0 and
      int(st['CapBnd'][0], 16) == 0 and int(st['CapAmb'][0], 16) == 0,
      'no capability: CapEff, CapPrm, CapBnd, CapAmb all 0',
      (st['CapEff'], st['CapPrm'], st['CapBnd']))
check(st['NoNewPrivs'] == ['1'] and st['Seccomp'] == ['2'], 'NoNewPrivs 1, Seccomp 2 (filter)',
      (st['NoNewPrivs'], st['Seccomp']))
check(st['Groups'] in ([str(gid)], []),
      'supplementary groups: its own group only', st['Groups'])
etr = lab.udp(ETR, 4342)
check(registered(etr, 1, 0x9501), 'as lispgw: a Map-Register gets its Map-Notify')
code, body = rest_get(port, '/api/v1/stats')
check(code == 200 and '"config"' in body, 'as lispgw: REST /api/v1/stats answers 200', code)
code, metrics = rest_get(port, '/metrics')
check(code == 200 and 'lispgw_config_reloads_total 0' in metrics, 'as lispgw: /metrics answers')

# SIGHUP as lispgw: the file is read again (through the lab's folder,
# root:lispgw 0770) and a second site is applied.
lab.write('ms', conf(sites=2, rest_port=port))
lab.signal('ms', signal.SIGHUP)
check(wait_for(lambda: 'configuration reloaded' in lab.log('ms'), 5),
      'as lispgw: SIGHUP reloads the file', lab.log('ms')[-400:])
check(registered(etr, 2, 0x9502), 'as lispgw: the site the reload added registers')
check(p.alive(), 'alive after the reload: no forbidden system call on the way')
# A reload that changes privileges keeps them (they are set once).
lab.write('ms', conf(sites=2, rest_port=port, privileges='privileges: {user: nobody}\n'))
lab.signal('ms', signal.SIGHUP)
check(wait_for(lambda: 'reload: privileges changed but is not applied' in lab.log('ms'), 5),
      'a reload that changes privileges keeps them, and says so', lab.log('ms')[-400:])
check(status(p.p.pid)['Uid'][0] == str(uid), 'the uid is unchanged by that reload')
lab.stop('ms')

# user and group are read: nobody / nogroup.
nobody, nogroup = pwd.getpwnam('nobody').pw_uid, grp.getgrnam('nogroup').gr_gid
p = start(conf(privileges='privileges: {user: nobody, group: nogroup}\n'))
st = status(p.p.pid)
check(st['Uid'][0] == str(nobody) and st['Gid'][0] == str(nogroup),
      'privileges.user nobody, group nogroup: those ids', (st['Uid'], st['Gid']))
check(registered(etr, 1, 0x9503), 'as nobody: registrations work')
lab.stop('ms')

# A missing account stops the start before any socket is bound.
path = lab.write('bad', conf(privileges='privileges: {user: lispgw-no-such-user}\n'))
p = Proc([CP, '-c', path], os.path.join(lab.dir, 'bad.log'), merge=True)
rc = p.wait(timeout=10)
p.stop()
text = open(os.path.join(lab.dir, 'bad.log')).read()
check(rc == 1 and "no account 'lispgw-no-such-user'" in text and 'listening on' not in text,
      'a missing account: exit 1 naming it, nothing bound', text[-300:])

# seccomp off: no filter; log: a filter, and it serves.
for mode, want_seccomp, want_nnp in (('off', '0', '0'), ('log', '2', '1')):
    p = start(conf(privileges='privileges: {seccomp: %s}\n' % mode))
    st = status(p.p.pid)
    check(st['Seccomp'] == [want_seccomp] and st['NoNewPrivs'] == [want_nnp],
          'seccomp %s: Seccomp %s, NoNewPrivs %s' % (mode, want_seccomp, want_nnp),
          (st['Seccomp'], st['NoNewPrivs']))
    check(st['Uid'][0] == str(uid), 'seccomp %s: still runs as lispgw' % mode)
    check(registered(etr, 1, 0x9510 + int(want_seccomp)), 'seccomp %s: registrations work' % mode)
    lab.stop('ms')

lab.close()
checks.exit()
