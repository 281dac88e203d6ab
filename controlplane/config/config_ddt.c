/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "ddt-node" section (LISP-DDT node, RFC 8111; docs/ddt.md): the
 * XEID-prefixes this node is authoritative for and the more-specific ones
 * it delegates, each to child DDT nodes or to Map-Servers with a referral
 * set.  Kept apart from the other sections: its schema, check, print,
 * equality and free live here.
 *
 *   ddt-node:
 *     authoritative-prefixes: ["[0]10.0.0.0/8"]
 *     referral-ttl: 1d                 # RFC 8111: 1440 minutes
 *     delegation-hole-ttl: 15m         # RFC 8111: 15 minutes
 *     rate-limit: {requests-per-second: 100, burst: 200, sources: 65536}
 *     global-rate-limit: {per-second: 10000, burst: 20000}
 *     delegations:
 *       - eid-prefix: "[0]10.1.0.0/16"
 *         type: ddt-node               # or map-server
 *         referrals:
 *           - {address: 192.0.2.1, priority: 1, weight: 50}
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"
#include "lisp_msg.h"

#define DDT_DEF_RATE		100	/* DDT requests/s per source */
#define DDT_DEF_SOURCES		65536
#define DDT_DEF_GLOBAL_RATE	10000	/* Map-Referrals/s, all sources */

static const cyaml_strval_t ddt_type_names[] = {
	{ "ddt-node", CP_DDT_TO_NODE },
	{ "map-server", CP_DDT_TO_MAP_SERVER },
};

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t referral_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct cfg_raw_ddt_referral,
			       address, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("priority", CYAML_FLAG_OPTIONAL, struct cfg_raw_ddt_referral,
			     priority),
	CYAML_FIELD_UINT_PTR("weight", CYAML_FLAG_OPTIONAL, struct cfg_raw_ddt_referral, weight),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t referral_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_ddt_referral, referral_fields),
};

static const cyaml_schema_field_t delegation_fields[] = {
	CYAML_FIELD_STRING_PTR("eid-prefix", CYAML_FLAG_POINTER, struct cfg_raw_ddt_delegation,
			       eid_prefix, 0, CYAML_UNLIMITED),
	CYAML_FIELD_ENUM("type", CYAML_FLAG_STRICT, struct cfg_raw_ddt_delegation, type,
			 ddt_type_names, CYAML_ARRAY_LEN(ddt_type_names)),
	CYAML_FIELD_SEQUENCE("referrals", CYAML_FLAG_POINTER, struct cfg_raw_ddt_delegation,
			     referrals, &referral_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t delegation_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_ddt_delegation, delegation_fields),
};

