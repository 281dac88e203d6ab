/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Samples of resolution (samples_priv.h): Map-Requests of every flag and
 * record shape, Map-Replies positive and negative, and Map-Requests inside
 * an Encapsulated Control Message.
 */
#include "samples_priv.h"

/* ---- Map-Request ------------------------------------------------------ */

/* The request the variants start from: IPv4 source EID and ITR-RLOC. */
static void mreq_base(struct build *b, struct lisp_map_request *m, uint64_t nonce,
		      struct lisp_request_record *recs, uint8_t count)
{
	memset(m, 0, sizeof(*m));
	m->nonce = SAMPLE_NONCE(nonce);
	m->source_eid = *addr(b, "10.1.1.1");
	m->itr_rloc_count = 1;
	m->itr_rlocs = addr(b, "198.51.100.1");
	m->record_count = count;
	m->records = recs;
}

/* ... with the one default record, 10.2.0.0/16. */
static void mreq_default(struct build *b, struct lisp_map_request *m, uint64_t nonce,
			 struct lisp_request_record *rec)
{
	*rec = (struct lisp_request_record){ .mask_len = 16, .eid = *addr(b, "10.2.0.0") };
	mreq_base(b, m, nonce, rec, 1);
}

static void mreq_done(struct build *b, const struct lisp_map_request *m)
{
	done(b, lisp_map_request_encode(m, b->s->bytes, sizeof(b->s->bytes), &b->err));
}

void s_mreq_v4(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x01, &r);
	mreq_done(b, &m);
}

void s_mreq_auth(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x02, &r);
	m.authoritative = true;
	mreq_done(b, &m);
}

void s_mreq_smr(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x03, &r);
	m.smr = true;
	r = (struct lisp_request_record){ .mask_len = 32, .eid = *addr(b, "10.2.2.2") };
	mreq_done(b, &m);
}

/* An RLOC-probe carries no source EID (AFI 0). */
void s_mreq_probe(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x04, &r);
	m.probe = true;
	m.source_eid = *addr(b, "none");
	mreq_done(b, &m);
}

void s_mreq_smr_invoked(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x05, &r);
	m.smr_invoked = true;
	mreq_done(b, &m);
}

void s_mreq_pitr(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x06, &r);
	m.pitr = true;
	mreq_done(b, &m);
}

/* M bit: the requester's own mapping rides along (RFC 9301, 5.2). */
void s_mreq_map_data(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;
	struct lisp_locator l = loc(addr(b, "198.51.100.1"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	struct lisp_record mr = { .ttl = 1440, .mask_len = 24, .authoritative = true,
				  .eid = *addr(b, "10.1.1.0"), .loc_count = 1, .locs = &l };

	mreq_default(b, &m, 0x07, &r);
	m.map_data = true;
	m.map_reply = &mr;
	mreq_done(b, &m);
}

void s_mreq_xtr_id(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x08, &r);
	m.xtr_id_present = true;
	for (unsigned int i = 0; i < LISP_XTR_ID_LEN; i++)
		m.xtr_id[i] = (uint8_t)(0xa0 + i);
	m.site_id = 0x5173000000000001ull;
	mreq_done(b, &m);
}

/* N bit (RFC 9437): subscribe to changes of this record. */
void s_mreq_notify_rec(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x09, &r);
	r.notify = true;
	mreq_done(b, &m);
}

void s_mreq_3rec(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r[3] = {
		{ .mask_len = 24, .eid = *addr(b, "10.3.0.0") },
		{ .mask_len = 48, .eid = *addr(b, "2001:db8:3::") },
		{ .notify = true, .mask_len = 32, .eid = *addr(b, "10.3.3.3") },
	};

	mreq_base(b, &m, 0x0a, r, 3);
	mreq_done(b, &m);
}

