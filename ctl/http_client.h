/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl's client of lispgw-cp's REST API, on libcurl: http:// (the API
 * listens on loopback by default) or https:// (docs/security.md, "REST over
 * TLS": the server's certificate checked against --cacert FILE or the
 * system's CAs, and its name against the URL's host; --insecure skips both
 * only when asked).  One request per connection, bounded by a timeout,
 * bodies read whole, no proxy (the token goes to the API only), no
 * redirect, no protocol but http and https.
 */
#ifndef LISPGW_CTL_HTTP_CLIENT_H
#define LISPGW_CTL_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define CTL_API_DEFAULT		"http://127.0.0.1:8080"
#define CTL_API_TOKEN_ENV	"LISPGW_TOKEN"
#define HTTP_TIMEOUT_MS		5000
#define HTTP_RESP_MAX		(64u * 1024 * 1024)

/* Where the REST commands go: --api / --token / --cacert / --insecure
 * (before or after the command), else LISPGW_TOKEN and CTL_API_DEFAULT. */
struct ctl_api {
	const char *url;
	const char *token;
	const char *cacert;	/* https: the CA file that signed the API's certificate */
	bool insecure;		/* https: no check of the certificate at all */
};

extern struct ctl_api ctl_api;

struct http_resp {
	int status;
	char *body;		/* NUL-terminated, malloc'ed */
	size_t len;
	char ctype[128];
};

/* TLS settings of a request (https:// only). */
struct http_tls {
	const char *cacert;	/* NULL: the system's CAs */
	bool insecure;
};

/*
 * One request to base_url + path (path starts with '/', query included).
 * token NULL: no Authorization header; tls NULL: the defaults.  Returns 0
 * when a response came (any status), or -errno with a sentence in err
 * (connection refused, timeout, certificate not trusted, malformed
 * response).
 */
int http_request(const char *base_url, const char *method, const char *path,
		 const char *token, const struct http_tls *tls, const char *body,
		 size_t body_len, struct http_resp *out, char *err, size_t err_len);
void http_resp_free(struct http_resp *r);

/* Appends s percent-encoded (all but RFC 3986 unreserved characters). */
void http_query_escape(char *buf, size_t len, const char *s);

/*
 * The REST commands' common path: request with ctl_api, print any failure
 * as "lispgw-ctl: ..." on stderr (with the API's JSON "error" member), and
 * return the parsed JSON body of a 2xx answer (NULL otherwise).  raw, when
 * non-NULL, receives the body text (caller frees).
 */
json_t *ctl_api_call(const char *method, const char *path, const char *body, char **raw);

#endif
