/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Context-aware locator selection (CATS over LISP, docs/cats.md): the
 * filtering and ranking the Map-Resolver applies to a constrained
 * Map-Request and the ITR applies to every mapping it caches.
 *
 * Attributes are the JSON objects that ride with locators (JSON LCAF,
 * RFC 8060 section 4.10.1 / lcaf.h lisp_waddr_json()); queries and
 * ranking policies are attrq.h's.  A policy is configured per Instance-ID
 * (one default may cover every other IID).
 *
 * Ranking turns an order into RFC 9301 priorities and weights: the RLOCs
 * that rank first get priority 1, the next group 2, ... (254 at most);
 * RLOCs the policy cannot tell apart share a priority and split the weight
 * 100 evenly (the first ones get the remainder).  Locators registered with
 * priority 255 ("do not use for unicast") keep it and are not ranked.
 */
#ifndef LISPGW_CATS_H
#define LISPGW_CATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attrq.h"
#include "lisp_err.h"
#include "lisp_msg.h"

#define CATS_POLICIES_MAX	64
#define CATS_PRIORITY_FIRST	1
#define CATS_PRIORITY_LAST	254
/* A constrained request nothing satisfies: a negative record with this
 * action and TTL (docs/cats.md says why). */
#define CATS_NOMATCH_ACTION	LISP_ACT_DROP_POLICY
#define CATS_NOMATCH_TTL_MIN	1

struct cats_policy {
	bool any_iid;			/* the default for IIDs without their own */
	uint32_t iid;
	struct attrq_policy rank;
};

struct cats_policies {
	size_t count;
	struct cats_policy v[CATS_POLICIES_MAX];
};

/* Adds the policy for iid (any_iid: every other IID) from its text
 * ("latency_ms,load").  -EEXIST for a second policy of one IID. */
int cats_policies_add(struct cats_policies *t, bool any_iid, uint32_t iid, const char *rank,
		      struct lisp_err *err);
/* The policy for iid: its own, else the default, else NULL. */
const struct attrq_policy *cats_policy_find(const struct cats_policies *t, uint32_t iid);

/* The attributes of a locator as a JSON object (new reference), NULL when
 * it has none or they are not a JSON object. */
json_t *cats_locator_attrs(const struct lisp_locator *loc);

/*
 * Ranks n locators under p into prio[] and weight[] (one per locator).
 * Locators with priority 255 keep 255/their weight.  p NULL or empty:
 * everything keeps what it was registered with.
 */
void cats_rank(const struct attrq_policy *p, const struct lisp_locator *locs, size_t n,
	       uint8_t *prio, uint8_t *weight);

/*
 * The locators of a mapping that satisfy q (NULL: all), ranked under p:
 * copied into out (room for n), priority and weight set; returns how many.
 * With q, locators of priority 255 never match (they are not to be used).
 */
size_t cats_select(const struct attrq *q, const struct attrq_policy *p,
		   const struct lisp_locator *locs, size_t n, struct lisp_locator *out);

#endif
