/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The logger (controlplane/core/log.c): levels (arguments of a hidden line
 * not even evaluated), the line format, network text sanitised so that it
 * cannot forge a line, truncation, a log file, and rate limiting with the
 * count of what was suppressed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check_util.h"
#include "log.h"

struct capture {
	char last[LOG_LINE_MAX + 1];
	enum log_level level;
	int lines;
};

static void capture_sink(void *arg, enum log_level level, const char *line)
{
	struct capture *c = arg;

	snprintf(c->last, sizeof(c->last), "%s", line);
	c->level = level;
	c->lines++;
}

static int evaluated;

static int side_effect(void)
{
	return ++evaluated;
}

START_TEST(log_levels_and_format)
{
	struct capture c = { 0 };
	enum log_level lv;
	char big[2 * LOG_LINE_MAX];
	int y, mo, d, h, mi, s, ms;
	char z;

	log_init(LOG_LEVEL_INFO, "test-cp");
	log_set_sink(capture_sink, &c);
	log_debug("not shown %d", side_effect());
	ck_assert_int_eq(c.lines, 0);
	ck_assert_int_eq(evaluated, 0);		/* arguments not even evaluated */
	log_warn("peer %s said %d", "192.0.2.1", 42);
	ck_assert_int_eq(c.lines, 1);
	ck_assert_int_eq(c.level, LOG_LEVEL_WARN);
	ck_assert_ptr_nonnull(strstr(c.last, "test-cp["));
	ck_assert_ptr_nonnull(strstr(c.last, "] warn: peer 192.0.2.1 said 42"));
	ck_assert_int_eq(sscanf(c.last, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi,
				&s, &ms, &z), 8);
	ck_assert_int_eq(z, 'Z');
	ck_assert_int_ge(y, 2024);

	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("now shown %d", side_effect());
	ck_assert_int_eq(c.lines, 2);
	ck_assert_int_eq(evaluated, 1);
	log_set_level(LOG_LEVEL_ERROR);
	log_warn("hidden");
	log_error("shown");
	ck_assert_int_eq(c.lines, 3);
	ck_assert_int_eq(log_get_level(), LOG_LEVEL_ERROR);

	/* Network-derived text cannot forge a second line. */
	log_error("dn %s", "evil\nFAKE 2026-01-01 error: x\x1b[2J");
	ck_assert_ptr_null(strchr(c.last, '\n'));
	ck_assert_ptr_null(strchr(c.last, '\x1b'));
	ck_assert_ptr_nonnull(strstr(c.last, "evil?FAKE"));

	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_error("%s", big);
	ck_assert_uint_lt(strlen(c.last), LOG_LINE_MAX);
	ck_assert_str_eq(c.last + strlen(c.last) - 3, "...");

	ck_assert_int_eq(log_level_parse("DEBUG", &lv), 0);
	ck_assert_int_eq(lv, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(log_level_parse("warning", &lv), 0);
	ck_assert_int_eq(lv, LOG_LEVEL_WARN);
	ck_assert_int_eq(log_level_parse("loud", &lv), -EINVAL);
	ck_assert_str_eq(log_level_name(LOG_LEVEL_INFO), "info");
	log_set_sink(NULL, NULL);
}
END_TEST

START_TEST(log_to_file)
{
	FILE *f = tmpfile();
	char buf[256];

	ck_assert_ptr_nonnull(f);
	log_init(LOG_LEVEL_INFO, NULL);
	log_set_file(f);
	log_info("to a file %u", 7u);
	log_set_file(NULL);
	rewind(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_ptr_nonnull(strstr(buf, "lispgw-cp["));
	ck_assert_ptr_nonnull(strstr(buf, "info: to a file 7\n"));
	fclose(f);
}
END_TEST

START_TEST(log_rate_limited)
{
	struct capture c = { 0 };
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(5, 1000);
	struct log_ratelimit fast = LOG_RATELIMIT_INIT(2, 20);
	struct timespec pause = { .tv_nsec = 40 * 1000000 };
	int shown = 0;

	log_init(LOG_LEVEL_INFO, "rl");
	log_set_sink(capture_sink, &c);
	/* A flood of 10000 per-packet events: 5 lines. */
	for (int i = 0; i < 10000; i++)
		shown += log_ratelimited(&rl, LOG_LEVEL_WARN, "drop %d", i);
	ck_assert_int_eq(shown, 5);
	ck_assert_int_eq(c.lines, 5);
	ck_assert_uint_eq(rl.suppressed_total, 9995);
	/* Disabled level: neither logged nor counted. */
	ck_assert(!log_ratelimited(&rl, LOG_LEVEL_DEBUG, "quiet"));
	ck_assert_uint_eq(rl.suppressed_total, 9995);

	/* The next window reports what the last one swallowed. */
	for (int i = 0; i < 10; i++)
		log_ratelimited(&fast, LOG_LEVEL_WARN, "bad packet %d", i);
	ck_assert_int_eq(c.lines, 7);
	nanosleep(&pause, NULL);
	ck_assert(log_ratelimited(&fast, LOG_LEVEL_WARN, "bad packet %d", 10));
	ck_assert_int_eq(c.lines, 8);
	ck_assert_ptr_nonnull(strstr(c.last, "bad packet 10 (8 similar suppressed)"));
	ck_assert_uint_eq(fast.suppressed, 0);
	ck_assert_uint_eq(fast.suppressed_total, 8);
	log_set_sink(NULL, NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("log");
	TCase *tl = tcase_create("log");

	tcase_set_timeout(tl, 5);
	tcase_add_test(tl, log_levels_and_format);
	tcase_add_test(tl, log_to_file);
	tcase_add_test(tl, log_rate_limited);
	suite_add_tcase(s, tl);
	return run_suite(s);
}
