#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-dp's privileges (docs/dataplane.md, "Privileges"): once started
it has NoNewPrivs and only the capabilities drivers may use at run time
(no CAP_CHOWN, CAP_SETUID, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_KILL in
any set, the bounding set included).  channel.socket-user: the
channel socket is made 0600 and given to the account lispgw-cp runs as
once it has dropped root (default lispgw), so that lispgw-cp as lispgw
attaches; with socket-user root the socket stays root's and lispgw-cp as
lispgw cannot attach (connect: EACCES) while it keeps trying.  As root
(skipped otherwise: nothing is dropped, the socket is the caller's)."""
import os
import shutil
import stat
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import NULL_DP_PORTS, Proc, null_dp, wait_for   # noqa: E402
from lispgwlab import privs   # noqa: E402

DP = os.environ.get('LISPGW_DP')
CP = os.environ.get('LISPGW_CP')
if not DP or not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')
if os.geteuid() != 0:
    skip('not root: lispgw-cp drops nothing')

tmp = tempfile.mkdtemp(prefix='lispgw-chown-')
sock = os.path.join(tmp, 'dp.sock')
checks = Checks('channel owner')
check = checks.check
uid, gid = privs.ids()

with open(os.path.join(tmp, 'cp.yaml'), 'w') as f:
    f.write("""
roles: [itr]
listen: {addresses: [127.98.0.1]}
dataplane: {socket: %s}
itr:
  map-resolvers: [{address: 127.98.0.2}]
  static-map-cache:
    - eid-prefix: "[1]10.20.0.0/16"
      rlocs: [{address: 192.0.2.2}]
""" % sock)


def run(extra, name):
    """lispgw-dp with channel settings extra, then lispgw-cp; returns (the
    socket's stat, whether lispgw-cp attached, lispgw-cp's uid, lispgw-dp's
    /proc status)."""
    conf = os.path.join(tmp, name + '.yaml')
    with open(conf, 'w') as f:
        f.write(NULL_DP_PORTS + extra)
    dp = null_dp(DP, conf, sock, os.path.join(tmp, name + '-dp.log'))
    cp = None
    try:
        wait_for(lambda: os.path.exists(sock) or dp.poll() is not None, 20)
        st = os.stat(sock) if os.path.exists(sock) else None
        cp = Proc([CP, '-c', os.path.join(tmp, 'cp.yaml')], os.path.join(tmp, name + '-cp.log'))
        attached = wait_for(lambda: (dp.counters() or {}).get('channel', {}).get('attached'), 4,
                            step=0.5)
        with open('/proc/%d/status' % cp.p.pid) as f:
            cp_uid = [ln.split()[1] for ln in f if ln.startswith('Uid:')][0]
        with open('/proc/%d/status' % dp.p.pid) as f:
            dp_st = dict((ln.split(':')[0], ln.split()[1]) for ln in f if ':' in ln and ln.split()[1:])
        return st, attached, int(cp_uid), dp_st
    finally:
        if cp:
            cp.stop()
        dp.stop(timeout=10)


st, attached, cp_uid, dp_st = run('', 'default')
# CHOWN 0, KILL 5, SETGID 6, SETUID 7, SYS_MODULE 16, SYS_PTRACE 19
GONE = sum(1 << c for c in (0, 5, 6, 7, 16, 19))
for key in ('CapEff', 'CapPrm', 'CapBnd'):
    check(int(dp_st.get(key, 'ffff'), 16) & GONE == 0,
          'lispgw-dp %s: no CHOWN, KILL, SETUID/SETGID, SYS_MODULE, SYS_PTRACE' % key,
          dp_st.get(key))
check(int(dp_st.get('CapEff', '0'), 16) & (1 << 12),
      'lispgw-dp keeps CAP_NET_ADMIN (drivers at run time)', dp_st.get('CapEff'))
check(dp_st.get('NoNewPrivs') == '1', 'lispgw-dp: NoNewPrivs 1', dp_st.get('NoNewPrivs'))
check(st is not None and st.st_uid == uid and st.st_gid == gid,
      'default socket-user: the socket is lispgw:lispgw', st and (st.st_uid, st.st_gid))
check(st is not None and stat.S_IMODE(st.st_mode) == 0o600, 'the socket is 0600',
      st and oct(st.st_mode))
check(cp_uid == uid and attached, 'lispgw-cp as lispgw attaches', (cp_uid, attached))

st, attached, cp_uid, _ = run('channel: {socket-user: root}\n', 'root')
check(st is not None and st.st_uid == 0, 'socket-user root: the socket stays root\'s',
      st and st.st_uid)
check(cp_uid == uid and not attached, 'lispgw-cp as lispgw cannot attach to it',
      (cp_uid, attached))

shutil.rmtree(tmp, ignore_errors=True)
checks.exit()
