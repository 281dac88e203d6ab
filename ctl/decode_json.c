/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP control messages (as decoded by common/) to jansson objects.  The
 * codec does all the parsing; this file only walks its structs, so what an
 * operator reads is exactly what the gateway itself would have understood.
 *
 * Numbers wider than 53 bits (nonces, site-IDs) are hex strings: JSON
 * readers in other languages round larger integers through doubles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_priv.h"
#include "lisp_msg.h"
#include "lisp_sec.h"

/* Room for the trees of one message.  A datagram is at most 64 KiB and
 * the smallest wire address is 2 bytes, so a hostile AFI-list can still
 * exhaust this: the codec then reports "decode arena exhausted". */
#define CTL_ARENA_SIZE	LISP_DECODE_ARENA_BYTES	/* any datagram decodes */

static json_t *waddr_json(const struct lisp_waddr *w);

static void set_bool(json_t *o, const char *key, bool v)
{
	json_object_set_new(o, key, json_boolean(v));
}

static void set_int(json_t *o, const char *key, json_int_t v)
{
	json_object_set_new(o, key, json_integer(v));
}

json_t *ctl_hex_json(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = '\0';
	j = json_stringn(s, 2 * n);
	free(s);
	return j;
}

json_t *ctl_u64_hex_json(uint64_t v, unsigned int digits)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%0*" PRIx64, (int)digits, v);
	return json_string(buf);
}

