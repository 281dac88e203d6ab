/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A DDT node's delegation table (RFC 8111, section 4: the XEID-prefixes a
 * node is authoritative for, and the more-specific XEID-prefixes it
 * delegates to child DDT nodes or to Map-Servers).  The Instance-ID is part
 * of every key (an XEID is IID + EID, RFC 8111 section 4.1).
 *
 * One lookup gives what the node answers a DDT-originated Map-Request with
 * (ddt_node.h):
 *  - a delegation covers the XEID: that delegation (longest match), its
 *    prefix and referral set (NODE-REFERRAL or MS-REFERRAL);
 *  - an authoritative prefix covers it, no delegation does: a hole, the
 *    least-specific prefix inside the authoritative prefix that covers the
 *    XEID and holds no delegation (DELEGATION-HOLE);
 *  - no authoritative prefix covers it: the requested XEID itself
 *    (NOT-AUTHORITATIVE; RFC 8111 section 6: "the original requested
 *    EID").
 *
 * Built whole (start, SIGHUP) and then only read: a reload builds a new
 * table aside and the node swaps it in (ddt_node_set_tree).
 */
#ifndef LISPGW_DDT_TREE_H
#define LISPGW_DDT_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

/* Referral-set members of one delegation: they go in one Map-Referral
 * record, so the set stays far below a datagram (16 IPv6 referrals are
 * 416 bytes). */
#define DDT_REFERRALS_MAX	16

enum ddt_delegation_type {
	DDT_DELEG_NODE = 0,	/* child DDT nodes: NODE-REFERRAL */
	DDT_DELEG_MAP_SERVER,	/* DDT Map-Servers: MS-REFERRAL */
};

struct ddt_referral {
	struct lisp_addr addr;	/* IPv4 or IPv6 */
	uint8_t priority;
	uint8_t weight;
};

struct ddt_delegation {
	struct lisp_prefix eid;
	uint8_t type;		/* enum ddt_delegation_type */
	uint8_t ref_count;
	struct ddt_referral refs[DDT_REFERRALS_MAX];
	uint64_t referrals_sent;	/* Map-Referrals naming it (ddt_node.c) */
};

enum ddt_answer_kind {
	DDT_ANSWER_DELEGATION,
	DDT_ANSWER_HOLE,
	DDT_ANSWER_NOT_AUTHORITATIVE,
};

struct ddt_answer {
	enum ddt_answer_kind kind;
	struct lisp_prefix prefix;		/* the record's EID-prefix */
	struct ddt_delegation *delegation;	/* DDT_ANSWER_DELEGATION */
};

struct ddt_tree;

struct ddt_tree *ddt_tree_new(void);
void ddt_tree_free(struct ddt_tree *t);

/* An authoritative XEID-prefix: -EEXIST when it overlaps one already in
 * (nested authority is a delegation, not a second authority), -EINVAL for
 * an address family other than IPv4 / IPv6, -ENOMEM. */
int ddt_tree_add_auth(struct ddt_tree *t, const struct lisp_prefix *p);
/* A delegation (copied): -ERANGE when no authoritative prefix strictly
 * covers it (RFC 8111 delegates more-specific prefixes), -EEXIST when the
 * prefix is delegated already, -EINVAL for a bad family or an empty or
 * oversized referral set, -ENOMEM.  Add the authoritative prefixes first. */
int ddt_tree_add_delegation(struct ddt_tree *t, const struct ddt_delegation *d);

/* What the node answers for xeid (a host or a prefix; its address picks
 * the answer, its length is kept for NOT-AUTHORITATIVE): 0, or -EINVAL
 * when xeid is not IPv4 / IPv6. */
int ddt_tree_lookup(struct ddt_tree *t, const struct lisp_prefix *xeid, struct ddt_answer *out);

size_t ddt_tree_auth_count(const struct ddt_tree *t);
size_t ddt_tree_delegation_count(const struct ddt_tree *t);
/* In insertion order (the configuration's). */
const struct lisp_prefix *ddt_tree_auth_at(const struct ddt_tree *t, size_t i);
const struct ddt_delegation *ddt_tree_delegation_at(const struct ddt_tree *t, size_t i);

const char *ddt_delegation_type_name(uint8_t type);

#endif
