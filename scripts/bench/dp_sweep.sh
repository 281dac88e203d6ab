#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The issue-4 sweep: scripts/bench/dp_bench.sh over map-caches of 1, 1k,
# 100k and 1M /24 mappings, LISP encap, VXLAN encap and (LISP) decap,
# SECONDS per run, median of RUNS, each beside dpdk-testpmd io forwarding
# on the same ports in the same run.  One table per size; the per-run
# figures, the 1M load time and the memory go to stderr.
# Usage: scripts/bench/dp_sweep.sh [SECONDS] [RUNS] [SIZES]   (3 3 "1 1000 100000 1000000")
# Env: BUILD (as dp_bench.sh), MODES (default "lisp vxlan decap"),
#      MODES_1M (modes at 1M, default MODES: each loads the table anew).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-3}
runs=${2:-3}
sizes=${3:-1 1000 100000 1000000}
modes=${MODES:-lisp vxlan decap}
first=1
for n in $sizes; do
	m=$modes
	[ "$n" -gt 150000 ] && m=${MODES_1M:-$modes}
	MODES=$m "$top/scripts/bench/dp_bench.sh" "$n" "$secs" "$runs" | { [ $first = 1 ] && cat || tail -n +3; }
	first=0
done
