/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agents (agents.h): request bodies (POST, PATCH, the state file's
 * entries) and the store (ids, EID pools, persistence).  One agent's JSON
 * and its records are in agents_record.c.
 */
#include "agents.h"
#include "json_keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mapdb.h"

#define AGENT_TTL_MAX_MIN	(30u * 24 * 60)	/* as etr.record-ttl */
#define STATE_VERSION		1

/* ---- bodies ---------------------------------------------------------------------- */

static bool id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > AGENT_ID_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static int parse_attrs(struct lisp_err *e, json_t *v, const char *field, json_t **out)
{
	if (!json_is_object(v))
		return lisp_err_at(e, EINVAL, field, "must be a JSON object");
	if (json_object_get(v, AGENT_ATTR_ID))
		return lisp_err_at(e, EINVAL, field, "\"%s\" is reserved: the agent's id is added to every "
				      "RLOC's attributes", AGENT_ATTR_ID);
	*out = json_deep_copy(v);
	return *out ? 0 : lisp_err_at(e, EINVAL, field, "out of memory");
}

static int parse_int(struct lisp_err *e, json_t *v, const char *field, json_int_t lo,
		     json_int_t hi, json_int_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return lisp_err_at(e, EINVAL, field, "must be an integer %lld..%lld", (long long)lo,
			    (long long)hi);
	*out = json_integer_value(v);
	return 0;
}

static int parse_rloc(struct lisp_err *e, json_t *r, size_t i, struct agent *a)
{
	static const char *const known[] = { "address", "priority", "weight", "attributes", NULL };
	struct agent_rloc *rl = &a->rlocs[i];
	char prefix[32], field[64];
	struct lisp_err err;
	json_int_t v = 0;	/* set on success; -O3 cannot see it */
	json_t *m;
	int rc;

	snprintf(prefix, sizeof(prefix), "rlocs[%zu]", i);
	if (!json_is_object(r))
		return lisp_err_at(e, EINVAL, prefix, "must be an object {\"address\": ...}");
	if ((rc = json_check_keys(e, r, prefix, known)) < 0)
		return rc;
	snprintf(field, sizeof(field), "%s.address", prefix);
	m = json_object_get(r, "address");
	if (!m)
		return lisp_err_at(e, EINVAL, field, "required");
	if (!json_is_string(m) || lisp_addr_parse(json_string_value(m), &rl->addr, &err) < 0 ||
	    (rl->addr.afi != LISP_AFI_IPV4 && rl->addr.afi != LISP_AFI_IPV6))
		return lisp_err_at(e, EINVAL, field, "must be an IPv4 or IPv6 address");
	for (size_t j = 0; j < i; j++)
		if (lisp_addr_equal(&rl->addr, &a->rlocs[j].addr))
			return lisp_err_at(e, EINVAL, field, "'%s' is listed twice (also rlocs[%zu])",
				    json_string_value(m), j);
	rl->priority = 1;
	rl->weight = 100;
	snprintf(field, sizeof(field), "%s.priority", prefix);
	if ((m = json_object_get(r, "priority"))) {
		if ((rc = parse_int(e, m, field, 0, 255, &v)) < 0)
			return rc;
		rl->priority = (uint8_t)v;
	}
	snprintf(field, sizeof(field), "%s.weight", prefix);
	if ((m = json_object_get(r, "weight"))) {
		if ((rc = parse_int(e, m, field, 0, 255, &v)) < 0)
			return rc;
		rl->weight = (uint8_t)v;
	}
	snprintf(field, sizeof(field), "%s.attributes", prefix);
	m = json_object_get(r, "attributes");
	if (m && !json_is_null(m))
		return parse_attrs(e, m, field, &rl->attrs);
	return 0;
}

static int parse_rlocs(struct lisp_err *e, json_t *v, struct agent *a)
{
	size_t n;
	int rc;

	for (size_t i = 0; i < a->rloc_count; i++)
		json_decref(a->rlocs[i].attrs);
	memset(a->rlocs, 0, sizeof(a->rlocs));
	a->rloc_count = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return lisp_err_at(e, EINVAL, "rlocs", "must be an array of RLOC objects (or null: behind "
					"the site's xTRs)");
	n = json_array_size(v);
	if (n > AGENT_RLOCS_MAX)
		return lisp_err_at(e, EINVAL, "rlocs", "at most %d RLOCs", AGENT_RLOCS_MAX);
	for (size_t i = 0; i < n; i++) {
		a->rloc_count = i + 1;
		if ((rc = parse_rloc(e, json_array_get(v, i), i, a)) < 0)
			return rc;
	}
	return 0;
}

