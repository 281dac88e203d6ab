/* SPDX-License-Identifier: BSD-3-Clause */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

/* Buckets live in sets of PROBE consecutive slots; a source hashes to one
 * set and evicts the least recently used bucket of that set. */
#define PROBE 8

struct bucket {
	struct lisp_addr src;
	uint64_t last_ms;
	uint64_t tokens_milli;	/* tokens x 1000, to refill without floats */
	bool used;
};

struct ratelimit {
	uint32_t rate, burst;
	size_t slots;
	struct bucket *b;
};

struct ratelimit *ratelimit_new(uint32_t rate, uint32_t burst, size_t slots)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));

	if (!rl)
		return NULL;
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
	rl->slots = slots < PROBE ? PROBE : slots;
	rl->b = calloc(rl->slots, sizeof(*rl->b));
	if (!rl->b) {
		free(rl);
		return NULL;
	}
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (rl)
		free(rl->b);
	free(rl);
}

static size_t src_hash(const struct lisp_addr *a)
{
	uint64_t h = 1469598103934665603ull ^ a->afi;
	size_t n = lisp_addr_wire_len(a);

	for (size_t i = 0; i < n && i < 16; i++)
		h = (h ^ a->v6[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

bool ratelimit_allow(struct ratelimit *rl, const struct lisp_addr *src, uint64_t now_ms)
{
	size_t base = src_hash(src) % (rl->slots - PROBE + 1);
	struct bucket *b = NULL, *oldest = &rl->b[base];
	uint64_t cap = (uint64_t)rl->burst * 1000;

	if (rl->rate == 0)
		return true;	/* unlimited */
	for (size_t i = base; i < base + PROBE; i++) {
		if (rl->b[i].used && lisp_addr_equal(&rl->b[i].src, src)) {
			b = &rl->b[i];
			break;
		}
		if (!rl->b[i].used || rl->b[i].last_ms < oldest->last_ms)
			oldest = &rl->b[i];
	}
	if (!b) {
		b = oldest;
		b->used = true;
		b->src = *src;
		b->tokens_milli = cap;
		b->last_ms = now_ms;
	}
	if (now_ms > b->last_ms) {
		uint64_t add = (now_ms - b->last_ms) * rl->rate;

		b->tokens_milli = b->tokens_milli + add > cap ? cap : b->tokens_milli + add;
		b->last_ms = now_ms;
	}
	if (b->tokens_milli < 1000)
		return false;
	b->tokens_milli -= 1000;
	return true;
}
