/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading the REST API's certificate and key (rest_tls.h says how they are
 * used; docs/security.md, "REST over TLS").
 */
#include "rest_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/x509.h>
#include <microhttpd.h>

#include "log.h"
#include "rest.h"
#include "rest_conns.h"

bool rest_tls_supported(void)
{
	return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES &&
	       MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK) == MHD_YES;
}

/* The whole of a regular file of at most REST_TLS_FILE_MAX bytes, NUL
 * terminated, and its mode.  -errno (-EINVAL: not a regular file,
 * -ENODATA: empty, -EFBIG: too large). */
static int file_read(const char *path, gnutls_datum_t *out, mode_t *mode)
{
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	/* O_NONBLOCK: a FIFO named by mistake is refused, never waited on
	 * (the event loop would stop). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	*mode = st.st_mode;
	rc = !S_ISREG(st.st_mode) ? -EINVAL : st.st_size <= 0 ? -ENODATA
		: st.st_size > REST_TLS_FILE_MAX ? -EFBIG : 0;
	if (rc < 0)
		goto out;
	out->data = malloc((size_t)st.st_size + 1);
	if (!out->data) {
		rc = -ENOMEM;
		goto out;
	}
	n = read(fd, out->data, (size_t)st.st_size);
	if (n != st.st_size) {
		rc = n < 0 ? -errno : -EIO;
		free(out->data);
		out->data = NULL;
		goto out;
	}
	out->data[n] = '\0';
	out->size = (unsigned int)n;
out:
	close(fd);
	return rc;
}

static void datum_wipe(gnutls_datum_t *d)
{
	if (d->data) {
		explicit_bzero(d->data, d->size);
		free(d->data);
	}
	d->data = NULL;
	d->size = 0;
}

static const char *file_error(int rc)
{
	switch (rc) {
	case -EFBIG:
		return "larger than 256 KiB";
	case -EINVAL:
		return "not a regular file";
	case -ENODATA:
		return "empty";
	default:
		return strerror(-rc);
	}
}

static void cert_free(struct rest_tls_cert *c)
{
	for (unsigned int i = 0; i < c->count; i++)
		gnutls_pcert_deinit(&c->pcerts[i]);
	if (c->key)
		gnutls_privkey_deinit(c->key);
	free(c);
}

/* The server certificate's subject and expiry; -EKEYEXPIRED once past. */
static int cert_describe(struct rest_tls_cert *c, const char *cert_file, struct lisp_err *err)
{
	gnutls_x509_crt_t crt;
	size_t len = sizeof(c->subject);
	time_t until;
	struct tm tm;
	int rc = 0;

	if (gnutls_x509_crt_init(&crt) < 0)
		return -ENOMEM;
	if (gnutls_x509_crt_import(crt, &c->pcerts[0].cert, GNUTLS_X509_FMT_DER) < 0) {
		lisp_err_set(err, EINVAL, "%s: the certificate cannot be read", cert_file);
		rc = -EINVAL;
		goto out;
	}
	if (gnutls_x509_crt_get_dn(crt, c->subject, &len) < 0)
		snprintf(c->subject, sizeof(c->subject), "?");
	until = gnutls_x509_crt_get_expiration_time(crt);
	if (until == (time_t)-1 || !gmtime_r(&until, &tm) ||
	    !strftime(c->not_after, sizeof(c->not_after), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(c->not_after, sizeof(c->not_after), "?");
	if (until != (time_t)-1 && until < time(NULL)) {
		lisp_err_set(err, EKEYEXPIRED, "%s: the certificate (%s) expired at %s", cert_file,
			     c->subject, c->not_after);
		rc = -EKEYEXPIRED;
	}
out:
	gnutls_x509_crt_deinit(crt);
	return rc;
}

/* Both parse and the key is the certificate's: GnuTLS's own credential
 * loader checks that (GNUTLS_E_CERTIFICATE_KEY_MISMATCH). */
static int pair_check(const gnutls_datum_t *cert, const gnutls_datum_t *key,
		      const char *cert_file, const char *key_file, struct lisp_err *err)
{
	gnutls_certificate_credentials_t cred;
	int rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		return -ENOMEM;
	rc = gnutls_certificate_set_x509_key_mem2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0);
	gnutls_certificate_free_credentials(cred);
	if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
		lisp_err_set(err, EINVAL, "%s is not the key of %s", key_file, cert_file);
		return -EINVAL;
	}
	if (rc < 0) {
		lisp_err_set(err, EINVAL, "%s and %s: not a PEM certificate and its key (%s)",
			     cert_file, key_file, gnutls_strerror(rc));
		return -EINVAL;
	}
	return 0;
}

int rest_tls_cert_load(const char *cert_file, const char *key_file, struct rest_tls_cert **out,
		       struct lisp_err *err)
{
	gnutls_datum_t cert = { 0 }, key = { 0 };
	struct rest_tls_cert *c = NULL;
	mode_t mode;
	int rc;

	*out = NULL;
	if (!rest_tls_supported()) {
		lisp_err_set(err, ENOTSUP, "rest: https: this libmicrohttpd has no TLS support");
		return -ENOTSUP;
	}
	rc = file_read(cert_file, &cert, &mode);
	if (rc < 0) {
		lisp_err_set(err, -rc, "%s: %s", cert_file, file_error(rc));
		return rc;
	}
	rc = file_read(key_file, &key, &mode);
	if (rc < 0) {
		lisp_err_set(err, -rc, "%s: %s", key_file, file_error(rc));
		goto out;
	}
	if (mode & (S_IRWXG | S_IRWXO))	/* used all the same: the operator's call */
		log_warn("rest: %s is readable by others than its owner (mode %04o); "
			 "chmod 600 it", key_file, (unsigned int)(mode & 07777));
	c = calloc(1, sizeof(*c));
	if (!c) {
		rc = -ENOMEM;
		lisp_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	c->count = REST_TLS_CHAIN_MAX;
	rc = gnutls_pcert_list_import_x509_raw(c->pcerts, &c->count, &cert, GNUTLS_X509_FMT_PEM,
					       0);
	if (rc < 0) {
		c->count = 0;
		lisp_err_set(err, EINVAL, "%s: not a PEM certificate chain of at most %d (%s)",
			     cert_file, REST_TLS_CHAIN_MAX, gnutls_strerror(rc));
		rc = -EINVAL;
		goto out;
	}
	if (gnutls_privkey_init(&c->key) < 0 ||
	    gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM, NULL, 0) < 0) {
		lisp_err_set(err, EINVAL, "%s: not a PEM private key", key_file);
		rc = -EINVAL;
		goto out;
	}
	rc = pair_check(&cert, &key, cert_file, key_file, err);
	if (rc < 0)
		goto out;
	rc = cert_describe(c, cert_file, err);
	if (rc < 0)
		goto out;
	c->refs = 1;
	*out = c;
	c = NULL;
out:
	if (c)
		cert_free(c);
	datum_wipe(&cert);
	datum_wipe(&key);
	return rc;
}

struct rest_tls_cert *rest_tls_cert_get(struct rest_tls_cert *c)
{
	if (c)
		c->refs++;
	return c;
}

void rest_tls_cert_put(struct rest_tls_cert *c)
{
	if (c && --c->refs == 0)
		cert_free(c);
}

int rest_config_check(const struct cp_config_rest *conf, struct lisp_err *err)
{
	struct rest_tls_cert *c;
	int rc;

	if (!conf->enabled || !conf->tls_cert_file)
		return 0;
	rc = rest_tls_cert_load(conf->tls_cert_file, conf->tls_key_file, &c, err);
	rest_tls_cert_put(c);
	return rc;
}

/* ---- the connections -------------------------------------------------------- */

/* libmicrohttpd sets each session's pointer to its connection; ours hangs
 * off that as the socket context (rest.c). */
static struct rest_conn *session_conn(gnutls_session_t session)
{
	struct MHD_Connection *conn = gnutls_session_get_ptr(session);
	const union MHD_ConnectionInfo *ci =
		conn ? MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT) : NULL;

	return ci ? ci->socket_context : NULL;
}

