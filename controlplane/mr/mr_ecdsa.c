/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests at the Map-Resolver (mr_ecdsa.h, docs/ecdsa.md).
 * Checks run cheapest first: the record's shape, the signer against the
 * source, the verification budget, the replay table, then the key and
 * the curve arithmetic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ecdsa_request.h"
#include "map_server.h"
#include "mr_ecdsa.h"
#include "ratelimit.h"
#include "siphash.h"
#include "token_bucket.h"

struct replay_slot {
	bool used;
	uint32_t iid;
	uint8_t eid[16];
	uint64_t nonce;
	uint64_t rlocs;		/* digest of where the reply went */
};

struct mr_ecdsa {
	struct mr_ecdsa_params p;
	struct token_bucket verify;	/* all signers together */
	struct ratelimit *per_signer;	/* NULL: no per-signer limit */
	struct siphash_key hk;
	struct replay_slot *replay;	/* MR_ECDSA_REPLAY_SLOTS */
	struct mr_ecdsa_counters c;
};

struct mr_ecdsa *mr_ecdsa_new(const struct mr_ecdsa_params *p, uint64_t now_ms)
{
	struct mr_ecdsa *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->p = *p;
	token_bucket_init(&e->verify, p->verify_rate, p->verify_burst, now_ms);
	e->replay = calloc(MR_ECDSA_REPLAY_SLOTS, sizeof(*e->replay));
	if (p->signer_rate)
		e->per_signer = ratelimit_new(p->signer_rate, 2 * p->signer_rate,
					      MR_ECDSA_SIGNER_SLOTS);
	if (!e->replay || (p->signer_rate && !e->per_signer) || siphash_key_new(&e->hk) < 0) {
		mr_ecdsa_free(e);
		errno = ENOMEM;
		return NULL;
	}
	return e;
}

void mr_ecdsa_free(struct mr_ecdsa *e)
{
	if (!e)
		return;
	ratelimit_free(e->per_signer);
	free(e->replay);
	free(e);
}

const struct mr_ecdsa_counters *mr_ecdsa_counters(const struct mr_ecdsa *e)
{
	return &e->c;
}

static struct replay_slot *replay_slot(struct mr_ecdsa *e, const struct ecdsa_request *r)
{
	uint64_t hi, lo;

	memcpy(&hi, r->signer.addr, 8);
	memcpy(&lo, r->signer.addr + 8, 8);
	return &e->replay[siphash_u64(&e->hk, r->nonce ^ siphash_u64(&e->hk, hi ^ lo ^
				      ((uint64_t)r->signer.iid << 32))) % MR_ECDSA_REPLAY_SLOTS];
}

static bool replay_is(const struct replay_slot *s, const struct ecdsa_request *r)
{
	return s->used && s->nonce == r->nonce && s->iid == r->signer.iid &&
	       memcmp(s->eid, r->signer.addr, 16) == 0;
}

/* The signature does not cover the ITR-RLOCs (draft: nonce, source and
 * target only): a retransmission repeats them and the target, a replay
 * that aims the reply elsewhere does not. */
static uint64_t rlocs_digest(const struct mr_ecdsa *e, const struct lisp_map_request *req,
			     const struct ecdsa_request *r)
{
	uint64_t t[2], h;

	memcpy(t, r->target.addr, 16);
	h = siphash_u64(&e->hk, t[0] ^ siphash_u64(&e->hk, t[1] ^ ((uint64_t)r->target.iid << 8 |
				(uint64_t)r->target.af))) ^ req->itr_rloc_count;

	for (unsigned int i = 0; i < req->itr_rloc_count; i++) {
		const struct lisp_addr *a = lisp_waddr_rloc(&req->itr_rlocs[i]);
		uint64_t hi = 0, lo = 0;

		if (a && a->afi == LISP_AFI_IPV4)
			memcpy(&lo, a->v4, 4);
		else if (a && a->afi == LISP_AFI_IPV6)
			memcpy(&hi, a->v6, 8), memcpy(&lo, a->v6 + 8, 8);
		h = siphash_u64(&e->hk, h ^ siphash_u64(&e->hk, hi ^ (lo + (a ? a->afi : 0))));
	}
	return h;
}

