/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sample catalogue: one valid message of every kind and variant, built
 * with our own encoders.  Addresses come from the documentation ranges
 * (RFC 5737, RFC 3849) and every nonce is SAMPLE_NONCE(n), so a sample is
 * recognisable in a capture.
 *
 * tests/oracle/oracle_expect.c states, by sample name, what an independent
 * decoder (tshark) must see in each one.  It restates the values used here
 * on purpose, rather than decoding these bytes: change a value here and the
 * oracle tells you, which is the point of an oracle.
 */
#include "samples.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_hdr.h"
#include "inet_hdr.h"
#include "lisp_auth.h"
#include "lisp_msg.h"

/* "lispgw" in the top six bytes, the sample's own number below: 0x0_ for
 * Map-Requests, 0x2_ Map-Replies, 0x4_ Map-Registers (a Map-Notify echoes
 * its register's), 0x6_ ECMs. */
#define SAMPLE_NONCE(n)	(0x6c69737067770000ull | (n))

/* The Map-Register/Notify shared secret; the oracle verifies the HMACs. */
#define SAMPLE_AUTH_KEY	"lispgw-sample-key"

#define INNER_PAYLOAD	"lispgw sample payload"

/* LCAF trees point at their children: one sample's addresses live here. */
#define POOL_ADDRS	32

struct build {
	struct sample_msg *s;
	struct lisp_err err;
	struct lisp_waddr pool[POOL_ADDRS];
	unsigned int used;
};

static void die(const struct build *b, const char *what)
{
	fprintf(stderr, "samples: %s: %s: %s\n", b->s->name, what, b->err.msg);
	abort();
}

/* A checked encoder result becomes the sample's length. */
static void done(struct build *b, ssize_t n)
{
	if (n < 0)
		die(b, "encoder refused a valid message");
	b->s->len = (size_t)n;
}

static struct lisp_waddr *take(struct build *b, unsigned int n)
{
	struct lisp_waddr *w;

	if (b->used + n > POOL_ADDRS) {
		snprintf(b->err.msg, sizeof(b->err.msg), "need %u more", n);
		die(b, "address pool exhausted");
	}
	w = &b->pool[b->used];
	b->used += n;
	memset(w, 0, n * sizeof(*w));
	return w;
}

static void addr_set(struct build *b, struct lisp_waddr *w, const char *text)
{
	struct lisp_addr a;

	if (lisp_addr_parse(text, &a, &b->err) < 0)
		die(b, text);
	lisp_waddr_from_addr(w, &a);
}

/* "192.0.2.1", "2001:db8::1", "dn:name", "none". */
static struct lisp_waddr *addr(struct build *b, const char *text)
{
	struct lisp_waddr *w = take(b, 1);

	addr_set(b, w, text);
	return w;
}

/* Contiguous addresses, for ITR-RLOCs, AFI-Lists and RTR lists. */
static struct lisp_waddr *addrs(struct build *b, unsigned int n, const char *const *texts)
{
	struct lisp_waddr *w = take(b, n);

	for (unsigned int i = 0; i < n; i++)
		addr_set(b, &w[i], texts[i]);
	return w;
}

static struct lisp_waddr *lcaf(struct build *b, uint8_t type)
{
	struct lisp_waddr *w = take(b, 1);

	w->afi = LISP_AFI_LCAF;
	w->lcaf.type = type;
	return w;
}

static struct lisp_waddr *iid_addr(struct build *b, uint32_t iid, const char *text)
{
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_IID);

	w->lcaf.iid.iid = iid;
	w->lcaf.iid.addr = addr(b, text);
	return w;
}

/* A unicast locator: M priority 255 keeps it out of multicast use. */
static struct lisp_locator loc(const struct lisp_waddr *a, uint8_t prio, uint8_t weight,
			       uint16_t flags)
{
	return (struct lisp_locator){ .priority = prio, .weight = weight, .mpriority = 255,
				      .flags = flags, .addr = *a };
}

