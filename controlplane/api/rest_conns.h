/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API's connections as slow clients see them (docs/security.md,
 * "REST under slow clients").  rest.c accepts each socket itself and hands
 * it to libmicrohttpd; this table decides first whether it may, and keeps
 * what libmicrohttpd does not: how long each connection has been waiting
 * for its request.
 *
 * A connection is in one phase at a time, in a list per phase, oldest
 * first (a phase is entered at "now" on a monotonic clock, so appending
 * keeps the order):
 *   HEAD     accepted, or its last response sent (kept alive): the whole
 *            request head is due within the header deadline;
 *   BODY     head complete: the whole body is due within the body deadline;
 *   SERVING  request complete, answered: no deadline (libmicrohttpd's idle
 *            timeout still applies), never evicted;
 *   CLOSING  shut down here, until libmicrohttpd notices and lets go.
 * The deadlines count from the phase's start, not from the last byte, so a
 * client that sends one byte a second cannot hold a connection past them.
 *
 * When a new connection finds the table full (or its address at its own
 * limit), the oldest incomplete connection (HEAD first, then BODY) of the
 * table (of that address) is shut down to make room: a client with a
 * complete request is always served, whatever slow clients hold.  Only a
 * newcomer whose whole request head has arrived may close another (rest.c
 * peeks at it): slow clients that reconnect the moment they are closed
 * must not close, in turn, the connections of those with a request.  When
 * every connection is SERVING, the newcomer is refused.
 *
 * Closing is shutdown(2) on the socket: libmicrohttpd reads the end of
 * stream at its next run and closes it as it would a client's close.
 * Nothing here calls libmicrohttpd, so the unit suite drives the table
 * with socket pairs and its own clock.
 */
#ifndef LISPGW_REST_CONNS_H
#define LISPGW_REST_CONNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "log.h"
#include "rest.h"

enum rest_conn_phase {
	REST_CONN_HEAD,
	REST_CONN_BODY,
	REST_CONN_SERVING,
	REST_CONN_CLOSING,
	REST_CONN_PHASES
};

struct rest_conn {
	struct rest_conn *prev, *next;	/* in its phase's list */
	enum rest_conn_phase phase;
	uint64_t since_ms;		/* the phase's start */
	int fd;				/* libmicrohttpd's once handed over */
	void *mhd;			/* struct MHD_Connection, set by rest.c */
	struct sockaddr_storage peer;
	void *tls;			/* https: the certificate it presents (rest_tls.h) */
	bool tls_done;			/* https: its handshake completed */
};

struct rest_conn_list {
	struct rest_conn *first, *last;
};

struct rest_conn_limits {
	uint32_t max;
	uint32_t max_per_addr;
	uint32_t header_ms;
	uint32_t body_ms;
};

struct rest_conns {
	struct rest_conn_limits lim;
	struct rest_conn_list phase[REST_CONN_PHASES];
	uint32_t open;			/* every phase but CLOSING */
	struct rest_counters *c;	/* the API's: closes, evictions, refusals */
	struct log_ratelimit rl;
};

void rest_conns_init(struct rest_conns *t, const struct rest_conn_limits *lim,
		     struct rest_counters *c);
/* New limits (a reload): the next admission and deadline check use them;
 * nothing is closed at once. */
void rest_conns_set_limits(struct rest_conns *t, const struct rest_conn_limits *lim);
/* Forgets every connection (the daemon is stopping; libmicrohttpd closed
 * them). */
void rest_conns_clear(struct rest_conns *t);

/* A connection accepted at now_ms: its entry in HEAD.  When the table, or
 * its client's share, is full: NULL with errno EAGAIN unless head_complete
 * (nothing done, nothing counted: the caller waits for its head), else the
 * oldest incomplete connections are closed to make room.  NULL with errno
 * EBUSY when none could be (counted as refused), ENOMEM; the caller closes
 * fd then. */
struct rest_conn *rest_conns_admit(struct rest_conns *t, int fd, const struct sockaddr *peer,
				   socklen_t peer_len, uint64_t now_ms, bool head_complete);
/* The connection's next phase (HEAD, BODY or SERVING) from now_ms; a
 * CLOSING one stays so. */
void rest_conn_enter(struct rest_conns *t, struct rest_conn *rc, enum rest_conn_phase phase,
		     uint64_t now_ms);
/* libmicrohttpd closed it: the entry is freed. */
void rest_conn_forget(struct rest_conns *t, struct rest_conn *rc);

/* Shuts down the connections whose deadline is at or before now_ms
 * (counted, logged at a limited rate). */
void rest_conns_expire(struct rest_conns *t, uint64_t now_ms);
/* The earliest deadline, UINT64_MAX when none runs. */
uint64_t rest_conns_next_deadline(const struct rest_conns *t);

#endif
