/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT node role (RFC 8111, sections 7.1 and 8.3): it answers
 * DDT-originated Map-Requests (an ECM with the D bit, RFC 8111 section
 * 5.2) with a Map-Referral, from its delegation table (ddt_tree.h):
 *  - a delegation covers the XEID: NODE-REFERRAL (child DDT nodes) or
 *    MS-REFERRAL (Map-Servers), the delegated prefix, its referral set,
 *    the referral TTL (default 1440 minutes);
 *  - inside an authoritative prefix, no delegation: DELEGATION-HOLE, the
 *    least-specific prefix around the XEID inside the authority that holds
 *    no delegation, no referral set, the hole TTL (default 15 minutes);
 *  - outside every authoritative prefix: NOT-AUTHORITATIVE, the requested
 *    EID-prefix as it came, Incomplete bit set, TTL 0 (RFC 8111, section
 *    6: "The EID-prefix returned MUST be the original requested EID and
 *    the TTL MUST be set to 0").
 * The Map-Referral carries the request's nonce and goes back to where the
 * ECM came from (address and UDP port): the DDT client that sent it
 * follows the referral itself (RFC 8111, section 7.3); the ITR-RLOCs of
 * the inner request are the ITR's, for the final Map-Reply.
 *
 * One record is answered per request (RFC 9301, 5.2: a sender puts one in;
 * the others are counted, request_records_ignored), so that a request
 * cannot multiply its answer.  Each source is rate-limited, and the
 * Map-Referrals sent, all sources together, take a token of one global
 * bucket.  Every record is checked against RFC 8111's table
 * (lisp_referral_record_check) before it is sent.
 *
 * A non-DDT ECM is left to the process's other roles; on a process where
 * no other role takes ECMs it is dropped and counted (requests_not_ddt):
 * a DDT node has no Map-Reply to give, and RFC 8111 sends Map-Referrals
 * only to requests with the D bit (section 5.2).
 */
#ifndef LISPGW_DDT_NODE_H
#define LISPGW_DDT_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ddt_tree.h"
#include "evloop.h"
#include "udp_io.h"

struct ddt_node_params {
	uint32_t referral_ttl_min;	/* NODE-/MS-REFERRAL (RFC 8111: 1440) */
	uint32_t hole_ttl_min;		/* DELEGATION-HOLE (RFC 8111: 15) */
	uint32_t rate;			/* requests/s per source; 0 unlimited */
	uint32_t burst;
	uint32_t rate_sources;		/* per-source buckets (ratelimit.h) */
	uint32_t global_rate;		/* Map-Referrals/s, all; 0 unlimited */
	uint32_t global_burst;
};

#define DDT_NODE_COUNTERS(X)            \
	X(requests_received)            \
	X(request_decode_errors)        \
	X(requests_not_ddt)             \
	X(requests_rate_limited)        \
	X(rate_limit_sources_evicted)   \
	X(referrals_global_limited)     \
	X(request_records_ignored)      \
	X(requests_unanswerable)        \
	X(requests_to_map_server)       \
	X(referral_check_failed)        \
	X(referral_encode_errors)       \
	X(referrals_sent)               \
	X(node_referrals)               \
	X(ms_referrals)                 \
	X(delegation_holes)             \
	X(not_authoritative)

struct ddt_node_counters {
#define DDT_NODE_COUNTER_FIELD(name) uint64_t name;
	DDT_NODE_COUNTERS(DDT_NODE_COUNTER_FIELD)
#undef DDT_NODE_COUNTER_FIELD
};

/* What else runs in the process (all optional). */
struct ddt_node_local {
	void *arg;
	/* A Map-Server here has a site for xeid: a DDT-originated request
	 * the tree has no delegation for is that Map-Server's to answer
	 * (MS-ACK / MS-NOT-REGISTERED, RFC 8111 section 7.2). */
	bool (*ms_serves)(void *arg, const struct lisp_prefix *xeid);
	/* Another role takes the non-DDT ECMs (Map-Resolver, ETR). */
	bool others_take_ecms;
};

struct ddt_node;

void ddt_node_params_default(struct ddt_node_params *p);
/* Takes tree (freed with the node). */
struct ddt_node *ddt_node_new(struct evloop *loop, const struct ddt_node_params *p,
			      struct ddt_tree *tree, lisp_send_fn send, void *send_arg);
void ddt_node_free(struct ddt_node *n);
void ddt_node_set_local(struct ddt_node *n, const struct ddt_node_local *local);

/* A reload: the new table and parameters replace the old whole (the old
 * table is freed; counters and rate-limit state stay). */
void ddt_node_reconfigure(struct ddt_node *n, const struct ddt_node_params *p,
			  struct ddt_tree *tree);

/* An ECM from src:port.  True when the node took it (answered, or
 * dropped and counted); false when it is another role's: not DDT-originated
 * and others_take_ecms, or for the local Map-Server (ms_serves). */
bool ddt_node_input(struct ddt_node *n, const uint8_t *msg, size_t len,
		    const struct lisp_addr *src, uint16_t src_port);

const struct ddt_node_counters *ddt_node_counters(const struct ddt_node *n);
const struct ddt_tree *ddt_node_tree(const struct ddt_node *n);
const struct ddt_node_params *ddt_node_params(const struct ddt_node *n);

#endif
