/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's transmit side (worker.c, tx_run()): a burst goes straight to
 * the driver when the port's buffer is empty and at least half a burst
 * waits, otherwise through the buffer, sent once DP_BURST wait; the order
 * per port is the order of the bursts; what a full queue refuses is freed
 * and counted.  Two net_ring ports (rte_eth_from_rings) whose TX rings the
 * test reads back: nothing of the rest of the data plane is involved.
 */
#include <check.h>

#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_config.h"
#include "dp_test.h"
#include "port.h"
#include "worker.h"

#define TX_RING	64	/* holds 63: a second burst of 32 loses one */

static struct rte_mempool *pool;
static struct rte_ring *txr[2];
static uint16_t pid[2];
static struct dp_config cfg;
static struct dp_app app;
static struct dp_worker w;
static uint32_t seq;
static unsigned int round_no;	/* object names of this test's fixture */

static void setup(void)
{
	char name[32];

	seq = 0;
	round_no++;
	snprintf(name, sizeof(name), "tw_pool%u", round_no);
	pool = rte_pktmbuf_pool_create(name, 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(pool);
	memset(&cfg, 0, sizeof(cfg));
	cfg.tx_drain_us = 100;
	memset(&app, 0, sizeof(app));
	app.cfg = &cfg;
	for (unsigned int i = 0; i < 2; i++) {
		struct rte_ring *rx;
		int id;

		snprintf(name, sizeof(name), "tw_rx%u_%u", round_no, i);
		rx = rte_ring_create(name, TX_RING, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "tw_tx%u_%u", round_no, i);
		txr[i] = rte_ring_create(name, TX_RING, SOCKET_ID_ANY,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
		ck_assert(rx && txr[i]);
		snprintf(name, sizeof(name), "tw_port%u_%u", round_no, i);
		id = rte_eth_from_rings(name, &rx, 1, &txr[i], 1, SOCKET_ID_ANY);
		ck_assert_int_ge(id, 0);
		pid[i] = (uint16_t)id;
		/* A stopped port's burst functions are DPDK's dummies. */
		ck_assert_int_eq(rte_eth_dev_configure(pid[i], 1, 1, &(struct rte_eth_conf){ 0 }), 0);
		ck_assert_int_eq(rte_eth_rx_queue_setup(pid[i], 0, TX_RING, SOCKET_ID_ANY, NULL,
							pool), 0);
		ck_assert_int_eq(rte_eth_tx_queue_setup(pid[i], 0, TX_RING, SOCKET_ID_ANY, NULL), 0);
		ck_assert_int_eq(rte_eth_dev_start(pid[i]), 0);
		app.ports[i].port_id = pid[i];
		app.ports[i].nb_rxq = app.ports[i].nb_txq = 1;
	}
	app.n_ports = 2;
	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(dp_worker_init(&w, &app, 0, rte_lcore_id()), 0);
}

static void teardown(void)
{
	struct rte_mbuf *m;

	dp_worker_fini(&w);
	for (unsigned int i = 0; i < 2; i++) {
		char name[32];

		rte_eth_dev_stop(pid[i]);
		rte_eth_dev_close(pid[i]);
		while (rte_ring_dequeue(txr[i], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(txr[i]);
		snprintf(name, sizeof(name), "tw_rx%u_%u", round_no, i);
		rte_ring_free(rte_ring_lookup(name));
	}
	rte_mempool_free(pool);
}

/* n packets to port index p, numbered on from seq. */
static void push(unsigned int p, uint16_t n)
{
	struct rte_mbuf *m[DP_BURST * 2];
	uint16_t port[DP_BURST * 2];

	ck_assert_uint_le(n, DP_BURST * 2);
	for (uint16_t i = 0; i < n; i++) {
		m[i] = rte_pktmbuf_alloc(pool);
		ck_assert_ptr_nonnull(m[i]);
		*rte_pktmbuf_mtod(m[i], uint32_t *) = seq++;
		rte_pktmbuf_append(m[i], 60);
		port[i] = pid[p];
	}
	dp_worker_tx_burst(&w, m, port, n);
}

/* The numbers on port index p's TX ring, in order; returns how many. */
static unsigned int sent(unsigned int p, uint32_t *got, unsigned int max)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while (n < max && rte_ring_dequeue(txr[p], (void **)&m) == 0) {
		got[n++] = *rte_pktmbuf_mtod(m, uint32_t *);
		rte_pktmbuf_free(m);
	}
	return n;
}

static uint16_t buffered(unsigned int p)
{
	return w.txb[pid[p]]->length;
}

START_TEST(small_bursts_wait_in_the_buffer)
{
	uint32_t got[TX_RING];

	push(0, 5);
	ck_assert_uint_eq(buffered(0), 5);
	ck_assert_uint_eq(rte_ring_count(txr[0]), 0);
	/* 5 + 32: the buffer fills (5 + 27), goes, 5 stay */
	push(0, DP_BURST);
	ck_assert_uint_eq(buffered(0), 5);
	ck_assert_uint_eq(sent(0, got, TX_RING), DP_BURST);
	for (uint32_t i = 0; i < DP_BURST; i++)
		ck_assert_uint_eq(got[i], i);
	/* not empty: 16 more are appended behind the 5, not sent first */
	push(0, 16);
	ck_assert_uint_eq(buffered(0), 21);
	push(0, 11);
	ck_assert_uint_eq(buffered(0), 0);
	ck_assert_uint_eq(sent(0, got, TX_RING), DP_BURST);
	for (uint32_t i = 0; i < DP_BURST; i++)
		ck_assert_uint_eq(got[i], DP_BURST + i);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TX], 2 * DP_BURST);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_TX_FULL], 0);
}
END_TEST

