# SPDX-License-Identifier: BSD-3-Clause
"""REST for every test: Api, one client (bearer token, JSON in and out,
from this process or from inside a namespace), and the lab the REST suite
runs in: lispgw-cp daemons on their own loopback addresses, each with REST
on a free port; calls checked against docs/openapi.yaml (openapi.py);
lispgw-ctl runs; clean-up that always stops the daemons and fails a test
whose daemon did not exit cleanly (or reported a sanitizer error)."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.parse

from . import REPO, privs
from .check import Checks
from .daemons import binary
from .netns import nsexec

CP = binary('lispgw-cp')
CTL = binary('lispgw-ctl')
SPEC = os.environ.get('LISPGW_OPENAPI', os.path.join(REPO, 'docs', 'openapi.yaml'))

# The REST suite's one tally: call(), ctl() and Lab.close() check into it.
checks = Checks()
check = checks.check
failures = checks.failures
_spec = []


def spec():
    """docs/openapi.yaml, parsed on first use (PyYAML only where needed)."""
    if not _spec:
        from .openapi import Spec
        _spec.append(Spec(SPEC))
    return _spec[0]


def decode(text):
    """A body: parsed JSON, None when empty, else the text (/metrics)."""
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class Api:
    """api(method, path, body) -> (status, body) against http://host:port
    with the bearer token.  ns: the API listens inside that namespace,
    reached with curl there (an `ip netns exec python3` per call is slow).
    cafile: the API is https, its certificate signed by that CA.
    Raises OSError when nothing answers."""

    def __init__(self, host, token, port=8080, ns=None, timeout=5, cafile=None):
        self.host, self.token, self.port, self.ns, self.timeout = host, token, port, ns, timeout
        self.cafile = cafile

    def url(self):
        return '%s://%s:%d' % ('https' if self.cafile else 'http', self.host, self.port)

    def _connection(self):
        if not self.cafile:
            return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        ctx = ssl.create_default_context(cafile=self.cafile)
        return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                           context=ctx)

    def __call__(self, method, path, body=None):
        data = json.dumps(body) if body is not None else None
        if self.ns:
            return self._curl(method, path, data)
        conn = self._connection()
        headers = {'Authorization': 'Bearer ' + self.token}
        if data is not None:
            headers['Content-Type'] = 'application/json'
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            return r.status, decode(r.read().decode())
        finally:
            conn.close()

    def _curl(self, method, path, data):
        tls = ['--cacert', self.cafile] if self.cafile else []
        cmd = nsexec(self.ns, 'curl', '-s', '-m', self.timeout, *tls, '-X', method,
                     '-H', 'Authorization: Bearer ' + self.token, '-w', '\n%{http_code}',
                     self.url() + path)
        if data is not None:
            cmd += ['-H', 'Content-Type: application/json', '--data', data]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout + 5)
        if out.returncode != 0:
            raise OSError(out.stderr or 'curl %d' % out.returncode)
        text, _, code = out.stdout.rpartition('\n')
        return int(code), decode(text)

    def ready(self, timeout=5):
        """True once GET /api/v1/health answers 200."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self('GET', '/api/v1/health')[0] == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False


def ctl_args(api):
    """lispgw-ctl's arguments that reach api."""
    tls = ['--cacert', api.cafile] if api.cafile else []
    return [CTL, '--api', api.url(), '--token', api.token] + tls


