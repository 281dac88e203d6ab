/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /api/v1/agents (docs/agents.md):
 *   POST   /api/v1/agents           register an agent through the ETR (xTR)
 *   GET    /api/v1/agents[?...]     on a Map-Server: the agents registered
 *                                   with it, filtered and ranked by their
 *                                   attributes; elsewhere: this xTR's agents
 *   GET    /api/v1/agents/ID        one agent of this xTR
 *   PATCH  /api/v1/agents/ID        attributes, RLOCs, DN, TTL: registered
 *                                   again at once, never withdrawn
 *   DELETE /api/v1/agents/ID[?release=true]  withdrawn (TTL-0 Map-Register)
 *
 * A body is validated completely (agents.c) and the store checks conflicts
 * before the ETR is told anything, so a 4xx changes nothing.  The glue that
 * turns an agent into ETR database records is the daemon's (cp_agents.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "agents.h"
#include "attrq.h"
#include "dp_push.h"
#include "etr_metrics.h"
#include "lcaf.h"
#include "log.h"
#include "mapdb.h"
#include "rest_priv.h"

#define AGENTS_PATH	"/api/v1/agents"

/* ---- helpers -------------------------------------------------------------------------- */

static unsigned int status_of(int rc)
{
	switch (rc) {
	case -EEXIST:
	case -EADDRINUSE:
	case -ERANGE:
	case -ENOSPC:
	case -ENOENT:
		return MHD_HTTP_CONFLICT;
	case -EINVAL:
	case -EMSGSIZE:		/* a record too big to encode: the body's fault */
	case -E2BIG:
		return MHD_HTTP_BAD_REQUEST;
	case -EACCES:		/* outside etr.accepted-eids: the sites would refuse it */
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	default:
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
}

/* "rlocs: ..." -> "rlocs" for the error's field. */
static void error_from(struct rest_resp *rs, unsigned int status, const struct lisp_err *err)
{
	char field[32];
	const char *colon = strchr(err->msg, ':');
	size_t n = colon ? (size_t)(colon - err->msg) : 0;

	if (n && n < sizeof(field) && !memchr(err->msg, ' ', n)) {
		memcpy(field, err->msg, n);
		field[n] = '\0';
		rest_resp_error(rs, status, field, "%s", err->msg);
	} else {
		rest_resp_error(rs, status, NULL, "%s", err->msg);
	}
}

static bool need_store(struct rest_req *rq, struct rest_resp *rs)
{
	if (!rq->cp->agents || !rq->cp->etr) {
		rest_resp_no_role(rs, "etr");
		return false;
	}
	return true;
}

/* The ID of /api/v1/agents/ID; NULL (answered) when it is not one. */
static const char *item_id(struct rest_req *rq, struct rest_resp *rs)
{
	const char *id = rq->path + strlen(AGENTS_PATH "/");

	if (strlen(id) > AGENT_ID_MAX || strchr(id, '/') || !*id) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, NULL, "no resource %s", rq->path);
		return NULL;
	}
	return id;
}

/* The same EID (or DN) in the ETR database that is not this agent's. */
/* An agent of this xTR as the API shows it: with where its records stand
 * with the Map-Servers (docs/controlplane.md, "record states"). */
static json_t *local_agent_json(const struct cp *cp, const struct agent *a)
{
	json_t *o = agent_json(a);
	struct lisp_prefix hash;
	int st;

	if (o && a->crypto && cp_agent_hash_eid(a, &hash) == 0)
		json_object_set_new(o, "hash_eid", rest_json_prefix(&hash));
	if (!o || !cp->etr)
		return o;
	st = etr_db_state(cp->etr, &a->eid);
	if (st >= 0)
		json_object_set_new(o, "registration",
				    json_string(etr_reg_state_name((enum etr_reg_state)st)));
	st = a->has_dn ? etr_db_state(cp->etr, &a->dn) : -ENOENT;
	if (st >= 0)
		json_object_set_new(o, "dn_registration",
				    json_string(etr_reg_state_name((enum etr_reg_state)st)));
	return o;
}

