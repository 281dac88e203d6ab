/* SPDX-License-Identifier: BSD-3-Clause */
#include "token_bucket.h"

void token_bucket_init(struct token_bucket *tb, uint32_t rate, uint32_t burst, uint64_t now_ms)
{
	tb->rate = rate;
	tb->burst = burst ? burst : 1;
	tb->milli = (uint64_t)tb->burst * 1000;
	tb->last_ms = now_ms;
}

bool token_bucket_take(struct token_bucket *tb, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)tb->burst * 1000;

	if (tb->rate == 0)
		return true;
	if (now_ms > tb->last_ms) {
		uint64_t gap = now_ms - tb->last_ms;

		/* A long idle gap fills it (and never overflows the product). */
		if (gap >= cap / tb->rate)
			tb->milli = cap;
		else
			tb->milli = tb->milli + gap * tb->rate > cap ? cap : tb->milli + gap * tb->rate;
		tb->last_ms = now_ms;
	}
	if (tb->milli < 1000)
		return false;
	tb->milli -= 1000;
	return true;
}