def free_port(ip):
    s = socket.socket()
    s.bind((ip, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Daemon:
    def __init__(self, lab, name, ip, conf, token):
        self.name, self.ip, self.token, self.lab = name, ip, token, lab
        self.port = free_port(ip)
        self.path = os.path.join(lab.dir, name + '.yaml')
        self.write(conf, token)
        self.logf = open(os.path.join(lab.dir, name + '.log'), 'w')
        privs.share(lab.dir)    # read again after the drop (privs.py)
        self.proc = subprocess.Popen([CP, '-d', '-c', self.path], stdout=self.logf,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 5
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('%s exited:\n%s' % (name, self.log()))
            try:
                if request(self, 'GET', '/api/v1/health', token=None)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError('%s: REST did not come up' % name)

    def write(self, conf, token):
        rest = 'rest:\n  address: %s\n  port: %d\n  token: "%s"\n' % (self.ip, self.port, token)
        with open(self.path, 'w') as f:
            f.write(conf + '\n' + rest)

    def url(self):
        return 'http://%s:%d' % (self.ip, self.port)

    def log(self):
        with open(os.path.join(self.lab.dir, self.name + '.log')) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


class Lab:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='lispgw-rest-')
        self.daemons = []

    def start(self, name, ip, conf, token):
        d = Daemon(self, name, ip, conf, token)
        self.daemons.append(d)
        return d

    def close(self, keep_logs=False):
        for d in self.daemons:
            d.stop()
            # Stopped by SIGTERM, a daemon exits 0; under sanitizers a
            # report (leak included) shows in its log.
            log = d.log()
            check(d.proc.returncode == 0 and 'Sanitizer' not in log and
                  'runtime error:' not in log, '%s exits cleanly' % d.name,
                  'exit %s' % d.proc.returncode)
            keep_logs = keep_logs or bool(failures)
        if keep_logs:
            for d in self.daemons:
                print('--- %s log ---\n%s' % (d.name, d.log()[-3000:]))
        shutil.rmtree(self.dir, ignore_errors=True)


DEFAULT = object()


def request(d, method, path, token=DEFAULT, body=None, headers=None):
    """(status, headers, text) of one call."""
    conn = http.client.HTTPConnection(d.ip, d.port, timeout=5)
    h = dict(headers or {})
    if token is DEFAULT:
        token = d.token
    if token is not None:
        h['Authorization'] = 'Bearer ' + token
    if body is not None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        h.setdefault('Content-Type', 'application/json')
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, r, r.read().decode()
    finally:
        conn.close()


def call(d, method, path, query=None, expect=None, field=None, **kw):
    """One call checked against the spec (path templates such as
    /api/v1/agents/{id} included): a status the operation lists, a body of
    the listed content type valid against its schema, and a request body
    the server accepted valid against the request schema.  Returns
    (status, parsed body)."""
    full = path + ('?' + urllib.parse.urlencode(query) if query else '')
    status, resp, text = request(d, method, full, **kw)
    what = '%s %s %s' % (d.name, method, full)
    if expect is not None:
        check(status == expect, '%s -> %d' % (what, expect), 'got %d %s' % (status, text[:300]))
    try:
        op = spec().operation(path, method)
    except KeyError:
        op = None
    ctype = resp.getheader('Content-Type', '')
    if ctype.startswith('application/json'):
        body = json.loads(text)
    else:
        body = text
    if op is None:
        # Not in the spec: unknown path (404, or 401 first without the
        # token) or method (405), all Errors.
        errs = spec().validate(body, {'$ref': '#/components/schemas/Error'})
        check(status in (401, 404, 405) and not errs, what + ': 401/404/405 with an Error body',
              '%d %s' % (status, errs))
        return status, body
    listed = spec().response(op, status)
    check(listed is not None, what + ': status %d is listed in the spec' % status, text[:200])
    if listed is not None:
        ct = 'text/plain' if ctype.startswith('text/plain') else 'application/json'
        schema = spec().response_schema(op, status, ct)
        check(schema is not None, what + ': %d %s is the content type the spec lists' %
              (status, ctype))
        if schema is not None:
            errs = spec().validate(body, schema)
            check(not errs, what + ': body valid against the spec', '; '.join(errs[:5]))
        # What the server took is what the spec says it takes.
        req = kw.get('body')
        rschema = spec().request_schema(op)
        if 200 <= status < 300 and rschema is not None and isinstance(req, (dict, list)):
            errs = spec().validate(req, rschema)
            check(not errs, what + ': the accepted request body is valid against the spec',
                  '; '.join(errs[:5]))
    if field is not None:
        check(isinstance(body, dict) and body.get('field') == field,
              '%s: field %r named' % (what, field), str(body))
    return status, body


def poll(fn, timeout=4.0):
    deadline = time.time() + timeout
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.05)


def ctl(*args, env_token=None, input_=None):
    env = dict(os.environ)
    env.pop('LISPGW_TOKEN', None)
    if env_token:
        env['LISPGW_TOKEN'] = env_token
    p = subprocess.run([CTL] + list(args), capture_output=True, text=True, timeout=20, env=env)
    check('Sanitizer' not in p.stderr and 'runtime error:' not in p.stderr,
          'ctl %s: no sanitizer report' % ' '.join(args[:3]), p.stderr[-2000:])
    return p.returncode, p.stdout, p.stderr
