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
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
if not rows:
    sys.exit("no run produced figures")
keys = ["handoff_ms", "lost_in_handoff", "lost", "move_ms", "register_ms",
        "attached_to_first_packet_ms", "registered_to_first_packet_ms",
        "latency_p50_us", "latency_p99_us"]
if rows[0].get("mode") == "site":
    keys = ["switch_ms", "lost", "latency_p50_us", "latency_p99_us"]
elif rows[0].get("mode") == "mbb":
    keys = ["switch_ms", "lost", "registered_to_new_link_ms", "register_ms",
            "latency_p50_us", "latency_p99_us"]
print(f"{len(rows)} runs at {rows[0]['rate_pps']} packets/s, medians:")
for k in keys:
    v = [r[k] for r in rows]
    print(f"  {k:32} {statistics.median(v):10.1f}   (min {min(v)}, max {max(v)})")
PY
