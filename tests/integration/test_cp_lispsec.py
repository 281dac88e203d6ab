#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""LISP-SEC (RFC 9303) end to end on loopback (docs/security.md "LISP-SEC"):
a Map-Server/Map-Resolver, an ETR, and an ITR that requires LISP-SEC, all
lispgw-cp:
  - a python ITR (tests/lib/lispgwlab/lispsec.py, python3-cryptography)
    sends LISP-SEC Map-Requests and checks every answer independently:
    signed by the ETR (site lisp-sec etr), by the Map-Server (lisp-sec
    proxy), a signed negative reply; and its checker refuses a wrong OTK;
  - lispgw-ctl lig --lisp-sec-key verifies the same answers, and refuses
    (exit 1) an unsigned answer from a python Map-Resolver;
  - the lispgw ITR resolves through a python relay that, seeing the
    request, first answers it itself with the right nonce and the
    attacker's RLOC (unsigned, then with made-up LISP-SEC data): both are
    dropped and counted (/api/v1/stats, /metrics), nothing is cached, and
    the genuine answer that follows is installed with the ETR's RLOC.
"""
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402
from lispgwlab import lispsec as ls   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.loopback import CTL, Lab, recv as recv_from   # noqa: E402

lab = Lab(block=71)
MS, ETR, ITR, RELAY, PY = lab.ip(1), lab.ip(2), lab.ip(3), lab.ip(4), lab.ip(5)
EVIL = lab.ip(66)
TOKEN = 'integration-token-0123456789'
K_MR = bytes(range(16))                     # ITRs <-> Map-Resolver
K_SITE = bytes(range(0xa0, 0xb0))           # Map-Server <-> the site's ETR
checks = Checks('cp-lispsec')
check = checks.check


def api(host, method, path, body=None):
    return Api(host, TOKEN)(method, path, body)


def stats(host, role):
    try:
        _, s = api(host, 'GET', '/api/v1/stats')
    except OSError:     # REST not listening yet
        return {}
    return s.get(role, {})


def cache_rlocs(eid):
    st, b = api(ITR, 'GET', '/api/v1/map-cache?eid=' + urllib.parse.quote(eid))
    if st != 200 or not b['entries']:
        return None
    return sorted(loc['address'] for loc in b['entries'][0].get('rlocs', []))


lab.start('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%(ms)s]}
rest: {address: %(ms)s, token: "%(token)s"}
map-resolver:
  lisp-sec-key: "%(kmr)s"
map-server:
  sites:
    - {name: signed, key: "tenant-key", eid-prefixes: ["[1]10.1.0.0/16"],
       lisp-sec: etr, lisp-sec-key: "%(ksite)s"}
    - {name: proxied, key: "other-key", eid-prefixes: ["[1]10.2.0.0/16"], lisp-sec: proxy}
""" % dict(ms=MS, token=TOKEN, kmr=K_MR.hex(), ksite=K_SITE.hex()), MS)
lab.start('etr', """
roles: [etr]
listen: {addresses: [%(etr)s]}
rest: {address: %(etr)s, token: "%(token)s"}
etr:
  register-interval: 2s
  proxy-reply: false
  map-servers: [{address: %(ms)s, key: "tenant-key", lisp-sec-key: "%(ksite)s"}]
  database:
    - {eid-prefix: "[1]10.1.0.0/16", rlocs: [{address: %(etr)s}]}
""" % dict(ms=MS, etr=ETR, token=TOKEN, ksite=K_SITE.hex()), ETR)
relay = lab.udp(RELAY, 4342)
lab.start('itr', """
roles: [itr]
listen: {addresses: [%(itr)s]}
rest: {address: %(itr)s, token: "%(token)s"}
itr:
  map-resolvers: [{address: %(relay)s}]
  map-request: {timeout: 2s}
  lisp-sec: required
  lisp-sec-key: "%(kmr)s"
""" % dict(itr=ITR, relay=RELAY, token=TOKEN, kmr=K_MR.hex()), ITR)
# Site "proxied": an ETR that asks for no proxy reply and cannot sign,
# played by python; lisp-sec proxy has the Map-Server answer for it.
lab.udp(lab.ip(6)).sendto(lw.map_register([lw.record(1, '10.2.0.0', 16, [(ETR, 1, 100)])],
                                          'other-key', 1, proxy=False), (MS, 4342))