json_t *ctl_addr_text_json(const struct lisp_addr *a)
{
	char buf[LISP_ADDR_STR_MAX];

	if (lisp_addr_format(a, buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(buf);
}

/* RFC 8060, 4.3: degrees, minutes, seconds plus a hemisphere bit. */
static json_t *geo_angle_json(bool positive, const char *pos, const char *neg, uint16_t deg,
			      uint8_t min, uint8_t sec)
{
	double dec = deg + min / 60.0 + sec / 3600.0;

	return json_pack("{s:s, s:i, s:i, s:i, s:f}", "hemisphere", positive ? pos : neg,
			 "degrees", (int)deg, "minutes", (int)min, "seconds", (int)sec,
			 "decimal", positive ? dec : -dec);
}

static json_t *waddr_array_json(const struct lisp_waddr *items, unsigned int n)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(arr, waddr_json(&items[i]));
	return arr;
}

/*
 * RFC 8060, 4.6.1: the body should be JSON.  Valid JSON is embedded as a
 * value so that jq can reach into it; anything else is kept as text, or as
 * hex when it is not even UTF-8 (jansson refuses such strings).
 */
static void lcaf_json_text(json_t *o, const struct lisp_lcaf *l)
{
	json_error_t jerr;
	json_t *parsed = json_loadb(l->json.text, l->json.len,
				    JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
				    &jerr);
	json_t *text;

	set_bool(o, "b_bit", l->rsvd2 & 1);
	set_int(o, "json_len", l->json.len);
	if (parsed) {
		set_bool(o, "json_valid", true);
		json_object_set_new(o, "json", parsed);
		json_object_set_new(o, "address", waddr_json(l->json.addr));
		return;
	}
	/* Not JSON that jansson can hold (syntax, or an integer past int64):
	 * the text itself, and jansson's reason, lose nothing. */
	set_bool(o, "json_valid", false);
	json_object_set_new(o, "json_error", json_string(jerr.text));
	text = json_stringn(l->json.text, l->json.len);
	if (text)
		json_object_set_new(o, "json", text);
	else
		json_object_set_new(o, "json_hex",
				    ctl_hex_json((const uint8_t *)l->json.text, l->json.len));
	json_object_set_new(o, "address", waddr_json(l->json.addr));
}

static json_t *lcaf_json(const struct lisp_lcaf *l)
{
	json_t *o = json_pack("{s:i, s:s, s:i, s:i, s:i}", "type", l->type, "type_name",
			      lcaf_type_name(l->type), "rsvd1", l->rsvd1, "flags", l->flags,
			      "rsvd2", l->rsvd2);

	if (!o)
		return NULL;
	switch (l->type) {
	case LCAF_TYPE_AFI_LIST:
		json_object_set_new(o, "items", waddr_array_json(l->list.items, l->list.count));
		break;
	case LCAF_TYPE_IID:
		/* RFC 8060, 4.1: Rsvd2 is the IID mask-len. */
		set_int(o, "iid", l->iid.iid);
		set_int(o, "iid_mask_len", l->rsvd2);
		json_object_set_new(o, "address", waddr_json(l->iid.addr));
		break;
	case LCAF_TYPE_ASN:
		set_int(o, "asn", l->asn.asn);
		json_object_set_new(o, "address", waddr_json(l->asn.addr));
		break;
	case LCAF_TYPE_GEO:
		json_object_set_new(o, "latitude",
				    geo_angle_json(l->geo.north, "N", "S", l->geo.lat_deg,
						   l->geo.lat_min, l->geo.lat_sec));
		json_object_set_new(o, "longitude",
				    geo_angle_json(l->geo.east, "E", "W", l->geo.lon_deg,
						   l->geo.lon_min, l->geo.lon_sec));
		json_object_set_new(o, "altitude", l->geo.alt == LCAF_GEO_NO_ALT
							   ? json_null()
							   : json_integer(l->geo.alt));
		json_object_set_new(o, "address", waddr_json(l->geo.addr));
		break;
	case LCAF_TYPE_NAT:
		set_int(o, "ms_port", l->nat.ms_port);
		set_int(o, "etr_port", l->nat.etr_port);
		json_object_set_new(o, "global_etr_rloc", waddr_json(l->nat.global_etr));
		json_object_set_new(o, "ms_rloc", waddr_json(l->nat.ms));
		json_object_set_new(o, "private_etr_rloc", waddr_json(l->nat.private_etr));
		json_object_set_new(o, "rtr_rlocs", waddr_array_json(l->nat.rtrs, l->nat.rtr_count));
		break;
	case LCAF_TYPE_SRCDST:
		set_int(o, "reserved", l->srcdst.rsvd);
		set_int(o, "source_mask_len", l->srcdst.src_ml);
		set_int(o, "dest_mask_len", l->srcdst.dst_ml);
		json_object_set_new(o, "source", waddr_json(l->srcdst.src));
		json_object_set_new(o, "dest", waddr_json(l->srcdst.dst));
		break;
	case LCAF_TYPE_JSON:
		lcaf_json_text(o, l);
		break;
	case LCAF_TYPE_KV:
		json_object_set_new(o, "key", waddr_json(l->kv.key));
		json_object_set_new(o, "value", waddr_json(l->kv.value));
		break;
	default:
		json_object_set_new(o, "opaque_hex", ctl_hex_json(l->opaque.bytes, l->opaque.len));
		break;
	}
	return o;
}

/* {"afi":1,"afi_name":"ipv4","address":"192.0.2.1"} or {"afi":16387,...,"lcaf":{...}} */
static json_t *waddr_json(const struct lisp_waddr *w)
{
	json_t *o;

	if (!w)
		return json_null();
	o = json_pack("{s:i, s:s}", "afi", w->afi, "afi_name", lisp_afi_name(w->afi));
	if (!o)
		return NULL;
	if (w->afi == LISP_AFI_LCAF)
		json_object_set_new(o, "lcaf", lcaf_json(&w->lcaf));
	else if (w->afi != LISP_AFI_NONE)
		json_object_set_new(o, "address", ctl_addr_text_json(&w->plain));
	return o;
}

/* "[1000]240.1.1.1/32" when the EID is a plain or IID-wrapped prefix; the
 * other shapes (source-dest, lists) have only their structured form. */
static void set_eid(json_t *o, const struct lisp_waddr *eid, uint8_t mask_len)
{
	char buf[LISP_ADDR_STR_MAX + 16];
	struct lisp_prefix p;

	json_object_set_new(o, "eid", waddr_json(eid));
	if (lisp_waddr_to_prefix(eid, mask_len, &p, NULL) == 0 &&
	    lisp_prefix_format(&p, buf, sizeof(buf)) >= 0)
		json_object_set_new(o, "eid_text", json_string(buf));
	else
		json_object_set_new(o, "eid_text", json_null());
}

static json_t *locator_json(const struct lisp_locator *loc)
{
	const struct lisp_addr *rloc = lisp_waddr_rloc(&loc->addr);
	json_t *o = json_pack("{s:i, s:i, s:i, s:i}", "priority", loc->priority, "weight",
			      loc->weight, "m_priority", loc->mpriority, "m_weight", loc->mweight);

	if (!o)
		return NULL;
	json_object_set_new(o, "flags",
			    json_pack("{s:b, s:b, s:b}", "local", loc->flags & LISP_LOC_F_LOCAL,
				      "probed", loc->flags & LISP_LOC_F_PROBED, "reachable",
				      loc->flags & LISP_LOC_F_REACH));
	set_int(o, "unused_flags", loc->flags >> 3);
	json_object_set_new(o, "address", waddr_json(&loc->addr));
	json_object_set_new(o, "rloc", rloc ? ctl_addr_text_json(rloc) : json_null());
	return o;
}

static json_t *record_json(const struct lisp_record *rec)
{
	json_t *o = json_pack("{s:I, s:i, s:i, s:s, s:i, s:b, s:i}", "ttl", (json_int_t)rec->ttl,
			      "locator_count", rec->loc_count, "mask_len", rec->mask_len, "action",
			      lisp_action_name(rec->action), "action_num", rec->action,
			      "authoritative", rec->authoritative, "map_version", rec->map_version);
	json_t *locs;

	if (!o)
		return NULL;
	set_eid(o, &rec->eid, rec->mask_len);
	locs = json_array();
	for (unsigned int i = 0; i < rec->loc_count; i++)
		json_array_append_new(locs, locator_json(&rec->locs[i]));
	json_object_set_new(o, "locators", locs);
	return o;
}

static json_t *records_json(const struct lisp_record *recs, unsigned int n)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(arr, record_json(&recs[i]));
	return arr;
}

