# SPDX-License-Identifier: BSD-3-Clause
"""Test certificates for the REST API over TLS (docs/security.md, "REST
over TLS"), made with openssl at test time: a CA, and server certificates
it signs for IP addresses (subjectAltName IP:..., what curl and python
check for an https://IP URL)."""
import os
import shutil
import subprocess


def openssl_found():
    return shutil.which('openssl') is not None


def _run(*args):
    subprocess.run(['openssl'] + list(args), check=True, capture_output=True, timeout=30)


def make_ca(dirpath, name='ca', cn='lispgw test CA'):
    """A self-signed P-256 CA: (cert path, key path)."""
    crt, key = os.path.join(dirpath, name + '.crt'), os.path.join(dirpath, name + '.key')
    _run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
         '-keyout', key, '-out', crt, '-days', '2', '-subj', '/CN=' + cn)
    return crt, key


def make_cert(dirpath, name, ca, ips, cn=None, days=2):
    """A server certificate signed by ca (make_ca's pair) for ips:
    (cert path, key path), the key 0600."""
    crt, key = os.path.join(dirpath, name + '.crt'), os.path.join(dirpath, name + '.key')
    csr, ext = os.path.join(dirpath, name + '.csr'), os.path.join(dirpath, name + '.ext')
    with open(ext, 'w') as f:
        f.write('subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'
                % ','.join('IP:' + ip for ip in ips))
    _run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout',
         key, '-out', csr, '-subj', '/CN=' + (cn or name))
    _run('x509', '-req', '-in', csr, '-CA', ca[0], '-CAkey', ca[1], '-CAcreateserial',
         '-out', crt, '-days', str(days), '-extfile', ext)
    os.chmod(key, 0o600)
    return crt, key


def install(pair, crt_path, key_path):
    """Copies a (cert, key) pair over the files a configuration names (what
    an operator's renewal does before SIGHUP)."""
    shutil.copyfile(pair[0], crt_path)
    shutil.copyfile(pair[1], key_path)
    os.chmod(key_path, 0o600)