START_TEST(half_a_burst_goes_straight)
{
	uint32_t got[TX_RING];

	push(0, DP_BURST / 2);
	ck_assert_uint_eq(buffered(0), 0);
	ck_assert_uint_eq(sent(0, got, TX_RING), DP_BURST / 2);
	push(0, DP_BURST / 2 - 1);
	ck_assert_uint_eq(buffered(0), DP_BURST / 2 - 1);
	ck_assert_uint_eq(sent(0, got, TX_RING), 0);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TX], DP_BURST / 2);
}
END_TEST

/* Runs of ports in one burst: each port gets its packets in order. */
START_TEST(runs_of_ports_keep_their_order)
{
	struct rte_mbuf *m[DP_BURST];
	uint16_t port[DP_BURST];
	uint32_t got[2][TX_RING], n0, n1, last0 = 0, last1 = 0;

	for (uint16_t i = 0; i < DP_BURST; i++) {
		m[i] = rte_pktmbuf_alloc(pool);
		*rte_pktmbuf_mtod(m[i], uint32_t *) = i;
		rte_pktmbuf_append(m[i], 60);
		port[i] = pid[(i / 3) % 2];	/* 3 to A, 3 to B, ... */
	}
	dp_worker_tx_burst(&w, m, port, DP_BURST);
	/* runs of 3: all buffered; a flush of each sends them in order */
	ck_assert_uint_eq(buffered(0) + buffered(1), DP_BURST);
	for (unsigned int p = 0; p < 2; p++)
		rte_eth_tx_buffer_flush(pid[p], 0, w.txb[pid[p]]);
	n0 = sent(0, got[0], TX_RING);
	n1 = sent(1, got[1], TX_RING);
	ck_assert_uint_eq(n0 + n1, DP_BURST);
	for (uint32_t i = 0; i < n0; i++) {
		ck_assert_uint_eq((got[0][i] / 3) % 2, 0);
		ck_assert(i == 0 || got[0][i] > last0);
		last0 = got[0][i];
	}
	for (uint32_t i = 0; i < n1; i++) {
		ck_assert_uint_eq((got[1][i] / 3) % 2, 1);
		ck_assert(i == 0 || got[1][i] > last1);
		last1 = got[1][i];
	}
}
END_TEST

/* A queue that takes only part of a burst: the rest is freed and counted
 * under drop_tx_full, not kept and not lost from the pool. */
START_TEST(full_queue_drops_are_counted)
{
	unsigned int avail = rte_mempool_avail_count(pool);

	push(1, DP_BURST);
	push(1, DP_BURST);
	ck_assert_uint_eq(rte_ring_count(txr[1]), TX_RING - 1);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TX], TX_RING - 1);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_TX_FULL], 2 * DP_BURST - (TX_RING - 1));
	ck_assert_uint_eq(buffered(1), 0);
	ck_assert_uint_eq(rte_mempool_avail_count(pool), avail - (TX_RING - 1));
}
END_TEST

static Suite *worker_suite(void)
{
	Suite *s = suite_create("worker");
	TCase *tc = tcase_create("tx");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, small_bursts_wait_in_the_buffer);
	tcase_add_test(tc, half_a_burst_goes_straight);
	tcase_add_test(tc, runs_of_ports_keep_their_order);
	tcase_add_test(tc, full_queue_drops_are_counted);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	(void)argc;
	dp_test_eal_init(argv[0]);
	return dp_test_run(worker_suite());
}
