/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Referral (RFC 8111, section 6), the answer of a DDT node or a DDT
 * Map-Server to a DDT-originated Map-Request (an ECM with the D bit,
 * msg_ecm.c):
 *
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |Type=6 |                Reserved               | Record Count  |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         Nonce . . .                           |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                         . . . Nonce                           |
 *    +-> +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   |                          Record TTL                           |
 *    |   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    R   | Referral Count| EID mask-len  | ACT |A|I|     Reserved        |
 *    e   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    c   |SigCnt |   Map Version Number  |            EID-AFI            |
 *    o   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    r   |                          EID-prefix ...                       |
 *    d   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  /|    Priority   |    Weight     |  M Priority   |   M Weight    |
 *    | R +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    | e |       Unused Flags      |L|p|R|            Loc-AFI            |
 *    | f +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  \|                             Locator ...                       |
 *    |   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   ~                          Sig section                          ~
 *    +-> +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Each of the SigCnt Sig sections of a record:
 *
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      Original Record TTL                      |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      Signature Expiration                     |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |                      Signature Inception                      |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |            Key Tag            |           Sig Length          |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        | Sig-Algorithm |    Reserved   |            Reserved           |
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        ~                             Signature                         ~
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Sig Length counts the bytes of Signature; nothing pads it.
 *
 * Strict: a truncated field, a count the remaining bytes cannot hold, an
 * action RFC 8111 does not define (6, 7), an EID without an address (AFI 0)
 * or a mask-len past the address, and bytes after the last record are all
 * refused, each with its own reason.  Reserved bits are kept for display and
 * have no effect; the encoder writes them as 0 (RFC 9301's rule for its
 * reserved fields: set to 0 on transmit, ignored on receipt).
 */
#include <errno.h>
#include <string.h>

#include "lisp_msg.h"
#include "msg_priv.h"

#define MREF_RSVD_MASK		0x0fffff00u	/* the 20 bits between type and count */
/* Record header (TTL to EID-AFI) and the smallest EID, an AFI alone. */
#define MREF_REC_MIN_LEN	12
#define MREF_REC_A		0x1000u
#define MREF_REC_I		0x0800u
#define MREF_REC_RSVD_MASK	0x07ffu
#define MREF_SIG_HDR_LEN	20

const char *lisp_referral_action_name(uint8_t act)
{
	static const char *const names[] = {
		"node-referral",     "ms-referral",	"ms-ack",
		"ms-not-registered", "delegation-hole", "not-authoritative",
	};

	return act < sizeof(names) / sizeof(names[0]) ? names[act] : "unassigned";
}

/* RFC 8111, section 6: the TTL column of the table under "Incomplete". */
uint32_t lisp_referral_default_ttl(uint8_t act)
{
	switch (act) {
	case LISP_REF_NODE_REFERRAL:
	case LISP_REF_MS_REFERRAL:
	case LISP_REF_MS_ACK:
		return 1440;
	case LISP_REF_MS_NOT_REGISTERED:
		return 1;
	case LISP_REF_DELEGATION_HOLE:
		return 15;
	default:
		return 0;
	}
}

/*
 * RFC 8111, section 6, the table a DDT node sets the Incomplete flag, the
 * referral set and the TTL from:
 *
 *   Action               Incomplete   Referral set   TTL
 *   NODE-REFERRAL        no           yes            1440
 *   MS-REFERRAL          no           yes            1440
 *   MS-ACK               *            *              1440
 *   MS-NOT-REGISTERED    *            *              1
 *   DELEGATION-HOLE      no           no             15
 *   NOT-AUTHORITATIVE    yes          no             0
 *
 * (* as the Map-Server knows its peers.)  The TTLs are defaults, except
 * NOT-AUTHORITATIVE's, which the text says MUST be 0.
 */
int lisp_referral_record_check(const struct lisp_referral_record *rec, struct lisp_err *err)
{
	const char *name = lisp_referral_action_name(rec->action);

	switch (rec->action) {
	case LISP_REF_NODE_REFERRAL:
	case LISP_REF_MS_REFERRAL:
		if (!rec->ref_count)
			return lisp_err_set(err, EPROTO, "%s with an empty referral set", name);
		if (rec->incomplete)
			return lisp_err_set(err, EPROTO, "%s with the Incomplete bit", name);
		return 0;
	case LISP_REF_MS_ACK:
	case LISP_REF_MS_NOT_REGISTERED:
		return 0;
	case LISP_REF_DELEGATION_HOLE:
		if (rec->ref_count)
			return lisp_err_set(err, EPROTO, "%s with a referral set of %u", name,
					    rec->ref_count);
		if (rec->incomplete)
			return lisp_err_set(err, EPROTO, "%s with the Incomplete bit", name);
		return 0;
	case LISP_REF_NOT_AUTHORITATIVE:
		if (rec->ref_count)
			return lisp_err_set(err, EPROTO, "%s with a referral set of %u", name,
					    rec->ref_count);
		if (!rec->incomplete)
			return lisp_err_set(err, EPROTO, "%s without the Incomplete bit", name);
		if (rec->ttl)
			return lisp_err_set(err, EPROTO, "%s with TTL %u, must be 0", name,
					    rec->ttl);
		return 0;
	default:
		return lisp_err_set(err, EPROTO, "action %u is not a Map-Referral action",
				    rec->action);
	}
}

