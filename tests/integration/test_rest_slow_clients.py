#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""REST under slow clients (docs/security.md), a lispgw-cp on loopback with
small limits (12 connections, 4 per client address) and python sockets
playing slow clients from several loopback addresses:

  - 12 incomplete connections fill the table; a complete request from
    another address is answered at once, the oldest incomplete connection
    is closed to make room;
  - a client at its own limit of 4 closes its own oldest, no one else's,
    once its whole request head has come; without it, it is refused within
    rest.full-wait;
  - rest.max-connections-per-address lowered to 2 by SIGHUP applies to the
    next connection;
  - header and body deadlines lowered by SIGHUP to 600 ms and 1.2 s: a head
    sent a byte every 100 ms is closed at the header deadline, a body sent
    so at the body deadline (sending does not extend them);
  - a client that sends its last byte and closes at once (the FIN in the
    same wake-up as the byte, which libmicrohttpd's edge-triggered epoll
    never reads) is let go at once, not at the header deadline; a request
    sent whole before a half-close is still answered;
  - each close is counted (/api/v1/stats rest, /metrics).
Old main has none of these keys (its configuration check refuses the file)
and neither deadline: its 64 slots stay held while the bytes trickle in."""
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import slowhttp   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import Lab   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=72)
CP, TOKEN, PORT = lab.ip(1), 'integration-token-0123456789', 18072
A, B, C = lab.ip(9), lab.ip(10), lab.ip(11)
checks = Checks('rest slow clients')
check = checks.check

CONF = """
roles: [map-server]
listen: {addresses: [%(cp)s]}
rest:
  address: %(cp)s
  port: %(port)d
  token: "%(tok)s"
  max-connections: 12
  max-connections-per-address: %(per)d
  header-deadline: %(head)s
  body-deadline: %(body)s
  idle-timeout: 20s
  full-wait: 500ms
map-server:
  sites:
    - {name: tenant, key: "tenant-key", eid-prefixes: ["[1]10.0.0.0/8"]}
