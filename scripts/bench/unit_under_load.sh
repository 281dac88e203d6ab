#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The unit suites, RUNS times in a row, with stress-ng keeping every core
# busy beside them (a shared CI machine).  Prints each run's result and
# the total; exit status 1 if any run failed.
#
#   scripts/bench/unit_under_load.sh [BUILD_DIR] [RUNS] [CPU_WORKERS]
#   defaults: build, 5, the number of cores
set -u
build=${1:-build}
runs=${2:-5}
workers=${3:-$(nproc)}

command -v stress-ng >/dev/null || { echo "stress-ng missing (apt-get install stress-ng)" >&2; exit 2; }
stress-ng --cpu "$workers" --timeout 3600s --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null; wait "$stress" 2>/dev/null' EXIT INT TERM
sleep 1

failed=0
i=1
while [ "$i" -le "$runs" ]; do
	out=$(meson test -C "$build" --suite unit --no-rebuild 2>&1)
	rc=$?
	summary=$(printf '%s\n' "$out" | grep -E '^(Ok|Fail|Timeout):' | tr -s ' ' | tr '\n' ' ')
	echo "run $i: exit $rc: $summary"
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		printf '%s\n' "$out" | grep -E ' (FAIL|TIMEOUT) ' | sed 's/^/    /'
	fi
	i=$((i + 1))
done
echo "stress-ng --cpu $workers: $((runs - failed))/$runs runs of the unit suites passed"
[ "$failed" -eq 0 ]
