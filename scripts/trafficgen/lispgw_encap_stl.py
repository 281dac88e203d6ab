# SPDX-License-Identifier: BSD-3-Clause
"""TRex stateless profile: the lispgw-dp encap benchmark mix
(scripts/bench/dp_bench.sh, docs/BENCHMARKS.md), for a real gateway.

EID-side traffic into lispgw-dp: 64-byte Ethernet frames (60 + FCS), IPv4/UDP
from the EID host 10.1.0.2 to a destination drawn uniformly at random from
the ENTRIES host EIDs 10.128.0.0 + [0, ENTRIES) — each of which the
gateway's map-cache holds as a /32 mapping — with the UDP source port
random too, so every packet is its own flow (RSS and the outer source port
spread over all cores).

  trex-console> start -f lispgw_encap_stl.py -t entries=1000000 -m 10mpps --port 0
"""
from trex_stl_lib.api import (STLPktBuilder, STLProfile, STLScVmRaw, STLStream,
                              STLTXCont, STLVmFixIpv4, STLVmFlowVar, STLVmWrFlowVar)
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

FIRST_EID = 10 << 24 | 128 << 16      # 10.128.0.0


class LispgwEncap:
    def create_stream(self, entries):
        base = Ether() / IP(src='10.1.0.2', dst='10.128.0.0', ttl=64) / UDP(sport=1024, dport=5001)
        pad = max(0, 60 - len(base)) * b'x'
        vm = STLScVmRaw([
            STLVmFlowVar(name='dst', min_value=FIRST_EID, max_value=FIRST_EID + entries - 1,
                         size=4, op='random'),
            STLVmWrFlowVar(fv_name='dst', pkt_offset='IP.dst'),
            STLVmFlowVar(name='sport', min_value=1024, max_value=65535, size=2, op='random'),
            STLVmWrFlowVar(fv_name='sport', pkt_offset='UDP.sport'),
            STLVmFixIpv4(offset='IP'),
        ])
        return STLStream(packet=STLPktBuilder(pkt=base / pad, vm=vm), mode=STLTXCont())

    def get_streams(self, tunables=(), entries=1000000, **kwargs):
        for t in tunables:
            if t.startswith('entries='):
                entries = int(t.split('=', 1)[1])
        return [self.create_stream(int(entries))]


def register():
    return LispgwEncap()


if __name__ == '__main__':
    print(STLProfile([LispgwEncap().create_stream(1000)]).dump_to_code())
