/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EID-records and their locators (RFC 9301, section 5.4), shared by
 * Map-Reply, Map-Register, Map-Notify and the Map-Reply record of a
 * Map-Request:
 *
 *     +-> +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |   |                          Record TTL                           |
 *     |   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     R   | Locator Count | EID mask-len  | ACT |A|      Reserved         |
 *     e   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     c   | Rsvd  |  Map-Version Number   |       EID-Prefix-AFI          |
 *     o   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     r   |                          EID-Prefix                           |
 *     d   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |  /|    Priority   |    Weight     |  M Priority   |   M Weight    |
 *     | L +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     | o |        Unused Flags     |L|p|R|           Loc-AFI             |
 *     | c +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |  \|                             Locator                           |
 *     +-> +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include <errno.h>
#include <string.h>

#include "lisp_msg.h"
#include "msg_priv.h"


static int mask_len_check(const struct lisp_waddr *eid, uint8_t mask_len, struct lisp_err *err)
{
	const struct lisp_waddr *plain = eid;

	if (eid->afi == LISP_AFI_LCAF && eid->lcaf.type == LCAF_TYPE_IID)
		plain = eid->lcaf.iid.addr;
	if (plain->afi == LISP_AFI_LCAF || plain->afi == LISP_AFI_DN ||
	    plain->afi == LISP_AFI_NONE)
		return 0;
	if (mask_len > lisp_addr_max_plen(plain->afi))
		return lisp_err_set(err, EBADMSG, "EID mask-len %u exceeds %u for %s", mask_len,
				    lisp_addr_max_plen(plain->afi), lisp_afi_name(plain->afi));
	return 0;
}

int lisp_eid_mask_len_check(const struct lisp_waddr *eid, uint8_t mask_len,
			    struct lisp_err *err)
{
	return mask_len_check(eid, mask_len, err);
}

int lisp_locator_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_locator *loc,
			struct lisp_err *err)
{
	if (wire_get_u8(r, &loc->priority) < 0 || wire_get_u8(r, &loc->weight) < 0 ||
	    wire_get_u8(r, &loc->mpriority) < 0 || wire_get_u8(r, &loc->mweight) < 0 ||
	    wire_get_u16(r, &loc->flags) < 0)
		return lisp_err_set(err, EBADMSG, "locator header truncated");
	return lisp_waddr_decode(r, a, &loc->addr, err);
}

int lisp_locator_encode(struct wire_wr *w, const struct lisp_locator *loc, struct lisp_err *err)
{
	if (wire_put_u8(w, loc->priority) < 0 || wire_put_u8(w, loc->weight) < 0 ||
	    wire_put_u8(w, loc->mpriority) < 0 || wire_put_u8(w, loc->mweight) < 0 ||
	    wire_put_u16(w, loc->flags) < 0)
		return lisp_err_set(err, ENOSPC, "encode buffer too small");
	return lisp_waddr_encode(w, &loc->addr, err);
}

int lisp_record_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_record *out,
		       struct lisp_err *err)
{
	uint8_t b;
	uint16_t u16;
	int rc;

	memset(out, 0, sizeof(*out));
	if (wire_get_u32(r, &out->ttl) < 0 || wire_get_u8(r, &out->loc_count) < 0 ||
	    wire_get_u8(r, &out->mask_len) < 0 || wire_get_u8(r, &b) < 0 ||
	    wire_get_u8(r, &(uint8_t){0}) < 0 || wire_get_u16(r, &u16) < 0)
		return lisp_err_set(err, EBADMSG, "record header needs 10 bytes, %zu left",
				    wire_rd_left(r));
	out->action = b >> 5;
	out->authoritative = (b >> 4) & 1;
	out->map_version = u16 & 0x0fff;
	rc = lisp_waddr_decode(r, a, &out->eid, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "EID");
	rc = mask_len_check(&out->eid, out->mask_len, err);
	if (rc < 0)
		return rc;
	if ((size_t)out->loc_count * LISP_LOCATOR_MIN_LEN > wire_rd_left(r))
		return lisp_err_set(err, EBADMSG, "locator count %u exceeds remaining %zu bytes",
				    out->loc_count, wire_rd_left(r));
	if (out->loc_count) {
		out->locs = lisp_arena_alloc(a, out->loc_count * sizeof(*out->locs));
		if (!out->locs)
			return lisp_err_set(err, ENOMEM, "decode arena exhausted");
	}
	for (unsigned int i = 0; i < out->loc_count; i++) {
		rc = lisp_locator_decode(r, a, &out->locs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "locator %u", i + 1);
	}
	return 0;
}

int lisp_record_encode(struct wire_wr *w, const struct lisp_record *rec, struct lisp_err *err)
{
	int rc;

	if (rec->action > 7)
		return lisp_err_set(err, EINVAL, "action %u does not fit 3 bits", rec->action);
	if (rec->map_version > 0x0fff)
		return lisp_err_set(err, EINVAL, "map-version %u does not fit 12 bits",
				    rec->map_version);
	rc = mask_len_check(&rec->eid, rec->mask_len, err);
	if (rc < 0)
		return rc;
	if (wire_put_u32(w, rec->ttl) < 0 || wire_put_u8(w, rec->loc_count) < 0 ||
	    wire_put_u8(w, rec->mask_len) < 0 ||
	    wire_put_u8(w, (uint8_t)(rec->action << 5 | rec->authoritative << 4)) < 0 ||
	    wire_put_u8(w, 0) < 0 || wire_put_u16(w, rec->map_version) < 0)
		return lisp_err_set(err, ENOSPC, "encode buffer too small");
	rc = lisp_waddr_encode(w, &rec->eid, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "EID");
	for (unsigned int i = 0; i < rec->loc_count; i++) {
		rc = lisp_locator_encode(w, &rec->locs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "locator %u", i + 1);
	}
	return 0;
}

/* Decodes count records into a fresh arena array, numbering errors. */
int lisp_records_decode(struct wire_rd *r, struct lisp_arena *a, uint8_t count,
			struct lisp_record **out, struct lisp_err *err)
{
	int rc;

	*out = NULL;
	if (!count)
		return 0;
	/* A record is at least 10 bytes of header plus a 2-byte AFI. */
	if ((size_t)count * 12 > wire_rd_left(r))
		return lisp_err_set(err, EBADMSG, "record count %u exceeds remaining %zu bytes",
				    count, wire_rd_left(r));
	*out = lisp_arena_alloc(a, count * sizeof(**out));
	if (!*out)
		return lisp_err_set(err, ENOMEM, "decode arena exhausted");
	for (unsigned int i = 0; i < count; i++) {
		rc = lisp_record_decode(r, a, &(*out)[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
	}
	return 0;
}

int lisp_records_encode(struct wire_wr *w, uint8_t count, const struct lisp_record *recs,
			struct lisp_err *err)
{
	int rc;

	for (unsigned int i = 0; i < count; i++) {
		rc = lisp_record_encode(w, &recs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
	}
	return 0;
}

void lisp_locator_json(struct lisp_locator *l, const char *json)
{
	memset(l, 0, sizeof(*l));
	l->priority = 255;
	l->addr.afi = LISP_AFI_LCAF;
	l->addr.lcaf.type = LCAF_TYPE_JSON;
	l->addr.lcaf.json.len = (uint16_t)strlen(json);
	l->addr.lcaf.json.text = json;
}
