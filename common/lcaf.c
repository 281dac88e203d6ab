/* SPDX-License-Identifier: BSD-3-Clause */
#include "lcaf.h"

#include <errno.h>
#include <string.h>

#define LCAF_HDR_AFTER_AFI	6	/* rsvd1, flags, type, rsvd2, length */

const char *lcaf_type_name(uint8_t type)
{
	switch (type) {
	case LCAF_TYPE_AFI_LIST:
		return "afi-list";
	case LCAF_TYPE_IID:
		return "instance-id";
	case LCAF_TYPE_ASN:
		return "as-number";
	case LCAF_TYPE_GEO:
		return "geo-coordinates";
	case LCAF_TYPE_NAT:
		return "nat-traversal";
	case LCAF_TYPE_SRCDST:
		return "source-dest";
	case LCAF_TYPE_JSON:
		return "json";
	case LCAF_TYPE_KV:
		return "key-value";
	default:
		return "unknown";
	}
}

static int plain_decode(struct wire_rd *r, uint16_t afi, struct lisp_addr *out,
			struct lisp_err *err)
{
	const uint8_t *nul;
	size_t n;

	memset(out, 0, sizeof(*out));
	out->afi = afi;
	switch (afi) {
	case LISP_AFI_NONE:
		return 0;
	case LISP_AFI_IPV4:
		if (wire_get_bytes(r, out->v4, 4) < 0)
			return lisp_err_set(err, EBADMSG, "IPv4 address needs 4 bytes, %zu left",
					    wire_rd_left(r));
		return 0;
	case LISP_AFI_IPV6:
		if (wire_get_bytes(r, out->v6, 16) < 0)
			return lisp_err_set(err, EBADMSG, "IPv6 address needs 16 bytes, %zu left",
					    wire_rd_left(r));
		return 0;
	case LISP_AFI_MAC:
		if (wire_get_bytes(r, out->mac, 6) < 0)
			return lisp_err_set(err, EBADMSG, "MAC address needs 6 bytes, %zu left",
					    wire_rd_left(r));
		return 0;
	case LISP_AFI_DN:
		/* RFC 9735: a NUL-terminated ASCII string. */
		nul = memchr(r->p, 0, wire_rd_left(r));
		if (!nul)
			return lisp_err_set(err, EBADMSG,
					    "distinguished name has no NUL terminator in %zu bytes",
					    wire_rd_left(r));
		n = (size_t)(nul - r->p);
		if (n == 0 || n > LISP_DN_MAX)
			return lisp_err_set(err, EBADMSG,
					    "distinguished name length %zu not in 1..%d", n,
					    LISP_DN_MAX);
		for (size_t i = 0; i < n; i++)
			if (r->p[i] < 0x20 || r->p[i] > 0x7e)
				return lisp_err_set(err, EBADMSG,
						    "distinguished name byte %zu (0x%02x) is not printable ASCII",
						    i, r->p[i]);
		memcpy(out->dn, r->p, n);
		out->dn_len = (uint8_t)n;
		r->p += n + 1;
		return 0;
	default:
		return lisp_err_set(err, EAFNOSUPPORT, "unsupported AFI %u", afi);
	}
}

static int waddr_decode_depth(struct wire_rd *r, struct lisp_arena *a, struct lisp_waddr *out,
			      unsigned int depth, struct lisp_err *err);

/* Allocates and decodes one child address inside an LCAF body. */
static int child_decode(struct wire_rd *body, struct lisp_arena *a, struct lisp_waddr **out,
			unsigned int depth, const char *what, struct lisp_err *err)
{
	int rc;

	*out = lisp_arena_alloc(a, sizeof(**out));
	if (!*out)
		return lisp_err_set(err, ENOMEM, "%s: decode arena exhausted", what);
	rc = waddr_decode_depth(body, a, *out, depth + 1, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "%s", what);
	return 0;
}

