/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_push: messages to the data plane from map-cache entries, configured
 * mappings and records. */
#include <errno.h>
#include <string.h>

#include "dp_push_priv.h"

/* ---- encoding ---------------------------------------------------------------------- */

/* IPv4/IPv6 only: the data plane forwards nothing else. */
bool dpp_addr_put(const struct lisp_addr *a, uint8_t *afi, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (a->afi == LISP_AFI_IPV4) {
		*afi = DP_MSG_AFI_IPV4;
		memcpy(addr, a->v4, 4);
		return true;
	}
	if (a->afi == LISP_AFI_IPV6) {
		*afi = DP_MSG_AFI_IPV6;
		memcpy(addr, a->v6, 16);
		return true;
	}
	return false;
}

bool dpp_key_from_prefix(const struct lisp_prefix *p, uint8_t table, struct dp_msg_key *k)
{
	struct lisp_prefix m = *p;

	memset(k, 0, sizeof(*k));
	if (p->iid > LISP_IID_MAX)
		return false;
	lisp_prefix_mask(&m);	/* keys are canonical: host bits clear */
	k->iid = p->iid;
	k->plen = p->plen;
	k->table = table;
	return dpp_addr_put(&m.addr, &k->afi, k->addr);
}

void dpp_prefix_from_key(const struct dp_msg_key *k, struct lisp_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->iid = k->iid;
	p->plen = k->plen;
	if (k->afi == DP_MSG_AFI_IPV4)
		lisp_addr_set_v4(&p->addr, k->addr);
	else
		lisp_addr_set_v6(&p->addr, k->addr);
}

static uint32_t dpp_ttl_s(uint32_t ttl_min)
{
	return ttl_min >= UINT32_MAX / 60 ? UINT32_MAX : ttl_min * 60;
}

/* An RLOC candidate: its priority orders the cut when a mapping has more
 * than DP_MSG_RLOCS_MAX of them. */
struct rloc_in {
	const struct lisp_addr *addr;
	uint8_t priority, weight, flags;
	uint32_t rtt_us;
};

/* Fills m->rlocs from v's IPv4/IPv6 RLOCs: all of them, or the
 * DP_MSG_RLOCS_MAX best priorities (stable: the record's order among
 * equals).  Returns how many were left out. */
static unsigned int dpp_rlocs_put(struct dp_msg_map *m, const struct rloc_in *v, size_t n)
{
	uint8_t idx[LISP_LOCATORS_MAX];
	unsigned int cut = 0;
	size_t k = 0;

	for (size_t i = 0; i < n && i < LISP_LOCATORS_MAX; i++)
		if (v[i].addr->afi == LISP_AFI_IPV4 || v[i].addr->afi == LISP_AFI_IPV6)
			idx[k++] = (uint8_t)i;
	if (k > DP_MSG_RLOCS_MAX) {
		/* Insertion sort by priority: stable, and n is at most 255. */
		for (size_t i = 1; i < k; i++) {
			uint8_t x = idx[i];
			size_t j = i;

			for (; j && v[idx[j - 1]].priority > v[x].priority; j--)
				idx[j] = idx[j - 1];
			idx[j] = x;
		}
		cut = (unsigned int)(k - DP_MSG_RLOCS_MAX);
		k = DP_MSG_RLOCS_MAX;
	}
	m->rloc_count = (uint8_t)k;
	for (size_t i = 0; i < k; i++) {
		const struct rloc_in *r = &v[idx[i]];
		struct dp_msg_locator *o = &m->rlocs[i];

		dpp_addr_put(r->addr, &o->afi, o->addr);
		o->priority = r->priority;
		o->weight = r->weight;
		o->flags = r->flags;
		o->rtt_us = r->rtt_us;
	}
	return cut;
}

/*
 * A mapping as the data plane takes it.  Each returns -1 for one it cannot
 * forward (not IPv4/IPv6: a DN, a MAC), else the number of RLOCs left out
 * (counted by whoever sends it).
 */

