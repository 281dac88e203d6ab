/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/map-cache: the ITR's map-cache, through the hooks the ITR role
 * sets in struct cp (cp_itr_ops).  Filters: iid=N, and eid=[iid]addr/len for
 * the entries that cover it (what a packet to that EID would use); pages
 * with offset=N and limit=N.
 */
#include <microhttpd.h>

#include <errno.h>
#include <string.h>

#include "rest_priv.h"

struct cache_walk {
	struct cp *cp;
	bool has_iid;
	uint32_t iid;
	bool has_eid;
	struct lisp_prefix eid;
	struct rest_page page;
	json_t *out;
};

static int add_entry(const struct cp_cache_entry *e, void *arg)
{
	struct cache_walk *w = arg;
	uint64_t now = evloop_now_ms(w->cp->loop);
	const struct lisp_record *rec = e->rec;
	json_t *o, *locs;

	if (w->has_iid && e->eid.iid != w->iid)
		return 0;
	if (w->has_eid && !lisp_prefix_covers(&e->eid, &w->eid))
		return 0;
	if (!rest_page_take(&w->page))
		return 0;
	locs = rest_json_locators(rec ? rec->locs : NULL, rec ? rec->loc_count : 0);
	for (size_t i = 0; rec && i < rec->loc_count; i++) {
		json_t *l = json_array_get(locs, i);

		if (e->loc_up)
			json_object_set_new(l, "up", json_boolean(e->loc_up[i]));
		if (e->loc_rtt_us && e->loc_rtt_us[i])
			json_object_set_new(l, "rtt_us", json_integer(e->loc_rtt_us[i]));
	}
	o = json_pack("{s:o, s:i, s:s, s:I, s:b, s:o}",
		      "eid", rest_json_prefix(&e->eid),
		      "iid", (int)e->eid.iid,
		      "action", rest_action_name(rec ? rec->action : LISP_ACT_NO_ACTION),
		      "ttl", (json_int_t)(rec ? rec->ttl : 0),
		      "static", e->is_static,
		      "rlocs", locs);
	if (!o)
		return 0;
	if (e->expires_ms)
		json_object_set_new(o, "expires_in_s",
				    json_integer((json_int_t)(e->expires_ms > now
						 ? (e->expires_ms - now + 999) / 1000 : 0)));
	if (e->source)
		json_object_set_new(o, "source", json_string(e->source));
	if (e->created_ms)
		json_object_set_new(o, "created_at", rest_json_time(w->cp, e->created_ms));
	json_array_append_new(w->out, o);
	return 0;
}

void rest_get_map_cache(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { "iid", "eid", "offset", "limit", NULL };
	struct cp *cp = rq->cp;
	struct cache_walk w = { .cp = cp };
	const char *eid = rest_query(rq, "eid");

	if (rest_query_check(rq, rs, params) < 0 ||
	    rest_query_u32(rq, rs, "iid", LISP_IID_MAX, &w.iid, &w.has_iid) < 0 ||
	    rest_page_parse(rq, rs, &w.page) < 0 ||
	    (eid && rest_parse_eid(rs, "eid", eid, &w.eid) < 0))
		return;
	w.has_eid = eid != NULL;
	if (!cp->itr_ops || !cp->itr) {
		rest_resp_no_role(rs, "itr");
		return;
	}
	w.out = json_array();
	if (!w.out)
		return;
	cp->itr_ops->cache_walk(cp->itr, add_entry, &w);
	rest_resp_json(rs, MHD_HTTP_OK, json_pack("{s:I, s:I, s:o}", "count",
						  (json_int_t)json_array_size(w.out), "total",
						  (json_int_t)w.page.total, "entries", w.out));
}

/* POST /api/v1/map-cache {"eid": "[1]10.1.2.3"}: resolve now, through the
 * Map-Resolvers, as a data-plane miss would (to pre-warm a cache, or to
 * see what the mapping system answers).  The answer lands in the cache. */
void rest_post_map_cache(struct rest_req *rq, struct rest_resp *rs)
{
	struct cp *cp = rq->cp;
	struct lisp_prefix eid;
	json_error_t jerr;
	const char *text;
	json_t *body;
	int rc;

	if (!cp->itr) {
		rest_resp_no_role(rs, "itr");
		return;
	}
	body = rq->body ? json_loadb(rq->body, rq->body_len, 0, &jerr) : NULL;
	if (!json_is_object(body)) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, NULL, "body must be a JSON object");
		json_decref(body);
		return;
	}
	text = json_string_value(json_object_get(body, "eid"));
	if (json_object_size(body) != 1 || !text) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "eid",
				"eid: a string is required, and nothing else");
		json_decref(body);
		return;
	}
	if (rest_parse_eid(rs, "eid", text, &eid) < 0) {
		json_decref(body);
		return;
	}
	json_decref(body);
	rc = itr_resolve(cp->itr, &eid);
	if (rc < 0 && rc != -EALREADY) {
		rest_resp_error(rs, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "cannot resolve now: %s",
				strerror(-rc));
		return;
	}
	{
		char t[LISP_ADDR_STR_MAX];

		lisp_prefix_format(&eid, t, sizeof(t));
		rest_resp_json(rs, MHD_HTTP_ACCEPTED,
			       json_pack("{s:s, s:b}", "eid", t, "already_pending", rc == -EALREADY));
	}
}