static int parse_dn(struct lisp_err *e, json_t *v, struct agent *a)
{
	struct lisp_err err;
	const char *s;

	a->has_dn = false;
	memset(&a->dn, 0, sizeof(a->dn));
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return lisp_err_at(e, EINVAL, "dn", "must be a Distinguished Name (\"planner-7\")");
	s = json_string_value(v);
	if (strncmp(s, "dn:", 3) == 0)
		s += 3;
	if (!*s || strlen(s) != json_string_length(v) - (size_t)(s - json_string_value(v)))
		return lisp_err_at(e, EINVAL, "dn", "must be a non-empty name without NUL bytes");
	if (lisp_addr_set_dn(&a->dn.addr, s, &err) < 0)
		return lisp_err_at(e, EINVAL, "dn", "%s", err.msg);
	a->dn.iid = a->eid.iid;
	a->dn.plen = 0;
	a->has_dn = true;
	return 0;
}

static int parse_ttl(struct lisp_err *e, json_t *v, struct agent *a)
{
	json_int_t t = 0;
	int rc;

	if (!v)
		return 0;
	if ((rc = parse_int(e, v, "ttl", 1, AGENT_TTL_MAX_MIN, &t)) < 0)
		return rc;
	a->ttl_min = (uint32_t)t;
	return 0;
}

/* Every RLOC's attributes, as registered, fit a JSON LCAF. */
static int check_sizes(struct lisp_err *e, const struct agent *a)
{
	size_t n = a->rloc_count ? a->rloc_count : 1;

	for (size_t i = 0; i < n; i++) {
		json_t *o = agent_rloc_attrs(a, i);
		char *t = o ? agent_attrs_text(o) : NULL;
		size_t len = t ? strlen(t) : 0;

		json_decref(o);
		free(t);
		if (!len)
			return lisp_err_at(e, EINVAL, "attributes", "cannot be encoded");
		if (len > AGENT_ATTR_MAX)
			return lisp_err_at(e, EINVAL, a->rloc_count ? "rlocs" : "attributes",
				    "the attributes of an RLOC take %zu bytes as JSON, at most %d",
				    len, AGENT_ATTR_MAX);
	}
	return 0;
}

static int parse_eid(struct lisp_err *e, json_t *root, struct agent *a)
{
	json_t *iidv = json_object_get(root, "iid"), *eidv = json_object_get(root, "eid");
	struct lisp_err err;
	bool has_iid = false;
	json_int_t iid = 0;
	const char *s;
	int rc;

	if (iidv) {
		if ((rc = parse_int(e, iidv, "iid", 0, LISP_IID_MAX, &iid)) < 0)
			return rc;
		has_iid = true;
	}
	a->eid.addr.afi = LISP_AFI_NONE;
	if (eidv && !json_is_null(eidv)) {
		if (!json_is_string(eidv))
			return lisp_err_at(e, EINVAL, "eid", "must be a host address (\"10.7.0.5\" or "
					      "\"[7]10.7.0.5/32\")");
		s = json_string_value(eidv);
		if (lisp_prefix_parse(s, &a->eid, &err) < 0)
			return lisp_err_at(e, EINVAL, "eid", "%s", err.msg);
		if (a->eid.addr.afi != LISP_AFI_IPV4 && a->eid.addr.afi != LISP_AFI_IPV6)
			return lisp_err_at(e, EINVAL, "eid", "must be an IPv4 or IPv6 address (a DN goes in \"dn\")");
		if (a->eid.plen != lisp_addr_max_plen(a->eid.addr.afi))
			return lisp_err_at(e, EINVAL, "eid", "must be a host EID (/32 or /128): an agent's EID is "
					      "its own");
		if (s[0] == '[') {
			if (has_iid && a->eid.iid != (uint32_t)iid)
				return lisp_err_at(e, EINVAL, "eid", "instance-id %u differs from iid %lld",
					    a->eid.iid, (long long)iid);
			if (a->eid.iid > LISP_IID_MAX)
				return lisp_err_at(e, EINVAL, "eid", "instance-id must be at most %u", LISP_IID_MAX);
			has_iid = true;
			iid = a->eid.iid;
		}
	}
	if (!has_iid)
		return lisp_err_at(e, EINVAL, "iid", "required (the agent's Instance-ID, its VPN group)");
	a->eid.iid = (uint32_t)iid;
	return 0;
}

