/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding tables of lispgw-dp (docs/dataplane.md, "Tables").
 *
 *   Instance-ID --rte_hash--> VRF --dp_fib4 (fib4.h) / rte_lpm6--> slot index
 *   slot index --slots[]--> immutable struct dp_mapping (RLOCs, each with its
 *                           pre-built outer header, and a weight table)
 *
 * Slots are numbered from 1: next hop 0 is "no prefix" (an empty entry of
 * fib4.h; rte_lpm6's miss is mapped to it), one test for a miss.
 *
 * Readers (workers) take no lock: they look up, load the slot pointer with
 * acquire ordering and use the entry until their next quiescent-state
 * report (rte_rcu_qsbr, once per loop).  The writer is the main lcore
 * alone (the channel consumer, the config loader): it builds a new entry,
 * publishes it (slot pointer swap, or LPM add for a new prefix) and hands
 * the old one to the RCU defer queue, which frees it after a grace period.
 *
 * Writer functions (dp_tables_*) are for the main lcore only and never
 * block for long; the inline lookups are for workers.
 */
#ifndef LISPGW_DP_TABLES_H
#define LISPGW_DP_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_lpm6.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "fib4.h"
#include "lisp_addr.h"

/* Size of dp_tables.vrf_direct (a power of two). */
#define DP_VRF_DIRECT	1024

#define DP_RLOCS_MAX		32	/* RLOCs per mapping (= the channel's) */
#define DP_SEL_SLOTS		64	/* weight table: 1/64 granularity */
#define DP_OUTER_HDR_IP4	50	/* Ethernet + IPv4 + UDP + 8 */
#define DP_OUTER_HDR_IP6	70	/* Ethernet + IPv6 + UDP + 8 */
#define DP_OUTER_HDR_MAX	72
#define DP_LOCAL_RLOCS_MAX	8	/* our own RLOC addresses per family */
#define DP_PORT_NONE		UINT16_MAX
#define DP_IID_NONE		UINT32_MAX
#define DP_SLOT_NONE		UINT32_MAX
#define DP_NH_NONE		0	/* LPM/FIB next hop: no prefix */
/* struct dp_mapping.action of our own EIDs (the ETR database): delivered
 * on the Instance-ID's EID-side port, not encapsulated. */
#define DP_ACT_LOCAL		0xfe
#define DP_SRC_CHECK_4		1
#define DP_SRC_CHECK_6		2

enum dp_encap {
	DP_ENCAP_LISP,		/* UDP 4341, RFC 9300 */
	DP_ENCAP_VXLAN,		/* UDP 4789, RFC 7348: the inner Ethernet frame */
	DP_ENCAP_GPE,		/* UDP 4790, VXLAN-GPE: IPv4/IPv6 next protocol */
};

const char *dp_encap_name(enum dp_encap e);

/* An address of either family, compact (the control path's struct
 * lisp_addr holds DNs too and is 260 bytes). */
struct dp_ip {
	uint8_t af;		/* 4 or 6; 0: none */
	uint8_t a[16];		/* network order; IPv4 in a[0..3] */
};

int dp_ip_from_lisp(struct dp_ip *out, const struct lisp_addr *a);
bool dp_ip_equal(const struct dp_ip *x, const struct dp_ip *y);

/* --- updates: what the channel consumer and the config loader pass ------- */

struct dp_rloc_spec {
	struct dp_ip addr;
	uint8_t priority;	/* 255: never used for unicast */
	uint8_t weight;
	bool up;
};

struct dp_mapping_spec {
	uint32_t iid;
	struct dp_ip eid;	/* host bits past plen are cleared */
	uint8_t plen;
	uint8_t action;		/* enum lisp_action: LISP_ACT_NO_ACTION encapsulates */
	bool local;		/* one of our EIDs: delivered locally (no RLOCs) */
	bool encap_set;		/* false: the Instance-ID's encapsulation */
	uint8_t encap;		/* enum dp_encap, with encap_set */
	uint32_t ttl_s;		/* kept for show; expiry is the control plane's job */
	uint8_t rloc_count;
	const struct dp_rloc_spec *rlocs;
};

/* --- the underlay: how to reach an RLOC of each family ------------------- */

/* One RLOC-side port per family.  An RLOC inside the port's subnet (plen)
 * is its own next hop, any other goes through gw.  With mac_static every
 * next hop is dst_mac; otherwise the tables' resolver (ARP/ND, neigh.c)
 * gives the MAC, and dp_tables_nexthop_changed() rebuilds the entries that
 * use a next hop whose MAC changed. */
struct dp_underlay_if {
	bool valid;
	bool mac_static;
	uint8_t plen;		/* on-link subnet of src */
	struct dp_ip gw;	/* af 0: none (RLOCs off-link unusable) */
	bool ip4_cksum_offload;	/* TX IPv4 header checksum by the NIC */
	bool udp_cksum_offload;	/* TX UDP checksum by the NIC */
	uint16_t port_id;
	uint16_t mtu;		/* largest outer IP packet */
	/* LISP L bit: set, with these Locator-Status-Bits (8 with the I bit):
	 * our local RLOCs, IPv4 then IPv6 in config order, all up
	 * (dp_tables_underlay_set() fills them from dp_tables_params.lsb). */
	uint8_t lsb_on, lsb;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
	uint8_t src[16];	/* our RLOC address of this family */
};

struct dp_underlay {
	struct dp_underlay_if v4, v6;
	/* Every local RLOC address (the ETR accepts tunnels to these). */
	uint8_t n_local4, n_local6;
	uint32_t local4[DP_LOCAL_RLOCS_MAX];		/* network order */
	uint8_t local6[DP_LOCAL_RLOCS_MAX][16];
};

/* --- what workers read ---------------------------------------------------- */

/* One locator of a mapping with its rewrite: Ethernet / IPv4 or IPv6 / UDP /
 * LISP, VXLAN or VXLAN-GPE, everything that does not depend on the packet
 * already in place.  Two cache lines. */
struct dp_rloc {
	/* What encapsulation reads, first: with an IPv4 rewrite all of it
	 * is in the first cache line (12 + 50 bytes), one line a packet. */
	uint8_t hdr_len;	/* 50 (IPv4) or 70 (IPv6) */
	uint8_t is_ip6;
	uint8_t ip4_cksum_offload;
	uint8_t udp_cksum_offload;
	uint16_t port_id;
	uint16_t mtu;
	uint32_t ip4_csum_base;	/* outer IPv4 header sum without tos/len/ttl */
	uint8_t hdr[DP_OUTER_HDR_MAX];
	uint8_t priority;
	uint8_t weight;
	uint8_t up;
	uint8_t usable;		/* up, priority < 255, underlay resolved */
	struct dp_ip addr;
	struct dp_ip nh;	/* next hop: addr on-link, else the gateway */
	uint8_t nh_resolved;	/* its MAC is in hdr */
	uint32_t tag;		/* CRC of addr: what a pinned flow remembers (flows.h) */
} __rte_cache_aligned;

/* Immutable once published. */
struct dp_mapping {
	/* What encapsulation reads, then the weight table: sel[0..55] share
	 * the first cache line with them, so a mapping of several RLOCs
	 * reads its second line for 1 packet in 8 (encap prefetches only the
	 * first, and the first RLOC's). */
	uint8_t af;
	uint8_t plen;
	uint8_t action;		/* enum lisp_action */
	uint8_t encap;		/* enum dp_encap */
	uint8_t n_rlocs;
	uint8_t n_usable;	/* 0: drop (no RLOC) */
	uint8_t via_petr;	/* native-forward: rlocs[] are the Proxy-ETRs */
	/* No usable RLOC only because next hops are being resolved (ARP/ND
	 * in flight): meanwhile the covering entry that existed when this
	 * one was added forwards (fallback_slot; DP_SLOT_NONE: none), so a
	 * new more-specific, e.g. an agent's /32 after a move, loses nothing
	 * while its RLOC's MAC is asked for. */
	uint8_t resolving;
	uint8_t sel[DP_SEL_SLOTS];	/* flow hash -> index into rlocs[] */
	uint32_t iid;
	uint32_t slot;
	uint32_t ttl_s;
	uint32_t fallback_slot;
	uint8_t eid[16];
	struct dp_rloc rlocs[];
} __rte_cache_aligned;

/* The binding of an Instance-ID: its tables, its encapsulation, and where
 * decapsulated packets of it leave (one EID-side attachment for now). */
struct dp_vrf {
	uint32_t iid;
	uint16_t idx;
	uint8_t encap;		/* enum dp_encap */
	uint8_t l2_len;		/* 14, or 18 with an 802.1Q tag */
	uint8_t peer_static;	/* l2_hdr's dst is the peer; else per host */
	uint16_t eid_port;	/* DP_PORT_NONE: no EID-side attachment */
	uint16_t eid_mtu;
	/* DP_SRC_CHECK_4/6: an ITR encapsulates only packets whose source is
	 * one of its own EIDs (a DP_ACT_LOCAL entry) once the family has one;
	 * never in PITR mode (dp_tables_params.pitr). */
	uint8_t src_check;
	uint8_t inner_mac_resolve;	/* VXLAN: dp_tables_vrf_inner_mac() */
	uint8_t l2_hdr[18];	/* dst, src, [0x8100 TCI], EtherType (patched) */
	/* Created on the first mapping of the family; loaded with acquire. */
	struct dp_fib4 *fib4;
	struct rte_lpm6 *lpm6;
	/* The /0 entries (the tables hold depths 1..32/128): what a miss in
	 * them falls back to; DP_SLOT_NONE when absent. */
	uint32_t def_slot4, def_slot6;
	/* Writer only. */
	bool lpm6_freed;	/* see tables.c: lpm6 tbl8 reuse */
	uint32_t n_map4, n_map6;
	uint32_t n_local4, n_local6;	/* DP_ACT_LOCAL entries */
} __rte_cache_aligned;

struct dp_vrf_attach {
	uint16_t port_id;	/* DP_PORT_NONE: none */
	bool peer_static;	/* dst_mac is every host's; else resolved */
	uint16_t vlan;		/* 0: untagged */
	uint16_t mtu;
	uint8_t src_mac[6];
	uint8_t dst_mac[6];
};

struct dp_tables_params {
	int socket_id;
	uint32_t max_vrfs;
	uint32_t max_mappings;		/* slots; < 2^21 (rte_lpm6 next hop) */
	uint32_t ipv4_tbl8s;		/* per VRF */
	uint32_t ipv6_tbl8s;
	uint32_t max_readers;		/* rte_rcu_qsbr threads */
	uint32_t max_hosts;		/* EID-side hosts (0: 65536) */
	uint32_t host_timeout_s;	/* EID-side hosts silent this long go (0: never) */
	bool pitr;			/* any source (a Proxy-ITR): no source check */
	bool lsb;			/* LISP headers carry L + Locator-Status-Bits */
	/* The reader thread id of the writer itself (the main lcore when it
	 * also forwards), RTE_QSBR_THRID_INVALID otherwise: synchronize()
	 * must not wait for itself. */
	unsigned int writer_tid;
};

struct dp_tables {
	struct rte_hash *iid_hash;	/* iid -> struct dp_vrf * (lock-free reads) */
	/* The same, direct-mapped by the IID's low bits: the first VRF of
	 * each bucket, checked by its iid, before iid_hash (a lookup there
	 * costs a decapsulated burst ~150 instructions).  VRFs are never
	 * removed, so an entry, once set, stays valid. */
	const struct dp_vrf *vrf_direct[DP_VRF_DIRECT];
	struct dp_vrf *vrfs;
	uint32_t n_vrfs;
	struct dp_mapping **slots;	/* published entries, by next hop (1..max) */
	struct rte_rcu_qsbr *qsbr;
	struct dp_underlay underlay;	/* read by workers: immutable */
	struct rte_hash *hosts;		/* (iid, af, ip) -> MAC: EID-side hosts */
	/* fastpath.h flags some VRF needs: the writer only sets them (before
	 * the field that needs them), workers pick their instance by them. */
	uint32_t fp;
	/* Writer only. */
	bool (*nh_resolve)(void *ctx, uint16_t port_id, const struct dp_ip *nh,
			   uint8_t mac[6]);
	void *nh_ctx;
	struct dp_tables_params p;
	struct rte_hash *prefix_hash;	/* (vrf, af, plen, eid) -> slot */
	struct rte_rcu_qsbr_dq *dq;
	uint32_t *free_slots;
	uint32_t n_free;
	uint32_t n_mappings;
	uint32_t id;			/* unique per process: DPDK object names */
	uint64_t n_deferred, n_reclaimed, n_sync;
	/* Host ageing (tables_hosts.c): last sign of life by key position. */
	struct dp_host_life *host_life;
	uint32_t host_next;		/* rte_hash_iterate() cursor of the sweep */
	uint64_t host_sweep_ms;		/* when the last sweep ended */
	uint64_t host_now_ms;		/* dp_tables_hosts_clock() */
};

static inline const struct dp_vrf *dp_tables_vrf(const struct dp_tables *t, uint32_t iid)
{
	const struct dp_vrf *v = __atomic_load_n(&t->vrf_direct[iid & (DP_VRF_DIRECT - 1)],
						 __ATOMIC_ACQUIRE);
	void *data;

	if (likely(v != NULL && v->iid == iid))
		return v;
	if (rte_hash_lookup_data(t->iid_hash, &iid, &data) < 0)
		return NULL;
	return data;
}

/* Workers: the next hop (slot number, DP_NH_NONE: no prefix) of an IPv4
 * destination in host order. */
static inline uint32_t dp_tables_nh4(const struct dp_vrf *v, uint32_t dst)
{
	const struct dp_fib4 *f = __atomic_load_n(&v->fib4, __ATOMIC_ACQUIRE);

	return likely(f != NULL) ? dp_fib4_lookup(f, dst) : DP_NH_NONE;
}

/* The table line dp_tables_nh4() will read, for a burst's first pass. */
static inline void dp_tables_nh4_prefetch(const struct dp_vrf *v, uint32_t dst)
{
	const struct dp_fib4 *f = __atomic_load_n(&v->fib4, __ATOMIC_ACQUIRE);

	if (likely(f != NULL))
		rte_prefetch0(dp_fib4_line(f, dst));
}

static inline uint32_t dp_tables_nh6(const struct dp_vrf *v, const uint8_t *dst)
{
	struct rte_lpm6 *lpm = __atomic_load_n(&v->lpm6, __ATOMIC_ACQUIRE);
	uint32_t nh;

	if (likely(lpm != NULL) && rte_lpm6_lookup(lpm, dst, &nh) == 0)
		return nh;
	return DP_NH_NONE;
}

/* The entry behind a next hop; DP_NH_NONE: the /0, if any. */
static inline const struct dp_mapping *dp_tables_slot(const struct dp_tables *t,
						      const struct dp_vrf *v, uint32_t nh,
						      const int is_ip4)
{
	if (likely(nh != DP_NH_NONE))
		return __atomic_load_n(&t->slots[nh], __ATOMIC_ACQUIRE);
	nh = __atomic_load_n(is_ip4 ? &v->def_slot4 : &v->def_slot6, __ATOMIC_ACQUIRE);
	return nh == DP_SLOT_NONE ? NULL : __atomic_load_n(&t->slots[nh], __ATOMIC_ACQUIRE);
}

/* dst in host order. */
static inline const struct dp_mapping *dp_tables_lookup4(const struct dp_tables *t,
							 const struct dp_vrf *v, uint32_t dst)
{
	return dp_tables_slot(t, v, dp_tables_nh4(v, dst), 1);
}

static inline const struct dp_mapping *dp_tables_lookup6(const struct dp_tables *t,
							 const struct dp_vrf *v, const uint8_t *dst)
{
	return dp_tables_slot(t, v, dp_tables_nh6(v, dst), 0);
}

/* The RLOC of a flow; the caller checked m->n_usable. */
static inline const struct dp_rloc *dp_mapping_rloc(const struct dp_mapping *m, uint32_t hash)
{
	/* One RLOC (most mappings): sel[] is not read. */
	return likely(m->n_rlocs == 1) ? &m->rlocs[0] : &m->rlocs[m->sel[hash & (DP_SEL_SLOTS - 1)]];
}

static inline bool dp_tables_is_local4(const struct dp_tables *t, uint32_t dst_be)
{
	for (unsigned int i = 0; i < t->underlay.n_local4; i++)
		if (t->underlay.local4[i] == dst_be)
			return true;
	return false;
}

bool dp_tables_is_local6(const struct dp_tables *t, const uint8_t *dst);

/* Keys of the tables' rte_hash tables.  rte_hash_crc() reads a key through
 * uint64_t, then uint32_t/uint16_t pointers (rte_hash_crc.h): a key on the
 * stack with only its members' 4-byte alignment is a misaligned load (UB,
 * and an ASan+UBSan abort).  So every multi-word key is 8-byte aligned and
 * a whole number of 8-byte words, checked where it is declared; the IID
 * table's key is a plain uint32_t, read as one. */
#define DP_HASH_KEY __rte_aligned(8)
#define DP_HASH_KEY_CHECK(type)							\
	_Static_assert(sizeof(type) % 8 == 0 && _Alignof(type) >= 8,		\
		       #type ": rte_hash_crc reads it 8 bytes at a time")

/* The key of an EID-side host: 24 bytes, no padding. */
struct dp_host_key {
	uint32_t iid;
	uint8_t af;
	uint8_t kind;		/* DP_HOST_EID or DP_HOST_PEER */
	uint8_t pad[2];
	uint8_t a[16];
} DP_HASH_KEY;
DP_HASH_KEY_CHECK(struct dp_host_key);

/* One table, two kinds of neighbours: hosts on our EID-side ports, and the
 * far ends of VXLAN instances with inner-mac: resolve (Linux vxlan devices
 * and other L2 VTEPs), whose MAC the inner Ethernet header must carry. */
#define DP_HOST_EID	0
#define DP_HOST_PEER	1

/* Workers: the MAC of host ip (IPv4: 4 bytes, IPv6: 16) of iid, learned by
 * the control thread; false when unknown.  The value is the MAC in the low
 * 48 bits of the hash's data word, so an update is one atomic store. */
static inline void dp_tables_neigh_data_mac(const void *data, uint8_t mac[6])
{
	uint64_t v = (uint64_t)(uintptr_t)data;

	for (int i = 5; i >= 0; i--, v >>= 8)
		mac[i] = (uint8_t)v;
}

static inline bool dp_tables_neigh_mac(const struct dp_tables *t, uint8_t kind, uint32_t iid,
				       int ver, const uint8_t *ip, uint8_t mac[6])
{
	struct dp_host_key k = { .iid = iid, .af = (uint8_t)ver, .kind = kind };
	void *data;

	memcpy(k.a, ip, ver == 4 ? 4 : 16);
	if (rte_hash_lookup_data(t->hosts, &k, &data) < 0)
		return false;
	dp_tables_neigh_data_mac(data, mac);
	return true;
}

static inline bool dp_tables_host_mac(const struct dp_tables *t, uint32_t iid, int ver,
				      const uint8_t *ip, uint8_t mac[6])
{
	return dp_tables_neigh_mac(t, DP_HOST_EID, iid, ver, ip, mac);
}

/* Workers: the inner MAC of a VXLAN far end's address (DP_HOST_PEER). */
static inline bool dp_tables_peer_mac(const struct dp_tables *t, uint32_t iid, int ver,
				      const uint8_t *ip, uint8_t mac[6])
{
	return dp_tables_neigh_mac(t, DP_HOST_PEER, iid, ver, ip, mac);
}

/* --- the writer's API (main lcore) ----------------------------------------- */

/* NULL with rte_errno set on failure. */
struct dp_tables *dp_tables_create(const struct dp_tables_params *p);
void dp_tables_free(struct dp_tables *t);

/* Before any VRF or mapping: the RLOC-side reachability (copied). */
void dp_tables_underlay_set(struct dp_tables *t, const struct dp_underlay *u);

/* Adds the VRF of iid.  Returns 0, -EEXIST, -ENOSPC, -EINVAL or -ENOMEM. */
int dp_tables_vrf_add(struct dp_tables *t, uint32_t iid, enum dp_encap encap,
		      const struct dp_vrf_attach *att);

/*
 * Creates or replaces the mapping of [iid]eid/plen.  A replacement is a new
 * entry published by one pointer store; the old one is freed after a grace
 * period.  Returns 0, or -ENOENT (no VRF for iid), -EINVAL (bad prefix or
 * spec), -E2BIG (too many RLOCs), -ENOSPC (table full), -ENOMEM.
 */
int dp_tables_mapping_upsert(struct dp_tables *t, const struct dp_mapping_spec *s);
/* Returns 0, -ENOENT (no such mapping or VRF) or -EINVAL. */
int dp_tables_mapping_delete(struct dp_tables *t, uint32_t iid, const struct dp_ip *eid,
			     uint8_t plen);
/* Deletes every mapping of iid, or of every VRF with DP_IID_NONE.  Returns
 * how many were deleted. */
int dp_tables_flush(struct dp_tables *t, uint32_t iid);

/*
 * One RLOC of a mapping up or down (RLOC probing): the entry is rebuilt
 * with the new state (and its weight table), published and the old one
 * retired.  index is the RLOC's position in the upsert's list; addr must
 * match it.  Returns 0, -ENOENT (no such mapping) or -EINVAL (index/addr).
 */
int dp_tables_rloc_status(struct dp_tables *t, uint32_t iid, const struct dp_ip *eid,
			  uint8_t plen, unsigned int index, const struct dp_ip *addr, bool up);

/* Exact-match read of a published entry (control path: show, tests). */
const struct dp_mapping *dp_tables_mapping_get(const struct dp_tables *t, uint32_t iid,
					       const struct dp_ip *eid, uint8_t plen);

/* Frees what the grace period allows; call periodically.  Never blocks. */
void dp_tables_reclaim(struct dp_tables *t);

/* Workers: register and set online once; report once per loop. */
int dp_tables_reader_register(struct dp_tables *t, unsigned int tid);
void dp_tables_reader_unregister(struct dp_tables *t, unsigned int tid);

/* The resolver of next-hop MACs, used when an entry is built (neigh.c):
 * true with mac set, or false (the RLOC is unusable until the MAC is
 * known; the resolver asks for it). */
void dp_tables_resolver_set(struct dp_tables *t,
			    bool (*fn)(void *ctx, uint16_t port_id, const struct dp_ip *nh,
				       uint8_t mac[6]),
			    void *ctx);
/* The next hop of rloc over u (rloc on-link, else u->gw; af 0: none). */
void dp_underlay_nexthop(const struct dp_underlay_if *u, const struct dp_ip *rloc,
			 struct dp_ip *nh);
/* The MAC of next hop nh changed (resolved, moved, lost): every entry that
 * uses it is rebuilt.  Returns how many. */
int dp_tables_nexthop_changed(struct dp_tables *t, const struct dp_ip *nh);
/* An EID-side host learned or moved; 0, -ENOSPC (table full) or -EINVAL. */
int dp_tables_host_set(struct dp_tables *t, uint32_t iid, const struct dp_ip *ip,
		       const uint8_t mac[6]);
bool dp_tables_host_known(const struct dp_tables *t, uint32_t iid, const struct dp_ip *ip);
/*
 * EID-side host ageing (main lcore).  dp_tables_hosts_clock() sets the
 * writer's clock in ms, which dp_tables_host_set() stamps a host with (a
 * sign of life: its ARP/ND).  dp_tables_hosts_age() visits at most budget
 * keys, resuming where the last call stopped: an EID-side host silent for
 * p.host_timeout_s is deleted (its key slot reused only after an RCU grace
 * period: workers may be reading it), and one silent for 3/4 of that is
 * handed to probe (again every 1/8 of it), so that a host still there
 * answers and stays while a moved one goes.  A sweep begins at most every
 * 1/32 of the timeout after the last one ended.  VXLAN far ends never age.
 * Returns how many hosts were deleted.
 */
void dp_tables_hosts_clock(struct dp_tables *t, uint64_t now_ms);
unsigned int dp_tables_hosts_age(struct dp_tables *t, unsigned int budget,
				 void (*probe)(void *ctx, uint32_t iid, const struct dp_ip *ip),
				 void *ctx);
/* A VXLAN far end's inner MAC learned (ARP through the tunnel). */
int dp_tables_peer_set(struct dp_tables *t, uint32_t iid, const struct dp_ip *ip,
		       const uint8_t mac[6]);
/* Before the workers start: a VXLAN instance whose far ends are L2 VTEPs
 * (the inner destination MAC resolved, the source ours); 0 or -ENOENT. */
int dp_tables_vrf_inner_mac(struct dp_tables *t, uint32_t iid, bool resolve);

/* Bytes one mapping with n RLOCs takes in the entry allocation. */
size_t dp_mapping_size(unsigned int n_rlocs);

#endif
