/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The poll loop (DPDK l3fwd's shape): per iteration, drain the TX buffers
 * when the TSC timer says so, poll every RX queue of this lcore once with
 * a burst of 32, hand each burst to encap or decap by the port's role,
 * buffer what comes out per output port, and report RCU quiescence.
 *
 * Idle back-off (on by default; `--busy-poll` or workers.idle-backoff:
 * false turn it off for benchmarks): after DP_IDLE_SPIN_POLLS empty polls
 * the loop pauses, after DP_IDLE_PAUSE_POLLS more it sleeps, 1 us doubling
 * to 1 ms, with its TX buffers flushed and its RCU thread offline so that
 * a sleeping worker never holds up a grace period.  The first packet
 * resets it.  A sleeping worker reacts up to 1 ms late: on a busy link the
 * RX ring absorbs that; on a 2-core box it is what lets the control plane
 * and the tests run.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "decap.h"
#include "dp.h"
#include "encap.h"
#include "flows.h"
#include "miss.h"
#include "tables.h"
#include "worker.h"

/* A full TX queue: the packets are dropped and counted (no retry: a
 * worker that waits for a queue stalls every other queue it serves). */
static void tx_unsent(struct rte_mbuf **pkts, uint16_t n, void *arg)
{
	struct dp_worker *w = arg;

	dp_ctr_add(&w->ctr, DP_CTR_DROP_TX_FULL, n);
	rte_pktmbuf_free_bulk(pkts, n);
}

int dp_worker_init(struct dp_worker *w, struct dp_app *app, unsigned int tid,
		   unsigned int lcore_id)
{
	int socket = (int)rte_lcore_to_socket_id(lcore_id);
	char name[RTE_RING_NAMESIZE];

	w->app = app;
	w->tables = app->tables;
	w->tid = tid;
	w->lcore_id = lcore_id;
	w->prng = (uint32_t)(rte_rdtsc() ^ (uint64_t)(lcore_id + 1) * 0x9e3779b9u) | 1;
	w->backoff = app->cfg->idle_backoff && !app->busy_poll;
	w->too_big = app->cfg->too_big;
	w->icmp_rate = app->cfg->icmp_rate;
	w->icmp_tokens = app->cfg->icmp_rate;
	w->icmp_last = rte_rdtsc();
	if (app->cfg->flow_table) {
		w->flows = dp_flows_create(app->cfg->flow_table, app->cfg->flow_idle_ms, socket);
		if (!w->flows)
			return -ENOMEM;
	}
	w->drain_tsc = (rte_get_tsc_hz() + 999999) / 1000000 * app->cfg->tx_drain_us;
	snprintf(name, sizeof(name), "dp_punt_%u", tid);
	w->punt = rte_ring_create(name, DP_PUNT_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!w->punt)
		return -ENOMEM;
	if (tid == 0) {
		w->inject = rte_ring_create("dp_inject", DP_PUNT_RING, socket,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!w->inject)
			return -ENOMEM;
	}
	if (app->channel_path) {
		w->miss = dp_miss_create(tid, socket, dp_miss_interval_tsc());
		if (!w->miss)
			return -ENOMEM;
	}
	for (unsigned int i = 0; i < app->n_ports; i++) {
		const struct dp_port *p = &app->ports[i];
		struct rte_eth_dev_tx_buffer *b;

		b = rte_zmalloc_socket("dp_txb", RTE_ETH_TX_BUFFER_SIZE(DP_BURST), 0, socket);
		if (!b)
			return -ENOMEM;
		rte_eth_tx_buffer_init(b, DP_BURST);
		rte_eth_tx_buffer_set_err_callback(b, tx_unsent, w);
		w->txb[p->port_id] = b;
		w->txq[p->port_id] = (uint16_t)tid;
		if (tid < p->nb_rxq && w->n_rxq < DP_WORKER_RXQ_MAX) {
			w->rxq[w->n_rxq++] = (struct dp_rxq){
				.port_id = p->port_id, .queue_id = (uint16_t)tid, .port = p,
			};
		}
	}
	return 0;
}

static void ring_free(struct rte_ring *r)
{
	struct rte_mbuf *m;

	while (r && rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

void dp_worker_fini(struct dp_worker *w)
{
	ring_free(w->punt);
	ring_free(w->inject);
	w->punt = w->inject = NULL;
	dp_miss_free(w->miss);
	w->miss = NULL;
	dp_flows_free(w->flows);
	w->flows = NULL;
	for (unsigned int i = 0; i < RTE_MAX_ETHPORTS; i++) {
		rte_free(w->txb[i]);
		w->txb[i] = NULL;
	}
}

static void tx_flush(struct dp_worker *w)
{
	for (unsigned int i = 0; i < w->app->n_ports; i++) {
		uint16_t pid = w->app->ports[i].port_id;

		dp_ctr_add(&w->ctr, DP_CTR_TX,
			   rte_eth_tx_buffer_flush(pid, w->txq[pid], w->txb[pid]));
	}
}

/* Frames of the control thread (ARP/ND replies and requests, packets that
 * waited for a MAC): sent by worker 0 on its queues. */
static void tx_inject(struct dp_worker *w)
{
	struct rte_mbuf *m[DP_BURST];
	unsigned int n = rte_ring_dequeue_burst(w->inject, (void **)m, DP_BURST, NULL);
	uint16_t sent = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint16_t pid = m[i]->port;

		if (unlikely(!w->txb[pid])) {
			rte_pktmbuf_free(m[i]);
			continue;
		}
		sent += rte_eth_tx_buffer(pid, w->txq[pid], w->txb[pid], m[i]);
	}
	dp_ctr_add(&w->ctr, DP_CTR_TX, sent);
}

/* One output port's share of a burst, in order.  With the port's buffer
 * empty and at least half a burst to send, straight to the driver (the
 * usual case: a burst in, a burst out by one port): no copy into the
 * buffer and no store of its length per packet, which the next packet's
 * load had to wait for.  Otherwise appended, and sent once DP_BURST wait
 * or the drain timer fires; what the queue refuses goes to tx_unsent()
 * either way. */
static __rte_always_inline uint16_t tx_run(struct dp_worker *w, uint16_t pid,
					   struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[pid];
	uint16_t sent = 0;

	if (b->length == 0 && n >= DP_BURST / 2) {
		sent = rte_eth_tx_burst(pid, w->txq[pid], pkts, n);
		if (unlikely(sent < n))
			tx_unsent(pkts + sent, (uint16_t)(n - sent), w);
		return sent;
	}
	while (n) {
		uint16_t k = RTE_MIN(n, (uint16_t)(b->size - b->length));

		memcpy(&b->pkts[b->length], pkts, k * sizeof(*pkts));
		b->length = (uint16_t)(b->length + k);
		pkts += k;
		n = (uint16_t)(n - k);
		if (b->length == b->size)
			sent += rte_eth_tx_buffer_flush(pid, w->txq[pid], b);
	}
	return sent;
}

/* A burst's output, split into runs of one port. */
static __rte_always_inline void tx_out(struct dp_worker *w, struct rte_mbuf **out,
				       const uint16_t *out_port, uint16_t n)
{
	uint16_t sent = 0;

	for (uint16_t i = 0; i < n;) {
		uint16_t pid = out_port[i], j = (uint16_t)(i + 1);

		while (j < n && out_port[j] == pid)
			j++;
		sent += tx_run(w, pid, out + i, (uint16_t)(j - i));
		i = j;
	}
	dp_ctr_add(&w->ctr, DP_CTR_TX, sent);
}

void dp_worker_tx_burst(struct dp_worker *w, struct rte_mbuf **out, const uint16_t *out_port,
			uint16_t n)
{
	tx_out(w, out, out_port, n);
}

static void idle(struct dp_worker *w)
{
	struct timespec ts;

	w->idle_polls++;
	if (w->idle_polls < DP_IDLE_SPIN_POLLS)
		return;
	if (w->idle_polls < DP_IDLE_SPIN_POLLS + DP_IDLE_PAUSE_POLLS) {
		rte_pause();
		return;
	}
	tx_flush(w);
	w->sleep_us = w->sleep_us ? RTE_MIN(w->sleep_us * 2, (uint32_t)DP_IDLE_SLEEP_MAX_US) : 1;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)w->sleep_us * 1000;
	rte_rcu_qsbr_thread_offline(w->tables->qsbr, w->tid);
	nanosleep(&ts, NULL);
	rte_rcu_qsbr_thread_online(w->tables->qsbr, w->tid);
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct dp_app *app = w->app;
	struct rte_mbuf *pkts[DP_BURST], *out[DP_BURST];
	uint16_t out_port[DP_BURST];
	uint64_t now;

	if (!w->is_main && dp_tables_reader_register(w->tables, w->tid) < 0)
		return -EINVAL;
	w->last_drain = now = rte_rdtsc();
	while (!dp_app_quit(app)) {
		uint32_t got = 0;
		uint64_t start = now;

		if (unlikely(now - w->last_drain >= w->drain_tsc)) {
			if (w->inject)
				tx_inject(w);
			tx_flush(w);
			w->last_drain = now;
			if (w->is_main)
				app->tick(app);
		}
		for (uint16_t q = 0; q < w->n_rxq; q++) {
			const struct dp_rxq *rq = &w->rxq[q];
			uint16_t n = rte_eth_rx_burst(rq->port_id, rq->queue_id, pkts, DP_BURST);
			uint16_t nout;

			if (!n)
				continue;
			got += n;
			if (rq->port->role == DP_PORT_ROLE_EID) {
				dp_ctr_add(&w->ctr, DP_CTR_RX_EID, n);
				nout = dp_encap_burst(w, rq->port, pkts, n, out, out_port);
			} else {
				dp_ctr_add(&w->ctr, DP_CTR_RX_RLOC, n);
				nout = dp_decap_burst(w, rq->port, pkts, n, out, out_port);
			}
			tx_out(w, out, out_port, nout);
		}
		/* Nothing read before this point survives it. */
		rte_rcu_qsbr_quiescent(w->tables->qsbr, w->tid);
		/* One TSC read an iteration: its end is the next one's start
		 * (rdtsc costs tens of cycles, a burst's worth of packets'). */
		now = rte_rdtsc();
		if (likely(got)) {
			/* The whole iteration, drain and RX polls included:
			 * what a packet costs, per burst. */
			dp_ctr_add(&w->ctr, DP_CTR_BUSY_CYCLES, now - start);
			w->idle_polls = 0;
			w->sleep_us = 0;
		} else if (w->backoff) {
			idle(w);
			now = rte_rdtsc();	/* not the pause or the sleep */
		}
	}
	tx_flush(w);
	if (!w->is_main)
		dp_tables_reader_unregister(w->tables, w->tid);
	return 0;
}
