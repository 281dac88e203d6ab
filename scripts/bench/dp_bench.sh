#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Data-plane benchmark, first cut (docs/dataplane.md, "Performance"): one
# worker lcore, 64-byte frames with 4096 flows over ENTRIES static /24
# mappings, replayed from memory by net_pcap (infinite_rx) into lispgw-dp,
# out to net_null; the same ports under dpdk-testpmd io forwarding as the
# baseline.  LISP, VXLAN and VXLAN-GPE encapsulation, LISP decapsulation.
# Rates: lispgw-dp's own counters (SIGUSR1) over SECONDS; testpmd's
# --stats-period Tx-pps.  Median of RUNS.  Needs root (hugepages).
# Usage: scripts/bench/dp_bench.sh [ENTRIES] [SECONDS] [RUNS]   (1000 5 3)
# Env: BUILD (build dir, default build), LCORES (default 0-1: main + one worker)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
entries=${1:-1000}
secs=${2:-5}
runs=${3:-3}
build=${BUILD:-build}
lcores=${LCORES:-0-1}
dp=$build/dataplane/lispgw-dp
[ -x "$dp" ] || { echo "no $dp: build first (meson setup $build && ninja -C $build)" >&2; exit 1; }
if [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 512 ]; then
	echo 512 >/proc/sys/vm/nr_hugepages
fi
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
/usr/bin/python3 scripts/bench/dp_gen.py "$tmp" "$entries"
eal=(-l "$lcores" -n 1 --in-memory --no-pci --no-telemetry --log-level lib.eal:error)

# dp_rate CONFIG PCAP -> Mpps (tx counter delta between two SIGUSR1 dumps)
dp_rate() {
	"$dp" "${eal[@]}" --vdev "net_pcap0,rx_pcap=$2,infinite_rx=1" --vdev net_null0,no-rx=1 \
		-- -c "$1" --busy-poll >"$tmp/out.json" 2>"$tmp/err.log" &
	pid=$!
	sleep 3
	kill -USR1 "$pid"
	t0=$(date +%s.%N)
	sleep "$secs"
	kill -USR1 "$pid"
	t1=$(date +%s.%N)
	sleep 0.3
	kill -INT "$pid"
	wait "$pid" || true
	pid=
	/usr/bin/python3 - "$tmp/out.json" "$t0" "$t1" <<'PY'
import json, sys
l = [json.loads(x) for x in open(sys.argv[1]) if x.startswith("{")]
drops = {k: v for k, v in l[-1].items() if k.startswith("drop") and v}
if drops:
    print("drops:", drops, file=sys.stderr)
print("%.2f" % ((l[1]["tx"] - l[0]["tx"]) / (float(sys.argv[3]) - float(sys.argv[2])) / 1e6))
PY
}

# testpmd_rate PCAP -> Mpps (median of the per-second Tx-pps after warm-up)
testpmd_rate() {
	timeout -s INT $((secs + 4)) dpdk-testpmd "${eal[@]}" \
		--vdev "net_pcap0,rx_pcap=$1,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
		--forward-mode=io --no-flush-rx --stats-period 1 --auto-start >"$tmp/tp.log" 2>&1 || true
	/usr/bin/python3 - "$tmp/tp.log" <<'PY'
import re, statistics, sys
v = [int(x) for x in re.findall(r"Tx-pps:\s+(\d+)", open(sys.argv[1]).read()) if int(x)]
print("%.2f" % (statistics.median(v[2:] or v) / 1e6))
PY
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| path | entries | lispgw-dp Mpps | testpmd io Mpps | ratio |\n|---|---:|---:|---:|---:|\n'
for mode in lisp vxlan gpe decap; do
	pcap=$tmp/eid.pcap
	[ "$mode" = decap ] && pcap=$tmp/rloc.pcap
	d=() b=()
	for _ in $(seq "$runs"); do
		d+=("$(dp_rate "$tmp/$mode.yaml" "$pcap")")
		b+=("$(testpmd_rate "$pcap")")
	done
	dm=$(median "${d[@]}")
	bm=$(median "${b[@]}")
	printf '| %s | %s | %s | %s | %s |\n' "$mode" "$entries" "$dm" "$bm" \
		"$(awk -v a="$dm" -v b="$bm" 'BEGIN { printf "%.2f", a / b }')"
done
