/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One token bucket: a rate a second and a burst, all senders together.
 * The per-source table (ratelimit.h) is keyed by an address a spoofing
 * sender chooses; this one is not keyed at all, so no number of spoofed
 * sources gets more than its rate out of what it guards (the replies a
 * Map-Resolver or ETR sends to unauthenticated requests, the Map-Requests
 * an ITR sends when solicited).  Time comes from the caller (the event
 * loop's clock), so tests run it on the test clock.
 */
#ifndef LISPGW_TOKEN_BUCKET_H
#define LISPGW_TOKEN_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct token_bucket {
	uint32_t rate;		/* tokens a second; 0: unlimited */
	uint32_t burst;		/* depth */
	uint64_t milli;		/* tokens x 1000, to refill without floats */
	uint64_t last_ms;
};

/* Full at now_ms. */
void token_bucket_init(struct token_bucket *tb, uint32_t rate, uint32_t burst, uint64_t now_ms);
/* One token at now_ms; false when none is left (the caller counts it). */
bool token_bucket_take(struct token_bucket *tb, uint64_t now_ms);

#endif
