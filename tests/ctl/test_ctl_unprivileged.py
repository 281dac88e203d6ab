#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lispgw-ctl never needs root (docs/security.md, "Privilege separation"):
run as "nobody" (uid and gid changed, no supplementary group, so no
capability), each of its kinds of work succeeds:
  - show stats and show sites over REST (a lispgw-cp Map-Server on
    127.99.0.1, itself dropped to lispgw);
  - lig: a Map-Request from an ephemeral UDP port, its negative
    Map-Reply printed;
  - decode of a pcap file with a Map-Register;
  - keygen into a folder nobody owns.
As root only (skipped otherwise: the caller is unprivileged already)."""
import json
import os
import pwd
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab import pcap, wire as lw   # noqa: E402
from lispgwlab.loopback import CTL, Lab   # noqa: E402
from lispgwlab.daemons import wait_for   # noqa: E402

if os.geteuid() != 0:
    skip('not root: lispgw-ctl runs unprivileged already')

NOBODY = pwd.getpwnam('nobody')
TOKEN = 'ctl-unprivileged-token-0123'
checks = Checks('lispgw-ctl unprivileged')
check = checks.check
lab = Lab(block=99)
MS = lab.ip(1)
PORT = 18099


def as_nobody(*args):
    """(rc, stdout, stderr) of args run as nobody:nogroup."""
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=30,
                       user=NOBODY.pw_uid, group=NOBODY.pw_gid, extra_groups=[],
                       cwd='/', env={'PATH': '/usr/bin:/bin', 'LISPGW_TOKEN': TOKEN})
    return p.returncode, p.stdout, p.stderr


def ipv4_udp(src, dst, sport, dport, payload):
    """A raw IPv4/UDP datagram (UDP checksum 0: none, RFC 768)."""
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                      bytes(map(int, src.split('.'))), bytes(map(int, dst.split('.'))))
    s = sum(struct.unpack('!10H', hdr))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return hdr[:10] + struct.pack('!H', ~s & 0xffff) + hdr[12:] + udp


rc, out, _ = as_nobody('id', '-u')
check(rc == 0 and out.strip() == str(NOBODY.pw_uid), 'the runner is nobody', out)

lab.start('ms', """
roles: [map-server, map-resolver]
listen: {addresses: [%s]}
map-server:
  sites:
    - {name: s, key-id: 2, key: "site-key", eid-prefixes: ["[1]10.9.0.0/16"]}
rest: {address: %s, port: %d, token: "%s"}
""" % (MS, MS, PORT, TOKEN), MS)
wait_for(lambda: 'lispgw-cp started' in lab.log('ms'), 5)
api = 'http://%s:%d' % (MS, PORT)

rc, out, err = as_nobody(CTL, '--api', api, 'show', 'stats', '--json')
check(rc == 0 and 'messages' in json.loads(out or '{}'), 'as nobody: show stats over REST',
      (rc, err[-200:]))
rc, out, err = as_nobody(CTL, '--api', api, 'show', 'sites')
check(rc == 0 and 's' in out and '10.9.0.0/16' in out, 'as nobody: show sites over REST',
      (rc, out[-200:], err[-200:]))

rc, out, err = as_nobody(CTL, 'lig', '10.8.0.1', '--iid', '1', '--mr', MS, '--json',
                         '--timeout', '2000')
last = out.strip().splitlines()[-1] if out.strip() else '{}'
check(rc == 0 and json.loads(last).get('from') == MS and json.loads(last).get('records'),
      'as nobody: lig sends a Map-Request and prints the Map-Reply', (rc, out[-300:], err[-200:]))

tmp = tempfile.mkdtemp(prefix='lispgw-ctl-nobody-')
os.chown(tmp, NOBODY.pw_uid, NOBODY.pw_gid)
reg = lw.map_register([lw.record(1, '10.9.0.0', 16, [('192.0.2.7', 1, 100)])], 'site-key', 7)
cap = os.path.join(tmp, 'reg.pcap')
pcap.write(cap, [ipv4_udp('192.0.2.7', '192.0.2.1', 4342, 4342, reg)],
           linktype=pcap.LINKTYPE_RAW)
os.chmod(cap, 0o644)
rc, out, err = as_nobody(CTL, 'decode', cap)
check(rc == 0 and 'map-register' in out.lower(), 'as nobody: decode of a pcap file',
      (rc, out[-300:], err[-200:]))

key = os.path.join(tmp, 'agent.pem')
rc, out, err = as_nobody(CTL, 'keygen', '--out', key)
check(rc == 0 and os.path.exists(key) and os.stat(key).st_uid == NOBODY.pw_uid,
      'as nobody: keygen writes its key', (rc, out[-200:], err[-200:]))

subprocess.run(['rm', '-rf', tmp], check=False)
lab.close()
checks.exit()
