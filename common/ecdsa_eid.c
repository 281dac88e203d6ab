/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA key pairs, crypto-EIDs, hash-EIDs, signed strings, signing and
 * verifying (draft-ietf-lisp-ecdsa-auth; docs/ecdsa.md).  The JSON records
 * and base64 are in ecdsa_json.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "ecdsa_eid.h"

static const char *const reason_names[ECDSA_R_COUNT] = {
#define ECDSA_REASON_NAME(name, str) [ECDSA_R_##name] = str,
	ECDSA_REASONS(ECDSA_REASON_NAME)
#undef ECDSA_REASON_NAME
};

/* The order n of the P-256 group (FIPS 186-4 D.1.2.3): r and s lie in
 * [1, n-1]. */
static const uint8_t p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

const char *ecdsa_reason_name(enum ecdsa_reason r)
{
	return (unsigned)r < ECDSA_R_COUNT ? reason_names[r] : "unknown";
}

static int refuse(enum ecdsa_reason *why, enum ecdsa_reason r, struct lisp_err *err, int code,
		  const char *what)
{
	if (why)
		*why = r;
	return lisp_err_set(err, code, "%s (%s)", what, ecdsa_reason_name(r));
}

/* ---- keys ---- */

static bool key_is_p256(EVP_PKEY *key)
{
	char group[64];
	size_t n = 0;

	if (!EVP_PKEY_is_a(key, "EC"))
		return false;
	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
					    sizeof(group), &n))
		return false;
	return strcmp(group, SN_X9_62_prime256v1) == 0;
}

int ecdsa_key_generate(EVP_PKEY **out, struct lisp_err *err)
{
	/* draft-ietf-lisp-ecdsa-auth, "Keys and Signatures": ECDSA over
	 * NIST P-256; the only curve we make or accept. */
	*out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!*out)
		return lisp_err_set(err, ENOMEM, "P-256 key generation failed");
	return 0;
}

int ecdsa_key_save_pem(EVP_PKEY *key, const char *path, struct lisp_err *err)
{
	FILE *f;
	int fd, ok;

	/* O_EXCL: a key is never silently replaced (its EID would change);
	 * 0600 from creation, so there is no window where others may read. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return lisp_err_set(err, errno, "%s: %s", path, strerror(errno));
	if (fchmod(fd, 0600) < 0 || !(f = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		unlink(path);
		return lisp_err_set(err, e, "%s: %s", path, strerror(e));
	}
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		unlink(path);
		return lisp_err_set(err, EIO, "%s: writing the private key failed", path);
	}
	return 0;
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int ecdsa_key_load_pem(const char *path, EVP_PKEY **out, enum ecdsa_reason *why,
		       struct lisp_err *err)
{
	struct stat st;
	EVP_PKEY *key;
	FILE *f;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (why)
			*why = ECDSA_R_KEY_FILE;
		return lisp_err_set(err, errno, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077)) {
		close(fd);
		if (why)
			*why = ECDSA_R_KEY_FILE;
		return lisp_err_set(err, EPERM,
				    "%s: a private key must be a regular file only its owner "
				    "may read (mode 0600)", path);
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return lisp_err_set(err, errno, "%s: %s", path, strerror(errno));
	}
	/* no_passphrase: an encrypted key fails here instead of prompting. */
	key = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	if (!key || !key_is_p256(key)) {
		EVP_PKEY_free(key);
		if (why)
			*why = ECDSA_R_KEY_NOT_P256;
		return lisp_err_set(err, EINVAL, "%s: no unencrypted P-256 private key in PEM", path);
	}
	*out = key;
	return 0;
}

int ecdsa_pubkey_der(EVP_PKEY *key, uint8_t der[ECDSA_SPKI_DER_LEN], struct lisp_err *err)
{
	unsigned char *p = NULL;
	int n;

	if (!key_is_p256(key))
		return lisp_err_set(err, EINVAL, "not a P-256 key");
	/* An EVP_PKEY decoded from a compressed point would re-encode it so;
	 * the crypto-EID hashes the uncompressed form only. */
	if (EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
					   OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1)
		return lisp_err_set(err, EIO, "cannot select the uncompressed point form");
	n = i2d_PUBKEY(key, &p);
	if (n != ECDSA_SPKI_DER_LEN) {
		OPENSSL_free(p);
		return lisp_err_set(err, EIO, "public key DER is %d bytes, not %d", n,
				    ECDSA_SPKI_DER_LEN);
	}
	memcpy(der, p, ECDSA_SPKI_DER_LEN);
	OPENSSL_free(p);
	return 0;
}