void s_mreq_itr_v4v6(struct build *b)
{
	static const char *const itrs[] = { "198.51.100.1", "2001:db8:ffff::1", "198.51.100.2" };
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x0b, &r);
	m.source_eid = *addr(b, "2001:db8:1::1");
	m.itr_rloc_count = 3;
	m.itr_rlocs = addrs(b, 3, itrs);
	r = (struct lisp_request_record){ .mask_len = 64, .eid = *addr(b, "2001:db8:2::") };
	mreq_done(b, &m);
}

void s_mreq_iid(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r[2] = {
		{ .mask_len = 16, .eid = *iid_addr(b, 1000, "10.2.0.0") },
		{ .mask_len = 48, .eid = *iid_addr(b, 7, "2001:db8:7::") },
	};

	mreq_base(b, &m, 0x0c, r, 2);
	m.source_eid = *iid_addr(b, 1000, "10.1.1.1");
	mreq_done(b, &m);
}

/* A DN only as a record EID: Wireshark cannot decode a DN source EID. */
void s_mreq_dn(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x0d, &r);
	r = (struct lisp_request_record){ .mask_len = 0, .eid = *addr(b, "dn:agent-planner-7") };
	mreq_done(b, &m);
}

/* ---- Map-Reply -------------------------------------------------------- */

static void mrep_done(struct build *b, const struct lisp_map_reply *m)
{
	done(b, lisp_map_reply_encode(m, b->s->bytes, sizeof(b->s->bytes), &b->err));
}

void s_mrep_2rec(struct build *b)
{
	struct lisp_locator l1[3] = {
		loc(addr(b, "198.51.100.1"), 1, 50, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH),
		loc(addr(b, "198.51.100.2"), 1, 50, LISP_LOC_F_REACH),
		loc(addr(b, "203.0.113.9"), 2, 100, 0),
	};
	struct lisp_locator l2 = loc(addr(b, "198.51.100.3"), 5, 10, LISP_LOC_F_REACH);
	struct lisp_record recs[2] = {
		{ .ttl = 1440, .mask_len = 16, .authoritative = true, .map_version = 5,
		  .eid = *addr(b, "10.1.0.0"), .loc_count = 3, .locs = l1 },
		{ .ttl = 60, .mask_len = 24, .eid = *addr(b, "10.3.0.0"), .loc_count = 1,
		  .locs = &l2 },
	};
	struct lisp_map_reply m = { .nonce = SAMPLE_NONCE(0x20), .record_count = 2,
				    .records = recs };

	mrep_done(b, &m);
}

/* A negative reply: no locators, the action says what to do instead. */
static void mrep_negative(struct build *b, uint8_t action)
{
	struct lisp_record rec = { .ttl = 15, .mask_len = 16, .action = action,
				   .authoritative = true, .eid = *addr(b, "10.9.0.0") };
	struct lisp_map_reply m = { .nonce = SAMPLE_NONCE(0x21 + action), .record_count = 1,
				    .records = &rec };

	mrep_done(b, &m);
}

void s_mrep_neg_none(struct build *b)
{
	mrep_negative(b, LISP_ACT_NO_ACTION);
}

void s_mrep_neg_native(struct build *b)
{
	mrep_negative(b, LISP_ACT_NATIVE_FORWARD);
}

void s_mrep_neg_smr(struct build *b)
{
	mrep_negative(b, LISP_ACT_SEND_MAP_REQUEST);
}

void s_mrep_neg_drop(struct build *b)
{
	mrep_negative(b, LISP_ACT_DROP);
}

void s_mrep_neg_policy(struct build *b)
{
	mrep_negative(b, LISP_ACT_DROP_POLICY);
}

void s_mrep_neg_auth(struct build *b)
{
	mrep_negative(b, LISP_ACT_DROP_AUTH);
}

