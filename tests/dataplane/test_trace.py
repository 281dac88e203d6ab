#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dp-trace: lispgw-dp's packet trace (issue 16 item 4, docs/dataplane.md
"Packet trace"), on a running gateway between a host H and a LISP
reflector R (lispgwlab.dpnet), through the telemetry commands and
lispgw-ctl:

(a) off by default: traffic leaves no record;
(b) `trace add 2 eid`: a datagram to a mapped EID is traced through
    rx-eid > encap-parse > encap-lookup > encap-rloc > encap-write, verdict
    encap_lisp, IID 1, out of the RLOC port, its first bytes as H sent them;
    a datagram to an EID without a mapping is traced with its drop reason
    (drop_miss) and the stages it reached; the reflections (RLOC side) are
    not taken (filter), and the budget of 2 is not exceeded;
(c) `trace clear`, `trace add 1 rloc`: a reflection is traced through
    rx-rloc > decap-outer > decap-vrf > decap-inner > decap-write, verdict
    decap_lisp, out of the EID port, its frame LISP on UDP 4341;
(d) `lispgw-ctl trace show` and `show trace` print the same records;
    bad parameters are refused; forwarding never stopped.
Exits 77 when not root or without lispgw-dp / namespaces."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import daemons, dpnet   # noqa: E402
from lispgwlab.check import Checks   # noqa: E402

checks = Checks('dp-trace')
check = checks.check

DP = dpnet.require()
CTL = os.environ.get('LISPGW_CTL') or daemons.binary('lispgw-ctl')


def records(tel):
    """Every traced packet, following the pages."""
    out, cursor = [], 0
    while True:
        page = tel('/lispgw/trace,%d' % cursor)
        out += [page['records'][k] for k in sorted(page.get('records', {}), key=int)]
        if 'next' not in page:
            return out
        cursor = page['next']


def ctl(sock, *args):
    r = subprocess.run([CTL] + list(args), capture_output=True, text=True, timeout=20,
                       env=dict(os.environ, LISPGW_DP_TELEMETRY=sock))
    return r.returncode, r.stdout + r.stderr


tmp = tempfile.mkdtemp(prefix='lispgw-tr-')
net = None
try:
    net = dpnet.DpNet('tr', tmp)
    net.start_reflector(os.path.join(tmp, 'reflector.log'))
    dp = net.start_dp(DP, 1, 'lispgw-tr%d' % os.getpid())
    sock = '/var/run/dpdk/%s/dpdk_telemetry.v2' % net.prefix
    # A loaded machine can starve the telemetry thread for seconds.
    net.tel.close()
    net.tel = daemons.Telemetry(sock, timeout=30)
    net.sh(net.ns['h'], 'ip', 'route', 'add', '10.3.0.0/16', 'via', dpnet.GW)
    host = net.host([20001, 20002])
    host.send(20001, 3)
    check(host.received(20001) == 3, 'warm-up: 3 datagrams H -> X -> R -> X -> H')
    check(net.tel('/lispgw/trace')['traced'] == 0, '(a) off by default: no record after traffic')

    # (b) two EID-side packets: one encapsulated, one dropped.
    rc, out = ctl(sock, 'trace', 'add', '2', 'eid')
    check(rc == 0 and 'tracing the next 2' in out, '(b) lispgw-ctl trace add 2 eid', out)
    host.send(20001, 1)
    check(host.received(20001) == 1, '(b) the traced datagram came back')
    miss0 = net.tel('/lispgw/stats')['drop_miss']
    host.socks[20002].sendto(b'to-nowhere', ('10.3.0.9', 9000))
    daemons.wait_for(lambda: net.tel('/lispgw/stats')['drop_miss'] > miss0, 5)
    host.send(20001, 2)                     # past the budget: not traced
    host.received(20001)
    recs = records(net.tel)
    check(len(recs) == 2, '(b) exactly 2 records (budget 2, reflections filtered out)', recs)
    if len(recs) == 2:
        enc, drop = recs
        check(enc['path'] == 'encap' and enc['verdict'] == 'encap_lisp' and enc.get('iid') == 1 and
              enc['stages'] == 'rx-eid > encap-parse > encap-lookup > encap-rloc > encap-write' and
              enc.get('out_port') == 1 and enc['in_port'] == 0,
              '(b) traced encap: stages, verdict encap_lisp, IID 1, port 0 -> 1', enc)
        frame = bytes.fromhex(enc['hdr'])
        check(frame[12:14] == b'\x08\x00' and frame[30:34] == bytes([10, 2, 0, 1]) and
              frame[0:6] == bytes.fromhex(net.mac['x-eid'].replace(':', '')),
              '(b) its frame as H sent it: to our MAC, IPv4 to 10.2.0.1', enc['hdr'])
        check(drop['path'] == 'encap' and drop['verdict'] == 'drop_miss' and
              drop['stages'] == 'rx-eid > encap-parse > encap-lookup' and 'out_port' not in drop,
              '(b) traced drop: reason drop_miss, stopped after encap-lookup', drop)

    # (c) a reflection on the RLOC side.
    rc, out = ctl(sock, 'trace', 'clear')
    check(rc == 0 and net.tel('/lispgw/trace')['traced'] == 0, '(c) trace clear: no record left')
    check(net.tel('/lispgw/trace_add,1,rloc')['filter'] == 'rloc', '(c) /lispgw/trace_add,1,rloc')
    host.send(20001, 1)
    check(host.received(20001) == 1, '(c) the datagram came back')
    recs = records(net.tel)
    dec = recs[0] if len(recs) == 1 else {}
    check(dec.get('path') == 'decap' and dec.get('verdict') == 'decap_lisp' and
          dec.get('stages') == 'rx-rloc > decap-outer > decap-vrf > decap-inner > decap-write' and
          dec.get('iid') == 1 and dec.get('in_port') == 1 and dec.get('out_port') == 0,
          '(c) traced decap: stages, verdict decap_lisp, IID 1, port 1 -> 0', recs)
    frame = bytes.fromhex(dec.get('hdr', ''))
    check(frame[23:24] == b'\x11' and frame[36:38] == (4341).to_bytes(2, 'big'),
          '(c) its frame as received: UDP to 4341', dec.get('hdr'))

    # (d) the CLI and the refusals.
    rc, out = ctl(sock, 'trace', 'show')
    check(rc == 0 and 'decap-outer > decap-vrf' in out and 'verdict: decap_lisp' in out and
          '1 packets traced' in out, '(d) lispgw-ctl trace show', out)
    rc, out2 = ctl(sock, 'show', 'trace')
    check(rc == 0 and out2 == out, '(d) lispgw-ctl show trace prints the same', out2)
    for bad in ('/lispgw/trace_add', '/lispgw/trace_add,0', '/lispgw/trace_add,65',
                '/lispgw/trace_add,3,both', '/lispgw/trace,x', '/lispgw/trace_clear,1'):
        check(net.tel(bad) is None, '(d) %s refused' % bad)
    rc, _ = ctl(sock, 'trace', 'add', 'many')
    check(rc == 2, '(d) lispgw-ctl trace add many: usage error')
    host.send(20001, 5)
    check(host.received(20001) == 5 and dp.alive(), '(d) still forwarding')
except (RuntimeError, OSError, KeyError, TypeError, ValueError) as e:
    checks.fail('setup or run: %s' % e)
finally:
    if net:
        net.close(show_log=bool(checks.failures))
    shutil.rmtree(tmp, ignore_errors=True)
checks.exit()