deadline = time.time() + 5
while time.time() < deadline and stats(MS, 'map_server').get('registers_accepted', 0) < 2:
    time.sleep(0.1)

# ---- the python ITR: every answer checked by lispsec.py ----------------------
py = lab.udp(PY)


def recv(sock, timeout=2.0):
    got = recv_from(sock, timeout)
    return got[0] if got else None


def ask(eid, plen=32):
    otk = os.urandom(16)
    nonce = random.getrandbits(64) or 1
    req = lw.map_request(1, eid, plen, PY, nonce)
    py.sendto(ls.ecm(req, PY, eid, py.getsockname()[1], ls.ecm_ad(otk, K_MR)), (MS, 4342))
    msg = recv(py)
    return otk, nonce, msg


for eid, what, rloc in (('10.1.2.3', 'signed by the ETR (lisp-sec etr)', ETR),
                        ('10.2.2.3', 'signed by the Map-Server (lisp-sec proxy)', ETR),
                        ('10.9.9.9', 'negative, signed by the Map-Resolver', None)):
    otk, nonce, msg = ask(eid)
    try:
        got_nonce, recs, prefixes = ls.verify_reply(msg, otk) if msg else (None, [], [])
        ok = msg is not None and got_nonce == nonce and recs
        ok = ok and [loc[0] for loc in recs[0][5]] == ([rloc] if rloc else [])
        check(ok, 'python ITR: [1]%s %s verifies' % (eid, what), (recs, prefixes))
    except ls.Refused as e:
        check(False, 'python ITR: [1]%s %s verifies' % (eid, what), e)
    if eid == '10.1.2.3' and msg:
        try:
            ls.verify_reply(msg, os.urandom(16))
            check(False, 'the python checker refuses another OTK')
        except ls.Refused as e:
            check(e.reason == 'eid_hmac', 'the python checker refuses another OTK', e)
m, e = stats(MS, 'map_resolver'), stats(ETR, 'etr')
check(m.get('lisp_sec_forwards_signed', 0) >= 1 and m.get('lisp_sec_replies_signed', 0) >= 2,
      'Map-Resolver counted what it signed', m)
check(e.get('lisp_sec_replies_signed', 0) >= 1, 'ETR counted what it signed', e)
# An OTK wrapped with another key: refused at the Map-Resolver, counted.
py.sendto(ls.ecm(lw.map_request(1, '10.1.2.3', 32, PY, 7), PY, '10.1.2.3',
                 py.getsockname()[1], ls.ecm_ad(os.urandom(16), K_SITE)), (MS, 4342))
check(recv(py, timeout=0.5) is None, 'no answer to an OTK wrapped with another key')
check(stats(MS, 'map_resolver').get('lisp_sec_otk_refused') == 1, 'lisp_sec_otk_refused counted')

# ---- lispgw-ctl lig --lisp-sec-key ------------------------------------------------


def lig(eid, mr, key=K_MR.hex(), wait=True):
    args = [CTL, 'lig', eid, '--mr', mr, '--json', '--timeout', '1500', '--lisp-sec-key', key]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p if not wait else finish(p)


def finish(p):
    out, _ = p.communicate(timeout=20)
    lines = out.strip().splitlines()
    return p.returncode, json.loads(lines[-1]) if lines else {}


for eid, rloc in (('[1]10.1.2.3', ETR), ('[1]10.2.2.3', ETR)):
    rc, j = lig(eid, MS)
    locs = [loc['rloc'] for r in j.get('records', []) for loc in r['locators']]
    check(rc == 0 and j.get('lisp_sec') == 'verified' and locs == [rloc],
          'lig --lisp-sec-key %s: verified, RLOC %s' % (eid, rloc), j)
