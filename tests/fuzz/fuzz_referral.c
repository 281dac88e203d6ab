/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_map_referral_decode() (RFC 8111, section 6) on arbitrary bytes: a
 * referral that decodes must re-encode, the re-encoding must decode, and
 * encoding that again must give the same bytes.  RFC 8111's per-action
 * check and the EID-prefix conversion a DDT Map-Resolver applies to each
 * record run on both decodings and must agree: the codec keeps every
 * field they read.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "lisp_msg.h"

static _Alignas(16) uint8_t arena_buf[2][FUZZ_ARENA_SIZE];
static uint8_t enc[2][FUZZ_ENC_MAX];

/* What a DDT Map-Resolver reads of a record, as one number per record. */
static int record_verdict(const struct lisp_referral_record *rec)
{
	struct lisp_prefix p;
	int check = lisp_referral_record_check(rec, NULL);
	int prefix = lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &p, NULL);

	(void)lisp_referral_action_name(rec->action);
	(void)lisp_referral_default_ttl(rec->action);
	return check * 1000 + prefix;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_map_referral m1, m2;
	struct lisp_arena a1, a2;
	struct lisp_err err = { "" };
	ssize_t n1, n2;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	lisp_arena_init(&a1, arena_buf[0], sizeof(arena_buf[0]));
	if (lisp_map_referral_decode(data, size, &a1, &m1, &err) < 0) {
		FUZZ_ASSERT(err.msg[0], "refused without a reason");
		return 0;
	}
	n1 = lisp_map_referral_encode(&m1, enc[0], sizeof(enc[0]), &err);
	/* An LCAF whose JSON leaves out its address gains AFI 0 on
	 * re-encoding, which may push a full 65535-byte body over. */
	if (n1 == -E2BIG)
		return 0;
	FUZZ_ASSERT(n1 >= 0, "Map-Referral decoded but does not encode: %s", err.msg);
	lisp_arena_init(&a2, arena_buf[1], sizeof(arena_buf[1]));
	rc = lisp_map_referral_decode(enc[0], (size_t)n1, &a2, &m2, &err);
	if (rc < 0) {
		fuzz_hexdump("re-encoding", enc[0], (size_t)n1);
		FUZZ_ASSERT(0, "re-encoded Map-Referral does not decode: %s", err.msg);
	}
	FUZZ_ASSERT(m2.nonce == m1.nonce && m2.record_count == m1.record_count,
		    "header changed on the round trip");
	for (unsigned int i = 0; i < m1.record_count; i++)
		FUZZ_ASSERT(record_verdict(&m1.records[i]) == record_verdict(&m2.records[i]),
			    "record %u reads differently after the round trip", i + 1);
	n2 = lisp_map_referral_encode(&m2, enc[1], sizeof(enc[1]), &err);
	FUZZ_ASSERT(n2 >= 0, "second encoding failed: %s", err.msg);
	fuzz_assert_same(enc[0], (size_t)n1, enc[1], (size_t)n2, "Map-Referral");
	return 0;
}