static void set_xtr_id(json_t *o, const uint8_t *xtr_id, uint64_t site_id)
{
	json_object_set_new(o, "xtr_id", ctl_hex_json(xtr_id, LISP_XTR_ID_LEN));
	json_object_set_new(o, "site_id", ctl_u64_hex_json(site_id, 16));
}

static void request_json(json_t *o, const struct lisp_map_request *m)
{
	json_t *recs;

	json_object_set_new(o, "flags",
			    json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}",
				      "authoritative", m->authoritative, "map_data_present",
				      m->map_data, "probe", m->probe, "smr", m->smr, "pitr",
				      m->pitr, "smr_invoked", m->smr_invoked, "rsvd_r", m->rsvd_r,
				      "xtr_id_present", m->xtr_id_present, "local_xtr",
				      m->local_xtr, "dont_map_reply", m->dont_map_reply));
	json_object_set_new(o, "nonce", ctl_u64_hex_json(m->nonce, 16));
	/* IRC on the wire is the count minus one (RFC 9301, 5.2). */
	set_int(o, "irc", m->itr_rloc_count - 1);
	set_int(o, "itr_rloc_count", m->itr_rloc_count);
	set_int(o, "record_count", m->record_count);
	json_object_set_new(o, "source_eid", waddr_json(&m->source_eid));
	json_object_set_new(o, "itr_rlocs", waddr_array_json(m->itr_rlocs, m->itr_rloc_count));
	recs = json_array();
	for (unsigned int i = 0; i < m->record_count; i++) {
		json_t *r = json_pack("{s:b, s:i}", "notify", m->records[i].notify, "mask_len",
				      m->records[i].mask_len);

		if (r)
			set_eid(r, &m->records[i].eid, m->records[i].mask_len);
		json_array_append_new(recs, r);
	}
	json_object_set_new(o, "records", recs);
	if (m->map_data)
		json_object_set_new(o, "map_reply_record", record_json(m->map_reply));
	if (m->xtr_id_present)
		set_xtr_id(o, m->xtr_id, m->site_id);
}

