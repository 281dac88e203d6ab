#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-cp as Map-Server/Map-Resolver, driven by hand-made messages
(tests/lib/lispgwlab/wire.py) and by lispgw-ctl lig: registration and
Map-Notify, authentication and authorization failures, replays, proxy and
forwarded resolution, negative replies and their prefixes, Instance-ID
isolation, pub/sub, expiry, rate limiting, and SIGHUP reload good and bad."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.loopback import Lab, recv, drain   # noqa: E402

lab = Lab(block=61)
MS = lab.ip(1)
ETR_A, ETR_B, ITR = lab.ip(2), lab.ip(3), lab.ip(9)
XTR_A, XTR_B = bytes([0xa] * 16), bytes([0xb] * 16)

MS_CONF = """
roles: [map-server, map-resolver]
listen:
  addresses: [%(ms)s]
map-server:
  registration-timeout: %(timeout)s
  pubsub: true
  sites:
    - name: one
      key-id: 2
      key: "key-of-site-one"
      accept-more-specifics: true
      eid-prefixes: ["[1]10.1.0.0/16"]
    - name: two
      key-id: 1
      key: "key-of-site-two"
      eid-prefixes: ["[2]10.1.0.0/16"]
%(extra_site)s
map-resolver:
  rate-limit:
    requests-per-second: %(rate)d
    burst: %(rate)d
"""


def ms_conf(timeout='3s', rate=1000, extra_site=''):
    return MS_CONF % dict(ms=MS, timeout=timeout, rate=rate, extra_site=extra_site)


checks = Checks('map-server integration')
check = checks.check
failures = checks.failures


def register(sock, iid, prefix, plen, rloc, key, nonce, alg=lw.ALG_SHA256, xtr=XTR_A,
             proxy=True):
    msg = lw.map_register([lw.record(iid, prefix, plen, [(rloc, 1, 100)])], key, nonce,
                          alg=alg, proxy=proxy, xtr_id=xtr, site_id=1)
    sock.sendto(msg, (MS, 4342))
    return msg


def ask(sock, iid, target, nonce, xtr=None, notify=False):
    req = lw.map_request(iid, target, 32, sock.getsockname()[0], nonce, xtr_id=xtr,
                         site_id=1, notify=notify)
    sock.sendto(lw.ecm(req, sock.getsockname()[0], target, sock.getsockname()[1]), (MS, 4342))


lab.start('ms', ms_conf(), MS)
etr_a = lab.udp(ETR_A, 4342)
etr_b = lab.udp(ETR_B, 4342)
itr = lab.udp(ITR, 4342)

# Registration with want-map-notify: a signed Map-Notify echoing the nonce.
register(etr_a, 1, '10.1.2.0', 24, ETR_A, 'key-of-site-one', 100)
got = recv(etr_a)
check(got is not None and lw.msg_type(got[0]) == 4, 'Map-Notify acknowledges the Map-Register')
check(got is not None and lw.nonce_of(got[0]) == 100, 'Map-Notify echoes the nonce')
check(got is not None and lw.verify_auth(got[0], 'key-of-site-one'), 'Map-Notify is signed')

# Proxy resolution through the Map-Resolver (ECM).
ask(itr, 1, '10.1.2.3', 7)
got = recv(itr)
nonce, recs = lw.parse_map_reply(got[0]) if got else (None, [])
check(nonce == 7 and recs and recs[0][:3] == (1, '10.1.2.0', 24) and recs[0][5][0][0] == ETR_A,
      'proxy Map-Reply for [1]10.1.2.3 carries the registered RLOC')

# Same addresses in IID 2: a different tenant, not registered there.
ask(itr, 2, '10.1.2.3', 8)
got = recv(itr)
nonce, recs = lw.parse_map_reply(got[0]) if got else (None, [])
check(recs and recs[0][1:3] == ('10.1.0.0', 16) and recs[0][4] == 2 and not recs[0][5],
      'IID 2 with the same EID: negative, send-map-request, site prefix (never IID 1 data)')

# Not an EID: least-specific uncovered prefix, native-forward, 15 minutes.
ask(itr, 1, '192.168.1.1', 9)
got = recv(itr)
nonce, recs = lw.parse_map_reply(got[0]) if got else (None, [])
check(recs and recs[0][1:5] == ('128.0.0.0', 1, 15, 1), 'not an EID: [1]128.0.0.0/1 native-forward TTL 15')
ask(itr, 1, '10.2.0.1', 10)
got = recv(itr)
nonce, recs = lw.parse_map_reply(got[0]) if got else (None, [])
check(recs and recs[0][1:3] == ('10.2.0.0', 15), 'not an EID next to the site: [1]10.2.0.0/15')

# lig, the operator's view, agrees.
r = lab.lig('[1]10.1.2.3', MS)
check(r.get('records') and r['records'][0]['eid'] == '[1]10.1.2.0/24', 'lispgw-ctl lig resolves [1]10.1.2.3')

