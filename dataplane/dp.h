/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lispgw-dp process: what main.c sets up and the modules share.
 * Written by the main lcore before the workers start, read-only after
 * (but for quit).
 */
#ifndef LISPGW_DP_H
#define LISPGW_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "dp_config.h"
#include "port.h"
#include "tables.h"
#include "worker.h"

#define DP_PORTS_MAX	RTE_MAX_ETHPORTS

extern int dp_logtype;
#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dp_logtype, "lispgw-dp: " fmt "\n", ##__VA_ARGS__)

struct dp_app {
	const struct dp_config *cfg;
	struct dp_tables *tables;
	struct rte_mempool *pool;
	unsigned int n_ports;
	struct dp_port ports[DP_PORTS_MAX];		/* config order */
	struct dp_port *by_id[RTE_MAX_ETHPORTS];	/* by DPDK port id */
	unsigned int n_workers;
	struct dp_worker *workers[RTE_MAX_LCORE];	/* by worker index */
	bool main_forwards;		/* no worker lcore: main does both */
	bool busy_poll;			/* --busy-poll: no idle back-off */
	uint32_t exit_on_idle_ms;	/* 0: run until a signal */
	uint32_t extra_mbufs;		/* --mbufs: more in the pool (benchmark inputs) */
	uint16_t mbuf_size;		/* --mbuf-size: data room, headroom included */
	/* Main lcore's periodic duty, called by the worker loop when the
	 * main lcore forwards. */
	void (*tick)(struct dp_app *app);
	const char *channel_path;	/* --channel */
	struct dp_chan *chan;		/* lispgw-cp pushes mappings through it */
	struct dp_neigh *neigh;		/* ARP / ND (main lcore) */
	struct dp_overlay *overlay;	/* ARP through VXLAN (main lcore) */
	/* What the main lcore counts itself (the exception path, punt.h):
	 * written by it only, summed with the workers' on read. */
	struct dp_counters ctl_ctr;
	/* What capture requests count (capture.c): written by the EAL's
	 * multi-process thread only. */
	struct dp_counters cap_ctr;
	volatile int quit;
};

/* The counter blocks to sum for the process's totals: every worker's, the
 * main lcore's and the capture requests'.  Returns how many were put in
 * blocks, which has room for DP_CTR_BLOCKS_MAX. */
#define DP_CTR_BLOCKS_MAX	(RTE_MAX_LCORE + 2)
static inline unsigned int dp_app_ctr_blocks(const struct dp_app *app,
					     const struct dp_counters **blocks)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < app->n_workers; i++)
		if (app->workers[i])
			blocks[n++] = &app->workers[i]->ctr;
	blocks[n++] = &app->ctl_ctr;
	blocks[n++] = &app->cap_ctr;
	return n;
}

static inline bool dp_app_quit(const struct dp_app *app)
{
	return __atomic_load_n(&app->quit, __ATOMIC_RELAXED) != 0;
}

#endif
