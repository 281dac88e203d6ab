# SPDX-License-Identifier: BSD-3-Clause
# Hugepages for lispgw-dp (MACHINE.md: reserved at run time, every boot).
#   ensure_hugepages MB   reserve at least MB megabytes of 2 MB pages (root)
#   hugepages_free_mb     what is free now
# --in-memory needs no mount; multi-process DPDK would need hugetlbfs.

hugepages_free_mb() {
	awk '/^HugePages_Free:/ {f = $2} /^Hugepagesize:/ {s = $2} END {print int(f * s / 1024)}' \
		/proc/meminfo
}

ensure_hugepages() {
	local want_mb=$1 nr_file=/proc/sys/vm/nr_hugepages have want
	have=$(cat "$nr_file")
	want=$(( (want_mb + 1) / 2 ))
	[ "$(hugepages_free_mb)" -ge "$want_mb" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "hugepages: need ${want_mb} MB free, have $(hugepages_free_mb) MB (run as root)" >&2
		return 1
	fi
	echo $((have + want)) >"$nr_file"
	if [ "$(hugepages_free_mb)" -lt "$want_mb" ]; then
		echo "hugepages: asked for $want pages of 2 MB, only $(hugepages_free_mb) MB free" >&2
		return 1
	fi
}
