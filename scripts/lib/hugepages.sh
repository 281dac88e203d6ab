# SPDX-License-Identifier: BSD-3-Clause
# Hugepages for lispgw-dp (MACHINE.md: reserved at run time, every boot).
#   ensure_hugepages MB   reserve at least MB megabytes free (root)
#   hugepages_free_mb     what is free now, of the chosen size
# LISPGW_HUGEPAGE_SIZE picks the page size: 2M (default) or 1G.  EAL finds
# the pages itself (--in-memory needs no mount; multi-process DPDK would
# need hugetlbfs).  With 1G, MB is rounded up to whole gigabytes.

hugepages_dir() {
	case "${LISPGW_HUGEPAGE_SIZE:-2M}" in
	2M | 2m | 2048k | 2048kB) echo /sys/kernel/mm/hugepages/hugepages-2048kB ;;
	1G | 1g | 1048576k | 1048576kB) echo /sys/kernel/mm/hugepages/hugepages-1048576kB ;;
	*)
		echo "hugepages: LISPGW_HUGEPAGE_SIZE must be 2M or 1G, not '$LISPGW_HUGEPAGE_SIZE'" >&2
		return 1
		;;
	esac
}

# Page size of the chosen directory, in MB.
hugepages_page_mb() {
	local dir
	dir=$(hugepages_dir) || return 1
	case "$dir" in
	*1048576kB) echo 1024 ;;
	*) echo 2 ;;
	esac
}

hugepages_free_mb() {
	local dir
	dir=$(hugepages_dir) || return 1
	[ -r "$dir/free_hugepages" ] || { echo 0; return 0; }
	echo $(($(cat "$dir/free_hugepages") * $(hugepages_page_mb)))
}

ensure_hugepages() {
	local want_mb=$1 dir page have want
	dir=$(hugepages_dir) || return 1
	page=$(hugepages_page_mb)
	[ "$(hugepages_free_mb)" -ge "$want_mb" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "hugepages: need ${want_mb} MB free, have $(hugepages_free_mb) MB (run as root)" >&2
		return 1
	fi
	if [ ! -w "$dir/nr_hugepages" ]; then
		echo "hugepages: this kernel offers no ${page} MB pages ($dir)" >&2
		return 1
	fi
	have=$(cat "$dir/nr_hugepages")
	want=$(( (want_mb - $(hugepages_free_mb) + page - 1) / page ))
	echo $((have + want)) >"$dir/nr_hugepages"
	if [ "$(hugepages_free_mb)" -lt "$want_mb" ]; then
		echo "hugepages: asked for $want more pages of $page MB, only $(hugepages_free_mb) MB free" >&2
		return 1
	fi
}
