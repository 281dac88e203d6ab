/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-source token buckets for Map-Requests (RFC 9301, section 5.3: a
 * Map-Resolver or ETR rate-limits the Map-Requests it answers).  A fixed
 * table of buckets keyed by source address; when the table is full the
 * stalest bucket is recycled, so a flood of spoofed sources costs memory
 * bounded by the table, never more.
 *
 * A bucket holds no address, only a keyed 64-bit hash of it (SipHash-2-4,
 * its key drawn at random per table): RATELIMIT_BUCKET_BYTES per source,
 * and a sender cannot choose addresses that collide, or that all land in
 * one set of the table to push a busy source's bucket out.
 */
#ifndef LISPGW_RATELIMIT_H
#define LISPGW_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

/* What one source costs (docs/security.md, "Bounded state per sender"). */
#define RATELIMIT_BUCKET_BYTES	24

struct ratelimit;

/* rate: tokens per second; burst: bucket depth; slots: table size. */
struct ratelimit *ratelimit_new(uint32_t rate, uint32_t burst, size_t slots);
void ratelimit_free(struct ratelimit *rl);

/* Takes one token for src at now_ms; false when the source is over its rate. */
bool ratelimit_allow(struct ratelimit *rl, const struct lisp_addr *src, uint64_t now_ms);

/* How many sources a full table has pushed out to make room: a flood of
 * sources larger than the table (docs/security.md). */
uint64_t ratelimit_evictions(const struct ratelimit *rl);

#endif
