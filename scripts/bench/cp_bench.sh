#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Control-plane benchmark (docs/BENCHMARKS.md): one lispgw-cp (Map-Server +
# Map-Resolver) pinned to one core on loopback, a load generator on the
# other core.
#   1. Map-Registers/s: REGISTRATIONS authenticated (HMAC-SHA-256) Map-Registers,
#      one host EID each, counted when their Map-Notify comes back;
#   2. memory per registration: the daemon's RSS growth over them;
#   3. Map-Requests/s: REQUESTS Encapsulated Map-Requests over all registered
#      EIDs, answered by proxy Map-Replies;
#   4. baseline: the same request traffic against a batched UDP echo on the
#      same core, and the ratio of 3 to it;
#   5. LISP-SEC: resolutions/s with LISP-SEC (RFC 9303) against plain ones,
#      alternately in the same run, ITR, Map-Server and ETR in one process
#      on the server core (tests/perf/lispsec_perf.c), LISPSEC_COUNT
#      resolutions (20000) a measurement, LISPSEC_RUNS rounds (3).
# Usage: scripts/bench/cp_bench.sh [REGISTRATIONS] [REQUESTS]   (1000000 each)
#        LISPSEC_ONLY=1 scripts/bench/cp_bench.sh: step 5 alone
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
regs=${1:-1000000}
reqs=${2:-1000000}
build=build-bench
. scripts/lib/packages.sh
ensure_packages "${LISPGW_BUILD_PACKAGES[@]}" libcyaml-dev libyaml-dev
[ -f $build/build.ninja ] || meson setup $build -Dbuildtype=release -Dtests=true >/dev/null
ninja -C $build controlplane/lispgw-cp tests/perf/cp_loadgen tests/perf/udp_echo \
	tests/perf/lispsec_perf >/dev/null
server_cpu=1 gen_cpu=0
[ "$(nproc)" -ge 2 ] || server_cpu=0
lispsec() {
	echo "== LISP-SEC: resolutions/s signed against plain, one core =="
	taskset -c $server_cpu $build/tests/perf/lispsec_perf "${LISPSEC_COUNT:-20000}" \
		"${LISPSEC_RUNS:-3}"
}
if [ -n "${LISPSEC_ONLY:-}" ]; then
	lispsec
	exit 0
fi

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
cat >"$tmp/ms.yaml" <<YAML
roles: [map-server, map-resolver]
log-level: warning
listen:
  addresses: [127.0.0.10]
map-server:
  registration-timeout: 1h
  sites:
    - name: bench
      key-id: 2
      key: "bench-key"
      accept-more-specifics: true
      eid-prefixes: ["[1000]10.0.0.0/8"]
map-resolver:
  rate-limit:
    requests-per-second: 0
YAML
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

taskset -c $server_cpu $build/controlplane/lispgw-cp -c "$tmp/ms.yaml" 2>"$tmp/cp.log" &
cp_pid=$!
pids+=($cp_pid)
sleep 0.5
rss0=$(rss_kb $cp_pid)
echo "== $regs Map-Registers (HMAC-SHA-256, want-map-notify) =="
reg_out=$(taskset -c $gen_cpu $build/tests/perf/cp_loadgen register 127.0.0.10 "$regs" bench-key)
echo "$reg_out"
rss1=$(rss_kb $cp_pid)
per_reg=$(( (rss1 - rss0) * 1024 / regs ))
echo "== $reqs Map-Requests (ECM, proxy replies) over $regs EIDs =="
req_out=$(taskset -c $gen_cpu $build/tests/perf/cp_loadgen request 127.0.0.10 "$reqs" "$regs")
echo "$req_out"
kill $cp_pid
wait $cp_pid 2>/dev/null || true

taskset -c $server_cpu $build/tests/perf/udp_echo 127.0.0.11 4342 &
pids+=($!)
sleep 0.3
echo "== baseline: the same requests against a batched UDP echo =="
echo_out=$(taskset -c $gen_cpu $build/tests/perf/cp_loadgen echo 127.0.0.11 "$reqs" "$regs")
echo "$echo_out"

rate() { sed -n 's/.*: \([0-9]*\) per second.*/\1/p' <<<"$1"; }
reg_rate=$(rate "$reg_out") req_rate=$(rate "$req_out") echo_rate=$(rate "$echo_out")
echo
echo "summary: registrations=$regs map_registers_per_s=$reg_rate rss_per_registration_bytes=$per_reg" \
	"map_requests_per_s=$req_rate echo_per_s=$echo_rate" \
	"ratio_to_echo=$(awk -v a="$req_rate" -v b="$echo_rate" 'BEGIN {printf "%.2f", a / b}')"
lispsec
