#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Mobility hand-off under a paced UDP flow (docs/BENCHMARKS.md, "Mobility
# hand-off"): runs tests/dataplane/test_handoff.py RUNS times (an agent
# moves from xTR1 to xTR3 while a client behind xTR2 sends RATE packets/s
# to it; lispgw-cp + lispgw-dp on every xTR, pub/sub at the Map-Server) and
# prints each run's figures and their medians.  As root.
#   scripts/bench/handoff.sh [RUNS] [RATE] [MODE]
# MODE: move (default: the link moves, then xTR3 registers) or mbb
# (make-before-break: the new link first, the old one removed after) or
# site (the agent moves within its site behind the same xTR: no update).
# BUILD=dir selects the build (default: build).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
rate=${2:-10000}
mode=${3:-move}
build=${BUILD:-$top/build}
[ -x "$build/tests/perf/seqflow" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for i in $(seq "$runs"); do
	if ! LISPGW_BUILD=$build HANDOFF_RATE=$rate HANDOFF_MODE=$mode /usr/bin/python3 \
		"$top/tests/dataplane/test_handoff.py" >"$out.run" 2>&1; then
		echo "run $i failed:" >&2
		grep -E '^FAIL' "$out.run" >&2 || tail -20 "$out.run" >&2
	fi
	grep '^HANDOFF ' "$out.run" | sed 's/^HANDOFF //' | tee -a "$out"
	rm -f "$out.run"
done
/usr/bin/python3 "$top/scripts/bench/figures.py" handoff "$out"
