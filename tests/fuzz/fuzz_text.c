/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text parsers the config, the REST API and lispgw-ctl feed with
 * operator input: lisp_addr_parse() and lisp_prefix_parse().  Whatever
 * parses must format, the formatted text must parse to the same value, and
 * formatting that again must give the same text (parse -> format -> parse).
 */
#include "fuzz_common.h"
#include "lisp_addr.h"

/* Longer than any valid address text, so long inputs reach the parsers'
 * own length checks. */
#define TEXT_MAX	1024

static void addr_check(const char *s)
{
	char t1[LISP_ADDR_STR_MAX], t2[LISP_ADDR_STR_MAX];
	struct lisp_addr a1, a2;
	struct lisp_err err = { "" };

	if (lisp_addr_parse(s, &a1, &err) < 0)
		return;
	FUZZ_ASSERT(lisp_addr_format(&a1, t1, sizeof(t1)) > 0, "address from '%s' does not format",
		    s);
	FUZZ_ASSERT(lisp_addr_parse(t1, &a2, &err) == 0, "'%s' -> '%s' does not parse: %s", s, t1,
		    err.msg);
	FUZZ_ASSERT(lisp_addr_equal(&a1, &a2), "'%s' -> '%s' parses to another address", s, t1);
	FUZZ_ASSERT(lisp_addr_format(&a2, t2, sizeof(t2)) > 0 && strcmp(t1, t2) == 0,
		    "'%s' formats as '%s' then '%s'", s, t1, t2);
}

static void prefix_check(const char *s)
{
	char t1[LISP_ADDR_STR_MAX + 32], t2[LISP_ADDR_STR_MAX + 32];
	struct lisp_prefix p1, p2;
	struct lisp_err err = { "" };

	if (lisp_prefix_parse(s, &p1, &err) < 0)
		return;
	FUZZ_ASSERT(lisp_prefix_format(&p1, t1, sizeof(t1)) > 0, "prefix from '%s' does not format",
		    s);
	FUZZ_ASSERT(lisp_prefix_parse(t1, &p2, &err) == 0, "'%s' -> '%s' does not parse: %s", s,
		    t1, err.msg);
	FUZZ_ASSERT(lisp_prefix_equal(&p1, &p2), "'%s' -> '%s' parses to another prefix", s, t1);
	FUZZ_ASSERT(lisp_prefix_format(&p2, t2, sizeof(t2)) > 0 && strcmp(t1, t2) == 0,
		    "'%s' formats as '%s' then '%s'", s, t1, t2);
	/* The parser refused host bits, so masking changes nothing, and a
	 * prefix covers itself. */
	lisp_prefix_mask(&p2);
	FUZZ_ASSERT(lisp_prefix_equal(&p1, &p2), "'%s' had host bits past /%u", s, p1.plen);
	FUZZ_ASSERT(lisp_prefix_covers(&p1, &p2), "'%s' does not cover itself", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[TEXT_MAX + 1];

	if (size > TEXT_MAX)
		return 0;
	/* Parsers take C strings: an embedded NUL ends the text early. */
	memcpy(s, data, size);
	s[size] = '\0';
	addr_check(s);
	prefix_check(s);
	return 0;
}