static int parse_obj(json_t *root, struct agent *a, struct lisp_err *e, bool state)
{
	static const char *const known[] = { "id", "iid", "eid", "dn", "ttl", "attributes",
					     "rlocs", "crypto_eid", NULL };
	static const char *const known_state[] = { "id", "iid", "eid", "dn", "ttl", "attributes",
						   "rlocs", "allocated", "active", "placement",
						   "dn_eid", "crypto_eid", NULL };
	json_t *v;
	int rc;

	if (!json_is_object(root))
		return lisp_err_at(e, EINVAL, "", "the body must be a JSON object");
	if ((rc = json_check_keys(e, root, "", state ? known_state : known)) < 0)
		return rc;
	v = json_object_get(root, "id");
	if (!v)
		return lisp_err_at(e, EINVAL, "id", "required");
	if (!json_is_string(v) || !id_valid(json_string_value(v)))
		return lisp_err_at(e, EINVAL, "id", "must be 1..%d characters of letters, digits, '.', '_' "
				     "and '-', not starting with '.'", AGENT_ID_MAX);
	snprintf(a->id, sizeof(a->id), "%s", json_string_value(v));
	if ((rc = parse_eid(e, root, a)) < 0 ||
	    (rc = parse_dn(e, json_object_get(root, "dn"), a)) < 0 ||
	    (rc = parse_ttl(e, json_object_get(root, "ttl"), a)) < 0 ||
	    (rc = agent_parse_crypto(e, json_object_get(root, "crypto_eid"), a, state)) < 0)
		return rc;
	v = json_object_get(root, "attributes");
	if (v && !json_is_null(v)) {
		if ((rc = parse_attrs(e, v, "attributes", &a->attrs)) < 0)
			return rc;
	} else if (!(a->attrs = json_object())) {
		return lisp_err_at(e, EINVAL, "", "out of memory");
	}
	if ((rc = parse_rlocs(e, json_object_get(root, "rlocs"), a)) < 0)
		return rc;
	if (state) {
		a->allocated = json_is_true(json_object_get(root, "allocated"));
		a->active = json_is_true(json_object_get(root, "active"));
		if (a->eid.addr.afi == LISP_AFI_NONE)
			return lisp_err_at(e, EINVAL, "eid", "required in the state file");
	}
	return check_sizes(e, a);
}

static json_t *load_body(const char *body, size_t len, struct lisp_err *e)
{
	json_error_t jerr;
	json_t *root;

	if (!body || !len) {
		lisp_err_at(e, EINVAL, "", "a JSON body is required");
		return NULL;
	}
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		lisp_err_at(e, EINVAL, "", "not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
		     jerr.column);
	return root;
}

int agent_parse_new(const char *body, size_t len, struct agent *a, struct lisp_err *e)
{
	json_t *root = load_body(body, len, e);
	int rc;

	agent_init(a);
	if (!root)
		return -EINVAL;
	rc = parse_obj(root, a, e, false);
	json_decref(root);
	if (rc < 0)
		agent_clear(a);
	return rc;
}

/* RFC 7396: members of patch replace target's, null ones remove them,
 * objects merge recursively. */
