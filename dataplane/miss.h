/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Misses, from a worker to the control thread (docs/dataplane.md, "Miss
 * behaviour"): when encap finds no mapping for a destination, or a
 * negative one whose action is send-map-request, the packet is dropped and
 * the worker notes the EID here.  At most one event per EID and interval
 * (DP_MISS_INTERVAL_MS) goes into the worker's own single-producer /
 * single-consumer ring; the main lcore drains every worker's ring
 * (channel.c) and hands the events to lispgw-cp as DP_MSG_MISS, whose ITR
 * sends the Map-Request.
 *
 * The rate limiter is a 2-way set-associative table of DP_MISS_RL_BUCKETS
 * buckets keyed by a CRC of (Instance-ID, destination): each way holds the
 * key's hash, the TSC of its last event and the misses suppressed since.
 * A key not in its bucket takes the way whose last event is older; if both
 * ways had an event within the interval, the miss is suppressed too.  So
 * a way emits at most once an interval whatever the traffic — a worker
 * sends at most 2 * DP_MISS_RL_BUCKETS events a second even under a
 * destination scan — at the price that, under such pressure, an EID can be
 * suppressed for an interval it had no event in.
 *
 * Fast-path rules: no lock, no syscall, no allocation; the table is the
 * worker's own (32 KiB: 32 bytes a bucket), the ring is an rte_ring of
 * 48-byte elements.  A full ring drops the event (counted) and leaves the
 * table untouched, so the EID's next miss tries again.
 */
#ifndef LISPGW_DP_MISS_H
#define LISPGW_DP_MISS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "counters.h"

/* At most one event per EID and interval; lispgw-cp's ITR retransmits on
 * its own, so a second (the RFC 9301 5.3 initial retransmit) is enough. */
#define DP_MISS_INTERVAL_MS	1000
#define DP_MISS_RL_BUCKETS	1024	/* a power of two; 2 ways each */
#define DP_MISS_RING		1024	/* events a worker may have queued */

/* One miss event: what DP_MSG_MISS needs, in the worker's own layout. */
struct dp_miss_ev {
	uint32_t iid;
	uint32_t packets;		/* misses of the EID since its previous event, this one included */
	uint8_t af;			/* 4 or 6 */
	uint8_t src_af;			/* 4 or 6 */
	uint8_t rsvd[6];
	uint8_t dst[16];		/* network order; IPv4 in dst[0..3] */
	uint8_t src[16];
};

struct dp_miss_way {
	uint64_t last_tsc;		/* 0: never */
	uint32_t hash;
	uint32_t suppressed;		/* since last_tsc */
};

struct dp_miss_bucket {
	struct dp_miss_way way[2];
};

struct dp_miss {
	struct rte_ring *ring;		/* SP (the worker) / SC (the main lcore) */
	uint64_t interval_tsc;
	struct dp_miss_bucket bucket[DP_MISS_RL_BUCKETS] __rte_cache_aligned;
} __rte_cache_aligned;

/* On socket, ring named after tid; interval_tsc: 0 lets every miss
 * through (tests).  NULL + rte_errno. */
struct dp_miss *dp_miss_create(unsigned int tid, int socket, uint64_t interval_tsc);
void dp_miss_free(struct dp_miss *m);
/* The default interval in TSC ticks. */
uint64_t dp_miss_interval_tsc(void);

/* The main lcore: up to n events out of the worker's ring. */
static inline unsigned int dp_miss_dequeue(struct dp_miss *m, struct dp_miss_ev *ev,
					   unsigned int n)
{
	return rte_ring_sc_dequeue_burst_elem(m->ring, ev, sizeof(*ev), n, NULL);
}

/*
 * The worker, for a packet that missed: ip points at its (checked) IPv4 or
 * IPv6 header.  Counts the outcome in ctr: miss_events, miss_suppressed or
 * miss_ring_full.
 */
static __rte_always_inline void dp_miss_note(struct dp_miss *m, struct dp_counters *ctr,
					     uint32_t iid, const uint8_t *ip, const int is_ip4,
					     uint64_t now)
{
	/* IPv4: src at 12, dst at 16; IPv6: src at 8, dst at 24. */
	const uint8_t *src = ip + (is_ip4 ? 12 : 8), *dst = ip + (is_ip4 ? 16 : 24);
	struct dp_miss_bucket *b;
	struct dp_miss_way *w;
	struct dp_miss_ev ev;
	uint32_t h;

	if (is_ip4) {
		uint32_t a;

		memcpy(&a, dst, 4);
		h = rte_hash_crc_4byte(a, iid);
	} else {
		uint64_t a[2];

		memcpy(a, dst, 16);
		h = rte_hash_crc_8byte(a[1], rte_hash_crc_8byte(a[0], iid));
	}
	b = &m->bucket[h & (DP_MISS_RL_BUCKETS - 1)];
	if (b->way[0].hash == h && b->way[0].last_tsc)
		w = &b->way[0];
	else if (b->way[1].hash == h && b->way[1].last_tsc)
		w = &b->way[1];
	else	/* a newcomer takes the way idle the longest */
		w = b->way[0].last_tsc <= b->way[1].last_tsc ? &b->way[0] : &b->way[1];
	if (w->last_tsc && now - w->last_tsc < m->interval_tsc) {
		/* Within the interval (of this EID, or of the two EIDs the
		 * bucket already serves). */
		if (w->hash == h)
			w->suppressed++;
		dp_ctr_inc(ctr, DP_CTR_MISS_SUPPRESSED);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.iid = iid;
	ev.af = is_ip4 ? 4 : 6;
	ev.src_af = ev.af;
	ev.packets = 1 + (w->hash == h && w->last_tsc ? w->suppressed : 0);
	memcpy(ev.dst, dst, is_ip4 ? 4 : 16);
	memcpy(ev.src, src, is_ip4 ? 4 : 16);
	if (unlikely(rte_ring_sp_enqueue_elem(m->ring, &ev, sizeof(ev)) != 0)) {
		dp_ctr_inc(ctr, DP_CTR_MISS_RING_FULL);
		return;
	}
	w->hash = h;
	w->last_tsc = now ? now : 1;
	w->suppressed = 0;
	dp_ctr_inc(ctr, DP_CTR_MISS_EVENTS);
}

#endif
