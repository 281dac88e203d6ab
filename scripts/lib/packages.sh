# SPDX-License-Identifier: BSD-3-Clause
# Debian 12 packages the project needs, and an idempotent installer that
# calls apt only for what is missing (so a second run costs nothing).

LISPGW_BUILD_PACKAGES=(
	meson ninja-build pkg-config gcc clang libclang-rt-14-dev
	libssl-dev libjansson-dev libpcap-dev libcyaml-dev libyaml-dev libbpf-dev libmicrohttpd-dev
	libgnutls28-dev libcurl4-openssl-dev libseccomp-dev
	dpdk dpdk-dev libdpdk-dev
)
LISPGW_TEST_PACKAGES=(
	"${LISPGW_BUILD_PACKAGES[@]}"
	check tshark python3-scapy python3-yaml iproute2 iputils-ping ethtool openssl curl
)

ensure_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
