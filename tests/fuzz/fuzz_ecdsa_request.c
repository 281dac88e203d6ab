/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests (common/ecdsa_request.h): the bytes are a
 * Map-Request; what decodes goes through ecdsa_request_decode, which must
 * say unsigned (0), signed (1) or refuse (-EBADMSG), and a signed one must
 * give its signed text and be checked against a fixed key without harm
 * (a fuzzed signature never verifies under it).
 */
#include <errno.h>
#include <sys/socket.h>

#include "ecdsa_request.h"
#include "fuzz_common.h"

static uint8_t arena_buf[LISP_DECODE_ARENA_BYTES];
static EVP_PKEY *key;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_map_request m;
	struct ecdsa_request r;
	struct lisp_arena a;
	enum ecdsa_reason why = ECDSA_R_COUNT;
	char text[ECDSA_SIGNED_MAX];
	uint8_t *copy;
	int rc;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	if (!key)
		FUZZ_ASSERT(ecdsa_key_generate(&key, NULL) == 0, "no key");
	copy = malloc(size ? size : 1);	/* exact size: ASan sees overreads */
	FUZZ_ASSERT(copy, "out of memory");
	memcpy(copy, data, size);
	lisp_arena_init(&a, arena_buf, sizeof(arena_buf));
	if (lisp_map_request_decode(copy, size, &a, &m, NULL) == 0) {
		rc = ecdsa_request_decode(&m, &r, &why, NULL);
		FUZZ_ASSERT(rc == 0 || rc == 1 || rc == -EBADMSG, "decode returned %d", rc);
		FUZZ_ASSERT(why < ECDSA_R_COUNT && (rc < 0 || why == ECDSA_R_OK), "reason %d",
			    why);
		if (rc == 1) {
			FUZZ_ASSERT(r.signer.af == AF_INET6, "signer not IPv6");
			FUZZ_ASSERT(ecdsa_request_text(&r, text, sizeof(text)) > 0, "no text");
			FUZZ_ASSERT(ecdsa_request_verify(&r, key, &why, NULL) == -EACCES,
				    "a fuzzed signature verified");
		}
	}
	free(copy);
	return 0;
}