static bool taken_by_db(struct cp *cp, const struct lisp_prefix *p)
{
	return mapdb_exact(etr_db(cp->etr), p) != NULL;
}

/* A DN of the ETR database that no active agent holds: a mapping of its
 * own, never to be taken over (one an agent holds is the store's to
 * judge, 409 naming that agent). */
static bool dn_taken_by_db(struct cp *cp, const struct lisp_prefix *dn)
{
	if (!taken_by_db(cp, dn))
		return false;
	for (size_t i = 0; i < agent_store_count(cp->agents); i++) {
		const struct agent *a = agent_store_at(cp->agents, i);

		if (a->active && a->has_dn && lisp_prefix_equal(&a->dn, dn))
			return false;
	}
	return true;
}

/* ---- queries: ?iid=7&gpu=H100&state=ready&load=<0.5&sort=load ---------------------------- */

struct agent_query {
	bool has_iid;
	uint32_t iid;
	struct attrq q;
	struct attrq_policy pol;
	struct rest_page page;
	struct lisp_err err;
	const char *bad;	/* the parameter at fault */
};

static const char *const reserved_params[] = { "iid", "sort", "offset", "limit", "q", "scope",
					       NULL };

static enum MHD_Result query_cond(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct agent_query *aq = cls;

	(void)kind;
	for (const char *const *r = reserved_params; *r; r++)
		if (strcmp(*r, key) == 0)
			return MHD_YES;
	if (attrq_add_text(&aq->q, key, value ? value : "", &aq->err) < 0) {
		aq->bad = key;
		return MHD_NO;
	}
	return MHD_YES;
}

static int query_parse(struct rest_req *rq, struct rest_resp *rs, struct agent_query *aq)
{
	const char *sort = rest_query(rq, "sort"), *q = rest_query(rq, "q");

	memset(aq, 0, sizeof(*aq));
	if (rest_query_u32(rq, rs, "iid", LISP_IID_MAX, &aq->iid, &aq->has_iid) < 0 ||
	    rest_page_parse(rq, rs, &aq->page) < 0)
		return -EINVAL;
	if (q && attrq_parse_text(q, strlen(q), &aq->q, &aq->err) < 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "q", "q: %s", aq->err.msg);
		return -EINVAL;
	}
	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, query_cond, aq);
	if (aq->bad) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, aq->bad, "%s: %s", aq->bad, aq->err.msg);
		attrq_free(&aq->q);
		return -EINVAL;
	}
	if (sort && attrq_policy_parse(sort, &aq->pol, &aq->err) < 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "sort", "sort: %s", aq->err.msg);
		attrq_free(&aq->q);
		return -EINVAL;
	}
	return 0;
}

/* One answer item and the attributes it ranks by. */
struct hit {
	json_t *item;
	json_t *rank;		/* borrowed from item's best RLOC */
	size_t seq;
};

struct hits {
	struct hit *v;
	size_t n, cap;
	const struct attrq_policy *pol;
};

static int hits_add(struct hits *h, json_t *item, json_t *rank)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		struct hit *g = realloc(h->v, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		h->v = g;
		h->cap = cap;
	}
	h->v[h->n] = (struct hit){ item, rank, h->n };
	h->n++;
	return 0;
}

static const struct attrq_policy *sort_pol;

static int hit_cmp(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;
	int c = sort_pol->count ? attrq_policy_cmp(sort_pol, a->rank, b->rank) : 0;

	return c ? c : (a->seq < b->seq ? -1 : a->seq > b->seq);
}

