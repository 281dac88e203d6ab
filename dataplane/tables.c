/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The writer side of the forwarding tables (tables.h).  Main lcore only.
 *
 * Publication order, for readers that never lock:
 *   new prefix:  entry built -> slots[i] stored (release) -> LPM add
 *   replacement: entry built -> slots[i] exchanged (release) -> old deferred
 *   delete:      LPM delete -> {old entry, slot i} deferred; after the grace
 *                period the entry is freed and slot i can be reused
 * A reader that got slot i from the LPM before a delete still finds the
 * old entry there until it reports quiescence.
 *
 * IPv4 prefixes live in our own DIR-24-8 (fib4.h) rather than an rte_lpm:
 * DPDK 22.11's rte_lpm_add searches the rules of a depth linearly, so n
 * /24s took O(n^2) to load (1M: 142 s).  Its rules are prefix_hash below:
 * a delete finds the covering prefix with one hash lookup per depth in
 * use.  The tbl8 groups it frees go through the same defer queue as the
 * entries.
 *
 * rte_lpm6 has no RCU hook in DPDK 22.11: a delete may free a tbl8 group
 * that a reader is still walking, and an add may hand it to another prefix
 * at once.  We close that window ourselves: after a delete that may have
 * freed groups, the next add to that lpm6 first waits for a grace period
 * (rte_rcu_qsbr_synchronize).  Deletes come in batches (flush, resync), so
 * that costs one wait per batch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "encap.h"
#include "fastpath.h"
#include "lisp_msg.h"
#include "tables.h"
#include "tables_priv.h"

/* The key of prefix_hash: exact prefix within a VRF. */
struct prefix_key {
	uint32_t vrf;
	uint8_t af;
	uint8_t plen;
	uint8_t pad[2];
	uint8_t addr[16];
} DP_HASH_KEY;
DP_HASH_KEY_CHECK(struct prefix_key);

/* What the defer queue holds: an entry, or (m NULL) a tbl8 group of a
 * VRF's fib4. */
struct retired {
	struct dp_mapping *m;
	uint32_t slot;
	uint32_t release_slot;	/* the prefix is gone: the slot is free again */
	uint32_t group;
	uint32_t vrf;
};

static uint32_t tables_seq;

const char *dp_encap_name(enum dp_encap e)
{
	switch (e) {
	case DP_ENCAP_LISP:
		return "lisp";
	case DP_ENCAP_VXLAN:
		return "vxlan";
	case DP_ENCAP_GPE:
		return "vxlan-gpe";
	}
	return "?";
}

int dp_ip_from_lisp(struct dp_ip *out, const struct lisp_addr *a)
{
	memset(out, 0, sizeof(*out));
	if (a->afi == LISP_AFI_IPV4) {
		out->af = 4;
		memcpy(out->a, a->v4, 4);
	} else if (a->afi == LISP_AFI_IPV6) {
		out->af = 6;
		memcpy(out->a, a->v6, 16);
	} else {
		return -EAFNOSUPPORT;
	}
	return 0;
}

bool dp_ip_equal(const struct dp_ip *x, const struct dp_ip *y)
{
	return x->af == y->af && memcmp(x->a, y->a, x->af == 4 ? 4 : 16) == 0;
}

bool dp_tables_is_local6(const struct dp_tables *t, const uint8_t *dst)
{
	for (unsigned int i = 0; i < t->underlay.n_local6; i++)
		if (memcmp(t->underlay.local6[i], dst, 16) == 0)
			return true;
	return false;
}

_Static_assert(offsetof(struct dp_rloc, hdr) + DP_OUTER_HDR_IP4 <= RTE_CACHE_LINE_SIZE,
	       "an IPv4 rewrite and the fields encapsulation reads: one cache line");
_Static_assert(offsetof(struct dp_mapping, sel) + 56 <= RTE_CACHE_LINE_SIZE,
	       "7/8 of the weight table in the mapping's first cache line");

size_t dp_mapping_size(unsigned int n_rlocs)
{
	return sizeof(struct dp_mapping) + n_rlocs * sizeof(struct dp_rloc);
}

/* --- RCU ------------------------------------------------------------------- */

