/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-dp's DPDK telemetry commands (docs/dataplane.md, "Observability"),
 * read with /usr/bin/dpdk-telemetry.py or on the socket
 * /var/run/dpdk/PREFIX/dpdk_telemetry.v2:
 *
 *   /lispgw/stats[,WORKER]            summed counters (or one worker's)
 *   /lispgw/map_cache[,IID][,CURSOR]  forwarding entries, one bounded page
 *   /lispgw/channel                   the control plane's channel
 *   /lispgw/ports                     ports, links, ethdev statistics
 *   /lispgw/trace_add,N[,eid|rloc]    trace the next N packets (trace.h)
 *   /lispgw/trace[,CURSOR]            the traced packets, one bounded page
 *   /lispgw/trace_clear               stop tracing, forget the records
 *
 * (map_cache: DPDK takes command names of [A-Za-z0-9_/] only.)
 *
 * Locking rule.  The handlers run in DPDK's telemetry thread, which is no
 * RCU reader: an entry it looked at could be freed by the next
 * reclamation.  So the main lcore holds the telemetry lock around
 * everything that writes or frees control state (the channel's apply, the
 * neighbour updates, dp_tables_reclaim), and the handlers copy what they
 * show under the same lock, then format it after releasing it.  The main
 * lcore only ever try-locks (a busy lock postpones its duty by one turn,
 * it never waits for a telemetry client); workers never touch the lock.
 */
#ifndef LISPGW_DP_TELEMETRY_H
#define LISPGW_DP_TELEMETRY_H

#include <stdbool.h>

struct dp_app;

/* Registers the commands; after rte_eal_init().  Until attach they answer
 * null.  0 or -errno. */
int dp_telemetry_register(void);
/* The process is set up: the commands read app from now on. */
void dp_telemetry_attach(struct dp_app *app);
/* Before teardown: the commands answer null again.  Waits for a running
 * handler to finish. */
void dp_telemetry_detach(void);

/* Main lcore, around control-state writes and reclamation. */
bool dp_telemetry_trylock(void);
void dp_telemetry_unlock(void);

#endif
