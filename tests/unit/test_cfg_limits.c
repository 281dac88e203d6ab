/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The limits a YAML configuration passes before libyaml builds its tree
 * (common/config/cfg_limits.c): nesting depth, the count of values,
 * anchors and aliases, each refused with its line and key path, through
 * cfg_doc_limits() and through a whole lispgw-cp load.  The hostile files
 * are generated here: a 100,000-level document is 200 KB.
 */
#include <errno.h>
#include <unistd.h>

#include "check_util.h"
#include "clock_util.h"
#include "cfg_file.h"
#include "config.h"

/* "k: " + levels of "[" ... "]", one line. */
static char *flow_nested(unsigned int levels)
{
	char *s = malloc(2 * (size_t)levels + 8);

	ck_assert_ptr_nonnull(s);
	strcpy(s, "k: ");
	memset(s + 3, '[', levels);
	memset(s + 3 + levels, ']', levels);
	strcpy(s + 3 + 2 * (size_t)levels, "\n");
	return s;
}

/* levels of block mappings "a0:", "  a1:", ... ending in a scalar. */
static char *block_nested(unsigned int levels)
{
	size_t cap = (size_t)levels * (levels + 16) + 64, len = 0;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	for (unsigned int i = 0; i < levels; i++)
		len += (size_t)snprintf(s + len, cap - len, "%*sa%u:\n", (int)i * 2, "", i);
	snprintf(s + len, cap - len, "%*sv\n", (int)levels * 2, "");
	return s;
}

static int limits(const char *text, struct cfg_errors *errs)
{
	cfg_errors_init(errs);
	return cfg_doc_limits(text, strlen(text), errs);
}

/* The root is a mapping: CFG_DEPTH_MAX collections pass, one more is
 * refused where it opens, with the path down to it. */
