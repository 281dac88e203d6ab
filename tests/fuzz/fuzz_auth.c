/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_auth_verify() with a random key and message: the input is
 * [key length][key][message].  Verification must answer 0, -EACCES or
 * -EINVAL and never read outside the message; a message signed with
 * lisp_auth_sign() must then verify, and must stop verifying when one byte
 * of its authentication data changes.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "lisp_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_err err = { "" };
	const uint8_t *key, *in;
	size_t key_len, len;
	uint8_t *m;
	int rc;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	key_len = data[0] < size - 1 ? data[0] : size - 1;
	key = data + 1;
	in = key + key_len;
	len = size - 1 - key_len;
	/* The message ends where the input does, so ASan sees any read past
	 * it (libFuzzer and the replay driver allocate inputs exactly). */
	rc = lisp_auth_verify(in, len, key, key_len, &err);
	FUZZ_ASSERT(rc == 0 || rc == -EACCES || rc == -EINVAL, "verify returned %d: %s", rc,
		    err.msg);

	/* Signing writes in place: an exact-size heap copy for the same reason. */
	m = malloc(len ? len : 1);
	FUZZ_ASSERT(m, "out of memory");
	memcpy(m, in, len);
	if (lisp_auth_sign(m, len, key, key_len, &err) == 0) {
		FUZZ_ASSERT(lisp_auth_verify(m, len, key, key_len, &err) == 0,
			    "signed message does not verify: %s", err.msg);
		m[LISP_AUTH_DATA_OFFSET] ^= 0x01;
		rc = lisp_auth_verify(m, len, key, key_len, &err);
		FUZZ_ASSERT(rc == -EACCES, "changed authentication data verifies (%d)", rc);
	}
	free(m);
	return 0;
}
