#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# How long a restarted Map-Server takes to hold its registrations again
# (issue 14; docs/BENCHMARKS.md, "Map-Server restart"): registrations are
# soft state (RFC 9301 8.2), so after a restart each comes back with its
# ETR's next refresh.
#   1. one lispgw-cp Map-Server on loopback, pinned to one core;
#   2. cp_loadgen refresh on the other core: COUNT host EIDs, each
#      refreshed every INTERVAL seconds, paced evenly (COUNT ETRs at that
#      interval; RFC 9301 8.1 has 60 s): COUNT / INTERVAL Map-Registers/s,
#      HMAC-SHA-256, want-map-notify;
#   3. once all COUNT are registered (REST total), SIGKILL and restart at
#      once; the time from the restarted daemon answering REST until it
#      holds all COUNT again, and the registrations/s it took in meanwhile.
# Expected: one INTERVAL (each EID is refreshed once in it), as long as the
# Map-Server keeps up with COUNT / INTERVAL registrations/s.
# Usage: scripts/bench/ms_restart.sh [COUNT] [INTERVAL_S]   (100000, 60)
#        BUILD=build scripts/bench/ms_restart.sh   (an existing build)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
count=${1:-100000}
interval=${2:-60}
build=${BUILD:-build-bench}
. scripts/lib/packages.sh
ensure_packages "${LISPGW_BUILD_PACKAGES[@]}" libcyaml-dev libyaml-dev curl bc
[ -f $build/build.ninja ] || meson setup $build -Dbuildtype=release -Dtests=true >/dev/null
ninja -C $build controlplane/lispgw-cp tests/perf/cp_loadgen >/dev/null

addr=127.0.0.30
token=ms-restart-bench-token-0123456789
tmp=$(mktemp -d)
pids=()
cleanup() {
	local rc=$?
	for p in "${pids[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
	rm -rf "$tmp"
	exit $rc
}
trap cleanup EXIT
cat >"$tmp/ms.yaml" <<YAML
roles: [map-server]
log-level: warning
listen:
  addresses: [$addr]
rest:
  address: $addr
  token: "$token"
map-server:
  registration-timeout: $((3 * interval))s
  sites:
    - name: bench
      key-id: 2
      key: "bench-key"
      accept-more-specifics: true
      eid-prefixes: ["[1000]10.0.0.0/8"]
YAML
server_cpu=1 gen_cpu=0
[ "$(nproc)" -ge 2 ] || server_cpu=0
now() { date +%s.%N; }
total() {
	curl -s -m 1 -H "Authorization: Bearer $token" \
		"http://$addr:8080/api/v1/registrations?limit=1" 2>/dev/null |
		sed -n 's/.*"total": *\([0-9][0-9]*\).*/\1/p' | grep . || echo -1
}
start_ms() {
	if [ "$(total)" -ge 0 ]; then
		echo "something already answers on $addr:8080" >&2
		exit 1
	fi
	taskset -c $server_cpu $build/controlplane/lispgw-cp -c "$tmp/ms.yaml" 2>>"$tmp/cp.log" &
	ms_pid=$!
	pids+=($ms_pid)
	until [ "$(total)" -ge 0 ]; do sleep 0.01; done
}
wait_all() {	# prints the seconds until the Map-Server holds all COUNT
	local t0=$1 n
	while :; do
		n=$(total)
		[ "$n" -ge "$count" ] && break
		if [ "$(echo "$(now) - $t0 > 4 * $interval" | bc)" = 1 ]; then
			echo "only $n of $count after $((4 * interval)) s" >&2
			exit 1
		fi
		sleep 0.1
	done
	echo "$(now) - $t0" | bc
}

start_ms
echo "== $count registrations refreshed every ${interval} s ($((count / interval))/s) =="
t_gen=$(now)
taskset -c $gen_cpu $build/tests/perf/cp_loadgen refresh $addr "$count" bench-key \
	"$interval" $((4 * interval + 60)) >"$tmp/gen.log" &
pids+=($!)
first=$(wait_all "$(now)")
echo "first registration of all $count: $first s"
kill -9 "$ms_pid"
t_kill=$(now)
wait "$ms_pid" 2>/dev/null || true
start_ms
t_up=$(now)
printf 'restarted (SIGKILL to REST answering): %.2f s\n' "$(echo "$t_up - $t_kill" | bc)"
back=$(wait_all "$t_up")
printf 'all %d registrations back in %.1f s (interval %d s): %.0f registrations/s\n' \
	"$count" "$back" "$interval" "$(echo "$count / $back" | bc -l)"
k=$(echo "($t_kill - $t_gen) / 1" | bc)
echo "loadgen, per second from the kill (sent, acknowledged by Map-Notify):"
awk -v k="$k" '$2 >= k && $2 <= k + 4' "$tmp/gen.log"