START_TEST(test_depth_boundary)
{
	struct cfg_errors errs;
	char *ok = block_nested(CFG_DEPTH_MAX), *deep = block_nested(CFG_DEPTH_MAX + 1);

	ck_assert_int_eq(limits(ok, &errs), 0);
	ck_assert_uint_eq(errs.count, 0);
	cfg_errors_free(&errs);
	ck_assert_int_eq(limits(deep, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_uint_eq(errs.v[0].line, CFG_DEPTH_MAX + 1);
	ck_assert_str_eq(errs.v[0].msg, "nested deeper than 32 levels");
	ck_assert_int_eq(strncmp(errs.v[0].path, "a0.a1.a2.", 9), 0);
	ck_assert_ptr_nonnull(strstr(errs.v[0].path, ".a31"));
	cfg_errors_free(&errs);
	free(ok);
	free(deep);
}
END_TEST

/* The file: 100,000 levels took lispgw-cp 39 s to refuse (the
 * scanner walks every open level per token); now it stops at level 33. */
START_TEST(test_deep_file_refused_at_once)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	char path[512], *text = flow_nested(100000);
	uint64_t t0, ms;
	int rc;

	t_tmp_write(path, sizeof(path), "deep", text);
	cfg_errors_init(&errs);
	t0 = t_wall_ms();
	rc = cp_config_load(path, &cfg, &errs);
	ms = t_wall_ms() - t0;
	printf("100,000 levels refused in %llu ms\n", (unsigned long long)ms);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_uint_eq(errs.v[0].line, 1);
	ck_assert_str_eq(errs.v[0].msg, "nested deeper than 32 levels");
	ck_assert_int_eq(strncmp(errs.v[0].path, "k[0][0][0]", 10), 0);
	cfg_errors_free(&errs);
	unlink(path);
	free(text);
}
END_TEST

/* An alias stands for its whole anchor: nine anchors of ten aliases are
 * 10^9 values to libcyaml (a reload ran past a minute).  Both refused. */
START_TEST(test_anchor_alias_refused)
{
	struct cfg_errors errs;

	ck_assert_int_eq(limits("a:\n  b: &x [1, 2]\n", &errs), -EINVAL);
	ck_assert_uint_eq(errs.v[0].line, 2);
	ck_assert_str_eq(errs.v[0].path, "a.b");
	ck_assert_str_eq(errs.v[0].msg, "YAML anchors (&x) are not accepted");
	cfg_errors_free(&errs);
	ck_assert_int_eq(limits("a: [1, *x]\n", &errs), -EINVAL);
	ck_assert_str_eq(errs.v[0].path, "a[1]");
	ck_assert_str_eq(errs.v[0].msg, "YAML aliases (*x) are not accepted: write the value out");
	cfg_errors_free(&errs);
}
END_TEST

/* A list of CFG_VALUES_MAX - 1 scalars is CFG_VALUES_MAX values with its
 * own node; one more scalar is refused. */
START_TEST(test_values_boundary)
{
	size_t n = CFG_VALUES_MAX - 1, len = 2 * n + 3;
	struct cfg_errors errs;
	char *s = malloc(len + 3);

	ck_assert_ptr_nonnull(s);
	s[0] = '[';
	for (size_t i = 0; i < n; i++)
		memcpy(s + 1 + 2 * i, "1,", 2);
	strcpy(s + 1 + 2 * n, "]\n");
	ck_assert_int_eq(limits(s, &errs), 0);
	cfg_errors_free(&errs);
	strcpy(s + 1 + 2 * n, "2]\n");
	ck_assert_int_eq(limits(s, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_str_eq(errs.v[0].msg, "more than 4194304 values in one file");
	cfg_errors_free(&errs);
	free(s);
}
END_TEST

/* A syntax error within the limits is left to cfg_doc_parse's report. */
START_TEST(test_syntax_error_left_to_parse)
{
	struct cfg_errors errs;

	ck_assert_int_eq(limits("a: [1, 2\nb: c\n", &errs), 0);
	ck_assert_uint_eq(errs.count, 0);
	cfg_errors_free(&errs);
}
END_TEST

struct dup_entry {
	struct lisp_prefix p;
	char *text;
};

/* Duplicate EID-prefixes found by sorting (lispgw-dp's static-map-cache:
 * 250,000 entries compared pairwise took 7 minutes, now 2 s for the whole
 * 16 MiB file): each later copy is reported against the first. */
START_TEST(test_prefix_dups)
{
	static struct dup_entry v[250000];
	static char texts[4][32] = { "[1]10.0.0.0/8", "[1]10.1.0.0/16", "[1]10.0.0.0/8",
				     "[1]10.0.0.0/8" };
	struct cfg_errors errs;
	struct cfg_doc doc;
	struct cfg_chk c = { .doc = &doc, .errs = &errs };
	uint64_t t0;

	cfg_errors_init(&errs);
	ck_assert_int_eq(cfg_doc_parse(&doc, "x: 1\n", 5, &errs), 0);
	for (size_t i = 0; i < 4; i++) {
		v[i].text = texts[i];
		ck_assert_int_eq(lisp_prefix_parse(texts[i], &v[i].p, NULL), 0);
	}
	cfg_path_key(&c.path, "static-map-cache");
	cfg_chk_prefix_dups(&c, "eid-prefix", &v[0].p, sizeof(v[0]), &v[0].text, sizeof(v[0]), 4);
	ck_assert_uint_eq(errs.count, 2);
	ck_assert_str_eq(errs.v[0].path, "static-map-cache[2].eid-prefix");
	ck_assert_str_eq(errs.v[0].msg, "'[1]10.0.0.0/8' is listed twice (also entry 0)");
	ck_assert_str_eq(errs.v[1].path, "static-map-cache[3].eid-prefix");
	cfg_errors_free(&errs);

	cfg_errors_init(&errs);
	for (size_t i = 0; i < 250000; i++) {
		v[i].text = texts[0];
		v[i].p = (struct lisp_prefix){ .iid = 1, .plen = 32 };
		ck_assert_int_eq(lisp_addr_parse("10.0.0.0", &v[i].p.addr, NULL), 0);
		v[i].p.addr.v4[1] = (uint8_t)(i >> 16);
		v[i].p.addr.v4[2] = (uint8_t)(i >> 8);
		v[i].p.addr.v4[3] = (uint8_t)i;
	}
	t0 = t_wall_ms();
	cfg_chk_prefix_dups(&c, "eid-prefix", &v[0].p, sizeof(v[0]), &v[0].text, sizeof(v[0]),
			    250000);
	printf("250,000 distinct prefixes checked in %llu ms\n",
	       (unsigned long long)(t_wall_ms() - t0));
	ck_assert_uint_eq(errs.count, 0);
	cfg_errors_free(&errs);
	cfg_doc_free(&doc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cfg_limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_depth_boundary);
	tcase_add_test(tc, test_deep_file_refused_at_once);
	tcase_add_test(tc, test_anchor_alias_refused);
	tcase_add_test(tc, test_values_boundary);
	tcase_add_test(tc, test_syntax_error_left_to_parse);
	tcase_add_test(tc, test_prefix_dups);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
