# SPDX-License-Identifier: BSD-3-Clause
# The account lispgw-cp runs as once its sockets are bound (privileges.user,
# docs/security.md "Privilege separation"): a system user and its group,
# no login, no home of its own but the state directory.  Idempotent; root.

LISPGW_USER=${LISPGW_USER:-lispgw}

ensure_user() {
	local u=${1:-$LISPGW_USER}
	getent passwd "$u" >/dev/null && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "no account $u (run as root to create it)" >&2
		return 1
	fi
	getent group "$u" >/dev/null || groupadd --system "$u"
	# Exit 9: created meanwhile by a parallel run: fine.
	useradd --system --gid "$u" --no-create-home --home-dir /var/lib/lispgw \
		--shell /usr/sbin/nologin --comment "lispgw control plane" "$u" ||
		getent passwd "$u" >/dev/null
}
