#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""meson test 'dp-telemetry': lispgw-dp's observability, end to end.

One lispgw-dp with telemetry on (its own --file-prefix), an EID-side
net_pcap port that plays 10 known frames (5 encapsulated, 3 misses, 2 to a
drop entry), 103 static mappings in three Instance-IDs, and a channel:
  DPDK telemetry, on the v2 socket (SOCK_SEQPACKET, JSON) and once through
  /usr/bin/dpdk-telemetry.py:
    /lispgw/stats       counts of the input, equal to the exit JSON line;
    /lispgw/map_cache   entries with their RLOCs (priority, weight, up,
                        usable), the IID filter, pages that stay under
                        DPDK's 16 KiB with omitted/next and, followed,
                        give every entry exactly once; a bad parameter;
    /lispgw/ports       both ports, 10 frames in;
    /lispgw/channel     detached, then attached with snapshots sent;
  counters into lispgw-cp: once a lispgw-cp (ITR, rest) attaches, the data
  plane's counter snapshot reaches its /metrics
  (lispgw_dp_encap_lisp_total, lispgw_dp_drops_total{reason=...}),
  /api/v1/stats (dataplane.counters, checked against docs/openapi.yaml)
  and `lispgw-ctl show stats`.
The runtime directory /var/run/dpdk/PREFIX is removed at the end."""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

DP = os.environ.get('LISPGW_DP')
CP = os.environ.get('LISPGW_CP')
CTL = os.environ.get('LISPGW_CTL')
OPENAPI = os.environ.get('LISPGW_OPENAPI')
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from lispgwlab import pcap   # noqa: E402
from lispgwlab.check import Checks, skip   # noqa: E402
from lispgwlab.daemons import Proc, Telemetry   # noqa: E402
from lispgwlab.openapi import Spec, parse_metrics   # noqa: E402
from lispgwlab.rest import Api, ctl_args   # noqa: E402
if not DP or not os.path.exists(DP):
    skip('lispgw-dp not built (no DPDK)')

PREFIX = 'lispgw-tel-%d' % os.getpid()
RUNDIR = '/var/run/dpdk/' + PREFIX
if os.geteuid() != 0:
    RUNDIR = os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'dpdk', PREFIX)
SOCK = os.path.join(RUNDIR, 'dpdk_telemetry.v2')
TOKEN = 'telemetry-test-token-0123456789'
CP_IP = '127.66.0.1'
GW_MAC = bytes.fromhex('020000000001')
HOST_MAC = bytes.fromhex('0200000000aa')

tmp = tempfile.mkdtemp(prefix='lispgw-tel-')
chan = os.path.join(tmp, 'dp.sock')
checks = Checks('telemetry')
check = checks.check
failures = checks.failures


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(dst, sport):
    """Ethernet / IPv4 / UDP from 10.1.0.10 to dst, 16 bytes of payload."""
    payload = b'telemetry-test!!'
    udp = struct.pack('!HHHH', sport, 9, 8 + len(payload), 0) + payload
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                     socket.inet_aton('10.1.0.10'), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    return GW_MAC + HOST_MAC + b'\x08\x00' + ip + udp


def pcap_write(path, frames):
    pcap.write(path, frames, stamp=lambda i: (1700000000, i))


# 5 to a mapping (two flows), 3 misses, 2 to a negative drop entry.
FRAMES = ([frame('10.20.0.5', 1000 + i % 2) for i in range(5)] +
          [frame('10.99.0.1', 2000 + i) for i in range(3)] +
          [frame('10.21.0.7', 3000 + i) for i in range(2)])
pcap_write(os.path.join(tmp, 'eid_in.pcap'), FRAMES)

PAGED = 100     # static entries of IID 3: more than one page
maps = ''.join('  - {eid-prefix: "[3]10.3.%d.0/24", rlocs: [{address: 192.0.2.9, weight: %d}]}\n'
               % (i, 1 + i) for i in range(PAGED))
with open(os.path.join(tmp, 'dp.yaml'), 'w') as f:
    f.write("""
ports:
  - {name: hosts, device: net_pcap0, role: eid, mac: "02:00:00:00:00:01", instance-id: 1,
     peer-mac: "02:00:00:00:00:aa"}
  - {name: underlay, device: net_null1, role: rloc, addresses: [192.0.2.1],
     next-hop-mac: "02:00:00:00:00:fe"}
instances:
  - {instance-id: 1, encapsulation: lisp}
  - {instance-id: 2, encapsulation: vxlan}
  - {instance-id: 3, encapsulation: lisp}
