/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Resolver role (RFC 9301, sections 5.8 and 8.1): it takes
 * Encapsulated Map-Requests from ITRs and answers them, with the co-located
 * Map-Server's registrations:
 *  - registered EID, registration asked for proxy replies: a Map-Reply with
 *    the merged RLOC set, from here;
 *  - registered EID otherwise: the ECM is forwarded to an ETR of the site,
 *    which answers the ITR itself;
 *  - inside a configured site prefix but not registered: a negative reply,
 *    action send-map-request, short TTL;
 *  - not an EID at all: a negative reply for the least-specific prefix that
 *    covers the address and no configured EID prefix, action
 *    natively-forward, TTL 15 minutes.
 * Replies go to the first ITR-RLOC of the Map-Request, to the inner UDP
 * source port.  Each source is rate-limited.
 *
 * Context-aware selection (CATS, docs/cats.md): an EID-record whose EID
 * carries constraints (lcaf.h lcaf_constraints_decode) is always answered
 * here, from the registration, proxy-reply or not (the ETR cannot judge an
 * anycast set it holds one part of): only the locators whose attributes
 * satisfy the constraints, priority and weight from the Instance-ID's
 * ranking policy (as registered when it has none).  Nothing satisfies
 * them: a negative record for the registered prefix, action
 * drop/policy-denied, TTL 1 minute.  Constraints that do not decode or do
 * not parse as a query are counted (constraints_malformed) and that
 * record gets no answer; the other records of the request are answered.
 */
#ifndef LISPGW_MAP_RESOLVER_H
#define LISPGW_MAP_RESOLVER_H

#include <stdint.h>

#include "evloop.h"
#include "map_server.h"
#include "site.h"

struct mr_params {
	uint32_t negative_ttl_min;	/* not an EID (RFC 9301: 15) */
	uint32_t unregistered_ttl_min;	/* configured, not registered */
	uint32_t rate;			/* Map-Requests/s per source, 0 unlimited */
	uint32_t burst;
};

#define MR_COUNTERS(X)           \
	X(requests_received)     \
	X(request_decode_errors) \
	X(requests_rate_limited) \
	X(replies_proxy)         \
	X(replies_negative)      \
	X(requests_forwarded)    \
	X(requests_unanswerable) \
	X(requests_constrained)  \
	X(constraints_malformed) \
	X(replies_constrained)   \
	X(replies_constrained_nomatch) \
	X(smr_sent)                    \
	X(smr_untracked)

struct mr_counters {
#define MR_COUNTER_FIELD(name) uint64_t name;
	MR_COUNTERS(MR_COUNTER_FIELD)
#undef MR_COUNTER_FIELD
};

struct map_resolver;

/* ms may be NULL (a Map-Resolver without a Map-Server: every EID is then
 * answered negatively or not at all, as configured sites allow). */
struct map_resolver *map_resolver_new(struct evloop *loop, const struct mr_params *params,
				      struct map_server *ms, struct site_table *sites,
				      ms_send_fn send, void *send_arg);
void map_resolver_free(struct map_resolver *mr);
void map_resolver_params_default(struct mr_params *p);

/* Subscriptions (N bit) are handed to ps; without one they are ignored. */
struct pubsub;
void map_resolver_set_pubsub(struct map_resolver *mr, struct pubsub *ps);

/* Ranking policies per Instance-ID for constrained requests (copied). */
struct cats_policies;
void map_resolver_set_cats(struct map_resolver *mr, const struct cats_policies *p);

/* An Encapsulated Control Message from src:port. */
void map_resolver_input(struct map_resolver *mr, const uint8_t *msg, size_t len,
			const struct lisp_addr *src, uint16_t src_port);

const struct mr_counters *map_resolver_counters(const struct map_resolver *mr);

#endif
