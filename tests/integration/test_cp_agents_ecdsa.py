#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Agents with crypto-EIDs (docs/agents.md, docs/ecdsa.md), lispgw-cp daemons
on loopback 127.88.0.x:
  - `lispgw-ctl agent register --crypto-eid` on an xTR: lispgw-cp makes the
    agent a P-256 key, 0600 beside the agents state file, derives the
    crypto-EID (recomputed here with python3-cryptography from the key
    file) and its hash-EID, and registers both, signed, to a Map-Server
    whose site has auth: both and crypto-eid-prefixes; the Map-Server
    verifies the signature and lig resolves the EID to the agent's RLOC;
  - `true` takes the first of agents.crypto-eid-prefixes of the IID, a
    prefix named must be one of them (409), --crypto-prefix picks another;
  - a second register of the same id is refused and leaves the key; a
    body with both crypto_eid and eid is refused (400, eid);
  - a restart of the xTR keeps the key and the EID and registers signed
    again; SIGHUP keeps agents.crypto-eid-prefixes, as the whole section;
  - `agent remove` withdraws the crypto-EID and the hash-EID from the
    Map-Server and deletes the key file;
  - the xTR's CATS metrics agent (cats.metrics, the RLOC's load from a
    file every second) leaves the crypto-EID's record, and its signature,
    alone: nothing is refused (it re-registered it unsigned once)."""
import json
import os
import signal
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import ecdsa   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.rest import Api, spec   # noqa: E402
from lispgwlab.loopback import CTL, Lab   # noqa: E402
from cryptography.hazmat.primitives import serialization   # noqa: E402

lab = Lab(block=88)
MS, X1 = lab.ip(1), lab.ip(2)
TOKEN = 'integration-token-0123456789'
STATE = os.path.join(lab.dir, 'agents.json')
KEY = os.path.join(lab.dir, 'agent-a1.key')
METRICS = os.path.join(lab.dir, 'metrics.json')
checks = Checks('agents ecdsa')
check = checks.check

MS_CONF = """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  registration-timeout: 60s
  sites:
    - {name: agents, key-id: 2, key: "site-key", auth: both,
       crypto-eid-prefixes: ["[7]fd00::/8", "[7]fc77::/16"], eid-prefixes: ["[7]10.20.0.0/16"]}
""" % (MS, MS, TOKEN)

XTR_CONF = """
roles: [etr]
xtr-id: "%s"
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
agents:
  state-file: %s
  crypto-eid-prefixes: ["[7]fd00::/8", "[7]fc77::/16"]
etr:
  register-interval: 1s
  map-servers: [{address: %s, key-id: 2, key: "site-key"}]
  database:
    - eid-prefix: "[7]10.20.0.0/16"
      rlocs: [{address: %s}]
cats:
  metrics: {file: %s, interval: 1s, threshold-percent: 10}
