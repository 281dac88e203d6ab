#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Single-NIC gateway (docs/dataplane-afxdp.md, docs/BENCHMARKS.md): LISP
# decapsulation on one veth through net_af_xdp + our XDP program, or through
# net_af_packet, while the gateway's kernel answers ping and takes a TCP
# transfer on port 22 over the same interface.  A testpmd in a peer
# namespace replays 256 LISP flows; lispgw-dp busy-polls one lcore; the rate
# is taken from two counter snapshots.  As root.
#   scripts/bench/afxdp.sh [xdp|packet]      (SECS=5, BUILD=build)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-$top/build}; D=$(mktemp -d); MODE=${1:-xdp}; SECS=${SECS:-5}
G=axdbg$$; P=axdbp$$
DPPID= GENPID=
cleanup() { kill $DPPID $GENPID 2>/dev/null; wait 2>/dev/null; ip netns del $G 2>/dev/null; ip netns del $P 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
ip netns add $G; ip netns add $P
ip link add axdb$$a type veth peer name axdb$$b
ip link set axdb$$a netns $G; ip link set axdb$$b netns $P
ip -n $G link set axdb$$a name eth0; ip -n $P link set axdb$$b name eth0
ip -n $G addr add 192.168.100.30/24 dev eth0; ip -n $P addr add 192.168.100.5/24 dev eth0
for n in $G $P; do ip -n $n link set eth0 up; ip -n $n link set lo up; ip netns exec $n ethtool -K eth0 tx off >/dev/null; done
T=$top/scripts/bench/afxdp_traffic.py
GWMAC=$(/usr/bin/python3 $T mac $G eth0)
/usr/bin/python3 $T pcap "$GWMAC" $D/lisp.pcap
if [ "$MODE" = xdp ]; then
  VDEV="net_af_xdp0,iface=eth0,xdp_prog=$B/dataplane/xdp/lispgw_xdp.o"; DEV=net_af_xdp0; XP="xdp-program: lispgw"
else
  VDEV="net_af_packet0,iface=eth0"; DEV=net_af_packet0; XP="next-hop-mac: \"02:00:00:00:00:05\""
fi
cat > $D/gw.yaml <<Y
ports:
  - {name: rloc, device: $DEV, role: rloc, addresses: ["192.168.100.30/24"], $XP}
  - {name: eid, device: net_null0, role: eid, instance-id: 1, peer-mac: "02:00:00:00:01:01"}
instances:
  - {instance-id: 1, encapsulation: lisp}
Y
ip netns exec $G $B/dataplane/lispgw-dp -l 0 --no-huge -m 512 --no-shconf --no-telemetry --no-pci --log-level lib.eal:error \
  --vdev $VDEV --vdev net_null0,no-rx=1 -- -c $D/gw.yaml --busy-poll > $D/dp.out 2> $D/dp.err &
DPPID=$!; sleep 3
ip netns exec $P dpdk-testpmd -l 0-1 --main-lcore 0 --no-huge -m 512 --no-shconf --no-telemetry --no-pci --log-level lib.eal:error \
  --vdev net_pcap0,rx_pcap=$D/lisp.pcap,infinite_rx=1 --vdev net_af_packet0,iface=eth0 -- --total-num-mbufs=16384 --forward-mode=io \
  --no-flush-rx --auto-start --stats-period 100 > $D/gen.out 2>&1 &
GENPID=$!; sleep 2
snap() { : > $D/dp.out; kill -USR1 $DPPID; sleep 0.3; /usr/bin/python3 $top/scripts/bench/figures.py show $D/dp.out decap_lisp xdp.rloc.fastpath xdp.rloc.kernel; }
read d0 f0 k0 < <(snap); t0=$(date +%s.%N)
PING=$(ip netns exec $P ping -c 20 -i 0.2 -W 1 192.168.100.30 | tail -2 | tr '\n' ' ')
TCP=$(ip netns exec $G timeout 20 /usr/bin/python3 $T tcp-sink 22 > $D/tcp.out & sleep 0.3; ip netns exec $P timeout 20 /usr/bin/python3 $T tcp-send 192.168.100.30 22 $((8 << 20)); wait $!; cat $D/tcp.out)
sleep $(( SECS > 4 ? SECS - 4 : 1 ))
read d1 f1 k1 < <(snap); t1=$(date +%s.%N)
/usr/bin/python3 $T rate $MODE $d0 $d1 $f0 $f1 $k0 $k1 $t0 $t1
echo "ping to the gateway's kernel under load: $PING"; echo "TCP 8 MiB to :22 under load (s, bytes): $TCP"
