#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A fuzz campaign over the libFuzzer targets of tests/fuzz (docs/FUZZING.md):
# configures and builds build-fuzz with clang, regenerates the seeds, then
# runs each target for SECONDS, one after another in a single process, so
# that a 2-core box stays usable.  Prints per target the executions, exec/s,
# final corpus and crash artifacts; exits non-zero if any crash, leak,
# timeout or out-of-memory artifact appears (they go to build-fuzz/artifacts/).
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET...]]   default: 60 s, every target
# New inputs accumulate in build-fuzz/corpus/<target>/ from run to run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

secs=${1:-60}
shift || true
build="build-fuzz"
art=$build/artifacts
logs=$build/fuzz-logs

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzz=true
else
	meson configure "$build" -Dfuzz=true >/dev/null
fi

# The fuzz_* targets and the seed generator, as meson names them; building
# only these keeps a half-written file elsewhere in the tree out of the way.
mapfile -t names < <(meson introspect --targets "$build" | /usr/bin/python3 scripts/fuzz_targets.py)
meson compile -C "$build" "${names[@]}"

if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=()
	for n in "${names[@]}"; do
		[ "${n#fuzz_}" != "$n" ] && targets+=("${n#fuzz_}")
	done
fi

mkdir -p "$art" "$logs"
status=0
summary=()
for t in "${targets[@]}"; do
	bin=$build/tests/fuzz/fuzz_$t
	corpora=("$build/corpus/$t" "$build/tests/fuzz/seeds/$t")
	[ -d "tests/fuzz/corpus-extra/$t" ] && corpora+=("tests/fuzz/corpus-extra/$t")
	mkdir -p "$build/corpus/$t"
	mark=$(mktemp)
	echo "== $t: ${secs}s (log: $logs/$t.log)"
	# -workers=1 keeps it one process should -jobs ever be added; libFuzzer
	# exits 77 on a crash, which callers could take for "skipped".
	rc=0
	"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=5 -workers=1 \
		-print_final_stats=1 -error_exitcode=1 -timeout_exitcode=1 \
		-artifact_prefix="$art/$t-" "${corpora[@]}" >"$logs/$t.log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log")
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$logs/$t.log" | tail -n 1 | cut -d' ' -f2 || true)
	found=$(find "$art" -newer "$mark" -type f \
		\( -name "$t-crash-*" -o -name "$t-leak-*" -o -name "$t-timeout-*" \
		-o -name "$t-oom-*" \) | wc -l)
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		status=1
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property .* failed)' "$logs/$t.log" | head -n 5 || true
		find "$art" -newer "$mark" -name "$t-*" -type f | sed 's/^/   artifact: /'
	fi
	rm -f "$mark"
	summary+=("$(printf '%-8s %14s %10s %16s %8s %4s' "$t" "${execs:-?}" "${eps:-?}" \
		"${corp:-?}" "$found" "$rc")")
done

printf '\n%-8s %14s %10s %16s %8s %4s\n' target executions exec/s corpus crashes rc
printf '%s\n' "${summary[@]}"
exit "$status"
