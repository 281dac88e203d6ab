/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Properties over the whole sample catalogue (tests/lib/samples.c), every
 * message kind we encode:
 *  - decode(encode(x)) succeeds and re-encodes to the same bytes;
 *  - every strict prefix of every message is refused, and a decoder given
 *    an exact-size heap copy never reads past it (ASan build);
 *  - a single flipped byte never crashes a decoder (whatever it returns).
 */
#include <errno.h>

#include "check_util.h"
#include "dp_hdr.h"
#include "lisp_msg.h"
#include "samples.h"

#define SAMPLES_MAX 256

static struct sample_msg samples[SAMPLES_MAX];
static size_t nsamples;
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;

static void setup(void)
{
	if (!nsamples)
		nsamples = samples_build(samples, SAMPLES_MAX);
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
}

/* Re-encodes a decoded control message; returns the length. */
static ssize_t reencode(const struct lisp_ctrl_msg *m, uint8_t *buf, size_t cap,
			struct lisp_err *err)
{
	switch (m->type) {
	case LISP_MAP_REQUEST:
		return lisp_map_request_encode(&m->request, buf, cap, err);
	case LISP_MAP_REPLY:
		return lisp_map_reply_encode(&m->reply, buf, cap, err);
	case LISP_ECM:
		return lisp_ecm_encode(&m->ecm, buf, cap, err);
	case LISP_MAP_REFERRAL:
		return lisp_map_referral_encode(&m->referral, buf, cap, err);
	default: {
		/* Carry the received authentication data over unchanged. */
		ssize_t n = lisp_map_register_encode(&m->reg, buf, cap, err);

		if (n > 0)
			memcpy(buf + m->reg.auth_offset, m->reg.auth, m->reg.auth_len);
		return n;
	}
	}
}

/* Decodes a data sample's 8-byte header by kind. */
static int dp_decode(const struct sample_msg *s, const uint8_t *p, size_t len)
{
	struct lisp_data_hdr l;
	struct vxlan_hdr v;
	struct vxlan_gpe_hdr g;

	switch (s->kind) {
	case SAMPLE_LISP_DATA:
		return lisp_data_hdr_decode(p, len, &l);
	case SAMPLE_VXLAN:
		return vxlan_hdr_decode(p, len, &v);
	default:
		return vxlan_gpe_hdr_decode(p, len, &g);
	}
}

START_TEST(catalogue_covers_every_kind)
{
	unsigned int seen[16] = { 0 }, kinds[4] = { 0 };

	ck_assert_uint_gt(nsamples, 30);
	for (size_t i = 0; i < nsamples; i++) {
		kinds[samples[i].kind]++;
		if (samples[i].kind == SAMPLE_CTRL)
			seen[samples[i].bytes[0] >> 4]++;
	}
	for (int k = 0; k < 4; k++)
		ck_assert_msg(kinds[k] > 0, "no sample of kind %d", k);
	ck_assert(seen[LISP_MAP_REQUEST] && seen[LISP_MAP_REPLY] && seen[LISP_MAP_REGISTER] &&
		  seen[LISP_MAP_NOTIFY] && seen[LISP_MAP_NOTIFY_ACK] && seen[LISP_ECM] &&
		  seen[LISP_MAP_REFERRAL]);
}
END_TEST

START_TEST(control_roundtrip)
{
	for (size_t i = 0; i < nsamples; i++) {
		const struct sample_msg *s = &samples[i];
		struct lisp_ctrl_msg m;
		struct lisp_err err;
		uint8_t buf[SAMPLE_BYTES_MAX];
		ssize_t n;

		if (s->kind != SAMPLE_CTRL)
			continue;
		lisp_arena_reset(&arena);
		ck_assert_msg(lisp_ctrl_decode(s->bytes, s->len, &arena, &m, &err) == 0, "%s: %s",
			      s->name, err.msg);
		n = reencode(&m, buf, sizeof(buf), &err);
		ck_assert_msg(n > 0, "%s: %s", s->name, err.msg);
		ck_assert_msg((size_t)n == s->len && memcmp(buf, s->bytes, s->len) == 0,
			      "%s: re-encoding differs", s->name);
	}
}
END_TEST

START_TEST(every_truncation_refused)
{
	for (size_t i = 0; i < nsamples; i++) {
		const struct sample_msg *s = &samples[i];
		/* Data samples: only the 8-byte header is ours to refuse. */
		size_t upto = s->kind == SAMPLE_CTRL ? s->len : 8;

		for (size_t n = 0; n < upto; n++) {
			uint8_t *copy = exact_copy(s->bytes, n);
			struct lisp_ctrl_msg m;
			int rc;

			lisp_arena_reset(&arena);
			rc = s->kind == SAMPLE_CTRL ? lisp_ctrl_decode(copy, n, &arena, &m, NULL)
						    : dp_decode(s, copy, n);
			ck_assert_msg(rc != 0, "%s truncated to %zu of %zu decoded", s->name, n,
				      s->len);
			free(copy);
		}
	}
}
END_TEST

START_TEST(byte_flips_never_crash)
{
	for (size_t i = 0; i < nsamples; i++) {
		const struct sample_msg *s = &samples[i];

		if (s->kind != SAMPLE_CTRL)
			continue;
		for (size_t off = 0; off < s->len; off++) {
			uint8_t *copy = exact_copy(s->bytes, s->len);
			struct lisp_ctrl_msg m;

			copy[off] ^= 0xff;
			lisp_arena_reset(&arena);
			(void)lisp_ctrl_decode(copy, s->len, &arena, &m, NULL);
			free(copy);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("samples");
	TCase *tc = tcase_create("catalogue");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, catalogue_covers_every_kind);
	tcase_add_test(tc, control_roundtrip);
	tcase_add_test(tc, every_truncation_refused);
	tcase_add_test(tc, byte_flips_never_crash);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
