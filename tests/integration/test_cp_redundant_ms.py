#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Redundant Map-Servers (issue 14 items 1-3; docs/ddt.md, "Map-Resolvers,
Map-Servers and fail-over"), lispgw-cp daemons on loopback:

  ms1, ms2  map-server only, the same site [1]10.0.0.0/8, ddt-peers both
  etr       registers [1]10.2.0.0/16 (proxy reply) to both
  xa, xb    two xTRs of one site, each registering [1]10.3.0.0/16 with
            its own RLOC and xTR-ID, to both
  mr        map-resolver only, map-servers: addresses [ms1, ms2] for
            [1]10.0.0.0/8, health-interval 200ms, health-misses 2

Shown: each Map-Server holds every registration, the two xTRs merged alike
on both, and each acknowledged its registrants (its own Map-Notify, its own
replay state); a DDT-originated Map-Request (ECM with the D bit) to a
Map-Server gets its Map-Referral (MS-ACK with both peers, MS-NOT-REGISTERED,
NOT-AUTHORITATIVE; RFC 8111 7.2) beside the usual proxy Map-Reply;
resolutions through the Map-Resolver at a steady rate, retried like an ITR,
lose none while ms1 is SIGKILLed: the Map-Resolver fails over to ms2 within
(health-misses + 1) x health-interval (measured and bounded); ms1 restarted
holds every registration again within one registration interval, and the
Map-Resolver marks it up and prefers it again; GET /api/v1/delegations and
`lispgw-ctl show delegations` show it."""
import json
import os
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import wire   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import CTL, Lab, recv   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=81)
MS1, MS2, MR, ETR, XA, XB, ITR = (lab.ip(i) for i in (1, 2, 3, 4, 5, 6, 9))
TOKEN = 'integration-token-0123456789'
HEALTH_MS, MISSES, REGISTER_S = 200, 2, 1.0
checks = Checks('redundant map-servers')
check = checks.check

MS_CONF = """
roles: [map-server]
listen: {addresses: [%(me)s]}
rest: {address: %(me)s, token: "%(tok)s"}
map-server:
  ddt-peers: [%(ms1)s, %(ms2)s]
  sites:
    - {name: tenant, key-id: 2, key: "tenant-key", accept-more-specifics: true,
       allow-shared-eids: true, eid-prefixes: ["[1]10.0.0.0/8"]}
"""


def ms_conf(me):
    return MS_CONF % dict(me=me, ms1=MS1, ms2=MS2, tok=TOKEN)


def xtr_conf(me, eid, xtr_id, proxy):
    return """
roles: [etr]
xtr-id: "%(xid)s"
listen: {addresses: [%(me)s]}
rest: {address: %(me)s, token: "%(tok)s"}
etr:
  register-interval: 1s
  want-map-notify: true
  proxy-reply: %(proxy)s
  map-servers:
    - {address: %(ms1)s, key-id: 2, key: "tenant-key"}
    - {address: %(ms2)s, key-id: 2, key: "tenant-key"}
  database:
    - {eid-prefix: "%(eid)s", rlocs: [{address: %(me)s}]}
""" % dict(me=me, eid=eid, xid=xtr_id, proxy='true' if proxy else 'false', ms1=MS1, ms2=MS2,
           tok=TOKEN)


def api(host, path):
    try:
        st, body = Api(host, TOKEN)('GET', path)
    except OSError:
        return None
    return body if st == 200 else None


def rlocs_of(host, eid):
    """The merged RLOCs the Map-Server at host holds for eid, or None."""
    b = api(host, '/api/v1/registrations?eid=' + eid + '&match=exact')
    for r in (b or {}).get('registrations', []):
        return sorted(l.get('rloc') or l.get('address') for l in r.get('rlocs', []))
    return None


def whole(host):
    return rlocs_of(host, '[1]10.2.0.0/16') == [ETR] and \
        rlocs_of(host, '[1]10.3.0.0/16') == sorted([XA, XB])


for name, me in (('ms1', MS1), ('ms2', MS2)):
    lab.start(name, ms_conf(me), me)
lab.start('etr', xtr_conf(ETR, '[1]10.2.0.0/16', '0' * 31 + '1', True), ETR)
lab.start('xa', xtr_conf(XA, '[1]10.3.0.0/16', '0' * 31 + 'a', False), XA)
lab.start('xb', xtr_conf(XB, '[1]10.3.0.0/16', '0' * 31 + 'b', False), XB)
MR_CONF = """
roles: [map-resolver]
listen: {addresses: [%(mr)s]}
rest: {address: %(mr)s, token: "%(tok)s"}
map-resolver:
  health-interval: %(hi)dms
  health-misses: %(hm)d
  map-servers:
    - {addresses: [%(ms1)s, %(ms2)s], eid-prefixes: ["[1]10.0.0.0/8"]}
