/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's end of the data-plane channel
 * (docs/dataplane-channel.md): how mappings reach the fast path.
 *
 * It connects to lispgw-dp's UNIX socket, receives the session's memfd
 * and eventfd over SCM_RIGHTS, maps the region, and under the generation
 * the data plane gave it:
 *   1. RESYNC_BEGIN, then every ETR database entry and every ITR map-cache
 *      entry (a node with neither, a Map-Server alone, sends none), paced
 *      by the room in the ring so that a million entries never stall the
 *      event loop, then RESYNC_END: the data plane removes what was not
 *      re-sent;
 *   2. afterwards every map-cache change as it happens (mapcache_observe):
 *      upsert, delete, RLOC up/down; and every database change.
 * When the ring is full, messages wait in a backlog, in order, and go as
 * soon as the data plane makes room (its doorbell on our eventfd, or a
 * retry timer); none is dropped silently: a backlog past backlog_max is
 * thrown away, counted, and replaced by a full resync once the ring drains.
 * When the data plane goes away (its socket closes), it reconnects with
 * exponential back-off and starts over at 1.
 *
 * From the data plane it takes misses (each one an itr_resolve, at most
 * miss_rate a second), events (resync results, refused mappings: counted
 * and logged) and counter snapshots (the latest complete one is kept for
 * the REST API and /metrics).
 *
 * The ETR database: struct etr keeps its entries private, so the owner
 * hands them here too (dp_push_db_load from the configuration at start-up
 * and reload, dp_push_db_set/del where the REST API changes them); a
 * reload re-sends only what changed.
 *
 * Single-threaded: the control plane's event loop owns it.
 */
#ifndef LISPGW_DP_PUSH_H
#define LISPGW_DP_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dp_msg.h"
#include "evloop.h"
#include "itr.h"
#include "lisp_msg.h"

struct dp_push_params {
	const char *socket_path;	/* copied */
	uint64_t reconnect_min_ms;	/* first retry; doubles per failure */
	uint64_t reconnect_max_ms;
	uint64_t retry_ms;		/* backlog retry when no doorbell came */
	size_t backlog_max;		/* bytes; beyond: a full resync instead */
	uint32_t miss_rate;		/* itr_resolve calls a second; 0: no limit */
	uint32_t miss_burst;
	unsigned int replay_batch;	/* entries replayed per loop turn */
	/* Proxy-ETRs (itr.petrs, copied): a negative native-forward entry
	 * reaches the data plane with them as its locators, so that traffic
	 * for non-EIDs is encapsulated to a PETR (RFC 9300 section 4.1). */
	const struct cp_config_rloc *petrs;
	size_t petr_count;
};

#define DP_PUSH_COUNTERS(X)      \
	X(connects)              \
	X(connect_failures)      \
	X(refused_busy)          \
	X(disconnects)           \
	X(protocol_errors)       \
	X(resyncs_started)       \
	X(resyncs_sent)          \
	X(resyncs_done)          \
	X(replayed)              \
	X(upserts)               \
	X(deletes)               \
	X(rloc_updates)          \
	X(flushes)               \
	X(backlogged)            \
	X(backlog_overflows)     \
	X(eids_skipped)          \
	X(rlocs_truncated)       \
	X(misses)                \
	X(misses_resolved)       \
	X(misses_cached)         \
	X(misses_coalesced)      \
	X(misses_rate_limited)   \
	X(misses_refused)        \
	X(misses_invalid)        \
	X(events)                \
	X(maps_rejected)         \
	X(counter_snapshots)     \
	X(counter_errors)

struct dp_push_counters {
#define DP_PUSH_COUNTER_FIELD(name) uint64_t name;
	DP_PUSH_COUNTERS(DP_PUSH_COUNTER_FIELD)
#undef DP_PUSH_COUNTER_FIELD
};

/* The data plane's latest complete counter snapshot. */
struct dp_push_snapshot {
	uint32_t id;
	uint64_t time_ns;		/* the data plane's CLOCK_MONOTONIC */
	uint64_t received_ms;		/* evloop clock */
	size_t count;
	const struct dp_msg_counter *v;
};

/* What the data plane reported at the end of the last resync. */
struct dp_push_resync_result {
	uint32_t generation;		/* 0: none yet */
	uint64_t entries;		/* in the resynced tables afterwards */
	uint64_t stale;			/* removed: not re-sent */
	uint64_t rejected;		/* upserts it refused during the resync */
};

struct dp_push;

void dp_push_params_default(struct dp_push_params *p);
/* Starts connecting at once.  itr may be NULL (no ITR role: no map-cache
 * to push, misses are counted and dropped).  NULL + errno. */
struct dp_push *dp_push_new(struct evloop *loop, const struct dp_push_params *p,
			    struct itr *itr);
/* Closes the session (the data plane keeps forwarding on what it has). */
void dp_push_free(struct dp_push *dp);

/* The ETR database, replaced as a whole: what changed is sent. */
void dp_push_db_load(struct dp_push *dp, const struct cp_config_mapping *maps, size_t n);
/* One database entry set (copied) or deleted; 0, -ENOENT (del), -EINVAL
 * (an EID or RLOCs the data plane cannot use: not IPv4/IPv6), -ENOMEM. */
int dp_push_db_set(struct dp_push *dp, const struct lisp_record *rec);
int dp_push_db_del(struct dp_push *dp, const struct lisp_prefix *eid);
size_t dp_push_db_count(const struct dp_push *dp);

/* Asks the data plane to empty tables (DP_MSG_TABLE_BIT mask); the next resync
 * refills them.  0, -ENOTCONN. */
int dp_push_flush(struct dp_push *dp, uint32_t tables);

bool dp_push_attached(const struct dp_push *dp);
/* The session's generation; 0 when detached. */
uint32_t dp_push_generation(const struct dp_push *dp);
/* Attached, replay done, backlog empty: the data plane has it all. */
bool dp_push_synced(const struct dp_push *dp);
/* Records the data plane had to drop this session (DP->CP ring full). */
uint64_t dp_push_dp_drops(const struct dp_push *dp);
size_t dp_push_backlog_bytes(const struct dp_push *dp);

const struct dp_push_counters *dp_push_counters(const struct dp_push *dp);
/* NULL before the first complete snapshot. */
const struct dp_push_snapshot *dp_push_dp_counters(const struct dp_push *dp);
const struct dp_push_resync_result *dp_push_last_resync(const struct dp_push *dp);

#endif
