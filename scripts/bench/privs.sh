#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What privilege separation costs (docs/BENCHMARKS.md, "Privilege
# separation"):
#   1. per system call: tests/perf/seccomp_perf (children with and without
#      the filter lispgw-cp runs under, CPU time, median of ROUNDS), the
#      cheapest call, the event loop's epoll_wait and a UDP send+receive;
#   2. throughput: one lispgw-cp (Map-Server + Map-Resolver, release build)
# pinned to one core on loopback, the load generator on the other, the same
# Map-Registers and Map-Requests against privileges.seccomp: off and on
# (dropped to lispgw both times), ROUNDS rounds alternating, in one run.
# Every message is at least two system calls (recvmmsg/sendmmsg batches
# amortise them), each now through the seccomp filter.
# Usage: scripts/bench/privs.sh [REGISTRATIONS] [REQUESTS] [ROUNDS]   (100000 200000 5)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
regs=${1:-100000}
reqs=${2:-200000}
rounds=${3:-5}
build=build-bench
. scripts/lib/packages.sh
. scripts/lib/user.sh
ensure_packages "${LISPGW_BUILD_PACKAGES[@]}"
ensure_user
[ -f $build/build.ninja ] || meson setup $build -Dbuildtype=release -Dtests=true >/dev/null
ninja -C $build controlplane/lispgw-cp tests/perf/cp_loadgen tests/perf/seccomp_perf >/dev/null
server_cpu=1 gen_cpu=0
[ "$(nproc)" -ge 2 ] || server_cpu=0

tmp=$(mktemp -d)
chgrp "$LISPGW_USER" "$tmp" && chmod 0750 "$tmp"
cp_pid=
cleanup() { [ -n "$cp_pid" ] && kill "$cp_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
rate() { sed -n 's/.*: \([0-9]*\) per second.*/\1/p' <<<"$1"; }

one() {	# MODE: prints "registers_per_s requests_per_s"
	cat >"$tmp/ms.yaml" <<YAML
roles: [map-server, map-resolver]
log-level: warning
listen:
  addresses: [127.0.0.212]
privileges: {seccomp: $1}
map-server:
  registration-timeout: 1h
  sites:
    - {name: bench, key-id: 2, key: "bench-key", accept-more-specifics: true,
       eid-prefixes: ["[1000]10.0.0.0/8"]}
map-resolver:	# no limit but the core: the loadgen is the ITR (verified too)
  rate-limit: {requests-per-second: 0}
  global-rate-limit: {per-second: 0}
  verified-rate-limit: {per-second: 0}
YAML
	taskset -c $server_cpu $build/controlplane/lispgw-cp -c "$tmp/ms.yaml" \
		>/dev/null 2>"$tmp/cp.log" &
	cp_pid=$!
	local want i
	want=$([ "$1" = on ] && echo 2 || echo 0)
	for i in $(seq 50); do	# until it has dropped (its uid is lispgw's)
		[ "$(awk '/^Uid:/ {print $2}' "/proc/$cp_pid/status")" = "$(id -u "$LISPGW_USER")" ] &&
			break
		sleep 0.1
	done
	if ! grep -q "^Seccomp:.$want\$" "/proc/$cp_pid/status"; then
		cat "$tmp/cp.log" >&2
		echo "lispgw-cp: not dropped with seccomp $1" >&2
		kill $cp_pid
		exit 1
	fi
	local r q
	r=$(taskset -c $gen_cpu $build/tests/perf/cp_loadgen register 127.0.0.212 "$regs" bench-key) ||
		echo "register: $r" >&2
	q=$(taskset -c $gen_cpu $build/tests/perf/cp_loadgen request 127.0.0.212 "$reqs" "$regs") ||
		echo "request: $q" >&2
	kill $cp_pid
	wait $cp_pid 2>/dev/null || true
	cp_pid=
	echo "$(rate "$r") $(rate "$q")"
}

echo "== 1. per system call, without and with the filter (CPU time, median of $rounds) =="
taskset -c $server_cpu $build/tests/perf/seccomp_perf 2000000 "$rounds"
echo "== 2. lispgw-cp: $regs Map-Registers, then $reqs Map-Requests, seccomp off and on =="
echo "round mode map_registers_per_s map_requests_per_s"
for i in $(seq 1 "$rounds"); do
	for mode in off on; do
		read -r reg req < <(one $mode)
		echo "$i $mode $reg $req"
		echo "$mode $reg $req" >>"$tmp/all"
	done
done
# Medians: one round slowed by the rest of the machine moves a mean a lot.
med() { grep "^$1 " "$tmp/all" | awk -v c="$2" '{print $c}' | sort -n |
	awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ro=$(med off 2) rn=$(med on 2) qo=$(med off 3) qn=$(med on 3)
echo "summary: median registers/s off $ro on $rn (on/off $(awk -v a="$rn" -v b="$ro" \
	'BEGIN {printf "%.3f", a / b}')); requests/s off $qo on $qn (on/off $(awk -v a="$qn" \
	-v b="$qo" 'BEGIN {printf "%.3f", a / b}'))"
