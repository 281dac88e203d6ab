/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Resolver role (RFC 9301, sections 5.8, 8.1 and 8.2): it takes
 * Encapsulated Map-Requests from ITRs (and, in a Map-Server, ECMs sent to
 * the Map-Server itself) and answers them:
 *  - registered EID, registration asked for proxy replies: a Map-Reply with
 *    the merged RLOC set, from here;
 *  - registered EID otherwise: the ECM goes on to an RLOC the ETR
 *    registered (mr_forward.h), which answers the ITR itself; this
 *    process's own ETR is called directly, never sent to;
 *  - an EID of this process's ETR database: that ETR answers;
 *  - inside a configured site prefix but not registered: a negative reply,
 *    action send-map-request, the unregistered TTL, for the least-specific
 *    prefix around the EID inside the site that covers no registration;
 *  - inside a delegation (map-resolver.map-servers): the ECM goes on to
 *    that Map-Server (longest match per Instance-ID);
 *  - an ECM with the D bit (DDT-originated) to a Map-Server: a Map-Referral
 *    to its sender as well, MS-ACK, MS-NOT-REGISTERED or NOT-AUTHORITATIVE
 *    per record, and no negative Map-Reply (ms_ddt.h);
 *  - not an EID at all: a negative reply for the least-specific prefix that
 *    covers the address and no configured site or delegation prefix, action
 *    natively-forward, TTL 15 minutes.
 * Every forward lowers the inner TTL and drops the ECM at zero
 * (forward_hop_limit).
 * Replies go to the first ITR-RLOC of the Map-Request, to the inner UDP
 * source port.  Each source is rate-limited, and so are all of them
 * together (global_rate: the replies and forwards sent).  A request is
 * verified when its source and its ITR-RLOC are both addresses a spoofer
 * cannot claim: the source of an authenticated Map-Register still alive
 * at this Map-Server (map_server_source_verified), or inside
 * trusted_itrs.  Verified requests take from a bucket of their own
 * (verified_rate), so that legitimate ITRs keep being answered while
 * spoofed floods spend the global one (docs/security.md).  The records of a
 * request that go on are grouped by next hop, each hop gets one ECM with
 * only its records, and a request goes to at most next_hops_max hops
 * (mr_forward.h; forward_records_dropped counts the records left out).
 * A registration goes in a reply once, however many records of the
 * request name it (reply_records_repeated), and the records after the
 * first take no more room in the reply than the whole request did
 * (reply_records_over_size): a compliant request has one record (RFC
 * 9301, 5.2), the others must not multiply it.
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
#include "mr_ecdsa.h"
#include "mr_forward.h"
#include "mr_health.h"
#include "mr_lispsec.h"
#include "registry.h"
#include "site.h"

struct mr_params {
	uint32_t negative_ttl_min;	/* not an EID (RFC 9301: 15) */
	uint32_t unregistered_ttl_min;	/* configured, not registered */
	uint32_t rate;			/* Map-Requests/s per source, 0 unlimited */
	uint32_t burst;
	uint32_t rate_sources;		/* per-source buckets (ratelimit.h) */
	uint32_t smr_requesters;	/* ITRs remembered for SMR, in all */
	/* Replies and forwards a second, all sources together (0 unlimited). */
	uint32_t global_rate;
	uint32_t global_burst;
	/* The same, for requests from verified ITRs (below), which a flood
	 * of spoofed sources never takes from (0 unlimited). */
	uint32_t verified_rate;
	uint32_t verified_burst;
	/* map-resolver.trusted-itrs: ITR addresses the operator vouches for
	 * (its network filters spoofed sources from them); copied. */
	const struct lisp_prefix *trusted_itrs;
	size_t trusted_itr_count;
	unsigned int next_hops_max;	/* ECMs one request is forwarded as */
	/* map-resolver.signed-requests and its budget (mr_ecdsa.h): an
	 * authenticated request is verified, whatever its source address. */
	struct mr_ecdsa_params ecdsa;
	/* map-resolver.lisp-sec-key (mr_lispsec.h): LISP-SEC requests are
	 * read (the ITR-OTK unwrapped with it) and their answers signed;
	 * false: answered as if they had no S bit. */
	bool lisp_sec;
	bool lisp_sec_aes;		/* else NULL-KEY-WRAP-128 */
	uint8_t lisp_sec_key[16];
};