/* Wraps an IP/UDP packet around INNER_PAYLOAD, for data-plane samples. */
static size_t inner_ip(struct build *b, uint8_t *p, size_t cap, uint8_t version)
{
	struct inet_udp h = { .ip_version = version, .ttl = 64, .sport = 40000, .dport = 9 };
	ssize_t n;

	if (lisp_addr_parse(version == 4 ? "10.1.1.1" : "2001:db8:1::1", &h.src, &b->err) < 0 ||
	    lisp_addr_parse(version == 4 ? "10.2.2.2" : "2001:db8:2::2", &h.dst, &b->err) < 0)
		die(b, "inner addresses");
	n = inet_udp_encode(&h, INNER_PAYLOAD, strlen(INNER_PAYLOAD), p, cap, &b->err);
	if (n < 0)
		die(b, "inner packet");
	return (size_t)n;
}

/* Ethernet II from 02:00:00:00:00:01 to :02, then an IPv4 packet. */
static size_t inner_eth(struct build *b, uint8_t *p, size_t cap)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };

	memcpy(p, eth, sizeof(eth));
	return sizeof(eth) + inner_ip(b, p + sizeof(eth), cap - sizeof(eth), 4);
}

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

static void s_mreq_v4(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x01, &r);
	mreq_done(b, &m);
}

static void s_mreq_auth(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x02, &r);
	m.authoritative = true;
	mreq_done(b, &m);
}

static void s_mreq_smr(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x03, &r);
	m.smr = true;
	r = (struct lisp_request_record){ .mask_len = 32, .eid = *addr(b, "10.2.2.2") };
	mreq_done(b, &m);
}

/* An RLOC-probe carries no source EID (AFI 0). */
static void s_mreq_probe(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x04, &r);
	m.probe = true;
	m.source_eid = *addr(b, "none");
	mreq_done(b, &m);
}

static void s_mreq_smr_invoked(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x05, &r);
	m.smr_invoked = true;
	mreq_done(b, &m);
}

static void s_mreq_pitr(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x06, &r);
	m.pitr = true;
	mreq_done(b, &m);
}

/* M bit: the requester's own mapping rides along (RFC 9301, 5.2). */
static void s_mreq_map_data(struct build *b)
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

static void s_mreq_xtr_id(struct build *b)
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
static void s_mreq_notify_rec(struct build *b)
{
	struct lisp_map_request m;
	struct lisp_request_record r;

	mreq_default(b, &m, 0x09, &r);
	r.notify = true;
	mreq_done(b, &m);
}

static void s_mreq_3rec(struct build *b)
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

static void s_mreq_itr_v4v6(struct build *b)
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

static void s_mreq_iid(struct build *b)
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
static void s_mreq_dn(struct build *b)
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

static void s_mrep_2rec(struct build *b)
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

static void s_mrep_neg_none(struct build *b)
{
	mrep_negative(b, LISP_ACT_NO_ACTION);
}

static void s_mrep_neg_native(struct build *b)
{
	mrep_negative(b, LISP_ACT_NATIVE_FORWARD);
}

static void s_mrep_neg_smr(struct build *b)
{
	mrep_negative(b, LISP_ACT_SEND_MAP_REQUEST);
}

static void s_mrep_neg_drop(struct build *b)
{
	mrep_negative(b, LISP_ACT_DROP);
}

static void s_mrep_neg_policy(struct build *b)
{
	mrep_negative(b, LISP_ACT_DROP_POLICY);
}

static void s_mrep_neg_auth(struct build *b)
{
	mrep_negative(b, LISP_ACT_DROP_AUTH);
}

/* An RLOC-probe reply from an echo-nonce capable ETR. */
static void s_mrep_probe_echo(struct build *b)
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

static void s_mrep_v6(struct build *b)
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

static void s_mrep_iid(struct build *b)
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

/* ---- Map-Register, Map-Notify, Map-Notify-Ack ------------------------- */

