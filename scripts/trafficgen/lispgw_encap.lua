-- SPDX-License-Identifier: BSD-3-Clause
-- pktgen-dpdk script: the lispgw-dp encap benchmark mix (the same as
-- lispgw_encap_stl.py and scripts/bench/dp_bench.sh): 64-byte IPv4/UDP
-- frames from EID host 10.1.0.2 to destinations 10.128.0.0 + [0, ENTRIES)
-- (the gateway's /32 mappings), with varying UDP source ports.
--   pktgen -l 0-2 -n 4 -- -P -m "[1:2].0" -f lispgw_encap.lua
-- Note: pktgen's range mode steps through the range (increment) rather than
-- drawing at random; with ENTRIES and the port range co-prime it visits every
-- destination and port pair, which exercises the same table as the TRex mix.
package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local ENTRIES = tonumber(os.getenv("ENTRIES") or "1000000")
local port = "0"

pktgen.set(port, "size", 64)
pktgen.set_proto(port .. "", "udp")
pktgen.set_type(port, "ipv4")
pktgen.range.ip_proto(port, "udp")
pktgen.range.src_ip(port, "start", "10.1.0.2")
pktgen.range.src_ip(port, "inc", "0.0.0.0")
pktgen.range.src_ip(port, "min", "10.1.0.2")
pktgen.range.src_ip(port, "max", "10.1.0.2")
pktgen.range.dst_ip(port, "start", "10.128.0.0")
pktgen.range.dst_ip(port, "inc", "0.0.0.1")
pktgen.range.dst_ip(port, "min", "10.128.0.0")
local last = ENTRIES - 1
pktgen.range.dst_ip(port, "max", string.format("10.%d.%d.%d",
	128 + (last >> 16), (last >> 8) & 255, last & 255))
pktgen.range.src_port(port, "start", 1024)
pktgen.range.src_port(port, "inc", 1)
pktgen.range.src_port(port, "min", 1024)
pktgen.range.src_port(port, "max", 65521)   -- 64498 ports: co-prime with 10^k entries
pktgen.range.dst_port(port, "start", 5001)
pktgen.range.dst_port(port, "inc", 0)
pktgen.range.dst_port(port, "min", 5001)
pktgen.range.dst_port(port, "max", 5001)
pktgen.range.pkt_size(port, "start", 64)
pktgen.range.pkt_size(port, "inc", 0)
pktgen.set_range(port, "on")
pktgen.start(port)
