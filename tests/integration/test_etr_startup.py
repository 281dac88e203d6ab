#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The ETR's start-up on the wire (tshark as the independent decoder): a
Map-Server and an ETR (lispgw-cp both, on loopback) with 1 and then 1,000
database entries.  What the start-up costs must be what the database needs:
as few Map-Registers as fit a 1500-byte path, each record once, and no
Map-Notify-Ack (every Map-Notify answers one of our own Map-Registers).
Prints the figures docs/BENCHMARKS.md quotes.  Skipped (77) without tshark
or the right to capture on lo."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab import tshark   # noqa: E402
from lispgwlab.loopback import Lab   # noqa: E402
from lispgwlab.rest import Api   # noqa: E402

lab = Lab(block=67)
MS, ETR = lab.ip(1), lab.ip(2)
TOKEN = 'integration-token-0123456789'
checks = Checks('etr-startup')
check = checks.check
failures = checks.failures


def stats(host):
    try:
        st, b = Api(host, TOKEN)('GET', '/api/v1/stats')
    except OSError:
        return {}
    return b if st == 200 else {}


MS_CONF = """
roles: [map-server]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
map-server:
  sites:
    - {name: s, key-id: 2, key: "site-key", accept-more-specifics: true,
       eid-prefixes: ["[1]10.0.0.0/8"]}
""" % (MS, MS, TOKEN)

ETR_CONF = """
roles: [etr]
listen: {addresses: [%s]}
rest: {address: %s, token: "%s"}
etr:
  register-interval: 1m
  map-servers: [{address: %s, key-id: 2, key: "site-key"}]
  database:
%s
"""


def database(n):
    return '\n'.join('    - {eid-prefix: "[1]10.%d.%d.%d/32", rlocs: [{address: %s}]}'
                     % (i // 62500, i // 250 % 250, i % 250 + 1, ETR) for i in range(n))


def capture_start(pcap):
    cap = tshark.Capture(pcap, 'lo', 'udp port 4342 and host %s' % MS)
    return cap if cap.started else None


def count(pcap):
    """Map-Registers from the ETR, their records, Map-Notify-Acks."""
    rows = tshark.fields(pcap, ['ip.src', 'lisp.type', 'lisp.records'], display='lisp')
    regs = records = acks = 0
    for f in rows:
        if len(f) < 2 or f[0] != ETR:
            continue
        if f[1] == '3':
            regs += 1
            records += int(f[2] or 0)
        elif f[1] == '5':
            acks += 1
    return regs, records, acks


def run(n):
    pcap = os.path.join(lab.dir, 'etr-%d.pcap' % n)
    cap = capture_start(pcap)
    if not cap:
        return None
    lab.start('ms', MS_CONF, MS)
    lab.start('etr', ETR_CONF % (ETR, ETR, TOKEN, MS, database(n)), ETR)
    deadline = time.time() + 10
    while time.time() < deadline and not stats(ETR).get('etr', {}).get('registered'):
        time.sleep(0.1)
    # Past one notify timeout (1 s): retransmissions and acks would show.
    time.sleep(1.5)
    etr = stats(ETR).get('etr', {})
    ms = stats(MS).get('map_server', {})
    lab.stop('etr')
    lab.stop('ms')
    time.sleep(0.3)
    cap.stop(timeout=10)
    regs, records, acks = count(pcap)
    print('%d entries: %d Map-Registers, %d records, %d Map-Notify-Acks '
          '(ETR registers_sent %s, register_records_sent %s; MS notify_ack_errors %s, '
          'registrations %s)' % (n, regs, records, acks, etr.get('registers_sent'),
                                 etr.get('register_records_sent'),
                                 ms.get('notify_ack_errors'), ms.get('registrations')))
    return regs, records, acks, ms


if not tshark.path():
    skip('no tshark')

got = run(1)
if got is None:
    skip('cannot capture on lo')
regs, records, acks, ms = got
check(regs == 1, '1 entry: one Map-Register', regs)
check(records == 1, '1 entry: one record', records)
check(acks == 0, '1 entry: no Map-Notify-Ack', acks)
check(ms.get('notify_ack_errors') == 0, "1 entry: the Map-Server saw no stray ack", ms)

regs, records, acks, ms = run(1000)
# A record here is 40 bytes; 35 of them (1,400 bytes) fit a 1500-byte packet.
check(0 < regs <= 1000 * 40 // (1400 - 40) + 1, '1000 entries: batched (%d Map-Registers)' % regs,
      regs)
check(records == 1000, '1000 entries: each record once', records)
check(acks == 0, '1000 entries: no Map-Notify-Ack', acks)
check(ms.get('registrations') == 1000, '1000 entries: all registered', ms)

checks.exit()
