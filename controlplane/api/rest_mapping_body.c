/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The body of POST /api/v1/mappings, validated field by field before
 * anything is applied:
 *
 *   {"eid": "[1]10.1.2.0/24", "ttl": 1440, "replace": false,
 *    "rlocs": [{"address": "192.0.2.1", "priority": 1, "weight": 100,
 *               "attributes": {"gpu": "H100", "load": 0.4}}]}
 *   {"eid": "[7]172.16.0.0/12", "static": true, "rlocs": [...]}
 *   {"eid": "[7]10.66.0.0/16", "static": true, "action": "drop"}
 *
 * The rules are the configuration's (docs/config.md: etr.database and
 * itr.static-map-cache), so that what the API accepts the file would too.
 * Only jansson and common/ here: tests/unit/test_rest.c links it alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "json_keys.h"
#include "rest_priv.h"

/* Record TTLs, in minutes: as the configuration (1 minute .. 30 days). */
#define REST_TTL_MAX_MIN (30u * 24 * 60)

/* An optional integer member in [lo, hi]; 0 absent, 1 present. */
static int get_int(struct lisp_err *e, json_t *obj, const char *key, const char *field,
		   json_int_t lo, json_int_t hi, json_int_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return lisp_err_at(e, EINVAL, field, "must be %lld..%lld", (long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return 1;
}

static int get_bool(struct lisp_err *e, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return lisp_err_at(e, EINVAL, key, "must be true or false");
	*out = json_is_true(v);
	return 1;
}

static const struct {
	const char *name;
	uint8_t action;
} actions[] = {
	{ "encapsulate", LISP_ACT_NO_ACTION },
	{ "native-forward", LISP_ACT_NATIVE_FORWARD },
	{ "send-map-request", LISP_ACT_SEND_MAP_REQUEST },
	{ "drop", LISP_ACT_DROP },
};

static const char *action_name(uint8_t action)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].action == action)
			return actions[i].name;
	return "?";
}

static int parse_action(struct lisp_err *e, json_t *obj, struct rest_mapping *m)
{
	json_t *v = json_object_get(obj, "action");

	m->action = LISP_ACT_NO_ACTION;
	if (!v)
		return 0;
	if (!m->is_static)
		return lisp_err_at(e, EINVAL, "action", "only static map-cache entries (\"static\": true) "
					 "take an action");
	for (size_t i = 0; json_is_string(v) && i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(json_string_value(v), actions[i].name) == 0) {
			m->action = actions[i].action;
			return 0;
		}
	}
	return lisp_err_at(e, EINVAL, "action",
			   "must be encapsulate, native-forward, send-map-request or drop");
}

static int parse_rloc(struct lisp_err *e, json_t *r, size_t i, struct rest_mapping *m)
{
	static const char *const known[] = { "address", "priority", "weight", "attributes", NULL };
	struct lisp_locator *loc = &m->locs[i];
	struct lisp_addr addr;
	struct lisp_err err;
	char prefix[32], field[64];
	json_int_t v = 0;
	json_t *a;
	int rc;

	snprintf(prefix, sizeof(prefix), "rlocs[%zu]", i);
	if (!json_is_object(r))
		return lisp_err_at(e, EINVAL, prefix, "must be an object {\"address\": ..., \"priority\": ...}");
	rc = json_check_keys(e, r, prefix, known);
	if (rc < 0)
		return rc;
	snprintf(field, sizeof(field), "%s.address", prefix);
	a = json_object_get(r, "address");
	if (!a)
		return lisp_err_at(e, EINVAL, field, "required");
	if (!json_is_string(a) || lisp_addr_parse(json_string_value(a), &addr, &err) < 0 ||
	    (addr.afi != LISP_AFI_IPV4 && addr.afi != LISP_AFI_IPV6))
		return lisp_err_at(e, EINVAL, field, "must be an IPv4 or IPv6 address");
	for (size_t j = 0; j < i; j++)
		if (lisp_addr_equal(&addr, &m->inners[j].plain))
			return lisp_err_at(e, EINVAL, field, "'%s' is listed twice (also rlocs[%zu])",
				    json_string_value(a), j);
	memset(loc, 0, sizeof(*loc));
	lisp_waddr_from_addr(&m->inners[i], &addr);
	loc->priority = CP_CONFIG_DEF_RLOC_PRIORITY;
	loc->weight = CP_CONFIG_DEF_RLOC_WEIGHT;
	loc->mpriority = 255;
	/* Database RLOCs are ours (L); static entries point elsewhere. */
	loc->flags = m->is_static ? LISP_LOC_F_REACH : LISP_LOC_F_LOCAL | LISP_LOC_F_REACH;
	snprintf(field, sizeof(field), "%s.priority", prefix);
	if ((rc = get_int(e, r, "priority", field, 0, 255, &v)) < 0)
		return rc;
	if (rc)
		loc->priority = (uint8_t)v;
	snprintf(field, sizeof(field), "%s.weight", prefix);
	if ((rc = get_int(e, r, "weight", field, 0, 255, &v)) < 0)
		return rc;
	if (rc)
		loc->weight = (uint8_t)v;
	snprintf(field, sizeof(field), "%s.attributes", prefix);
	a = json_object_get(r, "attributes");
	if (a && !json_is_null(a)) {
		if (!json_is_object(a))
			return lisp_err_at(e, EINVAL, field, "must be a JSON object");
		/* The configuration's canonical text: compact, sorted keys,
		 * 15 significant digits. */
		m->attrs[i] = json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
		if (!m->attrs[i])
			return lisp_err_at(e, EINVAL, field, "cannot be encoded");
		if (strlen(m->attrs[i]) > CP_CONFIG_ATTR_MAX)
			return lisp_err_at(e, EINVAL, field, "%zu bytes as JSON, at most %d", strlen(m->attrs[i]),
				    CP_CONFIG_ATTR_MAX);
		/* RFC 8060 4.10.2: a JSON LCAF carrying the RLOC. */
		loc->addr.afi = LISP_AFI_LCAF;
		loc->addr.lcaf.type = LCAF_TYPE_JSON;
		loc->addr.lcaf.json.text = m->attrs[i];
		loc->addr.lcaf.json.len = (uint16_t)strlen(m->attrs[i]);
		loc->addr.lcaf.json.addr = &m->inners[i];
	} else {
		loc->addr = m->inners[i];
	}
	return 0;
}

