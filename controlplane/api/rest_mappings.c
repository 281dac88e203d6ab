/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POST and DELETE /api/v1/mappings: the ETR's database (registered at once
 * to every Map-Server) or, with "static": true, the ITR's static map-cache
 * entries.  GET lists the ETR's database with each record's registration
 * state (registered, pending, refused).  The body is validated completely (rest_mapping_body.c) before
 * the one call that applies it, so a bad request changes nothing.
 *
 * Mappings added here live until deleted or until a configuration reload,
 * which rebuilds the database from the file.
 */
#include <errno.h>
#include <string.h>

#include <microhttpd.h>

#include "mapdb.h"
#include "dp_push.h"
#include "rest_priv.h"

static json_t *mapping_json(const struct rest_mapping *m, bool replaced)
{
	json_t *o = json_pack("{s:o, s:b, s:s, s:o, s:b}",
			      "eid", rest_json_prefix(&m->eid),
			      "static", m->is_static,
			      "action", rest_action_name(m->action),
			      "rlocs", rest_json_locators(m->locs, m->rloc_count),
			      "replaced", replaced);

	if (o && !m->is_static)
		json_object_set_new(o, "ttl", json_integer(m->ttl_min));
	return o;
}

/* -ENOSPC is a full table (a conflict with the state); -EACCES an EID the
 * Map-Servers' sites do not accept (422: well-formed, but it would be
 * refused); anything else the body caused (-EMSGSIZE: its record is too
 * big to encode) is a 400. */
static unsigned int status_of(int rc)
{
	return rc == -ENOMEM ? MHD_HTTP_INTERNAL_SERVER_ERROR
	       : rc == -ENOSPC ? MHD_HTTP_CONFLICT
	       : rc == -EACCES ? MHD_HTTP_UNPROCESSABLE_CONTENT	/* etr.accepted-eids */
	       : MHD_HTTP_BAD_REQUEST;
}

void rest_post_mappings(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct cp *cp = rq->cp;
	struct rest_mapping m;
	struct lisp_record rec;
	struct lisp_err err = { .msg = "" };
	json_t *body;
	bool exists;
	int rc;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	if (rest_mapping_parse(rq->body, rq->body_len, &m, &err) < 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, err.path[0] ? err.path : NULL, "%s",
				err.msg);
		return;
	}
	if (m.is_static ? !cp->itr_ops || !cp->itr : !cp->etr) {
		rest_resp_no_role(rs, m.is_static ? "itr" : "etr");
		goto out;
	}
	exists = m.is_static ? cp->itr_ops->static_exists(cp->itr, &m.eid)
			     : mapdb_exact(etr_db(cp->etr), &m.eid) != NULL;
	if (exists && !m.replace) {
		rest_resp_error(rs, MHD_HTTP_CONFLICT, "eid",
				"eid: already in the %s; send \"replace\": true to replace it",
				m.is_static ? "static map-cache" : "ETR database");
		goto out;
	}
	if (!m.is_static && !m.ttl_min)
		m.ttl_min = cp->cfg->etr.record_ttl_min ? cp->cfg->etr.record_ttl_min
							: CP_CONFIG_DEF_RECORD_TTL_MIN;
	rest_mapping_record(&m, &rec);
	rc = m.is_static ? cp->itr_ops->static_set(cp->itr, &rec, &err)
			 : etr_db_set(cp->etr, &rec, &err);
	if (rc < 0) {
		rest_resp_error(rs, status_of(rc),
				rc == -EMSGSIZE ? "rlocs" : rc == -EACCES ? "eid" : NULL,
				"the mapping was not stored: %s",
				err.msg[0] ? err.msg : strerror(-rc));
		goto out;
	}
	/* The fast path forwards by the database too (static entries reach it
	 * through the map-cache observers). */
	if (!m.is_static && cp->dp)
		dp_push_db_set(cp->dp, &rec);
	rq->counters->mappings_set++;
	body = mapping_json(&m, exists);
	if (body && !m.is_static)
		json_object_set_new(body, "registration",
				    json_string(etr_reg_state_name(
					    (enum etr_reg_state)etr_db_state(cp->etr, &m.eid))));
	rest_resp_json(rs, exists ? MHD_HTTP_OK : MHD_HTTP_CREATED, body);
out:
	rest_mapping_free(&m);
}

void rest_delete_mappings(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { "eid", "static", NULL };
	struct cp *cp = rq->cp;
	const char *text = rest_query(rq, "eid"), *st = rest_query(rq, "static");
	struct lisp_prefix eid;
	bool is_static = false;
	int rc;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	if (!text) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "eid", "eid: required");
		return;
	}
	if (rest_parse_eid(rs, "eid", text, &eid) < 0)
		return;
	if (st && strcmp(st, "true") != 0 && strcmp(st, "false") != 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, "static", "static: must be true or false");
		return;
	}
	is_static = st && strcmp(st, "true") == 0;
	if (is_static ? !cp->itr_ops || !cp->itr : !cp->etr) {
		rest_resp_no_role(rs, is_static ? "itr" : "etr");
		return;
	}
	rc = is_static ? cp->itr_ops->static_del(cp->itr, &eid) : etr_db_del(cp->etr, &eid);
	if (rc == 0 && !is_static && cp->dp)
		dp_push_db_del(cp->dp, &eid);
	if (rc == -ENOENT) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, "eid", "eid: %s is not in the %s", text,
				is_static ? "static map-cache" : "ETR database");
		return;
	}
	if (rc < 0) {
		rest_resp_error(rs, status_of(rc), NULL, "the mapping was not deleted: %s",
				strerror(-rc));
		return;
	}
	rq->counters->mappings_deleted++;
	rest_resp_json(rs, MHD_HTTP_OK, json_pack("{s:o, s:b, s:b}", "eid",
						  rest_json_prefix(&eid), "static", is_static,
						  "deleted", true));
}

static int db_entry_json(const struct lisp_prefix *eid, enum etr_reg_state state,
			 uint32_t ttl_min, void *arg)
{
	json_t *o = json_pack("{s:o, s:I, s:s}", "eid", rest_json_prefix(eid), "ttl",
			      (json_int_t)ttl_min, "registration", etr_reg_state_name(state));

	return o && json_array_append_new(arg, o) == 0 ? 0 : -ENOMEM;
}

void rest_get_mappings(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct etr_db_states st;
	json_t *list;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	if (!rq->cp->etr) {
		rest_resp_no_role(rs, "etr");
		return;
	}
	list = json_array();
	if (!list || etr_db_walk(rq->cp->etr, db_entry_json, list) < 0) {
		json_decref(list);
		rest_resp_error(rs, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
		return;
	}
	etr_db_states(rq->cp->etr, &st);
	rest_resp_json(rs, MHD_HTTP_OK,
		       json_pack("{s:o, s:I, s:I, s:I}", "entries", list, "registered",
				 (json_int_t)st.registered, "pending", (json_int_t)st.pending,
				 "refused", (json_int_t)st.refused));
}
