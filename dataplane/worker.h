/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores: one cache-aligned context each, owning its RX queues, a
 * TX queue and buffer on every port, its counters and its PRNG.  The loop:
 * drain TX on a TSC timer, RX bursts of 32 from each queue, encapsulate or
 * decapsulate by the port's role, report RCU quiescence, back off when
 * idle (docs/dataplane.md, "Workers").
 */
#ifndef LISPGW_DP_WORKER_H
#define LISPGW_DP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "counters.h"

struct dp_app;
struct dp_miss;
struct dp_port;
struct dp_tables;

#define DP_BURST		32
#define DP_PREFETCH_OFFSET	3
#define DP_WORKER_RXQ_MAX	16
#define DP_PUNT_RING		512	/* frames to or from the control thread */

/* Idle back-off: this many empty polls spin, then as many rte_pause(),
 * then the worker sleeps (RCU offline) 1 us, doubling up to max. */
#define DP_IDLE_SPIN_POLLS	64
#define DP_IDLE_PAUSE_POLLS	1024
#define DP_IDLE_SLEEP_MAX_US	1000

struct dp_rxq {
	uint16_t port_id;
	uint16_t queue_id;
	const struct dp_port *port;
};

struct dp_worker {
	struct dp_counters ctr;		/* written by this lcore only */
	struct dp_tables *tables;
	struct dp_app *app;
	uint32_t prng;			/* xorshift32: LISP nonces */
	unsigned int tid;		/* rte_rcu_qsbr thread id = worker index */
	unsigned int lcore_id;
	bool is_main;			/* the main lcore forwards (single lcore) */
	bool backoff;
	uint16_t n_rxq;
	struct dp_rxq rxq[DP_WORKER_RXQ_MAX];
	uint16_t txq[RTE_MAX_ETHPORTS];
	struct rte_eth_dev_tx_buffer *txb[RTE_MAX_ETHPORTS];
	/* To the control thread: ARP, ND, packets waiting for a host's MAC
	 * (SP/SC, neigh.c drains it).  From it (worker 0 only): frames the
	 * control thread sends, each with its output port in m->port. */
	struct rte_ring *punt;
	struct rte_ring *inject;
	/* Misses to the control thread (miss.h; channel.c drains it).
	 * NULL without a control-plane channel: misses are only counted. */
	struct dp_miss *miss;
	/* Packets too big for their tunnel (too_big.h): the policy, and a
	 * token bucket for the ICMP errors. */
	uint8_t too_big;		/* DP_CONFIG_TOO_BIG_* */
	uint32_t icmp_rate;		/* a second; 0: none */
	uint32_t icmp_tokens;
	uint64_t icmp_last;
	/* Instance affinity (flows.h): NULL unless itr.flow-table. */
	struct dp_flows *flows;
	uint32_t flow_now;		/* dp_flows_now() of the burst */
	/* fastpath.h flags of this worker (DP_FP_TRACE), written on change
	 * by the telemetry thread. */
	uint32_t fp;
	uint64_t drain_tsc;		/* TX drain period */
	uint64_t last_drain;
	uint32_t idle_polls;
	uint32_t sleep_us;
} __rte_cache_aligned;

/* Sets up w (counters, PRNG, TX buffers on socket) for index tid. */
int dp_worker_init(struct dp_worker *w, struct dp_app *app, unsigned int tid,
		   unsigned int lcore_id);
void dp_worker_fini(struct dp_worker *w);

/* rte_eal_remote_launch() entry; arg is the struct dp_worker. */
int dp_worker_main(void *arg);

/* The punted frame's kind (a DP_CTR_PUNT_* counter) and Instance-ID ride
 * in the mbuf's flow-director words, unused after RX. */
#define DP_PUNT_KIND(m)	((m)->hash.fdir.lo)
#define DP_PUNT_IID(m)	((m)->hash.fdir.hi)

/* Hands m to the control thread (no wait: a full ring drops). */
static inline void dp_punt(struct dp_worker *w, struct rte_mbuf *m, enum dp_ctr kind)
{
	dp_ctr_inc(&w->ctr, kind);
	DP_PUNT_KIND(m) = kind;
	if (unlikely(rte_ring_sp_enqueue(w->punt, m) != 0)) {
		dp_ctr_inc(&w->ctr, DP_CTR_DROP_PUNT_FULL);
		rte_pktmbuf_free(m);
	}
}

/* A frame of the control thread out of port_id, through worker 0's inject
 * ring (w0; drained with its TX timer).  False, and m freed, when the ring
 * is full or there is none. */
static inline bool dp_worker_inject(struct dp_worker *w0, struct rte_mbuf *m, uint16_t port_id)
{
	m->port = port_id;
	m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
	if (!w0 || !w0->inject || rte_ring_enqueue(w0->inject, m) != 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/* One frame out of port pid outside the burst (the exceptional paths). */
/* A burst's output, out[i] by out_port[i], in order per port: straight to
 * the driver or through the port's TX buffer (worker.c, tx_run()); what a
 * full queue refuses is freed and counted (drop_tx_full). */
void dp_worker_tx_burst(struct dp_worker *w, struct rte_mbuf **out, const uint16_t *out_port,
			uint16_t n);

static inline void dp_worker_tx(struct dp_worker *w, uint16_t pid, struct rte_mbuf *m)
{
	if (unlikely(pid >= RTE_MAX_ETHPORTS || !w->txb[pid])) {
		rte_pktmbuf_free(m);
		return;
	}
	dp_ctr_add(&w->ctr, DP_CTR_TX, rte_eth_tx_buffer(pid, w->txq[pid], w->txb[pid], m));
}

static inline uint32_t dp_worker_rand(struct dp_worker *w)
{
	uint32_t x = w->prng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	w->prng = x;
	return x;
}

#endif
