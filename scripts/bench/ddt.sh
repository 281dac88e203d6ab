#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# LISP-DDT benchmark (docs/BENCHMARKS.md, "LISP-DDT"; issue 14): resolutions
# through a DDT Map-Resolver with a warm referral cache against a direct
# Map-Resolver, first resolutions through three levels on veth, and a
# federation of Map-Server shards under one DDT root.  As root; a few
# minutes (--smoke: seconds).
#   scripts/bench/ddt.sh [--smoke] [ddt.py options: --regs N --requests N
#                        --levels-iids N --shards N --shard-eids N]
# BUILD=dir selects the build (default: build).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
ninja -C "$build" controlplane/lispgw-cp ctl/lispgw-ctl tests/perf/cp_loadgen >/dev/null
exec timeout -k 5 1500 /usr/bin/python3 "$top/scripts/bench/ddt.py" --build "$build" "$@"
