/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests from the ITR (itr.ecdsa-key; draft-ietf-lisp-ecdsa-
 * auth "Signed Map-Request Encoding", docs/ecdsa.md).  The signer is the
 * key's crypto-EID in the Instance-ID of the EID asked for (the hash
 * covers the IID, so one key has one crypto-EID per IID), and it is also
 * the request's source-eid: a Map-Resolver takes a signer for itself only
 * (controlplane/mr/mr_ecdsa.c).  Its hash-EID must be registered for the
 * Map-Resolver to find the key: an etr.database entry with the same key.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/evp.h>

#include "ecdsa_request.h"
#include "itr_priv.h"

void itr_set_ecdsa_key(struct itr *itr, EVP_PKEY *key, const struct lisp_prefix *prefix)
{
	EVP_PKEY_free(itr->ecdsa_key);
	itr->ecdsa_key = key;
	if (prefix)
		itr->ecdsa_prefix = *prefix;
}

int itr_request_sign(struct itr *itr, struct lisp_map_request *req, const struct lisp_prefix *eid,
		     struct ecdsa_request_buf *buf)
{
	struct ecdsa_prefix p = { .iid = eid->iid, .len = itr->ecdsa_prefix.plen };
	struct ecdsa_eid signer = { .iid = eid->iid, .af = AF_INET6 };
	struct lisp_err err;
	int rc;

	memcpy(p.addr, itr->ecdsa_prefix.addr.v6, 16);
	rc = ecdsa_crypto_eid(&p, itr->ecdsa_key, signer.addr, &err);
	if (!rc)
		rc = ecdsa_request_sign(itr->ecdsa_key, &signer, &signer, req, buf, &err);
	if (rc < 0) {
		itr->c.request_errors++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot sign Map-Request: %s",
				err.msg);
		return rc;
	}
	itr->c.requests_signed++;
	return 0;
}
