#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Instructions per packet of the forwarding functions, counted by
# valgrind --tool=callgrind (this VM has no hardware counters): the harness
# tests/perf/dp_encap_perf (the lispgw_dp library, tables built with its
# API, 4096 64-byte frames with random destinations over ENTRIES /24
# mappings, bursts of 32) runs under callgrind with instrumentation only
# around the packet loop; callgrind_annotate's inclusive Ir of
# dp_encap_burst / dp_decap_burst divided by the packets.
# Usage: scripts/bench/dp_callgrind.sh [ENTRIES] [PASSES] [MODES]   (1000 2 "lisp vxlan decap")
# Env: BUILD (default build), PATTERN (encap input, as dp_encap_perf:
#      sample (default: 4096 random destinations), walk (every mapping in
#      order, ENTRIES packets a pass), random (every mapping, shuffled),
#      single (one flow); decap always reads the sample)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
entries=${1:-1000}
passes=${2:-2}
modes=${3:-lisp vxlan decap}
build=${BUILD:-build}
h=$build/tests/perf/dp_encap_perf
[ -x "$h" ] || { echo "no $h: build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pattern=${PATTERN:-sample}
printf '| path | entries | pattern | packets | Ir in the burst function | Ir/packet |\n|---|---:|---|---:|---:|---:|\n'
for mode in $modes; do
	fn=dp_encap_burst
	pat=$pattern
	case $mode in decap*) fn=dp_decap_burst pat=sample ;; esac
	valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$tmp/cg.out" \
		"$h" "$mode" "$entries" "$passes" "$pat" >"$tmp/h.log" 2>"$tmp/vg.log"
	pkts=$(awk '/^mode/ {for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1)}' "$tmp/h.log")
	ir=$(callgrind_annotate --inclusive=yes "$tmp/cg.out" 2>/dev/null |
		awk -v fn="$fn" '!done && ($0 ~ (":" fn " ") || $0 ~ (":" fn "$")) {gsub(",", "", $1); print $1; done = 1}')
	printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" "$entries" "$pat" "$pkts" "$ir" \
		"$(awk -v a="$ir" -v b="$pkts" 'BEGIN { printf "%.1f", a / b }')"
done
