/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Server's state, shared by its files: map_server.c (registrations,
 * Map-Notify, reload) and ms_replay.c (replay protection per authenticated
 * registrant).  Not for other modules: map_server.h is the interface.
 */
#ifndef LISPGW_MS_PRIV_H
#define LISPGW_MS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "addrset.h"
#include "arena.h"
#include "log.h"
#include "map_server.h"

/* A Map-Register decodes into the whole of what a datagram can hold, and
 * its Map-Notify carries the same records (RFC 9301 section 5.7): the
 * largest Map-Register that fits a datagram is acknowledged.  A stored
 * registration's record is decoded for a Map-Notify one at a time. */
#define MS_ARENA_BYTES		LISP_DECODE_ARENA_BYTES
#define MS_NOTIFY_ARENA_BYTES	(256 * 1024)
#define MS_MSG_MAX		LISP_DATAGRAM_MAX
#define MS_OBSERVERS_MAX	4
#define MS_SITES_PER_EID	16
#define PEER_BUCKETS		1024
#define PENDING_BUCKETS		256
/* How often silent registrants are looked for; and at most how often a
 * full table looks again before refusing a newcomer. */
#define PEER_SWEEP_MS		60000
#define PEER_SWEEP_FULL_MS	1000

/* Whom replay state belongs to: the authenticated registration identity
 * (the site whose key signed, and the xTR-ID and site-ID; without an
 * xTR-ID, the set of EID-prefixes registered), never the UDP source, which
 * anyone who captured the message can send it from. */
struct ms_peer_id {
	bool has_xtr_id;
	uint8_t id[LISP_XTR_ID_LEN];	/* the xTR-ID, or a digest of the EID set */
	uint64_t site_id;
};

struct ms_peer {
	struct ms_peer *next;
	const struct site *site;
	struct ms_peer_id pid;
	uint64_t last_nonce;
	uint64_t recent[MS_NONCE_WINDOW];	/* ring of accepted nonces */
	unsigned int recent_count, recent_head;
	uint64_t last_accept_ms;		/* its last accepted Map-Register */
};

/* docs/security.md states the cost of a registrant with malloc's header. */
_Static_assert(sizeof(struct ms_peer) + 16 <= MS_REGISTRANT_BYTES, "documented registrant size");

/* A Map-Notify waiting for its Map-Notify-Ack. */
struct ms_pending {
	struct ms_pending *next;
	struct map_server *ms;
	struct evtimer timer;
	uint64_t nonce;
	struct site *site;
	struct lisp_ipaddr dst;		/* compact: one per Map-Notify kept */
	uint16_t dst_port;
	unsigned int tries;
	bool subscriber;		/* to a pub/sub subscriber */
	size_t len;
	uint8_t msg[];
};

struct ms_observer {
	ms_change_fn fn;
	void *arg;
};

struct map_server {
	struct evloop *loop;
	struct site_table *sites;
	struct ms_params params;
	lisp_send_fn send;
	void *send_arg;
	struct registry *registry;
	struct ms_observer observers[MS_OBSERVERS_MAX];
	unsigned int observer_count;
	struct ms_peer *peers[PEER_BUCKETS];
	struct ms_pending *pending[PENDING_BUCKETS];
	size_t peer_count;
	size_t pending_count, pending_subscribers;
	struct evtimer sweep;
	uint64_t last_sweep_ms;
	struct addrset *verified;	/* map_server_source_verified() */
	uint64_t sites_gen;		/* map_server_sites_generation() */
	struct ms_counters c;
	struct lisp_arena arena;		/* the message being handled */
	struct lisp_arena notify_arena;		/* notifies built meanwhile */
	uint8_t *arena_buf;
	uint8_t *out;			/* MS_MSG_MAX, for building messages */
	struct log_ratelimit rl;
	struct ms_ecdsa *ecdsa;		/* ms_ecdsa.c: verified keys */
};

/* map_server.c: counts a refused Map-Register under its reason and logs
 * it, rate-limited. */
void register_refuse(struct map_server *ms, enum ms_refusal why, struct site *site,
		     const struct lisp_addr *src, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* ms_ecdsa.c: ECDSA-signed registrations (draft-ietf-lisp-ecdsa-auth,
 * docs/ecdsa.md).  The cache holds verified public keys by crypto-EID. */
struct ms_ecdsa *ms_ecdsa_new(size_t cache_slots);
void ms_ecdsa_free(struct ms_ecdsa *e);
/* Is eid the hash-EID of one of the site's crypto-EIDs (auth ecdsa|both)?
 * Such a record is the site's to register: its key is checked. */
bool ms_ecdsa_allows(const struct site *s, const struct lisp_prefix *eid);
/* The sites (at most max) whose crypto-EID prefixes name eid's hash-EID. */
size_t ms_ecdsa_sites(struct site_table *t, const struct lisp_prefix *eid, struct site **out,
		      size_t max);
/* Every record of m for a site with auth ecdsa|both, before any is
 * applied: 0, or -EACCES after counting and logging the refusal.
 * hmac_ok: the site's key authenticated the message. */
int ms_ecdsa_check(struct map_server *ms, struct site *site, bool hmac_ok,
		   const struct lisp_map_register *m, const struct lisp_prefix *eids,
		   const struct lisp_addr *src);

/* ms_replay.c */
int peer_id_of(const struct lisp_map_register *m, const struct lisp_prefix *eids,
		      struct ms_peer_id *pid);
bool peer_id_equal(const struct ms_peer_id *a, const struct ms_peer_id *b);
size_t peer_hash(const struct site *s, const struct ms_peer_id *pid);
void peer_sweep_fire(struct evtimer *t, void *arg);
struct ms_peer *peer_get(struct map_server *ms, struct site *s,
				const struct ms_peer_id *pid, bool *full);
bool peer_nonce_fresh(const struct map_server *ms, const struct ms_peer *p, uint64_t nonce);
void peer_nonce_accept(struct ms_peer *p, uint64_t nonce, uint64_t now);

#endif