int ecdsa_pubkey_from_der(const uint8_t *der, size_t len, EVP_PKEY **out,
			  enum ecdsa_reason *why, struct lisp_err *err)
{
	uint8_t again[ECDSA_SPKI_DER_LEN];
	const unsigned char *p = der;
	EVP_PKEY *key;

	*out = NULL;
	if (len == 0 || len > 4096)
		return refuse(why, ECDSA_R_DER_MALFORMED, err, EINVAL, "public key DER length");
	key = d2i_PUBKEY(NULL, &p, (long)len);
	if (!key)
		return refuse(why, ECDSA_R_DER_MALFORMED, err, EINVAL,
			      "public key is no SubjectPublicKeyInfo");
	if ((size_t)(p - der) != len) {
		EVP_PKEY_free(key);
		return refuse(why, ECDSA_R_DER_MALFORMED, err, EINVAL,
			      "bytes after the SubjectPublicKeyInfo");
	}
	if (!key_is_p256(key)) {
		EVP_PKEY_free(key);
		return refuse(why, ECDSA_R_KEY_NOT_P256, err, EINVAL, "public key is not P-256");
	}
	/* One key, one encoding: what we would write ourselves (DER, not BER
	 * lengths; the uncompressed point), or the hash of "the same" key
	 * would differ between senders. */
	if (len != ECDSA_SPKI_DER_LEN || ecdsa_pubkey_der(key, again, NULL) < 0 ||
	    memcmp(again, der, len) != 0) {
		EVP_PKEY_free(key);
		return refuse(why, ECDSA_R_DER_NONCANONICAL, err, EINVAL,
			      "public key DER is not the canonical P-256 encoding");
	}
	*out = key;
	return 0;
}

bool ecdsa_pubkey_equal(EVP_PKEY *a, EVP_PKEY *b)
{
	return a && b && EVP_PKEY_eq(a, b) == 1;
}

/* ---- crypto-EIDs ---- */

int ecdsa_prefix_parse(const char *text, uint32_t iid, struct ecdsa_prefix *out,
		       struct lisp_err *err)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	char *end;
	unsigned long len;
	size_t n;

	if (!slash || (n = (size_t)(slash - text)) == 0 || n >= sizeof(addr))
		return lisp_err_set(err, EINVAL, "crypto-EID prefix '%s': want ADDRESS/LEN", text);
	memcpy(addr, text, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, out->addr) != 1)
		return lisp_err_set(err, EINVAL, "crypto-EID prefix '%s': not an IPv6 prefix",
				    text);
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end != '\0' || end == slash + 1 || len < ECDSA_PREFIX_LEN_MIN ||
	    len > ECDSA_PREFIX_LEN_MAX || len % 8 != 0)
		return lisp_err_set(err, EINVAL,
				    "crypto-EID prefix '%s': length must be a multiple of 8 "
				    "in [%d, %d]", text, ECDSA_PREFIX_LEN_MIN,
				    ECDSA_PREFIX_LEN_MAX);
	for (unsigned b = (unsigned)len; b < 128; b++)
		if (out->addr[b / 8] & (0x80 >> (b % 8)))
			return lisp_err_set(err, EINVAL,
					    "crypto-EID prefix '%s': host bits set", text);
	out->len = (uint8_t)len;
	out->iid = iid;
	return 0;
}

static bool prefix_covers(const struct ecdsa_prefix *p, const uint8_t eid[16])
{
	for (unsigned b = 0; b < p->len; b++) {
		uint8_t m = 0x80 >> (b % 8);

		if ((p->addr[b / 8] & m) != (eid[b / 8] & m))
			return false;
	}
	return true;
}

int ecdsa_crypto_eid(const struct ecdsa_prefix *p, EVP_PKEY *pub, uint8_t eid[16],
		     struct lisp_err *err)
{
	uint8_t der[ECDSA_SPKI_DER_LEN], hash[SHA256_DIGEST_LENGTH];
	uint8_t iid[4] = { p->iid >> 24, p->iid >> 16, p->iid >> 8, p->iid };
	EVP_MD_CTX *md;
	unsigned int hlen = 0;
	int rc;

