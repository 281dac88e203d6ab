/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LISPGW_CHECK_UTIL_H
#define LISPGW_CHECK_UTIL_H

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Compares byte strings and names the first differing offset. */
#define ck_assert_bytes_eq(got, got_len, exp, exp_len)                                   \
	do {                                                                             \
		size_t gl_ = (got_len), el_ = (exp_len), i_ = 0;                         \
		const uint8_t *g_ = (const uint8_t *)(got), *e_ = (const uint8_t *)(exp); \
		while (i_ < gl_ && i_ < el_ && g_[i_] == e_[i_])                         \
			i_++;                                                            \
		ck_assert_msg(gl_ == el_ && i_ == gl_,                                   \
			      "bytes differ at offset %zu (got len %zu, expected %zu): "  \
			      "got 0x%02x expected 0x%02x",                               \
			      i_, gl_, el_, i_ < gl_ ? g_[i_] : 0, i_ < el_ ? e_[i_] : 0);  \
	} while (0)

/* A heap copy of exactly len bytes, so that AddressSanitizer reports any
 * read past the end of what a decoder was given. */
static inline uint8_t *exact_copy(const void *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	if (len)
		memcpy(p, src, len);
	return p;
}

/* A new temporary file under $TMPDIR (else /tmp), named after stem, this
 * process and a counter, created with O_EXCL so that it is never another's
 * file: its path in path, its descriptor (open for writing) returned.  The
 * caller closes and unlinks it. */
static inline int t_tmpfile(char *path, size_t len, const char *stem)
{
	static unsigned int seq;
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/lispgw-%s-%d-%u", dir && *dir ? dir : "/tmp", stem, (int)getpid(),
		 seq++);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A new private directory (0700) under $TMPDIR (else /tmp), named as
 * t_tmpfile() names files: its path in path.  The caller removes it. */
static inline void t_tmpdir(char *path, size_t len, const char *stem)
{
	static unsigned int seq;
	const char *dir = getenv("TMPDIR");

	snprintf(path, len, "%s/lispgw-%s-%d-d%u", dir && *dir ? dir : "/tmp", stem,
		 (int)getpid(), seq++);
	ck_assert_int_eq(mkdir(path, 0700), 0);
}

/* text in a new temporary file (t_tmpfile()); the caller unlinks it. */
static inline void t_tmp_write(char *path, size_t len, const char *stem, const char *text)
{
	int fd = t_tmpfile(path, len, stem);

	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Runs a suite and returns a process exit status. */
static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
