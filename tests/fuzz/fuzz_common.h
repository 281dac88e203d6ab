/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the fuzz targets.  A property that fails (a re-encoding that
 * differs, an encoder that refuses what its decoder accepted) aborts: both
 * libFuzzer and the standalone replay driver then report the input, and
 * libFuzzer saves it as a crash artifact.
 */
#ifndef LISPGW_FUZZ_COMMON_H
#define LISPGW_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode arena per message: what a daemon gives one datagram. */
#define FUZZ_ARENA_SIZE	(64u * 1024u)

/* Largest input worth trying: a UDP payload.  Re-encodings may grow a
 * little (a JSON LCAF without an address gains its AFI 0, an auth length
 * of 0 becomes the RFC length), hence the larger encode buffers. */
#define FUZZ_INPUT_MAX	65535u
#define FUZZ_ENC_MAX	(2u * FUZZ_INPUT_MAX + 1024u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond, ...)                                                       \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: property '%s' failed: ", __FILE__,   \
				__LINE__, #cond);                                    \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

static inline void fuzz_hexdump(const char *what, const uint8_t *p, size_t n)
{
	fprintf(stderr, "%s (%zu bytes):", what, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
	fputc('\n', stderr);
}

/* Aborts with both encodings shown when they differ. */
static inline void fuzz_assert_same(const uint8_t *a, size_t alen, const uint8_t *b,
				    size_t blen, const char *what)
{
	if (alen == blen && memcmp(a, b, alen) == 0)
		return;
	fuzz_hexdump("first encoding", a, alen);
	fuzz_hexdump("second encoding", b, blen);
	FUZZ_ASSERT(0, "%s: encode(decode(encode(decode(x)))) differs from encode(decode(x))",
		    what);
}

#endif