/* An RLOC-probe reply from an echo-nonce capable ETR. */
void s_mrep_probe_echo(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "198.51.100.1"), 1, 100,
				    LISP_LOC_F_LOCAL | LISP_LOC_F_PROBED | LISP_LOC_F_REACH);
	struct lisp_record rec = { .ttl = 1440, .mask_len = 32, .authoritative = true,
				   .eid = *addr(b, "10.1.1.1"), .loc_count = 1, .locs = &l };
	struct lisp_map_reply m = { .probe = true, .echo_nonce = true,
				    .nonce = SAMPLE_NONCE(0x27), .record_count = 1,
				    .records = &rec };

	mrep_done(b, &m);
}

void s_mrep_v6(struct build *b)
{
	struct lisp_locator l[2] = {
		loc(addr(b, "2001:db8:ffff::1"), 1, 70, LISP_LOC_F_REACH),
		loc(addr(b, "198.51.100.7"), 1, 30, LISP_LOC_F_REACH),
	};
	struct lisp_record rec = { .ttl = 720, .mask_len = 48, .map_version = 4095,
				   .eid = *addr(b, "2001:db8:1::"), .loc_count = 2, .locs = l };
	struct lisp_map_reply m = { .nonce = SAMPLE_NONCE(0x28), .record_count = 1,
				    .records = &rec };

	mrep_done(b, &m);
}

void s_mrep_iid(struct build *b)
{
	struct lisp_locator l = loc(addr(b, "198.51.100.5"), 1, 100, LISP_LOC_F_REACH);
	struct lisp_record recs[2] = {
		{ .ttl = 1440, .mask_len = 16, .authoritative = true,
		  .eid = *iid_addr(b, 5000, "10.1.0.0"), .loc_count = 1, .locs = &l },
		{ .ttl = 1440, .mask_len = 48, .authoritative = true,
		  .eid = *iid_addr(b, 5000, "2001:db8:5::"), .loc_count = 1, .locs = &l },
	};
	struct lisp_map_reply m = { .nonce = SAMPLE_NONCE(0x29), .record_count = 2,
				    .records = recs };

	mrep_done(b, &m);
}

/* ---- Encapsulated Control Message ------------------------------------- */

/* An ITR's Map-Request to a Map-Resolver, inner header from EID to EID. */
static void ecm_request(struct build *b, uint8_t version, uint64_t nonce, bool to_ms,
			bool ddt)
{
	uint8_t inner[512];
	struct lisp_map_request m;
	struct lisp_request_record r;
	struct lisp_ecm e = { .ddt = ddt, .to_ms = to_ms, .ip_version = version, .ttl = 32,
			      .inner_sport = 61001, .inner_dport = LISP_CONTROL_PORT };
	ssize_t n;

	mreq_default(b, &m, nonce, &r);
	if (version == 6) {
		m.source_eid = *addr(b, "2001:db8:1::1");
		r = (struct lisp_request_record){ .mask_len = 128,
						  .eid = *addr(b, "2001:db8:2::2") };
	}
	n = lisp_map_request_encode(&m, inner, sizeof(inner), &b->err);
	if (n < 0)
		die(b, "inner Map-Request");
	if (lisp_addr_parse(version == 4 ? "10.1.1.1" : "2001:db8:1::1", &e.inner_src,
			    &b->err) < 0 ||
	    lisp_addr_parse(version == 4 ? "10.2.2.2" : "2001:db8:2::2", &e.inner_dst,
			    &b->err) < 0)
		die(b, "inner addresses");
	e.payload = inner;
	e.payload_len = (size_t)n;
	done(b, lisp_ecm_encode(&e, b->s->bytes, sizeof(b->s->bytes), &b->err));
}

void s_ecm_v4(struct build *b)
{
	ecm_request(b, 4, 0x60, false, false);
}

/* Also sets RFC 8111's M bit (to Map-Server), which Wireshark counts as reserved. */
void s_ecm_v6(struct build *b)
{
	ecm_request(b, 6, 0x61, true, false);
}

/* RFC 8111's D bit: a DDT Map-Resolver's request to a DDT node. */
void s_ecm_ddt(struct build *b)
{
	ecm_request(b, 4, 0x62, false, true);
}