rc, j = lig('[1]10.1.2.3', MS, key=K_SITE.hex())
check(rc != 0 and j.get('error') == 'timeout', 'lig with another key: no answer', j)
fake = lab.udp(lab.ip(7), 4342)
p = lig('[1]10.1.2.3', lab.ip(7), wait=False)
got = recv(fake)
if got:
    _, plain = ls.split_ecm(got)
    _, _, _, lig_port, _, inner = lw.parse_ecm(plain)
    lig_nonce, lig_rloc, _, _, _ = lw.parse_map_request_eid(inner)
    fake.sendto(bytes([0x20, 0, 0, 1]) + lig_nonce.to_bytes(8, 'big') +
                lw.record(1, '10.1.0.0', 16, [(EVIL, 1, 100)]), (lig_rloc, lig_port))
rc, j = finish(p)
check(rc == 1 and j.get('lisp_sec') == 'no_ad', 'lig refuses an unsigned answer (exit 1)', j)

# ---- the lispgw ITR and the attacker in the Map-Resolver's place -------------
st, _ = api(ITR, 'POST', '/api/v1/map-cache', {'eid': '[1]10.1.7.7'})
check(st == 202, 'POST /map-cache starts a resolution')
first = recv(relay)
check(first is not None, 'the ITR sent its Map-Request')
ad, plain = ls.split_ecm(first)
_, _, _, sport, _, inner = lw.parse_ecm(plain)
nonce, itr_rloc, _, _, _ = lw.parse_map_request_eid(inner)
hmac_id, _, otk = ls.parse_ecm_ad(ad, K_MR)
check(hmac_id == ls.HMAC_SHA256_128 and itr_rloc == ITR,
      'the ECM carries the ITR-OTK (S bit), HMAC-SHA-256-128 asked for')
forged = (lambda recs: bytes([0x20, 0, 0, len(recs)]) +
                         nonce.to_bytes(8, 'big') + b''.join(recs))
spoof = forged([lw.record(1, '10.1.0.0', 16, [(EVIL, 1, 100)])])
relay.sendto(spoof, (ITR, sport))                       # right nonce, no LISP-SEC
guess = os.urandom(16)                                  # the attacker's own OTK
relay.sendto(ls.seal(spoof, ls.eid_ad([(1, '10.1.0.0', 16)], guess), ls.ms_otk(guess)),
             (ITR, sport))
time.sleep(0.5)
s = stats(ITR, 'itr')
check(s.get('lisp_sec_dropped_no_ad') == 1, 'unsigned spoof dropped: lisp_sec_dropped_no_ad', s)
check(s.get('lisp_sec_dropped_eid_hmac') == 1,
      'spoof with made-up LISP-SEC data dropped: lisp_sec_dropped_eid_hmac', s)
check(cache_rlocs('[1]10.1.7.7') is None, 'nothing cached from the spoofs')
relay.sendto(first, (MS, 4342))                         # now the genuine request goes on
got = None
deadline = time.time() + 4
while time.time() < deadline and got != [ETR]:
    time.sleep(0.1)
    got = cache_rlocs('[1]10.1.7.7')
check(got == [ETR], "the genuine answer is installed: the ETR's RLOC", got)
relay.sendto(spoof, (ITR, sport))                       # too late: unsolicited now
time.sleep(0.3)
check(cache_rlocs('[1]10.1.7.7') == [ETR], 'the map-cache keeps the right RLOC')
s = stats(ITR, 'itr')
check(s.get('lisp_sec_replies_verified', 0) >= 1, 'lisp_sec_replies_verified counted', s)
_, metrics = api(ITR, 'GET', '/metrics')
check('itr_lisp_sec_dropped_eid_hmac' in metrics and 'itr_lisp_sec_dropped_no_ad' in metrics,
      '/metrics exposes the LISP-SEC drops')

if checks.failures:
    for n in ('ms', 'etr', 'itr'):
        print('--- ' + n)
        print(lab.log(n)[-1500:])
checks.exit()
