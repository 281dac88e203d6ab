#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole lispgw test suite, on a fresh Debian 12 machine as root:
#   1. installs the Debian packages it needs (only the missing ones),
#   2. builds with meson (warnings are errors) and runs every test but the
#      data plane's tests in network namespaces (suite dataplane-ns),
#   3. rebuilds with AddressSanitizer + UndefinedBehaviorSanitizer and runs
#      the unit suites, the decoder regression corpora and the data plane's
#      tests (suite dataplane, lispgw-dp end to end in namespaces included),
#   4. builds the libFuzzer targets with clang and runs each for a few seconds.
# Exits non-zero on any failure.  A second run skips straight to building.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# shellcheck source=scripts/lib/packages.sh
. scripts/lib/packages.sh
# shellcheck source=scripts/lib/user.sh
. scripts/lib/user.sh
ensure_packages "${LISPGW_TEST_PACKAGES[@]}"
# lispgw-cp drops root for this account once bound (docs/security.md).
ensure_user

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

# Each section says when it began, so that a slow run shows where the time went.
section() { printf '\n==== %s (at %d:%02d) ====\n' "$*" $((SECONDS / 60)) $((SECONDS % 60)); }

section "build (gcc, -Werror)"
setup_build build -Dwerror=true
ninja -C build

section "all tests (those in network namespaces in the sanitizer pass below)"
# Suite dataplane-ns: whole gateways and their peers in namespaces, the
# longest tests (3.4 of this section's 8.2 minutes, measured); they run once, on
# the ASan+UBSan build, where a leak or overflow in a daemon shows too.
run_tests -C build --print-errorlogs --no-suite dataplane-ns

section "sanitizers: unit suites and decoder corpora under ASan+UBSan"
# -O1, as AddressSanitizer's documentation advises: at -O2 encap.c's 64
# always-inlined instances took 8 of the build's 9.5 minutes on two cores
# (4 minutes in all at -O1).
setup_build build-asan -Dwerror=true -Doptimization=1 -Db_sanitize=address,undefined \
	-Db_lundef=false -Dc_args=-fno-sanitize-recover=all
ninja -C build-asan
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	run_tests -C build-asan --print-errorlogs --suite unit --suite fuzz-regress

section "sanitizers: the data plane and its end-to-end tests under ASan+UBSan"
# The whole dataplane suite: its Check suites and every test that starts
# lispgw-dp (pcap, channel, end to end in namespaces, exception path, AF_XDP,
# hand-offs, the demo), lispgw-cp beside it, all under ASan+UBSan, EAL with
# --no-huge as the tests start it (about 3 minutes here).
# The daemons run in namespaces with their stderr in the labs' logs, and a
# leak shows only at their exit, after a test has decided: so every report
# goes to a file under $san_dir (log_path), and any file there fails the
# section.  Leak checking covers what our code takes from libc (and what
# DPDK takes there); DPDK's own heap (rte_malloc, mempools, rings) is EAL
# memory that LeakSanitizer neither tracks nor scans, so tables and entries
# freed through rte_free are checked by the dp-tables suite, not here.
# tests/dataplane/lsan.supp names the leaks of DPDK 22.11's net_af_xdp;
# fast_unwind_on_malloc=0 lets it match them (libbpf/libxdp have no frame
# pointers) at no measurable cost here.
san_dir=$(mktemp -d)
# lispgw-cp writes its reports there after dropping root for lispgw.
chgrp "$LISPGW_USER" "$san_dir" && chmod 0770 "$san_dir"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:fast_unwind_on_malloc=0:log_path=$san_dir/asan \
	LSAN_OPTIONS=suppressions=$top/tests/dataplane/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:log_path=$san_dir/ubsan \
	run_tests -C build-asan --print-errorlogs --suite dataplane
if [ -n "$(ls -A "$san_dir")" ]; then
	for f in "$san_dir"/*; do
		printf -- '--- %s\n' "$f"
		cat "$f"
	done
	echo "sanitizer reports from the data-plane tests (above)"
	failed=$((failed + 1))
	status=1
fi
rm -rf "$san_dir"

section "fuzz smoke (clang + libFuzzer, ${FUZZ_SMOKE_SECONDS}s per target)"
CC=clang setup_build build-fuzz -Dwerror=true -Dfuzz=true
# The fuzz targets and their seeds only: the rest of the tree was built and
# tested above (with clang, the data plane alone is minutes of compiling).
mapfile -t fuzz_targets < <(ninja -C build-fuzz -t targets all |
	sed -n 's#^\(tests/fuzz/\(fuzz_[a-z0-9_]*\|seeds\.stamp\)\): .*#\1#p')
ninja -C build-fuzz "${fuzz_targets[@]}"
FUZZ_SMOKE_SECONDS=$FUZZ_SMOKE_SECONDS run_tests -C build-fuzz --no-rebuild --print-errorlogs \
	--suite fuzz-smoke

section "result"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ]; then
	echo "scripts/test.sh: all suites passed"
else
	echo "scripts/test.sh: FAILURES (see the meson summaries above)"
fi
exit "$status"
