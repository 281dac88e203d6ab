/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LISP-SEC keys and modes (config_lispsec.c): tests/config
 * good-lisp-sec.yaml loads with every key where it was written (hex in
 * either case, none), defaults are off and unset, the print loads back
 * equal, and a changed key is a changed configuration (a reload applies
 * it).  The refusals are tests/config bad-lisp-sec*.yaml (test_config.c).
 */
#include <unistd.h>

#include "config_fixture.h"

START_TEST(keys_and_modes_load)
{
	static const uint8_t k1[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	struct cp_config *c = load_rel("tests/config/good-lisp-sec.yaml");

	ck_assert_int_eq(c->itr.lisp_sec, CP_ITR_LISP_SEC_REQUIRED);
	ck_assert(c->itr.lisp_sec_key.set && !c->itr.lisp_sec_key.aes);
	ck_assert(c->mr.lisp_sec_key.set && c->mr.lisp_sec_key.aes);
	ck_assert_uint_eq(c->mr.lisp_sec_key.key[0], 0xf0);
	ck_assert_uint_eq(c->mr.lisp_sec_key.key[15], 0x00);
	ck_assert_int_eq(c->ms.sites[0].lisp_sec, CP_SITE_LISP_SEC_ETR);
	ck_assert_bytes_eq(c->ms.sites[0].lisp_sec_key.key, 16, k1, 16);
	ck_assert_int_eq(c->ms.sites[1].lisp_sec, CP_SITE_LISP_SEC_PROXY);
	ck_assert(!c->ms.sites[1].lisp_sec_key.set);
	/* Upper-case hex is the same key. */
	ck_assert(c->etr.map_servers[0].lisp_sec_key.aes);
	ck_assert_bytes_eq(c->etr.map_servers[0].lisp_sec_key.key, 16, k1, 16);
	cp_config_free(c);
}
END_TEST

START_TEST(defaults_are_off)
{
	struct cp_config *c = load_rel("tests/config/good-defaults.yaml");

	ck_assert_int_eq(c->itr.lisp_sec, CP_ITR_LISP_SEC_OFF);
	ck_assert(!c->itr.lisp_sec_key.set && !c->mr.lisp_sec_key.set);
	for (size_t i = 0; i < c->ms.site_count; i++)
		ck_assert_int_eq(c->ms.sites[i].lisp_sec, CP_SITE_LISP_SEC_OFF);
	cp_config_free(c);
}
END_TEST

START_TEST(roundtrip_and_change)
{
	struct cp_config *a = load_rel("tests/config/good-lisp-sec.yaml"), *b;
	char *t1 = print_to_string(a), tmp[4096];

	ck_assert_ptr_nonnull(strstr(t1, "lisp-sec: required\n"));
	ck_assert_ptr_nonnull(strstr(t1, "lisp-sec-key: \"none\"\n"));
	ck_assert_ptr_nonnull(strstr(t1, "lisp-sec-key: \"000102030405060708090a0b0c0d0e0f\"\n"));
	tmp_write(t1, tmp, sizeof(tmp));
	b = load_ok(tmp);
	unlink(tmp);
	ck_assert(cp_config_equal(a, b));
	b->mr.lisp_sec_key.key[3] ^= 1;
	ck_assert(!cp_config_equal(a, b));
	b->mr.lisp_sec_key.key[3] ^= 1;
	b->ms.sites[1].lisp_sec = CP_SITE_LISP_SEC_OFF;
	ck_assert(!cp_config_equal(a, b));
	b->ms.sites[1].lisp_sec = CP_SITE_LISP_SEC_PROXY;
	b->itr.lisp_sec = CP_ITR_LISP_SEC_OPTIONAL;
	ck_assert(!cp_config_equal(a, b));
	free(t1);
	cp_config_free(a);
	cp_config_free(b);
}
END_TEST

/* Also in test_config.c's sweep of every bad file: here with the keys. */
START_TEST(bad_files)
{
	char names[4][NAMES_MAX];

	ck_assert_uint_eq(list_yaml("tests/config", "bad-lisp-sec", names, 4), 2);
	check_bad(names[0]);
	check_bad(names[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_lispsec");
	TCase *tc = tcase_create("config_lispsec");

	tcase_add_test(tc, keys_and_modes_load);
	tcase_add_test(tc, defaults_are_off);
	tcase_add_test(tc, roundtrip_and_change);
	tcase_add_test(tc, bad_files);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
