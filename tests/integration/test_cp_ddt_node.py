#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""LISP-DDT nodes (RFC 8111, docs/ddt.md) on loopback, block 127.87.0.x:

  root    authoritative for [1]10/8, [2]10/8 and [1]2001:db8::/32;
          [1]10.1/16 -> child1 (two referrals), [2]10.0/9 and
          [1]2001:db8:1::/48 -> child2
  child1  authoritative for [1]10.1/16; /24s to two Map-Servers
  child2  authoritative for [2]10.0/9 and [1]2001:db8:1::/48; to Map-Servers

Python plays the DDT Map-Resolver: it sends D-bit ECMs (lispgwlab.wire) and
follows the hierarchy, checking every Map-Referral's action, prefix,
referral set, TTL, Incomplete bit and nonce, and that it came back to the
socket that asked.  tshark decodes the same packets and must agree.  Also:
a non-DDT ECM is dropped and counted; SIGHUP swaps child1's delegations
(a bad file changes nothing); GET /api/v1/ddt/delegations and
`lispgw-ctl show ddt-node`; a flood from one source and from many is
bounded by the per-source and global limits, every drop counted."""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import tshark, wire   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import CTL, Lab   # noqa: E402
from lispgwlab.rest import Api, spec   # noqa: E402

lab = Lab(block=87)
ROOT, C1, C2, C1B = lab.ip(1), lab.ip(2), lab.ip(3), lab.ip(4)
MS1, MS2, MS3, MS4 = lab.ip(11), lab.ip(12), lab.ip(13), lab.ip(14)
MR = lab.ip(50)
TOKEN = 'ddt-integration-token-0123456789'
checks = Checks('ddt-node integration')
check = checks.check

ROOT_CONF = """
roles: [ddt-node]
listen: {addresses: [%(root)s]}
rest: {address: %(root)s, token: "%(tok)s"}
ddt-node:
  authoritative-prefixes: ["[1]10.0.0.0/8", "[2]10.0.0.0/8", "[1]2001:db8::/32"]
  rate-limit: {requests-per-second: %(rate)d, burst: %(rate)d}
  global-rate-limit: {per-second: %(grate)d, burst: %(grate)d}
  delegations:
    - eid-prefix: "[1]10.1.0.0/16"
      type: ddt-node
      referrals:
        - {address: %(c1)s, priority: 1, weight: 60}
        - {address: %(c1b)s, priority: 2, weight: 40}
    - eid-prefix: "[2]10.0.0.0/9"
      type: ddt-node
      referrals: [{address: %(c2)s}]
    - eid-prefix: "[1]2001:db8:1::/48"
      type: ddt-node
      referrals: [{address: %(c2)s}]
"""
C1_CONF = """
roles: [ddt-node]
listen: {addresses: [%(c1)s]}
rest: {address: %(c1)s, token: "%(tok)s"}
ddt-node:
  authoritative-prefixes: ["[1]10.1.0.0/16"]
  delegation-hole-ttl: %(hole)s
  delegations:
    - eid-prefix: "[1]10.1.1.0/24"
      type: map-server
      referrals: [{address: %(ms1)s, priority: 1, weight: 100}]
    - eid-prefix: "[1]10.1.2.0/24"
      type: map-server
      referrals: [{address: %(ms2)s}]
%(extra)s"""
C2_CONF = """
roles: [ddt-node]
listen: {addresses: [%(c2)s]}
ddt-node:
  authoritative-prefixes: ["[2]10.0.0.0/9", "[1]2001:db8:1::/48"]
  referral-ttl: 2h
  delegations:
    - eid-prefix: "[2]10.2.0.0/16"
      type: map-server
      referrals: [{address: %(ms3)s, priority: 1, weight: 100}]
    - eid-prefix: "[1]2001:db8:1:1::/64"
      type: map-server
      referrals: [{address: "2001:db8::13", priority: 3, weight: 7}]
"""
EXTRA = """    - eid-prefix: "[1]10.1.3.0/24"
      type: map-server
      referrals: [{address: %s}]
