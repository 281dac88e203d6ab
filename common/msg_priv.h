/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by the msg_*.c codecs; not part of the public API. */
#ifndef LISPGW_MSG_PRIV_H
#define LISPGW_MSG_PRIV_H

#include "lisp_msg.h"

int lisp_records_decode(struct wire_rd *r, struct lisp_arena *a, uint8_t count,
			struct lisp_record **out, struct lisp_err *err);
int lisp_records_encode(struct wire_wr *w, uint8_t count, const struct lisp_record *recs,
			struct lisp_err *err);
int lisp_eid_mask_len_check(const struct lisp_waddr *eid, uint8_t mask_len,
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
