/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a Map-Request that is not answered here goes next (RFC 9301,
 * sections 8.1 and 8.2):
 *  - a Map-Resolver without the EID's Map-Server forwards the ECM to the
 *    Map-Server configured for the EID (map-resolver.map-servers: longest
 *    match per Instance-ID);
 *  - a Map-Server whose registration did not ask for proxy replies forwards
 *    it to an RLOC the ETR registered (never to the Map-Register's UDP
 *    source: that may be a NAT, a relay, or this very process).
 * Every forward re-encapsulates with the inner TTL one lower and drops the
 * ECM when it reaches zero: a misconfiguration that points servers at each
 * other loops a bounded number of times, not forever.
 */
#ifndef LISPGW_MR_FORWARD_H
#define LISPGW_MR_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lisp_msg.h"
#include "registry.h"

/* What the Map-Resolver knows of one Map-Server of a delegation: whether
 * it answers its probes (mr_health.h), and what went to it. */
struct mr_ms_health {
	bool up;			/* until misses probes in a row go unanswered */
	bool probe_out;			/* a probe awaits its Map-Referral */
	unsigned int misses;		/* probes in a row unanswered */
	uint64_t probe_nonce;
	uint64_t last_answer_ms;	/* 0: never */
	uint64_t forwarded;		/* requests sent on to it */
	uint64_t probes_sent, probes_answered;
	uint64_t went_down, went_up;	/* state changes */
};

struct mr_ms {
	struct lisp_addr addr;
	uint16_t port;
	struct mr_ms_health h;
};

/* A delegated prefix and its Map-Servers, in configuration order. */
struct mr_deleg {
	struct lisp_prefix eid;
	uint64_t forwarded;		/* requests sent on for this prefix */
	uint64_t all_down;		/* of them, while no Map-Server was up */
	size_t count;
	struct mr_ms ms[];
};

/* The EID space each Map-Server serves, per Instance-ID. */
struct mr_delegations;

struct mr_delegations *mr_delegations_new(void);
void mr_delegations_free(struct mr_delegations *d);
/* Several Map-Servers may serve one prefix, tried in the order added; a
 * Map-Server starts up. */
int mr_delegations_add(struct mr_delegations *d, const struct lisp_prefix *eid,
		       const struct mr_ms *ms);
size_t mr_delegations_count(const struct mr_delegations *d);
/* Where a request for eid goes (RFC 9301 8.1 leaves the choice among a
 * prefix's Map-Servers to the Map-Resolver): the longest delegated prefix
 * covering eid, its first Map-Server that is up; none up, still the first
 * (all_down counted): a Map-Server that stopped answering probes may yet
 * answer requests.  Counts the forward.  NULL when no prefix covers eid. */
struct mr_ms *mr_delegations_pick(struct mr_delegations *d, const struct lisp_prefix *eid);
struct mapdb *mr_delegations_db(const struct mr_delegations *d);
/* Every delegation, in prefix order; fn's non-zero return stops the walk. */
int mr_delegations_walk(struct mr_delegations *d, int (*fn)(struct mr_deleg *dl, void *arg),
			void *arg);
/* Health and counters of every Map-Server of from that to also has (same
 * prefix, address and port) move to to: a reload keeps what it knows. */
void mr_delegations_carry(struct mr_delegations *to, struct mr_delegations *from);

/* The ECM for the next hop, inner TTL decremented (checksums rewritten).
 * 0 when the hop limit is spent; negative on encode errors. */
ssize_t mr_ecm_next_hop(const struct lisp_ecm *in, uint8_t *out, size_t cap);

/*
 * The next hops of one Map-Request and the EID-records each is handed.
 * RFC 9301 (5.2, Record Count) has a receiver process a Map-Request with
 * several records but a sender send only one: forwarding the whole ECM
 * once per record turned one request into Record Count copies of itself.
 * A next hop gets one ECM carrying only its records, and a request has at
 * most max next hops (map-resolver.forward-next-hops), so what is
 * forwarded is never more than max times what came in.
 */
#define MR_HOPS_MAX	16

enum mr_hop_kind {
	MR_HOP_ETR,		/* an RLOC a registered ETR gave */
	MR_HOP_MS,		/* a delegated Map-Server */
	MR_HOP_LOCAL,		/* this process's ETR, called directly */
};

struct mr_hop {
	enum mr_hop_kind kind;
	struct lisp_addr addr;	/* not for MR_HOP_LOCAL */
	uint16_t port;
	uint8_t count;
	uint8_t recs[255];	/* indexes into the request's records */
};

struct mr_hops {
	unsigned int count, max;
	struct mr_hop hop[MR_HOPS_MAX];
};

void mr_hops_reset(struct mr_hops *h, unsigned int max);
/* Hands record rec to the hop (kind, addr, port), a new one if needed;
 * -ENOSPC when that would pass max. */
int mr_hops_add(struct mr_hops *h, enum mr_hop_kind kind, const struct lisp_addr *addr,
		uint16_t port, uint8_t rec);
/* The ECM for hop: ecm as received, one hop further, with only the hop's
 * records when it is not handed all of req's (the Map-Request encoded
 * again, into arena).  As mr_ecm_next_hop. */
ssize_t mr_hop_ecm(const struct mr_hop *hop, const struct lisp_ecm *ecm,
		   const struct lisp_map_request *req, struct lisp_arena *arena, uint8_t *out,
		   size_t cap);

/* The registered RLOC a Map-Server forwards a request for e to: among the
 * registering xTRs in order, the best-priority unicast locator (255 is not
 * for unicast), reachable ones first.  An xTR for which skip() says true
 * (this process's own ETR) is passed over and *skipped is set.  False when
 * no xTR registered a usable RLOC. */
bool mr_etr_rloc(const struct reg_eid *e, struct lisp_arena *a,
		 bool (*skip)(void *arg, const struct reg_xtr *x), void *skip_arg,
		 struct lisp_addr *out, bool *skipped);

#endif
