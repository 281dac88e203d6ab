#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""tshark as the independent decoder of a CATS constrained Map-Request
(docs/cats.md), as `lispgw-ctl lig --constraints` really sends it.

usage: cats_oracle.py LISPGW_CTL

Plays the Map-Resolver on a loopback UDP socket, takes the ECM lig sends,
writes it to a pcap (raw IPv4 + UDP 4342, checksums computed) and checks
tshark's reading of it: no malformed packet, no expert warning or error,
the inner Map-Request's EID-record an Instance-ID LCAF (IID 1000) around a
Key/Value LCAF whose key is the EID and whose value, a Distinguished Name,
is the constraints text; and no undissected bytes.  A second request with
constraints too long for a DN (a JSON LCAF value, which tshark 4.0 does not
dissect) must still not be malformed.  Exits 77 (skip) without tshark.
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import pcap  # noqa: E402
from lispgwlab import tshark as tshark_lab  # noqa: E402
from lispgwlab.check import SKIP  # noqa: E402

CTL = sys.argv[1] if len(sys.argv) > 1 else 'build/ctl/lispgw-ctl'
MR = '127.61.7.1'


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4_udp(src, dst, sport, dport, payload):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload
    c = csum(s + d + struct.pack('!BBH', 0, 17, len(udp)) + udp) or 0xffff
    udp = udp[:6] + struct.pack('!H', c) + udp[8:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, s, d)
    return ip[:10] + struct.pack('!H', csum(ip)) + ip[12:] + udp


def write_pcap(path, pkts):
    pcap.write(path, pkts, linktype=pcap.LINKTYPE_RAW, stamp=lambda i: (i + 1, 0))


def capture_lig(constraints):
    """Runs lig against our socket; returns (src addr, src port, payload)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((MR, 4342))
    sock.settimeout(5)
    got = {}

    def rx():
        try:
            data, addr = sock.recvfrom(65535)
            got['pkt'] = (addr[0], addr[1], data)
        except socket.timeout:
            pass
    t = threading.Thread(target=rx)
    t.start()
    subprocess.run([CTL, 'lig', '[1000]10.100.0.1', '--mr', MR, '--timeout', '300',
                    '--constraints', constraints], capture_output=True, timeout=20)
    t.join()
    sock.close()
    if 'pkt' not in got:
        sys.exit('cats oracle: lig sent nothing to %s' % MR)
    return got['pkt']


def tshark(pcap, fields, conf):
    try:
        return tshark_lab.layers(pcap, fields, conf_dir=conf)
    except RuntimeError as e:
        sys.exit('cats oracle: %s' % e)


def main():
    if not shutil.which('tshark'):
        print('skipped: no tshark')
        return SKIP
    short = '{"gpu":"H100","max_latency_ms":10,"state":"ready"}'
    long_c = json.dumps({'gpu': {'in': ['H100', 'A100', 'B200']}, 'state': 'ready',
                         'site': 'x' * 300}, separators=(',', ':'))
    pkts = []
    for c in (short, long_c):
        src, sport, data = capture_lig(c)
        pkts.append(ipv4_udp(src, MR, sport, 4342, data))
    tmp = tempfile.mkdtemp(prefix='cats-oracle-')
    bad = []
    try:
        pcap = os.path.join(tmp, 'cats.pcap')
        write_pcap(pcap, pkts)
        fields = ['_ws.malformed', '_ws.expert', '_ws.expert.severity', '_ws.expert.message',
                  'udp.checksum.status', 'data.data', 'lisp.type', 'lisp.lcaf.type',
                  'lisp.lcaf.iid', 'lisp.lcaf.kv_key.afi', 'lisp.lcaf.kv_key.ipv4',
                  'lisp.lcaf.kv_value.afi', 'lisp.lcaf.kv_value.dn',
                  'lisp.mreq.record.prefix.length']
        frames = tshark(pcap, fields, tmp)
        if len(frames) != 2:
            sys.exit('cats oracle: tshark read %d frames, wrote 2' % len(frames))
        f1, f2 = frames

        def expect(fr, name, want, n):
            got = fr.get(name)
            ok = got == want
            print(('ok    ' if ok else 'FAIL  ') + 'frame %d %s = %s' % (n, name, want))
            if not ok:
                bad.append('frame %d %s: got %s, want %s' % (n, name, got, want))
        for n, fr in ((1, f1), (2, f2)):
            expect(fr, '_ws.malformed', None, n)
            # ours (outer) and lisp_ecm_encode's (the ECM's inner UDP)
            expect(fr, 'udp.checksum.status', ['1', '1'], n)
            # ECM (8) around the Map-Request (1)
            expect(fr, 'lisp.type', ['8', '1'], n)
            expect(fr, 'lisp.lcaf.iid', ['1000'], n)
            expect(fr, 'lisp.lcaf.kv_key.ipv4', ['10.100.0.1'], n)
            expect(fr, 'lisp.mreq.record.prefix.length', ['32'], n)
        # Frame 1: everything dissected, the DN is the constraints text.
        expect(f1, '_ws.expert', None, 1)
        expect(f1, 'data.data', None, 1)
        expect(f1, 'lisp.lcaf.type', ['2', '15'], 1)
        expect(f1, 'lisp.lcaf.kv_value.afi', ['17'], 1)
        dn = (f1.get('lisp.lcaf.kv_value.dn') or [''])[0]
        ok = json.loads(dn) == json.loads(short) if dn else False
        print(('ok    ' if ok else 'FAIL  ') + 'frame 1 the DN value is the constraints')
        if not ok:
            bad.append('frame 1 DN %r' % dn)
        # Frame 2: a JSON LCAF value, "not dissected yet" at worst.
        expect(f2, 'lisp.lcaf.kv_value.afi', ['16387'], 2)
        sev = [int(s) for s in f2.get('_ws.expert.severity', [])]
        msgs = f2.get('_ws.expert.message', [])
        ok = all(s <= 0x00600000 for s in sev) and all('Not dissected' in m for m in msgs)
        print(('ok    ' if ok else 'FAIL  ') + 'frame 2 only an "undecoded" note, no error')
        if not ok:
            bad.append('frame 2 expert %s %s' % (sev, msgs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print('cats oracle: %d failures' % len(bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