int dpp_map_from_entry(const struct mapcache_entry *e, struct dp_msg_map *m)
{
	struct rloc_in v[LISP_LOCATORS_MAX];

	memset(m, 0, DP_MSG_MAP_HDR_LEN);
	if (!dpp_key_from_prefix(&e->eid, DP_MSG_TABLE_MAPCACHE, &m->key))
		return -1;
	m->ttl_s = dpp_ttl_s(e->ttl_min);
	m->map_version = e->map_version;
	m->action = e->action;
	m->flags = (mapcache_entry_is_static(e) ? DP_MSG_MAP_F_STATIC : 0) |
		   (e->authoritative ? DP_MSG_MAP_F_AUTHORITATIVE : 0) |
		   (e->loc_count == 0 ? DP_MSG_MAP_F_NEGATIVE : 0);
	for (unsigned int i = 0; i < e->rloc_count; i++) {
		const struct mapcache_rloc *r = &e->rlocs[i];
		uint8_t flags = (uint8_t)((r->up ? DP_MSG_LOC_F_UP : 0) |
					  (r->flags & LISP_LOC_F_LOCAL ? DP_MSG_LOC_F_LOCAL : 0) |
					  (r->rtt_us ? DP_MSG_LOC_F_PROBED : 0));

		v[i] = (struct rloc_in){ &r->addr, r->priority, r->weight, flags, r->rtt_us };
	}
	return (int)dpp_rlocs_put(m, v, e->rloc_count);
}

void dpp_petrs_put(struct dp_msg_map *m, const struct cp_config_rloc *petrs, size_t n)
{
	struct rloc_in v[LISP_LOCATORS_MAX];

	if (m->action != LISP_ACT_NATIVE_FORWARD || m->rloc_count || !n)
		return;
	n = n < LISP_LOCATORS_MAX ? n : LISP_LOCATORS_MAX;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct rloc_in){ &petrs[i].addr, petrs[i].priority, petrs[i].weight,
					 DP_MSG_LOC_F_UP, 0 };
	dpp_rlocs_put(m, v, n);
}

int dpp_map_from_config(const struct cp_config_mapping *c, struct dp_msg_map *m)
{
	struct rloc_in v[LISP_LOCATORS_MAX];
	size_t n = c->rloc_count < LISP_LOCATORS_MAX ? c->rloc_count : LISP_LOCATORS_MAX;

	memset(m, 0, DP_MSG_MAP_HDR_LEN);
	if (!dpp_key_from_prefix(&c->eid, DP_MSG_TABLE_DATABASE, &m->key))
		return -1;
	m->ttl_s = dpp_ttl_s(c->ttl_min);
	m->action = c->action;
	m->flags = DP_MSG_MAP_F_AUTHORITATIVE | (n ? 0 : DP_MSG_MAP_F_NEGATIVE);
	/* Our own RLOCs: reachable by definition, as we register them. */
	for (size_t i = 0; i < n; i++)
		v[i] = (struct rloc_in){ &c->rlocs[i].addr, c->rlocs[i].priority,
					 c->rlocs[i].weight,
					 DP_MSG_LOC_F_UP | DP_MSG_LOC_F_LOCAL, 0 };
	return (int)dpp_rlocs_put(m, v, n);
}

int dpp_map_from_record(const struct lisp_record *rec, struct dp_msg_map *m)
{
	struct rloc_in v[LISP_LOCATORS_MAX];
	struct lisp_prefix eid;
	size_t n = 0;

	if (lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &eid, NULL) < 0)
		return -1;
	memset(m, 0, DP_MSG_MAP_HDR_LEN);
	if (!dpp_key_from_prefix(&eid, DP_MSG_TABLE_DATABASE, &m->key))
		return -1;
	m->ttl_s = dpp_ttl_s(rec->ttl);
	m->map_version = rec->map_version;
	m->action = rec->action;
	m->flags = DP_MSG_MAP_F_AUTHORITATIVE | (rec->loc_count ? 0 : DP_MSG_MAP_F_NEGATIVE);
	for (unsigned int i = 0; i < rec->loc_count; i++) {
		const struct lisp_locator *l = &rec->locs[i];
		const struct lisp_addr *a = lisp_waddr_rloc(&l->addr);
		uint8_t flags = (uint8_t)((l->flags & LISP_LOC_F_REACH ? DP_MSG_LOC_F_UP : 0) |
					  DP_MSG_LOC_F_LOCAL);

		if (!a)
			continue;
		v[n++] = (struct rloc_in){ a, l->priority, l->weight, flags, 0 };
	}
	return (int)dpp_rlocs_put(m, v, n);
}