static void mreg_done(struct build *b, const struct lisp_map_register *m)
{
	ssize_t n = lisp_map_register_encode(m, b->s->bytes, sizeof(b->s->bytes), &b->err);

	if (n >= 0 && lisp_auth_sign(b->s->bytes, (size_t)n, SAMPLE_AUTH_KEY,
				     strlen(SAMPLE_AUTH_KEY), &b->err) < 0)
		die(b, "lisp_auth_sign");
	done(b, n);
}

static void s_mreg_sha1(struct build *b)
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

static void s_mreg_sha256(struct build *b)
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
static void s_mreg_pmi(struct build *b)
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

static void s_mreg_iid(struct build *b)
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
static void s_mreg_json(struct build *b)
{
	static const char json[] = "{\"gpu\":\"H100\",\"load\":0.42}";
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_JSON);

	w->lcaf.json.len = sizeof(json) - 1;
	w->lcaf.json.text = json;
	w->lcaf.json.addr = addr(b, "198.51.100.10");
	mreg_lcaf_rloc(b, 0x44, w);
}

static void s_mreg_afi_list(struct build *b)
{
	static const char *const items[] = { "198.51.100.11", "2001:db8:ffff::11" };
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_AFI_LIST);

	w->lcaf.list.count = 2;
	w->lcaf.list.items = addrs(b, 2, items);
	mreg_lcaf_rloc(b, 0x45, w);
}

static void s_mreg_geo(struct build *b)
{
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_GEO);

	w->lcaf.geo = (struct lcaf_geo){ .north = true, .lat_deg = 37, .lat_min = 24,
					 .lat_sec = 41, .east = false, .lon_deg = 122,
					 .lon_min = 4, .lon_sec = 56, .alt = 31,
					 .addr = addr(b, "198.51.100.12") };
	mreg_lcaf_rloc(b, 0x46, w);
}

static void s_mreg_nat(struct build *b)
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

static void s_mreg_kv(struct build *b)
{
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_KV);

	w->lcaf.kv.key = addr(b, "dn:rack-12");
	w->lcaf.kv.value = addr(b, "198.51.100.13");
	mreg_lcaf_rloc(b, 0x48, w);
}

/* A Source/Dest EID (RFC 8060, 4.9): traffic from 10.5/16 to 10.6.6/24. */
static void s_mreg_srcdst(struct build *b)
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

static void s_mnot(struct build *b)
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

static void s_mnot_xtr_id(struct build *b)
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

static void s_mnot_ack(struct build *b)
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

/* ---- Encapsulated Control Message ------------------------------------- */

/* An ITR's Map-Request to a Map-Resolver, inner header from EID to EID. */
static void ecm_request(struct build *b, uint8_t version, uint64_t nonce, bool to_ms)
{
	uint8_t inner[512];
	struct lisp_map_request m;
	struct lisp_request_record r;
	struct lisp_ecm e = { .to_ms = to_ms, .ip_version = version, .ttl = 32,
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

static void s_ecm_v4(struct build *b)
{
	ecm_request(b, 4, 0x60, false);
}

/* Also sets RFC 8111's M bit (to Map-Server), which Wireshark counts as reserved. */
static void s_ecm_v6(struct build *b)
{
	ecm_request(b, 6, 0x61, true);
}

/* ---- Data plane ------------------------------------------------------- */

static void lisp_data(struct build *b, const struct lisp_data_hdr *h, uint8_t inner_version)
{
	lisp_data_hdr_encode(h, b->s->bytes);
	b->s->len = LISP_DATA_HDR_LEN + inner_ip(b, b->s->bytes + LISP_DATA_HDR_LEN,
						 sizeof(b->s->bytes) - LISP_DATA_HDR_LEN,
						 inner_version);
}

static void s_data_nonce(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N, .nonce = 0xabcdef }, 4);
}

static void s_data_lsb(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N | LISP_DF_L, .nonce = 0x123456,
					      .lsb = 0x00000003 }, 4);
}

