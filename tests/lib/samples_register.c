/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Samples of registration (samples_priv.h): Map-Registers with each
 * authentication and each RLOC LCAF, Map-Notifies and Map-Notify-Acks.
 */
#include "samples_priv.h"

/* ---- Map-Register, Map-Notify, Map-Notify-Ack ------------------------- */

static void mreg_done(struct build *b, const struct lisp_map_register *m)
{
	ssize_t n = lisp_map_register_encode(m, b->s->bytes, sizeof(b->s->bytes), &b->err);

	if (n >= 0 && lisp_auth_sign(b->s->bytes, (size_t)n, SAMPLE_AUTH_KEY,
				     strlen(SAMPLE_AUTH_KEY), &b->err) < 0)
		die(b, "lisp_auth_sign");
	done(b, n);
}

void s_mreg_sha1(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "198.51.100.1"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 16, .authoritative = true,
				   .eid = *addr(b, "10.1.0.0"), .loc_count = 1, .locs = &l };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = true,
				       .nonce = SAMPLE_NONCE(0x40),
				       .alg_id = LISP_AUTH_HMAC_SHA1_96, .record_count = 1,
				       .records = &rec };

	mreg_done(b, &m);
}

void s_mreg_sha256(struct build *b)
{
	struct lisp_locator l[2] = {
		loc(addr(b, "198.51.100.1"), 1, 100, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH),
		loc(addr(b, "2001:db8:ffff::1"), 2, 100, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH),
	};
	struct lisp_record recs[2] = {
		{ .ttl = 1440, .mask_len = 16, .authoritative = true,
		  .eid = *addr(b, "10.1.0.0"), .loc_count = 2, .locs = l },
		{ .ttl = 1440, .mask_len = 48, .authoritative = true,
		  .eid = *addr(b, "2001:db8:1::"), .loc_count = 2, .locs = l },
	};
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .nonce = SAMPLE_NONCE(0x41),
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .record_count = 2,
				       .records = recs };

	mreg_done(b, &m);
}

static void xtr_id_fill(uint8_t *xtr_id, uint8_t first)
{
	for (unsigned int i = 0; i < LISP_XTR_ID_LEN; i++)
		xtr_id[i] = (uint8_t)(first + i);
}

/* P (proxy-reply), M (want-notify) and I (xTR-ID, site-ID) together. */
void s_mreg_pmi(struct build *b)
{
	struct lisp_locator l[2] = {
		loc(addr(b, "2001:db8:ffff::2"), 1, 60, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH),
		loc(addr(b, "198.51.100.2"), 1, 40, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH),
	};
	struct lisp_record recs[2] = {
		{ .ttl = 1440, .mask_len = 24, .authoritative = true, .map_version = 17,
		  .eid = *addr(b, "10.2.2.0"), .loc_count = 2, .locs = l },
		{ .ttl = 1440, .mask_len = 56, .authoritative = true, .map_version = 17,
		  .eid = *addr(b, "2001:db8:2:200::"), .loc_count = 2, .locs = l },
	};
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .proxy_reply = true,
				       .want_notify = true, .xtr_id_present = true,
				       .nonce = SAMPLE_NONCE(0x42),
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .record_count = 2,
				       .records = recs, .site_id = 0x5173000000000002ull };

	xtr_id_fill(m.xtr_id, 0x10);
	mreg_done(b, &m);
}

void s_mreg_iid(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "2001:db8:ffff::3"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record recs[3] = {
		{ .ttl = 1440, .mask_len = 16, .authoritative = true,
		  .eid = *iid_addr(b, 1000, "10.1.0.0"), .loc_count = 1, .locs = &l },
		{ .ttl = 1440, .mask_len = 48, .authoritative = true,
		  .eid = *iid_addr(b, 1000, "2001:db8:a::"), .loc_count = 1, .locs = &l },
		{ .ttl = 1440, .mask_len = 16, .authoritative = true,
		  .eid = *iid_addr(b, 2000, "10.1.0.0"), .loc_count = 1, .locs = &l },
	};
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = true,
				       .nonce = SAMPLE_NONCE(0x43),
				       .alg_id = LISP_AUTH_HMAC_SHA1_96, .record_count = 3,
				       .records = recs };

	mreg_done(b, &m);
}

/* One registered EID whose single locator address is the given LCAF. */
static void mreg_lcaf_rloc(struct build *b, uint64_t nonce, const struct lisp_waddr *rloc)
{
	struct lisp_locator l = loc(rloc, 1, 100, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 24, .authoritative = true,
				   .eid = *addr(b, "10.4.0.0"), .loc_count = 1, .locs = &l };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = true,
				       .nonce = SAMPLE_NONCE(nonce),
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .record_count = 1,
				       .records = &rec };

	mreg_done(b, &m);
}

