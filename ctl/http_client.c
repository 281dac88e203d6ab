/* SPDX-License-Identifier: BSD-3-Clause */
#include "http_client.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ctl.h"

struct ctl_api ctl_api;

#define URL_MAX 4096

/* base_url (http:// or https://, any trailing '/' dropped) + path. */
static int url_build(const char *base, const char *path, char *url, size_t len, char *err,
		     size_t err_len)
{
	size_t n = strlen(base);

	if (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0) {
		snprintf(err, err_len, "%s: the API URL must start with http:// or https://", base);
		return -EINVAL;
	}
	while (n && base[n - 1] == '/')
		n--;
	if ((size_t)snprintf(url, len, "%.*s%s", (int)n, base, path) >= len) {
		snprintf(err, err_len, "%.64s...: URL too long", base);
		return -ENAMETOOLONG;
	}
	return 0;
}

struct body_buf {
	char *p;
	size_t len, cap;
	bool too_large;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body_buf *b = arg;
	size_t n = size * nmemb, cap;
	char *grown;

	if (n > HTTP_RESP_MAX - b->len) {
		b->too_large = true;
		return 0;	/* libcurl stops: CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 16384;
		while (cap < b->len + n + 1)
			cap *= 2;
		grown = realloc(b->p, cap);
		if (!grown)
			return 0;
		b->p = grown;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

/* A sentence for what libcurl could not do, with what the operator can
 * change about it; -errno. */
static int curl_failure(CURL *h, CURLcode rc, const char *url, const char *detail,
			const struct body_buf *b, char *err, size_t err_len)
{
	long os_errno = 0;

	curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		snprintf(err, err_len, "cannot connect to %s: %s", url,
			 os_errno ? strerror((int)os_errno) : detail);
		return os_errno ? -(int)os_errno : -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(err, err_len, "%s: no answer within %d ms", url, HTTP_TIMEOUT_MS);
		return -ETIMEDOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(detail, "host name") || strstr(detail, "subject name")) {
			snprintf(err, err_len, "%s: the API's certificate is for another name: %s "
				 "(--api must name a host the certificate names)", url, detail);
			return -EACCES;
		}
		snprintf(err, err_len, "%s: the API's certificate is not trusted: %s (--cacert FILE "
			 "names the CA that signed it)", url, detail);
		return -EACCES;
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(err, err_len, "%s: --cacert: %s", url, detail);
		return -EINVAL;
	case CURLE_SSL_CONNECT_ERROR:
		snprintf(err, err_len, "%s: TLS handshake failed: %s (is the API https?)", url,
			 detail);
		return -EPROTO;
	case CURLE_GOT_NOTHING:
		snprintf(err, err_len, "%s: the connection closed without an answer (is the API "
			 "https?)", url);
		return -ECONNRESET;
	case CURLE_WRITE_ERROR:
		if (b->too_large) {
			snprintf(err, err_len, "%s: answer larger than %u bytes", url,
				 HTTP_RESP_MAX);
			return -EFBIG;
		}
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	default:
		snprintf(err, err_len, "%s: %s", url, detail);
		return -EIO;
	}
}

/* Appends h to l; on failure keeps l and sets *oom. */
static struct curl_slist *header_add(struct curl_slist *l, const char *h, bool *oom)
{
	struct curl_slist *n = curl_slist_append(l, h);

	if (!n)
		*oom = true;
	return n ? n : l;
}

static int curl_ready(char *err, size_t err_len)
{
	static bool done;

	if (!done && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, err_len, "libcurl did not start");
		return -ENOMEM;
	}
	done = true;
	return 0;
}

