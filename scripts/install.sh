#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs lispgw on this machine, as root (docs/security.md, "Privilege
# separation"):
#   - the system account lispgw (user and group) lispgw-cp drops root for
#     once its sockets are bound (privileges.user), created if missing;
#   - the binaries from a build folder (default build/, built first) into
#     PREFIX/bin (default /usr/local);
#   - /etc/lispgw, root:lispgw 0750: lispgw-cp reads its configuration (on
#     SIGHUP too), certificates and keys there after the drop, and cannot
#     change them; keys it must read are to be lispgw's, mode 0600;
#   - /var/lib/lispgw, lispgw:lispgw 0750: the agents state file and the
#     agents' keys (agents.state-file: /var/lib/lispgw/agents.json).
# Idempotent: a second run installs the binaries again and leaves the
# folders' contents alone.  DESTDIR is honoured for packaging (then the
# ownership is set only when running as root).
#   scripts/install.sh [BUILD_DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${1:-build}
prefix=${PREFIX:-/usr/local}
dest=${DESTDIR:-}

if [ "$(id -u)" -ne 0 ] && [ -z "$dest" ]; then
	echo "install.sh: run as root (or set DESTDIR to stage the files)" >&2
	exit 1
fi

# shellcheck source=scripts/lib/user.sh
. scripts/lib/user.sh
[ "$(id -u)" -eq 0 ] && ensure_user

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" -Dwerror=true >/dev/null
fi
ninja -C "$build" >/dev/null

install -d -m 0755 "$dest$prefix/bin"
for b in controlplane/lispgw-cp ctl/lispgw-ctl dataplane/lispgw-dp; do
	[ -x "$build/$b" ] || continue	# lispgw-dp needs DPDK
	install -m 0755 "$build/$b" "$dest$prefix/bin/"
done

install -d -m 0750 "$dest/etc/lispgw" "$dest/var/lib/lispgw"
if [ "$(id -u)" -eq 0 ]; then
	chown "root:$LISPGW_USER" "$dest/etc/lispgw"
	chown "$LISPGW_USER:$LISPGW_USER" "$dest/var/lib/lispgw"
fi
echo "installed into $dest$prefix/bin; configuration in /etc/lispgw (root:$LISPGW_USER 0750)," \
	"state in /var/lib/lispgw ($LISPGW_USER 0750)"