int rest_tls_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
		      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
		      gnutls_pcert_st **pcert, unsigned int *pcert_length,
		      gnutls_privkey_t *pkey)
{
	struct rest_conn *rc = session_conn(session);
	struct rest_tls_cert *c = rc ? rc->tls : NULL;

	(void)req_ca_dn;
	(void)nreqs;
	(void)pk_algos;
	(void)pk_algos_length;
	if (!c)
		return -1;
	/* GnuTLS borrows these: the connection's reference keeps them. */
	*pcert = c->pcerts;
	*pcert_length = c->count;
	*pkey = c->key;
	return 0;
}

/* The client's Finished: the handshake is complete (RFC 8446 section 4.4.4,
 * RFC 5246 section 7.4.9: it is the last handshake message we receive). */
static int on_finished(gnutls_session_t session, unsigned int htype, unsigned int when,
		       unsigned int incoming, const gnutls_datum_t *msg)
{
	struct rest_conn *rc;

	(void)htype;
	(void)when;
	(void)msg;
	if (incoming && (rc = session_conn(session)))
		rc->tls_done = true;
	return 0;
}

void rest_tls_conn_start(struct rest_conn *rc, void *conn, struct rest_tls_cert *cert)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);

	rc->tls = rest_tls_cert_get(cert);
	rc->tls_done = false;
	if (ci && ci->tls_session)
		gnutls_handshake_set_hook_function(ci->tls_session, GNUTLS_HANDSHAKE_FINISHED,
						   GNUTLS_HOOK_POST, on_finished);
}

void rest_tls_conn_end(struct rest_conn *rc, struct rest_counters *c)
{
	if (!rc->tls)
		return;
	if (rc->tls_done)
		c->tls_handshakes++;
	else
		c->tls_handshake_failures++;
	rest_tls_cert_put(rc->tls);
	rc->tls = NULL;
}

int rest_tls_hello_arrived(int fd)
{
	uint8_t buf[5 + 16384];	/* a record header and its largest fragment */
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	size_t len;

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	/* RFC 8446 section 5.1: type 22 (handshake), version, length. */
	if (n < 5 || buf[0] != 22)
		return -1;
	len = (size_t)buf[3] << 8 | buf[4];
	return (size_t)n >= 5 + len ? 1 : -1;
}
