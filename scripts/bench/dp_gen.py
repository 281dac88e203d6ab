#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Inputs of scripts/bench/dp_bench.sh: pcaps of 64-byte frames with many
flows and destinations, and lispgw-dp configs with ENTRIES static /24
mappings in instance 100: 10.0.0.0/24, 10.0.1.0/24, ... and past 65,536 on
into 11.0.0.0/8, 12.0.0.0/8, ... (1M distinct /24s span 10.0.0.0-25.255.255.0,
so no tbl8 group is needed: every prefix is /24).

  dp_gen.py DIR ENTRIES [PATTERN]
writes DIR/eid.pcap (EID side: IPv4/UDP to mapped destinations, by PATTERN:
  sample  4096 frames to random destinations (the default; at most 4096
          mappings ever read, which stay in cache at any table size);
  walk    one frame per mapping, ENTRIES frames, the /24s in order (a
          working set of every mapping: 1M destinations at 1M entries);
  random  the same ENTRIES frames in a random order (each mapping once);
  single  one frame: one flow to one destination),
DIR/rloc.pcap (RLOC side: LISP IID 100 to our RLOC 192.0.2.1), and
DIR/{lisp,vxlan,gpe,decap}.yaml (encap: EID port net_pcap0, RLOC port
net_null0; decap: the other way round).
"""

import os
import random
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tests", "lib"))
from lispgwlab import pcap as pcap_file  # noqa: E402

FRAMES = 4096


def pcap(path, frames):
    pcap_file.write(path, frames)


def csum(b):
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4_udp(src, dst, sport, dport, payload, ttl=64):
    tot = 20 + 8 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, 0, 0, ttl, 17, 0, bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def eid_frame(n, host, sport):
    ip = ip4_udp([10, 1, 0, 1], [*n, host], sport, 80, bytes(18))
    return mac("02:00:00:00:00:01") + mac("02:00:00:00:00:aa") + b"\x08\x00" + ip


def main():
    out, entries = sys.argv[1], int(sys.argv[2])
    pattern = sys.argv[3] if len(sys.argv) > 3 else "sample"
    rnd = random.Random(1)
    if not 1 <= entries <= 1 << 20:
        sys.exit("dp_gen.py: ENTRIES 1..1048576")
    if pattern not in ("sample", "walk", "random", "single"):
        sys.exit("dp_gen.py: PATTERN sample, walk, random or single")
    nets = [(10 + (i >> 16), i >> 8 & 0xff, i & 0xff) for i in range(entries)]
    if pattern == "sample":
        eid = [eid_frame(rnd.choice(nets), rnd.randrange(1, 255), rnd.randrange(1024, 65535))
               for _ in range(FRAMES)]
    elif pattern == "single":
        eid = [eid_frame(nets[0], 1, 1024)]
    else:
        order = list(range(entries))
        if pattern == "random":
            rnd.shuffle(order)
        # A generator: 1M frames are not kept in memory.  Every destination
        # is another /24 (another mapping) and another flow.
        eid = (eid_frame(nets[i], 1 + i % 254, 1024 + i * 7919 % 60000) for i in order)
    pcap(f"{out}/eid.pcap", eid)
    rloc = []
    for i in range(FRAMES):
        inner = ip4_udp([10, 2, 0, 5], [10, 1, rnd.randrange(256), rnd.randrange(1, 255)],
                        rnd.randrange(1024, 65535), 80, bytes(18))
        outer = ip4_udp([192, 0, 2, 2], [192, 0, 2, 1], 50000 + i % 1000, 4341,
                        bytes([0x88, 1, 2, 3, 0, 0, 100, 0]) + inner)
        rloc.append(mac("02:00:00:00:00:02") + mac("02:00:00:00:00:fe") + b"\x08\x00" + outer)
    pcap(f"{out}/rloc.pcap", rloc)

    # DP_GEN_STATIC=0: configs without the mappings (tests/perf/dp_loader
    # pushes them over the channel), still sized for ENTRIES.
    static = os.environ.get("DP_GEN_STATIC", "1") != "0"
    maps = "" if not static else "".join(f'  - eid-prefix: "[100]{a}.{b}.{c}.0/24"\n'
                   f"    rlocs:\n      - address: 192.0.2.{2 + (b * 256 + c) % 200}\n"
                   for a, b, c in nets)
    for name, enc, eid_dev, rloc_dev in (("lisp", "lisp", "net_pcap0", "net_null0"),
                                         ("vxlan", "vxlan", "net_pcap0", "net_null0"),
                                         ("gpe", "vxlan-gpe", "net_pcap0", "net_null0"),
                                         ("decap", "lisp", "net_null0", "net_pcap0")):
        with open(f"{out}/{name}.yaml", "w") as f:
            f.write(f"""log-level: warning
ports:
  - name: eid0
    device: {eid_dev}
    role: eid
    mac: "02:00:00:00:00:01"
    instance-id: 100
    peer-mac: "02:00:00:00:00:aa"
  - name: rloc0
    device: {rloc_dev}
    role: rloc
    mac: "02:00:00:00:00:02"
    addresses: [192.0.2.1]
    next-hop-mac: "02:00:00:00:00:fe"
instances:
  - instance-id: 100
    encapsulation: {enc}
tables:
  max-mappings: {max(1024, entries * 2)}
  ipv4-tbl8-groups: 256
{"static-map-cache:" if maps else ""}
{maps}""")


if __name__ == "__main__":
    main()
