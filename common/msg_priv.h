/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by the msg_*.c codecs; not part of the public API. */
#ifndef LISPGW_MSG_PRIV_H
#define LISPGW_MSG_PRIV_H

#include "lisp_msg.h"

int lisp_records_decode(struct wire_rd *r, struct lisp_arena *a, uint8_t count,
			struct lisp_record **out, struct lisp_err *err);
int lisp_records_encode(struct wire_wr *w, uint8_t count, const struct lisp_record *recs,
			struct lisp_err *err);
/* Smallest locator on the wire: 6 bytes of fields + a 2-byte AFI 0. */
#define LISP_LOCATOR_MIN_LEN	8

/* One locator (priorities, weights, flags, address): Map-Reply records and
 * the referral set of a Map-Referral record share the layout. */
int lisp_locator_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_locator *loc,
			struct lisp_err *err);
int lisp_locator_encode(struct wire_wr *w, const struct lisp_locator *loc, struct lisp_err *err);
int lisp_eid_mask_len_check(const struct lisp_waddr *eid, uint8_t mask_len,
			    struct lisp_err *err);

/* The first word and the nonce of a Map-Request, Map-Reply or Map-Referral
 * at the start of r: -EBADMSG when short, -EPROTO when not of type. */
int lisp_msg_head_decode(struct wire_rd *r, uint8_t type, uint32_t *w0, uint64_t *nonce,
			 struct lisp_err *err);

/* HMAC (digest "SHA1" or "SHA256") of buf with [zero_off, zero_off +
 * zero_len) read as zeros (the field that will carry it), the whole
 * digest in out and its length in *out_len: Map-Register authentication
 * (msg_auth.c) and LISP-SEC's EID and PKT HMACs (lisp_sec_crypto.c).
 * 0, or -errno with err. */
int lisp_hmac_zeroed(const char *digest, const void *key, size_t key_len, const uint8_t *buf,
		     size_t len, size_t zero_off, size_t zero_len, uint8_t *out, size_t *out_len,
		     struct lisp_err *err);

/* Fails unless the whole message was consumed (trailing bytes are refused:
 * a length disagreement is how truncation and smuggling show up). */
int lisp_msg_end_check(const struct wire_rd *r, const char *what, struct lisp_err *err);

#define ENC(expr)                                                                   \
	do {                                                                        \
		if ((expr) < 0)                                                     \
			return lisp_err_set(err, ENOSPC, "encode buffer too small"); \
	} while (0)

#endif
