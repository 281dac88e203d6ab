/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-dp's end of the control-plane channel (docs/dataplane-channel.md):
 * the main lcore polls it on its duty tick and applies what lispgw-cp
 * pushes — map-cache upserts, deletes, RLOC up/down, flushes, resyncs — to
 * the forwarding tables, as their single writer.  ETR-database entries are
 * acknowledged and kept by the channel (decapsulation needs only the IID).
 */
#ifndef LISPGW_DP_CHANNEL_APP_H
#define LISPGW_DP_CHANNEL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_channel_server.h"

struct dp_app;
struct dp_chan;

/* Listens on the UNIX socket path; NULL with errno set. */
struct dp_chan *dp_chan_open(struct dp_app *app, const char *path);
void dp_chan_close(struct dp_chan *c);
/* Applies what arrived (bounded work per call). */
void dp_chan_poll(struct dp_chan *c);
/* ,"channel":{...} for the counters JSON line, into buf. */
void dp_chan_json(const struct dp_chan *c, char *buf, size_t len);

/* ---- observability ---- */

/* Main lcore, every duty tick: sends a counter snapshot to the control
 * plane when one is due (every second while attached). */
void dp_chan_counters_tick(struct dp_chan *c);

/* What /lispgw/channel shows; copied under the telemetry lock. */
struct dp_chan_stats {
	bool attached, resyncing;
	uint32_t generation;
	uint64_t entries;		/* keys installed (both tables) */
	uint64_t applied, rejected, removed, rloc_changes;
	uint64_t miss_sent, miss_no_cp, miss_dropped;
	uint64_t snapshots_sent, snapshots_dropped;
	struct dp_channel_server_counters srv;
};

void dp_chan_stats_get(const struct dp_chan *c, struct dp_chan_stats *st);

#endif
