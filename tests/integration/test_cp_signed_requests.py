#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Signed Map-Requests (draft-ietf-lisp-ecdsa-auth; docs/ecdsa.md, "Signed
Map-Requests"; docs/security.md, "Map-Requests that prove who asks"),
lispgw-cp daemons on loopback 127.97.0.x:
  - a Map-Server + Map-Resolver with map-resolver.signed-requests: required;
    an ETR registers the crypto-EID of a key (etr.database[].ecdsa-key),
    which publishes the key under its hash-EID, and a plain EID prefix;
  - lispgw-ctl lig --ecdsa-key with that key is answered, counted
    requests_authenticated and requests_verified; without a key, or with a
    key nobody registered, it gets no answer (signed_refused_unsigned,
    signed_refused_no_key);
  - an ITR with itr.ecdsa-key resolves through it: its Map-Requests are
    signed (requests_signed) and its map-cache fills;
  - signed-verify-per-signer: 1 (a burst of 2): a burst of signed ligs
    beyond it is refused signed_verify_limited;
  - every counter in /api/v1/stats and /metrics."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.ecdsa import ctl_keygen   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402
from lispgwlab.loopback import CTL, Lab   # noqa: E402

lab = Lab(block=97)
MS, X1, X2 = lab.ip(1), lab.ip(2), lab.ip(3)
TOKEN = 'integration-token-0123456789'
checks = Checks('signed-requests')
check = checks.check


def keygen(name):
    return ctl_keygen(CTL, lab.dir, name, check)


def mr_stats(host=MS):
    st, b = Api(host, TOKEN)('GET', '/api/v1/stats')
    return b if st == 200 else {}


def lig(eid, *extra, timeout_ms=1500):
    out = subprocess.run([CTL, 'lig', eid, '--mr', MS, '--json', '--timeout', str(timeout_ms)] +
                         list(extra), capture_output=True, text=True, timeout=30)
    lines = out.stdout.strip().splitlines()
    return out.returncode, [json.loads(x) for x in lines if x.startswith('{')]


def locators(replies):
    return [x.get('rloc') for r in replies for rec in r.get('records', [])
            for x in rec.get('locators', [])]


key_path, agent = keygen('agent')
stranger_path, _ = keygen('stranger')
EID = agent['crypto-eid']

lab.start('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  sites:
    - {name: agents, key-id: 2, key: "site-key", auth: both,
       crypto-eid-prefixes: ["[1000]fd00::/8"], eid-prefixes: ["[1000]10.20.0.0/16"],
       accept-more-specifics: true}
map-resolver:
  signed-requests: required
  signed-verify-per-signer: 1
""" % (MS, MS, TOKEN), MS)
Api(MS, TOKEN).ready()

lab.start('x1', """
roles: [etr]
xtr-id: "%s"
listen: {addresses: [%s]}
etr:
  register-interval: 1s
  proxy-reply: true
  map-servers: [{address: %s, key-id: 2, key: "site-key"}]
  database:
    - eid-prefix: "%s/128"
      ecdsa-key: "%s"
      rlocs: [{address: %s}]
    - {eid-prefix: "[1000]10.20.1.0/24", rlocs: [{address: %s}]}
""" % ('0' * 31 + '1', X1, MS, EID, key_path, X1, X1), X1)
deadline = time.time() + 5
while time.time() < deadline and mr_stats().get('map_server', {}).get('ecdsa_signatures_verified', 0) < 1:
    time.sleep(0.1)
time.sleep(0.3)

rc, r = lig('[1000]10.20.1.5', '--ecdsa-key', key_path)
check(rc == 0 and X1 in locators(r), 'a signed lig is answered (%s)' % X1, r)
m = mr_stats().get('map_resolver', {})
check(m.get('requests_authenticated') == 1 and m.get('requests_verified') == 1,
      'counted requests_authenticated and requests_verified', m)

rc, r = lig('[1000]10.20.1.5', timeout_ms=700)
m = mr_stats().get('map_resolver', {})
check(rc != 0 and not locators(r) and m.get('signed_refused_unsigned') == 1,
      'an unsigned lig gets no answer under required (signed_refused_unsigned)', m)
rc, r = lig('[1000]10.20.1.5', '--ecdsa-key', stranger_path, timeout_ms=700)
m = mr_stats().get('map_resolver', {})
check(rc != 0 and m.get('signed_refused_no_key') == 1,
      'a key nobody registered gets no answer (signed_refused_no_key)', m)
check('no public key for the signer' in lab.log('ms'), 'the Map-Resolver logs why')

# An ITR signing with the same key (its crypto-EID is registered by x1).
lab.start('x2', """
roles: [itr]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
itr:
  map-resolvers: [{address: %s}]
  ecdsa-key: "%s"
""" % (X2, X2, TOKEN, MS, key_path), X2)
Api(X2, TOKEN).ready()
time.sleep(1.1)     # the signer's bucket refills
st, _ = Api(X2, TOKEN)('POST', '/api/v1/map-cache', {'eid': '[1000]10.20.1.77'})
check(st == 202, 'POST /api/v1/map-cache starts a resolution at the ITR')
deadline, entries = time.time() + 5, []
while time.time() < deadline and not entries:
    st, b = Api(X2, TOKEN)('GET', '/api/v1/map-cache')
    entries = [e for e in (b.get('entries') or b.get('map_cache') or []) if '10.20.1.0/24' in
               str(e.get('eid'))] if st == 200 else []
    time.sleep(0.1)
itr = mr_stats(X2).get('itr', {})
check(entries and itr.get('requests_signed', 0) >= 1,
      "the ITR's signed Map-Request is answered: its map-cache holds [1000]10.20.1.0/24", itr)
m = mr_stats().get('map_resolver', {})
check(m.get('requests_authenticated', 0) >= 2, 'the ITR was authenticated', m)

# signed-verify-per-signer: 1, burst 2: four signed ligs at once.
time.sleep(2.1)
lig('[1000]10.20.1.5', '--ecdsa-key', key_path, '--count', '4', timeout_ms=150)
m = mr_stats().get('map_resolver', {})
check(m.get('signed_verify_limited', 0) >= 1,
      'signed-verify-per-signer: a burst past the signer\'s share is refused', m)

st, text = Api(MS, TOKEN)('GET', '/metrics')
names = ['requests_authenticated', 'signed_refused_malformed', 'signed_refused_no_key',
         'signed_refused_key_mismatch', 'signed_refused_signature', 'signed_refused_replayed',
         'signed_refused_unsigned', 'signed_verify_limited']
missing = [n for n in names if 'lispgw_map_resolver_%s_total' % n not in str(text)]
check(st == 200 and not missing, '/metrics has every signed-request counter', missing)
checks.exit()