""" % MS4
V = dict(root=ROOT, c1=C1, c1b=C1B, c2=C2, ms1=MS1, ms2=MS2, ms3=MS3, tok=TOKEN, rate=200,
         grate=1000, hole='15m', extra='')

pcap = os.path.join(lab.dir, 'ddt.pcap')
cap = tshark.Capture(pcap, 'lo', 'udp and net 127.87.0.0/16') if tshark.path() else None
check(cap is None or cap.started, 'tshark captures on lo', cap and cap.errors())

lab.start('root', ROOT_CONF % V, ROOT)
lab.start('child1', C1_CONF % V, C1)
lab.start('child2', C2_CONF % V, C2)
mr = lab.udp(MR)
NONCES = iter(range(0x0dd70000, 0x0dd80000))
asked = []      # (nonce, node, referral record) for tshark


def ask(node, iid, eid, ddt=True, sock=mr):
    """One DDT Map-Request to node for [iid]eid; the Map-Referral's record,
    or None when nothing came back."""
    nonce = next(NONCES)
    plen = 128 if ':' in eid else 32
    req = wire.map_request(iid, eid, plen, sock.getsockname()[0], nonce)
    sock.sendto(wire.ecm(req, sock.getsockname()[0], node, sock.getsockname()[1], ddt=ddt),
                (node, 4342))
    try:
        msg, frm = sock.recvfrom(4096)
    except socket.timeout:
        return None
    got_nonce, recs = wire.parse_map_referral_sets(msg)
    check(frm == (node, 4342) and got_nonce == nonce and len(recs) == 1,
          'Map-Referral from %s:4342 to the asking socket, nonce %#x, one record' % (node, nonce),
          (frm, got_nonce, recs))
    asked.append((nonce, node, recs[0]))
    return recs[0]


def expect(node, iid, eid, action, prefix, plen, ttl, refs=(), incomplete=False):
    r = ask(node, iid, eid)
    want = dict(iid=iid, prefix=prefix, plen=plen, ttl=ttl, action=action,
                auth=not incomplete, incomplete=incomplete, referrals=list(refs))
    check(r == want, '%s answers [%d]%s: %s [%d]%s/%d TTL %d' % (
        node, iid, eid, action, iid, prefix, plen, ttl), (r, want))
    return r


# ---- following the hierarchy, as a DDT Map-Resolver does ------------------
r = expect(ROOT, 1, '10.1.1.5', 'node-referral', '10.1.0.0', 16, 1440,
           [(C1, 1, 60), (C1B, 2, 40)])
expect(r['referrals'][0][0], 1, '10.1.1.5', 'ms-referral', '10.1.1.0', 24, 1440,
       [(MS1, 1, 100)])
expect(C1, 1, '10.1.2.200', 'ms-referral', '10.1.2.0', 24, 1440, [(MS2, 1, 100)])
# Holes: the least-specific prefix inside the authority with no delegation.
expect(C1, 1, '10.1.200.1', 'delegation-hole', '10.1.128.0', 17, 15)
expect(C1, 1, '10.1.0.9', 'delegation-hole', '10.1.0.0', 24, 15)
expect(ROOT, 1, '10.200.0.1', 'delegation-hole', '10.128.0.0', 9, 15)
expect(ROOT, 2, '10.200.0.1', 'delegation-hole', '10.128.0.0', 9, 15)
# Not authoritative: the original requested EID, TTL 0, Incomplete (RFC 8111 6).
expect(C1, 1, '10.2.0.1', 'not-authoritative', '10.2.0.1', 32, 0, incomplete=True)
expect(C1, 2, '10.1.1.5', 'not-authoritative', '10.1.1.5', 32, 0, incomplete=True)
expect(ROOT, 1, '11.0.0.1', 'not-authoritative', '11.0.0.1', 32, 0, incomplete=True)
# The second IID and IPv6 EIDs, through child2 (referral TTL 2h).
r = expect(ROOT, 2, '10.2.3.4', 'node-referral', '10.0.0.0', 9, 1440, [(C2, 1, 100)])
expect(C2, 2, '10.2.3.4', 'ms-referral', '10.2.0.0', 16, 120, [(MS3, 1, 100)])
expect(ROOT, 1, '2001:db8:1:1::5', 'node-referral', '2001:db8:1::', 48, 1440, [(C2, 1, 100)])
expect(C2, 1, '2001:db8:1:1::5', 'ms-referral', '2001:db8:1:1::', 64, 120,
       [('2001:db8::13', 3, 7)])
expect(C2, 1, '2001:db8:1:8000::1', 'delegation-hole', '2001:db8:1:8000::', 49, 15)
expect(ROOT, 1, '2001:db9::1', 'not-authoritative', '2001:db9::1', 128, 0, incomplete=True)

# A non-DDT ECM: a DDT node has no Map-Reply to give; dropped, counted.
check(ask(ROOT, 1, '10.1.1.5', ddt=False) is None, 'a non-DDT ECM gets no answer')
st = Api(ROOT, TOKEN)('GET', '/api/v1/stats')[1].get('ddt_node', {})
check(st.get('requests_not_ddt') == 1 and st.get('node_referrals') == 3 and
      st.get('delegation_holes') == 2 and st.get('not_authoritative') == 2 and
      st.get('referrals_sent') == 7 and st.get('delegations') == 3,
      'root counted 3 node referrals, 2 holes, 2 not-authoritative, 1 non-DDT', st)
metrics = Api(ROOT, TOKEN)('GET', '/metrics')[1]
check('lispgw_ddt_node_requests_not_ddt' in str(metrics) and
      'lispgw_ddt_node_delegations 3' in str(metrics),
      '/metrics exports the DDT node counters', str(metrics)[:300])

# ---- tshark decodes the same Map-Referrals --------------------------------
if cap:
    time.sleep(0.3)
    cap.stop()
    F = ['lisp.nonce', 'lisp.mapping.act', 'lisp.mapping.ttl', 'lisp.referral.incomplete',
         'lisp.mapping.eid.masklen', 'lisp.mapping.eid.ipv4', 'lisp.mapping.eid.ipv6',
         'lisp.lcaf.iid', 'lisp.lcaf.iid.ipv4', 'lisp.lcaf.iid.ipv6', 'lisp.loc.locator', 'lisp.loc.priority', 'lisp.loc.weight']
    got = {}
    for row in tshark.rows('tshark', pcap, F + ['lisp.type']):
        if row['lisp.type'] == ['6'] and row['lisp.nonce']:
            got[int(row['lisp.nonce'][0], 16)] = row
    acts = {a: i for i, a in enumerate(wire.REFERRAL_ACTIONS)}
    for nonce, node, rec in asked:
        row = got.get(nonce, {})
        fam = 'ipv6' if ':' in rec['prefix'] else 'ipv4'
        # Inside an IID LCAF (RFC 8060 4.1) Wireshark names the address apart.
        eid = row.get('lisp.mapping.eid.' + fam) or row.get('lisp.lcaf.iid.' + fam, [])
        iid = row.get('lisp.lcaf.iid', ['0'])
        want = ([str(acts[rec['action']])], [str(rec['ttl'])], ['1' if rec['incomplete'] else '0'],
                [str(rec['plen'])], [rec['prefix']], [str(rec['iid'])],
                [a for a, _, _ in rec['referrals']], [str(p) for _, p, _ in rec['referrals']],
                [str(w) for _, _, w in rec['referrals']])
        have = (row.get('lisp.mapping.act'), row.get('lisp.mapping.ttl'),
                row.get('lisp.referral.incomplete'), row.get('lisp.mapping.eid.masklen'), eid,
                iid or ['0'], row.get('lisp.loc.locator', []), row.get('lisp.loc.priority', []),
                row.get('lisp.loc.weight', []))
        check(have == want, 'tshark agrees on nonce %#x from %s' % (nonce, node), (have, want))

# ---- REST and lispgw-ctl ---------------------------------------------------
st, body = Api(C1, TOKEN)('GET', '/api/v1/ddt/delegations')
check(st == 200 and body.get('authoritative_prefixes') == ['[1]10.1.0.0/16'] and
      [d['eid_prefix'] for d in body.get('delegations', [])] ==
      ['[1]10.1.1.0/24', '[1]10.1.2.0/24'] and
      body['delegations'][0]['referrals'] == [{'address': MS1, 'priority': 1, 'weight': 100}] and
      body['delegations'][0]['referrals_sent'] == 1 and
      body.get('ttl_minutes') == {'referral': 1440, 'delegation_hole': 15, 'not_authoritative': 0},
      'GET /api/v1/ddt/delegations on child1', body)
for path, b in (('/api/v1/ddt/delegations', body),
                ('/api/v1/stats', Api(C1, TOKEN)('GET', '/api/v1/stats')[1])):
    sp = spec()
    errs = sp.validate(b, sp.response_schema(sp.operation(path, 'GET'), 200))
    check(not errs, 'GET %s matches docs/openapi.yaml' % path, errs)
out = subprocess.run([CTL, '--api', 'http://%s:8080' % C1, '--token', TOKEN, 'show',
                      'ddt-node'], capture_output=True, text=True, timeout=10).stdout
check('[1]10.1.1.0/24' in out and 'map-server' in out and MS2 in out,
      'lispgw-ctl show ddt-node lists the delegations', out)

# ---- SIGHUP: the delegations swapped whole ----------------------------------
lab.write('child1', C1_CONF % dict(V, hole='5m', extra=EXTRA))
lab.signal('child1', signal.SIGHUP)
check(wait_for(lambda: len(Api(C1, TOKEN)('GET', '/api/v1/ddt/delegations')[1]
                          .get('delegations', [])) == 3, 5),
      'SIGHUP: child1 has 3 delegations')
expect(C1, 1, '10.1.3.9', 'ms-referral', '10.1.3.0', 24, 1440, [(MS4, 1, 100)])
expect(C1, 1, '10.1.200.1', 'delegation-hole', '10.1.128.0', 17, 5)
lab.write('child1', C1_CONF % dict(V, extra='    - eid-prefix: "[1]10.9.0.0/16"\n'
                                              '      type: ddt-node\n'
                                              '      referrals: [{address: %s}]\n' % MS4))
lab.signal('child1', signal.SIGHUP)
check(wait_for(lambda: 'is not a more-specific prefix' in lab.log('child1'), 5),
      'a bad SIGHUP names the key and line', lab.log('child1')[-400:])
expect(C1, 1, '10.1.3.9', 'ms-referral', '10.1.3.0', 24, 1440, [(MS4, 1, 100)])

# ---- floods: bounded and counted ---------------------------------------------
lab.stop('root')
lab.start('root', ROOT_CONF % dict(V, rate=20, grate=50), ROOT)
flood = lab.udp(lab.ip(51))
flood.settimeout(0.05)
req = wire.ecm(wire.map_request(1, '10.1.1.5', 32, lab.ip(51), 7), lab.ip(51), ROOT,
               flood.getsockname()[1], ddt=True)
t0 = time.time()
for _ in range(1000):
    flood.sendto(req, (ROOT, 4342))
elapsed = time.time() - t0
answers = 0
try:
    while True:
        flood.recvfrom(4096)
        answers += 1
except socket.timeout:
    pass
st = Api(ROOT, TOKEN)('GET', '/api/v1/stats')[1].get('ddt_node', {})
# What the kernel let through was either answered or counted, nothing else.
check(answers <= 20 + 20 * (elapsed + 1) and st.get('referrals_sent') == answers and
      st.get('requests_rate_limited', 0) + answers == st.get('requests_received') and
      st.get('requests_received', 0) >= 900,
      'one source flooding 1000 requests: %d answers in %.2fs (20/s, burst 20), the rest '
      'counted requests_rate_limited' % (answers, elapsed), st)
before = st
socks = [lab.udp(lab.ip(100 + i)) for i in range(100)]
t0 = time.time()
for s in socks:
    m = wire.ecm(wire.map_request(1, '10.1.1.5', 32, s.getsockname()[0], 9),
                 s.getsockname()[0], ROOT, s.getsockname()[1], ddt=True)
    for _ in range(5):
        s.sendto(m, (ROOT, 4342))
elapsed = time.time() - t0
time.sleep(0.3)
st = Api(ROOT, TOKEN)('GET', '/api/v1/stats')[1].get('ddt_node', {})
sent = st.get('referrals_sent', 0) - before['referrals_sent']
limited = st.get('referrals_global_limited', 0)
received = st.get('requests_received', 0) - before['requests_received']
check(sent <= 50 + 50 * (elapsed + 1) and limited >= 1 and sent + limited == received and
      received >= 450 and st.get('requests_rate_limited') == before['requests_rate_limited'],
      '100 sources x 5 requests: %d Map-Referrals (global 50/s, burst 50), %d counted '
      'referrals_global_limited' % (sent, limited), st)
check(lab.procs['root'].poll() is None, 'the root survived the floods')

lab.close()
checks.exit()
