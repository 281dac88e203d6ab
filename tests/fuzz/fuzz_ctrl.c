/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_ctrl_decode() on arbitrary bytes, then a differential check: what
 * decodes is re-encoded with the matching encoder, decoded and encoded
 * again, and the two encodings must be identical.  The first re-encoding
 * may differ from the input (reserved bits are not kept, LISP-SEC trailers
 * are dropped), but after that the codec must be at a fixed point; where it
 * is not, encoder and decoder disagree about a field.  An ECM's inner
 * message gets the same treatment.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "lisp_auth.h"
#include "lisp_msg.h"

static _Alignas(16) uint8_t arena_buf[2][FUZZ_ARENA_SIZE];
static uint8_t enc[2][FUZZ_ENC_MAX];

static ssize_t ctrl_encode(const struct lisp_ctrl_msg *m, uint8_t *buf, size_t cap,
			   struct lisp_err *err)
{
	ssize_t n;

	switch (m->type) {
	case LISP_MAP_REQUEST:
		return lisp_map_request_encode(&m->request, buf, cap, err);
	case LISP_MAP_REPLY:
		return lisp_map_reply_encode(&m->reply, buf, cap, err);
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		n = lisp_map_register_encode(&m->reg, buf, cap, err);
		/* The encoder zeroes the authentication data for
		 * lisp_auth_sign(); carry the received bytes over so that the
		 * comparison covers them instead of two runs of zeros. */
		if (n >= 0 && m->reg.auth_len)
			memcpy(buf + m->reg.auth_offset, m->reg.auth, m->reg.auth_len);
		return n;
	case LISP_ECM:
		return lisp_ecm_encode(&m->ecm, buf, cap, err);
	case LISP_MAP_REFERRAL:
		return lisp_map_referral_encode(&m->referral, buf, cap, err);
	default:
		FUZZ_ASSERT(0, "decoder accepted type %u", m->type);
		return -EINVAL;
	}
}

/* Encoder refusals that are by design, not disagreements. */
static bool refusal_expected(const struct lisp_ctrl_msg *m, ssize_t rc)
{
	bool reg = m->type == LISP_MAP_REGISTER || m->type == LISP_MAP_NOTIFY ||
		   m->type == LISP_MAP_NOTIFY_ACK;

	/* The decoder passes an unknown algorithm up for the Map-Server to
	 * refuse with a log line; the encoder never sends one. */
	if (reg && m->reg.alg_id != LISP_AUTH_NONE && !lisp_auth_alg_known(m->reg.alg_id))
		return true;
	/* An LCAF whose JSON leaves out its address gains AFI 0 (2 bytes) on
	 * re-encoding, which may push a full 65535-byte body over. */
	return rc == -E2BIG;
}

static void ctrl_check(const uint8_t *buf, size_t len, unsigned int depth)
{
	struct lisp_arena a1, a2;
	struct lisp_ctrl_msg m1, m2;
	struct lisp_err err = { "" };
	ssize_t n1, n2;
	int rc;

	lisp_arena_init(&a1, arena_buf[0], sizeof(arena_buf[0]));
	if (lisp_ctrl_decode(buf, len, &a1, &m1, &err) < 0)
		return;
	(void)lisp_msg_type_name(m1.type);
	if (m1.type == LISP_MAP_REGISTER || m1.type == LISP_MAP_NOTIFY ||
	    m1.type == LISP_MAP_NOTIFY_ACK) {
		rc = lisp_auth_verify(buf, len, "fuzz", 4, &err);
		FUZZ_ASSERT(rc == 0 || rc == -EACCES || rc == -EINVAL, "auth verify %d", rc);
	}

	n1 = ctrl_encode(&m1, enc[0], sizeof(enc[0]), &err);
	if (n1 < 0) {
		FUZZ_ASSERT(refusal_expected(&m1, n1), "%s decoded but does not encode: %s",
			    lisp_msg_type_name(m1.type), err.msg);
		return;
	}
	lisp_arena_init(&a2, arena_buf[1], sizeof(arena_buf[1]));
	rc = lisp_ctrl_decode(enc[0], (size_t)n1, &a2, &m2, &err);
	if (rc < 0) {
		fuzz_hexdump("re-encoding", enc[0], (size_t)n1);
		FUZZ_ASSERT(0, "re-encoded %s does not decode: %s", lisp_msg_type_name(m1.type),
			    err.msg);
	}
	FUZZ_ASSERT(m2.type == m1.type, "type %u became %u", m1.type, m2.type);
	n2 = ctrl_encode(&m2, enc[1], sizeof(enc[1]), &err);
	FUZZ_ASSERT(n2 >= 0, "second encoding of %s failed: %s", lisp_msg_type_name(m2.type),
		    err.msg);
	fuzz_assert_same(enc[0], (size_t)n1, enc[1], (size_t)n2, lisp_msg_type_name(m1.type));

	/* Last, as it reuses the arenas and buffers: the payload points into
	 * buf, not into them.  The decoder refuses an ECM inside an ECM. */
	if (m1.type == LISP_ECM && depth == 0)
		ctrl_check(m1.ecm.payload, m1.ecm.payload_len, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_INPUT_MAX)
		return 0;
	ctrl_check(data, size, 0);
	return 0;
}
