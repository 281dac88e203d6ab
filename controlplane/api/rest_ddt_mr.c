/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/ddt/referral-cache: the DDT Map-Resolver's roots, referral
 * cache (docs/ddt.md, "The DDT Map-Resolver") and counters.  ?eid=XEID
 * shows only the entry a request for it would use (longest match);
 * offset/limit page the entries.  404 without map-resolver.ddt.roots.
 */
#include <microhttpd.h>

#include "rest_priv.h"

struct cache_walk {
	struct cp *cp;
	uint64_t now;
	struct rest_page pg;
	json_t *a;
};

static json_t *refs_json(const struct ddt_ref *refs, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		struct lisp_addr addr;

		lisp_ipaddr_to_addr(&refs[i].addr, &addr);
		json_array_append_new(a, json_pack("{s:o, s:i, s:i}", "address",
						   rest_json_addr(&addr), "priority",
						   (int)refs[i].priority, "weight",
						   (int)refs[i].weight));
	}
	return a;
}

static json_t *entry_json(const struct cp *cp, const struct ddt_cache_entry *e, uint64_t now)
{
	return json_pack("{s:o, s:s, s:b, s:I, s:I, s:o, s:I, s:o}",
			 "prefix", rest_json_prefix(&e->prefix),
			 "action", lisp_referral_action_name(e->action),
			 "negative", e->negative,
			 "ttl_minutes", (json_int_t)e->ttl_min,
			 "expires_in_s", (json_int_t)((e->expires_ms - now) / 1000),
			 "expires", rest_json_time(cp, e->expires_ms),
			 "hits", (json_int_t)e->hits,
			 "referral_set", refs_json(e->refs, e->ref_count));
}

static int cache_entry(const struct ddt_cache_entry *e, void *arg)
{
	struct cache_walk *w = arg;

	if (e->expires_ms <= w->now)	/* expired, not yet swept */
		return 0;
	if (rest_page_take(&w->pg))
		json_array_append_new(w->a, entry_json(w->cp, e, w->now));
	return 0;
}

static json_t *counters_json(const struct ddt_mr_counters *c)
{
	json_t *o = json_object();

#define DDT_SET(name) json_object_set_new(o, #name, json_integer((json_int_t)c->name));
	DDT_MR_COUNTERS(DDT_SET)
#undef DDT_SET
	return o;
}

void rest_get_ddt_referral_cache(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { "eid", "offset", "limit", NULL };
	struct cp *cp = rq->cp;
	const char *eid_text = rest_query(rq, "eid");
	const struct ddt_mr_params *p;
	struct cache_walk w = { .cp = cp };
	json_t *roots;

	if (rest_query_check(rq, rs, params) < 0 || rest_page_parse(rq, rs, &w.pg) < 0)
		return;
	if (!cp->ddt_mr) {
		rest_resp_no_role(rs, "DDT Map-Resolver (map-resolver.ddt.roots)");
		return;
	}
	p = ddt_mr_params(cp->ddt_mr);
	w.now = evloop_now_ms(cp->loop);
	w.a = json_array();
	roots = json_array();
	if (!w.a || !roots) {
		json_decref(w.a);
		json_decref(roots);
		return;
	}
	for (size_t i = 0; i < p->root_count; i++)
		json_array_append_new(roots, json_pack("{s:o, s:i}", "address",
						       rest_json_addr(&p->roots[i].addr),
						       "priority", (int)p->roots[i].priority));
	if (eid_text) {
		struct lisp_prefix eid;
		struct ddt_cache_entry *e;

		if (rest_parse_eid(rs, "eid", eid_text, &eid) < 0) {
			json_decref(w.a);
			json_decref(roots);
			return;
		}
		/* The cache's own lookup: it may sweep the expired entry. */
		e = ddt_cache_lookup((struct ddt_cache *)ddt_mr_cache(cp->ddt_mr), &eid, w.now);
		if (e)
			cache_entry(e, &w);
	} else {
		ddt_cache_walk(ddt_mr_cache(cp->ddt_mr), cache_entry, &w);
	}
	rest_resp_json(rs, MHD_HTTP_OK,
		       json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o}",
				 "roots", roots,
				 "count", (json_int_t)json_array_size(w.a),
				 "total", (json_int_t)w.pg.total,
				 "capacity", (json_int_t)ddt_cache_cap(ddt_mr_cache(cp->ddt_mr)),
				 "pending", (json_int_t)ddt_mr_pending_count(cp->ddt_mr),
				 "pending_max", (json_int_t)p->pending_max,
				 "entries", w.a,
				 "counters", counters_json(ddt_mr_counters(cp->ddt_mr))));
}
