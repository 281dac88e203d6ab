/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Referral codec (common/msg_referral.c, RFC 8111 section 6)
 * against golden bytes written out by hand (golden_referral.h): every
 * action encodes to its golden and decodes field by field, each message
 * round-trips, every truncation and every count past the bytes is refused
 * with a reason, and RFC 8111's per-action table is checked.
 */
#include <errno.h>

#include "check_util.h"
#include "golden_referral.h"
#include "lisp_msg.h"

static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;

static void setup(void)
{
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
}

/* Storage for the address trees of one built message. */
struct build {
	struct lisp_waddr inner[8];
	unsigned int used;
};

/* eid from "[iid]addr/len" (IID LCAF when iid != 0); returns the length. */
static uint8_t eid_set(struct build *b, struct lisp_waddr *eid, const char *text)
{
	struct lisp_prefix p;
	struct lisp_err err;

	ck_assert_msg(lisp_prefix_parse(text, &p, &err) == 0, "%s: %s", text, err.msg);
	ck_assert_uint_lt(b->used, 8);
	lisp_waddr_from_prefix(eid, &b->inner[b->used++], &p);
	return p.plen;
}

static struct lisp_locator ref(const char *addr, uint8_t prio, uint8_t weight, uint16_t flags)
{
	struct lisp_locator l = { .priority = prio, .weight = weight, .mpriority = 255,
				  .flags = flags };
	struct lisp_addr a;

	ck_assert_int_eq(lisp_addr_parse(addr, &a, NULL), 0);
	lisp_waddr_from_addr(&l.addr, &a);
	return l;
}

static void ck_encodes_to(const struct lisp_map_referral *m, const uint8_t *golden, size_t len)
{
	struct lisp_err err = { "" };
	uint8_t buf[512];
	ssize_t n = lisp_map_referral_encode(m, buf, sizeof(buf), &err);

	ck_assert_msg(n > 0, "%s", err.msg);
	ck_assert_bytes_eq(buf, (size_t)n, golden, len);
	/* One byte short of the message is ENOSPC, never an overflow. */
	ck_assert_int_eq(lisp_map_referral_encode(m, buf, len - 1, &err), -ENOSPC);
}

static void ck_decodes(const uint8_t *golden, size_t len, struct lisp_map_referral *m)
{
	struct lisp_err err = { "" };

	lisp_arena_reset(&arena);
	ck_assert_msg(lisp_map_referral_decode(golden, len, &arena, m, &err) == 0, "%s",
		      err.msg);
}