"""
lab.start('mr', MR_CONF % dict(mr=MR, ms1=MS1, ms2=MS2, tok=TOKEN, hi=HEALTH_MS, hm=MISSES), MR)

# --- registration to both, merged alike -------------------------------------
for host, name in ((MS1, 'ms1'), (MS2, 'ms2')):
    ok = wait_for(lambda: whole(host), 6.0, 0.1)
    check(ok, '%s holds [1]10.2.0.0/16 (ETR) and [1]10.3.0.0/16 merged from xa and xb' % name,
          (rlocs_of(host, '[1]10.2.0.0/16'), rlocs_of(host, '[1]10.3.0.0/16')))
    m = (api(host, '/api/v1/stats') or {}).get('map_server', {})
    check(m.get('registers_accepted', 0) >= 3 and m.get('notifies_sent', 0) >= 3 and
          m.get('refused_replay', 0) == 0 and m.get('register_auth_failures', 0) == 0,
          '%s accepted and acknowledged each registrant, no replay refusal' % name, m)
for name, me in (('etr', ETR), ('xa', XA), ('xb', XB)):
    e = {}
    ok = wait_for(lambda: ((api(me, '/api/v1/stats') or {}).get('etr', {})
                           .get('notifies_received', 0) >= 2), 4.0, 0.1)
    e = (api(me, '/api/v1/stats') or {}).get('etr', {})
    check(ok and e.get('notify_errors', 0) == 0,
          '%s got Map-Notifies from both Map-Servers (each its own nonce)' % name, e)

# --- the Map-Server's DDT answers -----------------------------------------
itr = lab.udp(ITR)
ddt_mr = lab.udp(ITR)   # plays the DDT Map-Resolver: a socket of its own


def ddt_ask(ms, iid, eid, nonce):
    req = wire.map_request(iid, eid, 32, ITR, nonce)
    ddt_mr.sendto(wire.ecm(req, ITR, ms, itr.getsockname()[1], ddt=True), (ms, 4342))
    got = recv(ddt_mr, 2.0)
    return wire.parse_map_referral(got[0]) if got else (None, [])


n, recs = ddt_ask(MS2, 1, '10.2.3.4', 0x1001)
r = recs[0] if recs else {}
check(n == 0x1001 and r.get('action') == 2 and r.get('ttl') == 1440 and r.get('auth') and
      not r.get('incomplete') and r.get('prefix') == '10.2.0.0' and r.get('plen') == 16 and
      sorted(r.get('refs', [])) == sorted([MS1, MS2]),
      'D-bit ECM, registered EID: Map-Referral MS-ACK, TTL 1440, referral set {ms1, ms2}', recs)
got = recv(itr, 2.0)
check(got is not None and wire.msg_type(got[0]) == 2 and wire.nonce_of(got[0]) == 0x1001,
      'and the ITR still gets the proxy Map-Reply', got and wire.msg_type(got[0]))
n, recs = ddt_ask(MS1, 1, '10.99.1.1', 0x1002)
r = recs[0] if recs else {}
check(n == 0x1002 and r.get('action') == 3 and r.get('ttl') == 1 and
      sorted(r.get('refs', [])) == sorted([MS1, MS2]),
      'D-bit ECM, configured, unregistered: MS-NOT-REGISTERED, TTL 1', recs)
n, recs = ddt_ask(MS1, 1, '172.16.0.1', 0x1003)
r = recs[0] if recs else {}
check(n == 0x1003 and r.get('action') == 5 and r.get('ttl') == 0 and not r.get('refs') and
      r.get('incomplete') and (r.get('prefix'), r.get('plen')) == ('172.16.0.1', 32),
      'D-bit ECM, outside every site: NOT-AUTHORITATIVE [1]172.16.0.1/32, TTL 0', recs)
check(recv(itr, 0.3) is None, 'no Map-Reply to the ITR for either negative referral')

# --- resolutions through the Map-Resolver while ms1 dies --------------------
RATE_S, RETRY_S, TRIES = 0.05, 0.3, 8


def resolve_steadily(duration, at=None):
    """Map-Requests for [1]10.2.3.4 through the Map-Resolver every RATE_S,
    each retried every RETRY_S up to TRIES times; at: {seconds: action}.
    Returns (answered [(first_sent, answered_at, tries, from)], lost, marks)."""
    t0 = time.monotonic()
    nonce, pending, answered, lost, marks = 0x20000, {}, [], 0, {}
    actions = sorted((at or {}).items())
    next_send = t0
    while True:
        now = time.monotonic()
        while actions and now - t0 >= actions[0][0]:
            marks[actions[0][0]] = time.monotonic()
            actions.pop(0)[1]()
            now = time.monotonic()
        if now - t0 < duration and now >= next_send:
            nonce += 1
            pending[nonce] = [now, now, 0]
            next_send += RATE_S
        for n_, p in list(pending.items()):
            if now - p[1] >= RETRY_S or p[2] == 0:
                if p[2] == TRIES:
                    lost += 1
                    del pending[n_]
                    continue
                req = wire.map_request(1, '10.2.3.4', 32, ITR, n_)
                itr.sendto(wire.ecm(req, ITR, MR, itr.getsockname()[1]), (MR, 4342))
                p[1], p[2] = now, p[2] + 1
        if now - t0 >= duration and not pending:
            return answered, lost, marks
        if select.select([itr], [], [], 0.01)[0]:
            msg, frm = itr.recvfrom(65535)
            if wire.msg_type(msg) == 2 and wire.nonce_of(msg) in pending:
                p = pending.pop(wire.nonce_of(msg))
                answered.append((p[0], time.monotonic(), p[2], frm[0]))


check(wait_for(lambda: all(m['state'] == 'up' for m in
                           (api(MR, '/api/v1/delegations') or {'delegations': [{}]})
                           ['delegations'][0].get('map_servers', [{}])), 3.0, 0.1),
      'the Map-Resolver sees both Map-Servers up')
answered, lost, marks = resolve_steadily(3.0, {1.0: lambda: lab.signal('ms1', signal.SIGKILL)})
kill = marks.get(1.0)
check(lost == 0 and len(answered) >= 55, 'steady resolutions through ms1\'s SIGKILL: none lost '
      '(%d answered)' % len(answered), lost)
before = [a for a in answered if a[0] < kill]
check(before and all(a[3] == MS1 for a in before if a[2] == 1),
      'before the kill the first Map-Server (ms1) answered', before[:3])
after_first_try = [a for a in answered if a[0] > kill and a[2] == 1 and a[3] == MS2]
failover_ms = (after_first_try[0][0] - kill) * 1000 if after_first_try else None
bound_ms = (MISSES + 1) * HEALTH_MS + 1000 * RATE_S + 250
check(failover_ms is not None and failover_ms <= bound_ms,
      'fail-over to ms2 in %s ms (bound (misses + 1) x interval + a request + 250 = %d ms)'
      % (failover_ms and round(failover_ms), bound_ms), failover_ms)
print('measured: fail-over %.0f ms; retried resolutions %d of %d; slowest %.0f ms' % (
    failover_ms or -1, sum(1 for a in answered if a[2] > 1), len(answered),
    max((a[1] - a[0]) * 1000 for a in answered)), flush=True)
d = ((api(MR, '/api/v1/delegations') or {}).get('delegations') or [{}])[0]
m1 = (d.get('map_servers') or [{}])[0]
check(m1.get('state') == 'down' and m1.get('counters', {}).get('went_down') == 1 and
      d.get('counters', {}).get('forwarded', 0) >= len(answered),
      'GET /api/v1/delegations: ms1 down, went_down 1, forwards counted', d)

# A reload (SIGHUP) with one more delegation: parsed aside, swapped whole,
# what is known of the Map-Servers that stay is kept (ms1 still down).
lab.write('mr', (MR_CONF + """    - {address: %(ms2)s, eid-prefixes: ["[2]10.0.0.0/8"]}
""") % dict(mr=MR, ms1=MS1, ms2=MS2, tok=TOKEN, hi=HEALTH_MS, hm=MISSES))
lab.signal('mr', signal.SIGHUP)
ok = wait_for(lambda: (api(MR, '/api/v1/delegations') or {}).get('count') == 2, 3.0, 0.05)
dl = (api(MR, '/api/v1/delegations') or {}).get('delegations', [])
m1 = (dl[0].get('map_servers') or [{}])[0] if dl else {}
check(ok and m1.get('state') == 'down' and m1.get('counters', {}).get('went_down') == 1,
      'SIGHUP: the new delegation is there, ms1 stays down with its counters', dl)

# --- ms1 comes back ---------------------------------------------------------
lab.stop('ms1')
t_start = time.monotonic()
lab.start('ms1', ms_conf(MS1), MS1)
t_listen = time.monotonic()
ok = wait_for(lambda: whole(MS1), 3 * REGISTER_S, 0.05)
whole_s = time.monotonic() - t_listen
check(ok and whole_s <= REGISTER_S + 0.3,
      'restarted ms1 whole again in %.2f s (registration interval %.1f s; started in %.2f s)'
      % (whole_s, REGISTER_S, t_listen - t_start), (rlocs_of(MS1, '[1]10.2.0.0/16'),
                                                    rlocs_of(MS1, '[1]10.3.0.0/16')))
ok = wait_for(lambda: ((api(MR, '/api/v1/delegations') or {}).get('delegations', [{}])[0]
                       .get('map_servers', [{}])[0].get('state') == 'up'), 2.0, 0.05)
check(ok, 'the Map-Resolver marked ms1 up again')
answered, lost, _ = resolve_steadily(0.5)
check(lost == 0 and answered and all(a[3] == MS1 for a in answered),
      'resolutions go to ms1 again, first in order', [a[3] for a in answered][:5])
m1 = ((api(MR, '/api/v1/delegations') or {}).get('delegations') or [{}])[0] \
    .get('map_servers', [{}])[0].get('counters', {})
mr_stats = (api(MR, '/api/v1/stats') or {}).get('map_resolver', {})
check(m1.get('went_down') == 1 and m1.get('went_up') == 1 and
      mr_stats.get('health_went_up') == 1 and mr_stats.get('health_answers', 0) > 0,
      'ms1 went down once and up once (kept over the reload); the Map-Resolver counted the up',
      (m1, mr_stats))

# Negative replies stay as before with two Map-Servers per prefix.
r = lab.lig('[1]10.99.1.1', MR)
rec = (r.get('records') or [{}])[0]
check(r.get('from') == MS1 and rec.get('eid') == '[1]10.64.0.0/10' and
      rec.get('action') == 'send-map-request',
      'unregistered EID in the site: the Map-Server\'s negative [1]10.64.0.0/10', r)
r = lab.lig('[1]172.16.0.1', MR)
rec = (r.get('records') or [{}])[0]
check(r.get('from') == MR and rec.get('eid') == '[1]128.0.0.0/1' and
      rec.get('action') == 'native-forward',
      'EID outside the delegations: the Map-Resolver\'s negative [1]128.0.0.0/1', r)

out = subprocess.run([CTL, '--api', 'http://%s:8080' % MR, '--token', TOKEN, 'show',
                      'delegations'], capture_output=True, text=True, timeout=10)
lines = out.stdout.splitlines()
check(out.returncode == 0 and len(lines) == 4 and lines[0].split()[:3] ==
      ['EID-PREFIX', 'MAP-SERVER', 'STATE'] and MS1 in lines[1] and ' up ' in lines[1] and
      MS2 in lines[2], 'lispgw-ctl show delegations: one row per Map-Server, in order',
      out.stdout + out.stderr)
out = subprocess.run([CTL, '--api', 'http://%s:8080' % MR, '--token', TOKEN, 'show',
                      'delegations', '--json'], capture_output=True, text=True, timeout=10)
check(out.returncode == 0 and json.loads(out.stdout)['health'] ==
      {'interval_ms': HEALTH_MS, 'misses': MISSES}, 'show delegations --json: the health keys',
      out.stdout)

if checks.failures:
    for n in ('ms1', 'ms2', 'mr', 'etr', 'xa'):
        print('--- ' + n)
        try:
            print(lab.log(n)[-1500:])
        except OSError:
            pass
checks.exit()
