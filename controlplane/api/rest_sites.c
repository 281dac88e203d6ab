/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/sites: the Map-Server's sites, their EID space, flags and
 * counters.  The key is never shown, only its Key ID and algorithm: the API
 * is for operators and agents, and a leaked key lets anyone register EIDs.
 */
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "mapdb.h"
#include "rest_priv.h"

/* Registrations per site, counted in one walk of the registry. */
struct site_tally {
	struct site_table *sites;
	size_t *eids;		/* EIDs with at least one xTR of the site */
};

static int tally_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	struct site_tally *t = arg;
	const struct reg_eid *e = value;
	size_t n = site_table_count(t->sites);

	(void)p;
	for (size_t i = 0; i < n; i++) {
		const struct site *s = site_table_at(t->sites, i);

		for (const struct reg_xtr *x = e->xtrs; x; x = x->next) {
			if (x->site == s) {
				t->eids[i]++;
				break;
			}
		}
	}
	return 0;
}

static const char *site_auth_name(uint8_t auth)
{
	return auth == SITE_AUTH_ECDSA ? "ecdsa" : auth == SITE_AUTH_BOTH ? "both" : "hmac";
}

static json_t *site_json(const struct site *s, size_t registered)
{
	json_t *prefixes = json_array(), *crypto = json_array();

	for (size_t i = 0; prefixes && i < s->eid_count; i++)
		json_array_append_new(prefixes,
				      json_pack("{s:o, s:b}", "prefix",
						rest_json_prefix(&s->eids[i].prefix),
						"accept_more_specifics",
						s->eids[i].accept_more_specifics));
	/* The crypto-EID prefixes are in eid_prefixes too (site.c). */
	for (size_t i = 0; crypto && i < s->crypto_prefix_count; i++)
		json_array_append_new(crypto, rest_json_prefix(&s->crypto_prefixes[i]));
	return json_pack("{s:s, s:i, s:s, s:b, s:s, s:o, s:o, s:I, s:{s:I, s:I, s:I, s:I, s:I}}",
			 "name", s->name,
			 "key_id", (int)s->alg_id,
			 "algorithm", lisp_auth_alg_name(s->alg_id),
			 "allow_shared_eids", s->allow_shared,
			 "auth", site_auth_name(s->auth),
			 "crypto_eid_prefixes", crypto,
			 "eid_prefixes", prefixes,
			 "registered_eids", (json_int_t)registered,
			 "counters",
			 "registers_accepted", (json_int_t)s->registers_accepted,
			 "auth_failures", (json_int_t)s->auth_failures,
			 "eid_rejections", (json_int_t)s->eid_rejections,
			 "replays", (json_int_t)s->replays,
			 "ecdsa_refusals", (json_int_t)s->ecdsa_refusals);
}

void rest_get_sites(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { "name", NULL };
	struct cp *cp = rq->cp;
	const char *name = rest_query(rq, "name");
	struct site_tally t;
	json_t *a;
	size_t n;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	if (!cp->sites) {
		rest_resp_no_role(rs, "map-server");
		return;
	}
	if (name && !site_table_find(cp->sites, name)) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, "name", "no site named '%s'", name);
		return;
	}
	n = site_table_count(cp->sites);
	t.sites = cp->sites;
	t.eids = calloc(n ? n : 1, sizeof(*t.eids));
	a = json_array();
	if (!t.eids || !a) {
		free(t.eids);
		json_decref(a);
		return;
	}
	if (cp->ms)
		mapdb_walk(registry_db(map_server_registry(cp->ms)), NULL, tally_entry, &t);
	for (size_t i = 0; i < n; i++) {
		const struct site *s = site_table_at(cp->sites, i);

		if (!name || strcmp(name, s->name) == 0)
			json_array_append_new(a, site_json(s, t.eids[i]));
	}
	free(t.eids);
	rest_resp_json(rs, MHD_HTTP_OK, json_pack("{s:I, s:o}", "count",
						  (json_int_t)json_array_size(a), "sites", a));
}
