// SPDX-License-Identifier: BSD-3-Clause
/*
 * XDP program for AF_XDP ports of lispgw-dp (issue 4, "single-NIC
 * gateways").  On an RLOC-side port it hands the fast path only what it
 * forwards — UDP to one of our RLOCs on 4341 (LISP), 4789 (VXLAN) or 4790
 * (VXLAN-GPE) — so that SSH, ARP/ND, the control plane's UDP 4342 and
 * everything else stay with the kernel.  On an EID-side port (mode EID) it
 * hands over every IPv4/IPv6 packet but ARP and IPv6 neighbour discovery,
 * which the kernel answers for the gateway address.
 *
 * Maps, filled by lispgw-dp (or a test) before traffic:
 *   xsks_map    queue index -> AF_XDP socket (net_af_xdp fills it)
 *   lispgw_cfg  [0] = mode (0 RLOC-side, 1 EID-side)
 *   rloc_v4     our IPv4 RLOCs;  rloc_v6  our IPv6 RLOCs
 *   lispgw_stats per-CPU counters (XDP_STAT_*)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "lispgw_xdp.h"

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lispgw_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISPGW_XDP_RLOCS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} rloc_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISPGW_XDP_RLOCS_MAX);
	__type(key, struct in6_addr);
	__type(value, __u8);
} rloc_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDP_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} lispgw_stats SEC(".maps");

static __always_inline void count(__u32 what)
{
	__u64 *v = bpf_map_lookup_elem(&lispgw_stats, &what);

	if (v)
		(*v)++;
}

static __always_inline int to_fastpath(struct xdp_md *ctx)
{
	count(XDP_STAT_FASTPATH);
	/* No socket on this queue (yet): the kernel gets it rather than a drop. */
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

static __always_inline int to_kernel(__u32 why)
{
	count(why);
	return XDP_PASS;
}

static __always_inline int encap_port(__be16 dport)
{
	return dport == bpf_htons(4341) || dport == bpf_htons(4789) || dport == bpf_htons(4790);
}

SEC("xdp")
int lispgw_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 zero = 0, *mode;
	__u16 proto;
	void *l3;

	if ((void *)(eth + 1) > end)
		return to_kernel(XDP_STAT_MALFORMED);
	proto = eth->h_proto;
	l3 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *v = l3;

		if ((void *)(v + 1) > end)
			return to_kernel(XDP_STAT_MALFORMED);
		proto = v->proto;
		l3 = v + 1;
	}
	mode = bpf_map_lookup_elem(&lispgw_cfg, &zero);

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		struct udphdr *udp;

		if ((void *)(ip + 1) > end || ip->ihl < 5)
			return to_kernel(XDP_STAT_MALFORMED);
		if (mode && *mode == LISPGW_XDP_MODE_EID)
			return to_fastpath(ctx);
		/* Fragments and non-UDP are never encapsulated traffic of ours. */
		if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(0x3fff)))
			return to_kernel(XDP_STAT_KERNEL);
		udp = (void *)ip + ip->ihl * 4;
		if ((void *)(udp + 1) > end)
			return to_kernel(XDP_STAT_MALFORMED);
		if (encap_port(udp->dest) && bpf_map_lookup_elem(&rloc_v4, &ip->daddr))
			return to_fastpath(ctx);
		return to_kernel(XDP_STAT_KERNEL);
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		struct udphdr *udp;

		if ((void *)(ip6 + 1) > end)
			return to_kernel(XDP_STAT_MALFORMED);
		if (mode && *mode == LISPGW_XDP_MODE_EID) {
			/* Neighbour discovery stays with the kernel (ICMPv6 133-137). */
			if (ip6->nexthdr == IPPROTO_ICMPV6) {
				__u8 *type = (void *)(ip6 + 1);

				if ((void *)(type + 1) > end)
					return to_kernel(XDP_STAT_MALFORMED);
				if (*type >= 133 && *type <= 137)
					return to_kernel(XDP_STAT_KERNEL);
			}
			return to_fastpath(ctx);
		}
		/* Extension headers before UDP: not ours (we send none). */
		if (ip6->nexthdr != IPPROTO_UDP)
			return to_kernel(XDP_STAT_KERNEL);
		udp = (void *)(ip6 + 1);
		if ((void *)(udp + 1) > end)
			return to_kernel(XDP_STAT_MALFORMED);
		if (encap_port(udp->dest) && bpf_map_lookup_elem(&rloc_v6, &ip6->daddr))
			return to_fastpath(ctx);
		return to_kernel(XDP_STAT_KERNEL);
	}
	/* ARP and everything else. */
	return to_kernel(XDP_STAT_KERNEL);
}

char _license[] SEC("license") = "Dual BSD/GPL";
