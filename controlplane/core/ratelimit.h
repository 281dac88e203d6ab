/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-source token buckets for Map-Requests (RFC 9301, section 5.3: a
 * Map-Resolver or ETR rate-limits the Map-Requests it answers).  A fixed
 * table of buckets keyed by source address; when the table is full the
 * stalest bucket is recycled, so a flood of spoofed sources costs memory
 * bounded by the table, never more.
 */
#ifndef LISPGW_RATELIMIT_H
#define LISPGW_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

struct ratelimit;

/* rate: tokens per second; burst: bucket depth; slots: table size. */
struct ratelimit *ratelimit_new(uint32_t rate, uint32_t burst, size_t slots);
void ratelimit_free(struct ratelimit *rl);

/* Takes one token for src at now_ms; false when the source is over its rate. */
bool ratelimit_allow(struct ratelimit *rl, const struct lisp_addr *src, uint64_t now_ms);

#endif