"""


# The herd's heads stay incomplete through full_table() and the first reload
# (several seconds on a loaded CI machine): deadlines well past that, so
# that only the evictions under test close them.
def conf(per, head='15s', body='18s'):
    return CONF % dict(cp=CP, port=PORT, tok=TOKEN, per=per, head=head, body=body)


def reload(text, n):
    lab.write('cp', text)
    lab.signal('cp', signal.SIGHUP)
    return wait_for(lambda: api('GET', '/api/v1/stats')[1]['config']['reloads'] == n, 5, 0.1)


api = Api(CP, TOKEN, port=PORT, timeout=2)


def rest_stats():
    """The rest counters; once the server has seen this client close (else
    its kept-alive connection would take a slot from what follows)."""
    got = api('GET', '/api/v1/stats')[1]['rest']
    time.sleep(0.2)
    return got


def trickle(slow, seconds):
    """Sends slow a byte every 100 ms; the seconds it lasted until the server
    closed it, or None when it is still open after seconds."""
    start = time.time()
    while time.time() - start < seconds:
        if not slow.step():
            return time.time() - start
        time.sleep(0.1)
    return None


def deadlines():
    check(reload(conf(2, '600ms', '1200ms'), 2),
          'SIGHUP: header-deadline 600ms, body-deadline 1200ms reloaded')
    for kind, counter, deadline in (('head', 'closed_header_deadline', 0.6),
                                    ('body', 'closed_body_deadline', 1.2)):
        before = rest_stats()
        slow = slowhttp.Slow(slowhttp.connect(CP, PORT, A), kind)
        lasted = trickle(slow, 4.0)
        slow.close()
        check(lasted is not None and deadline - 0.1 <= lasted <= deadline + 1.5,
              f'a {kind} sent a byte every 100 ms is closed at the {deadline} s deadline',
              lasted)
        check(wait_for(lambda: rest_stats()[counter] - before[counter] == 1, 3, 0.1),
              f'{counter} counts it', (before, rest_stats()))


def clients_that_close():
    before = rest_stats()
    for src in (A, B, C) * 4:
        s = slowhttp.Slow(slowhttp.connect(CP, PORT, src), 'head')
        s.step()
        s.close()
    time.sleep(0.3)
    herd = [slowhttp.Slow(slowhttp.connect(CP, PORT, src), 'head') for src in (A, B, C) * 4]
    time.sleep(0.8)     # past full-wait: a newcomer kept waiting is refused by now
    alive = [s.step() for s in herd]
    for s in herd:
        s.close()
    time.sleep(0.3)
    after = rest_stats()
    check(alive == [True] * 12 and
          all(after[k] == before[k] for k in ('refused_full', 'evicted_full',
                                              'evicted_address_full', 'closed_header_deadline')),
          '12 clients that send a byte and close at once are let go at once: '
          '12 more fit the 12-connection table', (alive, before, after))
    s = slowhttp.connect(CP, PORT, A)
    s.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: lispgw\r\n\r\n')
    s.shutdown(socket.SHUT_WR)
    got = b''
    try:
        while chunk := s.recv(4096):
            got += chunk
    except OSError as e:
        got += repr(e).encode()
    s.close()
    check(got.startswith(b'HTTP/1.1 200'), 'a request sent whole before a half-close is '
          'answered, then the connection closed', got[:80])


def full_table():
    before = rest_stats()
    herd = [slowhttp.Slow(slowhttp.connect(CP, PORT, src), 'head')
            for src in (A, A, A, A, B, B, B, B, C, C, C, C)]
    time.sleep(0.1)
    t = time.time()
    status = api('GET', '/api/v1/health')[0]
    took = time.time() - t
    check(status == 200 and took < 0.5, '12 incomplete connections fill the table: a complete '
          f'request from a fourth address is answered at once ({took:.3f} s)', status)
    time.sleep(0.2)     # the server sees that client's close
    states = [s.step() for s in herd]
    check(states == [False] + [True] * 11,
          'the oldest incomplete connection was closed to make room, the 11 others not', states)
    for s in herd[8:]:  # room for the test's own requests from here on
        s.close()
    time.sleep(0.2)
    after = rest_stats()
    check(after['evicted_full'] - before['evicted_full'] == 1 and after['refused_full'] == 0,
          'evicted_full counts it', (before, after))
    before = after
    trickler = slowhttp.Slow(slowhttp.connect(CP, PORT, B), 'head')
    time.sleep(0.8)     # past full-wait
    check(not trickler.step() and all(s.step() for s in herd[1:8]),
          'a 5th connection from B without its whole head is refused, closing no one')
    after = rest_stats()
    check(after['refused_full'] - before['refused_full'] == 1,
          'refused_full counts it', (before, after))
    before = after
    fifth = slowhttp.Slow(slowhttp.connect(CP, PORT, B), 'body')
    time.sleep(0.1)
    states = [s.step() for s in herd[1:8]]
    check(states == [True] * 3 + [False] + [True] * 3,
          'a 5th connection from B with its whole head closes B\'s oldest, none of A\'s',
          states)
    after = rest_stats()
    check(after['evicted_address_full'] - before['evicted_address_full'] == 1 and
          after['evicted_full'] == before['evicted_full'],
          'evicted_address_full counts it', (before, after))
    return herd[1:4] + herd[5:8] + [fifth]


def reload_per_address(herd):
    check(reload(conf(2), 1), 'SIGHUP: max-connections-per-address 2 reloaded')
    before = rest_stats()
    extra = slowhttp.Slow(slowhttp.connect(CP, PORT, A), 'body')
    time.sleep(0.1)
    states = [s.step() for s in herd]
    check(states == [False, False] + [True] * 5, 'the next connection from A closes A\'s 2 '
          'oldest: A keeps 2, B its 4', states)
    after = rest_stats()
    check(after['evicted_address_full'] - before['evicted_address_full'] == 2 and
          after['evicted_full'] == before['evicted_full'],
          'evicted_address_full counts the 2 closed', (before, after))
    check('rest.max-connections-per-address' not in lab.log('cp'),
          'the reload applies it (no "not applied" warning)')
    extra.close()


def metrics_agree():
    text = Api(CP, TOKEN, port=PORT)('GET', '/metrics')[1]
    stats = rest_stats()
    for name in ('closed_header_deadline', 'closed_body_deadline', 'evicted_full',
                 'evicted_address_full', 'refused_full', 'connections_accepted'):
        line = 'lispgw_rest_%s_total ' % name
        got = [ln for ln in text.splitlines() if ln.startswith(line)]
        check(got and int(float(got[0].split()[1])) <= stats[name],
              f'/metrics has {line.strip()}', got)


lab.start('cp', conf(4), CP)
check(api.ready(), 'REST answers')
clients_that_close()
herd = full_table()
reload_per_address(herd)
for s in herd:
    s.close()
deadlines()
metrics_agree()
if checks.failures:
    print(lab.log('cp')[-3000:])
checks.exit()
