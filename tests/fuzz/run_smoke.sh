#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Suite 'fuzz-smoke': fuzzes one libFuzzer target for $FUZZ_SMOKE_SECONDS
# (default 10) starting from its corpora; fails on a crash, leak, timeout or
# a property violation.  New inputs go to a scratch corpus under WORKDIR, so
# that the generated seeds and corpus-extra/ stay as they are.
# libFuzzer's own exit code for a crash is 77, which meson reads as "skipped":
# hence -error_exitcode/-timeout_exitcode.
# Usage: run_smoke.sh BINARY NAME WORKDIR CORPUS...
set -eu
bin=$1 name=$2 work=$3
shift 3
mkdir -p "$work/corpus/$name" "$work/artifacts"
exec "$bin" -max_total_time="${FUZZ_SMOKE_SECONDS:-10}" -rss_limit_mb=2048 -timeout=5 \
	-error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
	-artifact_prefix="$work/artifacts/$name-" "$work/corpus/$name" "$@"