/* Steps over one wire address without building it (to size list arrays). */
static int waddr_skip(struct wire_rd *r)
{
	struct lisp_addr scratch;
	uint16_t afi, len = 0;

	if (wire_get_u16(r, &afi) < 0)
		return -1;
	if (afi != LISP_AFI_LCAF)
		return plain_decode(r, afi, &scratch, NULL) < 0 ? -1 : 0;
	if (wire_rd_left(r) < 6)
		return -1;
	r->p += 4;
	wire_get_u16(r, &len);
	return wire_get_span(r, len) ? 0 : -1;
}

/* Decodes addresses until the body is consumed, into one arena array. */
static int list_decode(struct wire_rd *body, struct lisp_arena *a, struct lisp_waddr **items,
		       uint16_t *count, unsigned int depth, const char *what,
		       struct lisp_err *err)
{
	struct wire_rd probe = *body;
	uint16_t n = 0;
	int rc;

	while (wire_rd_left(&probe) > 0 && waddr_skip(&probe) == 0)
		if (++n == UINT16_MAX)
			break;
	*count = 0;
	*items = NULL;
	if (n) {
		*items = lisp_arena_alloc(a, n * sizeof(**items));
		if (!*items)
			return lisp_err_set(err, ENOMEM, "%s: decode arena exhausted", what);
	}
	for (uint16_t i = 0; i < n; i++) {
		rc = waddr_decode_depth(body, a, &(*items)[i], depth + 1, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "%s item %u", what, i + 1);
		*count = (uint16_t)(i + 1);
	}
	if (wire_rd_left(body) > 0) {
		/* The skip stopped on a malformed item: decode it for the reason. */
		struct lisp_waddr bad;

		rc = waddr_decode_depth(body, a, &bad, depth + 1, err);
		if (rc == 0)
			rc = lisp_err_set(err, EBADMSG, "malformed");
		return lisp_err_prefix(err, rc, "%s item %u", what, n + 1);
	}
	return 0;
}

