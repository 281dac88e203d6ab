/* SPDX-License-Identifier: BSD-3-Clause */
#include "http_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ctl.h"

struct ctl_api ctl_api;

struct url {
	char host[256];
	char port[8];
	char prefix[256];	/* path before the API's own, without a trailing '/' */
};

static int url_parse(const char *s, struct url *u, char *err, size_t err_len)
{
	const char *p, *host_end, *path;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "https://", 8) == 0) {
		snprintf(err, err_len, "%s: https is not supported (the API is plain HTTP on "
				       "loopback; use http://)", s);
		return -EPROTONOSUPPORT;
	}
	if (strncmp(s, "http://", 7) != 0) {
		snprintf(err, err_len, "%s: the API URL must start with http://", s);
		return -EINVAL;
	}
	p = s + 7;
	path = strchr(p, '/');
	if (!path)
		path = p + strlen(p);
	if (*p == '[') {
		host_end = memchr(p, ']', (size_t)(path - p));
		if (!host_end)
			goto bad;
		n = (size_t)(host_end - p - 1);
		if (n == 0 || n >= sizeof(u->host))
			goto bad;
		memcpy(u->host, p + 1, n);
		p = host_end + 1;
	} else {
		host_end = memchr(p, ':', (size_t)(path - p));
		if (!host_end)
			host_end = path;
		n = (size_t)(host_end - p);
		if (n == 0 || n >= sizeof(u->host))
			goto bad;
		memcpy(u->host, p, n);
		p = host_end;
	}
	if (*p == ':') {
		n = (size_t)(path - p - 1);
		if (n == 0 || n >= sizeof(u->port) || strspn(p + 1, "0123456789") < n)
			goto bad;
		memcpy(u->port, p + 1, n);
	} else if (p != path) {
		goto bad;
	} else {
		snprintf(u->port, sizeof(u->port), "80");
	}
	n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	if (n >= sizeof(u->prefix))
		goto bad;
	memcpy(u->prefix, path, n);
	return 0;
bad:
	snprintf(err, err_len, "%s: not a URL of the form http://HOST[:PORT]", s);
	return -EINVAL;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return -ETIMEDOUT;
	return rc < 0 ? -errno : 0;
}

/* A connected socket with the I/O timeouts set, or -errno. */
static int dial(const struct url *u, char *err, size_t err_len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct timeval tv = { HTTP_TIMEOUT_MS / 1000, (HTTP_TIMEOUT_MS % 1000) * 1000 };
	int fd = -1, rc, soerr = 0;
	socklen_t sl = sizeof(soerr);

	rc = getaddrinfo(u->host, u->port, &hints, &res);
	if (rc != 0) {
		snprintf(err, err_len, "%s: %s", u->host, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	rc = -ECONNREFUSED;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    ai->ai_protocol);
		if (fd < 0) {
			rc = -errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			rc = -errno;
		} else if ((rc = wait_fd(fd, POLLOUT, HTTP_TIMEOUT_MS)) == 0) {
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
				rc = -errno;
			else if (soerr)
				rc = -soerr;
			else
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(err, err_len, "cannot connect to %s port %s: %s", u->host, u->port,
			 strerror(-rc));
		return rc;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 && errno == EAGAIN ? -ETIMEDOUT : -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int recv_all(int fd, char **out, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = malloc(cap + 1), *grown;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= HTTP_RESP_MAX) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				free(buf);
				return -ENOMEM;
			}
			buf = grown;
		}
		r = recv(fd, buf + n, cap - n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno == EAGAIN ? ETIMEDOUT : errno;

			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Decodes a chunked body in place; its new length or -EBADMSG. */
static long dechunk(char *b, size_t len)
{
	size_t in = 0, out = 0;

	for (;;) {
		char *end;
		unsigned long sz = strtoul(b + in, &end, 16);
		char *eol = strstr(b + in, "\r\n");

		if (end == b + in || !eol)
			return -EBADMSG;
		in = (size_t)(eol - b) + 2;
		if (sz == 0)
			return (long)out;
		if (sz > len - in || len - in - sz < 2)
			return -EBADMSG;
		memmove(b + out, b + in, sz);
		out += sz;
		in += sz + 2;
	}
}

static const char *header_find(const char *head, size_t head_len, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p && (size_t)(p - head) < head_len;
	     p = strstr(p + 2, "\r\n")) {
		const char *h = p + 2;

		if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
			h += n + 1;
			while (*h == ' ' || *h == '\t')
				h++;
			return h;
		}
	}
	return NULL;
}

