#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: channel sessions (docs/security.md "Channel sessions",
docs/dataplane-channel.md "When a session ends"; issue 13 item 7), against
lispgw-dp on net_null ports with channel.session-grace-ms: 2000.  A client
that is not lispgw-cp takes the session and writes on the socket: the
session ends as a protocol violation, logged and counted.  A lispgw-cp
pushes two mappings and is killed with SIGKILL: they keep forwarding within
the grace period, are removed after it, and the log says the peer closed
the socket.  Before, both sessions ended without a word and the killed
control plane's mappings stayed for ever."""
import os
import signal
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import NULL_DP_PORTS, Proc, null_dp, wait_for   # noqa: E402

DP = os.environ.get('LISPGW_DP')
CP = os.environ.get('LISPGW_CP')
if not DP or not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')

GRACE_MS = 2000
tmp = tempfile.mkdtemp(prefix='lispgw-attack-chan-')
sock = os.path.join(tmp, 'dp.sock')
checks = Checks('attack: channel')
check = checks.check

with open(os.path.join(tmp, 'dp.yaml'), 'w') as f:
    f.write(NULL_DP_PORTS + 'channel: {session-grace-ms: %d}\n' % GRACE_MS)
with open(os.path.join(tmp, 'cp.yaml'), 'w') as f:
    f.write("""
roles: [itr]
listen: {addresses: [127.73.0.1]}
dataplane: {socket: %s}
itr:
  map-resolvers: [{address: 127.73.0.2}]
  static-map-cache:
    - eid-prefix: "[1]10.20.0.0/16"
      rlocs: [{address: 192.0.2.2}]
    - eid-prefix: "[1]10.30.0.0/16"
      rlocs: [{address: 192.0.2.4}]
""" % sock)

dp = null_dp(DP, os.path.join(tmp, 'dp.yaml'), sock, os.path.join(tmp, 'dp.log'))
procs = [dp]


def server():
    return (dp.counters() or {}).get('channel', {})


def mappings():
    return (dp.counters() or {}).get('mappings')


def garbage_client():
    """Takes the session, reads the hello, writes what lispgw-cp never does."""
    c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    c.connect(sock)
    c.recvmsg(256, socket.CMSG_SPACE(8))
    c.sendall(b'GET / HTTP/1.0\r\n\r\n')
    ended = wait_for(lambda: 'protocol violation' in dp.text(), 5, 0.05)
    check(ended, 'a client that is not lispgw-cp writes on the socket: session ended',
          dp.text()[-800:])
    check('18 bytes on the socket, where the control plane sends none' in dp.text(),
          'the log says why')
    check(server().get('ended_protocol') == 1, 'counted (ended_protocol)',
          server())
    c.close()


def killed_cp():
    cp = Proc([CP, '-c', os.path.join(tmp, 'cp.yaml')], os.path.join(tmp, 'cp.log'))
    procs.append(cp)
    check(wait_for(lambda: mappings() == 2, 10, 0.2), 'lispgw-cp pushed its 2 mappings')
    cp.send_signal(signal.SIGKILL)
    cp.wait()
    t0 = time.monotonic()
    check(wait_for(lambda: 'peer closed the socket' in dp.text(), 5, 0.05),
          'SIGKILL of lispgw-cp: the log says the peer closed the socket', dp.text()[-800:])
    check('2 entries removed in %d ms unless confirmed' % GRACE_MS in dp.text(),
          'and what becomes of its entries')
    n = mappings()
    elapsed = time.monotonic() - t0
    check(n == 2 and elapsed < GRACE_MS / 1000, 'within the grace period the mappings stay '
          '(%s after %.1f s)' % (n, elapsed))
    gone = wait_for(lambda: mappings() == 0, GRACE_MS / 1000 + 5, 0.2)
    elapsed = time.monotonic() - t0
    check(gone and elapsed >= GRACE_MS / 1000, 'after it they are removed (%.1f s after the '
          'kill, grace %.1f s)' % (elapsed, GRACE_MS / 1000))
    check(server().get('ended_peer_closed') == 1, 'counted (ended_peer_closed)',
          server())


try:
    check(wait_for(lambda: os.path.exists(sock), 20, 0.1), 'lispgw-dp listens on the channel')
    garbage_client()
    killed_cp()
finally:
    for p in reversed(procs):
        p.stop(timeout=10)
    if checks.failures:
        print(dp.text()[-3000:])
checks.exit()
