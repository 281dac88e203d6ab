/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane's end of the channel (docs/dataplane-channel.md), as a
 * library lispgw-dp embeds in its control thread (and the tests use as a
 * reference peer).  It listens on a UNIX socket, accepts one control plane
 * at a time, gives each a fresh region (dp_channel.h) under a new
 * generation, drains the CP->DP ring without blocking, and keeps the
 * generation bookkeeping:
 *
 *  - it tracks every key it installed (through the caller's ops) in a
 *    compact hash, each stamped with the resync it was last confirmed in;
 *  - at RESYNC_END every key of the resynced tables that the control plane
 *    did not re-send is stale: it sends DP_MSG_EV_RESYNC_DONE, and removes
 *    each stale key (ops->remove, DP_CHANNEL_RM_STALE) at once or, in the
 *    tables of params.stale_grace_tables, after a grace period during which
 *    the key keeps forwarding, is handed to the control plane as a miss, and
 *    stays if the control plane pushes it again;
 *  - a session that ends (the control plane closed or crashed, a socket
 *    error, a protocol violation) has what it sent applied; then every key
 *    it left installed is stale: it keeps forwarding for
 *    params.session_grace_ms, is asked of the next control plane as a miss,
 *    stays if that control plane pushes it again (its resync does), and is
 *    removed at the deadline otherwise.  Why the session ended is counted
 *    (ended_*) and told to the caller (dp_channel_server_end_reason()).
 *
 * This is the only place stale state is forgotten (the tables have no
 * generations of their own): the caller's tables follow the control plane,
 * and forwarding never waits for it.
 *
 * Threading: one thread (the data plane's main lcore) calls everything
 * here, the send functions included: the DP->CP ring has one producer.
 * Workers hand misses to that thread through their own rings.
 */
#ifndef LISPGW_DP_CHANNEL_SERVER_H
#define LISPGW_DP_CHANNEL_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_msg.h"

enum dp_channel_remove_reason {
	DP_CHANNEL_RM_DELETE,			/* MAP_DELETE */
	DP_CHANNEL_RM_STALE,			/* not confirmed by a resync */
	DP_CHANNEL_RM_FLUSH,			/* FLUSH */
};

enum dp_channel_session_event {
	DP_CHANNEL_SESSION_ATTACHED,		/* a control plane got generation gen */
	DP_CHANNEL_SESSION_DETACHED,		/* it went away (or broke the protocol) */
	DP_CHANNEL_SESSION_RESYNC_BEGIN,
	DP_CHANNEL_SESSION_RESYNC_END,		/* after the stale keys were removed */
};

/*
 * What the caller does with the messages; called from
 * dp_channel_server_poll() only.  Payloads were validated (dp_msg.h
 * checks) and copied out of shared memory; they are valid during the call.
 */
struct dp_channel_ops {
	/* Install or replace (exists: the key is installed) the mapping.
	 * 0, or -errno to refuse it: a refused new key is not installed, a
	 * refused replacement keeps the old mapping; the control plane hears
	 * DP_MSG_EV_MAP_REJECTED either way. */
	int (*upsert)(void *arg, const struct dp_msg_map *m, bool exists);
	/* Remove an installed key. */
	void (*remove)(void *arg, const struct dp_msg_key *key, enum dp_channel_remove_reason why);
	/* Optional: an RLOC of an installed mapping went up or down. */
	void (*rloc_status)(void *arg, const struct dp_msg_rloc *m);
	/* Optional: session changes, for logs and telemetry. */
	void (*session)(void *arg, enum dp_channel_session_event ev, uint32_t generation);
	/* Optional: false removes a stale key of a grace table at once (a key
	 * the caller never installed, so nothing forwards by it).  NULL: every
	 * stale key of those tables gets the grace period. */
	bool (*stale_keep)(void *arg, const struct dp_msg_key *key);
};

/* Why a session ended, each counted (ended_<reason>). */
enum dp_channel_end_reason {
	DP_CHANNEL_END_NONE,			/* attached, or never was */
	DP_CHANNEL_END_PEER_CLOSED,		/* end of stream, hang-up */
	DP_CHANNEL_END_SOCKET_ERROR,
	DP_CHANNEL_END_PROTOCOL,		/* a protocol violation: which, in the text */
	DP_CHANNEL_END_SHUTDOWN,		/* dp_channel_server_free() */
};

struct dp_channel_server_params {
	const char *socket_path;	/* created; an old socket file is replaced */
	uint32_t socket_mode;		/* chmod of the socket: 0600 */
	uint32_t cp_ring_slots;		/* CP->DP ring, a power of two */
	uint32_t dp_ring_slots;		/* DP->CP ring */
	uint32_t sock_check_us;		/* how often poll looks at the sockets (a
					 * syscall); 0: every call */
	/* Stale keys (docs/dataplane-channel.md, "Stale entries"): those of
	 * the tables in stale_grace_tables (DP_MSG_TABLE_BIT) stay installed
	 * for stale_grace_ms after the resync that did not confirm them; the
	 * others, and all of them with 0 ms (the default), go at RESYNC_END. */
	uint32_t stale_grace_ms;
	uint32_t stale_grace_tables;
	uint32_t stale_ask_budget;	/* misses sent per poll for kept keys: 256 */
	/* How long what an ended session installed keeps forwarding while
	 * a new control plane may confirm it: 30 s; 0 removes it at the
	 * next poll. */
	uint32_t session_grace_ms;
	uint64_t (*clock_ns)(void);	/* deadlines; NULL: CLOCK_MONOTONIC (tests
					 * give their own clock) */
};

#define DP_CHANNEL_SERVER_COUNTERS(X)  \
	X(sessions)                    \
	X(sessions_refused)            \
	X(sessions_broken)             \
	X(ended_peer_closed)           \
	X(ended_socket_error)          \
	X(ended_protocol)              \
	X(session_stale)               \
	X(messages)                    \
	X(upserts)                     \
	X(upserts_rejected)            \
	X(deletes)                     \
	X(deletes_unknown)             \
	X(rloc_updates)                \
	X(rloc_unknown)                \
	X(flushes)                     \
	X(flushed)                     \
	X(resyncs_begun)               \
	X(resyncs_done)                \
	X(resyncs_abandoned)           \
	X(stale_removed)               \
	X(stale_kept)                  \
	X(stale_refreshed)             \
	X(stale_expired)               \
	X(msgs_invalid)                \
	X(tx_misses)                   \
	X(tx_events)                   \
	X(tx_counters)                 \
	X(tx_dropped)                  \
	X(wakeups)

struct dp_channel_server_counters {
#define DP_CHANNEL_SERVER_FIELD(name) uint64_t name;
	DP_CHANNEL_SERVER_COUNTERS(DP_CHANNEL_SERVER_FIELD)
#undef DP_CHANNEL_SERVER_FIELD
};

struct dp_channel_server;

void dp_channel_server_params_default(struct dp_channel_server_params *p);
/* Binds and listens (the socket path's directory must exist).  NULL +
 * errno. */
struct dp_channel_server *dp_channel_server_new(const struct dp_channel_server_params *p,
						const struct dp_channel_ops *ops, void *arg);
/* Closes the session and the socket (and unlinks it); keeps nothing. */
void dp_channel_server_free(struct dp_channel_server *s);

/*
 * Handles up to budget CP->DP messages and, every sock_check_us, accepts
 * a control plane and notices one that left.  Never blocks; one syscall
 * at most per sock_check_us, plus an eventfd write when the control plane
 * sleeps and has something to wake for.  Returns the messages handled.
 */
unsigned int dp_channel_server_poll(struct dp_channel_server *s, unsigned int budget);

/* DP->CP.  0; -ENOTCONN without a control plane; -ENOBUFS when the ring
 * is full (the record is dropped and counted, in tx_dropped and in the
 * ring's shared drop counter the control plane reads). */
int dp_channel_server_miss(struct dp_channel_server *s, const struct dp_msg_miss *m);
int dp_channel_server_event(struct dp_channel_server *s, const struct dp_msg_event *e);
/* A snapshot of n counters, in chunks of DP_MSG_COUNTERS_CHUNK; all or none
 * (-ENOBUFS when the ring cannot take every chunk now). */
int dp_channel_server_counters(struct dp_channel_server *s, const struct dp_msg_counter *v,
			       size_t n, uint64_t time_ns);

bool dp_channel_server_attached(const struct dp_channel_server *s);
/* The current (or last) session's generation; 0 before the first. */
uint32_t dp_channel_server_generation(const struct dp_channel_server *s);
/* True between a RESYNC_BEGIN and its RESYNC_END. */
bool dp_channel_server_resyncing(const struct dp_channel_server *s);
/* Keys installed (tracked). */
size_t dp_channel_server_entries(const struct dp_channel_server *s);
bool dp_channel_server_has(const struct dp_channel_server *s, const struct dp_msg_key *k);
/* Stale keys in their grace period (installed, counted in entries). */
size_t dp_channel_server_stale_waiting(const struct dp_channel_server *s);
const struct dp_channel_server_counters *
dp_channel_server_counters_get(const struct dp_channel_server *s);

/* Why the last session ended, and the detail ("peer closed", "protocol
 * violation: 5 bytes on the socket, where the control plane sends none"):
 * for the caller's DETACHED log line. */
enum dp_channel_end_reason dp_channel_server_end_reason(const struct dp_channel_server *s,
							const char **text);

/* The listening socket, for a caller that wants to epoll it. */
int dp_channel_server_fd(const struct dp_channel_server *s);

#endif
