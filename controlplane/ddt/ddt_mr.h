/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT Map-Resolver (RFC 8111, section 7.3): an ITR's Encapsulated
 * Map-Request for an EID this process does not serve is resolved
 * iteratively from the configured root DDT nodes.
 *
 *  1. The XEID (Instance-ID + EID) is looked up in the referral cache
 *     (ddt_cache.h), longest match; nothing cached: the roots.  A negative
 *     entry is answered at once with a negative Map-Reply.
 *  2. A pending request is queued (at most pending_max; the ITR's
 *     retransmission of a request still pending is counted, not queued
 *     twice) and the ITR's Map-Request, re-encapsulated with the D bit
 *     (DDT-originated, RFC 8111 section 5), goes to the best-priority
 *     member of the referral set.
 *  3. A Map-Referral is taken only from the address the request went to
 *     and with the request's nonce (RFC 8111, section 6: the nonce of the
 *     DDT Map-Request); anything else is counted and dropped.
 *  4. By action (RFC 8111, section 7.3.2):
 *     NODE-REFERRAL, MS-REFERRAL  cached unless Incomplete, then followed:
 *                                 the request goes to the new set;
 *     MS-ACK                      done: the Map-Server forwarded the
 *                                 request and the ETR answers the ITR;
 *     MS-NOT-REGISTERED           the other Map-Servers of the set are
 *                                 asked; when none is left, a negative
 *                                 Map-Reply (the referral's prefix and
 *                                 TTL, action send-map-request), cached
 *                                 unless Incomplete;
 *     DELEGATION-HOLE             a negative Map-Reply (the referral's
 *                                 prefix and TTL, action natively-forward),
 *                                 cached as a negative entry;
 *     NOT-AUTHORITATIVE           the cache entry that led there is stale:
 *                                 removed; the next member of the set is
 *                                 asked, or the request fails.
 *  5. No answer in request_timeout_ms: the next member of the set (by
 *     priority, cycling), at most `retries` more sends per referral step;
 *     then the request fails.
 *  6. Loops (RFC 8111, section 7.3.4): a referral whose prefix is not more
 *     specific than the one being followed, or that names a node this
 *     request already asked, ends the request; so does following more
 *     than max_depth referrals.
 * A request that fails gets a negative Map-Reply for the requested EID,
 * action send-map-request, TTL negative_ttl_min_min (the ITR asks again
 * soon).  TTLs of negative entries and replies are kept within
 * [negative_ttl_min_min, negative_ttl_max_min].  Every outcome is a
 * counter (DDT_MR_COUNTERS).
 */
#ifndef LISPGW_DDT_MR_H
#define LISPGW_DDT_MR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddt_cache.h"
#include "evloop.h"
#include "lisp_msg.h"
#include "udp_io.h"

#define DDT_ROOTS_MAX		8
#define DDT_DEPTH_MAX		16	/* the largest max_depth a config may set */

struct ddt_mr_root {
	struct lisp_addr addr;
	uint8_t priority;
};

struct ddt_mr_params {
	size_t root_count;
	struct ddt_mr_root roots[DDT_ROOTS_MAX];
	uint16_t port;			/* where DDT nodes listen (4342) */
	uint32_t cache_max;		/* referral-cache entries */
	uint32_t pending_max;		/* requests being resolved at once */
	uint32_t request_timeout_ms;	/* per send */
	uint32_t retries;		/* more sends per referral step */
	uint32_t max_depth;		/* referrals followed per request */
	uint32_t negative_ttl_min_min;	/* bounds on negative TTLs, minutes */
	uint32_t negative_ttl_max_min;
	/* A member that let a DDT Map-Request time out is passed over for
	 * this long by every request (unless no other member is left), so
	 * that a dead Map-Server or node costs one timeout, not one per
	 * request; its next answer ends it early.  0: never held. */
	uint32_t unresponsive_hold_ms;
};

