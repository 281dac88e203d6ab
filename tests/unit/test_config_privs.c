/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The privileges section (config_privs.c, docs/config.md): its defaults
 * (user lispgw, the account's login group, seccomp on), every value read,
 * printed and loaded back equal, a change seen by cp_config_equal (what a
 * reload compares), and the refusals of tests/config/bad-privileges*.yaml
 * (also checked line by line by unit-config's bad files).
 */
#include <errno.h>

#include "check_util.h"
#include "config_load.h"

static struct cp_config *load_text(const char *text)
{
	char path[256];
	struct cp_config *c;

	tmp_write(text, path, sizeof(path));
	c = load_ok(path);
	unlink(path);
	return c;
}

static int load_fails(const char *text, const char *needle)
{
	struct cfg_errors errs;
	struct cp_config *c = NULL;
	char path[256], line[512];
	int rc, found = 0;

	tmp_write(text, path, sizeof(path));
	cfg_errors_init(&errs);
	rc = cp_config_load(path, &c, &errs);
	for (size_t i = 0; i < errs.count; i++) {
		cfg_error_format(&errs, i, line, sizeof(line));
		found |= strstr(line, needle) != NULL;
	}
	cfg_errors_free(&errs);
	unlink(path);
	ck_assert_int_eq(rc, -EINVAL);
	return found;
}

#define BASE "roles: [map-server]\nlisten: {addresses: [127.0.0.1]}\n" \
	     "map-server: {sites: [{name: a, key: k, eid-prefixes: [\"[1]10.0.0.0/8\"]}]}\n"

START_TEST(test_defaults)
{
	struct cp_config *c = load_text(BASE);

	ck_assert_str_eq(c->privs.user, "lispgw");
	ck_assert_ptr_null(c->privs.group);
	ck_assert_int_eq(c->privs.seccomp, CP_SECCOMP_ON);
	cp_config_free(c);
}
END_TEST

START_TEST(test_values_roundtrip)
{
	static const char *const modes[] = { "off", "on", "log" };
	static const enum cp_seccomp_mode want[] = { CP_SECCOMP_OFF, CP_SECCOMP_ON,
						     CP_SECCOMP_LOG };

	for (size_t i = 0; i < 3; i++) {
		char text[512];
		struct cp_config *c, *d;
		char *printed;

		snprintf(text, sizeof(text), BASE "privileges: {user: _lgw-1, group: nogroup, "
						  "seccomp: %s}\n", modes[i]);
		c = load_text(text);
		ck_assert_str_eq(c->privs.user, "_lgw-1");
		ck_assert_str_eq(c->privs.group, "nogroup");
		ck_assert_int_eq(c->privs.seccomp, want[i]);
		printed = print_to_string(c);
		ck_assert_ptr_nonnull(strstr(printed, "privileges:\n"));
		d = load_text(printed);
		ck_assert(cp_config_equal(c, d));
		d->privs.seccomp = (want[i] + 1) % 3;	/* a reload sees the change */
		ck_assert(!cp_config_equal(c, d));
		free(printed);
		cp_config_free(c);
		cp_config_free(d);
	}
}
END_TEST

START_TEST(test_refused)
{
	ck_assert(load_fails(BASE "privileges: {user: \"\"}\n",
			     "privileges.user: '' is not an account name"));
	ck_assert(load_fails(BASE "privileges: {user: 0}\n",
			     "privileges.user: '0' is not an account name"));
	ck_assert(load_fails(BASE "privileges: {user: Lispgw}\n", "is not an account name"));
	ck_assert(load_fails(BASE "privileges: {user: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n",
			     "at most 32 characters"));
	ck_assert(load_fails(BASE "privileges: {group: \"a b\"}\n",
			     "privileges.group: 'a b' is not an account name"));
	ck_assert(load_fails(BASE "privileges: {seccomp: yes}\n", "privileges.seccomp"));
	ck_assert(load_fails(BASE "privileges: {umask: 0}\n", "umask"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_privs");
	TCase *tc = tcase_create("privileges");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values_roundtrip);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