""" % ('0' * 31 + '1', X1, X1, TOKEN, STATE, MS, X1, METRICS)


def ctl(*args):
    return subprocess.run([CTL, '--api', 'http://%s:8080' % X1, '--token', TOKEN, 'agent'] +
                          list(args), capture_output=True, text=True, timeout=20)


def stats():
    st, b = Api(MS, TOKEN)('GET', '/api/v1/stats')
    return b.get('map_server', {}) if st == 200 else {}


def registrations():
    st, b = Api(MS, TOKEN)('GET', '/api/v1/registrations?limit=1000')
    return {r['eid']: r for r in b.get('registrations', [])} if st == 200 else {}


def wait_for(cond, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline and not cond():
        time.sleep(0.1)
    return cond()


def rloc_addresses(reg):
    """The RLOCs used for forwarding: not the priority-255 signature record."""
    return sorted(r.get('address') for r in reg.get('rlocs', []) if r.get('priority') != 255)


lab.start('ms', MS_CONF, MS)
Api(MS, TOKEN).ready()
lab.start('x1', XTR_CONF, X1)
Api(X1, TOKEN).ready()

# Register: the printed line names the derived EID.
out = ctl('register', 'a1', '--iid', '7', '--crypto-eid', '--rloc', X1, 'gpu=H100')
print(out.stdout, end='')
check(out.returncode == 0 and 'crypto-EID [7]fd' in out.stdout,
      'lispgw-ctl agent register --crypto-eid prints the derived EID', out.stdout + out.stderr)
st, agent = Api(X1, TOKEN)('GET', '/api/v1/agents/a1')
EID = agent.get('eid', '')
HASH = agent.get('hash_eid', '')
print('agent a1: %s, %s' % (EID, HASH))
check(st == 200 and agent.get('crypto_eid') == '[7]fd00::/8' and EID.endswith('/128'),
      'GET the agent: crypto_eid [7]fd00::/8, a /128 EID', agent)

# The key: 0600, a P-256 key whose crypto-EID (computed here) is the EID.
mode = stat.S_IMODE(os.stat(KEY).st_mode) if os.path.exists(KEY) else None
check(mode == 0o600, 'the key file %s is 0600' % KEY, oct(mode) if mode is not None else None)
with open(KEY, 'rb') as f:
    key_pem = f.read()
pub = serialization.load_pem_private_key(key_pem, None).public_key()
want = ecdsa.crypto_eid(7, 'fd00::/8', pub)
check(EID == '[7]%s/128' % want, 'the EID is the key\'s crypto-EID (python3-cryptography)',
      (EID, str(want)))
check(HASH == '[7]dn:' + ecdsa.hash_eid(want, 'fd00::/8'), 'the hash-EID as the draft names it',
      HASH)
sp = spec()
errs = sp.validate(agent, sp.response_schema(sp.operation('/api/v1/agents/{id}', 'GET'), 200))
check(not errs, 'GET /api/v1/agents/a1 matches docs/openapi.yaml', errs)
with open(STATE) as f:
    saved = [a for a in json.load(f)['agents'] if a['id'] == 'a1']
check(saved and saved[0].get('crypto_eid') == '[7]fd00::/8' and saved[0]['eid'] == EID,
      'the state file keeps the crypto-EID prefix', saved)

# The Map-Server accepted both, verifying the signature.
check(wait_for(lambda: {EID, HASH} <= set(registrations())),
      'the crypto-EID and its hash-EID are registered', sorted(registrations()))
regs = registrations()
check(rloc_addresses(regs.get(EID, {})) == [X1], 'the crypto-EID maps to the agent\'s RLOC',
      regs.get(EID))
sig = [r.get('attributes', {}) for r in regs.get(EID, {}).get('rlocs', [])
       if r.get('priority') == 255]
check(len(sig) == 1 and sig[0].get('signature-eid') == EID[:-4], 'one signature record', sig)
check(any(x.get('attributes', {}).get('public-key') == json.loads(ecdsa.pubkey_record(pub))
          ['public-key'] for x in regs.get(HASH, {}).get('rlocs', [])),
      'the hash-EID carries the agent\'s public key', regs.get(HASH))
with open(METRICS, 'w') as f:     # the metrics agent re-registers the RLOC's mappings
    json.dump({'rlocs': {X1: {'load': 0.3}}}, f)
time.sleep(2.5)
s = stats()
check(s.get('ecdsa_signatures_verified', 0) >= 1 and
      not any(v for k, v in s.items() if k.startswith('refused_ecdsa')),
      'the Map-Server verified the signature, refused nothing', s)
r = lab.lig(EID[:-4], MS)
locs = [x.get('rloc') for rec in r.get('records', []) for x in rec.get('locators', [])]
check(X1 in locs, 'lispgw-ctl lig resolves the crypto-EID to %s' % X1, r)

# Refusals: the id again (its key stays), an eid with crypto_eid.
out = ctl('register', 'a1', '--iid', '7', '--crypto-eid', '--rloc', X1)
check(out.returncode != 0 and os.path.exists(KEY), 'a second register of a1 is refused, the '
      'key stays', out.stdout + out.stderr)
with open(KEY, 'rb') as f:
    check(f.read() == key_pem, 'the key is unchanged')
st, b = Api(X1, TOKEN)('POST', '/api/v1/agents',
                       {'id': 'a2', 'iid': 7, 'eid': 'fd00::1', 'crypto_eid': True})
check(st == 400 and b.get('field') == 'eid', 'crypto_eid with an eid: 400 eid', (st, b))
check(not os.path.exists(os.path.join(lab.dir, 'agent-a2.key')), 'no key made for a refused body')
st, b = Api(X1, TOKEN)('POST', '/api/v1/agents',
                       {'id': 'a2', 'iid': 7, 'crypto_eid': 'fe00::/8', 'rlocs': [{'address': X1}]})
check(st == 409 and b.get('field') == 'crypto_eid' and
      not os.path.exists(os.path.join(lab.dir, 'agent-a2.key')),
      'a prefix outside agents.crypto-eid-prefixes of the IID: 409 crypto_eid, no key', (st, b))
st, b = Api(X1, TOKEN)('POST', '/api/v1/agents',
                       {'id': 'a3', 'iid': 7, 'crypto_eid': True, 'rlocs': [{'address': X1}],
                        'attributes': {'role': 'signature'}})
check(st == 400 and b.get('field') == 'attributes' and
      not os.path.exists(os.path.join(lab.dir, 'agent-a3.key')) and
      Api(X1, TOKEN)('GET', '/api/v1/agents/a3')[0] == 404,
      'attributes the Map-Server would read as a signature record: 400, no key, no agent',
      (st, b))

# Another prefix of the site's, named: the EID lies in it and registers.
out = ctl('register', 'a4', '--iid', '7', '--crypto-eid', '--crypto-prefix', 'fc77::/16',
          '--rloc', X1, '--json')
a4 = json.loads(out.stdout) if out.returncode == 0 else {}
with open(os.path.join(lab.dir, 'agent-a4.key'), 'rb') as f:
    pub4 = serialization.load_pem_private_key(f.read(), None).public_key()
check(a4.get('crypto_eid') == '[7]fc77::/16' and
      a4.get('eid') == '[7]%s/128' % ecdsa.crypto_eid(7, 'fc77::/16', pub4),
      '--crypto-prefix fc77::/16: the EID is the key\'s crypto-EID there', out.stdout + out.stderr)
check(wait_for(lambda: a4.get('eid') in registrations()), 'and it is registered',
      sorted(registrations()))
out = ctl('remove', 'a4')
check(out.returncode == 0 and not os.path.exists(os.path.join(lab.dir, 'agent-a4.key')),
      'a4 removed with its key', out.stdout + out.stderr)
out = ctl('register', 'a5', '--iid', '7', '--crypto-prefix', 'fc77::/16', '--rloc', X1)
check(out.returncode == 2 and '--crypto-eid' in out.stderr,
      '--crypto-prefix without --crypto-eid: usage error', (out.returncode, out.stderr))
s = stats()
check(not any(v for k, v in s.items() if k.startswith('refused_ecdsa')),
      'no ECDSA refusal at the Map-Server so far', s)

# A restart keeps the key and the EID, and registers signed again.
lab.stop('x1')
before = stats().get('ecdsa_signatures_verified', 0)
lab.start('x1', XTR_CONF, X1)
Api(X1, TOKEN).ready()
st, agent = Api(X1, TOKEN)('GET', '/api/v1/agents/a1')
check(st == 200 and agent.get('eid') == EID, 'after a restart the agent has its EID', agent)
check(wait_for(lambda: stats().get('ecdsa_signatures_verified', 0) > before),
      'after a restart the xTR registers signed again', stats())
with open(KEY, 'rb') as f:
    check(f.read() == key_pem, 'the key survived the restart')

# SIGHUP with other crypto-EID prefixes: kept, as the agents section is.
lab.write('x1', XTR_CONF.replace('["[7]fd00::/8", "[7]fc77::/16"]', '["[7]fc77::/16"]'))
lab.signal('x1', signal.SIGHUP)
check(wait_for(lambda: 'agents.crypto-eid-prefixes changed but is not applied' in lab.log('x1')),
      'SIGHUP: agents.crypto-eid-prefixes is kept, and says so', lab.log('x1')[-500:])
st, b = Api(X1, TOKEN)('POST', '/api/v1/agents',
                       {'id': 'a6', 'iid': 7, 'crypto_eid': True, 'rlocs': [{'address': X1}]})
check(st == 201 and b.get('crypto_eid') == '[7]fd00::/8', 'true still derives in [7]fd00::/8',
      (st, b))
Api(X1, TOKEN)('DELETE', '/api/v1/agents/a6')
check(not os.path.exists(os.path.join(lab.dir, 'agent-a6.key')), 'a6 removed with its key')

# Remove: withdrawn from the Map-Server (its registrations last 60 s), key gone.
out = ctl('remove', 'a1')
check(out.returncode == 0, 'lispgw-ctl agent remove a1', out.stdout + out.stderr)
check(not os.path.exists(KEY), 'the key file is deleted with the agent')
check(wait_for(lambda: not ({EID, HASH} & set(registrations()))),
      'the crypto-EID and the hash-EID are withdrawn', sorted(registrations()))
r = lab.lig(EID[:-4], MS)
locs = [x.get('rloc') for rec in r.get('records', []) for x in rec.get('locators', [])]
check(X1 not in locs, 'lig no longer resolves the crypto-EID', r)

if checks.failures:
    print('--- ms.log\n' + lab.log('ms')[-4000:] + '\n--- x1.log\n' + lab.log('x1')[-3000:])
checks.exit()
