/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_waddr_decode() on arbitrary bytes: plain addresses and LCAF trees
 * (RFC 8060), nested up to LCAF_DEPTH_MAX.  A tree that decodes must
 * re-encode, the re-encoding must decode completely, and encoding that
 * again must give the same bytes (round trip).  The accessors the control
 * plane applies to untrusted trees run too, and an EID that converts to a
 * prefix must survive the text form (wire -> text -> value).
 */
#include <errno.h>

#include "fuzz_common.h"
#include "lcaf.h"

static _Alignas(16) uint8_t arena_buf[2][FUZZ_ARENA_SIZE];
static uint8_t enc[2][FUZZ_ENC_MAX];

static void prefix_check(const struct lisp_waddr *w, uint8_t mask_len)
{
	char text[LISP_ADDR_STR_MAX + 32];
	struct lisp_prefix p, q;
	struct lisp_err err = { "" };

	if (lisp_waddr_to_prefix(w, mask_len, &p, &err) < 0)
		return;
	/* Records may carry host bits; the text form refuses them. */
	lisp_prefix_mask(&p);
	FUZZ_ASSERT(lisp_prefix_format(&p, text, sizeof(text)) > 0, "prefix does not format");
	FUZZ_ASSERT(lisp_prefix_parse(text, &q, &err) == 0, "'%s' does not parse: %s", text,
		    err.msg);
	FUZZ_ASSERT(lisp_prefix_equal(&p, &q), "'%s' parses to another prefix", text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_waddr w1, w2;
	struct lisp_arena a1, a2;
	struct lisp_err err = { "" };
	struct wire_rd r;
	struct wire_wr w;
	size_t n1;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	wire_rd_init(&r, data, size);
	lisp_arena_init(&a1, arena_buf[0], sizeof(arena_buf[0]));
	if (lisp_waddr_decode(&r, &a1, &w1, &err) < 0)
		return 0;
	(void)lisp_waddr_rloc(&w1);
	(void)lisp_waddr_json(&w1);
	/* The byte after the address, if any, stands in for a record's mask-len. */
	prefix_check(&w1, wire_rd_left(&r) ? *r.p : 0);

	wire_wr_init(&w, enc[0], sizeof(enc[0]));
	rc = lisp_waddr_encode(&w, &w1, &err);
	/* A JSON LCAF without an address gains AFI 0 (2 bytes) on re-encoding,
	 * which may push a full 65535-byte body over: by design. */
	if (rc == -E2BIG)
		return 0;
	FUZZ_ASSERT(rc == 0, "decoded address does not encode: %s", err.msg);
	n1 = wire_wr_len(&w);

	wire_rd_init(&r, enc[0], n1);
	lisp_arena_init(&a2, arena_buf[1], sizeof(arena_buf[1]));
	rc = lisp_waddr_decode(&r, &a2, &w2, &err);
	if (rc < 0 || wire_rd_left(&r)) {
		fuzz_hexdump("re-encoding", enc[0], n1);
		FUZZ_ASSERT(0, "re-encoding does not decode exactly (%zu bytes left): %s",
			    wire_rd_left(&r), err.msg);
	}
	wire_wr_init(&w, enc[1], sizeof(enc[1]));
	FUZZ_ASSERT(lisp_waddr_encode(&w, &w2, &err) == 0, "second encoding failed: %s",
		    err.msg);
	fuzz_assert_same(enc[0], n1, enc[1], wire_wr_len(&w), "wire address");
	return 0;
}
