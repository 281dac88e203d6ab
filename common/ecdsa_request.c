/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests (draft-ietf-lisp-ecdsa-auth, "Signed Map-Request
 * Encoding"; docs/ecdsa.md).  The Source-EID field of a signed request:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         AFI = 16387           |     Rsvd1     |     Flags     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   Type = 14   |  Rsvd2    |B|        4 + JSON length          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |          JSON length          |  {"signature-eid":...,        |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  "source-eid":...,            |
 *    |        "signature":...}  (JSON text)                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           AFI = 0             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * (lispers.net lisp.py, lisp_map_request.encode_json / lcaf_decode_json.)
 * The Instance-IDs travel inside the record's EID texts, so the field
 * carries no IID LCAF.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "ecdsa_request.h"

static int prefix_to_eid(const struct lisp_prefix *p, struct ecdsa_eid *out)
{
	memset(out, 0, sizeof(*out));
	out->iid = p->iid;
	if (p->addr.afi == LISP_AFI_IPV4) {
		out->af = AF_INET;
		memcpy(out->addr, p->addr.v4, 4);
	} else if (p->addr.afi == LISP_AFI_IPV6) {
		out->af = AF_INET6;
		memcpy(out->addr, p->addr.v6, 16);
	} else {
		return -EINVAL;
	}
	return 0;
}

/* The one EID-record's address: the signed text names one target. */
static int request_target(const struct lisp_map_request *m, struct ecdsa_eid *out,
			  struct lisp_err *err)
{
	struct lisp_prefix p;

	if (m->record_count != 1)
		return lisp_err_set(err, EINVAL, "a signed Map-Request has one EID-record, not %u",
				    m->record_count);
	if (lisp_waddr_to_prefix(&m->records[0].eid, m->records[0].mask_len, &p, err) < 0 ||
	    prefix_to_eid(&p, out) < 0)
		return lisp_err_set(err, EINVAL, "signed Map-Request target is not an IP EID");
	return 0;
}

int ecdsa_request_text(const struct ecdsa_request *req, char *buf, size_t len)
{
	return ecdsa_signed_request(req->nonce, &req->source, &req->target, buf, len);
}

int ecdsa_request_sign(EVP_PKEY *key, const struct ecdsa_eid *signer,
		       const struct ecdsa_eid *source, struct lisp_map_request *m,
		       struct ecdsa_request_buf *buf, struct lisp_err *err)
{
	struct ecdsa_sig_record rec = { .has_signature_eid = true, .has_source_eid = true };
	struct ecdsa_request req = { .signer = *signer, .source = *source, .nonce = m->nonce };
	char text[ECDSA_SIGNED_MAX];
	int n, rc;

	if (signer->af != AF_INET6)
		return lisp_err_set(err, EINVAL, "signature-eid must be an IPv6 crypto-EID");
	rc = request_target(m, &req.target, err);
	if (rc < 0)
		return rc;
	n = ecdsa_request_text(&req, text, sizeof(text));
	if (n < 0)
		return lisp_err_set(err, -n, "signed text does not fit");
	rc = ecdsa_sign(key, text, (size_t)n, rec.sig, err);
	if (rc < 0)
		return rc;
	rec.signature_eid = *signer;
	rec.source_eid = *source;
	n = ecdsa_sig_json_encode(&rec, buf->json, sizeof(buf->json), err);
	if (n < 0)
		return n;
	memset(&buf->none, 0, sizeof(buf->none));
	memset(&m->source_eid, 0, sizeof(m->source_eid));
	m->source_eid.afi = LISP_AFI_LCAF;
	m->source_eid.lcaf.type = LCAF_TYPE_JSON;
	m->source_eid.lcaf.json.len = (uint16_t)n;
	m->source_eid.lcaf.json.text = buf->json;
	m->source_eid.lcaf.json.addr = &buf->none;
	return 0;
}

int ecdsa_request_decode(const struct lisp_map_request *m, struct ecdsa_request *out,
			 enum ecdsa_reason *why, struct lisp_err *err)
{
	const struct lisp_waddr *f = &m->source_eid;
	struct ecdsa_sig_record rec;
	int rc;

	*why = ECDSA_R_OK;
	memset(out, 0, sizeof(*out));
	if (f->afi != LISP_AFI_LCAF || f->lcaf.type != LCAF_TYPE_JSON)
		return 0;
	/* Strict where lispers.net is lenient: no flags, text not binary,
	 * nothing but AFI 0 after it (one request, one encoding). */
	if (f->lcaf.rsvd1 || f->lcaf.flags || f->lcaf.rsvd2)
		return lisp_err_set(err, EBADMSG, "signature LCAF with reserved bits or B set");
	if (f->lcaf.json.addr && f->lcaf.json.addr->afi != LISP_AFI_NONE)
		return lisp_err_set(err, EBADMSG, "signature LCAF carries an address");
	rc = ecdsa_sig_json_decode(f->lcaf.json.text, f->lcaf.json.len, &rec, why, err);
	if (rc < 0)
		return -EBADMSG;	/* err says why */
	if (!rec.has_signature_eid || !rec.has_source_eid) {
		*why = ECDSA_R_JSON_MISSING_MEMBER;
		return lisp_err_set(err, EBADMSG, "signed Map-Request without %s",
				    rec.has_signature_eid ? "source-eid" : "signature-eid");
	}
	if (rec.signature_eid.af != AF_INET6) {
		*why = ECDSA_R_EID_SYNTAX;
		return lisp_err_set(err, EBADMSG, "signature-eid is not an IPv6 crypto-EID");
	}
	if (request_target(m, &out->target, err) < 0)
		return -EBADMSG;
	out->signer = rec.signature_eid;
	out->source = rec.source_eid;
	out->nonce = m->nonce;
	memcpy(out->sig, rec.sig, ECDSA_SIG_LEN);
	return 1;
}

int ecdsa_request_verify(const struct ecdsa_request *req, EVP_PKEY *pub,
			 enum ecdsa_reason *why, struct lisp_err *err)
{
	char text[ECDSA_SIGNED_MAX];
	int n = ecdsa_request_text(req, text, sizeof(text));

	if (n < 0)
		return lisp_err_set(err, ENOSPC, "signed text does not fit");
	return ecdsa_verify(pub, text, (size_t)n, req->sig, why, err);
}
