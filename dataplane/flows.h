/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Instance affinity (docs/dataplane.md, "Flow affinity"): a flow that has
 * started keeps its RLOC when the mapping's priorities and weights change
 * (CATS metrics re-rank the instances), new flows follow the new ranking,
 * and a flow whose RLOC went down or left the set moves.
 *
 * One table per worker, written by that worker alone: no lock, no atomic,
 * no allocation after creation.  4-way set-associative buckets of one cache
 * line, entries keyed by (Instance-ID, inner flow hash), each holding a tag
 * of the RLOC address it is pinned to and when it was last seen.  A flow
 * idle for idle_ms is forgotten; a full bucket evicts its least recently
 * seen entry (counted).  A flow hash collision pins two flows together:
 * 32 bits of hash per Instance-ID make that rare and harmless (both keep
 * one valid RLOC).
 */
#ifndef LISPGW_DP_FLOWS_H
#define LISPGW_DP_FLOWS_H

#include <stdint.h>

#include <rte_common.h>

#include "counters.h"
#include "tables.h"

#define DP_FLOWS_WAYS	4

struct dp_flow {
	uint64_t key;		/* iid << 32 | flow hash; 0: empty */
	uint32_t rloc_tag;	/* dp_rloc.tag of the pinned RLOC */
	uint32_t seen_ms;	/* last packet, dp_flows_now() */
};

struct dp_flows_bucket {
	struct dp_flow e[DP_FLOWS_WAYS];
} __rte_cache_aligned;

struct dp_flows {
	uint32_t mask;		/* buckets - 1 */
	uint32_t idle_ms;
	uint64_t tsc_per_ms;
	struct dp_flows_bucket b[];
};

/* At least entries flows (rounded up to a power of two of buckets), on
 * socket; NULL when entries is 0 or no memory. */
struct dp_flows *dp_flows_create(uint32_t entries, uint32_t idle_ms, int socket);
void dp_flows_free(struct dp_flows *f);

/* Milliseconds for seen_ms, from the TSC (wraps after 49 days: harmless,
 * idle comparisons are modular). */
static inline uint32_t dp_flows_now(const struct dp_flows *f, uint64_t tsc)
{
	return (uint32_t)(tsc / f->tsc_per_ms);
}

/* Live flows (seen within idle_ms of now): a walk, for telemetry. */
uint32_t dp_flows_count(const struct dp_flows *f, uint32_t now);

/* The RLOC of the flow (iid, hash) in m, which has a usable RLOC: the one
 * it is pinned to while that is still in m and usable, else m's choice by
 * hash (dp_mapping_rloc()), pinned from now on. */
static inline const struct dp_rloc *dp_flows_rloc(struct dp_flows *f, const struct dp_mapping *m,
						  uint32_t iid, uint32_t hash, uint32_t now,
						  struct dp_counters *ctr)
{
	struct dp_flows_bucket *b = &f->b[hash & f->mask];
	uint64_t key = (uint64_t)(iid + 1) << 32 | hash;	/* never 0 */
	struct dp_flow *victim = &b->e[0];
	const struct dp_rloc *r;
	uint32_t best = 0;

	for (unsigned int i = 0; i < DP_FLOWS_WAYS; i++) {
		struct dp_flow *e = &b->e[i];
		uint32_t score;

		if (e->key == key && now - e->seen_ms <= f->idle_ms) {
			for (unsigned int j = 0; j < m->n_rlocs; j++) {
				r = &m->rlocs[j];
				if (r->tag == e->rloc_tag && r->usable) {
					e->seen_ms = now;
					dp_ctr_inc(ctr, DP_CTR_FLOW_HIT);
					return r;
				}
			}
			/* Its RLOC is down or gone: the flow moves. */
			r = dp_mapping_rloc(m, hash);
			e->rloc_tag = r->tag;
			e->seen_ms = now;
			dp_ctr_inc(ctr, DP_CTR_FLOW_MOVED);
			return r;
		}
		/* Free or idle (this flow's own idle entry too: it starts
		 * afresh) beats everything; else the longest unseen. */
		score = e->key == 0 || now - e->seen_ms > f->idle_ms ? UINT32_MAX :
									 now - e->seen_ms;
		if (i == 0 || score > best) {
			best = score;
			victim = e;
		}
	}
	if (best != UINT32_MAX)
		dp_ctr_inc(ctr, DP_CTR_FLOW_EVICTED);
	r = dp_mapping_rloc(m, hash);
	*victim = (struct dp_flow){ .key = key, .rloc_tag = r->tag, .seen_ms = now };
	dp_ctr_inc(ctr, DP_CTR_FLOW_NEW);
	return r;
}

#endif