/* Sorts, pages and answers; frees h. */
static void hits_answer(struct rest_resp *rs, struct hits *h, struct rest_page *pg,
			const char *scope)
{
	json_t *out = json_array();

	sort_pol = h->pol;
	if (h->n)
		qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
	for (size_t i = 0; i < h->n; i++) {
		if (out && rest_page_take(pg))
			json_array_append(out, h->v[i].item);
		json_decref(h->v[i].item);
	}
	free(h->v);
	if (!out)
		return;
	rest_resp_json(rs, MHD_HTTP_OK, json_pack("{s:s, s:I, s:I, s:o}", "scope", scope,
						  "count", (json_int_t)json_array_size(out),
						  "total", (json_int_t)pg->total, "agents", out));
}

/* Sorts an array of locator objects by policy (best first). */
static int loc_cmp(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;

	return attrq_policy_cmp(sort_pol, json_object_get(a, "attributes"),
				json_object_get(b, "attributes"));
}

static json_t *locs_sorted(json_t **v, size_t n, const struct attrq_policy *pol)
{
	json_t *a = json_array();

	sort_pol = pol;
	if (pol->count && n > 1)
		qsort(v, n, sizeof(*v), loc_cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	return a;
}

/* ---- GET on a Map-Server: the agents registered -------------------------------------- */

struct reg_dn {
	uint32_t iid;
	char agent[AGENT_ID_MAX + 1];
	const struct reg_eid *e;
};

struct reg_walk {
	struct cp *cp;
	struct agent_query *aq;
	struct hits hits;
	struct reg_dn *dns;
	size_t dn_count, dn_cap;
	bool dn_pass;
	int rc;
};

static bool same_xtr(const struct reg_eid *a, const struct reg_eid *b)
{
	return a->xtrs && b->xtrs && reg_who_equal(&a->xtrs->who, &b->xtrs->who);
}

static const char *locator_agent(const struct lisp_locator *l, json_t **attrs)
{
	const struct lisp_lcaf *jl = lisp_waddr_json(&l->addr);
	json_t *o, *id;

	*attrs = NULL;
	if (!jl || !jl->json.text)
		return NULL;
	o = json_loadb(jl->json.text, jl->json.len, 0, NULL);
	id = json_object_get(o, AGENT_ATTR_ID);
	if (!json_is_string(id)) {
		json_decref(o);
		return NULL;
	}
	*attrs = o;
	return json_string_value(id);
}

static int reg_visit(const struct lisp_prefix *p, void *value, void *arg)
{
	static uint8_t arena_buf[REST_ARENA_BYTES];
	struct reg_walk *w = arg;
	const struct reg_eid *e = value;
	json_t *locs[LISP_LOCATORS_MAX], *item, *best = NULL, *first_attrs = NULL;
	char agent[AGENT_ID_MAX + 1] = "";
	struct lisp_arena arena;
	struct lisp_record rec;
	size_t n = 0;

	(void)p;
	if (w->aq->has_iid && e->eid.iid != w->aq->iid)
		return 0;
	if ((e->eid.addr.afi == LISP_AFI_DN) != w->dn_pass)
		return 0;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	if (reg_eid_decode(e, &arena, &rec, NULL) < 0)
		return 0;
	for (size_t i = 0; i < rec.loc_count; i++) {
		json_t *attrs;
		const char *id = locator_agent(&rec.locs[i], &attrs);

		if (!id)
			continue;
		if (!agent[0])
			snprintf(agent, sizeof(agent), "%s", id);
		if (w->dn_pass) {
			json_decref(attrs);
			break;
		}
		if (!first_attrs)
			first_attrs = json_incref(attrs);
		if (attrq_match(&w->aq->q, attrs) && n < LISP_LOCATORS_MAX)
			locs[n++] = rest_json_locator(&rec.locs[i]);
		json_decref(attrs);
	}
	json_decref(first_attrs);
	if (!agent[0])
		return 0;	/* a site prefix, not an agent */
	if (w->dn_pass) {
		if (w->dn_count == w->dn_cap) {
			size_t cap = w->dn_cap ? w->dn_cap * 2 : 16;
			struct reg_dn *g = realloc(w->dns, cap * sizeof(*g));

			if (!g)
				return w->rc = -ENOMEM;
			w->dns = g;
			w->dn_cap = cap;
		}
		w->dns[w->dn_count].iid = e->eid.iid;
		snprintf(w->dns[w->dn_count].agent, sizeof(agent), "%s", agent);
		w->dns[w->dn_count++].e = e;
		return 0;
	}
	if (n == 0)
		return 0;
	item = json_pack("{s:s, s:i, s:o, s:o, s:I, s:o}",
			 "id", agent,
			 "iid", (int)e->eid.iid,
			 "eid", rest_json_prefix(&e->eid),
			 "xtr_id", e->xtrs && e->xtrs->who.has_xtr_id
				   ? rest_json_hex(e->xtrs->who.xtr_id, LISP_XTR_ID_LEN)
				   : json_null(),
			 "version", (json_int_t)e->version,
			 "rlocs", locs_sorted(locs, n, &w->aq->pol));
	if (!item)
		return w->rc = -ENOMEM;
	for (size_t i = 0; i < w->dn_count; i++)
		if (w->dns[i].iid == e->eid.iid && strcmp(w->dns[i].agent, agent) == 0 &&
		    same_xtr(w->dns[i].e, e)) {
			json_object_set_new(item, "dn", rest_json_prefix(&w->dns[i].e->eid));
			break;
		}
	best = json_object_get(json_array_get(json_object_get(item, "rlocs"), 0), "attributes");
	json_object_set(item, "attributes", best ? best : json_null());
	if (hits_add(&w->hits, item, json_object_get(item, "attributes")) < 0) {
		json_decref(item);
		return w->rc = -ENOMEM;
	}
	return 0;
}

static void get_registered(struct rest_req *rq, struct rest_resp *rs, struct agent_query *aq)
{
	struct mapdb *db = registry_db(map_server_registry(rq->cp->ms));
	struct reg_walk w = { .cp = rq->cp, .aq = aq, .hits = { .pol = &aq->pol } };

	w.dn_pass = true;
	mapdb_walk(db, NULL, reg_visit, &w);
	w.dn_pass = false;
	if (w.rc == 0)
		mapdb_walk(db, NULL, reg_visit, &w);
	free(w.dns);
	if (w.rc < 0) {
		for (size_t i = 0; i < w.hits.n; i++)
			json_decref(w.hits.v[i].item);
		free(w.hits.v);
		rest_resp_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
		return;
	}
	hits_answer(rs, &w.hits, &aq->page, "registered");
}

/* ---- GET on an xTR: its own agents ----------------------------------------------------- */

static void get_local(struct rest_req *rq, struct rest_resp *rs, struct agent_query *aq)
{
	struct hits h = { .pol = &aq->pol };

	for (size_t i = 0; i < agent_store_count(rq->cp->agents); i++) {
		const struct agent *a = agent_store_at(rq->cp->agents, i);
		size_t n = a->rloc_count ? a->rloc_count : 1;
		json_t *best = NULL, *item;

		if (!a->active || (aq->has_iid && a->eid.iid != aq->iid))
			continue;
		for (size_t k = 0; k < n; k++) {
			json_t *o = agent_rloc_attrs(a, k);

			if (o && attrq_match(&aq->q, o) &&
			    (!best || attrq_policy_cmp(&aq->pol, o, best) < 0)) {
				json_decref(best);
				best = o;
			} else {
				json_decref(o);
			}
		}
		if (!best)
			continue;
		item = local_agent_json(rq->cp, a);
		if (!item || json_object_set_new(item, "rank_attributes", best) < 0 ||
		    hits_add(&h, item, best) < 0) {
			json_decref(item);
			continue;
		}
	}
	hits_answer(rs, &h, &aq->page, "local");
}

void rest_get_agents(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *scope_names[] = { "local", "registered" };
	const char *scope = rest_query(rq, "scope");
	struct agent_query aq;
	bool registered = rq->cp->ms != NULL;

	if (scope) {
		if (strcmp(scope, scope_names[0]) && strcmp(scope, scope_names[1])) {
			rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "scope",
					"scope: must be local (this xTR's agents) or registered "
					"(the Map-Server's)");
			return;
		}
		registered = strcmp(scope, "registered") == 0;
	}
	if (query_parse(rq, rs, &aq) < 0)
		return;
	if (registered && !rq->cp->ms)
		rest_resp_no_role(rs, "map-server");
	else if (!registered && (!rq->cp->agents || !rq->cp->etr))
		rest_resp_no_role(rs, "etr");
	else if (registered)
		get_registered(rq, rs, &aq);
	else
		get_local(rq, rs, &aq);
	attrq_free(&aq.q);
}