static void s_data_iid(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N | LISP_DF_L | LISP_DF_I,
					      .nonce = 0x654321, .iid = 1000, .lsb = 0x05 }, 4);
}

static void s_data_map_version(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_V | LISP_DF_I,
					      .src_map_version = 0x123,
					      .dst_map_version = 0x456, .iid = 0xabcdef }, 6);
}

static void s_data_echo(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N | LISP_DF_E,
					      .nonce = 0x0e0e0e }, 6);
}

static void vxlan(struct build *b, const struct vxlan_hdr *h)
{
	vxlan_hdr_encode(h, b->s->bytes);
	b->s->len = VXLAN_HDR_LEN + inner_eth(b, b->s->bytes + VXLAN_HDR_LEN,
					      sizeof(b->s->bytes) - VXLAN_HDR_LEN);
}

static void s_vxlan(struct build *b)
{
	vxlan(b, &(struct vxlan_hdr){ .flags = VXLAN_F_I, .vni = 4096 });
}

static void s_vxlan_gbp(struct build *b)
{
	vxlan(b, &(struct vxlan_hdr){ .flags = VXLAN_F_G | VXLAN_F_I,
				      .gbp_flags = VXLAN_GBP_D | VXLAN_GBP_A,
				      .group_id = 0x1234, .vni = 5000 });
}

static void gpe(struct build *b, uint8_t next_proto, uint32_t vni)
{
	struct vxlan_gpe_hdr h = { .flags = VXLAN_GPE_F_I | VXLAN_GPE_F_P,
				   .next_proto = next_proto, .vni = vni };
	uint8_t *p = b->s->bytes + VXLAN_HDR_LEN;
	size_t cap = sizeof(b->s->bytes) - VXLAN_HDR_LEN;

	vxlan_gpe_hdr_encode(&h, b->s->bytes);
	b->s->len = VXLAN_HDR_LEN + (next_proto == VXLAN_GPE_NP_ETHERNET ? inner_eth(b, p, cap)
					 : inner_ip(b, p, cap, next_proto == VXLAN_GPE_NP_IPV4 ? 4 : 6));
}

static void s_gpe_v4(struct build *b)
{
	gpe(b, VXLAN_GPE_NP_IPV4, 100);
}

static void s_gpe_v6(struct build *b)
{
	gpe(b, VXLAN_GPE_NP_IPV6, 200);
}

static void s_gpe_eth(struct build *b)
{
	gpe(b, VXLAN_GPE_NP_ETHERNET, 300);
}

/* ---- Catalogue -------------------------------------------------------- */

