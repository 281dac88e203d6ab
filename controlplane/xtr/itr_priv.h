/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the ITR shared by itr.c (resolution, replies, SMR),
 * itr_pubsub.c (RFC 9437 subscriptions) and itr_probe.c (RLOC probing).
 */
#ifndef LISPGW_ITR_PRIV_H
#define LISPGW_ITR_PRIV_H

#include "cats.h"
#include "itr.h"
#include "log.h"
#include "mapdb.h"
#include "token_bucket.h"

#define ITR_ARENA_BYTES		LISP_DECODE_ARENA_BYTES	/* any datagram decodes */
#define ITR_MSG_MAX		9000
#define ITR_NONCE_BUCKETS	1024

/* One resolution in flight (or, for a rate-limited SMR, about to be). */
struct itr_pending {
	struct itr_pending *next;	/* nonce hash chain */
	struct itr *itr;
	struct lisp_prefix eid;
	bool has_src;
	struct lisp_addr src_eid;
	uint64_t nonce;			/* one per resolution, kept on retries */
	struct evtimer timer;
	size_t mr;			/* Map-Resolver being tried */
	unsigned int mrs_tried;		/* including the current one */
	unsigned int tries;		/* sent to the current one */
	bool smr_invoked;
	bool deferred;			/* SMR waiting out its rate limit */
	bool sec;			/* asked with an ITR-OTK (LISP-SEC) */
	uint8_t sec_otk[16];		/* that ITR-OTK, kept over retries */
};

/* An RLOC-probe in flight. */
struct itr_probe {
	struct itr_probe *next;		/* nonce hash chain */
	struct itr *itr;
	uint64_t nonce;
	struct lisp_prefix eid;
	struct lisp_addr rloc;
	uint64_t sent_us;
	struct evtimer timer;
};

struct itr {
	struct evloop *loop;
	struct itr_params params;
	struct itr_map_resolver *mrs;
	size_t mr_count;
	size_t mr_current;
	lisp_send_fn send;
	void *send_arg;
	struct mapcache *cache;
	struct cats_policies *cats;	/* ranking per IID; NULL: as received */
	/* itr.ecdsa-key (itr_sign.c): signs every Map-Request; NULL: none. */
	struct evp_pkey_st *ecdsa_key;
	struct lisp_prefix ecdsa_prefix;	/* its crypto-EID prefix, any IID */
	struct mapdb *pending_by_eid;
	struct itr_pending *pending[ITR_NONCE_BUCKETS];
	size_t pending_count;
	struct token_bucket smr_bucket;	/* SMR-driven requests (smr_rate) */
	struct mapdb *subs;		/* prefix -> struct itr_sub */
	size_t sub_count;
	struct itr_probe *probes[ITR_NONCE_BUCKETS];
	size_t probe_count;
	struct evtimer probe_round;
	struct itr_counters c;
	struct lisp_arena arena;
	uint8_t *arena_buf;
	uint8_t *req;			/* ITR_MSG_MAX: a Map-Request being built */
	uint8_t *out;			/* ITR_MSG_MAX: its ECM, an ack */
	struct log_ratelimit rl;
};

/* A fresh random nonce, never 0 (0 marks "no probe" in the cache). */
uint64_t itr_nonce_new(void);

/* Encodes a Map-Request for eid from our RLOCs into itr->req; its length
 * or -errno. */
struct itr_request_opts {
	bool probe;
	bool smr_invoked;
	bool subscribe;
	const struct lisp_addr *src_eid;	/* NULL: AFI 0 */
};
ssize_t itr_request_encode(struct itr *itr, const struct lisp_prefix *eid, uint64_t nonce,
			   const struct itr_request_opts *o);

/* Signed Map-Requests (itr_sign.c): signs req, whose one record is eid,
 * with itr->ecdsa_key as the key's crypto-EID in eid's Instance-ID; buf
 * keeps the Source-EID field until req is encoded.  0, or -errno after
 * counting request_errors. */
struct ecdsa_request_buf;
int itr_request_sign(struct itr *itr, struct lisp_map_request *req, const struct lisp_prefix *eid,
		     struct ecdsa_request_buf *buf);

/* Pub/sub (itr_pubsub.c). */
int itr_subs_init(struct itr *itr);
void itr_subs_free(struct itr *itr);
/* Notes a subscription to eid by a Map-Request with this nonce: the
 * Map-Server numbers its Map-Notifies from there (RFC 9437, 5). */
void itr_sub_note(struct itr *itr, const struct lisp_prefix *eid, uint64_t nonce);
/* The last nonce of eid's subscription when it is of nonce's series, else
 * nonce. */
uint64_t itr_sub_last(const struct itr *itr, const struct lisp_prefix *eid, uint64_t nonce);
/* RFC 9437, 5: a new subscribing request for a prefix we hold a nonce for
 * uses that nonce plus one.  False when we hold none. */
bool itr_sub_next_nonce(const struct itr *itr, const struct lisp_prefix *eid, uint64_t *nonce);
void itr_sub_drop(struct itr *itr, const struct lisp_prefix *eid);
bool itr_notify_input(struct itr *itr, const uint8_t *msg, size_t len,
		      const struct lisp_addr *src, uint16_t src_port);

/* LISP-SEC (itr_lispsec.c, RFC 9303): the ECM's Authentication Data for
 * p (a fresh ITR-OTK the first time) into ecm, buf its room; 0 when
 * LISP-SEC is off, -errno when it cannot be built. */
struct lisp_ecm;
int itr_lispsec_ecm(struct itr *itr, struct itr_pending *p, struct lisp_ecm *ecm,
		    uint8_t *buf, size_t cap);
/* Whether the Map-Reply answering p may be installed: verified, or not
 * asked for, or unsigned under optional; each refusal counted.  r is
 * decoded again (the check reuses the arena). */
bool itr_lispsec_reply_ok(struct itr *itr, struct itr_pending *p, const uint8_t *msg,
			  size_t len, struct lisp_map_reply *r);
void itr_lispsec_forget(struct itr_pending *p);

/* RLOC probing (itr_probe.c). */
void itr_probe_init(struct itr *itr);
void itr_probe_start(struct itr *itr);
void itr_probes_free(struct itr *itr);
void itr_probe_reply(struct itr *itr, const struct lisp_map_reply *r);

#endif
