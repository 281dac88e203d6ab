/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/registrations: what the Map-Server holds, each EID with its
 * merged RLOC set and the xTRs that registered it.  Filters:
 *   iid=N                  one Instance-ID
 *   eid=[iid]addr/len      with match=longest (default: the registration an
 *                          ITR asking for that EID would get), exact, or
 *                          more-specific (every registration inside it)
 *   site=NAME              EIDs registered by at least one xTR of the site
 *   offset=N, limit=N      a page of the matches, in address order: a
 *                          Map-Server with 100k EIDs answers in pieces
 *                          rather than holding the loop for one huge dump
 */
#include <string.h>

#include <microhttpd.h>

#include "mapdb.h"
#include "rest_priv.h"

enum reg_match {
	REG_MATCH_LONGEST,
	REG_MATCH_EXACT,
	REG_MATCH_MORE_SPECIFIC,
};

struct reg_filter {
	struct cp *cp;
	bool has_iid;
	uint32_t iid;
	const struct site *site;
	struct rest_page page;
	json_t *out;
};

static json_t *xtr_json(const struct cp *cp, const struct reg_xtr *x)
{
	uint64_t now = evloop_now_ms(cp->loop);
	struct lisp_addr source;
	json_t *o;

	lisp_ipaddr_to_addr(&x->who.src, &source);
	o = json_pack("{s:o, s:I, s:o, s:o, s:i, s:o, s:o, s:I, s:b, s:b, s:o}",
		      "xtr_id", x->who.has_xtr_id ? rest_json_hex(x->who.xtr_id, LISP_XTR_ID_LEN)
						  : json_null(),
		      "site_id", (json_int_t)x->who.site_id,
		      "site", x->site ? json_string(x->site->name) : json_null(),
		      "source", rest_json_addr(&source),
		      "source_port", (int)x->who.src_port,
		      "registered_at", rest_json_time(cp, x->registered_ms),
		      "refreshed_at", rest_json_time(cp, x->refreshed_ms),
		      "expires_in_s",
		      (json_int_t)(x->expires_ms > now ? (x->expires_ms - now + 999) / 1000 : 0),
		      "proxy_reply", x->proxy_reply,
		      "want_notify", x->want_notify,
		      "rlocs", rest_json_record_locators(x->record, x->record_len));
	return o;
}

static json_t *entry_json(const struct cp *cp, const struct reg_eid *e)
{
	static uint8_t arena_buf[REST_ARENA_BYTES];
	struct lisp_arena arena;
	struct lisp_record rec;
	json_t *xtrs = json_array(), *locs;

	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	if (reg_eid_decode(e, &arena, &rec, NULL) == 0)
		locs = rest_json_locators(rec.locs, rec.loc_count);
	else
		locs = json_array();
	for (const struct reg_xtr *x = e->xtrs; xtrs && x; x = x->next)
		json_array_append_new(xtrs, xtr_json(cp, x));
	return json_pack("{s:o, s:i, s:I, s:I, s:b, s:o, s:o}",
			 "eid", rest_json_prefix(&e->eid),
			 "iid", (int)e->eid.iid,
			 "ttl", (json_int_t)e->merged_ttl,
			 "version", (json_int_t)e->version,
			 "proxy_reply", e->proxy_reply,
			 "rlocs", locs,
			 "xtrs", xtrs);
}

static bool filter_pass(const struct reg_filter *f, const struct reg_eid *e)
{
	if (f->has_iid && e->eid.iid != f->iid)
		return false;
	if (f->site) {
		for (const struct reg_xtr *x = e->xtrs; x; x = x->next)
			if (x->site == f->site)
				return true;
		return false;
	}
	return true;
}

static int add_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	struct reg_filter *f = arg;
	const struct reg_eid *e = value;

	(void)p;
	if (filter_pass(f, e) && rest_page_take(&f->page))
		json_array_append_new(f->out, entry_json(f->cp, e));
	return 0;
}

static int parse_match(struct rest_req *rq, struct rest_resp *rs, enum reg_match *m)
{
	const char *v = rest_query(rq, "match");

	*m = REG_MATCH_LONGEST;
	if (!v || strcmp(v, "longest") == 0)
		return 0;
	if (strcmp(v, "exact") == 0)
		*m = REG_MATCH_EXACT;
	else if (strcmp(v, "more-specific") == 0)
		*m = REG_MATCH_MORE_SPECIFIC;
	else {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "match",
				"match: must be longest, exact or more-specific");
		return -1;
	}
	return 0;
}

void rest_get_registrations(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { "iid", "eid", "match", "site", "offset", "limit",
					      NULL };
	struct cp *cp = rq->cp;
	struct reg_filter f = { .cp = cp };
	const char *eid_text = rest_query(rq, "eid"), *site = rest_query(rq, "site");
	const struct registry *reg;
	struct lisp_prefix eid;
	enum reg_match match;
	struct reg_eid *e;

	if (rest_query_check(rq, rs, params) < 0 ||
	    rest_query_u32(rq, rs, "iid", LISP_IID_MAX, &f.iid, &f.has_iid) < 0 ||
	    parse_match(rq, rs, &match) < 0 || rest_page_parse(rq, rs, &f.page) < 0 ||
	    (eid_text && rest_parse_eid(rs, "eid", eid_text, &eid) < 0))
		return;
	if (!cp->ms) {
		rest_resp_no_role(rs, "map-server");
		return;
	}
	if (site && !(f.site = site_table_find(cp->sites, site))) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, "site", "no site named '%s'", site);
		return;
	}
	if (rest_query(rq, "match") && !eid_text) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "match", "match: needs eid");
		return;
	}
	f.out = json_array();
	if (!f.out)
		return;
	reg = map_server_registry(cp->ms);
	if (!eid_text) {
		mapdb_walk(registry_db(reg), NULL, add_entry, &f);
	} else if (match == REG_MATCH_MORE_SPECIFIC) {
		mapdb_walk(registry_db(reg), &eid, add_entry, &f);
	} else {
		e = match == REG_MATCH_EXACT ? registry_exact(reg, &eid) : registry_lookup(reg, &eid);
		if (e)
			add_entry(&e->eid, e, &f);
	}
	rest_resp_json(rs, MHD_HTTP_OK, json_pack("{s:I, s:I, s:o}", "count",
						  (json_int_t)json_array_size(f.out), "total",
						  (json_int_t)f.page.total, "registrations", f.out));
}
