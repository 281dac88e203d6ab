/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests at the Map-Resolver (draft-ietf-lisp-ecdsa-auth,
 * "Signed Map-Request Encoding"; formats: docs/ecdsa.md; threats:
 * docs/security.md, "Map-Requests that prove who asks").
 *
 * map-resolver.signed-requests: off (signatures ignored), optional (a
 * signed request must verify, an unsigned one is answered as before) or
 * required (unsigned ones are refused).  A signed request names its signer
 * (signature-eid, a crypto-EID that must be the request's source-eid);
 * the signer's public key is the one the Map-Server in this process holds
 * for its hash-EID (map_server_ecdsa_key: the cache of verified keys, the
 * hash-EID registration), checked to hash to the signer.
 *
 * ECDSA verification costs about 0.2 ms of one core (docs/ecdsa.md,
 * "Costs"): verifications are rationed, per signer and all together
 * (signed_verify_limited), before the key is looked up, so a flood of
 * forged signatures spends the budget and never the core.  A request
 * whose (signer, nonce) was verified before is refused as a replay while
 * that pair is in the table of recent ones (MR_ECDSA_REPLAY_SLOTS).
 */
#ifndef LISPGW_MR_ECDSA_H
#define LISPGW_MR_ECDSA_H

#include <stdint.h>

#include "lisp_err.h"
#include "lisp_msg.h"

enum mr_signed_mode {
	MR_SIGNED_OFF,
	MR_SIGNED_OPTIONAL,
	MR_SIGNED_REQUIRED,
};

/* Verified (signer, nonce) pairs remembered, direct-mapped. */
#define MR_ECDSA_REPLAY_SLOTS	8192
/* Signers with a verification bucket (ratelimit.h). */
#define MR_ECDSA_SIGNER_SLOTS	4096

struct mr_ecdsa_params {
	uint8_t mode;			/* enum mr_signed_mode */
	uint32_t verify_rate;		/* verifications/s, all signers; 0 unlimited */
	uint32_t verify_burst;
	uint32_t signer_rate;		/* verifications/s per signer; 0 unlimited */
};

#define MR_ECDSA_COUNTERS(X)                                                  \
	X(requests_authenticated)                                             \
	X(signed_refused_malformed)   /* the signature field does not decode */ \
	X(signed_refused_no_key)      /* no key held for the signer */          \
	X(signed_refused_key_mismatch) /* key or signer is not the source's */  \
	X(signed_refused_signature)   /* does not verify */                     \
	X(signed_refused_replayed)    /* (signer, nonce) verified before */     \
	X(signed_refused_unsigned)    /* unsigned under required */             \
	X(signed_verify_limited)      /* over the verification budget */

struct mr_ecdsa_counters {
#define MR_ECDSA_FIELD(name) uint64_t name;
	MR_ECDSA_COUNTERS(MR_ECDSA_FIELD)
#undef MR_ECDSA_FIELD
};

struct map_server;
struct mr_ecdsa;

/* NULL with errno ENOMEM; p->mode off needs none. */
struct mr_ecdsa *mr_ecdsa_new(const struct mr_ecdsa_params *p, uint64_t now_ms);
void mr_ecdsa_free(struct mr_ecdsa *e);

/* 1: signed and authenticated; 0: unsigned, allowed (optional); -EACCES:
 * refused and counted, err says why.  ms may be NULL (no keys: a signed
 * request is refused no_key). */
int mr_ecdsa_check(struct mr_ecdsa *e, struct map_server *ms, const struct lisp_map_request *req,
		   uint64_t now_ms, struct lisp_err *err);

const struct mr_ecdsa_counters *mr_ecdsa_counters(const struct mr_ecdsa *e);

#endif
