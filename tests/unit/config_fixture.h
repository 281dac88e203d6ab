/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What test_config.c's tests share: where the source tree is, loading
 * and printing a configuration, and checking a bad file against the
 * "# expect: LINE: path: message" comments it carries.
 */
#ifndef LISPGW_TEST_CONFIG_FIXTURE_H
#define LISPGW_TEST_CONFIG_FIXTURE_H

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include "check_util.h"
#include "cfg_file.h"
#include "config.h"
#include "config_priv.h"
#include "config_load.h"

#define NAMES_MAX	64

static const char *src_root(void)
{
	static char root[4096 + 256];
	const char *env = getenv("LISPGW_SOURCE_ROOT");
	const char *file = __FILE__, *tail = "tests/unit/config_fixture.h";
	char exe[4096];
	ssize_t len;
	size_t n;

	if (env && *env)
		return env;
	n = strlen(file) - strlen(tail);
	ck_assert_msg(strcmp(file + n, tail) == 0, "unexpected __FILE__ %s", file);
	if (file[0] == '/') {
		snprintf(root, sizeof(root), "%.*s", (int)n, file);
		return root;
	}
	/* A relative __FILE__ is relative to the build root, where this binary
	 * is tests/unit/test_config: works from any working directory. */
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(len, 0);
	exe[len] = '\0';
	for (int up = 0; up < 3; up++)
		*strrchr(exe, '/') = '\0';
	snprintf(root, sizeof(root), "%s/%.*s", exe, (int)n, file);
	return root;
}

static const char *src_path(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", src_root(), rel);
	return buf;
}

/* Sorted names of dir's files that start with prefix and end in .yaml. */
static size_t list_yaml(const char *rel_dir, const char *prefix, char names[][NAMES_MAX],
			size_t max)
{
	char dir[4096];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	d = opendir(src_path(rel_dir, dir, sizeof(dir)));
	ck_assert_msg(d, "cannot open %s: %s (set LISPGW_SOURCE_ROOT)", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 5, ".yaml") ||
		    strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		ck_assert_uint_lt(n, max);
		ck_assert_uint_lt(len, NAMES_MAX);
		memcpy(names[n++], de->d_name, len + 1);
	}
	closedir(d);
	qsort(names, n, NAMES_MAX, (int (*)(const void *, const void *))strcmp);
	return n;
}

static struct cp_config *load_rel(const char *rel)
{
	char path[4096];

	return load_ok(src_path(rel, path, sizeof(path)));
}

#define EXPECT_MAX	32

struct expect {
	char text[EXPECT_MAX][1024];
	size_t n;
};

static void expect_read(const char *path, struct expect *e)
{
	char line[1000];
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	e->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "# expect: ", 10) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		ck_assert_uint_lt(e->n, EXPECT_MAX);
		snprintf(e->text[e->n++], sizeof(e->text[0]), "%s", line + 10);
	}
	fclose(f);
}

/* "LINE: path: message" as the error list holds it, without the file. */
static void error_text(const struct cfg_errors *errs, size_t i, char *buf, size_t len)
{
	char full[1024];
	size_t skip = strlen(errs->file) + 1;

	ck_assert_int_gt(cfg_error_format(errs, i, full, sizeof(full)), 0);
	ck_assert(strncmp(full, errs->file, skip - 1) == 0 && full[skip - 1] == ':');
	snprintf(buf, len, "%s", full + skip);
}

static void check_bad(const char *name)
{
	struct cp_config *cfg = (struct cp_config *)&cfg;	/* must stay untouched */
	struct cfg_errors errs;
	struct expect *e = calloc(1, sizeof(*e));
	char path[4096], rel[256], got[1024];
	int rc;

	snprintf(rel, sizeof(rel), "tests/config/%s", name);
	src_path(rel, path, sizeof(path));
	expect_read(path, e);
	ck_assert_msg(e->n > 0, "%s has no '# expect:' lines", name);
	cfg_errors_init(&errs);
	rc = cp_config_load(path, &cfg, &errs);
	ck_assert_msg(rc == -EINVAL, "%s: load returned %d", name, rc);
	ck_assert_ptr_eq(cfg, (struct cp_config *)&cfg);
	for (size_t i = 0; i < errs.count || i < e->n; i++) {
		if (i < errs.count)
			error_text(&errs, i, got, sizeof(got));
		ck_assert_msg(i < errs.count, "%s: error %zu missing, expected\n  %s", name, i,
			      e->text[i]);
		ck_assert_msg(i < e->n, "%s: unexpected error\n  %s", name, got);
		ck_assert_msg(strncmp(got, e->text[i], strlen(e->text[i])) == 0,
			      "%s: error %zu\n  got      %s\n  expected %s", name, i, got,
			      e->text[i]);
	}
	cfg_errors_free(&errs);
	free(e);
}

#endif
