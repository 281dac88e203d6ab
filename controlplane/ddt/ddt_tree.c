/* SPDX-License-Identifier: BSD-3-Clause */
#include "ddt_tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

struct ddt_tree {
	struct mapdb *auth;		/* authoritative prefixes */
	struct mapdb *deleg;		/* delegations (value: struct ddt_delegation) */
	struct lisp_prefix *auths;	/* in configuration order */
	size_t auth_count, auth_cap;
	struct ddt_delegation **delegs;	/* idem; each its own allocation, */
	size_t deleg_count, deleg_cap;	/* so that answers may point at one */
};

static bool afi_ok(const struct lisp_prefix *p)
{
	return p->addr.afi == LISP_AFI_IPV4 || p->addr.afi == LISP_AFI_IPV6;
}

struct ddt_tree *ddt_tree_new(void)
{
	struct ddt_tree *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->auth = mapdb_new();
	t->deleg = mapdb_new();
	if (!t->auth || !t->deleg) {
		ddt_tree_free(t);
		return NULL;
	}
	return t;
}

void ddt_tree_free(struct ddt_tree *t)
{
	if (!t)
		return;
	mapdb_free(t->auth);
	mapdb_free(t->deleg);
	for (size_t i = 0; i < t->deleg_count; i++)
		free(t->delegs[i]);
	free(t->delegs);
	free(t->auths);
	free(t);
}

static int any_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)value;
	(void)arg;
	return 1;
}

int ddt_tree_add_auth(struct ddt_tree *t, const struct lisp_prefix *p)
{
	struct lisp_prefix m = *p;
	int rc;

	if (!afi_ok(p))
		return -EINVAL;
	lisp_prefix_mask(&m);
	/* Covered by one, or covering one: the same space twice. */
	if (mapdb_longest(t->auth, &m, NULL) || mapdb_walk(t->auth, &m, any_entry, NULL))
		return -EEXIST;
	if (t->auth_count == t->auth_cap) {
		size_t cap = t->auth_cap ? t->auth_cap * 2 : 8;
		struct lisp_prefix *a = realloc(t->auths, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		t->auths = a;
		t->auth_cap = cap;
	}
	/* The trie answers "covered or not"; its value is never read. */
	rc = mapdb_insert(t->auth, &m, t, NULL);
	if (rc < 0)
		return rc;
	t->auths[t->auth_count++] = m;
	return 0;
}

int ddt_tree_add_delegation(struct ddt_tree *t, const struct ddt_delegation *d)
{
	struct lisp_prefix m = d->eid, am;
	struct ddt_delegation *copy;
	int rc;

	if (!afi_ok(&d->eid) || d->ref_count == 0 || d->ref_count > DDT_REFERRALS_MAX ||
	    d->type > DDT_DELEG_MAP_SERVER)
		return -EINVAL;
	for (unsigned int i = 0; i < d->ref_count; i++)
		if (d->refs[i].addr.afi != LISP_AFI_IPV4 && d->refs[i].addr.afi != LISP_AFI_IPV6)
			return -EINVAL;
	lisp_prefix_mask(&m);
	/* RFC 8111, section 4.2: a node delegates more-specific prefixes of
	 * the ones it is authoritative for. */
	if (!mapdb_longest(t->auth, &m, &am) || am.plen >= m.plen)
		return -ERANGE;
	if (mapdb_exact(t->deleg, &m))
		return -EEXIST;
	if (t->deleg_count == t->deleg_cap) {
		size_t cap = t->deleg_cap ? t->deleg_cap * 2 : 8;
		struct ddt_delegation **a = realloc(t->delegs, cap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		t->delegs = a;
		t->deleg_cap = cap;
	}
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *d;
	copy->eid = m;
	copy->referrals_sent = 0;
	rc = mapdb_insert(t->deleg, &m, copy, NULL);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	t->delegs[t->deleg_count++] = copy;
	return 0;
}

int ddt_tree_lookup(struct ddt_tree *t, const struct lisp_prefix *xeid, struct ddt_answer *out)
{
	struct lisp_prefix host = *xeid, auth, hole;
	struct ddt_delegation *d;

	if (!afi_ok(xeid))
		return -EINVAL;
	/* The XEID is an address (RFC 8111, section 4.1: IID + EID); the
	 * record's mask-len does not pick the answer. */
	host.plen = (uint8_t)lisp_addr_max_plen(host.addr.afi);
	memset(out, 0, sizeof(*out));
	d = mapdb_longest(t->deleg, &host, NULL);
	if (d) {
		/* RFC 8111, section 7.1.1: the matching delegated prefix and
		 * its referral set. */
		out->kind = DDT_ANSWER_DELEGATION;
		out->prefix = d->eid;
		out->delegation = d;
		return 0;
	}
	if (mapdb_longest(t->auth, &host, &auth)) {
		/* RFC 8111, section 7.1.2: the least-specific prefix that
		 * holds the XEID and no delegation, inside the authority. */
		out->kind = DDT_ANSWER_HOLE;
		if (!mapdb_uncovered(t->deleg, &host, &hole) || hole.plen < auth.plen)
			hole = auth;
		out->prefix = hole;
		return 0;
	}
	/* Not authoritative: RFC 8111, section 6 (action NOT-AUTHORITATIVE):
	 * "The EID-prefix returned MUST be the original requested EID". */
	out->kind = DDT_ANSWER_NOT_AUTHORITATIVE;
	out->prefix = *xeid;
	lisp_prefix_mask(&out->prefix);
	return 0;
}

size_t ddt_tree_auth_count(const struct ddt_tree *t)
{
	return t->auth_count;
}

size_t ddt_tree_delegation_count(const struct ddt_tree *t)
{
	return t->deleg_count;
}

const struct lisp_prefix *ddt_tree_auth_at(const struct ddt_tree *t, size_t i)
{
	return i < t->auth_count ? &t->auths[i] : NULL;
}

const struct ddt_delegation *ddt_tree_delegation_at(const struct ddt_tree *t, size_t i)
{
	return i < t->deleg_count ? t->delegs[i] : NULL;
}

const char *ddt_delegation_type_name(uint8_t type)
{
	return type == DDT_DELEG_MAP_SERVER ? "map-server" : "ddt-node";
}
