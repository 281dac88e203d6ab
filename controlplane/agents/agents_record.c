/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One agent (agents.h): copies, its JSON, and the records the ETR registers
 * for it (its host EID and DN, with the reserved "agent" attribute).
 */
#include "agents.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one agent ------------------------------------------------------------------ */

void agent_init(struct agent *a)
{
	memset(a, 0, sizeof(*a));
}

void agent_clear(struct agent *a)
{
	json_decref(a->attrs);
	for (size_t i = 0; i < a->rloc_count; i++)
		json_decref(a->rlocs[i].attrs);
	agent_init(a);
}

int agent_copy(struct agent *dst, const struct agent *src)
{
	*dst = *src;
	dst->attrs = src->attrs ? json_deep_copy(src->attrs) : NULL;
	for (size_t i = 0; i < src->rloc_count; i++)
		dst->rlocs[i].attrs = src->rlocs[i].attrs ? json_deep_copy(src->rlocs[i].attrs)
							  : NULL;
	if (src->attrs && !dst->attrs)
		goto nomem;
	for (size_t i = 0; i < src->rloc_count; i++)
		if (src->rlocs[i].attrs && !dst->rlocs[i].attrs)
			goto nomem;
	return 0;
nomem:
	agent_clear(dst);
	return -ENOMEM;
}

json_t *agent_rloc_attrs(const struct agent *a, size_t i)
{
	json_t *o = a->attrs ? json_deep_copy(a->attrs) : json_object();

	if (!o)
		return NULL;
	if (i < a->rloc_count && a->rlocs[i].attrs)
		json_object_update(o, a->rlocs[i].attrs);
	json_object_set_new(o, AGENT_ATTR_ID, json_string(a->id));
	return o;
}

char *agent_attrs_text(const json_t *o)
{
	/* The configuration's canonical text: compact, sorted, 15 digits. */
	return json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
}

static json_t *prefix_json(const struct lisp_prefix *p)
{
	char s[LISP_ADDR_STR_MAX + 16];

	return json_string(lisp_prefix_format(p, s, sizeof(s)) < 0 ? "?" : s);
}

json_t *agent_json(const struct agent *a)
{
	json_t *rlocs = json_array(), *o;
	char addr[LISP_ADDR_STR_MAX];

	for (size_t i = 0; rlocs && i < a->rloc_count; i++) {
		const struct agent_rloc *r = &a->rlocs[i];
		json_t *ro;

		lisp_addr_format(&r->addr, addr, sizeof(addr));
		ro = json_pack("{s:s, s:i, s:i}", "address", addr, "priority", (int)r->priority,
			       "weight", (int)r->weight);
		if (ro && r->attrs)
			json_object_set(ro, "attributes", r->attrs);
		json_array_append_new(rlocs, ro);
	}
	o = json_pack("{s:s, s:I, s:o, s:b, s:b, s:s, s:o, s:o}",
		      "id", a->id,
		      "iid", (json_int_t)a->eid.iid,
		      "eid", prefix_json(&a->eid),
		      "allocated", a->allocated,
		      "active", a->active,
		      "placement", a->rloc_count ? "co-located" : "site",
		      "attributes", a->attrs ? json_incref(a->attrs) : json_object(),
		      "rlocs", rlocs);
	if (o && a->has_dn) {
		char dn[LISP_DN_MAX + 1];

		snprintf(dn, sizeof(dn), "%.*s", (int)a->dn.addr.dn_len, a->dn.addr.dn);
		json_object_set_new(o, "dn", json_string(dn));
		json_object_set_new(o, "dn_eid", prefix_json(&a->dn));
	}
	if (o && a->ttl_min)
		json_object_set_new(o, "ttl", json_integer(a->ttl_min));
	if (o && a->crypto)
		json_object_set_new(o, "crypto_eid", prefix_json(&a->crypto_prefix));
	return o;
}

/* ---- crypto-EIDs ------------------------------------------------------------------ */