static const struct {
	const char *name;
	enum sample_kind kind;
	void (*build)(struct build *b);
} catalogue[] = {
	{ "map-request-v4", SAMPLE_CTRL, s_mreq_v4 },
	{ "map-request-authoritative", SAMPLE_CTRL, s_mreq_auth },
	{ "map-request-smr", SAMPLE_CTRL, s_mreq_smr },
	{ "map-request-rloc-probe", SAMPLE_CTRL, s_mreq_probe },
	{ "map-request-smr-invoked", SAMPLE_CTRL, s_mreq_smr_invoked },
	{ "map-request-pitr", SAMPLE_CTRL, s_mreq_pitr },
	{ "map-request-map-data", SAMPLE_CTRL, s_mreq_map_data },
	{ "map-request-xtr-id", SAMPLE_CTRL, s_mreq_xtr_id },
	{ "map-request-notify-record", SAMPLE_CTRL, s_mreq_notify_rec },
	{ "map-request-3rec", SAMPLE_CTRL, s_mreq_3rec },
	{ "map-request-itr-v4v6", SAMPLE_CTRL, s_mreq_itr_v4v6 },
	{ "map-request-iid", SAMPLE_CTRL, s_mreq_iid },
	{ "map-request-dn", SAMPLE_CTRL, s_mreq_dn },
	{ "map-reply-2rec", SAMPLE_CTRL, s_mrep_2rec },
	{ "map-reply-negative-no-action", SAMPLE_CTRL, s_mrep_neg_none },
	{ "map-reply-negative-native-forward", SAMPLE_CTRL, s_mrep_neg_native },
	{ "map-reply-negative-send-map-request", SAMPLE_CTRL, s_mrep_neg_smr },
	{ "map-reply-negative-drop", SAMPLE_CTRL, s_mrep_neg_drop },
	{ "map-reply-negative-drop-policy", SAMPLE_CTRL, s_mrep_neg_policy },
	{ "map-reply-negative-drop-auth", SAMPLE_CTRL, s_mrep_neg_auth },
	{ "map-reply-probe-echo", SAMPLE_CTRL, s_mrep_probe_echo },
	{ "map-reply-v6", SAMPLE_CTRL, s_mrep_v6 },
	{ "map-reply-iid", SAMPLE_CTRL, s_mrep_iid },
	{ "map-register-sha1", SAMPLE_CTRL, s_mreg_sha1 },
	{ "map-register-sha256-v4v6", SAMPLE_CTRL, s_mreg_sha256 },
	{ "map-register-pmi-xtr-id", SAMPLE_CTRL, s_mreg_pmi },
	{ "map-register-iid-v6-3rec", SAMPLE_CTRL, s_mreg_iid },
	{ "map-register-rloc-json", SAMPLE_CTRL, s_mreg_json },
	{ "map-register-rloc-afi-list", SAMPLE_CTRL, s_mreg_afi_list },
	{ "map-register-rloc-geo", SAMPLE_CTRL, s_mreg_geo },
	{ "map-register-rloc-nat", SAMPLE_CTRL, s_mreg_nat },
	{ "map-register-rloc-kv", SAMPLE_CTRL, s_mreg_kv },
	{ "map-register-srcdst-eid", SAMPLE_CTRL, s_mreg_srcdst },
	{ "map-notify", SAMPLE_CTRL, s_mnot },
	{ "map-notify-xtr-id", SAMPLE_CTRL, s_mnot_xtr_id },
	{ "map-notify-ack", SAMPLE_CTRL, s_mnot_ack },
	{ "ecm-v4-map-request", SAMPLE_CTRL, s_ecm_v4 },
	{ "ecm-v6-map-request", SAMPLE_CTRL, s_ecm_v6 },
	{ "lisp-data-nonce", SAMPLE_LISP_DATA, s_data_nonce },
	{ "lisp-data-lsb", SAMPLE_LISP_DATA, s_data_lsb },
	{ "lisp-data-iid", SAMPLE_LISP_DATA, s_data_iid },
	{ "lisp-data-map-version-v6", SAMPLE_LISP_DATA, s_data_map_version },
	{ "lisp-data-echo-nonce-v6", SAMPLE_LISP_DATA, s_data_echo },
	{ "vxlan", SAMPLE_VXLAN, s_vxlan },
	{ "vxlan-gbp", SAMPLE_VXLAN, s_vxlan_gbp },
	{ "vxlan-gpe-ipv4", SAMPLE_VXLAN_GPE, s_gpe_v4 },
	{ "vxlan-gpe-ipv6", SAMPLE_VXLAN_GPE, s_gpe_v6 },
	{ "vxlan-gpe-ethernet", SAMPLE_VXLAN_GPE, s_gpe_eth },
};

size_t samples_build(struct sample_msg *out, size_t max)
{
	static struct build b;	/* the address pool is too big for a test's stack */
	size_t n = 0;

	for (; n < max && n < sizeof(catalogue) / sizeof(catalogue[0]); n++) {
		memset(&b, 0, sizeof(b));
		memset(&out[n], 0, sizeof(out[n]));
		b.s = &out[n];
		b.s->name = catalogue[n].name;
		b.s->kind = catalogue[n].kind;
		catalogue[n].build(&b);
	}
	return n;
}
