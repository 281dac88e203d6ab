/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ECDSA JSON records (common/ecdsa_eid.h): the first byte selects the
 * decoder (even: the signature record, odd: the public-key record, and
 * the "[IID]ADDRESS" EID parser on the same bytes either way), the rest is
 * the record.  Every refusal must be -EINVAL with a named reason; what is
 * accepted must encode again and decode to the same record or key.
 */
#include <errno.h>

#include "ecdsa_eid.h"
#include "fuzz_common.h"

static void sig_record(const char *json, size_t n)
{
	struct ecdsa_sig_record rec, back;
	enum ecdsa_reason why = ECDSA_R_COUNT;
	char enc[ECDSA_SIG_JSON_MAX];
	int rc, len;

	rc = ecdsa_sig_json_decode(json, n, &rec, &why, NULL);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "sig decode returned %d", rc);
	FUZZ_ASSERT(why < ECDSA_R_COUNT && (rc == 0) == (why == ECDSA_R_OK), "reason %d", why);
	if (rc < 0)
		return;
	len = ecdsa_sig_json_encode(&rec, enc, sizeof(enc), NULL);
	FUZZ_ASSERT(len > 0, "accepted record does not encode (%d)", len);
	rc = ecdsa_sig_json_decode(enc, (size_t)len, &back, &why, NULL);
	FUZZ_ASSERT(rc == 0, "re-encoded record refused: %s", ecdsa_reason_name(why));
	FUZZ_ASSERT(memcmp(&rec, &back, sizeof(rec)) == 0, "round trip differs: %s", enc);
}

static void pubkey_record(const char *json, size_t n)
{
	enum ecdsa_reason why = ECDSA_R_COUNT;
	char enc[ECDSA_PUBKEY_JSON_MAX];
	EVP_PKEY *key = NULL, *back = NULL;
	int rc, len;

	rc = ecdsa_pubkey_json_decode(json, n, &key, &why, NULL);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "pubkey decode returned %d", rc);
	FUZZ_ASSERT(why < ECDSA_R_COUNT && (rc == 0) == (why == ECDSA_R_OK), "reason %d", why);
	if (rc < 0)
		return;
	len = ecdsa_pubkey_json_encode(key, enc, sizeof(enc), NULL);
	FUZZ_ASSERT(len > 0, "accepted key does not encode (%d)", len);
	/* Canonical decoding: the accepted text is exactly what we write. */
	FUZZ_ASSERT(ecdsa_pubkey_json_decode(enc, (size_t)len, &back, &why, NULL) == 0 &&
		    ecdsa_pubkey_equal(key, back), "re-encoded key differs");
	EVP_PKEY_free(back);
	EVP_PKEY_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecdsa_eid eid;
	enum ecdsa_reason why;
	char *json;
	int rc;

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	/* An exact-size heap copy, so ASan sees any read past the record. */
	json = malloc(size - 1 ? size - 1 : 1);
	FUZZ_ASSERT(json, "out of memory");
	memcpy(json, data + 1, size - 1);
	if (data[0] & 1)
		pubkey_record(json, size - 1);
	else
		sig_record(json, size - 1);
	rc = ecdsa_eid_parse(json, size - 1, &eid, &why, NULL);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "eid parse returned %d", rc);
	free(json);
	return 0;
}