# Non-proxy registration: the Map-Server forwards the ECM to the ETR.
register(etr_b, 1, '10.1.3.0', 24, ETR_B, 'key-of-site-one', 200, xtr=XTR_B, proxy=False)
recv(etr_b)     # its Map-Notify
ask(itr, 1, '10.1.3.3', 11)
got = recv(etr_b)
check(got is not None and lw.msg_type(got[0]) == 8, 'non-proxy: the ECM is forwarded to the ETR')

# Wrong key, EID outside the site, wrong algorithm: no Map-Notify, not registered.
register(etr_a, 1, '10.1.4.0', 24, ETR_A, 'wrong-key', 101)
check(recv(etr_a, 0.5) is None, 'wrong key: no Map-Notify')
register(etr_a, 1, '10.9.0.0', 16, ETR_A, 'key-of-site-one', 102)
check(recv(etr_a, 0.5) is None, 'EID outside the site: no Map-Notify')
register(etr_a, 2, '10.1.4.0', 24, ETR_A, 'key-of-site-one', 103)
check(recv(etr_a, 0.5) is None, "site one's key cannot register in site two's IID")
ask(itr, 1, '10.1.4.1', 12)
got = recv(itr)
check(got and not lw.parse_map_reply(got[0])[1][0][5], 'refused registrations are not resolvable')

# Replay: the same bytes again change nothing and are not acknowledged.
old = register(etr_a, 1, '10.1.5.0', 24, ETR_A, 'key-of-site-one', 104)
recv(etr_a)
etr_a.sendto(old, (MS, 4342))
check(recv(etr_a, 0.5) is None, 'replayed Map-Register: no Map-Notify')

# Pub/sub (RFC 9437): xTR A subscribes to 10.1.2.0/24 with I and N bits;
# when xTR B also registers it, A's ITR is told without asking.
ask(itr, 1, '10.1.2.9', 13, xtr=XTR_A, notify=True)
first = recv(itr)
second = recv(itr)
msgs = sorted([m[0] for m in (first, second) if m], key=lw.msg_type)
check(len(msgs) == 2 and lw.msg_type(msgs[0]) == 2 and lw.msg_type(msgs[1]) == 4,
      'subscription: Map-Reply, then a confirming Map-Notify')
check(len(msgs) == 2 and lw.verify_auth(msgs[1], 'key-of-site-one'),
      'subscription Map-Notify signed with the subscriber site key')
register(etr_b, 1, '10.1.2.0', 24, ETR_B, 'key-of-site-one', 201, xtr=XTR_B)
recv(etr_b)
got = recv(itr)
rlocs = sorted(l[0] for l in lw.parse_map_notify(got[0])[1][0][5]) if got else []
check(rlocs == sorted([ETR_A, ETR_B]), 'publication: the merged RLOC set reaches the subscriber')
drain(etr_a)

# Rate limiting per source: 20 at once, at most a burst answered.
lab.stop('ms')
lab.start('ms', ms_conf(rate=5), MS)
for i in range(20):
    ask(itr, 1, '192.168.1.1', 300 + i)
answers = drain(itr)
check(1 <= answers <= 6, 'rate limit 5/s: %d of 20 answered' % answers)

# Expiry: a registration not refreshed disappears after the timeout (3 s).
time.sleep(1.1)
register(etr_a, 1, '10.1.6.0', 24, ETR_A, 'key-of-site-one', 400)
check(recv(etr_a) is not None, 'registered again after restart')
time.sleep(3.5)
ask(itr, 1, '10.1.6.1', 14)
got = recv(itr)
check(got and not lw.parse_map_reply(got[0])[1][0][5], 'expired registration: negative reply')

# SIGHUP: a good new config adds a site; a bad one is refused, the old stays.
lab.write('ms', ms_conf(rate=1000, extra_site="""    - name: three
      key-id: 2
      key: "key-of-site-three"
      eid-prefixes: ["[3]10.3.0.0/16"]"""))
lab.signal('ms', signal.SIGHUP)
time.sleep(0.5)
register(etr_a, 3, '10.3.0.0', 16, ETR_A, 'key-of-site-three', 500)
check(recv(etr_a) is not None, 'reload: a site added by SIGHUP accepts registrations')
lab.write('ms', 'roles: [map-server\nthis is not yaml: [')
lab.signal('ms', signal.SIGHUP)
time.sleep(0.5)
check(lab.procs['ms'].poll() is None, 'bad reload: the daemon keeps running')
check('reload refused' in lab.log('ms'), 'bad reload: the errors are logged')
register(etr_a, 3, '10.3.0.0', 16, ETR_A, 'key-of-site-three', 501)
check(recv(etr_a) is not None, 'bad reload: the old configuration still serves')

checks.exit()
