#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The exception path's capacity (docs/dataplane.md, "Exception path";
# docs/BENCHMARKS.md): a batched UDP echo (tests/perf/udp_echo.c) on the
# gateway's RLOC port 4342, driven by cp_loadgen's echo traffic (256 in
# flight) from a peer namespace over a veth.
#   exception: lispgw-dp owns the veth (net_af_packet, one lcore,
#              --busy-poll) and hands 4342 to the kernel through its TAP
#              (exception.rate RATE, default high enough not to limit);
#   kernel:    the baseline, the kernel owns the veth, no lispgw-dp.
# As root.   scripts/bench/punt.sh [exception|kernel]  (COUNT=200000, RATE)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
B=${BUILD:-$top/build}; D=$(mktemp -d); MODE=${1:-exception}
COUNT=${COUNT:-200000}; RATE=${RATE:-10000000}
G=pubg$$; P=pubp$$
DPPID= ECHOPID=
cleanup() { kill $DPPID $ECHOPID 2>/dev/null; wait 2>/dev/null; ip netns del $G 2>/dev/null; ip netns del $P 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
ninja -C "$B" tests/perf/cp_loadgen tests/perf/udp_echo dataplane/lispgw-dp >/dev/null || exit 1
ip netns add $G; ip netns add $P
ip link add pub$$a type veth peer name pub$$b
ip link set pub$$a netns $G; ip link set pub$$b netns $P
ip -n $G link set pub$$a name eth0; ip -n $P link set pub$$b name eth0
ip -n $P addr add 192.168.100.5/24 dev eth0
for n in $G $P; do ip -n $n link set eth0 up; ip -n $n link set lo up; ip netns exec $n ethtool -K eth0 tx off >/dev/null; done
if [ "$MODE" = exception ]; then
  ip netns exec $G sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
  cat > $D/gw.yaml <<Y
ports:
  - {name: rloc, device: net_af_packet0, role: rloc, addresses: ["192.168.100.30/24"],
     exception: {interface: lgwx, rate: $RATE}}
  - {name: eid, device: net_null0, role: eid, instance-id: 1, peer-mac: "02:00:00:00:01:01"}
instances:
  - {instance-id: 1, encapsulation: lisp}
Y
  ip netns exec $G $B/dataplane/lispgw-dp -l 0 --no-huge -m 512 --no-shconf --no-telemetry --no-pci --log-level lib.eal:error \
    --vdev net_af_packet0,iface=eth0 --vdev net_null0,no-rx=1 -- -c $D/gw.yaml --busy-poll > $D/dp.out 2> $D/dp.err &
  DPPID=$!; sleep 3
else
  ip -n $G addr add 192.168.100.30/24 dev eth0
fi
ip netns exec $G $B/tests/perf/udp_echo 192.168.100.30 4342 &
ECHOPID=$!; sleep 0.5
echo "mode $MODE: $(ip netns exec $P env CP_LOADGEN_SRC=192.168.100.5 $B/tests/perf/cp_loadgen echo 192.168.100.30 $COUNT 1000)"
if [ -n "$DPPID" ]; then
  : > $D/dp.out; kill -USR1 $DPPID; sleep 0.3
  /usr/bin/python3 $top/scripts/bench/figures.py named $D/dp.out punt_exception \
    drop_exception_limited exception_to_kernel exception_from_kernel drop_exception_full \
    drop_punt_full drop_not_tunnel
fi
