#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job, on a fresh Debian 12 machine as root: installs what it
# needs, builds, reserves hugepages, then runs scripts/demo.py: a
# Map-Server/Map-Resolver and three xTRs (lispgw-cp + lispgw-dp each) in
# network namespaces, agents of two tenants talking through them, GPU
# agents registered and found by their attributes, an anycast service whose
# load changes steer new flows while old ones stay, the map-cache and
# counters, an agent moving between xTRs under 10 000 packets/s, and a
# second cluster (its Map-Server, a fourth xTR) federated through a LISP-DDT
# root, and agents with crypto-EIDs (a spoofed registration refused).  The four data planes took 548 MB of hugepages at most (of 1400).
# Everything it creates is removed on exit (normal end, failure or Ctrl-C);
# bounded by DEMO_TIMEOUT seconds (default 300); exit status 0 only when
# every step worked.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# shellcheck source=scripts/lib/packages.sh
. scripts/lib/packages.sh
# shellcheck source=scripts/lib/hugepages.sh
. scripts/lib/hugepages.sh
# shellcheck source=scripts/lib/user.sh
. scripts/lib/user.sh
ensure_packages "${LISPGW_TEST_PACKAGES[@]}"
# lispgw-cp drops root for this account once bound (docs/security.md).
ensure_user

if [ ! -f build/build.ninja ]; then
	meson setup build -Dwerror=true >/dev/null
fi
ninja -C build >/dev/null

huge=()
if ensure_hugepages 1400 2>/dev/null; then
	huge=(--hugepages)
else
	echo "demo: no hugepages, the data planes run with --no-huge"
fi

exec timeout --foreground -s INT -k 10 "${DEMO_TIMEOUT:-300}" \
	/usr/bin/python3 scripts/demo.py --build "$top/build" "${huge[@]}"