static void retired_free(void *p, void *e, unsigned int n)
{
	struct dp_tables *t = p;
	struct retired *r = e;

	for (unsigned int i = 0; i < n; i++) {
		if (!r[i].m) {
			dp_fib4_group_free(t->vrfs[r[i].vrf].fib4, r[i].group);
			continue;
		}
		if (r[i].release_slot) {
			t->slots[r[i].slot] = NULL;
			t->free_slots[t->n_free++] = r[i].slot;
		}
		rte_free(r[i].m);
		t->n_reclaimed++;
	}
}

static void retire_item(struct dp_tables *t, struct retired *r)
{
	if (rte_rcu_qsbr_dq_enqueue(t->dq, r) == 0)
		return;
	/* Queue full even after its own reclaim attempt: wait out a grace
	 * period here (bounded by the workers' loop time) and free. */
	rte_rcu_qsbr_synchronize(t->qsbr, t->p.writer_tid);
	t->n_sync++;
	retired_free(t, r, 1);
}

static void retire(struct dp_tables *t, struct dp_mapping *m, uint32_t slot, bool release)
{
	struct retired r = { .m = m, .slot = slot, .release_slot = release };

	t->n_deferred++;
	retire_item(t, &r);
}

static void retire_group(struct dp_tables *t, const struct dp_vrf *v, uint32_t group)
{
	struct retired r = { .group = group, .vrf = v->idx };

	retire_item(t, &r);
}

void dp_tables_reclaim(struct dp_tables *t)
{
	unsigned int freed, pending, avail;

	rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, &freed, &pending, &avail);
}

int dp_tables_reader_register(struct dp_tables *t, unsigned int tid)
{
	if (rte_rcu_qsbr_thread_register(t->qsbr, tid) != 0)
		return -rte_errno ? -rte_errno : -EINVAL;
	rte_rcu_qsbr_thread_online(t->qsbr, tid);
	return 0;
}

void dp_tables_reader_unregister(struct dp_tables *t, unsigned int tid)
{
	rte_rcu_qsbr_thread_offline(t->qsbr, tid);
	rte_rcu_qsbr_thread_unregister(t->qsbr, tid);
}

/* --- create / free ----------------------------------------------------------- */

struct dp_tables *dp_tables_create(const struct dp_tables_params *p)
{
	char name[RTE_HASH_NAMESIZE];
	struct dp_tables *t;
	size_t sz;

	if (!p->max_vrfs || !p->max_mappings || p->max_mappings >= (1u << 21) ||
	    !p->max_readers) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("dp_tables", sizeof(*t), RTE_CACHE_LINE_SIZE, p->socket_id);
	if (!t) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->p = *p;
	t->id = __atomic_fetch_add(&tables_seq, 1, __ATOMIC_RELAXED);

	t->vrfs = rte_zmalloc_socket("dp_vrfs", p->max_vrfs * sizeof(*t->vrfs),
				     RTE_CACHE_LINE_SIZE, p->socket_id);
	/* Slots 1..max_mappings: 0 is DP_NH_NONE (tables.h). */
	t->slots = rte_zmalloc_socket("dp_slots", (p->max_mappings + 1) * sizeof(*t->slots),
				      RTE_CACHE_LINE_SIZE, p->socket_id);
	t->free_slots = rte_malloc_socket("dp_free_slots",
					  p->max_mappings * sizeof(*t->free_slots), 0,
					  p->socket_id);
	if (!t->vrfs || !t->slots || !t->free_slots)
		goto nomem;
	/* Lowest slots first: the stack pops from the end. */
	for (uint32_t i = 0; i < p->max_mappings; i++)
		t->free_slots[i] = p->max_mappings - i;
	t->n_free = p->max_mappings;

