#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-dp's privileges (docs/dataplane.md, "Privileges"): once started
it has NoNewPrivs and only the capabilities drivers may use at run time
(no CAP_CHOWN, CAP_SETUID, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_KILL in
any set, the bounding set included), in EVERY thread: credentials are
per thread, so each /proc/PID/task/TID/status (EAL's workers, interrupt,
multi-process and telemetry threads) must show exactly the kept set
and NoNewPrivs 1.  channel.socket-user: the
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


def status(path):
    with open(path) as f:
        return dict((ln.split(':')[0], ln.split()[1]) for ln in f if ':' in ln and ln.split()[1:])


def tasks(pid):
    """{tid: /proc status} of each thread of pid."""
    out = {}
    for tid in os.listdir('/proc/%d/task' % pid):
        try:
            out[tid] = status('/proc/%d/task/%s/status' % (pid, tid))
        except OSError:
            pass   # exited meanwhile
    return out


def run(extra, name):
    """lispgw-dp with channel settings extra, then lispgw-cp; returns (the
    socket's stat, whether lispgw-cp attached, lispgw-cp's uid, lispgw-dp's
    threads' /proc status)."""
    conf = os.path.join(tmp, name + '.yaml')
    with open(conf, 'w') as f:
        f.write(NULL_DP_PORTS + extra)
    dp = null_dp(DP, conf, sock, os.path.join(tmp, name + '-dp.log'))
    cp = None
    try:
        wait_for(lambda: os.path.exists(sock) or dp.poll() is not None, 20)
        cp = Proc([CP, '-c', os.path.join(tmp, 'cp.yaml')], os.path.join(tmp, name + '-cp.log'))
        attached = wait_for(lambda: (dp.counters() or {}).get('channel', {}).get('attached'), 4,
                            step=0.5)
        # Once lispgw-dp answers (it chowns the socket right after binding
        # it, and a stat in between saw root:root).
        st = os.stat(sock) if os.path.exists(sock) else None
        with open('/proc/%d/status' % cp.p.pid) as f:
            cp_uid = [ln.split()[1] for ln in f if ln.startswith('Uid:')][0]
        return st, attached, int(cp_uid), tasks(dp.p.pid)
    finally:
        if cp:
            cp.stop()
        dp.stop(timeout=10)


st, attached, cp_uid, dp_tasks = run('', 'default')
dp_st = dp_tasks.get(str(min(int(t) for t in dp_tasks)), {}) if dp_tasks else {}
# CHOWN 0, KILL 5, SETGID 6, SETUID 7, SYS_MODULE 16, SYS_PTRACE 19
GONE = sum(1 << c for c in (0, 5, 6, 7, 16, 19))
for key in ('CapEff', 'CapPrm', 'CapBnd'):
    check(int(dp_st.get(key, 'ffff'), 16) & GONE == 0,
          'lispgw-dp %s: no CHOWN, KILL, SETUID/SETGID, SYS_MODULE, SYS_PTRACE' % key,
          dp_st.get(key))
check(int(dp_st.get('CapEff', '0'), 16) & (1 << 12),
      'lispgw-dp keeps CAP_NET_ADMIN (drivers at run time)', dp_st.get('CapEff'))
check(dp_st.get('NoNewPrivs') == '1', 'lispgw-dp: NoNewPrivs 1', dp_st.get('NoNewPrivs'))
# The kept set (DP_PRIVS_KEEP in dataplane/dp_privs.c): DAC_OVERRIDE 1,
# DAC_READ_SEARCH 2, NET_ADMIN 12, NET_RAW 13, IPC_LOCK 14, SYS_RAWIO 17,
# SYS_ADMIN 21, SYS_NICE 23, SYS_RESOURCE 24, PERFMON 38, BPF 39, as far
# as this test (root) held them: a container's bounding set may hold less.
KEEP = sum(1 << c for c in (1, 2, 12, 13, 14, 17, 21, 23, 24, 38, 39))
mine = status('/proc/self/status')
want = {'CapEff': int(mine['CapEff'], 16) & KEEP, 'CapPrm': int(mine['CapPrm'], 16) & KEEP,
        'CapBnd': int(mine['CapBnd'], 16) & KEEP}
check(len(dp_tasks) > 1, 'lispgw-dp has threads besides main (EAL)', len(dp_tasks))
bad = dict((tid + ' ' + st.get('Name', '?'),
            dict((k, st.get(k)) for k in ('CapEff', 'CapPrm', 'CapBnd', 'NoNewPrivs')))
           for tid, st in dp_tasks.items()
           if st.get('NoNewPrivs') != '1' or
           any(int(st.get(k, 'ffff'), 16) != v for k, v in want.items()))
check(not bad, 'every lispgw-dp thread: CapEff/CapPrm/CapBnd = the kept set %s, NoNewPrivs 1'
      % dict((k, hex(v)) for k, v in want.items()), bad)
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
