#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""`lispgw-ctl keygen` (docs/ecdsa.md): the private key it writes is 0600
whatever the umask and never replaces a file; python3-cryptography loads
it and derives the same crypto-EID and hash-EID independently
(lispgwlab.ecdsa); the public-key record holds the same key; --key derives
again from a kept key and refuses one others may read; bad options exit 2.
No daemon, no network."""
import json
import os
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402

try:
    from cryptography.hazmat.primitives import serialization
    from lispgwlab.ecdsa import crypto_eid, hash_eid, pubkey_from_record, spki_der  # noqa: E402
except ImportError:
    skip('python3-cryptography is not installed')

CTL = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.environ.get('LISPGW_CTL', 'build/ctl/lispgw-ctl'))
checks = Checks('ctl-keygen')
check, eq = checks.check, checks.eq


def ctl(*args, umask=None):
    old = os.umask(umask) if umask is not None else None
    try:
        p = subprocess.run([CTL, 'keygen'] + list(args), capture_output=True, text=True,
                           timeout=30)
    finally:
        if old is not None:
            os.umask(old)
    return p.returncode, p.stdout, p.stderr


def independent(path, iid, prefix):
    with open(path, 'rb') as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    eid = crypto_eid(iid, prefix, key.public_key())
    return key, eid, hash_eid(eid, prefix)


with tempfile.TemporaryDirectory() as tmp:
    key_path = os.path.join(tmp, 'agent.pem')
    rc, out, err = ctl('--out', key_path, '--iid', '1000', '--crypto-eid-prefix',
                       'fd00::/8', '--json', umask=0)
    eq(rc, 0, 'keygen exit status (%s)' % err.strip())
    got = json.loads(out)
    mode = stat.S_IMODE(os.stat(key_path).st_mode)
    eq(oct(mode), oct(0o600), 'private key mode under umask 0')
    key, eid, heid = independent(key_path, 1000, 'fd00::/8')
    eq(got['crypto-eid'], '[1000]%s' % eid, 'crypto-EID as python derives it')
    eq(got['hash-eid'], heid, 'hash-EID as python derives it')
    pub = pubkey_from_record(json.dumps(got['public-key-record']))
    eq(spki_der(pub), spki_der(key.public_key()), 'public-key record holds the key')

    # Never over an existing key: its EID would silently change.
    before = open(key_path, 'rb').read()
    rc, out, err = ctl('--out', key_path)
    eq(rc, 1, 'keygen over an existing file fails')
    check('File exists' in err, 'and says why', err)
    check(open(key_path, 'rb').read() == before, 'the existing key is unchanged')

    # The same key in another prefix and IID: python agrees again.
    rc, out, err = ctl('--key', key_path, '--iid', '7', '--crypto-eid-prefix',
                       '2001:db8::/32', '--json')
    eq(rc, 0, 'keygen --key exit status (%s)' % err.strip())
    _, eid7, heid7 = independent(key_path, 7, '2001:db8::/32')
    got7 = json.loads(out)
    eq(got7['crypto-eid'], '[7]%s' % eid7, '--key: crypto-EID in 2001:db8::/32, IID 7')
    eq(got7['hash-eid'], heid7, '--key: hash-EID')
    check(eid7 != eid, 'another IID and prefix give another EID')

    # The text form names the same values.
    rc, out, err = ctl('--key', key_path, '--iid', '1000')
    eq(rc, 0, 'keygen text output')
    check('crypto-eid         [1000]%s/128' % eid in out, 'text names the crypto-EID', out)
    check("[1000]'%s'" % heid in out, 'text names the hash-EID', out)

    os.chmod(key_path, 0o644)
    rc, out, err = ctl('--key', key_path)
    eq(rc, 1, '--key refuses a key others may read')
    check('0600' in err, 'and says why', err)

    # Default file name, in the working directory.
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        rc, out, err = ctl()
    finally:
        os.chdir(cwd)
    eq(rc, 0, 'keygen with defaults')
    check(os.path.exists(os.path.join(tmp, 'ecdsa-key.pem')), 'default ecdsa-key.pem written')

    for bad in (['--crypto-eid-prefix', 'fd00::/96'], ['--crypto-eid-prefix', 'fd00::/7'],
                ['--crypto-eid-prefix', '10.0.0.0/8'], ['--iid', '-1'],
                ['--iid', '4294967296'], ['extra'], ['--key', 'a', '--out', 'b']):
        rc, out, err = ctl(*bad)
        eq(rc, 2, 'refused: keygen %s' % ' '.join(bad))

checks.exit()