int agent_parse_crypto(struct lisp_err *e, json_t *v, struct agent *a, bool state)
{
	const char *text;
	struct lisp_prefix p, masked;
	struct lisp_err err;

	a->crypto = false;
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (!json_is_string(v) && (!json_is_true(v) || state))
		return lisp_err_at(e, EINVAL, "crypto_eid", "must be true or an IPv6 crypto-EID "
				   "prefix (\"fd00::/8\")");
	if (!state && a->eid.addr.afi != LISP_AFI_NONE)
		return lisp_err_at(e, EINVAL, "eid", "derived from the agent's key with crypto_eid: "
				   "leave it out");
	a->crypto = true;
	memset(&a->crypto_prefix, 0, sizeof(a->crypto_prefix));
	if (!json_is_string(v))
		return 0;	/* the daemon's default for the IID */
	text = json_string_value(v);
	a->crypto = false;
	if (lisp_prefix_parse(text, &p, &err) < 0)
		return lisp_err_at(e, EINVAL, "crypto_eid", "%s", err.msg);
	if (text[0] != '[')
		p.iid = a->eid.iid;
	masked = p;
	lisp_prefix_mask(&masked);
	/* docs/ecdsa.md: whole bytes of prefix, at least 64 bits of hash. */
	if (p.addr.afi != LISP_AFI_IPV6 || p.plen < 8 || p.plen > 64 || p.plen % 8 ||
	    !lisp_prefix_equal(&p, &masked))
		return lisp_err_at(e, EINVAL, "crypto_eid", "must be an IPv6 prefix without host "
				   "bits whose length is a multiple of 8 in 8..64");
	if (p.iid != a->eid.iid)
		return lisp_err_at(e, EINVAL, "crypto_eid", "instance-id %u differs from iid %u",
				   p.iid, a->eid.iid);
	if (state && (a->eid.addr.afi != LISP_AFI_IPV6 || a->eid.plen != 128))
		return lisp_err_at(e, EINVAL, "eid", "a crypto-EID is one IPv6 address");
	a->crypto = true;
	a->crypto_prefix = p;
	return 0;
}

int agent_key_path(const char *state_file, const char *id, char *buf, size_t len)
{
	const char *slash;
	int dir, n;

	if (!state_file)
		return -ENOENT;
	slash = strrchr(state_file, '/');
	dir = slash ? (int)(slash - state_file) : 1;
	/* The id is [A-Za-z0-9._-] and never starts with '.': one file name. */
	n = snprintf(buf, len, "%.*s/agent-%s.key", dir, slash ? state_file : ".", id);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* ---- records ------------------------------------------------------------------------ */

void agent_records_free(struct agent_records *r)
{
	for (size_t i = 0; i < LISP_LOCATORS_MAX; i++)
		free(r->texts[i]);
	memset(r, 0, sizeof(*r));
}

int agent_records_build(const struct agent *a, const struct lisp_locator *site, size_t site_n,
			uint32_t ttl_min, struct agent_records *r, struct lisp_err *err)
{
	size_t n = a->rloc_count ? a->rloc_count : site_n;

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return lisp_err_set(err, EINVAL, "rlocs: the agent has none and no site prefix "
				    "of the ETR database covers %s", a->id);
	if (n > LISP_LOCATORS_MAX)
		n = LISP_LOCATORS_MAX;
	for (size_t i = 0; i < n; i++) {
		struct lisp_locator *loc = &r->locs[i];
		json_t *o = agent_rloc_attrs(a, a->rloc_count ? i : 0);
		const struct lisp_addr *addr;
		struct lisp_addr tmp;

		r->texts[i] = o ? agent_attrs_text(o) : NULL;
		json_decref(o);
		if (!r->texts[i]) {
			agent_records_free(r);
			return lisp_err_set(err, ENOMEM, "out of memory");
		}
		if (a->rloc_count) {
			memset(loc, 0, sizeof(*loc));
			loc->priority = a->rlocs[i].priority;
			loc->weight = a->rlocs[i].weight;
			loc->mpriority = 255;
			loc->flags = LISP_LOC_F_LOCAL | LISP_LOC_F_REACH;
			addr = &a->rlocs[i].addr;
		} else {
			/* The site's xTRs, as the covering prefix registers them. */
			*loc = site[i];
			addr = lisp_waddr_rloc(&site[i].addr);
			if (!addr) {
				memset(&tmp, 0, sizeof(tmp));
				addr = &tmp;
			}
		}
		lisp_waddr_from_addr(&r->inners[i], addr);
		/* RFC 8060 4.10.2: a JSON LCAF carrying the RLOC. */
		loc->addr.afi = LISP_AFI_LCAF;
		loc->addr.lcaf.type = LCAF_TYPE_JSON;
		loc->addr.lcaf.json.text = r->texts[i];
		loc->addr.lcaf.json.len = (uint16_t)strlen(r->texts[i]);
		loc->addr.lcaf.json.addr = &r->inners[i];
	}
	for (size_t k = 0; k < (a->has_dn ? 2u : 1u); k++) {
		struct lisp_record *rec = &r->rec[k];
		const struct lisp_prefix *eid = k ? &a->dn : &a->eid;

		rec->ttl = a->ttl_min ? a->ttl_min : ttl_min;
		rec->mask_len = eid->plen;
		rec->authoritative = true;
		lisp_waddr_from_prefix(&rec->eid, &r->eid_inner[k], eid);
		rec->loc_count = (uint8_t)n;
		rec->locs = r->locs;
		r->count++;
	}
	return 0;
}
