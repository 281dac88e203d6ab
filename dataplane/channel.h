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

#include <stddef.h>
#include <stdint.h>

struct dp_app;
struct dp_chan;

/* Listens on the UNIX socket path; NULL with errno set. */
struct dp_chan *dp_chan_open(struct dp_app *app, const char *path);
void dp_chan_close(struct dp_chan *c);
/* Applies what arrived (bounded work per call). */
void dp_chan_poll(struct dp_chan *c);
/* ,"channel":{...} for the counters JSON line, into buf. */
void dp_chan_json(const struct dp_chan *c, char *buf, size_t len);

#endif