static int lcaf_body_decode(struct wire_rd *body, struct lisp_arena *a, struct lisp_lcaf *l,
			    unsigned int depth, struct lisp_err *err)
{
	uint16_t u16;
	uint32_t u32;
	int rc = 0;

	switch (l->type) {
	case LCAF_TYPE_IID:
		if (wire_get_u32(body, &l->iid.iid) < 0)
			return lisp_err_set(err, EBADMSG, "instance-id field truncated");
		return child_decode(body, a, &l->iid.addr, depth, "instance-id address", err);
	case LCAF_TYPE_ASN:
		if (wire_get_u32(body, &l->asn.asn) < 0)
			return lisp_err_set(err, EBADMSG, "AS number field truncated");
		return child_decode(body, a, &l->asn.addr, depth, "as-number address", err);
	case LCAF_TYPE_AFI_LIST:
		return list_decode(body, a, &l->list.items, &l->list.count, depth, "afi-list",
				   err);
	case LCAF_TYPE_GEO:
		if (wire_get_u16(body, &u16) < 0)
			goto geo_short;
		l->geo.north = u16 >> 15;
		l->geo.lat_deg = u16 & 0x7fff;
		if (wire_get_u8(body, &l->geo.lat_min) < 0 || wire_get_u8(body, &l->geo.lat_sec) < 0 ||
		    wire_get_u16(body, &u16) < 0)
			goto geo_short;
		l->geo.east = u16 >> 15;
		l->geo.lon_deg = u16 & 0x7fff;
		if (wire_get_u8(body, &l->geo.lon_min) < 0 || wire_get_u8(body, &l->geo.lon_sec) < 0 ||
		    wire_get_u32(body, &u32) < 0)
			goto geo_short;
		l->geo.alt = (int32_t)u32;
		if (l->geo.lat_deg > 90 || l->geo.lon_deg > 180 || l->geo.lat_min > 59 ||
		    l->geo.lon_min > 59 || l->geo.lat_sec > 59 || l->geo.lon_sec > 59)
			return lisp_err_set(err, EBADMSG,
					    "geo-coordinates out of range (lat %u %u' %u\", lon %u %u' %u\")",
					    l->geo.lat_deg, l->geo.lat_min, l->geo.lat_sec,
					    l->geo.lon_deg, l->geo.lon_min, l->geo.lon_sec);
		return child_decode(body, a, &l->geo.addr, depth, "geo address", err);
geo_short:
		return lisp_err_set(err, EBADMSG, "geo-coordinates body truncated");
	case LCAF_TYPE_NAT:
		if (wire_get_u16(body, &l->nat.ms_port) < 0 || wire_get_u16(body, &l->nat.etr_port) < 0)
			return lisp_err_set(err, EBADMSG, "nat-traversal ports truncated");
		rc = child_decode(body, a, &l->nat.global_etr, depth, "nat global ETR RLOC", err);
		if (!rc)
			rc = child_decode(body, a, &l->nat.ms, depth, "nat MS RLOC", err);
		if (!rc)
			rc = child_decode(body, a, &l->nat.private_etr, depth,
					  "nat private ETR RLOC", err);
		if (!rc)
			rc = list_decode(body, a, &l->nat.rtrs, &l->nat.rtr_count, depth,
					 "nat RTR list", err);
		return rc;
	case LCAF_TYPE_SRCDST:
		if (wire_get_u16(body, &l->srcdst.rsvd) < 0 ||
		    wire_get_u8(body, &l->srcdst.src_ml) < 0 ||
		    wire_get_u8(body, &l->srcdst.dst_ml) < 0)
			return lisp_err_set(err, EBADMSG, "source-dest header truncated");
		rc = child_decode(body, a, &l->srcdst.src, depth, "source prefix", err);
		if (!rc)
			rc = child_decode(body, a, &l->srcdst.dst, depth, "destination prefix", err);
		if (rc)
			return rc;
		if (l->srcdst.src_ml > lisp_addr_max_plen(l->srcdst.src->plain.afi) &&
		    l->srcdst.src->afi != LISP_AFI_LCAF)
			return lisp_err_set(err, EBADMSG, "source mask-len %u too long for %s",
					    l->srcdst.src_ml,
					    lisp_afi_name(l->srcdst.src->plain.afi));
		if (l->srcdst.dst_ml > lisp_addr_max_plen(l->srcdst.dst->plain.afi) &&
		    l->srcdst.dst->afi != LISP_AFI_LCAF)
			return lisp_err_set(err, EBADMSG, "destination mask-len %u too long for %s",
					    l->srcdst.dst_ml,
					    lisp_afi_name(l->srcdst.dst->plain.afi));
		return 0;
	case LCAF_TYPE_JSON:
		if (wire_get_u16(body, &l->json.len) < 0)
			return lisp_err_set(err, EBADMSG, "json length truncated");
		l->json.text = (const char *)wire_get_span(body, l->json.len);
		if (!l->json.text)
			return lisp_err_set(err, EBADMSG, "json length %u exceeds remaining %zu bytes",
					    l->json.len, wire_rd_left(body));
		/* The address after the JSON is optional: AFI 0, or nothing at
		 * all from implementations that leave it out. */
		if (wire_rd_left(body) == 0) {
			l->json.addr = lisp_arena_alloc(a, sizeof(*l->json.addr));
			return l->json.addr ? 0 : lisp_err_set(err, ENOMEM, "decode arena exhausted");
		}
		return child_decode(body, a, &l->json.addr, depth, "json address", err);
	case LCAF_TYPE_KV:
		rc = child_decode(body, a, &l->kv.key, depth, "key", err);
		if (!rc)
			rc = child_decode(body, a, &l->kv.value, depth, "value", err);
		return rc;
	default:
		l->opaque.len = (uint16_t)wire_rd_left(body);
		l->opaque.bytes = wire_get_span(body, l->opaque.len);
		return 0;
	}
}

