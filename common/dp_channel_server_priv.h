/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the data plane's end of the channel: the server (sessions, the
 * ring, dispatch: dp_channel_server.c) and the one place stale state is
 * forgotten (the key tracker and the grace period: dp_channel_stale.c).
 * Not for callers: they use dp_channel_server.h.
 */
#ifndef LISPGW_DP_CHANNEL_SERVER_PRIV_H
#define LISPGW_DP_CHANNEL_SERVER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_channel.h"
#include "dp_channel_server.h"

/*
 * Every installed key with the resync epoch that last confirmed it: open
 * addressing, linear probing, deletion by backward shift (no tombstones, so
 * a table that churns for months does not slow down).  32 bytes a slot, at
 * most 3/4 full: 1M mappings take 64 MiB at worst, 43 at best.
 */
struct trk_slot {
	struct dp_msg_key key;
	uint32_t mark;			/* resync epoch; 0: empty slot; TRK_GRACE */
	uint32_t hash;
};

/* The mark of a stale key in its grace period: no epoch ever takes it, so
 * no sweep confirms it and RESYNC_END does not find it stale twice. */
#define TRK_GRACE	UINT32_MAX

struct trk {
	struct trk_slot *v;
	size_t cap;			/* a power of two */
	size_t count;
};

#define TRK_CAP_MIN	1024u

/* A stale key in its grace period, removed at deadline unless the control
 * plane confirms it first.  Stale after a resync, its tracker slot is
 * marked TRK_GRACE; left by an ended session, the slot keeps its epoch
 * (the server moves to a new one), so that any confirmation, and a resync
 * sweeping it by the usual rules, changes the mark and ends this wait. */
struct grace_ent {
	struct dp_msg_key key;
	uint64_t deadline_ns;
	uint32_t asked_gen;		/* session it was asked of as a miss; 0: none */
	uint32_t mark;			/* the slot's mark while it waits */
};

struct dp_channel_server {
	struct dp_channel_server_params p;
	char *path;
	struct dp_channel_ops ops;
	void *arg;
	int lfd;			/* listening */
	int sfd;			/* the session's socket; -1: none */
	int evfd;			/* the session's eventfd: wakes the CP */
	bool attached;
	struct dp_channel_map map;
	uint32_t generation;
	uint32_t epoch;			/* stamp of the current (last) resync */
	bool resyncing;
	uint32_t resync_tables;
	uint64_t resync_rejected;
	bool tx_pending;		/* produced since the last doorbell check */
	uint64_t next_check_ns;
	uint32_t snapshot;
	struct trk trk;
	struct grace_ent *grace;	/* may hold keys no longer TRK_GRACE */
	size_t n_grace, cap_grace;
	size_t grace_waiting;		/* tracker slots marked TRK_GRACE */
	struct dp_channel_server_counters c;
	enum dp_channel_end_reason end_reason;
	char end_text[160];
	union {
		uint64_t align;
		uint8_t b[DP_MSG_PAYLOAD_MAX];
	} buf;
};

/* CLOCK_MONOTONIC in ns (no syscall: vDSO). */
uint64_t dp_channel_now_ns(void);

/* The tracker (dp_channel_stale.c). */
uint32_t dp_channel_key_hash(const struct dp_msg_key *k);
struct trk_slot *dp_channel_trk_find(const struct trk *t, const struct dp_msg_key *k, uint32_t h);
void dp_channel_trk_place(struct trk *t, const struct dp_msg_key *k, uint32_t h, uint32_t mark);
/* Room for one more key without exceeding 3/4: 0 or -ENOMEM. */
int dp_channel_trk_reserve(struct trk *t);
void dp_channel_trk_del_at(struct trk *t, size_t i);

/* Stale keys (dp_channel_stale.c). */
size_t dp_channel_stale_sweep(struct dp_channel_server *s, uint32_t tables, uint32_t keep,
			      enum dp_channel_remove_reason why, size_t *kept);
void dp_channel_stale_end(struct dp_channel_server *s, struct trk_slot *slot);
void dp_channel_stale_poll(struct dp_channel_server *s);
/* A session ended: every tracked key not yet waiting gets
 * params.session_grace_ms, and the server a new epoch.  Returns how many. */
size_t dp_channel_stale_session_end(struct dp_channel_server *s);

#endif
