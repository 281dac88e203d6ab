/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the ring tests (test_dp_channel_ring.c, _threads.c): a region
 * mapped twice, as by the two processes, and deterministic payloads.
 */
#ifndef LISPGW_TEST_DP_CHANNEL_RING_H
#define LISPGW_TEST_DP_CHANNEL_RING_H

#include <stdint.h>
#include <unistd.h>

#include "check_util.h"
#include "dp_channel.h"

/* Check's ck_assert records a mark point per call (a write to its log):
 * far too slow for loops over millions of records.  This one only costs a
 * branch. */
#define CHECK(expr)                                                                  \
	do {                                                                         \
		if (!(expr))                                                         \
			ck_abort_msg("%s:%d: check failed: %s", __FILE__, __LINE__, #expr); \
	} while (0)

/* The DP's handles (created) and the CP's (attached to a dup of the
 * memfd: a second mapping, as in another process). */
static inline void pair_make(uint32_t cp_slots, uint32_t dp_slots, struct dp_channel_map *dp,
			     struct dp_channel_map *cp)
{
	ck_assert_int_eq(dp_channel_region_create(cp_slots, dp_slots, 7, dp), 0);
	ck_assert_int_eq(dp_channel_region_attach(dup(dp->fd), cp), 0);
	ck_assert_uint_eq(cp->generation, 7);
	ck_assert_ptr_ne(dp->base, cp->base);
}

static inline void pair_free(struct dp_channel_map *dp, struct dp_channel_map *cp)
{
	dp_channel_region_release(dp);
	dp_channel_region_release(cp);
}

/* Deterministic payload bytes of record seq. */
static inline void fill(uint8_t *p, size_t len, uint32_t seq)
{
	uint32_t x = seq * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

#endif
