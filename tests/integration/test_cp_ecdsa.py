#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Registrations that cannot be spoofed (docs/security.md, docs/ecdsa.md),
lispgw-cp daemons on loopback 127.84.0.x:
  - lispgw-ctl keygen makes a key pair and its crypto-EID; an ETR whose
    database entry names the key (etr.database[].ecdsa-key) registers the
    crypto-EID, signed, and its hash-EID with the public key, to a
    Map-Server whose site has auth: both; the crypto-EID resolves
    (lispgw-ctl lig) to that ETR's RLOC, and re-registrations reuse the
    verified key (ecdsa_key_cache_hits grows, misses stay 1);
  - a second ETR that holds the site's shared key but not the private key
    registers the same crypto-EID with its own RLOC: refused
    (refused_ecdsa_unsigned, logged), and the first registration stays,
    RLOC unchanged, through several registration intervals;
  - SIGHUP reads the key again: made readable by others, the reload is
    refused and the ETR goes on registering with the key it holds;
  - an ETR configuration that names another key for that EID is refused by
    lispgw-cp -n (the EID is not that key's crypto-EID)."""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.ecdsa import ctl_keygen   # noqa: E402
from lispgwlab.rest import Api, spec   # noqa: E402
from lispgwlab.loopback import CP, CTL, Lab   # noqa: E402

lab = Lab(block=84)
MS, X1, X2 = lab.ip(1), lab.ip(2), lab.ip(3)
TOKEN = 'integration-token-0123456789'
checks = Checks('ecdsa')
check = checks.check


def keygen(name):
    return ctl_keygen(CTL, lab.dir, name, check)


def stats():
    st, b = Api(MS, TOKEN)('GET', '/api/v1/stats')
    return b.get('map_server', {}) if st == 200 else {}


def registrations():
    st, b = Api(MS, TOKEN)('GET', '/api/v1/registrations?limit=1000')
    return {r['eid']: r for r in b.get('registrations', [])} if st == 200 else {}


def rloc_addresses(reg):
    """The RLOCs used for forwarding: not the priority-255 signature record."""
    return sorted(r.get('address') for r in reg.get('rlocs', []) if r.get('priority') != 255)


def signature_record(reg):
    return [r.get('attributes', {}) for r in reg.get('rlocs', []) if r.get('priority') == 255]


XTR = """
roles: [etr]
xtr-id: "%(xtr_id)s"
listen: {addresses: [%(ip)s]}
etr:
  register-interval: 1s
  map-servers: [{address: %(ms)s, key-id: 2, key: "site-key"}]
  database:
    - eid-prefix: "%(eid)s/128"
%(key)s      rlocs: [{address: %(ip)s}]
"""

key_path, agent = keygen('agent')
_, other = keygen('other')
EID = agent['crypto-eid']
HASH_EID = '[1000]dn:' + agent['hash-eid']
print('crypto-EID %s, hash-EID %s' % (EID, HASH_EID))

lab.start('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  registration-timeout: 3s
  sites:
    - {name: agents, key-id: 2, key: "site-key", auth: both,
       crypto-eid-prefixes: ["[1000]fd00::/8"], eid-prefixes: ["[1000]10.20.0.0/16"]}
""" % (MS, MS, TOKEN), MS)
Api(MS, TOKEN).ready()

lab.start('x1', XTR % dict(ip=X1, ms=MS, xtr_id='0' * 31 + '1', eid=EID,
                           key='      ecdsa-key: "%s"\n' % key_path), X1)
deadline = time.time() + 5
while time.time() < deadline and not {EID + '/128', HASH_EID} <= set(registrations()):
    time.sleep(0.1)
regs = registrations()
check(EID + '/128' in regs and HASH_EID in regs,
      'the signed crypto-EID and its hash-EID are registered', sorted(regs))
check(rloc_addresses(regs.get(EID + '/128', {})) == [X1], 'the crypto-EID maps to the ETR',
      regs.get(EID + '/128'))
sig = signature_record(regs.get(EID + '/128', {}))
check(len(sig) == 1 and sig[0].get('signature-eid') == EID and len(sig[0].get('signature', '')) == 88,
      'the registration carries the signature record (priority 255)', sig)
check(any(x.get('attributes', {}).get('public-key') for x in regs.get(HASH_EID, {}).get('rlocs', [])),
      'the hash-EID carries the public-key record', regs.get(HASH_EID))
r = lab.lig(EID, MS)
locs = [x.get('rloc') for rec in r.get('records', []) for x in rec.get('locators', [])]
check(X1 in locs, 'lispgw-ctl lig resolves the crypto-EID to %s' % X1, r)
time.sleep(2.5)     # two more registrations
s = stats()
check(s.get('ecdsa_signatures_verified', 0) >= 3 and s.get('ecdsa_key_cache_misses') == 1 and
      s.get('ecdsa_key_cache_hits', 0) >= 3,
      're-registrations verify the signature and reuse the key (1 miss)', s)

# The spoofer: the site's key, not the private key.
lab.start('x2', XTR % dict(ip=X2, ms=MS, xtr_id='0' * 31 + '2', eid=EID, key=''), X2)
lowest, start = 0, time.time()
while time.time() - start < 7:
    regs = registrations()
    if rloc_addresses(regs.get(EID + '/128', {})) != [X1]:
        lowest += 1
    time.sleep(0.25)
s = stats()
check(s.get('refused_ecdsa_unsigned', 0) >= 3, 'the spoofer is refused at every try', s)
check(lowest == 0, 'the crypto-EID kept its RLOC (%s) throughout' % X1,
      registrations().get(EID + '/128'))
check('refused (ecdsa_unsigned)' in lab.log('ms'), 'the Map-Server log names the reason')
check(s.get('registrations_expired', 0) == 0, 'nothing expired', s)

# SIGHUP reads the key again: a key file others may read refuses the reload
# whole, and the running ETR keeps registering with the key it has.
os.chmod(key_path, 0o644)
lab.signal('x1', signal.SIGHUP)
deadline = time.time() + 3
while time.time() < deadline and 'reload refused' not in lab.log('x1'):
    time.sleep(0.1)
check('reload refused' in lab.log('x1') and key_path in lab.log('x1'),
      'SIGHUP with the key readable by others: reload refused, naming the key',
      lab.log('x1')[-600:])
before = stats().get('ecdsa_signatures_verified', 0)
time.sleep(1.5)
check(stats().get('ecdsa_signatures_verified', 0) > before and
      rloc_addresses(registrations().get(EID + '/128', {})) == [X1],
      'the ETR still registers, signed, after the refused reload', stats())
os.chmod(key_path, 0o600)

# The site as REST and /metrics show it, against docs/openapi.yaml.
st, b = Api(MS, TOKEN)('GET', '/api/v1/sites')
site = (b.get('sites') or [{}])[0] if st == 200 else {}
check(site.get('auth') == 'both' and site.get('crypto_eid_prefixes') == ['[1000]fd00::/8'] and
      site.get('counters', {}).get('ecdsa_refusals', 0) >= 3,
      'GET /api/v1/sites: auth both, the crypto-EID prefix, ecdsa_refusals', site)
out = subprocess.run([CTL, '--api', 'http://%s:8080' % MS, '--token', TOKEN, 'show', 'sites'],
                     capture_output=True, text=True, timeout=20).stdout
row = [x.split() for x in out.splitlines() if x.startswith('agents')]
check(row and 'both' in row[0] and 'ECDSA-REFUSED' in out, 'lispgw-ctl show sites: AUTH both', out)
sp = spec()
for path in ('/api/v1/sites', '/api/v1/stats'):
    errs = sp.validate(Api(MS, TOKEN)('GET', path)[1],
                       sp.response_schema(sp.operation(path, 'GET'), 200))
    check(not errs, 'GET %s matches docs/openapi.yaml' % path, errs)
st, text = Api(MS, TOKEN)('GET', '/metrics')
check(st == 200 and 'lispgw_map_server_refused_ecdsa_unsigned_total' in str(text) and
      'lispgw_site_ecdsa_refusals_total{site="agents"}' in str(text),
      '/metrics: refused_ecdsa_unsigned and the site\'s ecdsa_refusals', str(text)[:300])

# Another key for the same EID: refused before anything starts.
path = lab.write('x3', XTR % dict(ip=X2, ms=MS, xtr_id='0' * 31 + '3', eid=EID,
                                  key='      ecdsa-key: "%s"\n'
                                  % os.path.join(lab.dir, 'other.pem')))
out = subprocess.run([CP, '-n', '-c', path], capture_output=True, text=True, timeout=20)
check(out.returncode != 0 and 'is not the crypto-EID' in out.stderr + out.stdout,
      'lispgw-cp -n refuses a key that is not the EID\'s', out.stderr + out.stdout)
print('other key: %s' % other['crypto-eid'])

checks.exit()