int http_request(const char *base_url, const char *method, const char *path,
		 const char *token, const struct http_tls *tls, const char *body,
		 size_t body_len, struct http_resp *out, char *err, size_t err_len)
{
	char url[URL_MAX], detail[CURL_ERROR_SIZE] = "", *auth = NULL, *ctype = NULL;
	struct body_buf b = { 0 };
	struct curl_slist *hdrs = NULL;
	long status = 0;
	bool oom = false;
	CURLcode rc;
	CURL *h;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	ret = url_build(base_url, path, url, sizeof(url), err, err_len);
	if (ret < 0 || (ret = curl_ready(err, err_len)) < 0)
		return ret;
	h = curl_easy_init();
	if (!h || (token && asprintf(&auth, "Authorization: Bearer %s", token) < 0)) {
		auth = NULL;
		ret = -ENOMEM;
		snprintf(err, err_len, "out of memory");
		goto out;
	}
	hdrs = header_add(hdrs, "Accept: application/json", &oom);
	if (auth)
		hdrs = header_add(hdrs, auth, &oom);
	if (body)
		hdrs = header_add(hdrs, "Content-Type: application/json", &oom);
	hdrs = header_add(hdrs, "Expect:", &oom);	/* no 100-continue round */
	if (oom) {
		ret = -ENOMEM;
		snprintf(err, err_len, "out of memory");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");	/* the token goes to the API only */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_USERAGENT, CTL_PROG);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	if (body || (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)) {
		/* A body (or none: Content-Length 0) on every other method. */
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(body ? body_len : 0));
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (tls && tls->cacert)
		curl_easy_setopt(h, CURLOPT_CAINFO, tls->cacert);
	if (tls && tls->insecure) {	/* only when the operator asked */
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		ret = curl_failure(h, rc, url, detail[0] ? detail : curl_easy_strerror(rc), &b, err,
				   err_len);
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype);
	if (ctype)
		snprintf(out->ctype, sizeof(out->ctype), "%s", ctype);
	out->status = (int)status;
	out->body = b.p ? b.p : strdup("");
	out->len = b.len;
	b.p = NULL;
	if (!out->body) {
		ret = -ENOMEM;
		snprintf(err, err_len, "out of memory");
	}
out:
	free(b.p);
	if (auth)	/* it holds the token */
		explicit_bzero(auth, strlen(auth));
	free(auth);
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	return ret;
}

void http_resp_free(struct http_resp *r)
{
	free(r->body);
	r->body = NULL;
}

void http_query_escape(char *buf, size_t len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(buf);

	for (; *s && n + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			buf[n++] = (char)c;
		} else {
			buf[n++] = '%';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	buf[n] = '\0';
}

json_t *ctl_api_call(const char *method, const char *path, const char *body, char **raw)
{
	const char *url = ctl_api.url ? ctl_api.url : CTL_API_DEFAULT;
	const char *token = ctl_api.token ? ctl_api.token : getenv(CTL_API_TOKEN_ENV);
	struct http_tls tls = { .cacert = ctl_api.cacert, .insecure = ctl_api.insecure };
	struct http_resp r;
	char err[1024];
	json_t *j, *msg;

	if (http_request(url, method, path, token && *token ? token : NULL, &tls, body,
			 body ? strlen(body) : 0, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s%s\n", CTL_PROG, err,
			strstr(err, "refused") ? " (is lispgw-cp running with rest enabled? "
						 "--api URL picks another)" : "");
		return NULL;
	}
	j = json_loadb(r.body, r.len, 0, NULL);
	if (r.status < 200 || r.status > 299) {
		msg = json_object_get(j, "error");
		fprintf(stderr, "%s: %s %s: %d %s\n", CTL_PROG, method, path, r.status,
			json_is_string(msg) ? json_string_value(msg) : r.body);
		if (r.status == 401)
			fprintf(stderr, "%s: the API wants its bearer token: --token TOKEN or %s\n",
				CTL_PROG, CTL_API_TOKEN_ENV);
		json_decref(j);
		http_resp_free(&r);
		return NULL;
	}
	if (!j) {
		fprintf(stderr, "%s: %s %s: the answer is not JSON\n", CTL_PROG, method, path);
		http_resp_free(&r);
		return NULL;
	}
	if (raw)
		*raw = r.body;
	else
		http_resp_free(&r);
	return j;
}
