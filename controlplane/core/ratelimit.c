/* SPDX-License-Identifier: BSD-3-Clause */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

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
	uint64_t k0, k1;	/* the SipHash key, per table */
	uint64_t evictions;
	struct bucket *b;
};

struct ratelimit *ratelimit_new(uint32_t rate, uint32_t burst, size_t slots)
{
	struct ratelimit *rl = calloc(1, sizeof(*rl));
	uint64_t key[2];

	if (!rl)
		return NULL;
	rl->rate = rate;
	rl->burst = burst ? burst : 1;
	rl->slots = slots < PROBE ? PROBE : slots;
	rl->b = calloc(rl->slots, sizeof(*rl->b));
	if (!rl->b || getrandom(key, sizeof(key), 0) != sizeof(key)) {
		ratelimit_free(rl);
		return NULL;
	}
	rl->k0 = key[0];
	rl->k1 = key[1];
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

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13) ^ v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17) ^ v[2];
	v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 (Aumasson and Bernstein) of three 64-bit words: the AFI and
 * the 16 address bytes (an IPv4 address zero-padded). */
static uint64_t sip_hash3(uint64_t k0, uint64_t k1, const uint64_t m[3])
{
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
			  k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull };
	const uint64_t last = (uint64_t)24 << 56;	/* the length, no tail */

	for (int i = 0; i < 4; i++) {
		uint64_t w = i < 3 ? m[i] : last;

		v[3] ^= w;
		sip_round(v);
		sip_round(v);
		v[0] ^= w;
	}
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t src_key(const struct ratelimit *rl, const struct lisp_addr *a)
{
	uint64_t m[3] = { a->afi, 0, 0 };
	uint64_t h;

	memcpy(&m[1], a->v6, a->afi == LISP_AFI_IPV4 ? 4 : 16);
	h = sip_hash3(rl->k0, rl->k1, m);
	return h ? h : 1;	/* 0 marks a free bucket */
}

bool ratelimit_allow(struct ratelimit *rl, const struct lisp_addr *src, uint64_t now_ms)
{
	uint64_t key, cap = (uint64_t)rl->burst * 1000;
	struct bucket *b = NULL, *oldest;
	size_t base;

	if (rl->rate == 0)
		return true;	/* unlimited */
	key = src_key(rl, src);
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