/* ---- POST, PATCH, DELETE, GET one ---------------------------------------------------------- */

void rest_post_agents(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct lisp_err err = { .msg = "" };
	struct cp *cp = rq->cp;
	struct agent a, made, *stored;
	struct lisp_err e;
	bool was_kept;
	char id[AGENT_ID_MAX + 1];
	int rc;

	if (rest_query_check(rq, rs, params) < 0 || !need_store(rq, rs))
		return;
	if (agent_parse_new(rq->body, rq->body_len, &a, &e) < 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, e.path[0] ? e.path : NULL, "%s", e.msg);
		return;
	}
	/* A crypto-EID comes from a key made now; every failure below takes
	 * the key away again (made names it: a itself is the store's once
	 * added). */
	agent_init(&made);
	if (a.crypto) {
		snprintf(made.id, sizeof(made.id), "%s", a.id);
		rc = cp_agent_crypto_create(cp, &a, &err);
		if (rc < 0) {
			error_from(rs, status_of(rc), &err);
			goto out;
		}
		made.crypto = true;
	}
	/* An agent's EID in the database is the store's to judge (409 naming
	 * the agent); any other entry there is a mapping of its own. */
	if (a.eid.addr.afi != LISP_AFI_NONE && taken_by_db(cp, &a.eid) &&
	    !agent_store_by_eid(cp->agents, &a.eid)) {
		rest_resp_error(rs, MHD_HTTP_CONFLICT, "eid", "eid: already a mapping of the ETR "
				"database (not an agent's)");
		goto out;
	}
	if (a.has_dn) {
		a.dn.iid = a.eid.iid;
		if (dn_taken_by_db(cp, &a.dn)) {
			rest_resp_error(rs, MHD_HTTP_CONFLICT, "dn", "dn: already a mapping of "
					"the ETR database");
			goto out;
		}
	}
	snprintf(id, sizeof(id), "%s", a.id);
	was_kept = agent_store_find(cp->agents, id) != NULL;
	rc = agent_store_add(cp->agents, &a, cp_agent_site_covers, cp, &err);
	if (rc < 0) {
		error_from(rs, status_of(rc), &err);
		goto out;
	}
	stored = agent_store_find(cp->agents, id);
	rc = cp_agent_install(cp, stored, &err);
	if (rc < 0) {
		struct lisp_err e2;

		cp_agent_uninstall(cp, stored, true);
		agent_store_remove(cp->agents, id, !was_kept, &e2);
		error_from(rs, rc == -ERANGE ? MHD_HTTP_CONFLICT : status_of(rc), &err);
		goto out;
	}
	log_info("agents: %s registered", id);
	rest_resp_json(rs, MHD_HTTP_CREATED, local_agent_json(cp, stored));
	made.crypto = false;	/* the agent's now */