#define DDT_MR_COUNTERS(X)                                                              \
	X(requests)                /* ITR requests handed to DDT */                    \
	X(requests_duplicate)      /* the ITR asked again while pending */              \
	X(requests_pending_full)   /* pending table full: dropped */                    \
	X(requests_unencodable)    /* the request does not re-encode */                 \
	X(requests_ttl_spent)      /* inner TTL 1 or 0: not sent on */                 \
	X(cache_hits)                                                                   \
	X(cache_negative_hits)     /* answered from a negative entry */                 \
	X(cache_full)              /* a referral not cached: cache full */              \
	X(ddt_requests_sent)       /* DDT Map-Requests (ECM, D bit) */                  \
	X(retransmits)             /* a send after a timeout */                         \
	X(referrals_received)                                                           \
	X(referral_decode_errors)                                                       \
	X(referral_unknown_nonce)  /* no pending request with that nonce */             \
	X(referral_wrong_sender)   /* the nonce, from an address not asked */           \
	X(referral_bad_records)    /* no record, or none covering the EID */            \
	X(referral_invalid)        /* breaks RFC 8111's per-action rules */             \
	X(referral_outside)        /* a negative answer wider than the referral */      \
	X(referral_set_unusable)   /* no member with an address we can use */           \
	X(referral_set_truncated)  /* members past DDT_REFS_MAX left out */             \
	X(node_referrals)                                                               \
	X(ms_referrals)                                                                 \
	X(ms_acks)                                                                      \
	X(ms_not_registered)                                                            \
	X(delegation_holes)                                                             \
	X(not_authoritative)                                                            \
	X(referral_loops)          /* not more specific, or a node asked before */      \
	X(depth_exceeded)                                                               \
	X(timeouts)                /* sends that got no answer */                       \
	X(members_held)            /* a member passed over: timed out recently */       \
	X(requests_failed)         /* ended without an answer: negative reply */        \
	X(replies_negative)        /* negative Map-Replies sent to ITRs */              \
	X(requests_done)           /* MS-ACK: the ETR answers */

struct ddt_mr_counters {
#define DDT_MR_COUNTER_FIELD(name) uint64_t name;
	DDT_MR_COUNTERS(DDT_MR_COUNTER_FIELD)
#undef DDT_MR_COUNTER_FIELD
};

struct ddt_mr;

void ddt_mr_params_default(struct ddt_mr_params *p);
struct ddt_mr *ddt_mr_new(struct evloop *loop, const struct ddt_mr_params *p, lisp_send_fn send,
			  void *send_arg);
void ddt_mr_free(struct ddt_mr *d);

/* Resolves record rec of req (received in ecm) for the ITR at itr:port.
 * Called by the Map-Resolver (map_resolver_set_ddt) for an EID it does not
 * serve; eid is that record's XEID. */
void ddt_mr_resolve(struct ddt_mr *d, const struct lisp_ecm *ecm,
		    const struct lisp_map_request *req, uint8_t rec,
		    const struct lisp_prefix *eid, const struct lisp_addr *itr, uint16_t itr_port);
/* A Map-Referral (type 6) from src:port.  True when it was this
 * resolver's: a request of ours has its nonce (taken or counted here) or it
 * does not decode (counted).  False when no request of ours has that nonce
 * (counted as referral_unknown_nonce): the caller may offer it to another
 * part of the process (a Map-Resolver's health probes). */
bool ddt_mr_input(struct ddt_mr *d, const uint8_t *msg, size_t len, const struct lisp_addr *src,
		  uint16_t src_port);

const struct ddt_mr_counters *ddt_mr_counters(const struct ddt_mr *d);
const struct ddt_cache *ddt_mr_cache(const struct ddt_mr *d);
const struct ddt_mr_params *ddt_mr_params(const struct ddt_mr *d);
size_t ddt_mr_pending_count(const struct ddt_mr *d);

#endif
