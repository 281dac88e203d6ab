/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The health of the Map-Servers a Map-Resolver forwards to
 * (map-resolver.map-servers, several per delegation): every interval, each
 * Map-Server of each delegation gets a probe, a DDT-originated Map-Request
 * (ECM with the D bit, RFC 8111) for the delegation's prefix, which a
 * Map-Server answers with a Map-Referral (MS-ACK, MS-NOT-REGISTERED, or
 * NOT-AUTHORITATIVE when the prefix is not its: any answer shows it alive;
 * ms_ddt.h).  A Map-Server that leaves misses probes in a row unanswered is
 * marked down (logged, went_down) and passed over by mr_delegations_pick;
 * the first answer marks it up again (went_up).  An answer counts only
 * from the probed address with the probe's nonce (64 random bits), found
 * by one lookup in an index of the outstanding probes: a flood of made-up
 * Map-Referrals costs a decode and a lookup each.
 *
 * A Map-Server is marked down at most (misses + 1) x interval after it
 * fell silent: the probe sent just before it died is missed at the next
 * round, and misses rounds later it is down.
 *
 * The probe's ITR-RLOC is this process's own address of the Map-Server's
 * family (a proxy Map-Reply to it, were the prefix registered whole, is
 * counted by the ITR as unsolicited, never acted on).  Work per round: one
 * probe per Map-Server per delegation.
 */
#ifndef LISPGW_MR_HEALTH_H
#define LISPGW_MR_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "mr_forward.h"
#include "udp_io.h"

struct mr_health_params {
	uint32_t interval_ms;		/* 0: no probes, every Map-Server stays up */
	unsigned int misses;		/* unanswered probes in a row: down */
	struct lisp_addr self4, self6;	/* ITR-RLOCs of the probes (AFI 0: none) */
};

#define MR_HEALTH_COUNTERS(X)                                             \
	X(health_probes_sent)                                             \
	X(health_answers)            /* Map-Referrals matching a probe */ \
	X(health_answers_unmatched)  /* no probe of that nonce and source */ \
	X(health_answers_malformed)  /* a Map-Referral that does not decode */ \
	X(health_probe_errors)       /* a probe that could not be built */ \
	X(health_went_down)                                               \
	X(health_went_up)

struct mr_health_counters {
#define MR_HEALTH_FIELD(name) uint64_t name;
	MR_HEALTH_COUNTERS(MR_HEALTH_FIELD)
#undef MR_HEALTH_FIELD
};

struct mr_health;

struct mr_health *mr_health_new(struct evloop *loop, struct mr_delegations *d,
				const struct mr_health_params *p, lisp_send_fn send, void *arg);
void mr_health_free(struct mr_health *h);
/* A Map-Referral from src: true when it answers one of our probes. */
bool mr_health_referral_input(struct mr_health *h, const uint8_t *msg, size_t len,
			      const struct lisp_addr *src);
/* After the delegations' health was carried over from another (a
 * reload): their outstanding probes are answered here too. */
int mr_health_reindex(struct mr_health *h);
/* One round now (the timer's work; tests drive it). */
void mr_health_round(struct mr_health *h);
const struct mr_health_counters *mr_health_counters(const struct mr_health *h);
const struct mr_health_params *mr_health_params(const struct mr_health *h);

#endif
