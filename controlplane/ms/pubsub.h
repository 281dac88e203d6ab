/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Publish/subscribe at the Map-Server (RFC 9437).  An ITR subscribes by
 * setting the N bit on an EID-record of a Map-Request that carries its
 * xTR-ID (I bit).  The Map-Server confirms with a Map-Notify and from then
 * on sends a Map-Notify on every change of the mapping, retransmitted until
 * the subscriber acknowledges.  Notifications are signed with the key of the
 * site the subscribing xTR registers with: an xTR that never registered has
 * no security association and cannot subscribe.
 */
#ifndef LISPGW_PUBSUB_H
#define LISPGW_PUBSUB_H

#include "map_server.h"

#define PUBSUB_COUNTERS(X)          \
	X(subscriptions)             \
	X(subscribe_refused)         \
	X(notifications_sent)        \
	X(subscriptions_dropped)     \
	X(subscribe_limited)         \
	X(notifications_no_site)     /* the xTR's site went in a reload */

struct pubsub_counters {
#define PUBSUB_COUNTER_FIELD(name) uint64_t name;
	PUBSUB_COUNTERS(PUBSUB_COUNTER_FIELD)
#undef PUBSUB_COUNTER_FIELD
};

struct pubsub;

/* Subscriptions held, in all and per subscribing xTR (xTR-ID and
 * site-ID); a new one beyond either is refused and counted
 * (subscribe_limited), an existing one is never pushed out.  Each costs
 * about 200 bytes with its prefix's table nodes (docs/security.md,
 * "Bounded state per sender"). */
struct pubsub_limits {
	uint32_t max_subscriptions;
	uint32_t max_per_xtr;
	/* A subscription not renewed for this long is forgotten when room is
	 * needed (subscriptions_dropped): ITRs subscribe again with every
	 * resolution, before their map-cache entry's TTL ends. */
	uint64_t lifetime_ms;
};

struct pubsub *pubsub_new(struct map_server *ms);
void pubsub_set_limits(struct pubsub *ps, const struct pubsub_limits *limits);
void pubsub_free(struct pubsub *ps);

/* Subscribes the xTR of req (I bit required) to eid, answering at
 * itr_rloc:4342.  0, or -EPERM when the xTR has no site. */
int pubsub_subscribe(struct pubsub *ps, const struct lisp_prefix *eid,
		     const struct lisp_map_request *req, const struct lisp_addr *itr_rloc);

size_t pubsub_count(const struct pubsub *ps);
const struct pubsub_counters *pubsub_counters(const struct pubsub *ps);

#endif