	snprintf(name, sizeof(name), "dp_iid_%u", t->id);
	t->iid_hash = rte_hash_create(&(struct rte_hash_parameters){
		.name = name,
		.entries = RTE_MAX(p->max_vrfs * 2, 64u),
		.key_len = sizeof(uint32_t),
		.hash_func = rte_hash_crc,
		.socket_id = p->socket_id,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	});
	snprintf(name, sizeof(name), "dp_pfx_%u", t->id);
	t->prefix_hash = rte_hash_create(&(struct rte_hash_parameters){
		.name = name,
		.entries = p->max_mappings,
		.key_len = sizeof(struct prefix_key),
		.hash_func = rte_hash_crc,
		.socket_id = p->socket_id,
		/* Guarantees max_mappings keys fit (no cuckoo failures). */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	});
	snprintf(name, sizeof(name), "dp_host_%u", t->id);
	t->hosts = rte_hash_create(&(struct rte_hash_parameters){
		.name = name,
		.entries = p->max_hosts ? p->max_hosts : 65536,
		.key_len = sizeof(struct dp_host_key),
		.hash_func = rte_hash_crc,
		.socket_id = p->socket_id,
		/* Workers read while the control thread learns; aged hosts'
		 * key slots are reused after a grace period (tables_hosts.c).
		 * The extendable table makes max_hosts a promise. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	});
	if (!t->iid_hash || !t->prefix_hash || !t->hosts)
		goto nomem;

	sz = rte_rcu_qsbr_get_memsize(p->max_readers);
	t->qsbr = rte_zmalloc_socket("dp_qsbr", sz, RTE_CACHE_LINE_SIZE, p->socket_id);
	if (!t->qsbr || rte_rcu_qsbr_init(t->qsbr, p->max_readers) != 0)
		goto nomem;
	if (dp_tables_hosts_init(t) < 0)
		goto nomem;
	snprintf(name, sizeof(name), "dp_dq_%u", t->id);
	t->dq = rte_rcu_qsbr_dq_create(&(struct rte_rcu_qsbr_dq_parameters){
		.name = name,
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE,
		.size = RTE_MAX(p->max_mappings, 1024u),
		.esize = sizeof(struct retired),
		/* Reclaim on enqueue once a batch has piled up. */
		.trigger_reclaim_limit = 256,
		.max_reclaim_size = 1024,
		.free_fn = retired_free,
		.p = t,
		.v = t->qsbr,
	});
	if (!t->dq)
		goto nomem;
	return t;
nomem:
	dp_tables_free(t);
	rte_errno = ENOMEM;
	return NULL;
}

void dp_tables_free(struct dp_tables *t)
{
	if (!t)
		return;
	/* Workers are gone: everything can go now. */
	if (t->dq) {
		if (t->qsbr)
			rte_rcu_qsbr_synchronize(t->qsbr, RTE_QSBR_THRID_INVALID);
		dp_tables_reclaim(t);
		rte_rcu_qsbr_dq_delete(t->dq);
	}
	for (uint32_t i = 1; t->slots && i <= t->p.max_mappings; i++)
		rte_free(t->slots[i]);
	for (uint32_t i = 0; t->vrfs && i < t->n_vrfs; i++) {
		dp_fib4_free(t->vrfs[i].fib4);
		rte_lpm6_free(t->vrfs[i].lpm6);
	}
	rte_hash_free(t->iid_hash);
	rte_hash_free(t->prefix_hash);
	rte_hash_free(t->hosts);
	rte_free(t->host_life);
	rte_free(t->qsbr);
	rte_free(t->free_slots);
	rte_free(t->slots);
	rte_free(t->vrfs);
	rte_free(t);
}

void dp_tables_underlay_set(struct dp_tables *t, const struct dp_underlay *u)
{
	unsigned int n;

	/* Before the copy, as for every flag (fastpath.h). */
	if (u->v6.valid || u->v4.ip4_cksum_offload || u->v4.udp_cksum_offload ||
	    u->v6.ip4_cksum_offload || u->v6.udp_cksum_offload)
		__atomic_fetch_or(&t->fp, DP_FP_UNDERLAY, __ATOMIC_RELEASE);
	t->underlay = *u;
	n = RTE_MIN((unsigned int)u->n_local4 + u->n_local6, 8u);
	t->underlay.v4.lsb_on = t->underlay.v6.lsb_on = t->p.lsb && n;
	t->underlay.v4.lsb = t->underlay.v6.lsb = (uint8_t)((1u << n) - 1);
}

/* --- VRFs -------------------------------------------------------------------- */

