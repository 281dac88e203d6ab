#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: slowloris on the REST API (docs/security.md "REST under slow
clients", issue 13 item 5), against lispgw-cp in the attack lab's victim
namespace with the default limits.  The API listens on the victim's loopback
(a public REST address must be https, docs/security.md "REST over TLS"), so
the 200 slow connections (lispgwlab.slowhttp) come from two loopback
addresses of the victim namespace: 100 from 127.0.0.1, the address lispgw-ctl
shares, 100 from 127.0.0.2, another client; half
send a request head a byte at a time, half a whole head and then a body a
byte at a time that never ends; each one the server closes is opened again
at once.  Meanwhile, 12 times, `lispgw-ctl show stats` (from the victim
namespace, the address the local slow clients share) and GET /metrics
must answer within 2 seconds; the counters show the connections closed to
make room (by newcomers with a whole head: the body senders, lispgw-ctl)
and the newcomers refused (heads a byte at a time); the log lines about
them are rate limited.  Old main holds 64 connections with no deadline: lispgw-ctl times
out (5 s) every time."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import attack, netns, slowhttp   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import binary   # noqa: E402

why = netns.unavailable()
if why:
    skip(why)

TOKEN = 'attack-token-0123456789'
PORT = 8080
ROUNDS = 12
CONF = """
roles: [map-server]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  sites:
    - {name: tenant, key: "tenant-key", eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (attack.VICTIM4, attack.REST4, TOKEN)
OTHER_CLIENT = '127.0.0.2'     # the second client address, on the victim's lo

checks = Checks('attack: slowloris')
check = checks.check
lab = attack.Lab('slw')
lab.start_cp('cp', CONF)
api = lab.api(TOKEN, port=PORT)
check(api.ready(), 'REST answers')


def opener(src):
    return lambda: attack.in_netns(lab.victim,
                                   lambda: slowhttp.connect(attack.REST4, PORT, src))


def trickle(herds, stop):
    while not stop.is_set():
        for h in herds:
            h.step()
        stop.wait(0.2)


def ctl_stats():
    """(seconds, rc, stderr) of lispgw-ctl show stats from the victim namespace."""
    t = time.time()
    p = subprocess.run(netns.nsexec(lab.victim, binary('lispgw-ctl'), '--api',
                                    'http://%s:%d' % (attack.REST4, PORT), '--token', TOKEN,
                                    'show', 'stats'), capture_output=True, text=True, timeout=30)
    return time.time() - t, p.returncode, p.stderr.strip()


def metrics():
    """(seconds, status) of GET /metrics (curl in the victim namespace)."""
    t = time.time()
    try:
        status = api('GET', '/metrics')[0]
    except OSError:
        status = None
    return time.time() - t, status


def during_attack():
    """The worst times of ROUNDS lispgw-ctl and /metrics calls, and how many
    answered in time."""
    ctl_ok = met_ok = 0
    worst_ctl = worst_met = 0.0
    statuses, errors = [], []
    for _ in range(ROUNDS):
        took, rc, err = ctl_stats()
        worst_ctl = max(worst_ctl, took)
        if rc:
            errors.append(err)
        ctl_ok += rc == 0 and took < 2.0
        took, status = metrics()
        worst_met = max(worst_met, took)
        met_ok += status == 200 and took < 2.0
        statuses.append(status)
        time.sleep(0.5)
    return ctl_ok, worst_ctl, met_ok, worst_met, statuses, errors


herds = [slowhttp.Herd(attack.REST4, PORT, 100, ('head', 'body'), opener=opener(src))
         for src in (attack.REST4, OTHER_CLIENT)]
check(all(h.open_count() == 100 and h.failed == 0 for h in herds),
      '200 slow connections opened: 100 from lispgw-ctl\'s address, 100 from another',
      [(h.open_count(), h.failed) for h in herds])
stop = threading.Event()
feeder = threading.Thread(target=trickle, args=(herds, stop))
feeder.start()
t0 = time.time()
ctl_ok, worst_ctl, met_ok, worst_met, statuses, errors = during_attack()
attack_s = time.time() - t0
stop.set()
feeder.join()
check(ctl_ok == ROUNDS, f'lispgw-ctl show stats answered within 2 s {ctl_ok} of {ROUNDS} '
      f'times during the attack (slowest {worst_ctl:.2f} s)', errors)
check(met_ok == ROUNDS, f'GET /metrics answered within 2 s {met_ok} of {ROUNDS} times '
      f'(slowest {worst_met:.2f} s)', statuses)
closed = sum(h.closed for h in herds)
check(closed > 0, f'the server closed {closed} slow connections in {attack_s:.1f} s '
      '(each opened again at once)')
for h in herds:
    h.close()
try:
    rest = api('GET', '/api/v1/stats')[1].get('rest', {})
except OSError:
    rest = {}
evicted = rest.get('evicted_full', 0) + rest.get('evicted_address_full', 0)
check(evicted > 0, 'connections closed to make room are counted (evicted_full '
      f'{rest.get("evicted_full")}, evicted_address_full {rest.get("evicted_address_full")})',
      rest)
check(rest.get('refused_full', 0) > 0,
      'newcomers to a full table without their whole head are refused, closing no one '
      f'(refused_full {rest.get("refused_full")}, closed_header_deadline '
      f'{rest.get("closed_header_deadline")})', rest)
lines = lab.log('cp').count('rest: closed a connection')
check(0 < lines <= 12 * (attack_s + 2),
      f'the closes are logged at a limited rate: {lines} lines for {evicted} evictions')

if checks.failures:
    print(lab.log('cp')[-3000:])
checks.exit()