static int waddr_decode_depth(struct wire_rd *r, struct lisp_arena *a, struct lisp_waddr *out,
			      unsigned int depth, struct lisp_err *err)
{
	struct wire_rd body;
	uint16_t len;
	int rc;

	memset(out, 0, sizeof(*out));
	if (wire_get_u16(r, &out->afi) < 0)
		return lisp_err_set(err, EBADMSG, "AFI truncated, %zu bytes left", wire_rd_left(r));
	if (out->afi != LISP_AFI_LCAF)
		return plain_decode(r, out->afi, &out->plain, err);
	if (depth >= LCAF_DEPTH_MAX)
		return lisp_err_set(err, ELOOP, "LCAF nested deeper than %d", LCAF_DEPTH_MAX);
	if (wire_get_u8(r, &out->lcaf.rsvd1) < 0 || wire_get_u8(r, &out->lcaf.flags) < 0 ||
	    wire_get_u8(r, &out->lcaf.type) < 0 || wire_get_u8(r, &out->lcaf.rsvd2) < 0 ||
	    wire_get_u16(r, &len) < 0)
		return lisp_err_set(err, EBADMSG, "LCAF header truncated");
	if (wire_rd_sub(r, len, &body) < 0)
		return lisp_err_set(err, EBADMSG, "LCAF %s length %u exceeds remaining %zu bytes",
				    lcaf_type_name(out->lcaf.type), len, wire_rd_left(r));
	rc = lcaf_body_decode(&body, a, &out->lcaf, depth, err);
	if (rc < 0)
		return rc;
	if (wire_rd_left(&body))
		return lisp_err_set(err, EBADMSG, "LCAF %s length %u leaves %zu bytes unparsed",
				    lcaf_type_name(out->lcaf.type), len, wire_rd_left(&body));
	return 0;
}

int lisp_waddr_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_waddr *out,
		      struct lisp_err *err)
{
	return waddr_decode_depth(r, a, out, 0, err);
}

#define PUT(expr)                                                                   \
	do {                                                                        \
		if ((expr) < 0)                                                     \
			return lisp_err_set(err, ENOSPC, "encode buffer too small"); \
	} while (0)

static int child_encode(struct wire_wr *w, const struct lisp_waddr *c, unsigned int depth,
			struct lisp_err *err);

static int lcaf_body_encode(struct wire_wr *w, const struct lisp_lcaf *l, unsigned int depth,
			    struct lisp_err *err)
{
	int rc = 0;

	switch (l->type) {
	case LCAF_TYPE_IID:
		PUT(wire_put_u32(w, l->iid.iid));
		return child_encode(w, l->iid.addr, depth, err);
	case LCAF_TYPE_ASN:
		PUT(wire_put_u32(w, l->asn.asn));
		return child_encode(w, l->asn.addr, depth, err);
	case LCAF_TYPE_AFI_LIST:
		for (uint16_t i = 0; i < l->list.count && !rc; i++)
			rc = child_encode(w, &l->list.items[i], depth, err);
		return rc;
	case LCAF_TYPE_GEO:
		if (l->geo.lat_deg > 90 || l->geo.lon_deg > 180)
			return lisp_err_set(err, EINVAL, "geo degrees out of range");
		PUT(wire_put_u16(w, (uint16_t)(l->geo.north << 15 | l->geo.lat_deg)));
		PUT(wire_put_u8(w, l->geo.lat_min));
		PUT(wire_put_u8(w, l->geo.lat_sec));
		PUT(wire_put_u16(w, (uint16_t)(l->geo.east << 15 | l->geo.lon_deg)));
		PUT(wire_put_u8(w, l->geo.lon_min));
		PUT(wire_put_u8(w, l->geo.lon_sec));
		PUT(wire_put_u32(w, (uint32_t)l->geo.alt));
		return child_encode(w, l->geo.addr, depth, err);
	case LCAF_TYPE_NAT:
		PUT(wire_put_u16(w, l->nat.ms_port));
		PUT(wire_put_u16(w, l->nat.etr_port));
		rc = child_encode(w, l->nat.global_etr, depth, err);
		if (!rc)
			rc = child_encode(w, l->nat.ms, depth, err);
		if (!rc)
			rc = child_encode(w, l->nat.private_etr, depth, err);
		for (uint16_t i = 0; i < l->nat.rtr_count && !rc; i++)
			rc = child_encode(w, &l->nat.rtrs[i], depth, err);
		return rc;
	case LCAF_TYPE_SRCDST:
		PUT(wire_put_u16(w, l->srcdst.rsvd));
		PUT(wire_put_u8(w, l->srcdst.src_ml));
		PUT(wire_put_u8(w, l->srcdst.dst_ml));
		rc = child_encode(w, l->srcdst.src, depth, err);
		if (!rc)
			rc = child_encode(w, l->srcdst.dst, depth, err);
		return rc;
	case LCAF_TYPE_JSON:
		PUT(wire_put_u16(w, l->json.len));
		PUT(wire_put_bytes(w, l->json.text, l->json.len));
		if (!l->json.addr) {
			PUT(wire_put_u16(w, LISP_AFI_NONE));
			return 0;
		}
		return child_encode(w, l->json.addr, depth, err);
	case LCAF_TYPE_KV:
		rc = child_encode(w, l->kv.key, depth, err);
		if (!rc)
			rc = child_encode(w, l->kv.value, depth, err);
		return rc;
	default:
		PUT(wire_put_bytes(w, l->opaque.bytes, l->opaque.len));
		return 0;
	}
}