int dp_tables_vrf_add(struct dp_tables *t, uint32_t iid, enum dp_encap encap,
		      const struct dp_vrf_attach *att)
{
	struct dp_vrf *v;
	uint8_t *h;
	int rc;

	if (iid > LISP_IID_MAX || encap > DP_ENCAP_GPE || (att && att->vlan > 4095))
		return -EINVAL;
	if (dp_tables_vrf(t, iid))
		return -EEXIST;
	if (t->n_vrfs == t->p.max_vrfs)
		return -ENOSPC;
	v = &t->vrfs[t->n_vrfs];
	memset(v, 0, sizeof(*v));
	v->iid = iid;
	v->idx = (uint16_t)t->n_vrfs;
	v->encap = (uint8_t)encap;
	v->eid_port = DP_PORT_NONE;
	v->def_slot4 = v->def_slot6 = DP_SLOT_NONE;
	if (att && att->port_id != DP_PORT_NONE) {
		v->eid_port = att->port_id;
		v->peer_static = att->peer_static;
		if (!att->peer_static)
			__atomic_fetch_or(&t->fp, DP_FP_HOSTS, __ATOMIC_RELEASE);
		v->eid_mtu = att->mtu;
		h = v->l2_hdr;
		memcpy(h, att->dst_mac, 6);
		memcpy(h + 6, att->src_mac, 6);
		if (att->vlan) {
			h[12] = 0x81;
			h[13] = 0x00;
			h[14] = (uint8_t)(att->vlan >> 8);
			h[15] = (uint8_t)att->vlan;
			v->l2_len = 18;
		} else {
			v->l2_len = 14;
		}
	}
	/* The VRF is complete before the hash makes it visible. */
	rc = rte_hash_add_key_data(t->iid_hash, &iid, v);
	if (rc < 0)
		return rc;
	if (t->vrf_direct[iid & (DP_VRF_DIRECT - 1)] == NULL)
		__atomic_store_n(&t->vrf_direct[iid & (DP_VRF_DIRECT - 1)], v, __ATOMIC_RELEASE);
	t->n_vrfs++;
	return 0;
}

static struct dp_vrf *vrf_w(struct dp_tables *t, uint32_t iid)
{
	return (struct dp_vrf *)(uintptr_t)dp_tables_vrf(t, iid);
}

static int vrf_fib4(struct dp_tables *t, struct dp_vrf *v)
{
	struct dp_fib4 *f;

	if (v->fib4)
		return 0;
	f = dp_fib4_create(t->p.socket_id, t->p.ipv4_tbl8s);
	if (!f)
		return -ENOMEM;
	__atomic_store_n(&v->fib4, f, __ATOMIC_RELEASE);
	return 0;
}

static int vrf_lpm6(struct dp_tables *t, struct dp_vrf *v)
{
	char name[RTE_LPM6_NAMESIZE];
	struct rte_lpm6 *lpm;

	if (v->lpm6)
		return 0;
	snprintf(name, sizeof(name), "dp6_%u_%u", t->id, v->idx);
	lpm = rte_lpm6_create(name, t->p.socket_id, &(struct rte_lpm6_config){
		.max_rules = t->p.max_mappings,
		.number_tbl8s = t->p.ipv6_tbl8s,
	});
	if (!lpm)
		return -ENOMEM;
	__atomic_store_n(&v->lpm6, lpm, __ATOMIC_RELEASE);
	return 0;
}

/* --- mappings ------------------------------------------------------------------ */

static int prefix_key_make(struct prefix_key *k, const struct dp_vrf *v, const struct dp_ip *eid,
			   uint8_t plen)
{
	unsigned int max = eid->af == 4 ? 32 : 128, len = eid->af == 4 ? 4 : 16;

	if ((eid->af != 4 && eid->af != 6) || plen > max)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->vrf = v->idx;
	k->af = eid->af;
	k->plen = plen;
	memcpy(k->addr, eid->a, len);
	/* Host bits cleared: the LPM does the same, the key must agree. */
	for (unsigned int i = 0; i < len; i++) {
		unsigned int bits = plen > i * 8 ? plen - i * 8 : 0;

		if (bits < 8)
			k->addr[i] &= (uint8_t)(0xff00u >> bits);
	}
	return 0;
}