static int sig_decode(struct wire_rd *r, struct lisp_referral_sig *s, struct lisp_err *err)
{
	if (wire_get_u32(r, &s->orig_ttl) < 0 || wire_get_u32(r, &s->expiration) < 0 ||
	    wire_get_u32(r, &s->inception) < 0 || wire_get_u16(r, &s->key_tag) < 0 ||
	    wire_get_u16(r, &s->sig_len) < 0 || wire_get_u8(r, &s->algorithm) < 0 ||
	    wire_get_u8(r, &s->rsvd1) < 0 || wire_get_u16(r, &s->rsvd2) < 0)
		return lisp_err_set(err, EBADMSG, "Sig section header needs %u bytes, %zu left",
				    MREF_SIG_HDR_LEN, wire_rd_left(r));
	s->sig = wire_get_span(r, s->sig_len);
	if (!s->sig)
		return lisp_err_set(err, EBADMSG, "Sig Length %u exceeds remaining %zu bytes",
				    s->sig_len, wire_rd_left(r));
	return 0;
}

/* Allocates n elements of size each, or reports the arena exhausted. */
static void *arena_array(struct lisp_arena *a, size_t n, size_t size, struct lisp_err *err)
{
	void *p = lisp_arena_alloc(a, n * size);

	if (!p)
		lisp_err_set(err, ENOMEM, "decode arena exhausted");
	return p;
}

static int refs_and_sigs_decode(struct wire_rd *r, struct lisp_arena *a,
				struct lisp_referral_record *out, struct lisp_err *err)
{
	int rc;

	if ((size_t)out->ref_count * LISP_LOCATOR_MIN_LEN > wire_rd_left(r))
		return lisp_err_set(err, EBADMSG, "referral count %u exceeds remaining %zu bytes",
				    out->ref_count, wire_rd_left(r));
	if (out->ref_count &&
	    !(out->refs = arena_array(a, out->ref_count, sizeof(*out->refs), err)))
		return -ENOMEM;
	for (unsigned int i = 0; i < out->ref_count; i++) {
		rc = lisp_locator_decode(r, a, &out->refs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "referral %u", i + 1);
	}
	if ((size_t)out->sig_count * MREF_SIG_HDR_LEN > wire_rd_left(r))
		return lisp_err_set(err, EBADMSG, "SigCnt %u exceeds remaining %zu bytes",
				    out->sig_count, wire_rd_left(r));
	if (out->sig_count &&
	    !(out->sigs = arena_array(a, out->sig_count, sizeof(*out->sigs), err)))
		return -ENOMEM;
	for (unsigned int i = 0; i < out->sig_count; i++) {
		rc = sig_decode(r, &out->sigs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "Sig section %u", i + 1);
	}
	return 0;
}

static int record_decode(struct wire_rd *r, struct lisp_arena *a,
			 struct lisp_referral_record *out, struct lisp_err *err)
{
	uint16_t flags, ver;
	int rc;

	memset(out, 0, sizeof(*out));
	if (wire_get_u32(r, &out->ttl) < 0 || wire_get_u8(r, &out->ref_count) < 0 ||
	    wire_get_u8(r, &out->mask_len) < 0 || wire_get_u16(r, &flags) < 0 ||
	    wire_get_u16(r, &ver) < 0)
		return lisp_err_set(err, EBADMSG, "record header needs 10 bytes, %zu left",
				    wire_rd_left(r));
	out->action = (uint8_t)(flags >> 13);
	out->authoritative = flags & MREF_REC_A;
	out->incomplete = flags & MREF_REC_I;
	out->rsvd = flags & MREF_REC_RSVD_MASK;
	out->sig_count = (uint8_t)(ver >> 12);
	out->map_version = ver & 0x0fff;
	/* RFC 8111 defines actions 0 to 5; a DDT Map-Resolver cannot act on
	 * another, so the message is refused rather than passed on. */
	if (out->action > LISP_REF_ACTION_MAX)
		return lisp_err_set(err, EBADMSG, "action %u is not a Map-Referral action",
				    out->action);
	rc = lisp_waddr_decode(r, a, &out->eid, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "EID");
	/* A referral is about an EID-prefix (a NOT-AUTHORITATIVE one is the
	 * requested EID itself); AFI 0 names none. */
	if (out->eid.afi == LISP_AFI_NONE)
		return lisp_err_set(err, EBADMSG, "EID-prefix with AFI 0");
	rc = lisp_eid_mask_len_check(&out->eid, out->mask_len, err);
	if (rc < 0)
		return rc;
	return refs_and_sigs_decode(r, a, out, err);
}

