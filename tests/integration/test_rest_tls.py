#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""REST over TLS (docs/security.md, "REST over TLS"): a lispgw-cp on
loopback serving https with a certificate that a CA made here with openssl
signed, and lispgw-ctl (libcurl) against it:

  - `show stats` with --cacert CA works; without it the certificate is not
    trusted (the system's CAs did not sign it); with --insecure it works;
  - the bearer token is still required over https (401 without);
  - plain http to the https port gets no HTTP answer, counted as a failed
    handshake (rest.tls_handshake_failures);
  - SIGHUP to a certificate for another name: new connections present it
    and lispgw-ctl refuses it (wrong name); SIGHUP to a renewed certificate
    for the right name: new connections present it (its subject seen by a
    python TLS client), counted (rest.tls_certificate_reloads);
  - SIGHUP with a certificate file that does not parse, or a key that is
    not the certificate's: the reload is refused (config.reload_failures),
    new connections keep the running certificate;
  - a reload that drops the TLS keys is not applied (https needs a restart
    to change), a reload that moves the address off loopback without TLS is
    refused;
  - `lispgw-cp -n` loads the files: a missing file, a directory, a FIFO, a file
    that is not PEM, a mismatched key and an expired certificate are
    refused, a public address with TLS passes, a key others may read is
    named in a warning.
Before: the API was plain http only, lispgw-ctl refused https:// URLs, and
a public REST address without TLS was accepted."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import tls   # noqa: E402
from lispgwlab.check import SKIP, Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import CP as CP_BIN, CTL, Lab   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

if not tls.openssl_found():
    print('SKIP: no openssl')
    sys.exit(SKIP)

lab = Lab(block=86)
CP, TOKEN, PORT = lab.ip(1), 'integration-token-0123456789', 18086
checks = Checks('rest over tls')
check = checks.check
CRT, KEY = os.path.join(lab.dir, 'rest.crt'), os.path.join(lab.dir, 'rest.key')

CONF = """
roles: [map-server]
listen: {addresses: [%(cp)s]}
rest:
  address: %(addr)s
  port: %(port)d
  token: "%(tok)s"
  max-connections: 4
%(tls)smap-server:
  sites:
    - {name: tenant, key: "tenant-key", eid-prefixes: ["[1]10.0.0.0/8"]}
"""


def conf(addr=CP, crt=CRT, key=KEY):
    files = '  tls-certificate: %s\n  tls-key: %s\n' % (crt, key) if crt else ''
    return CONF % dict(cp=CP, addr=addr, port=PORT, tok=TOKEN, tls=files)


def ctl(*args):
    p = subprocess.run([CTL, '--api', 'https://%s:%d' % (CP, PORT), '--token', TOKEN] +
                       list(args) + ['show', 'stats'], capture_output=True, text=True,
                       timeout=20)
    return p.returncode, p.stdout, p.stderr


def stats():
    """/api/v1/stats over a connection that checks the CA but not the name
    (the wrong-name certificate is served for a while)."""
    ctx = ssl.create_default_context(cafile=ca[0])
    ctx.check_hostname = False
    conn = http.client.HTTPSConnection(CP, PORT, timeout=5, context=ctx)
    try:
        conn.request('GET', '/api/v1/stats', headers={'Authorization': 'Bearer ' + TOKEN})
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def subject_cn():
    """The CN of the certificate a new connection is shown (not checked)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((CP, PORT), timeout=5) as s:
        with ctx.wrap_socket(s) as t:
            der = t.getpeercert(binary_form=True)
    out = subprocess.run(['openssl', 'x509', '-inform', 'DER', '-noout', '-subject'],
                         input=der, capture_output=True, timeout=10).stdout.decode()
    return out.strip().split('CN = ')[-1].split('CN=')[-1]


def plain_http():
    """What plain http to the https port gets back (b'' when closed)."""
    with socket.create_connection((CP, PORT), timeout=5) as s:
        s.sendall(b'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n')
        try:
            return s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            return b''


def reload(text):
    before = stats()['config']
    lab.write('cp', text)
    lab.signal('cp', signal.SIGHUP)
    wait_for(lambda: stats()['config'] != before, 5)
    return stats()['config']


def check_n(text, name):
    path = lab.write(name, text)
    p = subprocess.run([CP_BIN, '-n', '-c', path], capture_output=True, text=True, timeout=20)
    return p.returncode, p.stdout + p.stderr


ca = tls.make_ca(lab.dir)
other_ca = tls.make_ca(lab.dir, 'other-ca', 'another CA')
first = tls.make_cert(lab.dir, 'first', ca, [CP])
renewed = tls.make_cert(lab.dir, 'renewed', ca, [CP])
wrong_name = tls.make_cert(lab.dir, 'wrong-name', ca, [lab.ip(99)])
untrusted = tls.make_cert(lab.dir, 'untrusted', other_ca, [CP])
tls.install(first, CRT, KEY)
api = Api(CP, TOKEN, port=PORT, cafile=ca[0])
lab.start('cp', conf(), CP)
check(api.ready(), 'https API answers (python, CA file)')
check('https' in lab.log('cp'), 'the start is logged as https', lab.log('cp')[-500:])

# lispgw-ctl through libcurl: --cacert, none, --insecure, another CA.
rc, out, err = ctl('--cacert', ca[0])
check(rc == 0 and 'rest.tls_handshakes' in out, 'ctl show stats --cacert CA works', err)
rc, out, err = ctl()
check(rc == 1 and 'not trusted' in err, 'ctl without --cacert: certificate not trusted', err)
rc, out, err = ctl('--cacert', other_ca[0])
check(rc == 1 and 'not trusted' in err, 'ctl --cacert of another CA: not trusted', err)
rc, out, err = ctl('--insecure')
check(rc == 0 and 'rest.tls_handshakes' in out, 'ctl --insecure works (only when asked)', err)
status, body = Api(CP, 'not-the-token-0123456789', port=PORT, cafile=ca[0])('GET',
                                                                             '/api/v1/stats')
check(status == 401, 'https still wants the bearer token (401 without it)', body)

# Plain http to the https port: no HTTP answer, a failed handshake counted.
failed = stats()['rest']['tls_handshake_failures']
answer = plain_http()
check(not answer.startswith(b'HTTP/'), 'plain http to the https port gets no HTTP answer',
      answer[:80])
check(wait_for(lambda: stats()['rest']['tls_handshake_failures'] > failed, 5),
      'it is counted (rest.tls_handshake_failures)', stats()['rest'])
p = subprocess.run([CTL, '--api', 'http://%s:%d' % (CP, PORT), '--token', TOKEN, 'show',
                    'stats'], capture_output=True, text=True, timeout=20)
check(p.returncode == 1 and 'without an answer' in p.stderr,
      'ctl with http:// to the https port: refused, clearly', p.stderr)

# A full table: a newcomer whose whole ClientHello came (the https
# counterpart of a whole request head) closes the oldest incomplete
# connection; one whose first record comes in parts is refused.
before = stats()['rest']
idle = [socket.create_connection((CP, PORT), timeout=5) for _ in range(4)]
time.sleep(0.2)
rc, out, err = ctl('--cacert', ca[0])
after = stats()['rest']
check(rc == 0 and after['evicted_full'] > before['evicted_full'],
      'full table: ctl\'s ClientHello closes the oldest incomplete connection',
      (err, before['evicted_full'], after['evicted_full']))
refused = stats()['rest']['refused_full']    # its connection takes a free slot
idle.append(socket.create_connection((CP, PORT), timeout=5))
time.sleep(0.2)
with socket.create_connection((CP, PORT), timeout=5) as part:
    part.sendall(b'\x16\x03')
    try:
        gone = part.recv(16) == b''
    except (ConnectionResetError, socket.timeout):
        gone = True
check(gone and stats()['rest']['refused_full'] > refused,
      'full table: a newcomer whose first TLS record comes in parts is refused',
      stats()['rest'])
for s in idle:
    s.close()

# SIGHUP to a certificate for another name, then to a renewed one.
tls.install(wrong_name, CRT, KEY)
cfg = reload(conf())
check(cfg['reloads'] == 1 and stats()['rest']['tls_certificate_reloads'] == 1,
      'SIGHUP loads the new certificate (tls_certificate_reloads 1)', cfg)
check(subject_cn() == 'wrong-name', 'new connections present it', subject_cn())
rc, out, err = ctl('--cacert', ca[0])
check(rc == 1 and 'another name' in err, 'ctl refuses a certificate for the wrong name', err)
tls.install(renewed, CRT, KEY)
cfg = reload(conf())
check(cfg['reloads'] == 2 and subject_cn() == 'renewed',
      'SIGHUP to a renewed certificate: new connections see it', (cfg, subject_cn()))
rc, out, err = ctl('--cacert', ca[0])
check(rc == 0, 'ctl --cacert works with the renewed certificate', err)

# Bad files on reload: refused, counted, the running certificate kept.
with open(CRT, 'w') as f:
    f.write('-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n')
cfg = reload(conf())
check(cfg['reload_failures'] == 1 and cfg['reloads'] == 2,
      'a certificate file that does not parse refuses the reload', cfg)
check(subject_cn() == 'renewed' and ctl('--cacert', ca[0])[0] == 0,
      'new connections keep the running certificate', subject_cn())
tls.install((renewed[0], first[1]), CRT, KEY)
cfg = reload(conf())
check(cfg['reload_failures'] == 2 and 'is not the key of' in lab.log('cp'),
      'a key that is not the certificate\'s refuses the reload', cfg)
check(subject_cn() == 'renewed', 'the running certificate stays', subject_cn())
check(stats()['rest']['tls_certificate_reloads'] == 2, 'refused files are not counted as '
      'certificate reloads', stats()['rest'])
tls.install(renewed, CRT, KEY)

# https <-> http is a restart; a public address without TLS is refused.
kept = stats()['config']['reload_keys_not_applied']
cfg = reload(conf(crt=None))
check(cfg['reloads'] == 3 and cfg['reload_keys_not_applied'] > kept and
      'rest.tls-certificate changed but is not applied' in lab.log('cp'),
      'a reload without the TLS keys is not applied (named, counted)', cfg)
check(ctl('--cacert', ca[0])[0] == 0, 'the API stays https', lab.log('cp')[-400:])
cfg = reload(conf(addr='192.0.2.10', crt=None))
check(cfg['reload_failures'] == 3 and 'is not a loopback address' in lab.log('cp'),
      'a reload to a public address without TLS is refused', cfg)

# lispgw-cp -n loads the files.
rc, out = check_n(conf(crt=os.path.join(lab.dir, 'missing.crt')), 'n-missing')
check(rc == 1 and 'missing.crt: No such file' in out, '-n: a missing certificate file', out)
rc, out = check_n(conf(crt=ca[1], key=ca[1]), 'n-not-pem')
check(rc == 1 and 'not a PEM certificate' in out, '-n: a file that is not a certificate', out)
rc, out = check_n(conf(crt=first[0], key=untrusted[1]), 'n-mismatch')
check(rc == 1 and 'is not the key of' in out, '-n: a key that is not the certificate\'s', out)
expired = tls.make_expired_cert(lab.dir, 'expired', ca, [CP])
rc, out = check_n(conf(crt=expired[0], key=expired[1]), 'n-expired')
check(rc == 1 and 'expired at' in out, '-n: an expired certificate', out)
rc, out = check_n(conf(crt=lab.dir, key=first[1]), 'n-directory')
check(rc == 1 and 'not a regular file' in out, '-n: a directory named as the certificate', out)
fifo = os.path.join(lab.dir, 'fifo.crt')
os.mkfifo(fifo)
rc, out = check_n(conf(crt=fifo, key=first[1]), 'n-fifo')
check(rc == 1 and 'not a regular file' in out, '-n: a FIFO is refused, not waited on', out)
rc, out = check_n(conf(addr='192.0.2.10', crt=None), 'n-public')
check(rc == 1 and 'is not a loopback address' in out, '-n: public address without TLS', out)
rc, out = check_n(conf(addr='192.0.2.10', crt=first[0], key=first[1]), 'n-public-tls')
check(rc == 0 and 'configuration OK' in out, '-n: public address with TLS and a token', out)
open_key = os.path.join(lab.dir, 'open.key')
shutil.copyfile(first[1], open_key)
os.chmod(open_key, 0o644)
rc, out = check_n(conf(crt=first[0], key=open_key), 'n-open-key')
check(rc == 0 and 'readable by others than its owner (mode 0644)' in out,
      '-n: a key others may read passes with a warning', out)

lab.close()
checks.exit()