static int parse_response(char *raw, size_t len, struct http_resp *out)
{
	char *sep = strstr(raw, "\r\n\r\n"), *body;
	const char *h;
	size_t head_len, body_len;
	int status;

	if (!sep || sscanf(raw, "HTTP/1.%*d %3d", &status) != 1 || status < 100 || status > 599)
		return -EBADMSG;
	head_len = (size_t)(sep - raw) + 2;
	body = sep + 4;
	body_len = len - (size_t)(body - raw);
	h = header_find(raw, head_len, "Transfer-Encoding");
	if (h && strncasecmp(h, "chunked", 7) == 0) {
		long n = dechunk(body, body_len);

		if (n < 0)
			return (int)n;
		body_len = (size_t)n;
	} else if ((h = header_find(raw, head_len, "Content-Length"))) {
		unsigned long cl = strtoul(h, NULL, 10);

		if (cl > body_len)
			return -EBADMSG;	/* cut short */
		body_len = cl;
	}
	h = header_find(raw, head_len, "Content-Type");
	if (h) {
		size_t n = strcspn(h, "\r\n");

		snprintf(out->ctype, sizeof(out->ctype), "%.*s", (int)n, h);
	}
	out->status = status;
	out->body = malloc(body_len + 1);
	if (!out->body)
		return -ENOMEM;
	memcpy(out->body, body, body_len);
	out->body[body_len] = '\0';
	out->len = body_len;
	return 0;
}

int http_request(const char *base_url, const char *method, const char *path,
		 const char *token, const char *body, size_t body_len, struct http_resp *out,
		 char *err, size_t err_len)
{
	struct url u;
	char *head = NULL, *raw = NULL;
	size_t raw_len = 0;
	int fd, rc, n;

	memset(out, 0, sizeof(*out));
	rc = url_parse(base_url, &u, err, err_len);
	if (rc < 0)
		return rc;
	n = asprintf(&head,
		     "%s %s%s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: " CTL_PROG
		     "\r\nAccept: application/json\r\nConnection: close\r\n%s%s%s"
		     "%s%zu\r\n\r\n",
		     method, u.prefix, path, strchr(u.host, ':') ? "[" : "", u.host,
		     strchr(u.host, ':') ? "]" : "", u.port, token ? "Authorization: Bearer " : "",
		     token ? token : "", token ? "\r\n" : "",
		     body ? "Content-Type: application/json\r\nContent-Length: " : "Content-Length: ",
		     body ? body_len : 0);
	if (n < 0) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	fd = dial(&u, err, err_len);
	if (fd < 0) {
		free(head);
		return fd;
	}
	rc = send_all(fd, head, strlen(head));
	if (rc == 0 && body && body_len)
		rc = send_all(fd, body, body_len);
	free(head);
	if (rc == 0)
		rc = recv_all(fd, &raw, &raw_len);
	close(fd);
	if (rc < 0) {
		snprintf(err, err_len, "%s port %s: %s", u.host, u.port, strerror(-rc));
		return rc;
	}
	rc = parse_response(raw, raw_len, out);
	free(raw);
	if (rc < 0)
		snprintf(err, err_len, "%s port %s: not an HTTP response (%s)", u.host, u.port,
			 strerror(-rc));
	return rc;
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
	struct http_resp r;
	char err[512];
	json_t *j, *msg;

	if (http_request(url, method, path, token && *token ? token : NULL, body,
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