out:
	cp_agent_crypto_remove(cp, &made);
	agent_clear(&a);
}

void rest_get_agent(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	const char *id;
	struct agent *a;

	if (rest_query_check(rq, rs, params) < 0 || !need_store(rq, rs) ||
	    !(id = item_id(rq, rs)))
		return;
	a = agent_store_find(rq->cp->agents, id);
	if (!a || !a->active) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, "id", "no agent %s%s", id,
				a ? " (its EID is kept for it)" : "");
		return;
	}
	rest_resp_json(rs, MHD_HTTP_OK, local_agent_json(rq->cp, a));
}

void rest_patch_agent(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct lisp_err err = { .msg = "" };
	struct cp *cp = rq->cp;
	struct agent next, old, *cur;
	struct lisp_err e;
	const char *id;
	int rc;

	if (rest_query_check(rq, rs, params) < 0 || !need_store(rq, rs) ||
	    !(id = item_id(rq, rs)))
		return;
	cur = agent_store_find(cp->agents, id);
	if (!cur || !cur->active) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, "id", "no agent %s", id);
		return;
	}
	if (agent_parse_patch(rq->body, rq->body_len, cur, &next, &e) < 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, e.path[0] ? e.path : NULL, "%s", e.msg);
		return;
	}
	if (next.has_dn) {
		next.dn.iid = cur->eid.iid;
		if ((!cur->has_dn || !lisp_prefix_equal(&cur->dn, &next.dn)) &&
		    dn_taken_by_db(cp, &next.dn)) {
			rest_resp_error(rs, MHD_HTTP_CONFLICT, "dn", "dn: already a mapping of "
					"the ETR database");
			agent_clear(&next);
			return;
		}
	}
	if (agent_copy(&old, cur) < 0) {
		agent_clear(&next);
		rest_resp_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
		return;
	}
	rc = agent_store_replace(cp->agents, &next, &err);
	if (rc < 0) {
		error_from(rs, status_of(rc), &err);
		goto out;
	}
	cur = agent_store_find(cp->agents, id);
	/* Re-registered in place: the EID is never withdrawn, only a DN that
	 * went away or changed is. */
	rc = cp_agent_install(cp, cur, &err);
	if (rc < 0) {
		struct lisp_err e2;

		agent_store_replace(cp->agents, &old, &e2);
		cp_agent_install(cp, agent_store_find(cp->agents, id), &e2);
		error_from(rs, rc == -ERANGE ? MHD_HTTP_CONFLICT : status_of(rc), &err);
		goto out;
	}
	if (old.has_dn && (!cur->has_dn || !lisp_prefix_equal(&old.dn, &cur->dn))) {
		etr_db_del(cp->etr, &old.dn);
		if (cp->etr_metrics)
			etr_metrics_del(cp->etr_metrics, &old.dn);
	}
	rest_resp_json(rs, MHD_HTTP_OK, local_agent_json(cp, cur));
