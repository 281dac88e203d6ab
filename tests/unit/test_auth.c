/* SPDX-License-Identifier: BSD-3-Clause */
/* Map-Register authentication beyond the golden vectors in test_msg.c:
 * wrong keys, altered bytes, the RFC's truncated lengths, bad parameters. */
#include <errno.h>

#include "check_util.h"
#include "golden_msgs.h"
#include "lisp_auth.h"
#include "lisp_msg.h"

static const char key[] = "lispgw-secret";

START_TEST(wrong_key_and_tamper_rejected)
{
	uint8_t m[sizeof(golden_map_register_sha1)];
	struct lisp_err err;

	memcpy(m, golden_map_register_sha1, sizeof(m));
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), "lispgw-secreT", 13, &err), -EACCES);
	ck_assert_str_eq(err.msg, "hmac-sha1-96 authentication data does not match");
	/* Any flipped bit anywhere outside the auth field breaks it. */
	for (size_t i = 0; i < sizeof(m); i++) {
		if (i >= LISP_AUTH_DATA_OFFSET && i < LISP_AUTH_DATA_OFFSET + 20)
			continue;
		if (i == 13 || i == 14 || i == 15)
			continue;	/* algorithm/length: rejected differently */
		m[i] ^= 0x01;
		ck_assert_msg(lisp_auth_verify(m, sizeof(m), key, strlen(key), NULL) == -EACCES,
			      "flip at %zu verified", i);
		m[i] ^= 0x01;
	}
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), key, strlen(key), NULL), 0);
}
END_TEST

/* An RFC-truncated HMAC-SHA-1-96 (12 bytes) from a strict peer verifies. */
START_TEST(truncated_length_accepted)
{
	uint8_t m[sizeof(golden_map_register_unsigned) - 8];
	const size_t body = LISP_AUTH_DATA_OFFSET + 20;

	memcpy(m, golden_map_register_unsigned, LISP_AUTH_DATA_OFFSET);
	m[15] = 12;
	memset(m + LISP_AUTH_DATA_OFFSET, 0, 12);
	memcpy(m + LISP_AUTH_DATA_OFFSET + 12, golden_map_register_unsigned + body,
	       sizeof(golden_map_register_unsigned) - body);
	ck_assert_int_eq(lisp_auth_sign(m, sizeof(m), key, strlen(key), NULL), 0);
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), key, strlen(key), NULL), 0);
	m[LISP_AUTH_DATA_OFFSET + 11] ^= 0x80;
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), key, strlen(key), NULL), -EACCES);
}
END_TEST

START_TEST(bad_parameters)
{
	uint8_t m[sizeof(golden_map_register_sha1)];
	struct lisp_err err;

	memcpy(m, golden_map_register_sha1, sizeof(m));
	m[13] = 7;
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), key, strlen(key), &err), -EINVAL);
	ck_assert_str_eq(err.msg, "authentication algorithm 7 is not supported");
	m[13] = LISP_AUTH_HMAC_SHA1_96;
	m[15] = 11;
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), key, strlen(key), &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "length 11 is wrong"));
	ck_assert_int_eq(lisp_auth_verify(golden_map_request, sizeof(golden_map_request), key,
					  strlen(key), &err), -EINVAL);
	ck_assert_int_eq(lisp_auth_verify(m, 10, key, strlen(key), &err), -EINVAL);
	/* NONE is not a way around authentication. */
	memcpy(m, golden_map_register_sha1, sizeof(m));
	m[13] = LISP_AUTH_NONE;
	ck_assert_int_eq(lisp_auth_verify(m, sizeof(m), key, strlen(key), NULL), -EINVAL);
}
END_TEST

/* Only the lengths an algorithm defines: the RFC's truncated one or the
 * full digest (docs/wire.md); anything between is refused before any HMAC
 * is computed. */
START_TEST(only_defined_lengths)
{
	static const struct {
		const uint8_t *golden;
		size_t len;
		uint8_t bad[2];
	} cases[] = {
		{ golden_map_register_sha1, sizeof(golden_map_register_sha1), { 13, 16 } },
		{ golden_map_register_sha256, sizeof(golden_map_register_sha256), { 20, 24 } },
	};
	uint8_t m[512];
	struct lisp_err err;

	for (size_t i = 0; i < 2; i++) {
		memcpy(m, cases[i].golden, cases[i].len);
		ck_assert_int_eq(lisp_auth_verify(m, cases[i].len, key, strlen(key), NULL), 0);
		for (size_t j = 0; j < 2; j++) {
			char want[64];

			memcpy(m, cases[i].golden, cases[i].len);
			m[15] = cases[i].bad[j];
			ck_assert_int_eq(lisp_auth_verify(m, cases[i].len, key, strlen(key), &err),
					 -EINVAL);
			snprintf(want, sizeof(want), "length %u is wrong", cases[i].bad[j]);
			ck_assert_msg(strstr(err.msg, want), "case %zu/%zu: %s", i, j, err.msg);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("auth");
	TCase *tc = tcase_create("hmac");

	tcase_add_test(tc, wrong_key_and_tamper_rejected);
	tcase_add_test(tc, truncated_length_accepted);
	tcase_add_test(tc, bad_parameters);
	tcase_add_test(tc, only_defined_lengths);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
