/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT Map-Resolver's referral cache (RFC 8111, section 7.3 and the
 * "Referral Cache" definition of section 3): what Map-Referrals taught it,
 * by XEID-prefix (Instance-ID + EID-prefix), longest match first.
 *  - positive entries (NODE-REFERRAL, MS-REFERRAL): the referral set to ask
 *    next, best priority first;
 *  - negative entries (DELEGATION-HOLE, MS-NOT-REGISTERED): answered
 *    negatively without asking anyone until the TTL runs out.
 * Entries expire at their TTL (a lookup never returns an expired one); the
 * cache holds at most `cap` entries: when full, expired ones are swept and
 * a new entry that still does not fit is refused and counted (a hostile
 * node handing out endless more-specifics cannot grow it).
 */
#ifndef LISPGW_DDT_CACHE_H
#define LISPGW_DDT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

/* Referral-set members kept per entry; a larger set is cut to the best
 * priorities (counted by the resolver). */
#define DDT_REFS_MAX	8

struct ddt_ref {
	struct lisp_ipaddr addr;
	uint8_t priority;	/* lower is preferred; 255 never appears here */
	uint8_t weight;
};

struct ddt_cache_entry {
	struct lisp_prefix prefix;	/* the XEID-prefix of the referral */
	uint8_t action;			/* enum lisp_referral_action */
	bool negative;			/* DELEGATION-HOLE, MS-NOT-REGISTERED */
	uint32_t ttl_min;		/* as cached (after the configured bounds) */
	uint64_t added_ms, expires_ms;
	uint64_t hits;
	uint8_t ref_count;
	struct ddt_ref refs[DDT_REFS_MAX];	/* best priority first */
};

struct ddt_cache;

struct ddt_cache *ddt_cache_new(size_t cap);
void ddt_cache_free(struct ddt_cache *c);
/* Inserts or replaces e (copied; prefix masked here).  -ENOSPC when full
 * of live entries, -EINVAL for a prefix the trie cannot index. */
int ddt_cache_put(struct ddt_cache *c, const struct ddt_cache_entry *e, uint64_t now_ms);
/* The live entry of the longest prefix covering eid, or NULL; expired
 * entries met on the way are removed. */
struct ddt_cache_entry *ddt_cache_lookup(struct ddt_cache *c, const struct lisp_prefix *eid,
					 uint64_t now_ms);
/* Removes the entry of exactly prefix: 0 or -ENOENT. */
int ddt_cache_remove(struct ddt_cache *c, const struct lisp_prefix *prefix);
/* Removes every expired entry; returns how many. */
size_t ddt_cache_expire(struct ddt_cache *c, uint64_t now_ms);
size_t ddt_cache_count(const struct ddt_cache *c);
size_t ddt_cache_cap(const struct ddt_cache *c);
typedef int (*ddt_cache_walk_fn)(const struct ddt_cache_entry *e, void *arg);
/* Every entry (live or not yet swept) in prefix order; stops on non-zero. */
int ddt_cache_walk(const struct ddt_cache *c, ddt_cache_walk_fn fn, void *arg);

#endif