#define MR_COUNTERS(X)           \
	X(requests_received)     \
	X(request_decode_errors) \
	X(requests_rate_limited) \
	X(rate_limit_sources_evicted) /* a full table made room */ \
	X(replies_proxy)         \
	X(replies_negative)      \
	X(requests_forwarded)    \
	X(requests_forwarded_ms) \
	X(requests_local_etr)    \
	X(forward_hop_limit)     \
	X(forward_to_self)       \
	X(forward_no_rloc)       \
	X(requests_unanswerable) \
	X(requests_constrained)  \
	X(constraints_malformed) \
	X(replies_constrained)   \
	X(replies_constrained_nomatch) \
	X(smr_sent)                    \
	X(smr_untracked)               \
	X(forward_records_dropped)     \
	X(replies_global_limited)      \
	X(requests_verified)           \
	X(replies_verified_limited)    \
	X(reply_records_repeated)      \
	X(reply_records_over_size)     \
	X(requests_ddt)                /* handed to the DDT Map-Resolver */ \
	X(ddt_requests)                /* ECMs with the D bit, to a Map-Server */ \
	X(ddt_referrals_sent)          \
	X(ddt_ms_ack)                  /* records, per action */ \
	X(ddt_ms_not_registered)       \
	X(ddt_not_authoritative)       /* outside every site */ \
	X(ddt_referral_errors)         /* past 255 records, or not encodable */ \
	MR_LISPSEC_COUNTERS(X)         \
	MR_HEALTH_COUNTERS(X)          \
	MR_ECDSA_COUNTERS(X)

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
				      lisp_send_fn send, void *send_arg);
void map_resolver_free(struct map_resolver *mr);
void map_resolver_params_default(struct mr_params *p);

/* Subscriptions (N bit) are handed to ps; without one they are ignored. */
struct pubsub;
void map_resolver_set_pubsub(struct map_resolver *mr, struct pubsub *ps);

/* Ranking policies per Instance-ID for constrained requests (copied). */
struct cats_policies;
void map_resolver_set_cats(struct map_resolver *mr, const struct cats_policies *p);

/* map-resolver.map-servers: requests for eid (longest match per
 * Instance-ID) are forwarded to the Map-Server at ms:port. */
int map_resolver_add_delegation(struct map_resolver *mr, const struct lisp_prefix *eid,
				const struct lisp_addr *ms, uint16_t port);

/* map-resolver.health-interval and health-misses: probes the delegations'
 * Map-Servers (mr_health.h); call after the delegations are added.
 * interval 0: none, every Map-Server stays up. */
int map_resolver_set_health(struct map_resolver *mr, const struct mr_health_params *p);
/* A Map-Referral from src:port: true when it answered a health probe. */
bool map_resolver_referral_input(struct map_resolver *mr, const uint8_t *msg, size_t len,
				 const struct lisp_addr *src, uint16_t src_port);
/* The delegations with their Map-Servers' health (REST, reload). */
struct mr_delegations *map_resolver_delegations(struct map_resolver *mr);
/* The health parameters in force; NULL when nothing is probed. */
const struct mr_health_params *map_resolver_health_params(const struct map_resolver *mr);
/* A reload: next keeps what prev knew of the Map-Servers both have. */
void map_resolver_carry_health(struct map_resolver *next, struct map_resolver *prev);

/* map-server.ddt-peers: the Map-Servers of this one's sites, itself
 * included, the referral set of its MS-ACK and MS-NOT-REGISTERED
 * Map-Referrals (ms_ddt.h); none, an empty set with the Incomplete bit. */
void map_resolver_set_ddt_peers(struct map_resolver *mr, const struct lisp_addr *peers,
				size_t count);

/* What lives in the same process (all optional): the ETR's database, which
 * registering xTR is that ETR, which addresses are ours, and the ETR's
 * input for requests handed to it. */
struct mr_local {
	void *arg;
	bool (*etr_serves)(void *arg, const struct lisp_prefix *eid);
	bool (*is_self)(void *arg, const struct reg_who *who);
	bool (*is_self_addr)(void *arg, const struct lisp_addr *addr);
	void (*etr_input)(void *arg, const uint8_t *ecm, size_t len);
};
void map_resolver_set_local(struct map_resolver *mr, const struct mr_local *local);

/* map-resolver.ddt (controlplane/ddt/ddt_mr.h): a record whose EID no
 * registration, local database, site or delegation here covers is handed
 * to fn (the DDT Map-Resolver) instead of a negative reply.  NULL: off. */
typedef void (*mr_ddt_fn)(void *arg, const struct lisp_ecm *ecm,
			  const struct lisp_map_request *req, uint8_t rec,
			  const struct lisp_prefix *eid, const struct lisp_addr *itr,
			  uint16_t itr_port);
void map_resolver_set_ddt(struct map_resolver *mr, mr_ddt_fn fn, void *arg);

/* An Encapsulated Control Message from src:port. */
void map_resolver_input(struct map_resolver *mr, const uint8_t *msg, size_t len,
			const struct lisp_addr *src, uint16_t src_port);

const struct mr_counters *map_resolver_counters(const struct map_resolver *mr);

#endif
