/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the ETR shared by etr.c (database, SMR, input) and
 * etr_register.c (Map-Registers and their acknowledgements).
 */
#ifndef LISPGW_ETR_PRIV_H
#define LISPGW_ETR_PRIV_H

#include "etr.h"
#include "log.h"
#include "mapdb.h"
#include "requesters.h"
#include "token_bucket.h"

#define ETR_MSG_MAX		9000
/* Nonces of Map-Registers a Map-Server has not answered yet, kept so that a
 * late Map-Notify is still recognised as ours (never acknowledged as an
 * unsolicited one); beyond this the oldest is forgotten. */
#define ETR_SENT_MAX		1024

struct etr_entry {
	struct lisp_prefix eid;
	/* The ITRs that asked (requesters.h), at most params.smr_requesters;
	 * NULL until someone asks. */
	struct requesters *reqs;
	struct etr_entry *next_gone;	/* the list of withdrawals to send */
	uint32_t smr_ttl;	/* nonzero: SMR its askers (who cached this TTL) */
	bool changed;		/* to be registered with the next coalesced send */
	/* Added or changed at run time: registered in Map-Registers of its own
	 * until every Map-Server accepted it, so that a record a Map-Server
	 * refuses never takes the batches (and the valid records in them)
	 * down with it. */
	bool solo;
	uint8_t state;		/* enum etr_reg_state */
	uint8_t solo_misses;	/* its own Map-Registers unanswered */
	uint32_t acked_mask;	/* Map-Servers that accepted this version */
	uint64_t acks_at_first;	/* etr->acks when its first one left */
	uint64_t last_miss_ms;
	size_t len;
	uint8_t record[];	/* encoded, A-bit set */
};

/* A Map-Register waiting for its Map-Notify. */
struct etr_sent {
	uint64_t nonce;
	uint64_t sent_ms;
	struct etr_entry *entry;	/* a solo message's record (NULL: gone) */
	bool solo;		/* one record's own message, else a batch */
	bool awaited;	/* its loss makes us retransmit (not yet superseded) */
};

struct etr_ms {
	struct etr *etr;
	struct etr_map_server conf;
	struct evtimer retry;
	struct etr_sent *sent;		/* ETR_SENT_MAX */
	unsigned int sent_count;
	unsigned int awaited;		/* sent[] entries with .awaited */
	unsigned int awaited_batch;	/* ... of them batches */
	unsigned int tries;
	size_t record_budget;		/* record bytes per Map-Register */
};

struct etr {
	struct evloop *loop;
	struct etr_params params;
	struct etr_ms *servers;
	size_t server_count;
	lisp_send_fn send;
	void *send_arg;
	struct mapdb *db;
	struct evtimer periodic;
	struct evtimer soon;		/* coalesced send of runtime changes */
	bool started;
	bool unsent;			/* the database has not been sent whole yet */
	struct etr_entry *gone;		/* deleted, withdrawal not yet sent */
	uint64_t nonce_counter;
	uint64_t acks;			/* Map-Notifies for our Map-Registers */
	struct lisp_prefix *accepted;	/* what the Map-Servers' sites accept */
	size_t accepted_count;
	uint64_t smr_tokens;		/* thousandths of an SMR */
	uint64_t smr_refill_ms;
	struct token_bucket replies;	/* reply_rate */
	struct etr_counters c;
	struct lisp_arena arena;
	uint8_t *arena_buf;
	uint8_t *out;
	struct log_ratelimit rl;
};

void etr_entry_free(struct etr_entry *e);
/* SMRs the ITRs in rs that asked about eid (etr.c). */
void etr_smr_send(struct etr *etr, struct requesters *rs, const struct lisp_prefix *eid,
		  const struct etr_entry *rloc_from, uint32_t ttl_min);

/* etr_register.c */
int etr_register_init(struct etr *etr);
void etr_register_fini(struct etr *etr);
/* The database changed: registered shortly (coalesced) once started. */
void etr_register_soon(struct etr *etr);
/* True when nonce is one of ours to ms (then no longer awaited). */
bool etr_register_acked(struct etr_ms *ms, uint64_t nonce);
/* Entry old leaves the database (replaced by new, or NULL: deleted): its
 * unanswered solo Map-Registers now stand for new. */
void etr_register_repoint(struct etr *etr, const struct etr_entry *old, struct etr_entry *new);
/* Marks a new or changed entry for registration of its own (after the
 * start) or with the first batches (before). */
void etr_register_entry_new(struct etr *etr, struct etr_entry *e);

/* LISP-SEC (etr_lispsec.c, RFC 9303 6.8): what an ECM's AD lets us sign
 * the answer with. */
struct etr_sec {
	bool sign;
	uint16_t hmac_id;
	uint8_t ms_otk[16];
	const uint8_t *eid_ad;		/* the Map-Server's EID-AD, as received */
	size_t eid_ad_len;
};
/* 0 (sec->sign says whether we sign), or -EACCES: drop the request. */
int etr_lispsec_begin(struct etr *etr, const struct lisp_ecm *ecm, const struct lisp_addr *src,
		      struct etr_sec *sec);
/* The Map-Reply of len bytes in msg, signed when sec says so: its length. */
size_t etr_lispsec_seal(struct etr *etr, struct etr_sec *sec, uint8_t *msg, size_t len,
			size_t cap);

#endif