static void ck_eid(const struct lisp_referral_record *rec, const char *want)
{
	char buf[LISP_ADDR_STR_MAX + 16];
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &p, NULL), 0);
	ck_assert_int_gt(lisp_prefix_format(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
}

static void ck_ref(const struct lisp_locator *l, const char *want, uint8_t prio,
		   uint8_t weight, uint16_t flags)
{
	char buf[LISP_ADDR_STR_MAX];

	ck_assert_int_gt(lisp_addr_format(lisp_waddr_rloc(&l->addr), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(l->priority, prio);
	ck_assert_uint_eq(l->weight, weight);
	ck_assert_uint_eq(l->mpriority, 255);
	ck_assert_uint_eq(l->mweight, 0);
	ck_assert_uint_eq(l->flags, flags);
}

START_TEST(node_referral_golden)
{
	struct lisp_locator refs[2] = { ref("192.0.2.1", 1, 50, LISP_LOC_F_REACH),
					ref("2001:db8::1", 1, 50, LISP_LOC_F_REACH) };
	struct lisp_referral_record rec = { .ttl = 1440, .action = LISP_REF_NODE_REFERRAL,
					    .authoritative = true, .ref_count = 2,
					    .refs = refs };
	struct lisp_map_referral m = { .nonce = 0x0102030405060708ull, .record_count = 1,
				       .records = &rec };
	struct build b = { .used = 0 };

	rec.mask_len = eid_set(&b, &rec.eid, "10.0.0.0/8");
	ck_encodes_to(&m, golden_referral_node, sizeof(golden_referral_node));

	ck_decodes(golden_referral_node, sizeof(golden_referral_node), &m);
	ck_assert_uint_eq(m.nonce, 0x0102030405060708ull);
	ck_assert_uint_eq(m.rsvd, 0);
	ck_assert_uint_eq(m.record_count, 1);
	ck_assert_uint_eq(m.records[0].ttl, 1440);
	ck_assert_uint_eq(m.records[0].action, LISP_REF_NODE_REFERRAL);
	ck_assert(m.records[0].authoritative && !m.records[0].incomplete);
	ck_assert_uint_eq(m.records[0].sig_count, 0);
	ck_assert_uint_eq(m.records[0].map_version, 0);
	ck_eid(&m.records[0], "[0]10.0.0.0/8");
	ck_assert_uint_eq(m.records[0].ref_count, 2);
	ck_ref(&m.records[0].refs[0], "192.0.2.1", 1, 50, LISP_LOC_F_REACH);
	ck_ref(&m.records[0].refs[1], "2001:db8::1", 1, 50, LISP_LOC_F_REACH);
	ck_assert_int_eq(lisp_referral_record_check(&m.records[0], NULL), 0);
}
END_TEST

START_TEST(ms_referral_golden)
{
	struct lisp_locator refs[3] = { ref("192.0.2.11", 1, 100, LISP_LOC_F_REACH),
					ref("192.0.2.12", 1, 100, LISP_LOC_F_REACH),
					ref("2001:db8::13", 2, 100, 0) };
	struct lisp_referral_record rec = { .ttl = 1440, .action = LISP_REF_MS_REFERRAL,
					    .authoritative = true, .ref_count = 3,
					    .refs = refs };
	struct lisp_map_referral m = { .nonce = 0x1112131415161718ull, .record_count = 1,
				       .records = &rec };
	struct build b = { .used = 0 };

	rec.mask_len = eid_set(&b, &rec.eid, "2001:db8:100::/40");
	ck_encodes_to(&m, golden_referral_ms, sizeof(golden_referral_ms));

	ck_decodes(golden_referral_ms, sizeof(golden_referral_ms), &m);
	ck_assert_uint_eq(m.records[0].action, LISP_REF_MS_REFERRAL);
	ck_eid(&m.records[0], "[0]2001:db8:100::/40");
	ck_assert_uint_eq(m.records[0].ref_count, 3);
	ck_ref(&m.records[0].refs[0], "192.0.2.11", 1, 100, LISP_LOC_F_REACH);
	ck_ref(&m.records[0].refs[1], "192.0.2.12", 1, 100, LISP_LOC_F_REACH);
	ck_ref(&m.records[0].refs[2], "2001:db8::13", 2, 100, 0);
	ck_assert_int_eq(lisp_referral_record_check(&m.records[0], NULL), 0);
}
END_TEST

START_TEST(ms_ack_iid_golden)
{
	struct lisp_locator r = ref("192.0.2.21", 1, 100, LISP_LOC_F_REACH);
	struct lisp_referral_record rec = { .ttl = 1440, .action = LISP_REF_MS_ACK,
					    .authoritative = true, .incomplete = true,
					    .map_version = 0x123, .ref_count = 1, .refs = &r };
	struct lisp_map_referral m = { .nonce = 0x2122232425262728ull, .record_count = 1,
				       .records = &rec };
	struct build b = { .used = 0 };

	rec.mask_len = eid_set(&b, &rec.eid, "[1000]10.1.0.0/16");
	ck_encodes_to(&m, golden_referral_ms_ack_iid, sizeof(golden_referral_ms_ack_iid));

	ck_decodes(golden_referral_ms_ack_iid, sizeof(golden_referral_ms_ack_iid), &m);
	ck_assert_uint_eq(m.records[0].action, LISP_REF_MS_ACK);
	ck_assert(m.records[0].authoritative && m.records[0].incomplete);
	ck_assert_uint_eq(m.records[0].map_version, 0x123);
	ck_assert_uint_eq(m.records[0].eid.afi, LISP_AFI_LCAF);
	ck_eid(&m.records[0], "[1000]10.1.0.0/16");
	ck_ref(&m.records[0].refs[0], "192.0.2.21", 1, 100, LISP_LOC_F_REACH);
}
END_TEST

START_TEST(ms_not_registered_golden)
{
	struct lisp_locator r = ref("2001:db8::31", 1, 100, LISP_LOC_F_REACH);
	struct lisp_referral_record rec = { .ttl = 1, .action = LISP_REF_MS_NOT_REGISTERED,
					    .authoritative = true, .incomplete = true,
					    .ref_count = 1, .refs = &r };
	struct lisp_map_referral m = { .nonce = 0x3132333435363738ull, .record_count = 1,
				       .records = &rec };
	struct build b = { .used = 0 };

	rec.mask_len = eid_set(&b, &rec.eid, "[2]2001:db8:2::/48");
	ck_encodes_to(&m, golden_referral_ms_not_registered,
		      sizeof(golden_referral_ms_not_registered));

	ck_decodes(golden_referral_ms_not_registered, sizeof(golden_referral_ms_not_registered),
		   &m);
	ck_assert_uint_eq(m.records[0].ttl, 1);
	ck_assert_uint_eq(m.records[0].action, LISP_REF_MS_NOT_REGISTERED);
	ck_eid(&m.records[0], "[2]2001:db8:2::/48");
	ck_ref(&m.records[0].refs[0], "2001:db8::31", 1, 100, LISP_LOC_F_REACH);
}
END_TEST

START_TEST(hole_and_not_authoritative_golden)
{
	struct lisp_referral_record recs[2] = {
		{ .ttl = 15, .action = LISP_REF_DELEGATION_HOLE, .authoritative = true },
		{ .ttl = 0, .action = LISP_REF_NOT_AUTHORITATIVE, .incomplete = true },
	};
	struct lisp_map_referral m = { .nonce = 0x4142434445464748ull, .record_count = 2,
				       .records = recs };
	struct build b = { .used = 0 };

	recs[0].mask_len = eid_set(&b, &recs[0].eid, "10.64.0.0/10");
	recs[1].mask_len = eid_set(&b, &recs[1].eid, "203.0.113.7/32");
	ck_encodes_to(&m, golden_referral_hole_not_auth, sizeof(golden_referral_hole_not_auth));

	ck_decodes(golden_referral_hole_not_auth, sizeof(golden_referral_hole_not_auth), &m);
	ck_assert_uint_eq(m.record_count, 2);
	ck_assert_uint_eq(m.records[0].ttl, 15);
	ck_assert_uint_eq(m.records[0].action, LISP_REF_DELEGATION_HOLE);
	ck_assert(m.records[0].authoritative && !m.records[0].incomplete);
	ck_assert_uint_eq(m.records[0].ref_count, 0);
	ck_assert_ptr_null(m.records[0].refs);
	ck_eid(&m.records[0], "[0]10.64.0.0/10");
	ck_assert_uint_eq(m.records[1].ttl, 0);
	ck_assert_uint_eq(m.records[1].action, LISP_REF_NOT_AUTHORITATIVE);
	ck_assert(!m.records[1].authoritative && m.records[1].incomplete);
	ck_eid(&m.records[1], "[0]203.0.113.7/32");
	ck_assert_int_eq(lisp_referral_record_check(&m.records[0], NULL), 0);
	ck_assert_int_eq(lisp_referral_record_check(&m.records[1], NULL), 0);
}
END_TEST

START_TEST(sig_section_golden)
{
	static const uint8_t sig[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8 };
	struct lisp_referral_sig s = { .orig_ttl = 1440, .expiration = 0x5f5e1000,
				       .inception = 0x5f000000, .key_tag = 0xbeef,
				       .algorithm = 1, .sig_len = 8, .sig = sig };
	struct lisp_locator r = ref("192.0.2.1", 1, 50, LISP_LOC_F_REACH);
	struct lisp_referral_record rec = { .ttl = 1440, .action = LISP_REF_NODE_REFERRAL,
					    .authoritative = true, .ref_count = 1, .refs = &r,
					    .sig_count = 1, .sigs = &s };
	struct lisp_map_referral m = { .nonce = 0x5152535455565758ull, .record_count = 1,
				       .records = &rec };
	const struct lisp_referral_sig *d;
	struct build b = { .used = 0 };

	rec.mask_len = eid_set(&b, &rec.eid, "10.0.0.0/8");
	ck_encodes_to(&m, golden_referral_sig, sizeof(golden_referral_sig));

	ck_decodes(golden_referral_sig, sizeof(golden_referral_sig), &m);
	ck_assert_uint_eq(m.records[0].sig_count, 1);
	d = &m.records[0].sigs[0];
	ck_assert_uint_eq(d->orig_ttl, 1440);
	ck_assert_uint_eq(d->expiration, 0x5f5e1000);
	ck_assert_uint_eq(d->inception, 0x5f000000);
	ck_assert_uint_eq(d->key_tag, 0xbeef);
	ck_assert_uint_eq(d->algorithm, 1);
	ck_assert_bytes_eq(d->sig, d->sig_len, sig, sizeof(sig));
}
END_TEST

static const struct {
	const uint8_t *bytes;
	size_t len;
} goldens[] = {
	{ golden_referral_node, sizeof(golden_referral_node) },
	{ golden_referral_ms, sizeof(golden_referral_ms) },
	{ golden_referral_ms_ack_iid, sizeof(golden_referral_ms_ack_iid) },
	{ golden_referral_ms_not_registered, sizeof(golden_referral_ms_not_registered) },
	{ golden_referral_hole_not_auth, sizeof(golden_referral_hole_not_auth) },
	{ golden_referral_sig, sizeof(golden_referral_sig) },
};
#define NGOLDEN (sizeof(goldens) / sizeof(goldens[0]))

/* decode, encode: the same bytes; through lisp_ctrl_decode as a daemon does. */
START_TEST(every_golden_round_trips)
{
	for (size_t i = 0; i < NGOLDEN; i++) {
		struct lisp_ctrl_msg m;
		struct lisp_err err = { "" };
		uint8_t buf[512];
		ssize_t n;

		lisp_arena_reset(&arena);
		ck_assert_msg(lisp_ctrl_decode(goldens[i].bytes, goldens[i].len, &arena, &m,
					       &err) == 0, "golden %zu: %s", i, err.msg);
		ck_assert_uint_eq(m.type, LISP_MAP_REFERRAL);
		n = lisp_map_referral_encode(&m.referral, buf, sizeof(buf), &err);
		ck_assert_msg(n > 0, "golden %zu: %s", i, err.msg);
		ck_assert_bytes_eq(buf, (size_t)n, goldens[i].bytes, goldens[i].len);
	}
	ck_assert_str_eq(lisp_msg_type_name(LISP_MAP_REFERRAL), "Map-Referral");
}
END_TEST

/* Each prefix of each golden, in a heap copy of exactly that length (ASan
 * sees any read past it), is refused with a reason. */
START_TEST(every_truncation_refused)
{
	for (size_t i = 0; i < NGOLDEN; i++)
		for (size_t n = 0; n < goldens[i].len; n++) {
			uint8_t *copy = exact_copy(goldens[i].bytes, n);
			struct lisp_ctrl_msg m;
			struct lisp_err err = { "" };

			lisp_arena_reset(&arena);
			ck_assert_msg(lisp_ctrl_decode(copy, n, &arena, &m, &err) < 0,
				      "golden %zu cut to %zu of %zu bytes decoded", i, n,
				      goldens[i].len);
			ck_assert(err.msg[0] != '\0');
			free(copy);
		}
}
END_TEST

/* golden with byte at changed to v decodes to rc with reason in err. */
static void ck_refused(const uint8_t *golden, size_t len, size_t at, uint8_t v, int rc,
		       const char *reason)
{
	uint8_t buf[512];
	struct lisp_map_referral m;
	struct lisp_err err = { "" };

	memcpy(buf, golden, len);
	buf[at] = v;
	lisp_arena_reset(&arena);
	ck_assert_int_eq(lisp_map_referral_decode(buf, len, &arena, &m, &err), rc);
	ck_assert_msg(strstr(err.msg, reason), "'%s' does not say '%s'", err.msg, reason);
}

START_TEST(bad_counts_refused)
{
	const uint8_t *g = golden_referral_node;
	size_t n = sizeof(golden_referral_node);

	/* Record count: 2 where one record is there, 255 where 52 bytes are. */
	ck_refused(g, n, 3, 2, -EBADMSG, "record 2: record header needs 10 bytes, 0 left");
	ck_refused(g, n, 3, 255, -EBADMSG, "record count 255 exceeds remaining 52 bytes");
	/* Referral count: 3 where two locators are, 200 past the bytes. */
	ck_refused(g, n, 16, 3, -EBADMSG, "record 1: referral 3: locator header truncated");
	ck_refused(g, n, 16, 200, -EBADMSG,
		   "record 1: referral count 200 exceeds remaining 36 bytes");
	/* Referral count 1 leaves the second locator as trailing bytes. */
	ck_refused(g, n, 16, 1, -EBADMSG, "Map-Referral has 24 trailing bytes");
	/* SigCnt 1 with no Sig section; SigCnt 15 past the bytes. */
	ck_refused(golden_referral_hole_not_auth, sizeof(golden_referral_hole_not_auth), 36,
		   0x10, -EBADMSG, "record 2: SigCnt 1 exceeds remaining 0 bytes");
	ck_refused(golden_referral_sig, sizeof(golden_referral_sig), 20, 0xf0, -EBADMSG,
		   "record 1: SigCnt 15 exceeds remaining 28 bytes");
	/* Sig Length 9 where 8 bytes of signature are. */
	ck_refused(golden_referral_sig, sizeof(golden_referral_sig), 55, 9, -EBADMSG,
		   "record 1: Sig section 1: Sig Length 9 exceeds remaining 8 bytes");
	/* An LCAF length past the EID. */
	ck_refused(golden_referral_ms_ack_iid, sizeof(golden_referral_ms_ack_iid), 29, 0x40,
		   -EBADMSG, "record 1: EID:");
}
END_TEST

START_TEST(bad_fields_refused)
{
	const uint8_t *g = golden_referral_node;
	size_t n = sizeof(golden_referral_node);

	/* Not a Map-Referral. */
	ck_refused(g, n, 0, 0x20, -EPROTO, "type 2 is not a Map-Referral");
	/* ACT 6 and 7 are not RFC 8111 actions. */
	ck_refused(g, n, 18, 0xd0, -EBADMSG, "record 1: action 6 is not a Map-Referral action");
	ck_refused(g, n, 18, 0xf0, -EBADMSG, "record 1: action 7 is not a Map-Referral action");
	/* An IPv4 EID-prefix of /33. */
	ck_refused(g, n, 17, 33, -EBADMSG, "mask-len 33 exceeds 32");
	/* EID-AFI 0: a referral about no EID. */
	ck_refused(golden_referral_hole_not_auth, sizeof(golden_referral_hole_not_auth), 23, 0,
		   -EBADMSG, "record 1: EID-prefix with AFI 0");
	/* An AFI nothing knows the length of. */
	ck_refused(g, n, 23, 99, -EAFNOSUPPORT, "record 1: EID: unsupported AFI 99");
}
END_TEST

/* Reserved bits have no effect (RFC 9301's rule) and are written as 0. */
START_TEST(reserved_bits_ignored_and_zeroed)
{
	uint8_t buf[sizeof(golden_referral_node)], out[512];
	struct lisp_map_referral m;
	struct lisp_err err = { "" };
	ssize_t n;

	memcpy(buf, golden_referral_node, sizeof(buf));
	buf[0] |= 0x0f, buf[1] = 0xff, buf[2] = 0xff;	/* 20 header bits */
	buf[18] |= 0x07, buf[19] = 0xff;	/* 11 record bits */
	ck_decodes(buf, sizeof(buf), &m);
	ck_assert_uint_eq(m.rsvd, 0xfffff);
	ck_assert_uint_eq(m.records[0].rsvd, 0x7ff);
	ck_assert_uint_eq(m.records[0].action, LISP_REF_NODE_REFERRAL);
	ck_assert(m.records[0].authoritative && !m.records[0].incomplete);
	ck_assert_uint_eq(m.records[0].ref_count, 2);
	n = lisp_map_referral_encode(&m, out, sizeof(out), &err);
	ck_assert_bytes_eq(out, (size_t)n, golden_referral_node, sizeof(golden_referral_node));
}
END_TEST

START_TEST(arena_exhaustion_reported)
{
	uint8_t small[64];
	struct lisp_arena a;
	struct lisp_map_referral m;
	struct lisp_err err = { "" };

	lisp_arena_init(&a, small, sizeof(small));
	ck_assert_int_eq(lisp_map_referral_decode(golden_referral_ms, sizeof(golden_referral_ms),
						  &a, &m, &err), -ENOMEM);
	ck_assert_ptr_nonnull(strstr(err.msg, "decode arena exhausted"));
}
END_TEST

START_TEST(encoder_refuses_what_cannot_be_sent)
{
	struct lisp_referral_record rec = { .ttl = 15, .action = 6 };
	struct lisp_map_referral m = { .record_count = 1, .records = &rec };
	struct lisp_err err = { "" };
	struct build b = { .used = 0 };
	uint8_t buf[128];

	rec.mask_len = eid_set(&b, &rec.eid, "10.0.0.0/8");
	ck_assert_int_eq(lisp_map_referral_encode(&m, buf, sizeof(buf), &err), -EINVAL);
	ck_assert_str_eq(err.msg, "record 1: action 6 is not a Map-Referral action");
	rec.action = LISP_REF_DELEGATION_HOLE;
	rec.sig_count = 16;
	ck_assert_int_eq(lisp_map_referral_encode(&m, buf, sizeof(buf), &err), -EINVAL);
	ck_assert_str_eq(err.msg, "record 1: SigCnt 16 does not fit 4 bits");
	rec.sig_count = 0;
	rec.map_version = 0x1000;
	ck_assert_int_eq(lisp_map_referral_encode(&m, buf, sizeof(buf), &err), -EINVAL);
	rec.map_version = 0;
	rec.mask_len = 33;
	ck_assert_int_eq(lisp_map_referral_encode(&m, buf, sizeof(buf), &err), -EBADMSG);
	memset(&rec.eid, 0, sizeof(rec.eid));
	ck_assert_int_eq(lisp_map_referral_encode(&m, buf, sizeof(buf), &err), -EINVAL);
	ck_assert_str_eq(err.msg, "record 1: EID-prefix with AFI 0");
}
END_TEST

/* RFC 8111, section 6: the table of Incomplete, referral set and TTL. */
START_TEST(rfc8111_table_checked)
{
	struct lisp_locator r = ref("192.0.2.1", 1, 50, LISP_LOC_F_REACH);
	struct lisp_referral_record rec = { .ttl = 1440, .ref_count = 1, .refs = &r };
	struct lisp_err err = { "" };

	for (uint8_t act = LISP_REF_NODE_REFERRAL; act <= LISP_REF_MS_REFERRAL; act++) {
		rec.action = act;
		rec.ref_count = 1, rec.incomplete = false;
		ck_assert_int_eq(lisp_referral_record_check(&rec, &err), 0);
		rec.ref_count = 0;
		ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
		ck_assert_ptr_nonnull(strstr(err.msg, "with an empty referral set"));
		rec.ref_count = 1, rec.incomplete = true;
		ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
		ck_assert_ptr_nonnull(strstr(err.msg, "with the Incomplete bit"));
	}
	/* MS-ACK, MS-NOT-REGISTERED: either way for both. */
	for (uint8_t act = LISP_REF_MS_ACK; act <= LISP_REF_MS_NOT_REGISTERED; act++)
		for (int i = 0; i < 4; i++) {
			rec.action = act;
			rec.ref_count = i & 1, rec.incomplete = i & 2;
			ck_assert_int_eq(lisp_referral_record_check(&rec, &err), 0);
		}
	rec.action = LISP_REF_DELEGATION_HOLE;
	rec.ref_count = 1, rec.incomplete = false;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
	ck_assert_str_eq(err.msg, "delegation-hole with a referral set of 1");
	rec.ref_count = 0, rec.incomplete = true;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
	rec.action = LISP_REF_NOT_AUTHORITATIVE;
	rec.ttl = 0;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), 0);
	rec.incomplete = false;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
	ck_assert_str_eq(err.msg, "not-authoritative without the Incomplete bit");
	rec.incomplete = true, rec.ttl = 1;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
	ck_assert_str_eq(err.msg, "not-authoritative with TTL 1, must be 0");
	rec.ttl = 0, rec.ref_count = 1;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);
	rec.action = 7;
	ck_assert_int_eq(lisp_referral_record_check(&rec, &err), -EPROTO);

	ck_assert_uint_eq(lisp_referral_default_ttl(LISP_REF_NODE_REFERRAL), 1440);
	ck_assert_uint_eq(lisp_referral_default_ttl(LISP_REF_MS_REFERRAL), 1440);
	ck_assert_uint_eq(lisp_referral_default_ttl(LISP_REF_MS_ACK), 1440);
	ck_assert_uint_eq(lisp_referral_default_ttl(LISP_REF_MS_NOT_REGISTERED), 1);
	ck_assert_uint_eq(lisp_referral_default_ttl(LISP_REF_DELEGATION_HOLE), 15);
	ck_assert_uint_eq(lisp_referral_default_ttl(LISP_REF_NOT_AUTHORITATIVE), 0);
	ck_assert_str_eq(lisp_referral_action_name(LISP_REF_MS_NOT_REGISTERED),
			 "ms-not-registered");
	ck_assert_str_eq(lisp_referral_action_name(6), "unassigned");
}
END_TEST

static Suite *referral_suite(void)
{
	Suite *s = suite_create("msg_referral");
	TCase *tc = tcase_create("rfc8111");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, node_referral_golden);
	tcase_add_test(tc, ms_referral_golden);
	tcase_add_test(tc, ms_ack_iid_golden);
	tcase_add_test(tc, ms_not_registered_golden);
	tcase_add_test(tc, hole_and_not_authoritative_golden);
	tcase_add_test(tc, sig_section_golden);
	tcase_add_test(tc, every_golden_round_trips);
	tcase_add_test(tc, every_truncation_refused);
	tcase_add_test(tc, bad_counts_refused);
	tcase_add_test(tc, bad_fields_refused);
	tcase_add_test(tc, reserved_bits_ignored_and_zeroed);
	tcase_add_test(tc, arena_exhaustion_reported);
	tcase_add_test(tc, encoder_refuses_what_cannot_be_sent);
	tcase_add_test(tc, rfc8111_table_checked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(referral_suite());
}
