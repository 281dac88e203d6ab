/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API over TLS (docs/security.md, "REST over TLS"): the server
 * certificate and key that libmicrohttpd's GnuTLS sessions present.
 *
 * libmicrohttpd is started with a certificate callback instead of fixed
 * PEM strings, so that a reload can swap the certificate under a running
 * daemon: each accepted connection takes a reference on the certificate
 * current at its accept (rest.c, NOTIFY_STARTED), its handshake presents
 * that one, and the reference is dropped when it closes.  A reload loads
 * the new files aside first (rest_tls_cert_load); a file that does not
 * load refuses the whole reload, and the running certificate stays.
 */
#ifndef LISPGW_REST_TLS_H
#define LISPGW_REST_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "lisp_err.h"

/* A PEM file larger than this is refused unread (a chain of a few
 * certificates is a few KiB). */
#define REST_TLS_FILE_MAX	(256 * 1024)
/* Certificates in the chain file: the server's first, then issuers. */
#define REST_TLS_CHAIN_MAX	8
/* TLS 1.2 and 1.3 only, GnuTLS's NORMAL suites otherwise. */
#define REST_TLS_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct rest_tls_cert {
	unsigned int refs;
	unsigned int count;
	gnutls_pcert_st pcerts[REST_TLS_CHAIN_MAX];
	gnutls_privkey_t key;
	char subject[256];		/* the server certificate's DN, for logs */
	char not_after[32];		/* its expiry, RFC 3339 UTC */
};

/* true when this libmicrohttpd was built with TLS (Debian's is). */
bool rest_tls_supported(void);

/* Reads and checks cert_file (PEM chain, server certificate first) and
 * key_file (PEM private key): both parse, the key is the certificate's, the
 * certificate has not expired.  *out holds one reference.  0, or -errno
 * with a sentence naming the file in err. */
int rest_tls_cert_load(const char *cert_file, const char *key_file, struct rest_tls_cert **out,
		       struct lisp_err *err);
struct rest_tls_cert *rest_tls_cert_get(struct rest_tls_cert *c);
/* Drops one reference; the last frees it (the key wiped by GnuTLS). */
void rest_tls_cert_put(struct rest_tls_cert *c);

/* ---- the connections (rest.c) ------------------------------------------ */

struct rest_conn;
struct rest_counters;

/* libmicrohttpd's MHD_OPTION_HTTPS_CERT_CALLBACK: the certificate of the
 * connection's rest_conn (taken at its accept).  -1 fails the handshake. */
int rest_tls_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
		      const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
		      gnutls_pcert_st **pcert, unsigned int *pcert_length,
		      gnutls_privkey_t *pkey);
/* A connection accepted by an https API (NOTIFY_STARTED): it keeps a
 * reference on cert, and its handshake's end is watched.  conn is the
 * struct MHD_Connection. */
void rest_tls_conn_start(struct rest_conn *rc, void *conn, struct rest_tls_cert *cert);
/* It closed (NOTIFY_CLOSED): counted as a handshake or a failed one, its
 * reference dropped. */
void rest_tls_conn_end(struct rest_conn *rc, struct rest_counters *c);
/* 1: a whole TLS handshake record (a ClientHello) waits in fd, the https
 * counterpart of a whole request head (rest.c peeks at newcomers to a full
 * table); 0: nothing yet; -1: part of one, not TLS, end of stream. */
int rest_tls_hello_arrived(int fd);

#endif