static-map-cache:
  - eid-prefix: "[1]10.20.0.0/16"
    rlocs: [{address: 192.0.2.2, priority: 1, weight: 70}, {address: 192.0.2.3, weight: 30, up: false}]
  - {eid-prefix: "[1]10.21.0.0/16", action: drop}
  - eid-prefix: "[2]10.30.0.0/16"
    rlocs: [{address: 192.0.2.4, priority: 2, weight: 10}]
%s
tables: {max-mappings: 1024, max-instances: 8}
""" % maps)


def free_port():
    s = socket.socket()
    s.bind((CP_IP, 0))
    port = s.getsockname()[1]
    s.close()
    return port


REST_PORT = free_port()
with open(os.path.join(tmp, 'cp.yaml'), 'w') as f:
    f.write("""
roles: [itr]
listen: {addresses: [%s]}
dataplane: {socket: %s}
itr:
  map-resolvers: [{address: 127.66.0.2}]
  static-map-cache:
    - eid-prefix: "[1]10.50.0.0/16"
      rlocs: [{address: 192.0.2.5}]
rest: {address: %s, port: %d, token: "%s"}
""" % (CP_IP, chan, CP_IP, REST_PORT, TOKEN))


def http(path):
    """The body of a 2xx answer (raises OSError otherwise, as urlopen did)."""
    st, body = Api(CP_IP, TOKEN, port=REST_PORT)('GET', path)
    if not 200 <= st < 300:
        raise OSError('GET %s: %d' % (path, st))
    return body


def wait_for(fn, timeout=10.0, step=0.1):
    end = time.time() + timeout
    while True:
        try:
            v = fn()
            if v:
                return v
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if time.time() >= end:
            return None
        time.sleep(step)


def telemetry_checks(tel):
    st = wait_for(lambda: (lambda s: s if s['rx_eid'] == len(FRAMES) else None)(tel('/lispgw/stats')))
    check(st is not None, '/lispgw/stats: the 10 input frames counted')
    st = st or tel('/lispgw/stats')
    want = {'workers': 1, 'mappings': 3 + PAGED, 'rx_eid': 10, 'encap_lisp': 5, 'tx': 5,
            'drop_miss': 3, 'drop_neg_drop': 2, 'encap_vxlan': 0, 'rx_rloc': 0}
    check(all(st.get(k) == v for k, v in want.items()),
          '/lispgw/stats: rx_eid 10, encap_lisp 5, tx 5, drop_miss 3, drop_neg_drop 2, 103 mappings',
          str({k: st.get(k) for k in want}))
    # busy_cycles: only iterations that received frames count, so 10
    # frames cost far less than a second of TSC (idle polls would not).
    check(st.get('tsc_hz', 0) > 0 and 0 < st.get('busy_cycles', 0) < st.get('tsc_hz', 0),
          '/lispgw/stats: tsc_hz, and busy_cycles > 0 but under a second for 10 frames',
          str({k: st.get(k) for k in ('tsc_hz', 'busy_cycles')}))
    w0 = tel('/lispgw/stats,0')
    check(w0.get('worker') == 0 and w0.get('encap_lisp') == 5, '/lispgw/stats,0: the one worker')
    check(tel('/lispgw/stats,7') is None, '/lispgw/stats,7: no such worker -> null')

    mc = tel('/lispgw/map_cache,1')
    ents = {e['eid']: e for e in mc['entries'].values()}
    check(mc['iid'] == 1 and mc['matched'] == 2 and mc['shown'] == 2 and mc['omitted'] == 0
          and set(ents) == {'10.20.0.0/16', '10.21.0.0/16'}, '/lispgw/map_cache,1: the two entries of IID 1',
          str(mc))
    e = ents.get('10.20.0.0/16', {})
    r = e.get('rlocs', {})
    check(e.get('iid') == 1 and e.get('action') == 'encapsulate' and e.get('encap') == 'lisp'
          and e.get('usable_rlocs') == 1 and
          r.get('0') == {'address': '192.0.2.2', 'priority': 1, 'weight': 70, 'up': 1, 'usable': 1} and
          r.get('1') == {'address': '192.0.2.3', 'priority': 1, 'weight': 30, 'up': 0, 'usable': 0},
          '10.20.0.0/16: RLOCs 192.0.2.2 (1/70, up, usable) and 192.0.2.3 (1/30, down, unusable)', str(e))
    e = ents.get('10.21.0.0/16', {})
    check(e.get('action') == 'drop' and e.get('rlocs') == {}, '10.21.0.0/16: action drop, no RLOC', str(e))
    mc = tel('/lispgw/map_cache,2')
    e = list(mc['entries'].values())
    check(mc['matched'] == 1 and e and e[0]['eid'] == '10.30.0.0/16' and e[0]['encap'] == 'vxlan'
          and e[0]['rlocs']['0']['priority'] == 2 and e[0]['rlocs']['0']['weight'] == 10,
          '/lispgw/map_cache,2: IID 2 alone, its encapsulation vxlan', str(mc))

    # Pages: every answer under DPDK's limit, omitted/next, each entry once.
    for filt, total in (('', 3 + PAGED), ('3', PAGED)):
        seen, pages, cursor, ok, biggest = [], 0, None, True, 0
        while True:
            cmd = '/lispgw/map_cache' + (',' + filt if filt else (',any' if cursor is not None else ''))
            if cursor is not None:
                cmd += ',%d' % cursor
            text = tel.raw(cmd)
            biggest = max(biggest, len(text))
            page = json.loads(text)['/lispgw/map_cache']
            pages += 1
            seen += [(x['iid'], x['eid']) for x in page['entries'].values()]
            ok = ok and page['shown'] == len(page['entries']) and \
                page['omitted'] == page['matched'] - page['shown']
            if pages == 1:
                ok = ok and page['matched'] == total and page['omitted'] > 0
            if not page['omitted']:
                break
            cursor = page['next']
            if pages > 10:
                break
        check(ok and pages >= 2 and len(seen) == total and len(set(seen)) == total and
              biggest < tel.hello['max_output_len'],
              '/lispgw/map_cache%s: %d entries in %d pages, each once, answers <= %d bytes'
              % (',' + filt if filt else '', total, pages, biggest),
              'pages %d seen %d unique %d biggest %d' % (pages, len(seen), len(set(seen)), biggest))
    check(tel('/lispgw/map_cache,x') is None and tel('/lispgw/map_cache,1,y') is None,
          '/lispgw/map_cache with a bad parameter -> null')

    ports = tel('/lispgw/ports')
    p0, p1 = ports.get('0', {}), ports.get('1', {})
    check(p0.get('name') == 'hosts' and p0.get('role') == 'eid' and p0.get('device') == 'net_pcap0'
          and p0.get('ipackets') == 10 and p0.get('mac') == '02:00:00:00:00:01' and
          p1.get('name') == 'underlay' and p1.get('role') == 'rloc' and p1.get('opackets') == 5,
          '/lispgw/ports: hosts (10 in) and underlay (5 out)', str(ports))
    ch = tel('/lispgw/channel')
    check(ch.get('configured') == 1 and ch.get('attached') == 0 and ch.get('snapshots_sent') == 0,
          '/lispgw/channel: configured, no control plane yet', str(ch))
    return st


def telemetry_py(prefix):
    """The same numbers through DPDK's own client."""
    if not os.path.exists('/usr/bin/dpdk-telemetry.py'):
        print('      (no /usr/bin/dpdk-telemetry.py: client check skipped)')
        return
    out = subprocess.run(['/usr/bin/dpdk-telemetry.py', '-f', prefix], input='/lispgw/stats\n',
                         capture_output=True, text=True, timeout=20).stdout
    dec = {}
    for line in out.splitlines():      # no tty: one JSON document a line
        try:
            dec = json.loads(line[line.find('{'):]).get('/lispgw/stats') or dec
        except ValueError:
            pass
    check(dec.get('encap_lisp') == 5, 'dpdk-telemetry.py -f PREFIX: /lispgw/stats encap_lisp 5', out[-600:])


