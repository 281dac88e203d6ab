#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The DDT Map-Resolver (RFC 8111 section 7.3, docs/ddt.md) on loopback:
one lispgw-cp with map-resolver.ddt.roots, and python sockets playing the
LISP-DDT hierarchy with Map-Referrals built in python (lispgwlab.wire):

  root   127.93.0.2  [1]10.0.0.0/8 -> NODE-REFERRAL to child; else a hole
  child  127.93.0.3  [1]10.1.0.0/16 -> MS-REFERRAL {ms1 prio 1, ms2 prio 2};
                     [1]10.99.0.0/16 -> NODE-REFERRAL back to the root (loop)
  ms1    127.93.0.4  10.1.2.3: MS-ACK, and answers the ITR as its ETR;
                     10.1.7.7: MS-NOT-REGISTERED; 10.1.5.5: silent;
                     10.1.8.8: silent, a stranger sends MS-ACK for it
  ms2    127.93.0.5  MS-ACK (+ the ETR's Map-Reply) or MS-NOT-REGISTERED
  ITR    127.93.0.10 sends Encapsulated Map-Requests to the DDT-MR

Shown: each DDT Map-Request is an ECM with the D bit carrying the ITR's
Map-Request (its nonce); MS-ACK ends with the ETR's answer; a delegation
hole and MS-NOT-REGISTERED (after both Map-Servers) give negative replies
with the referral's prefix and TTL; a silent Map-Server is failed over by
priority; a stranger's MS-ACK is counted and ignored; a referral loop is
counted and answered negatively; the warm cache skips the root; REST and
`lispgw-ctl show referral-cache` show the cache; `lispgw-ctl lig` through
the DDT-MR and `lig --trace` against the same fakes."""
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import wire   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.loopback import CTL, Lab, recv   # noqa: E402
from lispgwlab import rest as restlab   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=93)
MR, ROOT, CHILD, MS1, MS2, STRANGER, ITR = (lab.ip(i) for i in (1, 2, 3, 4, 5, 6, 10))
ETR_RLOC = '192.0.2.10'
TOKEN = 'integration-token-0123456789'
checks = Checks('ddt-mr integration')
check = checks.check
failures = checks.failures

seen = []       # (node, ddt bit, inner nonce, eid) of every DDT Map-Request
socks = {n: lab.udp(a, 4342) for n, a in
         (('root', ROOT), ('child', CHILD), ('ms1', MS1), ('ms2', MS2), ('stranger', STRANGER))}
stop = threading.Event()


def answer_itr(req_nonce, itr, sport, eid):
    """The ETR's Map-Reply, straight to the ITR (RFC 9301 8.2)."""
    rec = wire.record(1, eid, 32, [(ETR_RLOC, 1, 100)])
    msg = struct_reply(req_nonce, [rec])
    socks['ms1'].sendto(msg, (itr, sport))


def struct_reply(nonce, recs):
    import struct
    return struct.pack('!IQ', (2 << 28) | len(recs), nonce) + b''.join(recs)


def referral(name, to, nonce, rec):
    socks[name].sendto(wire.map_referral(nonce, [rec]), to)


def behave(name, src, msg):
    ddt, _isrc, _idst, sport, _dport, inner = wire.parse_ecm(msg)
    nonce, itr, iid, eid, _plen = wire.parse_map_request_eid(inner)
    seen.append((name, ddt, nonce, eid))
    a, b, c, _d = (int(x) for x in eid.split('.'))
    if name == 'root':
        if iid == 1 and a == 10:
            referral(name, src, nonce, wire.referral_record(1, '10.0.0.0', 8, wire.REF_NODE,
                                                            [(CHILD, 1, 100)]))
        else:
            referral(name, src, nonce, wire.referral_record(iid, '192.168.0.0', 16,
                                                            wire.REF_HOLE, ttl=15))
    elif name == 'child':
        if b == 99:
            referral(name, src, nonce, wire.referral_record(1, '10.99.0.0', 16, wire.REF_NODE,
                                                            [(ROOT, 1, 100)]))
        else:
            referral(name, src, nonce, wire.referral_record(
                1, '10.1.0.0', 16, wire.REF_MS, [(MS2, 2, 100), (MS1, 1, 100)]))
    elif name == 'ms1':
        if c == 2:
            referral(name, src, nonce, wire.referral_record(1, eid, 32, wire.REF_MS_ACK))
            answer_itr(nonce, itr, sport, eid)
        elif c == 7:
            referral(name, src, nonce, wire.referral_record(1, '10.1.7.0', 24,
                                                            wire.REF_MS_NOT_REGISTERED, ttl=1))
        elif c == 8:    # someone not asked claims it
            referral('stranger', src, nonce, wire.referral_record(1, eid, 32, wire.REF_MS_ACK))
        # c == 5: silent
    elif name == 'ms2':
        if c == 7:
            referral(name, src, nonce, wire.referral_record(1, '10.1.7.0', 24,
                                                            wire.REF_MS_NOT_REGISTERED, ttl=1))
        else:
            referral(name, src, nonce, wire.referral_record(1, eid, 32, wire.REF_MS_ACK))
            socks['ms2'].sendto(struct_reply(nonce, [wire.record(1, eid, 32,
                                                                 [(ETR_RLOC, 1, 100)])]),
                                (itr, sport))


def serve():
    names = {s: n for n, s in socks.items()}
    while not stop.is_set():
        r, _, _ = select.select(list(names), [], [], 0.1)
        for s in r:
            msg, src = s.recvfrom(65535)
            try:
                behave(names[s], src, msg)
            except Exception as e:     # a bad message is the test's failure
                check(False, 'fake %s handled a message' % names[s], e)


threading.Thread(target=serve, daemon=True).start()
MR_CONF = """
roles: [map-resolver]
listen: {addresses: [%(mr)s]}
rest: {address: %(mr)s, token: "%(tok)s"}
map-resolver:
  ddt:
    roots: [{address: %(root)s}]
    request-timeout: 300ms
    retries: 1
    max-depth: 6
    negative-ttl-min: 1m
    negative-ttl-max: 1h
    # Each step below asks the members in order, ms1 first even after it
    # fell silent in step 5 (the hold is dp-ddt-federation's and
    # unit-ddt_mr's): 0 turns it off.
    unresponsive-hold: 0s
"""
lab.start('mr', MR_CONF % dict(mr=MR, root=ROOT, tok=TOKEN), MR)
itr = lab.udp(ITR)
nonces = iter(range(0x5000, 0x6000))


def ask(eid, iid=1):
    """The ITR's Map-Request through the DDT-MR: (nonce, [(from, records)])."""
    n = next(nonces)
    sport = itr.getsockname()[1]
    itr.sendto(wire.ecm(wire.map_request(iid, eid, 32, ITR, n), ITR, eid, sport), (MR, 4342))
    got = recv(itr, 3.0)
    if not got:
        return n, None, None
    msg, frm = got
    rn, recs = wire.parse_map_reply(msg)
    return n, frm[0] if rn == n else 'wrong nonce', recs


def api(path):
    return Api(MR, TOKEN)('GET', path)


def counters():
    st, b = api('/api/v1/ddt/referral-cache')
    return b.get('counters', {}) if st == 200 else {}


# 1. root -> child -> ms1: MS-ACK, the ETR answers the ITR.
n, frm, recs = ask('10.1.2.3')
check(frm == MS1 and recs and recs[0][5] and recs[0][5][0][0] == ETR_RLOC,
      'MS-ACK: the ETR (ms1) answers the ITR with its RLOC', (frm, recs))
hops = [(s[0], s[1], s[2]) for s in seen if s[2] == n]
check(hops == [('root', True, n), ('child', True, n), ('ms1', True, n)],
      'the walk: root, child, ms1, each an ECM with the D bit and the ITR\'s nonce', hops)
c = counters()
check(c.get('ms_acks') == 1 and c.get('node_referrals') == 1 and c.get('ms_referrals') == 1 and
      c.get('requests_done') == 1, 'counted: one node referral, one MS referral, one MS-ACK', c)

# 2. Warm cache: the next EID of the /16 goes straight to ms1.
del seen[:]
n, frm, recs = ask('10.1.2.4')
check(frm == MS1 and [s[0] for s in seen] == ['ms1'],
      'warm referral cache: straight to the Map-Server', [s[0] for s in seen])

# 3. MS-NOT-REGISTERED from both Map-Servers: negative, the referral's prefix and TTL.
del seen[:]
n, frm, recs = ask('10.1.7.7')
check(frm == MR and recs and recs[0][1:4] == ('10.1.7.0', 24, 1) and not recs[0][5] and
      recs[0][4] == 2, 'MS-NOT-REGISTERED from both: negative [1]10.1.7.0/24, 1 min, '
      'send-map-request', recs)
check([s[0] for s in seen] == ['ms1', 'ms2'], 'the other Map-Server was asked by priority',
      [s[0] for s in seen])

# 4. Delegation hole at the root.
n, frm, recs = ask('192.168.1.1')
check(frm == MR and recs and recs[0][1:4] == ('192.168.0.0', 16, 15) and recs[0][4] == 1,
      'DELEGATION-HOLE: negative [1]192.168.0.0/16, 15 min, natively-forward', recs)

# 5. A silent Map-Server: fail-over to the next by priority after the timeout.
del seen[:]
n, frm, recs = ask('10.1.5.5')
check(frm == MS2 and [s[0] for s in seen] == ['ms1', 'ms2'],
      'silent ms1: after request-timeout, ms2 (priority 2) answers', (frm, seen))

# 6. An MS-ACK from an address not asked: counted, ignored.
n, frm, recs = ask('10.1.8.8')
c = counters()
check(frm == MS2 and c.get('referral_wrong_sender', 0) >= 1,
      'a stranger\'s MS-ACK is counted (referral_wrong_sender) and ignored', (frm, c))

# 7. A loop: the child refers back to the root.
n, frm, recs = ask('10.99.1.1')
c = counters()
check(frm == MR and recs and recs[0][1:3] == ('10.99.1.1', 32) and recs[0][4] == 2 and
      c.get('referral_loops') == 1, 'referral loop: counted, negative reply', (recs, c))

# 8. REST and lispgw-ctl show referral-cache.
st, b = api('/api/v1/ddt/referral-cache')
cached = {(e['prefix'], e['action']) for e in b.get('entries', [])}
check(st == 200 and {('[1]10.0.0.0/8', 'node-referral'), ('[1]10.1.0.0/16', 'ms-referral'),
                     ('[1]10.1.7.0/24', 'ms-not-registered'),
                     ('[1]192.168.0.0/16', 'delegation-hole')} <= cached and
      b['roots'][0]['address'] == ROOT, 'REST: the referral cache and the root', b)
out = subprocess.run([CTL, '--api', 'http://%s:8080' % MR, '--token', TOKEN, 'show',
                      'referral-cache'], capture_output=True, text=True, timeout=20)
check(out.returncode == 0 and '[1]10.1.0.0/16' in out.stdout and 'ms-referral' in out.stdout and
      MS1 in out.stdout and '(roots)' in out.stdout,
      'lispgw-ctl show referral-cache', out.stdout + out.stderr)

class MrApi:    # what lispgwlab.rest.call needs of a daemon
    ip, port, token, name = MR, 8080, TOKEN, 'mr'


restlab.call(MrApi, 'GET', '/api/v1/ddt/referral-cache', expect=200)
restlab.call(MrApi, 'GET', '/api/v1/ddt/referral-cache', query={'eid': 'x'}, expect=400,
             field='eid')
check(not restlab.failures, 'the answers validate against docs/openapi.yaml', restlab.failures)
st, b = api('/api/v1/ddt/referral-cache?eid=' + '%5B1%5D10.1.9.9')
check(st == 200 and [e['prefix'] for e in b['entries']] == ['[1]10.1.0.0/16'],
      'REST ?eid=: the longest match only', b)

# 9. lispgw-ctl lig through the DDT Map-Resolver, and lig --trace from the root.
rep = lab.lig('[1]10.1.2.3', MR)
check(rep.get('from') == MS1 and rep['records'][0]['locators'][0]['rloc'] == ETR_RLOC,
      'lig through the DDT-MR: the ETR answers', rep)
out = subprocess.run([CTL, 'lig', '[1]10.1.2.3', '--trace', ROOT, '--json', '--timeout', '1000'],
                     capture_output=True, text=True, timeout=20)
lines = [json.loads(x) for x in out.stdout.splitlines() if x.startswith('{')]
check(out.returncode == 0 and [(x.get('node'), x.get('action'), x.get('prefix'))
                               for x in lines[:3]] ==
      [(ROOT, 'node-referral', '[1]10.0.0.0/8'), (CHILD, 'ms-referral', '[1]10.1.0.0/16'),
       (MS1, 'ms-ack', '[1]10.1.2.3/32')] and
      {r['address'] for r in lines[1]['referral_set']} == {MS1, MS2} and
      lines[-1].get('from') == MS1, 'lig --trace: root, child, ms1 hops, then the answer',
      out.stdout + out.stderr)
out = subprocess.run([CTL, 'lig', '[1]10.99.1.1', '--trace', ROOT, '--timeout', '500'],
                     capture_output=True, text=True, timeout=20)
check(out.returncode != 0 and 'loop' in out.stdout, 'lig --trace stops at the loop',
      out.stdout + out.stderr)

# 10. A reload that changes map-resolver.ddt: the new root, an empty cache.
lab.write('mr', MR_CONF % dict(mr=MR, root=CHILD, tok=TOKEN))
lab.signal('mr', signal.SIGHUP)
deadline = time.time() + 5
while time.time() < deadline:
    st, b = api('/api/v1/ddt/referral-cache')
    if st == 200 and b['roots'][0]['address'] == CHILD:
        break
    time.sleep(0.1)
check(st == 200 and b['roots'][0]['address'] == CHILD and b['total'] == 0,
      'SIGHUP with a new root: applied, the referral cache starts empty', b)
del seen[:]
n, frm, recs = ask('10.1.2.3')
check(frm == MS1 and [s[0] for s in seen] == ['child', 'ms1'],
      'after the reload the walk starts at the new root', seen)

stop.set()
if failures:
    print(lab.log('mr')[-3000:])
checks.exit()