	if (p->len < ECDSA_PREFIX_LEN_MIN || p->len > ECDSA_PREFIX_LEN_MAX || p->len % 8)
		return lisp_err_set(err, EINVAL, "crypto-EID prefix length %u", p->len);
	rc = ecdsa_pubkey_der(pub, der, err);
	if (rc < 0)
		return rc;
	/* draft-ietf-lisp-ecdsa-auth, "Public-Key Hash": the hash
	 * covers the Instance-ID, the crypto-EID prefix and the public key,
	 * so one key gives unrelated EIDs in two IIDs or prefixes.  The byte
	 * forms are those of the draft co-author's implementation (EVE,
	 * identitymgr generateEID): the IID as 4 bytes in network order, the
	 * prefix's len/8 bytes, the SPKI DER (docs/ecdsa.md). */
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, iid, sizeof(iid)) != 1 ||
	    EVP_DigestUpdate(md, p->addr, p->len / 8u) != 1 ||
	    EVP_DigestUpdate(md, der, sizeof(der)) != 1 ||
	    EVP_DigestFinal_ex(md, hash, &hlen) != 1 || hlen != sizeof(hash)) {
		EVP_MD_CTX_free(md);
		return lisp_err_set(err, EIO, "SHA-256 failed");
	}
	EVP_MD_CTX_free(md);
	/* The leading (128 - len) bits of the hash fill the host part. */
	memcpy(eid, p->addr, 16);
	for (unsigned b = p->len, h = 0; b < 128; b++, h++)
		if (hash[h / 8] & (0x80 >> (h % 8)))
			eid[b / 8] |= 0x80 >> (b % 8);
	return 0;
}

int ecdsa_crypto_eid_check(const struct ecdsa_prefix *p, EVP_PKEY *pub, const uint8_t eid[16],
			   enum ecdsa_reason *why, struct lisp_err *err)
{
	uint8_t want[16];
	int rc;

	if (!prefix_covers(p, eid))
		return refuse(why, ECDSA_R_EID_NOT_IN_PREFIX, err, EACCES,
			      "EID outside the crypto-EID prefix");
	rc = ecdsa_crypto_eid(p, pub, want, err);
	if (rc < 0) {
		if (why)
			*why = ECDSA_R_KEY_NOT_P256;
		return rc;
	}
	/* Not secret, so no constant-time compare is needed. */
	if (memcmp(want, eid, 16) != 0)
		return refuse(why, ECDSA_R_EID_HASH_MISMATCH, err, EACCES,
			      "EID is not the hash of this public key");
	if (why)
		*why = ECDSA_R_OK;
	return 0;
}

int ecdsa_hash_eid(const struct ecdsa_prefix *p, const uint8_t eid[16], char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned digits = (128u - p->len) / 4, first = p->len / 4;
	size_t o = 0;

	if (p->len < ECDSA_PREFIX_LEN_MIN || p->len > ECDSA_PREFIX_LEN_MAX || p->len % 8 ||
	    len < ECDSA_HASH_EID_MAX)
		return -EINVAL;
	/* draft-ietf-lisp-ecdsa-auth, "Definition of Terms" (Hash-EID) and
	 * "Hash-EID Mapping Entry": the name is "hash-" and the
	 * hash in hex; groups of four digits counted from the right, as the
	 * draft's examples write them. */
	memcpy(buf, "hash-", 5);
	o = 5;
	for (unsigned i = 0; i < digits; i++) {
		unsigned nib = first + i;
		uint8_t v = (eid[nib / 2] >> (nib % 2 ? 0 : 4)) & 0xf;

		if (i > 0 && (digits - i) % 4 == 0)
			buf[o++] = ':';
		buf[o++] = hex[v];
	}
	buf[o] = '\0';
	return (int)o;
}

/* ---- EID text ---- */

int ecdsa_eid_format(const struct ecdsa_eid *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (!inet_ntop(e->af, e->addr, a, sizeof(a)))
		return -EINVAL;
	n = snprintf(buf, len, "[%" PRIu32 "]%s", e->iid, a);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

int ecdsa_eid_parse(const char *s, size_t n, struct ecdsa_eid *out, enum ecdsa_reason *why,
		    struct lisp_err *err)
{
	char text[ECDSA_EID_TEXT_MAX], again[ECDSA_EID_TEXT_MAX];
	const char *close;
	uint64_t iid = 0;
	size_t i;

	if (n < 4 || n >= sizeof(text) || s[0] != '[' || memchr(s, '\0', n))
		goto bad;
	memcpy(text, s, n);
	text[n] = '\0';
	close = strchr(text, ']');
	if (!close || close == text + 1 || close - text > 11)
		goto bad;
	for (i = 1; text + i < close; i++) {
		if (text[i] < '0' || text[i] > '9')
			goto bad;
		iid = iid * 10 + (uint64_t)(text[i] - '0');
	}
	if (iid > UINT32_MAX)
		goto bad;
	memset(out, 0, sizeof(*out));
	out->iid = (uint32_t)iid;
	out->af = strchr(close + 1, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out->af, close + 1, out->addr) != 1)
		goto bad;
	/* Only the canonical text: no leading zeros in the IID, RFC 5952
	 * lower case and compression. */
	if (ecdsa_eid_format(out, again, sizeof(again)) < 0 || strcmp(again, text) != 0)
		goto bad;
	return 0;
bad:
	return refuse(why, ECDSA_R_EID_SYNTAX, err, EINVAL,
		      "EID is not \"[IID]ADDRESS\" in canonical form");
}

