/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals of the control plane's end of the data-plane channel, shared by
 * dp_push.c (session, output, replay, database), dp_push_encode.c (messages
 * from map-cache entries, configuration and records) and dp_push_rx.c (what
 * the data plane sends back). */
#ifndef LISPGW_DP_PUSH_PRIV_H
#define LISPGW_DP_PUSH_PRIV_H

#include "dp_channel.h"
#include "dp_push.h"
#include "mapcache.h"

#define RX_BUDGET	4096	/* DP->CP records per wake-up before yielding */

enum dpp_state {
	DPP_IDLE,			/* waiting to (re)connect */
	DPP_HELLO,			/* connected, waiting for the hello */
	DPP_ATTACHED,
};

/* An ETR database entry as it goes to the data plane. */
struct db_entry {
	uint32_t mark;			/* load generation that last set it */
	uint32_t len;
	struct dp_msg_map m;
};

/* A resync in progress: the keys to replay, looked up again when sent so
 * that what goes out is always the current state (or nothing, when the
 * entry went away meanwhile and its delete already left). */
struct replay {
	bool active;
	bool begin_sent;
	uint32_t tables;
	struct dp_msg_key *keys;
	size_t n, next, cap;
	uint64_t sent;
};

struct snap_buf {
	struct dp_push_snapshot s;
	uint16_t total, have;
	struct dp_msg_counter *v;
	size_t cap;
};

struct dp_push {
	struct evloop *loop;
	struct dp_push_params p;
	char *path;
	struct itr *itr;
	struct mapcache *mc;

	enum dpp_state state;
	int sock, evfd;
	struct dp_channel_map map;
	uint32_t generation;
	struct evtimer reconnect;
	uint64_t backoff_ms;
	struct evtimer retry;		/* backlog/replay: fallback and next batch */

	/* Messages that found the ring full, in order: records as in the ring
	 * (header + payload), appended at len, consumed from off. */
	uint8_t *bl;
	size_t bl_off, bl_len, bl_cap;
	bool need_resync;		/* the backlog overflowed */
	struct replay rs;

	struct mapdb *db;		/* lisp_prefix -> struct db_entry */
	uint32_t db_mark;

	double miss_tokens;
	uint64_t miss_last_ms;

	struct snap_buf building, latest;
	bool have_latest;
	struct dp_push_resync_result last_resync;
	struct dp_push_counters c;
	union {
		uint64_t align;
		uint8_t b[DP_MSG_PAYLOAD_MAX];
	} rxbuf;
};

/* dp_push_encode.c */
bool dpp_addr_put(const struct lisp_addr *a, uint8_t *afi, uint8_t addr[16]);
bool dpp_key_from_prefix(const struct lisp_prefix *p, uint8_t table, struct dp_msg_key *k);
void dpp_prefix_from_key(const struct dp_msg_key *k, struct lisp_prefix *p);
int dpp_map_from_entry(const struct mapcache_entry *e, struct dp_msg_map *m);
/* A negative native-forward m without locators gets the Proxy-ETRs as its
 * locators (up); any other m is left as it is. */
void dpp_petrs_put(struct dp_msg_map *m, const struct cp_config_rloc *petrs, size_t n);
int dpp_map_from_config(const struct cp_config_mapping *c, struct dp_msg_map *m);
int dpp_map_from_record(const struct lisp_record *rec, struct dp_msg_map *m);

/* dp_push_rx.c: drains DP->CP records; false when the session broke. */
bool dpp_rx_drain(struct dp_push *dp);

/* dp_push.c */
int dpp_out(struct dp_push *dp, uint16_t type, const void *p, size_t len);
void dpp_disconnect(struct dp_push *dp, const char *why);
/* Arms the backlog/replay retry timer ms from now. */
void dpp_retry_arm(struct dp_push *dp, uint64_t ms);

#endif