/* A GPU's advertised state travels with its RLOC (RFC 8060, 4.10.1). */
void s_mreg_json(struct build *b)
{
	static const char json[] = "{\"gpu\":\"H100\",\"load\":0.42}";
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_JSON);

	w->lcaf.json.len = sizeof(json) - 1;
	w->lcaf.json.text = json;
	w->lcaf.json.addr = addr(b, "198.51.100.10");
	mreg_lcaf_rloc(b, 0x44, w);
}

void s_mreg_afi_list(struct build *b)
{
	static const char *const items[] = { "198.51.100.11", "2001:db8:ffff::11" };
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_AFI_LIST);

	w->lcaf.list.count = 2;
	w->lcaf.list.items = addrs(b, 2, items);
	mreg_lcaf_rloc(b, 0x45, w);
}

void s_mreg_geo(struct build *b)
{
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_GEO);

	w->lcaf.geo = (struct lcaf_geo){ .north = true, .lat_deg = 37, .lat_min = 24,
					 .lat_sec = 41, .east = false, .lon_deg = 122,
					 .lon_min = 4, .lon_sec = 56, .alt = 31,
					 .addr = addr(b, "198.51.100.12") };
	mreg_lcaf_rloc(b, 0x46, w);
}

void s_mreg_nat(struct build *b)
{
	static const char *const rtrs[] = { "203.0.113.30", "203.0.113.31" };
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_NAT);

	w->lcaf.nat = (struct lcaf_nat){ .ms_port = 4342, .etr_port = 61000,
					 .global_etr = addr(b, "203.0.113.20"),
					 .ms = addr(b, "198.51.100.100"),
					 .private_etr = addr(b, "10.0.0.5"),
					 .rtr_count = 2, .rtrs = addrs(b, 2, rtrs) };
	mreg_lcaf_rloc(b, 0x47, w);
}

void s_mreg_kv(struct build *b)
{
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_KV);

	w->lcaf.kv.key = addr(b, "dn:rack-12");
	w->lcaf.kv.value = addr(b, "198.51.100.13");
	mreg_lcaf_rloc(b, 0x48, w);
}

/* A Source/Dest EID (RFC 8060, 4.9): traffic from 10.5/16 to 10.6.6/24. */
void s_mreg_srcdst(struct build *b)
{
	struct lisp_waddr *eid = lcaf(b, LCAF_TYPE_SRCDST);
	struct lisp_locator l = loc(addr(b, "198.51.100.14"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 24, .authoritative = true,
				   .loc_count = 1, .locs = &l };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = true,
				       .nonce = SAMPLE_NONCE(0x49),
				       .alg_id = LISP_AUTH_HMAC_SHA1_96, .record_count = 1,
				       .records = &rec };

	eid->lcaf.srcdst.src_ml = 16;
	eid->lcaf.srcdst.dst_ml = 24;
	eid->lcaf.srcdst.src = addr(b, "10.5.0.0");
	eid->lcaf.srcdst.dst = addr(b, "10.6.6.0");
	rec.eid = *eid;
	mreg_done(b, &m);
}

void s_mnot(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "198.51.100.1"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 16, .authoritative = true,
				   .eid = *addr(b, "10.1.0.0"), .loc_count = 1, .locs = &l };
	struct lisp_map_register m = { .type = LISP_MAP_NOTIFY, .nonce = SAMPLE_NONCE(0x40),
				       .alg_id = LISP_AUTH_HMAC_SHA1_96, .record_count = 1,
				       .records = &rec };

	mreg_done(b, &m);
}

void s_mnot_xtr_id(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "2001:db8:ffff::2"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 24, .authoritative = true,
				   .map_version = 18, .eid = *iid_addr(b, 1000, "10.2.2.0"),
				   .loc_count = 1, .locs = &l };
	struct lisp_map_register m = { .type = LISP_MAP_NOTIFY, .xtr_id_present = true,
				       .nonce = SAMPLE_NONCE(0x42),
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .record_count = 1,
				       .records = &rec, .site_id = 0x5173000000000002ull };

	xtr_id_fill(m.xtr_id, 0x10);
	mreg_done(b, &m);
}

void s_mnot_ack(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "198.51.100.1"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 16, .authoritative = true,
				   .eid = *addr(b, "10.1.0.0"), .loc_count = 1, .locs = &l };
	struct lisp_map_register m = { .type = LISP_MAP_NOTIFY_ACK, .nonce = SAMPLE_NONCE(0x40),
				       .alg_id = LISP_AUTH_HMAC_SHA1_96, .record_count = 1,
				       .records = &rec };

	mreg_done(b, &m);
}
