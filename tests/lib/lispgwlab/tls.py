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


def make_expired_cert(dirpath, name, ca, ips):
    """A server certificate ca signed that expired yesterday (openssl 3.0's
    x509 -days cannot go back): python3-cryptography."""
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    with open(ca[0], 'rb') as f:
        ca_cert = x509.load_pem_x509_certificate(f.read())
    with open(ca[1], 'rb') as f:
        ca_key = serialization.load_pem_private_key(f.read(), None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=3))
            .not_valid_after(now - datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    crt, kpath = os.path.join(dirpath, name + '.crt'), os.path.join(dirpath, name + '.key')
    with open(crt, 'wb') as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(kpath, 'wb') as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    os.chmod(kpath, 0o600)
    return crt, kpath
