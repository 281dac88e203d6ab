#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic and figures of scripts/bench/afxdp.sh (the single-NIC gateway):

  afxdp_traffic.py mac NS DEV            DEV's MAC address in namespace NS
  afxdp_traffic.py pcap GWMAC OUT        256 LISP flows (IID 1) to the gateway
                                         192.168.100.30 from 192.168.100.5 (scapy)
  afxdp_traffic.py tcp-sink PORT         accepts one TCP connection, prints the
                                         bytes it got
  afxdp_traffic.py tcp-send DST PORT N   sends N bytes, prints the seconds taken
  afxdp_traffic.py rate MODE D0 D1 F0 F1 K0 K1 T0 T1
                                         decap and XDP fast-path pps, kernel
                                         frames, between two counter snapshots
"""
import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lib"))
from lispgwlab.netns import mac_of  # noqa: E402

GW, PEER = "192.168.100.30", "192.168.100.5"


def mac(ns, dev):
    print(mac_of(ns, dev))


def pcap(gwmac, out):
    from scapy.all import IP, UDP, Ether, Raw, wrpcap
    frames = []
    for i in range(256):
        inner = (IP(src="10.9.0.%d" % (i % 250 + 1), dst="10.1.0.10") /
                 UDP(sport=7000 + i, dport=9) / Raw(b"x" * 18))
        # RFC 9300 5.3: I bit, nonce/map-version 0, IID 1 << 8 | LSBs 0.
        lisp = struct.pack("!BBBBI", 8, 0, 0, 0, 1 << 8)
        frames.append(Ether(dst=gwmac) / IP(src=PEER, dst=GW) /
                      UDP(sport=50000 + i, dport=4341) / Raw(lisp + bytes(inner)))
    wrpcap(out, frames)


def tcp_sink(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(1)
    c, _ = s.accept()
    n = 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        n += len(b)
    print(n)


def tcp_send(dst, port, nbytes):
    t = time.time()
    c = socket.create_connection((dst, port))
    c.sendall(b"x" * nbytes)
    c.close()
    print("%.2f" % (time.time() - t))


def rate(mode, d0, d1, f0, f1, k0, k1, t0, t1):
    dt = t1 - t0
    print("mode %s: decap %.0f pps, xdp fastpath %.0f pps, kernel +%d over %.1f s" %
          (mode, (d1 - d0) / dt, (f1 - f0) / dt, k1 - k0, dt))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("mac")
    p.add_argument("ns")
    p.add_argument("dev")
    p = sub.add_parser("pcap")
    p.add_argument("gwmac")
    p.add_argument("out")
    p = sub.add_parser("tcp-sink")
    p.add_argument("port", type=int)
    p = sub.add_parser("tcp-send")
    p.add_argument("dst")
    p.add_argument("port", type=int)
    p.add_argument("nbytes", type=int)
    p = sub.add_parser("rate")
    p.add_argument("mode")
    p.add_argument("figures", nargs=8, type=float)
    args = ap.parse_args()
    if args.cmd == "mac":
        mac(args.ns, args.dev)
    elif args.cmd == "pcap":
        pcap(args.gwmac, args.out)
    elif args.cmd == "tcp-sink":
        tcp_sink(args.port)
    elif args.cmd == "tcp-send":
        tcp_send(args.dst, args.port, args.nbytes)
    else:
        rate(args.mode, *args.figures)


if __name__ == "__main__":
    main()
