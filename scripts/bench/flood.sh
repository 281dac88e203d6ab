#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Flood benchmark (docs/BENCHMARKS.md, "Flood"; issue 13): lispgw-cp as
# Map-Server + Map-Resolver in a network namespace, pinned to one core,
# takes 100,000 packets/s of junk, spoofed Map-Requests (plain and ECM) and
# bad-HMAC Map-Registers from 65,536 spoofed sources (tests/perf/flood_gen,
# a raw socket on the other core) while a legitimate ETR and ITR
# (tests/perf/flood_probe) register and resolve; their rate and latency
# are compared with the unloaded run before the flood, in the same run.
# Prints a summary block for the document.  As root; about 45 s.
#   scripts/bench/flood.sh [--smoke] [flood.py options: --rate PPS --seconds S
#                          --sources N --mix J,R,E,G --eids N]
# BUILD=dir selects the build (default: build).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
ninja -C "$build" controlplane/lispgw-cp tests/perf/flood_gen tests/perf/flood_probe >/dev/null
exec timeout -k 5 115 /usr/bin/python3 "$top/scripts/bench/flood.py" --build "$build" "$@"
