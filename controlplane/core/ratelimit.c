/* SPDX-License-Identifier: BSD-3-Clause */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "siphash.h"

/* Buckets live in sets of PROBE consecutive slots; a source hashes to one
 * set and evicts the least recently used bucket of that set. */
#define PROBE 8

struct bucket {
	uint64_t key;		/* siphash of the source; 0: unused */
	uint64_t last_ms;
	uint64_t tokens_milli;	/* tokens x 1000, to refill without floats */
};

_Static_assert(sizeof(struct bucket) == RATELIMIT_BUCKET_BYTES, "documented bucket size");

struct ratelimit {
	uint32_t rate, burst;
	size_t slots;
	struct siphash_key key;	/* per table */
	uint64_t evictions;
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
	if (!rl->b || siphash_key_new(&rl->key) < 0) {
		ratelimit_free(rl);
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

uint64_t ratelimit_evictions(const struct ratelimit *rl)
{
	return rl->evictions;
}

bool ratelimit_allow(struct ratelimit *rl, const struct lisp_addr *src, uint64_t now_ms)
{
	uint64_t key, cap = (uint64_t)rl->burst * 1000;
	struct bucket *b = NULL, *oldest;
	size_t base;

	if (rl->rate == 0)
		return true;	/* unlimited */
	key = siphash_addr(&rl->key, src);
	base = (size_t)((key >> 32) % (rl->slots - PROBE + 1));
	oldest = &rl->b[base];
	for (size_t i = base; i < base + PROBE; i++) {
		if (rl->b[i].key == key) {
			b = &rl->b[i];
			break;
		}
		if (oldest->key && (!rl->b[i].key || rl->b[i].last_ms < oldest->last_ms))
			oldest = &rl->b[i];
	}
	if (!b) {
		b = oldest;
		if (b->key)
			rl->evictions++;
		b->key = key;
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