static int parse_rlocs(struct lisp_err *e, json_t *root, struct rest_mapping *m)
{
	json_t *a = json_object_get(root, "rlocs");
	size_t n;
	int rc;

	if (!a || json_is_null(a))
		n = 0;
	else if (!json_is_array(a))
		return lisp_err_at(e, EINVAL, "rlocs", "must be an array of RLOC objects");
	else
		n = json_array_size(a);
	if (m->is_static && m->action != LISP_ACT_NO_ACTION) {
		if (n)
			return lisp_err_at(e, EINVAL, "rlocs", "a %s entry takes no rlocs", action_name(m->action));
		return 0;
	}
	if (n == 0)
		return lisp_err_at(e, EINVAL, "rlocs", "at least one RLOC is required");
	if (n > LISP_LOCATORS_MAX)
		return lisp_err_at(e, EINVAL, "rlocs", "at most %d RLOCs", LISP_LOCATORS_MAX);
	m->locs = calloc(n, sizeof(*m->locs));
	m->inners = calloc(n, sizeof(*m->inners));
	m->attrs = calloc(n, sizeof(*m->attrs));
	if (!m->locs || !m->inners || !m->attrs)
		return lisp_err_at(e, EINVAL, "", "out of memory");
	m->rloc_count = n;
	for (size_t i = 0; i < n; i++) {
		rc = parse_rloc(e, json_array_get(a, i), i, m);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int rest_mapping_parse(const char *body, size_t len, struct rest_mapping *m,
		       struct lisp_err *e)
{
	static const char *const known[] = { "eid", "ttl", "rlocs", "static", "action", "replace",
					     NULL };
	struct lisp_err err;
	json_error_t jerr;
	json_int_t ttl = 0;
	json_t *root, *v;
	int rc;

	memset(m, 0, sizeof(*m));
	if (!body || !len)
		return lisp_err_at(e, EINVAL, "", "a JSON body is required");
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return lisp_err_at(e, EINVAL, "", "not valid JSON: %s (line %d, column %d)", jerr.text,
			    jerr.line, jerr.column);
	if (!json_is_object(root)) {
		rc = lisp_err_at(e, EINVAL, "", "the body must be a JSON object");
		goto out;
	}
	if ((rc = json_check_keys(e, root, "", known)) < 0)
		goto out;
	v = json_object_get(root, "eid");
	if (!v) {
		rc = lisp_err_at(e, EINVAL, "eid", "required");
		goto out;
	}
	if (!json_is_string(v) || lisp_prefix_parse(json_string_value(v), &m->eid, &err) < 0) {
		rc = lisp_err_at(e, EINVAL, "eid", "must be an EID-prefix \"[iid]address/length\"%s%s",
			  json_is_string(v) ? ": " : "", json_is_string(v) ? err.msg : "");
		goto out;
	}
	if (m->eid.addr.afi == LISP_AFI_NONE || m->eid.iid > LISP_IID_MAX) {
		rc = lisp_err_at(e, EINVAL, "eid", "needs an address and an instance-id of at most %u",
			  LISP_IID_MAX);
		goto out;
	}
	if ((rc = get_bool(e, root, "static", &m->is_static)) < 0 ||
	    (rc = get_bool(e, root, "replace", &m->replace)) < 0 ||
	    (rc = parse_action(e, root, m)) < 0)
		goto out;
	rc = get_int(e, root, "ttl", "ttl", 1, REST_TTL_MAX_MIN, &ttl);
	if (rc < 0)
		goto out;
	if (rc && m->is_static) {
		rc = lisp_err_at(e, EINVAL, "ttl", "static map-cache entries never expire: leave ttl out");
		goto out;
	}
	m->ttl_min = rc ? (uint32_t)ttl : 0;
	rc = parse_rlocs(e, root, m);
out:
	json_decref(root);
	if (rc < 0)
		rest_mapping_free(m);
	return rc < 0 ? rc : 0;
}

void rest_mapping_free(struct rest_mapping *m)
{
	for (size_t i = 0; m->attrs && i < m->rloc_count; i++)
		free(m->attrs[i]);
	free(m->attrs);
	free(m->inners);
	free(m->locs);
	m->attrs = NULL;
	m->inners = NULL;
	m->locs = NULL;
	m->rloc_count = 0;
}

void rest_mapping_record(struct rest_mapping *m, struct lisp_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->ttl = m->ttl_min;
	rec->mask_len = m->eid.plen;
	rec->action = m->action;
	rec->authoritative = true;
	lisp_waddr_from_prefix(&rec->eid, &m->eid_inner, &m->eid);
	rec->loc_count = (uint8_t)m->rloc_count;
	rec->locs = m->locs;
}