/* LISP-SEC (RFC 9303, sections 6.1 and 6.2): every field of an EID-AD. */
static json_t *eid_ad_json(const struct lisp_sec_eid_ad *ad)
{
	json_t *o = json_pack("{s:i, s:i, s:s}", "length", ad->len, "kdf_id", ad->kdf_id, "kdf",
			      lisp_sec_kdf_name(ad->kdf_id));
	json_t *recs;

	if (!o || !ad->has_records)
		return o;
	set_int(o, "record_count", ad->record_count);
	set_int(o, "reserved", ad->rsvd);
	set_int(o, "hmac_id", ad->hmac_id);
	json_object_set_new(o, "hmac", json_string(lisp_sec_hmac_name(ad->hmac_id)));
	recs = json_array();
	for (unsigned int i = 0; i < ad->record_count; i++) {
		json_t *r = json_pack("{s:i, s:i}", "reserved", ad->records[i].rsvd, "mask_len",
				      ad->records[i].mask_len);

		if (r)
			set_eid(r, &ad->records[i].eid, ad->records[i].mask_len);
		json_array_append_new(recs, r);
	}
	json_object_set_new(o, "records", recs);
	json_object_set_new(o, "eid_hmac", ctl_hex_json(ad->hmac, ad->hmac_len));
	return o;
}

/* The ECM's LISP-SEC Authentication Data, or its decode error in err. */
static json_t *ecm_sec_json(const uint8_t *p, size_t len, struct lisp_arena *a,
			    struct lisp_err *err)
{
	struct lisp_sec_ecm_ad ad;
	json_t *o;

	if (lisp_sec_ecm_ad_decode(p, len, a, &ad, err) < 0) {
		lisp_err_prefix(err, -1, "LISP-SEC");
		return json_null();
	}
	o = json_pack("{s:i, s:b, s:i, s:i, s:s, s:i, s:i, s:s}", "ad_type", ad.ad_type,
		      "key_version", ad.key_version, "reserved", ad.rsvd, "requested_hmac_id",
		      ad.requested_hmac_id, "requested_hmac",
		      lisp_sec_hmac_name(ad.requested_hmac_id), "otk_length", ad.otk_len,
		      "otk_wrapping_id", ad.wrap_id, "otk_wrapping", lisp_sec_wrap_name(ad.wrap_id));
	if (!o)
		return NULL;
	json_object_set_new(o, "otk_preamble", ctl_hex_json(ad.otk_preamble, sizeof(ad.otk_preamble)));
	json_object_set_new(o, "otk", ctl_hex_json(ad.otk, sizeof(ad.otk)));
	json_object_set_new(o, "eid_ad", eid_ad_json(&ad.eid_ad));
	return o;
}

/* The Map-Reply's LISP-SEC Authentication Data, or its error in err. */
static json_t *reply_sec_json(const uint8_t *msg, size_t len, size_t off, struct lisp_arena *a,
			      struct lisp_err *err)
{
	struct lisp_sec_map_reply_ad ad;
	json_t *o;

	if (lisp_sec_map_reply_ad_decode(msg, len, off, a, &ad, err) < 0) {
		lisp_err_prefix(err, -1, "LISP-SEC");
		return json_null();
	}
	o = json_pack("{s:i, s:i}", "ad_type", ad.ad_type, "reserved", (int)ad.rsvd);
	if (!o)
		return NULL;
	json_object_set_new(o, "eid_ad", eid_ad_json(&ad.eid_ad));
	json_object_set_new(o, "pkt_ad",
			    json_pack("{s:i, s:i, s:s, s:o}", "length", ad.pkt_ad_len, "hmac_id",
				      ad.pkt_hmac_id, "hmac", lisp_sec_hmac_name(ad.pkt_hmac_id),
				      "pkt_hmac", ctl_hex_json(ad.pkt_hmac, ad.pkt_hmac_len)));
	return o;
}