int lisp_map_referral_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			     struct lisp_map_referral *out, struct lisp_err *err)
{
	struct wire_rd r;
	uint32_t w0;
	int rc;

	memset(out, 0, sizeof(*out));
	wire_rd_init(&r, buf, len);
	rc = lisp_msg_head_decode(&r, LISP_MAP_REFERRAL, &w0, &out->nonce, err);
	if (rc < 0)
		return rc;
	out->rsvd = (w0 & MREF_RSVD_MASK) >> 8;
	out->record_count = (uint8_t)w0;
	if ((size_t)out->record_count * MREF_REC_MIN_LEN > wire_rd_left(&r))
		return lisp_err_set(err, EBADMSG, "record count %u exceeds remaining %zu bytes",
				    out->record_count, wire_rd_left(&r));
	if (out->record_count &&
	    !(out->records = arena_array(a, out->record_count, sizeof(*out->records), err)))
		return -ENOMEM;
	for (unsigned int i = 0; i < out->record_count; i++) {
		rc = record_decode(&r, a, &out->records[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
	}
	return lisp_msg_end_check(&r, "Map-Referral", err);
}

static int record_encode(struct wire_wr *w, const struct lisp_referral_record *rec,
			 struct lisp_err *err)
{
	int rc;

	if (rec->action > LISP_REF_ACTION_MAX)
		return lisp_err_set(err, EINVAL, "action %u is not a Map-Referral action",
				    rec->action);
	if (rec->map_version > 0x0fff)
		return lisp_err_set(err, EINVAL, "map-version %u does not fit 12 bits",
				    rec->map_version);
	if (rec->sig_count > LISP_REFERRAL_SIGS_MAX)
		return lisp_err_set(err, EINVAL, "SigCnt %u does not fit 4 bits", rec->sig_count);
	if (rec->eid.afi == LISP_AFI_NONE)
		return lisp_err_set(err, EINVAL, "EID-prefix with AFI 0");
	rc = lisp_eid_mask_len_check(&rec->eid, rec->mask_len, err);
	if (rc < 0)
		return rc;
	ENC(wire_put_u32(w, rec->ttl));
	ENC(wire_put_u8(w, rec->ref_count));
	ENC(wire_put_u8(w, rec->mask_len));
	ENC(wire_put_u16(w, (uint16_t)(rec->action << 13 | (rec->authoritative ? MREF_REC_A : 0) |
				       (rec->incomplete ? MREF_REC_I : 0))));
	ENC(wire_put_u16(w, (uint16_t)(rec->sig_count << 12 | rec->map_version)));
	rc = lisp_waddr_encode(w, &rec->eid, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "EID");
	for (unsigned int i = 0; i < rec->ref_count; i++) {
		rc = lisp_locator_encode(w, &rec->refs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "referral %u", i + 1);
	}
	for (unsigned int i = 0; i < rec->sig_count; i++) {
		const struct lisp_referral_sig *s = &rec->sigs[i];

		ENC(wire_put_u32(w, s->orig_ttl));
		ENC(wire_put_u32(w, s->expiration));
		ENC(wire_put_u32(w, s->inception));
		ENC(wire_put_u16(w, s->key_tag));
		ENC(wire_put_u16(w, s->sig_len));
		ENC(wire_put_u8(w, s->algorithm));
		ENC(wire_put_u8(w, 0));
		ENC(wire_put_u16(w, 0));
		ENC(wire_put_bytes(w, s->sig, s->sig_len));
	}
	return 0;
}

ssize_t lisp_map_referral_encode(const struct lisp_map_referral *m, uint8_t *buf, size_t cap,
				 struct lisp_err *err)
{
	struct wire_wr w;
	int rc;

	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u32(&w, (uint32_t)LISP_MAP_REFERRAL << 28 | m->record_count));
	ENC(wire_put_u64(&w, m->nonce));
	for (unsigned int i = 0; i < m->record_count; i++) {
		rc = record_encode(&w, &m->records[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
	}
	return (ssize_t)wire_wr_len(&w);
}