dp_log = open(os.path.join(tmp, 'dp.log'), 'w')
dp = subprocess.Popen([DP, '-l', '0', '--no-huge', '-m', '512', '--no-pci', '--file-prefix', PREFIX,
                       '--vdev', 'net_pcap0,rx_pcap=%s,tx_pcap=%s' % (os.path.join(tmp, 'eid_in.pcap'),
                                                                    os.path.join(tmp, 'eid_out.pcap')),
                       '--vdev', 'net_null1,no-rx=1',
                       '--', '-c', os.path.join(tmp, 'dp.yaml'), '--channel', chan],
                      stdout=subprocess.PIPE, stderr=dp_log, text=True)
cp = None
exit_line = None
try:
    check(wait_for(lambda: os.path.exists(SOCK) and os.path.exists(chan), 20) is not None,
          'lispgw-dp: telemetry socket under ' + RUNDIR)
    tel = wait_for(lambda: Telemetry(SOCK), 5)
    check(tel is not None and tel.hello.get('pid') == dp.pid, 'telemetry socket answers (pid %d)' % dp.pid)
    if tel is None:
        raise SystemExit
    # Commands are registered, and answer once the process is set up.
    check(wait_for(lambda: tel('/lispgw/stats')) is not None, '/lispgw/stats answers')
    st = telemetry_checks(tel)
    telemetry_py(PREFIX)

    cp = Proc([CP, '-c', os.path.join(tmp, 'cp.yaml')], os.path.join(tmp, 'cp.log'))
    ch = wait_for(lambda: (lambda c: c if c['attached'] and c['snapshots_sent'] >= 1 else None)(
        tel('/lispgw/channel')), 10)
    check(ch is not None and ch['generation'] == 1 and ch['applied'] >= 1 and
          ch['server_tx_counters'] >= ch['snapshots_sent'],
          '/lispgw/channel: lispgw-cp attached (generation 1), its entry applied, snapshots sent',
          str(ch or tel('/lispgw/channel')))
    mc = tel('/lispgw/map_cache,1')
    check(mc['matched'] == 3 and '10.50.0.0/16' in [e['eid'] for e in mc['entries'].values()],
          "/lispgw/map_cache,1: the control plane's entry 10.50.0.0/16 listed too", str(mc))

    # The snapshot at the control plane.
    text = wait_for(lambda: (lambda t: t if 'lispgw_dp_encap_lisp_total 5\n' in t else None)(
        http('/metrics')), 10)
    check(text is not None, '/metrics: lispgw_dp_encap_lisp_total 5')
    text = text or http('/metrics')
    try:
        samples, types = parse_metrics(text)
        check(True, '/metrics still parses (families whole, counters *_total)')
    except AssertionError as e:
        samples, types = {}, {}
        check(False, '/metrics parses', str(e))

    def val(name, **labels):
        return samples.get((name, frozenset(labels.items())))
    check(val('lispgw_dp_rx_eid_total') == 10 and val('lispgw_dp_tx_total') == 5 and
          val('lispgw_dp_drops_total', reason='miss') == 3 and
          val('lispgw_dp_drops_total', reason='neg_drop') == 2 and
          val('lispgw_dp_drops_total', reason='tx_full') == 0 and
          types.get('lispgw_dp_drops_total') == 'counter' and
          val('lispgw_dp_attached') == 1 and val('lispgw_dp_synced') == 1 and
          val('lispgw_dp_generation') == 1 and val('lispgw_dp_channel_counter_snapshots_total') >= 1,
          '/metrics: rx_eid 10, tx 5, drops{reason=miss} 3, {reason=neg_drop} 2, attached, synced',
          '\n'.join(l for l in text.splitlines() if l.startswith('lispgw_dp_') and ' 0' not in l))

    stats = http('/api/v1/stats')
    d = stats.get('dataplane', {})
    c = d.get('counters', {})
    check(d.get('attached') is True and d.get('generation') == 1 and
          all(c.get(k) == st[k] for k in ('rx_eid', 'encap_lisp', 'tx', 'drop_miss', 'drop_neg_drop')) and
          d.get('channel', {}).get('counter_snapshots', 0) >= 1 and d.get('counters_age_ms', 1e9) < 5000,
          '/api/v1/stats: dataplane.counters equal to the data plane\'s, a fresh snapshot', str(d)[:800])
    if OPENAPI:
        spec = Spec(OPENAPI)
        schema = spec.response_schema(spec.operation('/api/v1/stats', 'GET'), 200)
        errs = spec.validate(stats, schema)
        check(not errs, '/api/v1/stats with a data plane matches docs/openapi.yaml', '; '.join(errs[:5]))
    if CTL:
        out = subprocess.run(ctl_args(Api(CP_IP, TOKEN, port=REST_PORT)) + ['show', 'stats'],
                             capture_output=True, text=True, timeout=20).stdout
        rows = dict(l.split()[:2] for l in out.splitlines() if len(l.split()) >= 2)
        check(rows.get('dataplane.counters.encap_lisp') == '5' and
              rows.get('dataplane.counters.drop_miss') == '3' and rows.get('dataplane.attached') == 'yes',
              'lispgw-ctl show stats: dataplane.counters.encap_lisp 5, drop_miss 3, attached yes',
              '\n'.join(l for l in out.splitlines() if 'dataplane' in l)[:1500])
    tel.close()
finally:
    if cp:
        cp.stop()
    dp.send_signal(signal.SIGTERM)
    try:
        out, _ = dp.communicate(timeout=10)
        for line in out.splitlines():
            if line.startswith('{"event":"counters"'):
                exit_line = json.loads(line)
    except subprocess.TimeoutExpired:
        dp.kill()
        dp.wait()
    if failures:
        print(open(os.path.join(tmp, 'dp.log')).read()[-2000:])
        if os.path.exists(os.path.join(tmp, 'cp.log')):
            print(open(os.path.join(tmp, 'cp.log')).read()[-2000:])
    shutil.rmtree(RUNDIR, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)

if exit_line is not None:
    check(all(exit_line.get(k) == st.get(k) for k in st if k not in ('worker', 'mappings')),
          'the exit JSON line has the same counters, under the same names')
else:
    check(False, 'lispgw-dp printed its counters line at exit')
check(not os.path.exists(RUNDIR), 'runtime directory removed')
checks.exit()
