/* SPDX-License-Identifier: BSD-3-Clause */
#include "ms_ddt.h"

#include <errno.h>
#include <string.h>

#include "lcaf.h"

void ms_ddt_referral_init(struct ms_ddt_referral *r, uint64_t nonce)
{
	r->nonce = nonce;
	r->count = 0;
}

int ms_ddt_referral_add(struct ms_ddt_referral *r, uint8_t action, const struct lisp_prefix *eid)
{
	if (action != LISP_REF_MS_ACK && action != LISP_REF_MS_NOT_REGISTERED &&
	    action != LISP_REF_NOT_AUTHORITATIVE)
		return -EINVAL;
	if (r->count >= LISP_RECORDS_MAX)
		return -ENOSPC;
	r->rec[r->count].action = action;
	r->rec[r->count].eid = *eid;
	r->count++;
	return 0;
}

/* Bytes record i takes in a Map-Referral (a one-record message less its
 * 12-byte header), or -errno. */
static ssize_t record_size(struct ms_ddt_referral *r, unsigned int i, uint8_t *buf, size_t cap,
			   struct lisp_err *err)
{
	struct lisp_map_referral one = { .nonce = r->nonce, .record_count = 1,
					 .records = &r->wire[i] };
	ssize_t n = lisp_map_referral_encode(&one, buf, cap, err);

	return n < 0 ? n : n - 12;
}

ssize_t ms_ddt_referral_encode(struct ms_ddt_referral *r, const struct ms_ddt_peers *peers,
			       size_t budget, uint8_t *buf, size_t cap, unsigned int *dropped,
			       struct lisp_err *err)
{
	/* One referral set, shared by the records that carry it. */
	struct lisp_locator set[MS_DDT_PEERS_MAX];
	struct lisp_map_referral m = { .nonce = r->nonce, .record_count = (uint8_t)r->count,
				       .records = r->wire };
	unsigned int npeers = peers ? peers->count : 0;

	if (npeers > MS_DDT_PEERS_MAX)
		return lisp_err_set(err, EINVAL, "%u Map-Server peers, at most %u", npeers,
				    MS_DDT_PEERS_MAX);
	for (unsigned int i = 0; i < npeers; i++) {
		/* All peers alike: any of them has the registration. */
		set[i] = (struct lisp_locator){ .priority = 1, .weight = 1,
						.flags = LISP_LOC_F_REACH };
		lisp_waddr_from_addr(&set[i].addr, &peers->addr[i]);
	}
	for (unsigned int i = 0; i < r->count; i++) {
		struct lisp_referral_record *rec = &r->wire[i];
		uint8_t act = r->rec[i].action;

		memset(rec, 0, sizeof(*rec));
		rec->action = act;
		rec->ttl = lisp_referral_default_ttl(act);
		rec->mask_len = r->rec[i].eid.plen;
		/* The Map-Server is the authority for what it is configured for
		 * (RFC 8111 section 6, the A bit), and for nothing else. */
		rec->authoritative = act != LISP_REF_NOT_AUTHORITATIVE;
		rec->incomplete = act == LISP_REF_NOT_AUTHORITATIVE;
		lisp_waddr_from_prefix(&rec->eid, &r->inner[i], &r->rec[i].eid);
		if (act != LISP_REF_NOT_AUTHORITATIVE) {
			rec->ref_count = (uint8_t)npeers;
			rec->refs = npeers ? set : NULL;
			rec->incomplete = npeers == 0;
		}
		if (lisp_referral_record_check(rec, err) < 0)
			return -EPROTO;
	}
	if (dropped)
		*dropped = 0;
	if (budget) {
		/* The first record whole; the others together within budget
		 * (the caller's: the request's own size, so that records cannot
		 * multiply a spoofed request into a larger answer). */
		size_t used = 0;

		for (unsigned int i = 0; i < r->count; i++) {
			ssize_t sz = record_size(r, i, buf, cap, err);

			if (sz < 0)
				return sz;
			if (i > 0 && used + (size_t)sz > budget) {
				if (dropped)
					*dropped = r->count - i;
				m.record_count = (uint8_t)i;
				break;
			}
			if (i > 0)
				used += (size_t)sz;
		}
	}
	return lisp_map_referral_encode(&m, buf, cap, err);
}