static uint32_t addr4_host(const uint8_t *a)
{
	return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

/*
 * The weight table: the best (lowest) priority among usable RLOCs wins;
 * among those, DP_SEL_SLOTS slots are shared in proportion to weight
 * (largest remainder).  RFC 9301 5.4: weight 0 among non-zero weights gets
 * no traffic; all zero: an equal split.
 */
static void sel_build(struct dp_mapping *m)
{
	unsigned int best = 255, cand[DP_RLOCS_MAX], nc = 0, wsum = 0, given = 0;
	unsigned int share[DP_RLOCS_MAX], rem[DP_RLOCS_MAX], k = 0;

	m->n_usable = 0;
	for (unsigned int i = 0; i < m->n_rlocs; i++)
		if (m->rlocs[i].usable && m->rlocs[i].priority < best)
			best = m->rlocs[i].priority;
	for (unsigned int i = 0; i < m->n_rlocs; i++) {
		if (m->rlocs[i].usable && m->rlocs[i].priority == best) {
			cand[nc++] = i;
			wsum += m->rlocs[i].weight;
		}
	}
	if (!nc)
		return;
	m->n_usable = (uint8_t)nc;
	for (unsigned int j = 0; j < nc; j++) {
		unsigned int w = wsum ? m->rlocs[cand[j]].weight : 1, tot = wsum ? wsum : nc;

		share[j] = DP_SEL_SLOTS * w / tot;
		rem[j] = DP_SEL_SLOTS * w % tot;
		given += share[j];
	}
	while (given < DP_SEL_SLOTS) {
		unsigned int bj = 0;

		for (unsigned int j = 1; j < nc; j++)
			if (rem[j] > rem[bj])
				bj = j;
		share[bj]++;
		rem[bj] = 0;
		given++;
	}
	/* Interleaved, so that neighbouring hash values spread. */
	while (k < DP_SEL_SLOTS) {
		for (unsigned int j = 0; j < nc && k < DP_SEL_SLOTS; j++) {
			if (share[j]) {
				m->sel[k++] = (uint8_t)cand[j];
				share[j]--;
			}
		}
	}
}

/* The tag a pinned flow remembers of its RLOC (flows.h).  a[] sits at
 * offset 1 of struct dp_ip: rte_hash_crc() reads through uint32_t/uint64_t
 * pointers, so the address is copied into words first. */
static uint32_t rloc_tag(const struct dp_ip *ip)
{
	unsigned int len = ip->af == 4 ? 4 : 16;
	uint64_t w[2];

	memcpy(w, ip->a, len);
	return rte_hash_crc(w, len, ip->af);
}

static struct dp_mapping *mapping_build(struct dp_tables *t, const struct dp_vrf *v,
					const struct dp_mapping_spec *s, const struct prefix_key *k)
{
	struct dp_mapping *m;

	m = rte_zmalloc_socket("dp_mapping", dp_mapping_size(s->rloc_count), RTE_CACHE_LINE_SIZE,
			       t->p.socket_id);
	if (!m)
		return NULL;
	m->iid = s->iid;
	m->ttl_s = s->ttl_s;
	m->af = k->af;
	m->plen = k->plen;
	memcpy(m->eid, k->addr, sizeof(m->eid));
	m->action = s->local ? DP_ACT_LOCAL : s->action;
	/* native-forward with RLOCs: the Proxy-ETRs to encapsulate to
	 * (RFC 9300 section 4.1) instead of forwarding natively. */
	if (s->action == LISP_ACT_NATIVE_FORWARD && s->rloc_count) {
		m->action = LISP_ACT_NO_ACTION;
		m->via_petr = 1;
	}
	m->encap = s->encap_set ? s->encap : v->encap;
	m->n_rlocs = s->rloc_count;
	for (unsigned int i = 0; i < s->rloc_count; i++) {
		const struct dp_rloc_spec *rs = &s->rlocs[i];
		const struct dp_underlay_if *u = rs->addr.af == 4 ? &t->underlay.v4 :
						 &t->underlay.v6;
		struct dp_rloc *r = &m->rlocs[i];

		r->addr = rs->addr;
		r->tag = rloc_tag(&rs->addr);
		r->priority = rs->priority;
		r->weight = rs->weight;
		r->up = rs->up;
		r->port_id = DP_PORT_NONE;
		if (u->valid) {
			struct dp_underlay_if via = *u;

			dp_underlay_nexthop(u, &rs->addr, &r->nh);
			if (u->mac_static || !t->nh_resolve)
				r->nh_resolved = 1;
			else if (r->nh.af)
				r->nh_resolved = t->nh_resolve(t->nh_ctx, u->port_id, &r->nh,
							       via.dst_mac);
			dp_encap_rewrite_build(r, &via, &rs->addr, (enum dp_encap)m->encap,
					       s->iid);
			r->usable = rs->up && rs->priority < 255 && r->nh_resolved;
		}
	}
	if (m->action == LISP_ACT_NO_ACTION)
		sel_build(m);
	m->fallback_slot = DP_SLOT_NONE;
	for (unsigned int i = 0; i < m->n_rlocs && !m->n_usable; i++)
		if (m->rlocs[i].up && m->rlocs[i].priority < 255 && !m->rlocs[i].nh_resolved &&
		    m->rlocs[i].port_id != DP_PORT_NONE)
			m->resolving = 1;
	return m;
}

/* The source check of a VRF follows its count of local entries (our own
 * EIDs): an ITR with a database encapsulates only for it, a PITR for all. */
static void local_count(struct dp_tables *t, struct dp_vrf *v, const struct dp_mapping *m,
			int d)
{
	uint8_t chk = 0;

	if (!m || m->action != DP_ACT_LOCAL)
		return;
	if (m->af == 4)
		v->n_local4 = (uint32_t)((int)v->n_local4 + d);
	else
		v->n_local6 = (uint32_t)((int)v->n_local6 + d);
	if (!t->p.pitr) {
		chk |= v->n_local4 ? DP_SRC_CHECK_4 : 0;
		chk |= v->n_local6 ? DP_SRC_CHECK_6 : 0;
	}
	if (chk)
		__atomic_fetch_or(&t->fp, DP_FP_SRC_CHECK, __ATOMIC_RELEASE);
	__atomic_store_n(&v->src_check, chk, __ATOMIC_RELEASE);
}

static int spec_check(const struct dp_mapping_spec *s)
{
	if (s->rloc_count > DP_RLOCS_MAX)
		return -E2BIG;
	if (s->local && s->rloc_count)
		return -EINVAL;
	if (s->rloc_count && !s->rlocs)
		return -EINVAL;
	/* RLOCs only where they are used: encapsulate, or native-forward
	 * through Proxy-ETRs. */
	if (s->rloc_count && s->action != LISP_ACT_NO_ACTION &&
	    s->action != LISP_ACT_NATIVE_FORWARD)
		return -EINVAL;
	if (s->action > LISP_ACT_DROP_AUTH || (s->encap_set && s->encap > DP_ENCAP_GPE))
		return -EINVAL;
	for (unsigned int i = 0; i < s->rloc_count; i++)
		if (s->rlocs[i].addr.af != 4 && s->rlocs[i].addr.af != 6)
			return -EINVAL;
	return 0;
}

/* The slot of the entry that covers k now (before k is added), when it is
 * less specific than k; DP_SLOT_NONE otherwise. */
static uint32_t covering_slot(const struct dp_tables *t, const struct dp_vrf *v,
			      const struct prefix_key *k)
{
	const struct dp_mapping *c;

	if (k->plen == 0)
		return DP_SLOT_NONE;
	c = k->af == 4 ? dp_tables_lookup4(t, v, addr4_host(k->addr)) :
			 dp_tables_lookup6(t, v, k->addr);
	return c && c->plen < k->plen ? c->slot : DP_SLOT_NONE;
}

static int lpm_add(struct dp_tables *t, struct dp_vrf *v, const struct prefix_key *k,
		   uint32_t slot)
{
	int rc;

	if (k->plen == 0) {
		__atomic_store_n(k->af == 4 ? &v->def_slot4 : &v->def_slot6, slot,
				 __ATOMIC_RELEASE);
		return 0;
	}
	if (k->af == 4) {
		rc = vrf_fib4(t, v);
		if (rc < 0)
			return rc;
		rc = dp_fib4_add(v->fib4, addr4_host(k->addr), k->plen, slot);
		if (rc == -ENOSPC) {
			/* tbl8 groups may be waiting for their grace period. */
			dp_tables_reclaim(t);
			rc = dp_fib4_add(v->fib4, addr4_host(k->addr), k->plen, slot);
		}
		return rc;
	}
	rc = vrf_lpm6(t, v);
	if (rc < 0)
		return rc;
	if (v->lpm6_freed) {
		/* A tbl8 group freed by an earlier delete may still be read. */
		rte_rcu_qsbr_synchronize(t->qsbr, t->p.writer_tid);
		t->n_sync++;
		v->lpm6_freed = false;
	}
	return rte_lpm6_add(v->lpm6, k->addr, k->plen, slot);
}

int dp_tables_mapping_upsert(struct dp_tables *t, const struct dp_mapping_spec *s)
{
	struct prefix_key k;
	struct dp_mapping *m, *old;
	struct dp_vrf *v;
	void *data;
	uint32_t slot;
	int rc;

	v = vrf_w(t, s->iid);
	if (!v)
		return -ENOENT;
	rc = spec_check(s);
	if (rc < 0)
		return rc;
	rc = prefix_key_make(&k, v, &s->eid, s->plen);
	if (rc < 0)
		return rc;
	if (rte_hash_lookup_data(t->prefix_hash, &k, &data) >= 0) {
		slot = (uint32_t)(uintptr_t)data;
		m = mapping_build(t, v, s, &k);
		if (!m)
			return -ENOMEM;
		m->slot = slot;
		if (m->resolving && t->slots[slot])	/* still asking: same fallback */
			m->fallback_slot = t->slots[slot]->fallback_slot;
		old = __atomic_exchange_n(&t->slots[slot], m, __ATOMIC_RELEASE);
		local_count(t, v, m, 1);
		local_count(t, v, old, -1);
		retire(t, old, slot, false);
		return 0;
	}
	if (!t->n_free) {
		/* Slots may be waiting for their grace period. */
		dp_tables_reclaim(t);
		if (!t->n_free)
			return -ENOSPC;
	}
	m = mapping_build(t, v, s, &k);
	if (!m)
		return -ENOMEM;
	if (m->resolving)
		m->fallback_slot = covering_slot(t, v, &k);
	slot = t->free_slots[--t->n_free];
	m->slot = slot;
	rc = rte_hash_add_key_data(t->prefix_hash, &k, (void *)(uintptr_t)slot);
	if (rc < 0)
		goto undo;
	__atomic_store_n(&t->slots[slot], m, __ATOMIC_RELEASE);
	rc = lpm_add(t, v, &k, slot);
	if (rc < 0) {
		rte_hash_del_key(t->prefix_hash, &k);
		/* The LPM never pointed at the slot: no reader can hold it. */
		t->slots[slot] = NULL;
		goto undo;
	}
	if (k.af == 4)
		v->n_map4++;
	else
		v->n_map6++;
	local_count(t, v, m, 1);
	t->n_mappings++;
	return 0;
undo:
	t->free_slots[t->n_free++] = slot;
	rte_free(m);
	return rc == -ENOSPC || rc == -ENOMEM ? rc : -ENOSPC;
}

/* The IPv4 prefix k leaves the VRF's fib4; the longest prefix that
 * covers it (prefix_hash, depths in use only) takes its addresses. */
static void fib4_delete(struct dp_tables *t, struct dp_vrf *v, const struct prefix_key *k)
{
	struct dp_ip a = { .af = 4 };
	struct prefix_key rk;
	uint32_t slot = 0, g;
	uint8_t d;
	void *data;

	memcpy(a.a, k->addr, 4);
	for (d = (uint8_t)(k->plen - 1); d > 0; d--) {
		if (!v->fib4->n_depth[d])
			continue;
		prefix_key_make(&rk, v, &a, d);
		if (rte_hash_lookup_data(t->prefix_hash, &rk, &data) >= 0) {
			slot = (uint32_t)(uintptr_t)data;
			break;
		}
	}
	g = dp_fib4_delete(v->fib4, addr4_host(k->addr), k->plen, slot, slot ? d : 0);
	if (g != DP_FIB4_GROUP_NONE)
		retire_group(t, v, g);
}

static int mapping_delete(struct dp_tables *t, struct dp_vrf *v, const struct prefix_key *k)
{
	void *data;
	uint32_t slot;
	int rc;

	if (rte_hash_lookup_data(t->prefix_hash, k, &data) < 0)
		return -ENOENT;
	slot = (uint32_t)(uintptr_t)data;
	if (k->plen == 0) {
		__atomic_store_n(k->af == 4 ? &v->def_slot4 : &v->def_slot6, DP_SLOT_NONE,
				 __ATOMIC_RELEASE);
		rc = 0;
	} else if (k->af == 4) {
		fib4_delete(t, v, k);
		rc = 0;
	} else {
		rc = rte_lpm6_delete(v->lpm6, k->addr, k->plen);
		v->lpm6_freed = true;
	}
	if (rc < 0)
		return rc;
	if (k->af == 4)
		v->n_map4--;
	else
		v->n_map6--;
	rte_hash_del_key(t->prefix_hash, k);
	t->n_mappings--;
	local_count(t, v, t->slots[slot], -1);
	retire(t, t->slots[slot], slot, true);
	return 0;
}

int dp_tables_mapping_delete(struct dp_tables *t, uint32_t iid, const struct dp_ip *eid,
			     uint8_t plen)
{
	struct prefix_key k;
	struct dp_vrf *v = vrf_w(t, iid);
	int rc;

	if (!v)
		return -ENOENT;
	rc = prefix_key_make(&k, v, eid, plen);
	if (rc < 0)
		return rc;
	return mapping_delete(t, v, &k);
}

const struct dp_mapping *dp_tables_mapping_get(const struct dp_tables *t, uint32_t iid,
					       const struct dp_ip *eid, uint8_t plen)
{
	const struct dp_vrf *v = dp_tables_vrf(t, iid);
	struct prefix_key k;
	void *data;

	if (!v || prefix_key_make(&k, v, eid, plen) < 0 ||
	    rte_hash_lookup_data(t->prefix_hash, &k, &data) < 0)
		return NULL;
	return t->slots[(uint32_t)(uintptr_t)data];
}

/* Deletes every mapping that match() selects. */
static int delete_where(struct dp_tables *t,
			bool (*match)(const struct dp_tables *t, const struct prefix_key *k,
				      uint32_t arg),
			uint32_t arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int n = 0;

	/* Deleting while iterating an rte_hash is not allowed: collect a
	 * batch, delete it, start over until nothing matches. */
	for (;;) {
		struct prefix_key batch[256];
		unsigned int nb = 0, done = 0;

		next = 0;
		while (nb < RTE_DIM(batch) &&
		       rte_hash_iterate(t->prefix_hash, &key, &data, &next) >= 0) {
			const struct prefix_key *k = key;

			if (match(t, k, arg))
				batch[nb++] = *k;
		}
		if (!nb)
			break;
		for (unsigned int i = 0; i < nb; i++) {
			if (mapping_delete(t, &t->vrfs[batch[i].vrf], &batch[i]) == 0) {
				n++;
				done++;
			}
		}
		if (!done)
			break;	/* LPM refused every delete: do not spin */
	}
	return n;
}

static bool match_iid(const struct dp_tables *t, const struct prefix_key *k, uint32_t iid)
{
	return iid == DP_IID_NONE || t->vrfs[k->vrf].iid == iid;
}

int dp_tables_flush(struct dp_tables *t, uint32_t iid)
{
	return delete_where(t, match_iid, iid);
}

int dp_tables_vrf_inner_mac(struct dp_tables *t, uint32_t iid, bool resolve)
{
	struct dp_vrf *v = vrf_w(t, iid);

	if (!v)
		return -ENOENT;
	if (resolve)
		__atomic_fetch_or(&t->fp, DP_FP_MAC_RESOLVE, __ATOMIC_RELEASE);
	v->inner_mac_resolve = resolve;
	return 0;
}