out:
	agent_clear(&old);
	agent_clear(&next);
}

void rest_delete_agent(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { "release", NULL };
	const char *rel = rest_query(rq, "release");
	struct lisp_err err = { .msg = "" };
	struct cp *cp = rq->cp;
	struct agent copy, *a;
	bool release;
	const char *id;
	int rc;

	if (rest_query_check(rq, rs, params) < 0 || !need_store(rq, rs) ||
	    !(id = item_id(rq, rs)))
		return;
	if (rel && strcmp(rel, "true") && strcmp(rel, "false")) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "release", "release: must be true or false");
		return;
	}
	release = rel && strcmp(rel, "true") == 0;
	a = agent_store_find(cp->agents, id);
	if (!a || (!a->active && !release)) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, "id", "no agent %s", id);
		return;
	}
	if (agent_copy(&copy, a) < 0) {
		rest_resp_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
		return;
	}
	rc = agent_store_remove(cp->agents, id, release, &err);
	if (rc < 0) {
		error_from(rs, status_of(rc), &err);
		agent_clear(&copy);
		return;
	}
	if (copy.active)
		cp_agent_uninstall(cp, &copy, true);
	cp_agent_crypto_remove(cp, &copy);	/* its key goes with it */
	log_info("agents: %s removed%s", id, release ? ", its EID released" : "");
	rest_resp_json(rs, MHD_HTTP_OK,
		       json_pack("{s:s, s:o, s:b, s:b}", "id", id, "eid",
				 rest_json_prefix(&copy.eid), "deleted", true, "kept",
				 copy.allocated && !release));
	agent_clear(&copy);
}
