/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a configuration that must load, printing one, and writing a
 * temporary file: what test_config.c (through config_fixture.h) and
 * test_config_ecdsa.c share.  Include after check_util.h.
 */
#ifndef LISPGW_TEST_CONFIG_LOAD_H
#define LISPGW_TEST_CONFIG_LOAD_H

#include <stdio.h>

#include "cfg_file.h"
#include "config.h"

static struct cp_config *load_ok(const char *path)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	int rc;

	cfg_errors_init(&errs);
	rc = cp_config_load(path, &cfg, &errs);
	if (rc)
		cfg_errors_print(&errs, stderr);
	ck_assert_msg(rc == 0, "%s: load failed (%d), %zu errors", path, rc, errs.count);
	ck_assert_uint_eq(errs.count, 0);
	ck_assert_ptr_nonnull(cfg);
	cfg_errors_free(&errs);
	return cfg;
}

static char *print_to_string(const struct cp_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(cp_config_print(cfg, f), 0);
	fclose(f);
	return text;
}

/* Writes text to a new temporary file; the caller unlinks it. */
static void tmp_write(const char *text, char *path, size_t len)
{
	t_tmp_write(path, len, "config", text);
}

#endif