static int waddr_encode_depth(struct wire_wr *w, const struct lisp_waddr *in, unsigned int depth,
			      struct lisp_err *err)
{
	uint8_t *len_at;
	size_t body_start, body_len;
	int rc;

	PUT(wire_put_u16(w, in->afi));
	if (in->afi != LISP_AFI_LCAF) {
		if (in->plain.afi != in->afi)
			return lisp_err_set(err, EINVAL, "address AFI %u does not match its value (%u)",
					    in->afi, in->plain.afi);
		if (in->afi != LISP_AFI_NONE && lisp_addr_wire_len(&in->plain) == 0)
			return lisp_err_set(err, EAFNOSUPPORT, "cannot encode AFI %u", in->afi);
		PUT(wire_put_bytes(w, in->afi == LISP_AFI_DN ? (const void *)in->plain.dn
							     : (const void *)in->plain.v6,
				   in->afi == LISP_AFI_DN ? in->plain.dn_len : lisp_addr_wire_len(&in->plain)));
		if (in->afi == LISP_AFI_DN)
			PUT(wire_put_u8(w, 0));
		return 0;
	}
	if (depth >= LCAF_DEPTH_MAX)
		return lisp_err_set(err, ELOOP, "LCAF nested deeper than %d", LCAF_DEPTH_MAX);
	PUT(wire_put_u8(w, in->lcaf.rsvd1));
	PUT(wire_put_u8(w, in->lcaf.flags));
	PUT(wire_put_u8(w, in->lcaf.type));
	PUT(wire_put_u8(w, in->lcaf.rsvd2));
	len_at = w->p;
	PUT(wire_put_u16(w, 0));
	body_start = wire_wr_len(w);
	rc = lcaf_body_encode(w, &in->lcaf, depth, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "LCAF %s", lcaf_type_name(in->lcaf.type));
	body_len = wire_wr_len(w) - body_start;
	if (body_len > UINT16_MAX)
		return lisp_err_set(err, E2BIG, "LCAF %s body of %zu bytes exceeds 65535",
				    lcaf_type_name(in->lcaf.type), body_len);
	wire_patch_u16(len_at, (uint16_t)body_len);
	return 0;
}

static int child_encode(struct wire_wr *w, const struct lisp_waddr *c, unsigned int depth,
			struct lisp_err *err)
{
	if (!c)
		return lisp_err_set(err, EINVAL, "LCAF child address missing");
	return waddr_encode_depth(w, c, depth + 1, err);
}

int lisp_waddr_encode(struct wire_wr *w, const struct lisp_waddr *in, struct lisp_err *err)
{
	return waddr_encode_depth(w, in, 0, err);
}

void lisp_waddr_from_addr(struct lisp_waddr *w, const struct lisp_addr *a)
{
	memset(w, 0, sizeof(*w));
	w->afi = a->afi;
	w->plain = *a;
}

