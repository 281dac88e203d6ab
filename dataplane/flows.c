// SPDX-License-Identifier: BSD-3-Clause
/*
 * Instance affinity: the per-worker flow table (flows.h).  Creation and
 * the telemetry walk; the lookup is inline in flows.h.
 */
#include <rte_cycles.h>
#include <rte_malloc.h>

#include "flows.h"

struct dp_flows *dp_flows_create(uint32_t entries, uint32_t idle_ms, int socket)
{
	uint32_t buckets;
	struct dp_flows *f;

	if (!entries || idle_ms == 0)
		return NULL;
	buckets = rte_align32pow2((entries + DP_FLOWS_WAYS - 1) / DP_FLOWS_WAYS);
	f = rte_zmalloc_socket("dp_flows",
			       sizeof(*f) + (size_t)buckets * sizeof(struct dp_flows_bucket),
			       RTE_CACHE_LINE_SIZE, socket);
	if (!f)
		return NULL;
	f->mask = buckets - 1;
	f->idle_ms = idle_ms;
	f->tsc_per_ms = rte_get_tsc_hz() / 1000;
	if (!f->tsc_per_ms)
		f->tsc_per_ms = 1;
	return f;
}

void dp_flows_free(struct dp_flows *f)
{
	rte_free(f);
}

uint32_t dp_flows_count(const struct dp_flows *f, uint32_t now)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i <= f->mask; i++)
		for (unsigned int w = 0; w < DP_FLOWS_WAYS; w++) {
			const struct dp_flow *e = &f->b[i].e[w];

			n += e->key != 0 && now - e->seen_ms <= f->idle_ms;
		}
	return n;
}
