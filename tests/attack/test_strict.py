#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Attack: strict parsing (docs/security.md "Authentication fields,
strictly", "Hostile configuration files", "The largest Map-Register";
issue 13 item 6), against lispgw-cp in the attack lab's victim namespace.
Map-Registers correctly signed over their bytes but with an Authentication
Data Length their algorithm does not define (13 and 16 with HMAC-SHA-1, 24
with HMAC-SHA-256) or Key ID 7 are refused and counted, with no Map-Notify;
a 100,000-level YAML swapped in before SIGHUP is refused at once, counted,
with the old configuration kept; the largest Map-Register the daemon takes
(223 records with an Instance-ID, 8,992 bytes, fragmented on the veth) is
registered and acknowledged."""
import hashlib
import hmac
import os
import signal
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import attack, netns   # noqa: E402
from lispgwlab import wire as lw   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402
from lispgwlab.loopback import recv   # noqa: E402

why = netns.unavailable()
if why:
    skip(why)

TOKEN = 'attack-token-0123456789'
KEY = 'tenant-key'
CONF = attack.ms_conf(TOKEN, KEY)
UDP_TAKEN = 9000    # controlplane/core/udp_io.h UDP_IO_BUF_SIZE

checks = Checks('attack: strict')
check = checks.check
lab = attack.Lab('ast')
proc = lab.start_cp('ms', CONF)
api = lab.api(TOKEN)
check(api.ready(), 'the Map-Server answers REST')


def stats():
    return api('GET', '/api/v1/stats')[1]


def reload_failures():
    """None while REST does not answer (a daemon stuck parsing)."""
    try:
        return stats()['config']['reload_failures']
    except OSError:
        return None


def register(records, nonce, alg, auth_len, key_id=0):
    """A Map-Register signed over its bytes whatever auth_len says: the
    HMAC cut (or zero-padded) to auth_len."""
    flags = 0x38000100 | 0x02000000
    hdr = struct.pack('!IQBBH', flags | len(records), nonce, key_id, alg, auth_len)
    body = b''.join(records) + bytes([7] * 16) + struct.pack('!Q', 0)
    h = hashlib.sha1 if alg == lw.ALG_SHA1 else hashlib.sha256
    mac = hmac.new(KEY.encode(), hdr + bytes(auth_len) + body, h).digest()
    return hdr + (mac + bytes(auth_len))[:auth_len] + body


def notified(sock, timeout=1.0):
    got = recv(sock, timeout)
    return got[0] if got is not None and lw.msg_type(got[0]) == 4 else None


def strict_auth(etr):
    rec = [lw.record(1, '10.1.0.0', 16, [(attack.ATTACKER4, 1, 100)])]
    cases = [('13-byte HMAC-SHA-1', lw.ALG_SHA1, 13, 0),
             ('16-byte HMAC-SHA-1', lw.ALG_SHA1, 16, 0),
             ('24-byte HMAC-SHA-256', lw.ALG_SHA256, 24, 0),
             ('Key ID 7', lw.ALG_SHA256, 32, 7)]
    for n, (what, alg, auth_len, key_id) in enumerate(cases):
        before = stats()['map_server']
        etr.sendto(register(rec, 200 + n, alg, auth_len, key_id), (attack.VICTIM4, 4342))
        check(notified(etr) is None, f'{what}: no Map-Notify')
        after = stats()['map_server']
        check(after['refused_auth_failed'] - before['refused_auth_failed'] == 1,
              f'{what}: refused, counted in refused_auth_failed', (before, after))
        check(after['registers_accepted'] == before['registers_accepted'],
              f'{what}: nothing accepted')
    etr.sendto(register(rec, 300, lw.ALG_SHA256, 32), (attack.VICTIM4, 4342))
    check(notified(etr) is not None, 'the same record, 32-byte HMAC-SHA-256, Key ID 0: '
          'acknowledged')


def deep_yaml_on_sighup(etr):
    levels = 100000
    good = open(lab.conf_path('ms')).read()
    before = reload_failures()
    lab.write('ms', 'roles: ' + '[' * levels + ']' * levels + '\n')
    t0 = time.monotonic()
    proc.send_signal(signal.SIGHUP)
    ok = wait_for(lambda: reload_failures() == before + 1, 5, 0.02)
    took = time.monotonic() - t0
    check(ok, f'a {levels:,}-level YAML on SIGHUP: reload refused and counted '
          f'({took * 1000:.0f} ms to the counter, REST polling included)')
    check(took < 2.0, f'refused within 2 s (before: 39 s of parsing): {took:.3f} s')
    check('nested deeper than 32 levels' in lab.log('ms'), 'the log says why',
          lab.log('ms')[-600:])
    check(proc.alive(), 'lispgw-cp runs on')
    rec = [lw.record(1, '10.2.0.0', 16, [(attack.ATTACKER4, 1, 100)])]
    etr.sendto(lw.map_register(rec, KEY, 400, xtr_id=bytes([7] * 16)), (attack.VICTIM4, 4342))
    check(notified(etr) is not None, 'the old configuration kept: its site still registers')
    lab.write('ms', good)


def largest_register(etr):
    rloc = [(attack.ATTACKER4, 1, 100)]
    recs = []
    while len(recs) < 255:
        r = lw.record(1, '10.3.%d.0' % len(recs), 24, rloc)
        if 72 + 40 * (len(recs) + 1) > UDP_TAKEN:
            break
        recs.append(r)
    msg = lw.map_register(recs, KEY, 500, xtr_id=bytes([7] * 16))
    before = stats()['map_server']
    etr.sendto(msg, (attack.VICTIM4, 4342))
    got = notified(etr, 3.0)
    after = stats()['map_server']
    check(got is not None and len(got) == len(msg),
          f'the largest Map-Register taken ({len(recs)} records with an IID, {len(msg):,} '
          f'bytes): acknowledged by a Map-Notify of the same length '
          f'({len(got) if got else 0:,} bytes)', (before, after))
    check(after['registers_accepted'] == before['registers_accepted'] + 1,
          'and counted accepted', (before, after))
    check(after['refused_decode_error'] == before['refused_decode_error'],
          'not refused by the decoder')
    check(got is not None and lw.verify_auth(got, KEY), 'the Map-Notify is signed')


etr = lab.udp(lab.attacker, attack.ATTACKER4, 4342)
strict_auth(etr)
largest_register(etr)
deep_yaml_on_sighup(etr)
if checks.failures:
    print(lab.log('ms')[-3000:])
checks.exit()
