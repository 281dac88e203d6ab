/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "agents" section (docs/agents.md): where an xTR's agents get their
 * EIDs and where it keeps them.  Kept apart from the other sections: its
 * schema, check, print, equality and free live here.
 *
 *   agents:
 *     state-file: /var/lib/lispgw/agents.json   # allocations survive restarts
 *     max-agents: 1024
 *     pools: ["[7]10.7.0.0/24", "[8]fd00:8::/64"]
 *     eid-prefixes: ["[7]10.0.0.0/8"]            # where brought EIDs may lie
 *     crypto-eid-prefixes: ["[7]fd00::/8"]       # crypto-EID agents
 */
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

#define AGENTS_CFG_DEF_MAX	1024
#define AGENTS_CFG_MAX		65536
#define AGENTS_CFG_LIST_MAX	256

static const cyaml_schema_value_t agents_string = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

const cyaml_schema_field_t cfg_agents_fields[] = {
	CYAML_FIELD_STRING_PTR("state-file", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct cfg_raw_agents, state_file, 1, 4000),
	CYAML_FIELD_UINT_PTR("max-agents", CYAML_FLAG_OPTIONAL, struct cfg_raw_agents, max),
	CYAML_FIELD_SEQUENCE("pools", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct cfg_raw_agents, pools, &agents_string, 0, AGENTS_CFG_LIST_MAX),
	CYAML_FIELD_SEQUENCE("eid-prefixes", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct cfg_raw_agents, spaces, &agents_string, 0,
			     AGENTS_CFG_LIST_MAX),
	CYAML_FIELD_SEQUENCE("crypto-eid-prefixes", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct cfg_raw_agents, crypto_prefixes, &agents_string, 0,
			     AGENTS_CFG_LIST_MAX),
	CYAML_FIELD_END
};

static void chk_ip_prefixes(struct cfg_chk *c, const char *key, const struct lisp_prefix *p,
			    size_t n)
{
	size_t mark = cfg_path_key(&c->path, key);

	for (size_t i = 0; i < n; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		if (p[i].addr.afi && p[i].addr.afi != LISP_AFI_IPV4 && p[i].addr.afi != LISP_AFI_IPV6)
			cfg_chk_err(c, NULL, "must be an IPv4 or IPv6 EID-prefix");
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

/* docs/ecdsa.md: IPv6, whole bytes, at least 64 bits of hash; and no two
 * nested (an EID in both would have two hash-EIDs). */
static void chk_crypto_prefixes(struct cfg_chk *c, const struct lisp_prefix *p, size_t n)
{
	size_t mark = cfg_path_key(&c->path, "crypto-eid-prefixes");

	for (size_t i = 0; i < n; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		if (p[i].addr.afi && (p[i].addr.afi != LISP_AFI_IPV6 || p[i].plen < 8 ||
				      p[i].plen > 64 || p[i].plen % 8))
			cfg_chk_err(c, NULL, "must be an IPv6 prefix whose length is a multiple "
					     "of 8 in 8..64");
		for (size_t j = 0; j < i; j++)
			if (p[j].addr.afi && p[i].addr.afi &&
			    (lisp_prefix_covers(&p[j], &p[i]) || lisp_prefix_covers(&p[i], &p[j])))
				cfg_chk_err(c, NULL, "overlaps crypto-eid-prefixes[%zu]", j);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

void cfg_chk_agents(struct cfg_chk *c, const struct cfg_raw_agents *r, unsigned int roles,
		    struct cp_config_agents *ag)
{
	size_t mark;

	ag->max = AGENTS_CFG_DEF_MAX;
	if (!r)
		return;
	mark = cfg_path_key(&c->path, "agents");
	ag->present = true;
	if (!(roles & CP_ROLE_ETR))
		cfg_chk_err(c, NULL, "agents are registered by the etr role: add etr (or xtr) "
				     "to roles");
	ag->state_file = cfg_chk_strdup(c, r->state_file);
	ag->max = cfg_chk_u32(c, "max-agents", r->max, AGENTS_CFG_DEF_MAX, 1, AGENTS_CFG_MAX);
	cfg_chk_prefixes(c, "pools", r->pools, r->pools_count, &ag->pools, &ag->pool_count);
	chk_ip_prefixes(c, "pools", ag->pools, ag->pool_count);
	cfg_chk_prefixes(c, "eid-prefixes", r->spaces, r->spaces_count, &ag->spaces,
			 &ag->space_count);
	chk_ip_prefixes(c, "eid-prefixes", ag->spaces, ag->space_count);
	cfg_chk_prefixes(c, "crypto-eid-prefixes", r->crypto_prefixes, r->crypto_prefixes_count,
			 &ag->crypto_prefixes, &ag->crypto_prefix_count);
	chk_crypto_prefixes(c, ag->crypto_prefixes, ag->crypto_prefix_count);
	cfg_path_pop(&c->path, mark);
}

static void print_list(FILE *f, const char *key, const struct lisp_prefix *p, size_t n)
{
	char s[LISP_ADDR_STR_MAX + 16];

	if (!n)
		return;
	fprintf(f, "  %s:\n", key);
	for (size_t i = 0; i < n; i++) {
		lisp_prefix_format(&p[i], s, sizeof(s));
		fprintf(f, "    - \"%s\"\n", s);
	}
}

void cfg_print_agents(const struct cp_config_agents *ag, FILE *f)
{
	if (!ag->present)
		return;
	fputs("agents:\n", f);
	if (ag->state_file)
		fprintf(f, "  state-file: \"%s\"\n", ag->state_file);
	fprintf(f, "  max-agents: %u\n", ag->max);
	print_list(f, "pools", ag->pools, ag->pool_count);
	print_list(f, "eid-prefixes", ag->spaces, ag->space_count);
	print_list(f, "crypto-eid-prefixes", ag->crypto_prefixes, ag->crypto_prefix_count);
}

static bool list_eq(const struct lisp_prefix *a, size_t an, const struct lisp_prefix *b,
		    size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (!lisp_prefix_equal(&a[i], &b[i]))
			return false;
	return true;
}

bool cfg_agents_equal(const struct cp_config_agents *a, const struct cp_config_agents *b)
{
	return a->present == b->present && a->max == b->max &&
	       ((!a->state_file && !b->state_file) ||
		(a->state_file && b->state_file && strcmp(a->state_file, b->state_file) == 0)) &&
	       list_eq(a->pools, a->pool_count, b->pools, b->pool_count) &&
	       list_eq(a->spaces, a->space_count, b->spaces, b->space_count) &&
	       list_eq(a->crypto_prefixes, a->crypto_prefix_count, b->crypto_prefixes,
		       b->crypto_prefix_count);
}

void cfg_agents_free(struct cp_config_agents *ag)
{
	free(ag->state_file);
	free(ag->pools);
	free(ag->spaces);
	free(ag->crypto_prefixes);
}
