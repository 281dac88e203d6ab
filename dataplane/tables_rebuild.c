// SPDX-License-Identifier: BSD-3-Clause
/*
 * Entries rebuilt in place (tables.h): when an RLOC goes up or down (the
 * control plane's RLOC status) and when a next hop's MAC changes (the
 * resolver, neigh.c).  Entries are immutable, so a change is a new entry
 * built from the current one's spec and published like any upsert.  Main
 * lcore only.
 */
#include <string.h>

#include "lisp_msg.h"
#include "tables.h"

/* The spec an entry was built from (entries are immutable: a change is a
 * rebuild from the entry itself). */
static void spec_of(const struct dp_mapping *cur, struct dp_mapping_spec *s,
		    struct dp_rloc_spec *rl)
{
	*s = (struct dp_mapping_spec){
		.iid = cur->iid, .plen = cur->plen,
		.action = cur->action == DP_ACT_LOCAL ? LISP_ACT_NO_ACTION :
			  cur->via_petr ? LISP_ACT_NATIVE_FORWARD : cur->action,
		.local = cur->action == DP_ACT_LOCAL, .encap_set = true,
		.encap = cur->encap, .ttl_s = cur->ttl_s, .rloc_count = cur->n_rlocs, .rlocs = rl,
	};
	s->eid.af = cur->af;
	memcpy(s->eid.a, cur->eid, sizeof(s->eid.a));
	for (unsigned int i = 0; i < cur->n_rlocs; i++)
		rl[i] = (struct dp_rloc_spec){ .addr = cur->rlocs[i].addr,
					       .priority = cur->rlocs[i].priority,
					       .weight = cur->rlocs[i].weight,
					       .up = cur->rlocs[i].up };
}

int dp_tables_rloc_status(struct dp_tables *t, uint32_t iid, const struct dp_ip *eid,
			  uint8_t plen, unsigned int index, const struct dp_ip *addr, bool up)
{
	const struct dp_mapping *cur = dp_tables_mapping_get(t, iid, eid, plen);
	struct dp_rloc_spec rl[DP_RLOCS_MAX];
	struct dp_mapping_spec s;

	if (!cur)
		return -ENOENT;
	if (index >= cur->n_rlocs || !dp_ip_equal(&cur->rlocs[index].addr, addr))
		return -EINVAL;
	if (cur->rlocs[index].up == up)
		return 0;
	spec_of(cur, &s, rl);
	rl[index].up = up;
	return dp_tables_mapping_upsert(t, &s);
}

void dp_tables_resolver_set(struct dp_tables *t,
			    bool (*fn)(void *ctx, uint16_t port_id, const struct dp_ip *nh,
				       uint8_t mac[6]),
			    void *ctx)
{
	t->nh_resolve = fn;
	t->nh_ctx = ctx;
}

void dp_underlay_nexthop(const struct dp_underlay_if *u, const struct dp_ip *rloc,
			 struct dp_ip *nh)
{
	unsigned int bits = u->plen, len = rloc->af == 4 ? 4 : 16, i;
	bool onlink = true;

	for (i = 0; i < len && bits; i++, bits = bits >= 8 ? bits - 8 : 0) {
		uint8_t mask = (uint8_t)(bits >= 8 ? 0xff : 0xff << (8 - bits));

		if ((rloc->a[i] ^ u->src[i]) & mask) {
			onlink = false;
			break;
		}
	}
	if (onlink)
		*nh = *rloc;
	else
		*nh = u->gw;
}

int dp_tables_nexthop_changed(struct dp_tables *t, const struct dp_ip *nh)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int n = 0;

	/* A rebuild swaps a slot pointer and leaves the hash as it is, so
	 * iterating while rebuilding is allowed. */
	while (rte_hash_iterate(t->prefix_hash, &key, &data, &next) >= 0) {
		const struct dp_mapping *cur = t->slots[(uint32_t)(uintptr_t)data];
		struct dp_rloc_spec rl[DP_RLOCS_MAX];
		struct dp_mapping_spec s;
		bool uses = false;

		for (unsigned int i = 0; cur && i < cur->n_rlocs && !uses; i++)
			uses = dp_ip_equal(&cur->rlocs[i].nh, nh);
		if (!uses)
			continue;
		spec_of(cur, &s, rl);
		if (dp_tables_mapping_upsert(t, &s) == 0)
			n++;
	}
	return n;
}