static const cyaml_schema_field_t rate_fields[] = {
	CYAML_FIELD_UINT_PTR("requests-per-second", CYAML_FLAG_OPTIONAL, struct cfg_raw_rate,
			     requests_per_second),
	CYAML_FIELD_UINT_PTR("burst", CYAML_FLAG_OPTIONAL, struct cfg_raw_rate, burst),
	CYAML_FIELD_UINT_PTR("sources", CYAML_FLAG_OPTIONAL, struct cfg_raw_rate, sources),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t bucket_fields[] = {
	CYAML_FIELD_UINT_PTR("per-second", CYAML_FLAG_OPTIONAL, struct cfg_raw_bucket, per_second),
	CYAML_FIELD_UINT_PTR("burst", CYAML_FLAG_OPTIONAL, struct cfg_raw_bucket, burst),
	CYAML_FIELD_END
};

const cyaml_schema_field_t cfg_ddt_fields[] = {
	CYAML_FIELD_SEQUENCE("authoritative-prefixes", CYAML_FLAG_POINTER,
			     struct cfg_raw_ddt_node, auth_prefixes, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("referral-ttl", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct cfg_raw_ddt_node, referral_ttl, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("delegation-hole-ttl", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct cfg_raw_ddt_node, hole_ttl, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("rate-limit", CYAML_FLAG_OPTIONAL, struct cfg_raw_ddt_node,
				rate_limit, rate_fields),
	CYAML_FIELD_MAPPING_PTR("global-rate-limit", CYAML_FLAG_OPTIONAL, struct cfg_raw_ddt_node,
				global_rate_limit, bucket_fields),
	CYAML_FIELD_SEQUENCE("delegations", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct cfg_raw_ddt_node, delegations, &delegation_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static bool ip_prefix(const struct lisp_prefix *p)
{
	return p->addr.afi == LISP_AFI_IPV4 || p->addr.afi == LISP_AFI_IPV6;
}

static void chk_auths(struct cfg_chk *c, const struct cfg_raw_ddt_node *r,
		      struct cp_config_ddt_node *ddt)
{
	size_t m = cfg_path_key(&c->path, "authoritative-prefixes");

	if (r->auth_prefixes_count > CP_CONFIG_DDT_AUTH_MAX) {
		cfg_chk_err(c, NULL, "%u prefixes, at most %u", r->auth_prefixes_count,
			    CP_CONFIG_DDT_AUTH_MAX);
		cfg_path_pop(&c->path, m);
		return;
	}
	cfg_path_pop(&c->path, m);
	cfg_chk_prefixes(c, "authoritative-prefixes", r->auth_prefixes, r->auth_prefixes_count,
			 &ddt->auths, &ddt->auth_count);
	m = cfg_path_key(&c->path, "authoritative-prefixes");
	for (size_t i = 0; i < ddt->auth_count; i++) {
		size_t mi = cfg_path_idx(&c->path, i);

		if (!ip_prefix(&ddt->auths[i]))
			cfg_chk_err(c, NULL, "'%s': a DDT node's XEID-prefixes are IPv4 or IPv6",
				    r->auth_prefixes[i]);
		/* Nested authority is a delegation (RFC 8111, section 4.2). */
		for (size_t j = 0; j < i; j++)
			if (lisp_prefix_covers(&ddt->auths[j], &ddt->auths[i]) ||
			    lisp_prefix_covers(&ddt->auths[i], &ddt->auths[j]))
				cfg_chk_err(c, NULL, "'%s' overlaps '%s' (entry %zu): delegate "
					    "the more-specific instead", r->auth_prefixes[i],
					    r->auth_prefixes[j], j);
		cfg_path_pop(&c->path, mi);
	}
	cfg_path_pop(&c->path, m);
}

/* The authoritative prefix that covers eid with a shorter length, or NULL. */
static const struct lisp_prefix *auth_covering(const struct cp_config_ddt_node *ddt,
					       const struct lisp_prefix *eid)
{
	for (size_t i = 0; i < ddt->auth_count; i++)
		if (ddt->auths[i].plen < eid->plen && lisp_prefix_covers(&ddt->auths[i], eid))
			return &ddt->auths[i];
	return NULL;
}

static void chk_referrals(struct cfg_chk *c, const struct cfg_raw_ddt_delegation *r,
			  struct cp_config_ddt_delegation *d)
{
	size_t m = cfg_path_key(&c->path, "referrals");

	if (r->referrals_count == 0 || r->referrals_count > CP_CONFIG_DDT_REFERRALS_MAX) {
		cfg_chk_err(c, NULL, "needs 1 to %u addresses (the referral set), got %u",
			    CP_CONFIG_DDT_REFERRALS_MAX, r->referrals_count);
		cfg_path_pop(&c->path, m);
		return;
	}
	d->referrals = cfg_chk_calloc(c, r->referrals_count, sizeof(*d->referrals));
	d->referral_count = d->referrals ? r->referrals_count : 0;
	for (size_t i = 0; i < d->referral_count; i++) {
		const struct cfg_raw_ddt_referral *rr = &r->referrals[i];
		struct cp_config_ddt_referral *o = &d->referrals[i];
		size_t mi = cfg_path_idx(&c->path, i);

		cfg_chk_addr(c, "address", rr->address, &o->addr);
		o->priority = (uint8_t)cfg_chk_u32(c, "priority", rr->priority,
						   CP_CONFIG_DEF_RLOC_PRIORITY, 0, 255);
		o->weight = (uint8_t)cfg_chk_u32(c, "weight", rr->weight,
						 CP_CONFIG_DEF_RLOC_WEIGHT, 0, 255);
		for (size_t j = 0; j < i && o->addr.afi; j++)
			if (lisp_addr_equal(&d->referrals[j].addr, &o->addr))
				cfg_chk_err(c, "address", "'%s' is in the referral set twice "
					    "(also entry %zu)", rr->address, j);
		cfg_path_pop(&c->path, mi);
	}
	cfg_path_pop(&c->path, m);
}

static void chk_delegations(struct cfg_chk *c, const struct cfg_raw_ddt_node *r,
			    struct cp_config_ddt_node *ddt)
{
	size_t m = cfg_path_key(&c->path, "delegations");
	size_t n = r->delegations_count;

	if (n > CP_CONFIG_DDT_DELEGATIONS_MAX) {
		cfg_chk_err(c, NULL, "%zu delegations, at most %u", n,
			    CP_CONFIG_DDT_DELEGATIONS_MAX);
		n = 0;
	}
	ddt->delegations = n ? cfg_chk_calloc(c, n, sizeof(*ddt->delegations)) : NULL;
	ddt->delegation_count = ddt->delegations ? n : 0;
	for (size_t i = 0; i < ddt->delegation_count; i++) {
		const struct cfg_raw_ddt_delegation *rd = &r->delegations[i];
		struct cp_config_ddt_delegation *d = &ddt->delegations[i];
		size_t mi = cfg_path_idx(&c->path, i);

		cfg_chk_prefix(c, "eid-prefix", rd->eid_prefix, &d->eid);
		d->type = (uint8_t)rd->type;
		if (d->eid.addr.afi && !ip_prefix(&d->eid))
			cfg_chk_err(c, "eid-prefix", "'%s': a DDT node's XEID-prefixes are IPv4 "
				    "or IPv6", rd->eid_prefix);
		else if (d->eid.addr.afi && !auth_covering(ddt, &d->eid))
			/* RFC 8111, section 4.2: what a node delegates is a
			 * more-specific of what it is authoritative for. */
			cfg_chk_err(c, "eid-prefix", "'%s' is not a more-specific prefix of any "
				    "ddt-node.authoritative-prefixes entry", rd->eid_prefix);
		chk_referrals(c, rd, d);
		cfg_path_pop(&c->path, mi);
	}
	if (ddt->delegation_count)
		cfg_chk_prefix_dups(c, "eid-prefix", &ddt->delegations[0].eid,
				    sizeof(ddt->delegations[0]), &r->delegations[0].eid_prefix,
				    sizeof(r->delegations[0]), ddt->delegation_count);
	cfg_path_pop(&c->path, m);
}

void cfg_chk_ddt(struct cfg_chk *c, const struct cfg_raw_ddt_node *r,
		 struct cp_config_ddt_node *ddt)
{
	size_t mark;

	ddt->referral_ttl_min = lisp_referral_default_ttl(LISP_REF_NODE_REFERRAL);
	ddt->hole_ttl_min = lisp_referral_default_ttl(LISP_REF_DELEGATION_HOLE);
	ddt->rate_limit = DDT_DEF_RATE;
	ddt->rate_burst = 2 * DDT_DEF_RATE;
	ddt->rate_sources = DDT_DEF_SOURCES;
	ddt->global_rate = DDT_DEF_GLOBAL_RATE;
	ddt->global_burst = 2 * DDT_DEF_GLOBAL_RATE;
	if (!r)
		return;
	mark = cfg_path_key(&c->path, "ddt-node");
	ddt->present = true;
	/* RFC 8111, section 6: the defaults of the table; NOT-AUTHORITATIVE's
	 * 0 is not a default but the rule, and has no key. */
	ddt->referral_ttl_min = cfg_chk_ttl(c, "referral-ttl", r->referral_ttl,
					    ddt->referral_ttl_min);
	ddt->hole_ttl_min = cfg_chk_ttl(c, "delegation-hole-ttl", r->hole_ttl, ddt->hole_ttl_min);
	if (r->rate_limit) {
		size_t m = cfg_path_key(&c->path, "rate-limit");

		ddt->rate_limit = cfg_chk_u32(c, "requests-per-second",
					      r->rate_limit->requests_per_second, DDT_DEF_RATE, 0,
					      10000000);
		ddt->rate_burst = cfg_chk_u32(c, "burst", r->rate_limit->burst,
					      ddt->rate_limit ? 2 * ddt->rate_limit : 0,
					      ddt->rate_limit ? 1 : 0, 20000000);
		ddt->rate_sources = cfg_chk_u32(c, "sources", r->rate_limit->sources,
						DDT_DEF_SOURCES, 64, CP_CONFIG_MR_SOURCES_MAX);
		cfg_path_pop(&c->path, m);
	}
	cfg_chk_bucket(c, "global-rate-limit", r->global_rate_limit, DDT_DEF_GLOBAL_RATE,
		       &ddt->global_rate, &ddt->global_burst);
	chk_auths(c, r, ddt);
	chk_delegations(c, r, ddt);
	cfg_path_pop(&c->path, mark);
}

static void put_ttl(FILE *f, const char *key, uint32_t min)
{
	char dur[32];

	cfg_duration_format((uint64_t)min * 60000, dur, sizeof(dur));
	fprintf(f, "  %s: %s\n", key, dur);
}

void cfg_print_ddt(const struct cp_config_ddt_node *ddt, FILE *f)
{
	char buf[LISP_ADDR_STR_MAX + 16];

	if (!ddt->present)
		return;
	fputs("ddt-node:\n  authoritative-prefixes:\n", f);
	for (size_t i = 0; i < ddt->auth_count; i++) {
		lisp_prefix_format(&ddt->auths[i], buf, sizeof(buf));
		fprintf(f, "    - \"%s\"\n", buf);
	}
	put_ttl(f, "referral-ttl", ddt->referral_ttl_min);
	put_ttl(f, "delegation-hole-ttl", ddt->hole_ttl_min);
	fprintf(f, "  rate-limit:\n    requests-per-second: %u\n    burst: %u\n    sources: %u\n",
		ddt->rate_limit, ddt->rate_burst, ddt->rate_sources);
	fprintf(f, "  global-rate-limit:\n    per-second: %u\n    burst: %u\n", ddt->global_rate,
		ddt->global_burst);
	if (!ddt->delegation_count)
		return;
	fputs("  delegations:\n", f);
	for (size_t i = 0; i < ddt->delegation_count; i++) {
		const struct cp_config_ddt_delegation *d = &ddt->delegations[i];

		lisp_prefix_format(&d->eid, buf, sizeof(buf));
		fprintf(f, "    - eid-prefix: \"%s\"\n      type: %s\n      referrals:\n", buf,
			cfg_strval_name(ddt_type_names, CYAML_ARRAY_LEN(ddt_type_names), d->type));
		for (size_t j = 0; j < d->referral_count; j++) {
			lisp_addr_format(&d->referrals[j].addr, buf, sizeof(buf));
			fprintf(f, "        - address: \"%s\"\n          priority: %u\n"
				   "          weight: %u\n",
				buf, d->referrals[j].priority, d->referrals[j].weight);
		}
	}
}

bool cfg_ddt_equal(const struct cp_config_ddt_node *a, const struct cp_config_ddt_node *b)
{
	if (a->present != b->present || a->referral_ttl_min != b->referral_ttl_min ||
	    a->hole_ttl_min != b->hole_ttl_min || a->rate_limit != b->rate_limit ||
	    a->rate_burst != b->rate_burst || a->rate_sources != b->rate_sources ||
	    a->global_rate != b->global_rate || a->global_burst != b->global_burst ||
	    !cp_config_prefixes_equal(a->auths, a->auth_count, b->auths, b->auth_count) ||
	    a->delegation_count != b->delegation_count)
		return false;
	for (size_t i = 0; i < a->delegation_count; i++) {
		const struct cp_config_ddt_delegation *x = &a->delegations[i], *y = &b->delegations[i];

		if (!lisp_prefix_equal(&x->eid, &y->eid) || x->type != y->type ||
		    x->referral_count != y->referral_count)
			return false;
		for (size_t j = 0; j < x->referral_count; j++)
			if (!lisp_addr_equal(&x->referrals[j].addr, &y->referrals[j].addr) ||
			    x->referrals[j].priority != y->referrals[j].priority ||
			    x->referrals[j].weight != y->referrals[j].weight)
				return false;
	}
	return true;
}

void cfg_ddt_free(struct cp_config_ddt_node *ddt)
{
	for (size_t i = 0; ddt->delegations && i < ddt->delegation_count; i++)
		free(ddt->delegations[i].referrals);
	free(ddt->delegations);
	free(ddt->auths);
}
