/* SPDX-License-Identifier: BSD-3-Clause */
/* A worker's miss ring and rate limiter (miss.h); the fast path is inline
 * there, this is their life cycle. */
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "miss.h"

_Static_assert(sizeof(struct dp_miss_ev) % 4 == 0, "rte_ring elements are 4-byte multiples");
_Static_assert((DP_MISS_RL_BUCKETS & (DP_MISS_RL_BUCKETS - 1)) == 0, "buckets: a power of two");

uint64_t dp_miss_interval_tsc(void)
{
	return rte_get_tsc_hz() / 1000 * DP_MISS_INTERVAL_MS;
}

struct dp_miss *dp_miss_create(unsigned int tid, int socket, uint64_t interval_tsc)
{
	char name[RTE_RING_NAMESIZE];
	struct dp_miss *m;

	m = rte_zmalloc_socket("dp_miss", sizeof(*m), RTE_CACHE_LINE_SIZE, socket);
	if (!m) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(name, sizeof(name), "dp_miss_%u", tid);
	m->ring = rte_ring_create_elem(name, sizeof(struct dp_miss_ev), DP_MISS_RING, socket,
				       RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!m->ring) {
		rte_free(m);
		return NULL;
	}
	m->interval_tsc = interval_tsc;
	return m;
}

void dp_miss_free(struct dp_miss *m)
{
	if (!m)
		return;
	rte_ring_free(m->ring);
	rte_free(m);
}
