/* SPDX-License-Identifier: BSD-3-Clause */
#include "siphash.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int siphash_key_new(struct siphash_key *k)
{
	uint64_t key[2];

	if (getrandom(key, sizeof(key), 0) != sizeof(key))
		return -EIO;
	k->k0 = key[0];
	k->k1 = key[1];
	return 0;
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

/* SipHash-2-4 of three 64-bit words: the AFI and the 16 address bytes (an
 * IPv4 address zero-padded). */
static uint64_t sip_hash3(const struct siphash_key *k, const uint64_t m[3])
{
	uint64_t v[4] = { k->k0 ^ 0x736f6d6570736575ull, k->k1 ^ 0x646f72616e646f6dull,
			  k->k0 ^ 0x6c7967656e657261ull, k->k1 ^ 0x7465646279746573ull };
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

uint64_t siphash_u64(const struct siphash_key *k, uint64_t v)
{
	uint64_t m[3] = { 0xffff, v, 0 };	/* no AFI is 0xffff: never an address's */

	return sip_hash3(k, m);
}

uint64_t siphash_addr(const struct siphash_key *k, const struct lisp_addr *a)
{
	uint64_t m[3] = { a->afi, 0, 0 };
	uint64_t h;

	memcpy(&m[1], a->v6, a->afi == LISP_AFI_IPV4 ? 4 : 16);
	h = sip_hash3(k, m);
	return h ? h : 1;
}
