/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CATS constraints on a Map-Request EID (lcaf.h, docs/cats.md) as the
 * Map-Resolver meets them: the first byte is the record's mask-len, the
 * rest a wire address.  What decodes goes through lcaf_constraints_decode();
 * constraints text goes through attrq_parse_text() and attrq_match()
 * against fixed attributes, as map_resolver.c does.  Properties: a
 * constrained EID yields 1..LCAF_CONSTRAINTS_MAX bytes of text inside the
 * input's decoded tree, its prefix formats and parses back, and wrapping
 * prefix and text again decodes to the same prefix and text.
 */
#include <errno.h>

#include "attrq.h"
#include "fuzz_common.h"
#include "lcaf.h"

static _Alignas(16) uint8_t arena_buf[2][FUZZ_ARENA_SIZE];
static uint8_t enc[FUZZ_ENC_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *attrs;
	struct lcaf_constraints_buf b;
	struct lisp_waddr w, w2;
	struct lisp_arena a, a2;
	struct lisp_err err = { "" };
	struct lisp_prefix p, p2;
	struct wire_rd r;
	struct wire_wr wr;
	const char *text, *text2;
	size_t len, len2;
	struct attrq q;
	uint8_t mask_len;
	int rc;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	if (!attrs)
		attrs = json_loads("{\"gpu\":\"H100\",\"gpus\":8,\"load\":0.4,\"latency_ms\":3,"
				   "\"state\":\"ready\",\"ok\":true}", 0, NULL);
	mask_len = data[0];
	wire_rd_init(&r, data + 1, size - 1);
	lisp_arena_init(&a, arena_buf[0], sizeof(arena_buf[0]));
	if (lisp_waddr_decode(&r, &a, &w, &err) < 0)
		return 0;
	rc = lcaf_constraints_decode(&w, mask_len, &p, &text, &len, &err);
	if (rc < 0) {
		FUZZ_ASSERT(rc == -EBADMSG || rc == -ENOTSUP, "unexpected error %d: %s", rc,
			    err.msg);
		return 0;
	}
	if (rc == 0) {
		FUZZ_ASSERT(text == NULL, "plain prefix with text");
		return 0;
	}
	FUZZ_ASSERT(len >= 1 && len <= LCAF_CONSTRAINTS_MAX, "text length %zu", len);
	/* Wrap what came out again: the same prefix and text come back. */
	if (lcaf_constraints_wrap(&w2, &b, &p, text, len, &err) == 0) {
		wire_wr_init(&wr, enc, sizeof(enc));
		if (lisp_waddr_encode(&wr, &w2, &err) == 0) {
			wire_rd_init(&r, enc, wire_wr_len(&wr));
			lisp_arena_init(&a2, arena_buf[1], sizeof(arena_buf[1]));
			FUZZ_ASSERT(lisp_waddr_decode(&r, &a2, &w2, &err) == 0,
				    "re-wrapped constraints do not decode: %s", err.msg);
			FUZZ_ASSERT(lcaf_constraints_decode(&w2, mask_len, &p2, &text2, &len2,
							    &err) == 1,
				    "re-wrapped constraints not constrained: %s", err.msg);
			FUZZ_ASSERT(lisp_prefix_equal(&p, &p2) && len == len2 &&
					    memcmp(text, text2, len) == 0,
				    "re-wrapped constraints differ");
		}
	}
	memset(&q, 0, sizeof(q));
	if (attrq_parse_text(text, len, &q, &err) == 0) {
		(void)attrq_match(&q, attrs);
		(void)attrq_match(&q, NULL);
		attrq_free(&q);
	}
	return 0;
}
