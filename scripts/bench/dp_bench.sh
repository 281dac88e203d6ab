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
# Env: BUILD (build dir, default build), LCORES (default 0-1: main + one worker),
#      MODES (default "lisp vxlan gpe decap"),
#      PATTERN (the EID-side input, dp_gen.py: sample (default) 4096 frames
#        to random destinations, so at most 4096 mappings are read at any
#        table size; walk: one frame per mapping in order, ENTRIES frames, a
#        working set of every mapping; random: the same frames shuffled;
#        single: one flow),
#      MBUF_SIZE (data room of the mbufs when the pcap holds more than 4096
#        frames, default 512: net_pcap keeps the whole file in mbufs of the
#        port's pool, so lispgw-dp gets --mbufs/--mbuf-size and testpmd
#        --total-num-mbufs/--mbuf-size, the same for both),
#      SMOKE=1 (the test suite's bench-dp-smoke: no hugepages (--no-huge),
#        1 s of warm-up, and a failure when a figure is missing or zero).
# Cycles per packet: lispgw-dp's busy_cycles over its received frames in
# each window (TSC in the worker, non-empty polls only); testpmd's own
# --record-core-cycles figure (its non-empty polls, the whole run).
# Above 150,000 entries the YAML would pass lispgw-dp's 16 MiB config limit:
# the mappings go in over the control-plane channel (tests/perf/dp_loader,
# built in BUILD), the process is started once per mode and the RUNS are
# consecutive windows of it.  The load time is printed (1M /24s: seconds
# since the IPv4 table is dataplane/fib4.c; minutes with rte_lpm).
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
if [ "${SMOKE:-0}" = 1 ] && ! command -v dpdk-testpmd >/dev/null; then
	echo "no dpdk-testpmd: skipped" >&2
	exit 77
fi
modes=${MODES:-lisp vxlan gpe decap}
pattern=${PATTERN:-sample}
smoke=${SMOKE:-0}
warmup=3
[ "$smoke" = 1 ] && warmup=1
case $pattern in
sample) nframes=4096 ;;
single) nframes=1 ;;
walk | random) nframes=$entries ;;
*) echo "PATTERN: sample, walk, random or single" >&2; exit 1 ;;
esac
if [ "$smoke" != 1 ]; then
	. scripts/lib/hugepages.sh
	# 1M mappings take ~700 MB of tables (docs/BENCHMARKS.md), a 1M-frame
	# pcap ~700 MB of 512-byte mbufs; --in-memory maps pages as it needs them.
	ensure_hugepages $((entries > 150000 ? 3072 : 1024))
fi
chan=0
[ "$entries" -gt 150000 ] && chan=1
loader=$build/tests/perf/dp_loader
[ "$chan" = 0 ] || [ -x "$loader" ] || { echo "no $loader: build first" >&2; exit 1; }
if [ "$chan" = 1 ]; then
	# The channel socket goes to channel.socket-user (lispgw by default):
	# a fresh machine has no such account until something creates it.
	# shellcheck source=scripts/lib/user.sh
	. scripts/lib/user.sh
	ensure_user