static void reply_json(json_t *o, const struct lisp_map_reply *m)
{
	json_object_set_new(o, "flags",
			    json_pack("{s:b, s:b, s:b}", "probe", m->probe, "echo_nonce",
				      m->echo_nonce, "sec", m->sec));
	json_object_set_new(o, "nonce", ctl_u64_hex_json(m->nonce, 16));
	set_int(o, "record_count", m->record_count);
	json_object_set_new(o, "records", records_json(m->records, m->record_count));
}

static void register_json(json_t *o, const struct lisp_map_register *m)
{
	if (m->type == LISP_MAP_REGISTER)
		json_object_set_new(o, "flags",
				    json_pack("{s:b, s:b, s:b, s:b, s:b}", "proxy_reply",
					      m->proxy_reply, "sec", m->sec, "xtr_id_present",
					      m->xtr_id_present, "rtr", m->rtr, "want_notify",
					      m->want_notify));
	else
		json_object_set_new(o, "flags",
				    json_pack("{s:b, s:b}", "xtr_id_present", m->xtr_id_present,
					      "rtr", m->rtr));
	json_object_set_new(o, "nonce", ctl_u64_hex_json(m->nonce, 16));
	set_int(o, "key_id", m->key_id);
	set_int(o, "alg_id", m->alg_id);
	json_object_set_new(o, "alg_name", json_string(lisp_auth_alg_name(m->alg_id)));
	set_int(o, "auth_len", m->auth_len);
	json_object_set_new(o, "auth_data", ctl_hex_json(m->auth, m->auth_len));
	set_int(o, "record_count", m->record_count);
	json_object_set_new(o, "records", records_json(m->records, m->record_count));
	if (m->xtr_id_present)
		set_xtr_id(o, m->xtr_id, m->site_id);
}

/* RFC 8111, section 6: every field of a Map-Referral record, and whether
 * the record keeps the RFC's per-action table (null, or the rule broken). */
static json_t *referral_record_json(const struct lisp_referral_record *rec)
{
	json_t *o = json_pack("{s:I, s:i, s:i, s:s, s:i, s:b, s:b, s:i, s:i, s:i}", "ttl",
			      (json_int_t)rec->ttl, "referral_count", rec->ref_count, "mask_len",
			      rec->mask_len, "action", lisp_referral_action_name(rec->action),
			      "action_num", rec->action, "authoritative", rec->authoritative,
			      "incomplete", rec->incomplete, "reserved", rec->rsvd, "sig_count",
			      rec->sig_count, "map_version", rec->map_version);
	struct lisp_err check;
	json_t *arr;

	if (!o)
		return NULL;
	set_eid(o, &rec->eid, rec->mask_len);
	arr = json_array();
	for (unsigned int i = 0; i < rec->ref_count; i++)
		json_array_append_new(arr, locator_json(&rec->refs[i]));
	json_object_set_new(o, "referrals", arr);
	arr = json_array();
	for (unsigned int i = 0; i < rec->sig_count; i++) {
		const struct lisp_referral_sig *sg = &rec->sigs[i];

		json_array_append_new(
			arr, json_pack("{s:I, s:I, s:I, s:i, s:i, s:i, s:i, s:i, s:o}",
				       "original_ttl", (json_int_t)sg->orig_ttl, "expiration",
				       (json_int_t)sg->expiration, "inception",
				       (json_int_t)sg->inception, "key_tag", sg->key_tag,
				       "sig_length", sg->sig_len, "algorithm", sg->algorithm,
				       "reserved1", sg->rsvd1, "reserved2", sg->rsvd2, "signature",
				       ctl_hex_json(sg->sig, sg->sig_len)));
	}
	json_object_set_new(o, "signatures", arr);
	json_object_set_new(o, "rfc8111_check",
			    lisp_referral_record_check(rec, &check) < 0 ? json_string(check.msg)
									: json_null());
	return o;
}