/* ---- signed strings ---- */

int ecdsa_signed_register(const struct ecdsa_eid *eid, char *buf, size_t len)
{
	/* draft-ietf-lisp-ecdsa-auth, "Signed Map-Register Encoding": the
	 * registering xTR signs the crypto-EID it registers, written
	 * "[IID]EID" as in the signature-eid member. */
	return ecdsa_eid_format(eid, buf, len);
}

int ecdsa_signed_request(uint64_t nonce, const struct ecdsa_eid *source,
			 const struct ecdsa_eid *target, char *buf, size_t len)
{
	char src[ECDSA_EID_TEXT_MAX], dst[ECDSA_EID_TEXT_MAX];
	int n;

	/* draft-ietf-lisp-ecdsa-auth, "Signed Map-Request Encoding": the
	 * signature covers the nonce, the source EID and the target EID, in
	 * that order, as text (docs/ecdsa.md gives the exact forms). */
	if (ecdsa_eid_format(source, src, sizeof(src)) < 0 ||
	    ecdsa_eid_format(target, dst, sizeof(dst)) < 0)
		return -EINVAL;
	n = snprintf(buf, len, "%" PRIx64 "%s%s", nonce, src, dst);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/* ---- signatures ---- */

int ecdsa_sign(EVP_PKEY *key, const void *msg, size_t len, uint8_t sig[ECDSA_SIG_LEN],
	       struct lisp_err *err)
{
	unsigned char der[80];
	const unsigned char *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *es = NULL;
	size_t dlen = sizeof(der);
	EVP_MD_CTX *md;
	int ok;

	if (!key_is_p256(key))
		return lisp_err_set(err, EINVAL, "not a P-256 key");
	md = EVP_MD_CTX_new();
	ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	     EVP_DigestSign(md, der, &dlen, msg, len) == 1;
	EVP_MD_CTX_free(md);
	if (ok)
		es = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
	if (!es)
		return lisp_err_set(err, EIO, "ECDSA signing failed");
	ECDSA_SIG_get0(es, &r, &s);
	ok = BN_bn2binpad(r, sig, 32) == 32 && BN_bn2binpad(s, sig + 32, 32) == 32;
	ECDSA_SIG_free(es);
	return ok ? 0 : lisp_err_set(err, EIO, "ECDSA signature does not fit 64 bytes");
}

static bool scalar_in_range(const uint8_t v[32])
{
	static const uint8_t zero[32];

	return memcmp(v, zero, 32) != 0 && memcmp(v, p256_order, 32) < 0;
}

int ecdsa_verify(EVP_PKEY *pub, const void *msg, size_t len, const uint8_t sig[ECDSA_SIG_LEN],
		 enum ecdsa_reason *why, struct lisp_err *err)
{
	unsigned char *der = NULL;
	BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es = NULL;
	EVP_MD_CTX *md = NULL;
	int dlen, vr = 0;

	if (!scalar_in_range(sig) || !scalar_in_range(sig + 32))
		return refuse(why, ECDSA_R_SIG_RANGE, err, EACCES,
			      "signature r or s outside [1, n-1]");
	if (!key_is_p256(pub))
		return refuse(why, ECDSA_R_KEY_NOT_P256, err, EINVAL, "not a P-256 key");
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	es = ECDSA_SIG_new();
	if (!r || !s || !es || ECDSA_SIG_set0(es, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return lisp_err_set(err, ENOMEM, "out of memory");
	}
	dlen = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	md = EVP_MD_CTX_new();
	if (dlen > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1)
		vr = EVP_DigestVerify(md, der, (size_t)dlen, msg, len);
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	if (vr != 1)
		return refuse(why, ECDSA_R_SIG_MISMATCH, err, EACCES,
			      "signature does not verify under this key");
	if (why)
		*why = ECDSA_R_OK;
	return 0;
}