void lisp_waddr_from_prefix(struct lisp_waddr *w, struct lisp_waddr *inner,
			    const struct lisp_prefix *p)
{
	if (p->iid == 0) {
		lisp_waddr_from_addr(w, &p->addr);
		return;
	}
	lisp_waddr_from_addr(inner, &p->addr);
	memset(w, 0, sizeof(*w));
	w->afi = LISP_AFI_LCAF;
	w->lcaf.type = LCAF_TYPE_IID;
	w->lcaf.rsvd2 = 0;	/* IID mask-len 0: one exact Instance-ID */
	w->lcaf.iid.iid = p->iid;
	w->lcaf.iid.addr = inner;
}

int lisp_waddr_to_prefix(const struct lisp_waddr *w, uint8_t mask_len, struct lisp_prefix *out,
			 struct lisp_err *err)
{
	memset(out, 0, sizeof(*out));
	if (w->afi == LISP_AFI_LCAF) {
		if (w->lcaf.type != LCAF_TYPE_IID)
			return lisp_err_set(err, ENOTSUP, "EID is an LCAF %s, not a prefix",
					    lcaf_type_name(w->lcaf.type));
		out->iid = w->lcaf.iid.iid;
		w = w->lcaf.iid.addr;
		if (w->afi == LISP_AFI_LCAF)
			return lisp_err_set(err, ENOTSUP,
					    "instance-id wraps an LCAF %s, not a prefix",
					    lcaf_type_name(w->lcaf.type));
	}
	if (w->afi == LISP_AFI_NONE)
		return lisp_err_set(err, ENOTSUP, "EID has no address (AFI 0)");
	if (w->afi != LISP_AFI_DN && mask_len > lisp_addr_max_plen(w->afi))
		return lisp_err_set(err, EBADMSG, "mask-len %u too long for %s", mask_len,
				    lisp_afi_name(w->afi));
	out->addr = w->plain;
	out->plen = w->afi == LISP_AFI_DN ? 0 : mask_len;
	return 0;
}

const struct lisp_addr *lisp_waddr_rloc(const struct lisp_waddr *w)
{
	if (!w)
		return NULL;
	if (w->afi != LISP_AFI_LCAF)
		return w->afi == LISP_AFI_IPV4 || w->afi == LISP_AFI_IPV6 ? &w->plain : NULL;
	switch (w->lcaf.type) {
	case LCAF_TYPE_JSON:
		return lisp_waddr_rloc(w->lcaf.json.addr);
	case LCAF_TYPE_GEO:
		return lisp_waddr_rloc(w->lcaf.geo.addr);
	case LCAF_TYPE_IID:
		return lisp_waddr_rloc(w->lcaf.iid.addr);
	case LCAF_TYPE_AFI_LIST:
		for (uint16_t i = 0; i < w->lcaf.list.count; i++) {
			const struct lisp_addr *a = lisp_waddr_rloc(&w->lcaf.list.items[i]);

			if (a)
				return a;
		}
		return NULL;
	default:
		return NULL;
	}
}

const struct lisp_lcaf *lisp_waddr_json(const struct lisp_waddr *w)
{
	if (!w || w->afi != LISP_AFI_LCAF)
		return NULL;
	if (w->lcaf.type == LCAF_TYPE_JSON)
		return &w->lcaf;
	if (w->lcaf.type == LCAF_TYPE_AFI_LIST)
		for (uint16_t i = 0; i < w->lcaf.list.count; i++) {
			const struct lisp_lcaf *j = lisp_waddr_json(&w->lcaf.list.items[i]);

			if (j)
				return j;
		}
	return NULL;
}

/* ---- CATS constraints on a request EID (see lcaf.h) ----------------------- */

static bool text_fits_dn(const char *text, size_t len)
{
	if (len == 0 || len > LISP_DN_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] > 0x7e)
			return false;
	return true;
}