static void referral_json(json_t *o, const struct lisp_map_referral *m)
{
	json_t *recs = json_array();

	set_int(o, "reserved", m->rsvd);
	json_object_set_new(o, "nonce", ctl_u64_hex_json(m->nonce, 16));
	set_int(o, "record_count", m->record_count);
	for (unsigned int i = 0; i < m->record_count; i++)
		json_array_append_new(recs, referral_record_json(&m->records[i]));
	json_object_set_new(o, "records", recs);
}

/* The ECM's own header and inner IP/UDP, then the inner message (the codec
 * refuses an ECM inside an ECM, so this recurses once at most). */
static void ecm_json(json_t *o, const struct lisp_ecm *m, struct lisp_arena *a,
		     struct lisp_err *err)
{
	json_t *inner;

	json_object_set_new(o, "flags",
			    json_pack("{s:b, s:b, s:b, s:b}", "sec", m->sec, "ddt", m->ddt,
				      "to_etr", m->to_etr, "to_ms", m->to_ms));
	json_object_set_new(o, "inner_header",
			    json_pack("{s:i, s:i, s:o, s:o, s:i, s:i, s:I}", "ip_version",
				      m->ip_version, "ttl", m->ttl, "src",
				      ctl_addr_text_json(&m->inner_src), "dst",
				      ctl_addr_text_json(&m->inner_dst), "sport", m->inner_sport,
				      "dport", m->inner_dport, "payload_len",
				      (json_int_t)m->payload_len));
	if (m->sec) {
		json_object_set_new(o, "lisp_sec", ecm_sec_json(m->sec_ad, m->sec_ad_len, a, err));
		if (err->msg[0])
			return;
	}
	inner = ctl_ctrl_msg_json(m->payload, m->payload_len, err);
	json_object_set_new(o, "message", inner);
	if (err->msg[0])
		lisp_err_prefix(err, -1, "ECM inner message");
}

json_t *ctl_ctrl_msg_json(const uint8_t *msg, size_t len, struct lisp_err *err)
{
	struct lisp_ctrl_msg m;
	struct lisp_arena arena;
	uint8_t type = len ? msg[0] >> 4 : 0;
	void *mem;
	json_t *o;
	int rc;

	err->msg[0] = '\0';
	o = json_pack("{s:s, s:i, s:I}", "type", lisp_msg_type_name(type), "type_num", type,
		      "length", (json_int_t)len);
	if (!o)
		return NULL;
	mem = malloc(CTL_ARENA_SIZE);
	if (!mem) {
		json_decref(o);
		return NULL;
	}
	lisp_arena_init(&arena, mem, CTL_ARENA_SIZE);
	rc = lisp_ctrl_decode(msg, len, &arena, &m, err);
	if (rc < 0) {
		/* The structs are half-filled on error; show only the header. */
		if (!err->msg[0])
			snprintf(err->msg, sizeof(err->msg), "malformed (error %d)", rc);
		free(mem);
		return o;
	}
	switch (m.type) {
	case LISP_MAP_REQUEST:
		request_json(o, &m.request);
		break;
	case LISP_MAP_REPLY:
		reply_json(o, &m.reply);
		if (m.reply.sec)
			json_object_set_new(o, "lisp_sec", reply_sec_json(msg, len,
									  m.reply.sec_ad_offset,
									  &arena, err));
		break;
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		register_json(o, &m.reg);
		break;
	case LISP_ECM:
		ecm_json(o, &m.ecm, &arena, err);
		break;
	case LISP_MAP_REFERRAL:
		referral_json(o, &m.referral);
		break;
	default:
		break;
	}
	free(mem);
	return o;
}
