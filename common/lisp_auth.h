/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Register / Map-Notify authentication (RFC 9301, section 5.6): an HMAC
 * over the whole message with the Authentication Data field zeroed, keyed by
 * the site's shared secret.  Verification is constant-time.
 *
 * Length: RFC 9301 names HMAC-SHA-1-96 and HMAC-SHA-256-128, whose outputs
 * are 12 and 16 bytes; every deployed xTR and Map-Server we know of sends
 * the full 20 and 32 bytes.  We send the full length (it interoperates with
 * both: a truncating verifier compares the leading bytes) and accept either.
 */
#ifndef LISPGW_LISP_AUTH_H
#define LISPGW_LISP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"

/* Offset of the Authentication Data in a Map-Register/Notify/Notify-Ack. */
#define LISP_AUTH_DATA_OFFSET	16

bool lisp_auth_alg_known(uint8_t alg);
/* Bytes we send for alg: 20, 32; 0 for NONE. */
size_t lisp_auth_data_len(uint8_t alg);
/* Shortest length we accept for alg (the RFC's truncation): 12, 16. */
size_t lisp_auth_data_min_len(uint8_t alg);

/* Computes and writes the authentication data of an encoded message in
 * place; the algorithm and length are read from the message itself. */
int lisp_auth_sign(uint8_t *msg, size_t len, const void *key, size_t key_len,
		   struct lisp_err *err);

/* 0 when the message's authentication data matches; -EACCES when not;
 * -EINVAL for an unusable algorithm or length. */
int lisp_auth_verify(const uint8_t *msg, size_t len, const void *key, size_t key_len,
		     struct lisp_err *err);

#endif
