// SPDX-License-Identifier: BSD-3-Clause
/* Who asked, and the SMR that tells them (requesters.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "requesters.h"

static bool requester_is(const struct requester *r, const struct lisp_addr *a)
{
	if (r->afi != a->afi)
		return false;
	return a->afi == LISP_AFI_IPV4 ? !memcmp(r->addr, a->v4, 4) : !memcmp(r->addr, a->v6, 16);
}

void requester_addr(const struct requester *r, struct lisp_addr *a)
{
	if (r->afi == LISP_AFI_IPV4)
		lisp_addr_set_v4(a, r->addr);
	else
		lisp_addr_set_v6(a, r->addr);
}

int requesters_note(struct requesters **rsp, unsigned int max, const struct lisp_addr *itr,
		    uint16_t port, uint64_t now_ms)
{
	struct requesters *rs = *rsp;
	struct requester *r = NULL;
	int pushed_out = 0;

	if (itr->afi != LISP_AFI_IPV4 && itr->afi != LISP_AFI_IPV6)
		return -EINVAL;
	for (unsigned int i = 0; rs && i < rs->count && !r; i++)
		if (requester_is(&rs->r[i], itr))
			r = &rs->r[i];
	if (!r && (!rs || (rs->count == rs->cap && rs->cap < max))) {
		unsigned int cap = rs ? 2 * rs->cap : 4;
		struct requesters *n;

		if (cap > max)
			cap = max;
		n = realloc(rs, sizeof(*n) + cap * sizeof(n->r[0]));
		if (!n)
			return -ENOMEM;
		if (!rs)
			n->count = 0;
		n->cap = cap;
		*rsp = rs = n;
	}
	if (!r && rs->count < rs->cap) {
		r = &rs->r[rs->count++];
	} else if (!r) {
		r = &rs->r[0];
		for (unsigned int i = 1; i < rs->count; i++)
			if (rs->r[i].seen_ms < r->seen_ms)
				r = &rs->r[i];
		pushed_out = 1;
	}
	memset(r, 0, sizeof(*r));
	r->afi = itr->afi;
	memcpy(r->addr, itr->afi == LISP_AFI_IPV4 ? itr->v4 : itr->v6,
	       itr->afi == LISP_AFI_IPV4 ? 4 : 16);
	r->port = port;
	r->seen_ms = now_ms;
	return pushed_out;
}

unsigned int requesters_expire(struct requesters *rs, uint64_t now_ms, uint64_t max_age_ms)
{
	if (!rs)
		return 0;
	for (unsigned int i = 0; i < rs->count;) {
		if (now_ms - rs->r[i].seen_ms > max_age_ms)
			rs->r[i] = rs->r[--rs->count];
		else
			i++;
	}
	return rs->count;
}

ssize_t smr_encode(const struct lisp_prefix *eid, const struct lisp_waddr *itr_rloc,
		   uint64_t nonce, uint8_t *out, size_t len)
{
	struct lisp_request_record rec = { .mask_len = eid->plen };
	struct lisp_waddr eid_inner, src_inner, rloc = *itr_rloc;
	struct lisp_map_request req = { .smr = true, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec, .itr_rlocs = &rloc, .nonce = nonce };

	lisp_waddr_from_prefix(&rec.eid, &eid_inner, eid);
	lisp_waddr_from_prefix(&req.source_eid, &src_inner, eid);
	return lisp_map_request_encode(&req, out, len, NULL);
}