static int merge_patch(json_t *target, json_t *patch)
{
	const char *key;
	json_t *v;

	json_object_foreach(patch, key, v) {
		json_t *t = json_object_get(target, key);

		if (json_is_null(v)) {
			json_object_del(target, key);
		} else if (json_is_object(v) && json_is_object(t)) {
			if (merge_patch(t, v) < 0)
				return -ENOMEM;
		} else if (json_object_set(target, key, v) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

int agent_parse_patch(const char *body, size_t len, const struct agent *cur, struct agent *a,
		      struct lisp_err *e)
{
	static const char *const known[] = { "attributes", "rlocs", "dn", "ttl", NULL };
	static const char *const fixed[] = { "id", "iid", "eid", "crypto_eid" };
	json_t *root = load_body(body, len, e), *v;
	int rc;

	agent_init(a);
	if (!root)
		return -EINVAL;
	if (!json_is_object(root)) {
		rc = lisp_err_at(e, EINVAL, "", "the body must be a JSON object");
		goto out;
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (json_object_get(root, fixed[i])) {
			rc = lisp_err_at(e, EINVAL, fixed[i], "cannot change: an agent's id and EID are stable "
					       "(remove it and register it again)");
			goto out;
		}
	if ((rc = json_check_keys(e, root, "", known)) < 0)
		goto out;
	if (json_object_size(root) == 0) {
		rc = lisp_err_at(e, EINVAL, "", "nothing to change (attributes, rlocs, dn or ttl)");
		goto out;
	}
	if ((rc = agent_copy(a, cur)) < 0) {
		rc = lisp_err_at(e, EINVAL, "", "out of memory");
		goto out;
	}
	v = json_object_get(root, "attributes");
	if (v) {
		json_t *p = NULL;

		if ((rc = parse_attrs(e, v, "attributes", &p)) < 0)
			goto out;
		rc = merge_patch(a->attrs, p);
		json_decref(p);
		if (rc < 0) {
			rc = lisp_err_at(e, EINVAL, "", "out of memory");
			goto out;
		}
	}
	if (json_object_get(root, "rlocs") &&
	    (rc = parse_rlocs(e, json_object_get(root, "rlocs"), a)) < 0)
		goto out;
	if (json_object_get(root, "dn") && (rc = parse_dn(e, json_object_get(root, "dn"), a)) < 0)
		goto out;
	if ((rc = parse_ttl(e, json_object_get(root, "ttl"), a)) < 0)
		goto out;
	rc = check_sizes(e, a);
out:
	json_decref(root);
	if (rc < 0)
		agent_clear(a);
	return rc;
}

/* ---- the store ------------------------------------------------------------------- */

struct agent_store {
	struct agent *v;		/* dense; order of arrival */
	size_t count;
	size_t max;
	struct lisp_prefix *pools;
	size_t pool_count;
	struct lisp_prefix *spaces;
	size_t space_count;
	char *state_file;
	struct mapdb *by_eid;		/* EID -> index + 1 (as a pointer) */
};

static void index_rebuild(struct agent_store *s)
{
	mapdb_free(s->by_eid);
	s->by_eid = mapdb_new();
	for (size_t i = 0; s->by_eid && i < s->count; i++)
		mapdb_insert(s->by_eid, &s->v[i].eid, (void *)(uintptr_t)(i + 1), NULL);
}

struct agent *agent_store_find(struct agent_store *s, const char *id)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

size_t agent_store_count(const struct agent_store *s)
{
	return s->count;
}

struct agent *agent_store_at(struct agent_store *s, size_t i)
{
	return i < s->count ? &s->v[i] : NULL;
}

struct agent *agent_store_by_eid(struct agent_store *s, const struct lisp_prefix *eid)
{
	uintptr_t i = s->by_eid ? (uintptr_t)mapdb_exact(s->by_eid, eid) : 0;

	return i ? &s->v[i - 1] : NULL;
}

static struct agent *by_dn(struct agent_store *s, const struct lisp_prefix *dn)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->v[i].active && s->v[i].has_dn && lisp_prefix_equal(&s->v[i].dn, dn))
			return &s->v[i];
	return NULL;
}

static bool in_list(const struct lisp_prefix *l, size_t n, const struct lisp_prefix *eid)
{
	for (size_t i = 0; i < n; i++)
		if (lisp_prefix_covers(&l[i], eid))
			return true;
	return false;
}

static bool iid_listed(const struct lisp_prefix *l, size_t n, uint32_t iid)
{
	for (size_t i = 0; i < n; i++)
		if (l[i].iid == iid)
			return true;
	return false;
}

/* base + off in the host bits (big-endian add, carry across bytes). */
static void addr_add(struct lisp_addr *a, uint64_t off)
{
	unsigned int n = (unsigned int)lisp_addr_wire_len(a);

	for (unsigned int i = n; i-- > 0 && off;) {
		uint64_t sum = a->v6[i] + (off & 0xff);

		a->v6[i] = (uint8_t)sum;
		off = (off >> 8) + (sum >> 8);
	}
}

/* The lowest free host of a pool: bounded by the store's size, as at most
 * max of its addresses can be taken. */
static int pool_alloc(struct agent_store *s, const struct lisp_prefix *pool,
		      struct lisp_prefix *out)
{
	unsigned int max_plen = lisp_addr_max_plen(pool->addr.afi);
	unsigned int host_bits = max_plen - pool->plen;
	uint64_t size = host_bits >= 63 ? UINT64_MAX : 1ull << host_bits;
	/* IPv4 pools of /30 and wider leave out the all-zeros and all-ones
	 * addresses, IPv6 ones the all-zeros (subnet-router anycast). */
	uint64_t first = host_bits >= 2 ? 1 : 0;
	uint64_t last = pool->addr.afi == LISP_AFI_IPV4 && host_bits >= 2 ? size - 2 : size - 1;

	for (uint64_t off = first, tries = 0; off <= last && tries <= s->max; off++, tries++) {
		*out = *pool;
		out->plen = (uint8_t)max_plen;
		addr_add(&out->addr, off);
		if (!agent_store_by_eid(s, out))
			return 0;
	}
	return -ENOSPC;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

const char *agent_store_state_file(const struct agent_store *s)
{
	return s->state_file;
}

int agent_store_save(struct agent_store *s, struct lisp_err *err)
{
	json_t *root, *list = json_array();
	char tmp[4096];
	char *text;
	int fd, rc;

	if (!s->state_file) {
		json_decref(list);
		return 0;
	}
	for (size_t i = 0; list && i < s->count; i++)
		json_array_append_new(list, agent_json(&s->v[i]));
	root = json_pack("{s:i, s:o}", "version", STATE_VERSION, "agents", list);
	text = root ? json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(15)) : NULL;
	json_decref(root);
	if (!text)
		return lisp_err_set(err, ENOMEM, "out of memory");
	/* Written aside, synced, then renamed over the old one: a crash
	 * leaves either the old state or the new, never half of one. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->state_file);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		free(text);
		return lisp_err_set(err, -rc, "cannot write %s: %s", tmp, strerror(-rc));
	}
	rc = write_all(fd, text, strlen(text));
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	free(text);
	if (rc == 0 && rename(tmp, s->state_file) < 0)
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return lisp_err_set(err, -rc, "cannot write %s: %s", s->state_file,
				    strerror(-rc));
	}
	return 0;
}

static int state_load(struct agent_store *s, struct lisp_err *err)
{
	json_error_t jerr;
	json_t *root, *list, *v;
	struct stat st;
	size_t i;
	int rc = 0;

	if (stat(s->state_file, &st) < 0) {
		if (errno == ENOENT)
			return 0;	/* first start */
		return lisp_err_set(err, errno, "%s: %s", s->state_file, strerror(errno));
	}
	if ((size_t)st.st_size > AGENT_STATE_MAX)
		return lisp_err_set(err, EFBIG, "%s: over %u bytes", s->state_file,
				    AGENT_STATE_MAX);
	root = json_load_file(s->state_file, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return lisp_err_set(err, EINVAL, "%s: line %d: %s", s->state_file, jerr.line,
				    jerr.text);
	list = json_object_get(root, "agents");
	if (!json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != STATE_VERSION ||
	    !json_is_array(list)) {
		json_decref(root);
		return lisp_err_set(err, EINVAL, "%s: not a version %d agents state file",
				    s->state_file, STATE_VERSION);
	}
	json_array_foreach(list, i, v) {
		struct lisp_err e;
		struct agent a;

		agent_init(&a);
		if (s->count == s->max) {
			rc = lisp_err_set(err, ENOSPC, "%s: more than agents.max-agents (%zu)",
					  s->state_file, s->max);
			break;
		}
		if (parse_obj(v, &a, &e, true) < 0) {
			rc = lisp_err_set(err, EINVAL, "%s: agents[%zu]: %s", s->state_file, i,
					  e.msg);
			agent_clear(&a);
			break;
		}
		if (agent_store_find(s, a.id) || agent_store_by_eid(s, &a.eid)) {
			rc = lisp_err_set(err, EINVAL, "%s: agents[%zu]: id or EID twice",
					  s->state_file, i);
			agent_clear(&a);
			break;
		}
		s->v[s->count++] = a;
		mapdb_insert(s->by_eid, &a.eid, (void *)(uintptr_t)s->count, NULL);
	}
	json_decref(root);
	return rc < 0 ? rc : 0;
}

static struct lisp_prefix *prefixes_dup(const struct lisp_prefix *p, size_t n)
{
	struct lisp_prefix *d = calloc(n ? n : 1, sizeof(*d));

	if (d && n)
		memcpy(d, p, n * sizeof(*d));
	return d;
}

struct agent_store *agent_store_new(const struct agent_store_params *p, struct lisp_err *err)
{
	struct agent_store *s = calloc(1, sizeof(*s));

	if (!s)
		goto nomem;
	s->max = p->max ? p->max : AGENTS_DEF_MAX;
	if (s->max > AGENTS_MAX)
		s->max = AGENTS_MAX;
	s->v = calloc(s->max, sizeof(*s->v));
	s->pools = prefixes_dup(p->pools, p->pool_count);
	s->spaces = prefixes_dup(p->spaces, p->space_count);
	s->by_eid = mapdb_new();
	s->state_file = p->state_file ? strdup(p->state_file) : NULL;
	if (!s->v || !s->pools || !s->spaces || !s->by_eid || (p->state_file && !s->state_file))
		goto nomem;
	s->pool_count = p->pool_count;
	s->space_count = p->space_count;
	if (s->state_file && state_load(s, err) < 0) {
		agent_store_free(s);
		return NULL;
	}
	return s;
nomem:
	agent_store_free(s);
	lisp_err_set(err, ENOMEM, "out of memory");
	return NULL;
}

void agent_store_free(struct agent_store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		agent_clear(&s->v[i]);
	free(s->v);
	free(s->pools);
	free(s->spaces);
	free(s->state_file);
	mapdb_free(s->by_eid);
	free(s);
}

static int dn_check(struct agent_store *s, const struct agent *a, struct lisp_err *err)
{
	const struct agent *o = a->has_dn ? by_dn(s, &a->dn) : NULL;
	char t[LISP_ADDR_STR_MAX + 16];

	if (o && strcmp(o->id, a->id) != 0) {
		lisp_prefix_format(&a->dn, t, sizeof(t));
		return lisp_err_set(err, EADDRINUSE, "dn: %s is agent %s's", t, o->id);
	}
	return 0;
}

/* Where the agent's EID comes from: kept for its id, brought, or a pool. */
static int eid_choose(struct agent_store *s, struct agent *a, const struct agent *kept,
		      agent_covered_fn covered, void *arg, struct lisp_err *err)
{
	const struct agent *holder;
	char t[LISP_ADDR_STR_MAX + 16];
	int rc = -ENOENT;

	if (a->eid.addr.afi == LISP_AFI_NONE) {
		if (kept && kept->eid.iid == a->eid.iid) {
			a->eid = kept->eid;
			a->allocated = kept->allocated;
			return 0;
		}
		for (size_t i = 0; i < s->pool_count; i++) {
			if (s->pools[i].iid != a->eid.iid)
				continue;
			rc = pool_alloc(s, &s->pools[i], &a->eid);
			if (rc == 0) {
				a->allocated = true;
				return 0;
			}
		}
		if (rc == -ENOSPC)
			return lisp_err_set(err, ENOSPC, "eid: every pool of instance-id %u is "
					    "full", a->eid.iid);
		return lisp_err_set(err, ENOENT, "eid: no EID pool for instance-id %u: give "
				    "the agent's eid", a->eid.iid);
	}
	lisp_prefix_format(&a->eid, t, sizeof(t));
	holder = agent_store_by_eid(s, &a->eid);
	if (holder && holder != kept)
		return lisp_err_set(err, EADDRINUSE, "eid: %s is held by agent %s%s", t,
				    holder->id, holder->active ? "" : " (kept for it)");
	if (kept && !lisp_prefix_equal(&kept->eid, &a->eid)) {
		lisp_prefix_format(&kept->eid, t, sizeof(t));
		return lisp_err_set(err, EADDRINUSE, "eid: agent %s keeps %s: leave eid out, "
				    "or release it first (DELETE ...?release=true)", a->id, t);
	}
	if (holder) {
		a->allocated = holder->allocated;
		return 0;
	}
	a->allocated = false;
	if ((iid_listed(s->pools, s->pool_count, a->eid.iid) ||
	     iid_listed(s->spaces, s->space_count, a->eid.iid)) &&
	    !in_list(s->pools, s->pool_count, &a->eid) &&
	    !in_list(s->spaces, s->space_count, &a->eid) && !(covered && covered(arg, &a->eid)))
		return lisp_err_set(err, ERANGE, "eid: %s is outside the pools and eid-prefixes "
				    "of instance-id %u and every site prefix", t, a->eid.iid);
	return 0;
}

int agent_store_add(struct agent_store *s, struct agent *a, agent_covered_fn covered,
		    void *arg, struct lisp_err *err)
{
	struct agent *kept = agent_store_find(s, a->id), saved;
	int rc;

	if (kept && kept->active)
		return lisp_err_set(err, EEXIST, "id: agent %s is registered: PATCH it, or "
				    "DELETE it first", a->id);
	if (kept && kept->eid.iid != a->eid.iid)
		return lisp_err_set(err, EADDRINUSE, "iid: agent %s keeps an EID in "
				    "instance-id %u: release it first", a->id, kept->eid.iid);
	if ((rc = eid_choose(s, a, kept, covered, arg, err)) < 0)
		return rc;
	if (a->has_dn)
		a->dn.iid = a->eid.iid;
	if ((rc = dn_check(s, a, err)) < 0)
		return rc;
	if (!kept && s->count == s->max)
		return lisp_err_set(err, ENOSPC, "the store is full (agents.max-agents: %zu)",
				    s->max);
	a->active = true;
	if (kept) {
		saved = *kept;
		*kept = *a;
	} else {
		s->v[s->count++] = *a;
		if (mapdb_insert(s->by_eid, &a->eid, (void *)(uintptr_t)s->count, NULL) < 0) {
			s->count--;
			return lisp_err_set(err, ENOMEM, "out of memory");
		}
	}
	if ((rc = agent_store_save(s, err)) < 0) {
		/* Nothing changes when it cannot be kept. */
		if (kept) {
			*kept = saved;
		} else {
			mapdb_remove(s->by_eid, &a->eid);
			s->count--;
		}
		return rc;
	}
	if (kept)
		agent_clear(&saved);
	agent_init(a);
	return 0;
}

int agent_store_replace(struct agent_store *s, struct agent *a, struct lisp_err *err)
{
	struct agent *cur = agent_store_find(s, a->id), saved;
	int rc;

	if (!cur || !cur->active)
		return lisp_err_set(err, ENOENT, "no agent %s", a->id);
	a->eid = cur->eid;
	a->allocated = cur->allocated;
	a->active = true;
	if (a->has_dn)
		a->dn.iid = a->eid.iid;
	if ((rc = dn_check(s, a, err)) < 0)
		return rc;
	saved = *cur;
	*cur = *a;
	if ((rc = agent_store_save(s, err)) < 0) {
		*cur = saved;
		return rc;
	}
	agent_clear(&saved);
	agent_init(a);
	return 0;
}

int agent_store_remove(struct agent_store *s, const char *id, bool release,
		       struct lisp_err *err)
{
	struct agent *a = agent_store_find(s, id), saved;
	size_t i;
	int rc;

	if (!a || (!a->active && !release))
		return lisp_err_set(err, ENOENT, "no agent %s", id);
	saved = *a;
	i = (size_t)(a - s->v);
	if (release || !a->allocated) {
		/* Brought EIDs are not kept: they were never ours to keep. */
		memmove(&s->v[i], &s->v[i + 1], (s->count - i - 1) * sizeof(*s->v));
		s->count--;
	} else {
		a->active = false;
	}
	rc = agent_store_save(s, err);
	if (rc < 0) {
		if (release || !saved.allocated) {
			memmove(&s->v[i + 1], &s->v[i], (s->count - i) * sizeof(*s->v));
			s->count++;
		}
		s->v[i] = saved;
		return rc;
	}
	if (release || !saved.allocated) {
		agent_clear(&saved);
		index_rebuild(s);
	}
	return 0;
}

