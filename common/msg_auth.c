/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "msg_priv.h"
#include "wire.h"

/* One HMAC implementation, fetched once per process: fetching is a provider
 * lookup we do not want per message. */
static EVP_MAC *auth_hmac;
static pthread_once_t auth_hmac_once = PTHREAD_ONCE_INIT;

static void auth_hmac_fetch(void)
{
	auth_hmac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
}

bool lisp_auth_alg_known(uint8_t alg)
{
	return alg == LISP_AUTH_HMAC_SHA1_96 || alg == LISP_AUTH_HMAC_SHA256_128;
}

size_t lisp_auth_data_len(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_HMAC_SHA1_96:
		return 20;
	case LISP_AUTH_HMAC_SHA256_128:
		return 32;
	default:
		return 0;
	}
}

size_t lisp_auth_data_min_len(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_HMAC_SHA1_96:
		return 12;
	case LISP_AUTH_HMAC_SHA256_128:
		return 16;
	default:
		return 0;
	}
}

#define HMAC_ZEROED_MAX	64	/* the longest field read as zeros */

int lisp_hmac_zeroed(const char *digest, const void *key, size_t key_len, const uint8_t *buf,
		     size_t len, size_t zero_off, size_t zero_len, uint8_t *out,
		     size_t *out_len, struct lisp_err *err)
{
	static const uint8_t zeros[HMAC_ZEROED_MAX];
	char name[16];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	int ok;

	if (zero_off > len || zero_len > len - zero_off || zero_len > sizeof(zeros))
		return lisp_err_set(err, EINVAL, "HMAC field [%zu, +%zu) outside %zu bytes",
				    zero_off, zero_len, len);
	pthread_once(&auth_hmac_once, auth_hmac_fetch);
	if (!auth_hmac)
		return lisp_err_set(err, ENOSYS, "OpenSSL has no HMAC implementation");
	snprintf(name, sizeof(name), "%s", digest);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, name, 0);
	params[1] = OSSL_PARAM_construct_end();
	ctx = EVP_MAC_CTX_new(auth_hmac);
	if (!ctx)
		return lisp_err_set(err, ENOMEM, "HMAC context allocation failed");
	/* An empty key is legal HMAC; OpenSSL wants a non-NULL pointer. */
	*out_len = 0;
	ok = EVP_MAC_init(ctx, key_len ? key : (const void *)"", key_len, params) &&
	     EVP_MAC_update(ctx, buf, zero_off) && EVP_MAC_update(ctx, zeros, zero_len) &&
	     EVP_MAC_update(ctx, buf + zero_off + zero_len, len - zero_off - zero_len) &&
	     EVP_MAC_final(ctx, out, out_len, EVP_MAX_MD_SIZE);
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : lisp_err_set(err, EIO, "HMAC computation failed");
}

/* HMAC over msg with its authentication data taken as zeros. */
static int auth_compute(const uint8_t *msg, size_t len, size_t auth_len, uint8_t alg,
			const void *key, size_t key_len, uint8_t out[LISP_AUTH_DATA_MAX],
			struct lisp_err *err)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t out_len = 0;
	int rc;

	rc = lisp_hmac_zeroed(alg == LISP_AUTH_HMAC_SHA1_96 ? "SHA1" : "SHA256", key, key_len,
			      msg, len, LISP_AUTH_DATA_OFFSET, auth_len, full, &out_len, err);
	if (rc < 0)
		return rc;
	if (out_len != lisp_auth_data_len(alg))
		return lisp_err_set(err, EIO, "HMAC computation failed");
	memcpy(out, full, out_len);
	return 0;
}

/* Reads and checks algorithm and length from an encoded message. */
static int auth_params(const uint8_t *msg, size_t len, uint8_t *alg, uint16_t *auth_len,
		       struct lisp_err *err)
{
	uint8_t type;

	if (len < LISP_AUTH_DATA_OFFSET)
		return lisp_err_set(err, EINVAL, "message of %zu bytes has no authentication field",
				    len);
	type = msg[0] >> 4;
	if (type != LISP_MAP_REGISTER && type != LISP_MAP_NOTIFY && type != LISP_MAP_NOTIFY_ACK)
		return lisp_err_set(err, EINVAL, "%s carries no authentication data",
				    lisp_msg_type_name(type));
	*alg = msg[13];
	*auth_len = (uint16_t)(msg[14] << 8 | msg[15]);
	if (!lisp_auth_alg_known(*alg))
		return lisp_err_set(err, EINVAL, "authentication algorithm %u is not supported",
				    *alg);
	/* The RFC's truncated length or the full digest (docs/wire.md), and
	 * nothing between: a length no implementation sends is an attack. */
	if (*auth_len != lisp_auth_data_min_len(*alg) && *auth_len != lisp_auth_data_len(*alg))
		return lisp_err_set(err, EINVAL,
				    "authentication data length %u is wrong for %s (%zu or %zu)",
				    *auth_len, lisp_auth_alg_name(*alg),
				    lisp_auth_data_min_len(*alg), lisp_auth_data_len(*alg));
	if (len - LISP_AUTH_DATA_OFFSET < *auth_len)
		return lisp_err_set(err, EINVAL, "authentication data runs past the message");
	return 0;
}

int lisp_auth_sign(uint8_t *msg, size_t len, const void *key, size_t key_len,
		   struct lisp_err *err)
{
	uint8_t mac[LISP_AUTH_DATA_MAX];
	uint16_t auth_len = 0;
	uint8_t alg = 0;
	int rc;

	rc = auth_params(msg, len, &alg, &auth_len, err);
	if (rc < 0)
		return rc;
	rc = auth_compute(msg, len, auth_len, alg, key, key_len, mac, err);
	if (rc < 0)
		return rc;
	memcpy(msg + LISP_AUTH_DATA_OFFSET, mac, auth_len);
	return 0;
}

int lisp_auth_verify(const uint8_t *msg, size_t len, const void *key, size_t key_len,
		     struct lisp_err *err)
{
	uint8_t mac[LISP_AUTH_DATA_MAX];
	uint16_t auth_len = 0;
	uint8_t alg = 0;
	int rc;

	rc = auth_params(msg, len, &alg, &auth_len, err);
	if (rc < 0)
		return rc;
	rc = auth_compute(msg, len, auth_len, alg, key, key_len, mac, err);
	if (rc < 0)
		return rc;
	if (CRYPTO_memcmp(mac, msg + LISP_AUTH_DATA_OFFSET, auth_len) != 0)
		return lisp_err_set(err, EACCES, "%s authentication data does not match",
				    lisp_auth_alg_name(alg));
	return 0;
}
