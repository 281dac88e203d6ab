#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole lispgw test suite, on a fresh Debian 12 machine as root:
#   1. installs the Debian packages it needs (only the missing ones),
#   2. builds with meson (warnings are errors) and runs every test,
#   3. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs
#      the unit suites and the decoder regression corpora again,
#   4. builds the libFuzzer targets with clang and runs each for a few seconds.
# Exits non-zero on any failure.  A second run skips straight to building.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# shellcheck source=scripts/lib/packages.sh
. scripts/lib/packages.sh
ensure_packages "${LISPGW_TEST_PACKAGES[@]}"

FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-10}
status=0
passed=0 failed=0 skipped=0

# run_tests ARGS...: meson test, its summary printed, its counts added up.
run_tests() {
	local out rc=0
	out=$(mktemp)
	meson test "$@" 2>&1 | tee "$out" || rc=1
	passed=$((passed + $(awk '/^Ok:/ {n += $2} /^Expected Fail:/ {n += $3} END {print n + 0}' "$out")))
	failed=$((failed + $(awk '/^Fail:/ {n += $2} /^Unexpected Pass:/ {n += $3} /^Timeout:/ {n += $2} END {print n + 0}' "$out")))
	skipped=$((skipped + $(awk '/^Skipped:/ {n += $2} END {print n + 0}' "$out")))
	rm -f "$out"
	[ "$rc" -eq 0 ] || status=1
}

# setup_build DIR [meson options...]: configure once, reconfigure when the
# options asked for differ from those the directory was made with.
setup_build() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ] && [ "$(cat "$dir/.lispgw-opts" 2>/dev/null)" = "$*" ]; then
		return 0
	fi
	rm -rf "$dir"
	meson setup "$dir" "$@"
	echo "$*" >"$dir/.lispgw-opts"
}

section() { printf '\n==== %s ====\n' "$*"; }

section "build (gcc, -Werror)"
setup_build build -Dwerror=true
ninja -C build

section "all tests"
run_tests -C build --print-errorlogs

section "sanitizers: unit suites and decoder corpora under ASan+UBSan"
setup_build build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
	-Dc_args=-fno-sanitize-recover=all
ninja -C build-asan
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	run_tests -C build-asan --print-errorlogs --suite unit --suite fuzz-regress

section "fuzz smoke (clang + libFuzzer, ${FUZZ_SMOKE_SECONDS}s per target)"
CC=clang setup_build build-fuzz -Dwerror=true -Dfuzz=true
ninja -C build-fuzz
FUZZ_SMOKE_SECONDS=$FUZZ_SMOKE_SECONDS run_tests -C build-fuzz --print-errorlogs \
	--suite fuzz-smoke

section "result"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ]; then
	echo "scripts/test.sh: all suites passed"
else
	echo "scripts/test.sh: FAILURES (see the meson summaries above)"
fi
exit "$status"