int lcaf_constraints_decode(const struct lisp_waddr *eid, uint8_t mask_len,
			    struct lisp_prefix *prefix, const char **text, size_t *len,
			    struct lisp_err *err)
{
	const struct lisp_waddr *kv = eid, *key, *val;
	uint32_t iid = 0;
	int rc;

	*text = NULL;
	*len = 0;
	if (kv->afi == LISP_AFI_LCAF && kv->lcaf.type == LCAF_TYPE_IID) {
		iid = kv->lcaf.iid.iid;
		kv = kv->lcaf.iid.addr;
	}
	if (kv->afi != LISP_AFI_LCAF || kv->lcaf.type != LCAF_TYPE_KV)
		return lisp_waddr_to_prefix(eid, mask_len, prefix, err);
	key = kv->lcaf.kv.key;
	val = kv->lcaf.kv.value;
	if (key->afi == LISP_AFI_LCAF || key->afi == LISP_AFI_NONE)
		return lisp_err_set(err, EBADMSG,
				    "constraints: key must be a plain EID address, not AFI %u",
				    key->afi);
	rc = lisp_waddr_to_prefix(key, mask_len, prefix, err);
	if (rc < 0)
		return rc == -ENOTSUP ? -EBADMSG : rc;
	prefix->iid = iid;
	if (val->afi == LISP_AFI_DN) {
		*text = val->plain.dn;
		*len = val->plain.dn_len;
	} else if (val->afi == LISP_AFI_LCAF && val->lcaf.type == LCAF_TYPE_JSON) {
		if (val->lcaf.json.addr && val->lcaf.json.addr->afi != LISP_AFI_NONE)
			return lisp_err_set(err, EBADMSG,
					    "constraints: JSON value carries an address (AFI %u)",
					    val->lcaf.json.addr->afi);
		*text = val->lcaf.json.text;
		*len = val->lcaf.json.len;
	} else {
		return lisp_err_set(err, EBADMSG,
				    "constraints: value must be a distinguished name or a JSON LCAF, not AFI %u%s%s",
				    val->afi, val->afi == LISP_AFI_LCAF ? " " : "",
				    val->afi == LISP_AFI_LCAF ? lcaf_type_name(val->lcaf.type) : "");
	}
	if (*len == 0 || *len > LCAF_CONSTRAINTS_MAX) {
		*text = NULL;
		return lisp_err_set(err, EBADMSG, "constraints: text length %zu not in 1..%d",
				    *len, LCAF_CONSTRAINTS_MAX);
	}
	return 1;
}

int lcaf_constraints_wrap(struct lisp_waddr *out, struct lcaf_constraints_buf *b,
			  const struct lisp_prefix *p, const char *text, size_t len,
			  struct lisp_err *err)
{
	if (!text || len == 0 || len > LCAF_CONSTRAINTS_MAX)
		return lisp_err_set(err, EINVAL, "constraints text length %zu not in 1..%d", len,
				    LCAF_CONSTRAINTS_MAX);
	memset(b, 0, sizeof(*b));
	lisp_waddr_from_addr(&b->key, &p->addr);
	if (text_fits_dn(text, len)) {
		b->value.afi = LISP_AFI_DN;
		b->value.plain.afi = LISP_AFI_DN;
		memcpy(b->value.plain.dn, text, len);
		b->value.plain.dn_len = (uint8_t)len;
	} else {
		b->value.afi = LISP_AFI_LCAF;
		b->value.lcaf.type = LCAF_TYPE_JSON;
		b->value.lcaf.json.len = (uint16_t)len;
		b->value.lcaf.json.text = text;
	}
	b->kv.afi = LISP_AFI_LCAF;
	b->kv.lcaf.type = LCAF_TYPE_KV;
	b->kv.lcaf.kv.key = &b->key;
	b->kv.lcaf.kv.value = &b->value;
	if (p->iid == 0) {
		*out = b->kv;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	out->afi = LISP_AFI_LCAF;
	out->lcaf.type = LCAF_TYPE_IID;
	out->lcaf.iid.iid = p->iid;
	out->lcaf.iid.addr = &b->kv;
	return 0;
}