fi
tmp=$(mktemp -d)
pid= lpid=
cleanup() {
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
DP_GEN_STATIC=$((1 - chan)) /usr/bin/python3 scripts/bench/dp_gen.py "$tmp" "$entries" "$pattern"
eal=(-l "$lcores" -n 1 --in-memory --no-pci --no-telemetry --log-level lib.eal:error)
[ "$smoke" = 1 ] && eal=(-l "$lcores" -n 1 --no-huge -m 1536 --no-shconf --no-pci --no-telemetry
	--log-level lib.eal:error)
# Pools that hold a large pcap (EID side only: rloc.pcap has 4096 frames).
dp_pool=() tp_pool=()
if [ "$nframes" -gt 4096 ]; then
	dp_pool=(--mbufs $((nframes + 8192)) --mbuf-size "${MBUF_SIZE:-512}")
	tp_pool=(--total-num-mbufs=$((nframes + 32768)) --mbuf-size="${MBUF_SIZE:-512}")
fi

# dp_rates CONFIG PCAP N -> N lines of "Mpps cycles/packet" (tx and
# busy_cycles deltas between SIGUSR1 dumps, N consecutive windows of
# SECONDS in one process)
dp_rates() {
	local extra=() t0 t1 i
	# A subshell ($(...), <(...)): the script's EXIT trap does not run
	# here, so a failure must stop what this one started.
	# shellcheck disable=SC2064
	trap "rc=\$?; kill \"\$lpid\" \"\$pid\" 2>/dev/null
		[ \$rc = 0 ] || { echo \"dp_bench.sh: a run of $1 failed (\$rc, line \$LINENO):\" >&2
		tail -5 $tmp/err.log >&2; }" EXIT
	[ "$chan" = 1 ] && extra=(--channel "$tmp/dp.sock")
	[ "$2" = "$tmp/eid.pcap" ] && extra+=("${dp_pool[@]}")
	"$dp" "${eal[@]}" --vdev "net_pcap0,rx_pcap=$2,infinite_rx=1" --vdev net_null0,no-rx=1 \
		-- -c "$1" --busy-poll "${extra[@]}" >"$tmp/out.json" 2>"$tmp/err.log" &
	pid=$!
	# SIGUSR1 kills until lispgw-dp has its handler (after the config
	# and the EAL: a 100k-mapping YAML takes seconds to parse).
	until sig=$(awk '/^SigCgt/ {print $2}' "/proc/$pid/status" 2>/dev/null) &&
		[ -n "$sig" ] && (((0x$sig & 512) != 0)); do
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/err.log" >&2; exit 1; }
		sleep 0.1
	done
	# Forwarding once the main loop answers SIGUSR1 (the pool, a pcap of
	# 1M frames read into mbufs and the ports take seconds before it runs);
	# then those answers are cut off (a truncated file: NULs, ignored).
	until grep -q '^{' "$tmp/out.json" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { cat "$tmp/err.log" >&2; exit 1; }
		kill -USR1 "$pid"
		sleep 0.2
	done
	sleep 0.2
	: >"$tmp/out.json"
	if [ "$chan" = 1 ]; then
		for _ in $(seq 100); do [ -S "$tmp/dp.sock" ] && break; sleep 0.1; done
		"$loader" "$tmp/dp.sock" "$entries" >"$tmp/loader.log" &
		lpid=$!
		until grep -q loaded "$tmp/loader.log" 2>/dev/null; do
			kill -0 "$lpid" 2>/dev/null || {
				echo "dp_loader failed: $(cat "$tmp/loader.log")" >&2
				tail -5 "$tmp/err.log" >&2
				exit 1
			}
			sleep 1
		done
		echo "$1: $(cat "$tmp/loader.log")" >&2
	fi
	sleep "$warmup"
	: >"$tmp/times"
	for i in $(seq "$3"); do
		kill -USR1 "$pid"
		date +%s.%N >>"$tmp/times"
		sleep "$secs"
	done
	kill -USR1 "$pid"
	date +%s.%N >>"$tmp/times"
	sleep 0.3
	grep -E '^(VmRSS|VmHWM)' "/proc/$pid/status" | tr -s ' \t' ' ' | tr '\n' ' ' >&2
	echo "hugepages used: $(awk '/^HugePages_Total/ {t=$2} /^HugePages_Free/ {f=$2} END {print (t-f)*2}' /proc/meminfo) MB" \
		"(all processes), by lispgw-dp: $(awk '/_Hugetlb:/ {k += $2} END {print int(k / 1024)}' \
		"/proc/$pid/smaps" 2>/dev/null) MB" >&2
	kill -INT "$pid"
	wait "$pid" || true
	pid=
	grep -v '^$' "$tmp/err.log" | tail -3 >&2 || true
	if [ -n "$lpid" ]; then kill "$lpid" 2>/dev/null; wait "$lpid" || true; lpid=; fi
	/usr/bin/python3 scripts/bench/figures.py rates "$tmp/out.json" "$tmp/times" --cycles
}

# testpmd_rate PCAP -> "Mpps cycles/packet" (median of the per-second
# Tx-pps after warm-up; its own cycles per packet)
testpmd_rate() {
	local pool=()
	[ "$1" = "$tmp/eid.pcap" ] && pool=("${tp_pool[@]}")
	# (+1 s per 50,000 frames: testpmd reads the pcap into mbufs first)
	# (smoke: +5 s, a loaded machine starts it slowly)
	timeout -s INT $((secs + 3 + warmup + nframes / 50000 + 5 * smoke)) dpdk-testpmd "${eal[@]}" \
		--vdev "net_pcap0,rx_pcap=$1,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
		--forward-mode=io --no-flush-rx --stats-period 1 --auto-start --record-core-cycles \
		"${pool[@]}" >"$tmp/tp.log" 2>&1 || true
	/usr/bin/python3 scripts/bench/figures.py testpmd "$tmp/tp.log" --cycles ||
		{ tail -5 "$tmp/tp.log" >&2; echo "0 0"; }
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# field N of each "Mpps cycles" pair
col() { local n=$1; shift; printf '%s\n' "$@" | awk -v n="$n" '{print $n}'; }

printf '| path | entries | pattern | lispgw-dp Mpps | testpmd io Mpps | ratio | lispgw-dp cycles/pkt | testpmd cycles/pkt |\n'
printf '|---|---:|---|---:|---:|---:|---:|---:|\n'
bad=0
for mode in $modes; do
	pcap=$tmp/eid.pcap
	[ "$mode" = decap ] && pcap=$tmp/rloc.pcap
	d=() b=()
	if [ "$chan" = 1 ]; then
		mapfile -t d < <(dp_rates "$tmp/$mode.yaml" "$pcap" "$runs")
		for _ in $(seq "$runs"); do b+=("$(testpmd_rate "$pcap")"); done
	else
		for _ in $(seq "$runs"); do
			d+=("$(dp_rates "$tmp/$mode.yaml" "$pcap" 1)")
			b+=("$(testpmd_rate "$pcap")")
		done
	fi
	echo "$mode $entries $pattern: lispgw-dp ${d[*]} testpmd ${b[*]}" >&2
	# shellcheck disable=SC2046
	dm=$(median $(col 1 "${d[@]}"))
	# shellcheck disable=SC2046
	bm=$(median $(col 1 "${b[@]}"))
	# shellcheck disable=SC2046
	dc=$(median $(col 2 "${d[@]}"))
	# shellcheck disable=SC2046
	bc=$(median $(col 2 "${b[@]}"))
	printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$mode" "$entries" "$pattern" "$dm" "$bm" \
		"$(awk -v a="$dm" -v b="$bm" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$dc" "$bc"
	awk -v a="$dm" -v b="$bm" -v c="$dc" -v e="$bc" 'BEGIN { exit !(a > 0 && b > 0 && c > 0 && e > 0) }' ||
		bad=1
done
if [ "$bad" = 1 ]; then
	echo "dp_bench.sh: a figure is missing or zero" >&2
	[ "$smoke" = 1 ] && exit 1
fi
exit 0