static bool eid_equal(const struct ecdsa_eid *a, const struct ecdsa_eid *b)
{
	return a->af == b->af && a->iid == b->iid &&
	       memcmp(a->addr, b->addr, a->af == AF_INET ? 4 : 16) == 0;
}

/* One verification more: the signer's share first, so that a flood
 * naming one signer spends that signer's bucket and not everyone's.
 * The signer is not proven yet: the per-signer bucket is keyed by the
 * name it claims (its EID; the Instance-ID is left out). */
static bool verify_allowed(struct mr_ecdsa *e, const struct ecdsa_request *r, uint64_t now_ms)
{
	struct lisp_addr who = { .afi = LISP_AFI_IPV6 };

	memcpy(who.v6, r->signer.addr, 16);
	if (e->per_signer && !ratelimit_allow(e->per_signer, &who, now_ms))
		return false;
	return token_bucket_take(&e->verify, now_ms);
}

int mr_ecdsa_check(struct mr_ecdsa *e, struct map_server *ms, const struct lisp_map_request *req,
		   uint64_t now_ms, struct lisp_err *err)
{
	enum ecdsa_reason why;
	struct ecdsa_request r;
	struct replay_slot *slot;
	EVP_PKEY *key = NULL;
	uint64_t digest;
	int rc;

	rc = ecdsa_request_decode(req, &r, &why, err);
	if (rc < 0) {
		e->c.signed_refused_malformed++;
		return -EACCES;
	}
	if (rc == 0) {
		if (e->p.mode != MR_SIGNED_REQUIRED)
			return 0;
		e->c.signed_refused_unsigned++;
		return lisp_err_set(err, EACCES, "unsigned Map-Request refused (required)");
	}
	/* The signer speaks for itself only: which signer may ask for
	 * which source EID is nowhere configured. */
	if (!eid_equal(&r.signer, &r.source)) {
		e->c.signed_refused_key_mismatch++;
		return lisp_err_set(err, EACCES, "signature-eid is not the source-eid");
	}
	if (!verify_allowed(e, &r, now_ms)) {
		e->c.signed_verify_limited++;
		return lisp_err_set(err, EACCES, "over the signature verification budget");
	}
	/* Seen and verified before: the ITR's retransmission (same nonce,
	 * same ITR-RLOCs, RFC 9301 6.1) is what it was; anything else is a
	 * replay. */
	slot = replay_slot(e, &r);
	digest = rlocs_digest(e, req, &r);
	if (replay_is(slot, &r)) {
		if (slot->rlocs == digest) {
			e->c.requests_authenticated++;
			return 1;
		}
		e->c.signed_refused_replayed++;
		return lisp_err_set(err, EACCES, "signed Map-Request replayed (nonce %016llx)",
				    (unsigned long long)r.nonce);
	}
	rc = ms ? map_server_ecdsa_key(ms, &r.signer, &key) : -ENOENT;
	if (rc < 0) {
		if (rc == -ENOENT)
			e->c.signed_refused_no_key++;
		else
			e->c.signed_refused_key_mismatch++;
		return lisp_err_set(err, EACCES, "%s for the signer's hash-EID",
				    rc == -ENOENT ? "no public key" : "a key of another EID");
	}
	if (ecdsa_request_verify(&r, key, &why, err) < 0) {
		e->c.signed_refused_signature++;
		return -EACCES;
	}
	slot->used = true;
	slot->iid = r.signer.iid;
	memcpy(slot->eid, r.signer.addr, 16);
	slot->nonce = r.nonce;
	slot->rlocs = digest;
	e->c.requests_authenticated++;
	return 1;
}
