/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP side of the REST API: libmicrohttpd on the daemon's event loop,
 * bearer-token authentication, routing, request bodies, responses.
 *
 * MHD runs with MHD_USE_EPOLL and no thread of its own.  Its epoll fd is
 * watched for EV_READ; MHD_run() is called when it is readable and when the
 * timer taken from MHD_get_timeout() expires (connection timeouts, data MHD
 * already read but not yet handed over).  The timer is re-armed after every
 * MHD_run(), which is the only place MHD's idea of "next" can change.
 *
 * A request's life: MHD calls the access handler first with the headers
 * only (we allocate the request context), then once per body chunk (we
 * append, up to REST_BODY_MAX, and count what is over), then a last time
 * with no data: only then is the handler run and any answer sent, 401 and
 * 413 included, so that it goes out after the whole body was read and the
 * connection can be kept alive.  The token is checked on the headers, and
 * the body of a request without it is read and dropped, never buffered.
 *
 * Connections: the listening socket is ours, not libmicrohttpd's
 * (MHD_USE_NO_LISTEN_SOCKET), so that each accepted socket goes through the
 * connection table (rest_conns.h) before MHD_add_connection(): a full table
 * closes its oldest incomplete connection rather than leave the newcomer
 * in the backlog behind slow clients.  The table learns each connection's
 * phase from the callbacks below (head complete, body complete, response
 * sent) and a timer closes those past their header or body deadline.
 */
#include "rest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "rest_conns.h"
#include "rest_priv.h"
#include "rest_tls.h"

/* Connections accepted per readable turn of the listener.  libmicrohttpd
 * runs after each, so that a request already sent is read before the next
 * newcomer can close its connection to make room. */
#define REST_ACCEPT_BATCH	16
/* After EMFILE and the like: the listener rests this long. */
#define REST_ACCEPT_PAUSE_MS	100
/* Newcomers to a full table waiting for their request head at once. */
#define REST_PENDING_MAX	256
/* A head longer than this, peeked at, is taken as incomplete. */
#define REST_PEEK_MAX		4096

struct rest;

/* A newcomer to a full table: it may close an incomplete connection once
 * its whole request head is there (rest_conns.h); it gets rest.full-wait. */
struct rest_pending {
	struct rest *rest;
	int fd;				/* -1: free */
	uint64_t since_ms;
	struct sockaddr_storage peer;
	socklen_t peer_len;
};

struct rest {
	struct cp *cp;
	struct MHD_Daemon *daemon;
	int epoll_fd;
	int listen_fd;
	struct evtimer timer;		/* libmicrohttpd's own timeouts */
	struct evtimer deadline;	/* the table's header and body deadlines */
	struct evtimer accept_retry;
	bool accept_paused;
	struct rest_conns conns;
	struct rest_conn *adding;	/* between accept and NOTIFY_CONNECTION */
	unsigned int idle_s;
	uint32_t full_wait_ms;
	struct rest_pending pending[REST_PENDING_MAX];
	char *token;
	size_t token_len;
	struct cp_config_rest conf;	/* address, port, enabled as started */
	struct rest_tls_cert *tls;	/* https: what new connections present */
	struct rest_tls_cert *tls_next;	/* loaded by rest_reload_check */
	uint16_t port;
	struct rest_counters c;
	struct log_ratelimit rl;
	/* libmicrohttpd's own lines: every connection shut down here is one
	 * ("closed by remote side"), they must not silence ours. */
	struct log_ratelimit mhd_rl;
};

/* One request between the access handler's first and last calls. */
struct rest_conn_req {
	char *body;
	size_t len;
	size_t cap;
	bool too_large;
	bool authorized;	/* decided on the headers: no body is kept otherwise */
};

struct rest_route {
	const char *path;
	rest_handler_fn get;
	rest_handler_fn post;
	rest_handler_fn del;
	const char *allow;
	bool public;		/* no token needed */
	rest_handler_fn patch;
	bool subtree;		/* path/ID: one item under path */
};

static const struct rest_route routes[] = {
	{ "/api/v1/health", rest_get_health, NULL, NULL, "GET, HEAD", true },
	{ "/api/v1/sites", rest_get_sites, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/delegations", rest_get_delegations, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/registrations", rest_get_registrations, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/map-cache", rest_get_map_cache, rest_post_map_cache, NULL, "GET, HEAD, POST",
	  false },
	{ "/api/v1/ddt/referral-cache", rest_get_ddt_referral_cache, NULL, NULL, "GET, HEAD",
	  false },
	{ "/api/v1/stats", rest_get_stats, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/mappings", rest_get_mappings, rest_post_mappings, rest_delete_mappings,
	  "GET, HEAD, POST, DELETE", false },
	{ "/api/v1/ddt/delegations", rest_get_ddt_delegations, NULL, NULL, "GET, HEAD", false },
	{ "/metrics", rest_get_metrics, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/agents", rest_get_agents, rest_post_agents, NULL, "GET, HEAD, POST", false },
	{ "/api/v1/agents", rest_get_agent, NULL, rest_delete_agent, "GET, HEAD, PATCH, DELETE",
	  false, rest_patch_agent, true },
};

#define ROUTE_COUNT (sizeof(routes) / sizeof(routes[0]))

/* ---- authentication ----------------------------------------------------------- */

/* Constant time in the length of what the client sent, whatever it shares
 * with the token: no early exit, and a length mismatch only sets a bit. */
static bool token_equal(const char *given, size_t glen, const char *want, size_t wlen)
{
	volatile unsigned char acc = glen != wlen;

	if (!wlen)
		return false;
	for (size_t i = 0; i < glen; i++)
		acc |= (unsigned char)(given[i] ^ want[i % wlen]);
	return acc == 0;
}

static bool authorized(struct rest *rest, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return false;
	h += 7;
	while (*h == ' ')
		h++;
	return token_equal(h, strlen(h), rest->token, rest->token_len);
}

/* ---- dispatch ------------------------------------------------------------------ */

static const struct rest_route *route_find(const char *path)
{
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		size_t n = strlen(routes[i].path);

		if (!routes[i].subtree ? strcmp(routes[i].path, path) == 0
				       : strncmp(routes[i].path, path, n) == 0 && path[n] == '/' &&
					 path[n + 1] != '\0')
			return &routes[i];
	}
	return NULL;
}

static void dispatch(struct rest_req *rq, const struct rest_conn_req *cr, struct rest_resp *rs)
{
	const struct rest_route *r = route_find(rq->path);
	rest_handler_fn fn = NULL;

	if (!cr->authorized) {
		rq->rest->c.auth_failures++;
		log_ratelimited(&rq->rest->rl, LOG_LEVEL_WARN, "rest: %s %s: unauthorized",
				rq->method, rq->path);
		rest_resp_error(rs, MHD_HTTP_UNAUTHORIZED, NULL,
				"a valid bearer token is required (Authorization: Bearer ...)");
		return;
	}
	if (cr->too_large) {
		rq->rest->c.bodies_too_large++;
		rest_resp_error(rs, MHD_HTTP_CONTENT_TOO_LARGE, NULL,
				"request body over %d bytes", REST_BODY_MAX);
		return;
	}
	if (!r) {
		rest_resp_error(rs, MHD_HTTP_NOT_FOUND, NULL, "no resource %s", rq->path);
		return;
	}
	if (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0)
		fn = r->get;
	else if (strcmp(rq->method, "POST") == 0)
		fn = r->post;
	else if (strcmp(rq->method, "DELETE") == 0)
		fn = r->del;
	else if (strcmp(rq->method, "PATCH") == 0)
		fn = r->patch;
	if (!fn) {
		rest_resp_error(rs, MHD_HTTP_METHOD_NOT_ALLOWED, NULL,
				"%s does not take %s (allowed: %s)", rq->path, rq->method, r->allow);
		rs->allow = r->allow;
		return;
	}
	fn(rq, rs);
}

static enum MHD_Result respond(struct MHD_Connection *conn, struct rest_resp *rs)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *text = rs->text;
	size_t len = rs->text_len;
	const char *ctype = rs->ctype;

	if (!text) {
		/* 15 significant digits, as attributes are kept: 0.42 stays 0.42. */
		text = rs->json ? json_dumps(rs->json, JSON_COMPACT | JSON_REAL_PRECISION(15))
				: NULL;
		if (!text) {
			rs->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
			text = strdup("{\"error\":\"out of memory\"}");
			if (!text)
				return MHD_NO;
		}
		len = strlen(text);
		ctype = "application/json";
	}
	rs->text = NULL;
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (rs->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"lispgw\"");
	ret = MHD_queue_response(conn, rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int body_append(struct rest_conn_req *cr, const char *data, size_t n)
{
	size_t cap;
	char *grown;

	if (cr->too_large || n > REST_BODY_MAX - cr->len) {
		/* Read and dropped, so that the 413 can still be answered. */
		cr->too_large = true;
		return 0;
	}
	if (cr->len + n + 1 > cr->cap) {
		cap = cr->cap ? cr->cap : 1024;
		while (cap < cr->len + n + 1)
			cap *= 2;
		grown = realloc(cr->body, cap);
		if (!grown)
			return -ENOMEM;
		cr->body = grown;
		cr->cap = cap;
	}
	memcpy(cr->body + cr->len, data, n);
	cr->len += n;
	cr->body[cr->len] = '\0';
	return 0;
}

/* The table's entry of a connection (NULL for none). */
static struct rest_conn *conn_entry(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void conn_phase(struct rest *rest, struct MHD_Connection *conn,
		       enum rest_conn_phase phase)
{
	struct rest_conn *rc = conn_entry(conn);

	if (rc)
		rest_conn_enter(&rest->conns, rc, phase, evloop_now_ms(rest->cp->loop));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct rest *rest = cls;
	struct rest_conn_req *cr = *con_cls;
	struct rest_resp rs = { .status = MHD_HTTP_OK };
	struct rest_req rq;
	enum MHD_Result ret;

	(void)version;
	if (!cr) {
		const struct rest_route *r = route_find(url);

		cr = calloc(1, sizeof(*cr));
		if (!cr)
			return MHD_NO;
		cr->authorized = (r && r->public) || authorized(rest, conn);
		*con_cls = cr;
		conn_phase(rest, conn, REST_CONN_BODY);	/* the head is complete */
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* Without the token a body is read and dropped, never kept. */
		if (cr->authorized && body_append(cr, upload_data, *upload_data_size) < 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	rest->c.requests++;
	conn_phase(rest, conn, REST_CONN_SERVING);
	rq = (struct rest_req){
		.cp = rest->cp,
		.rest = rest,
		.counters = &rest->c,
		.conn = conn,
		.method = method,
		.path = url,
		.body = cr->body,
		.body_len = cr->len,
	};
	dispatch(&rq, cr, &rs);
	if (!rs.json && !rs.text)
		rest_resp_error(&rs, MHD_HTTP_INTERNAL_SERVER_ERROR, NULL, "out of memory");
	if (rs.status >= 500)
		rest->c.server_errors++;
	else if (rs.status >= 400 && rs.status != MHD_HTTP_UNAUTHORIZED)
		rest->c.client_errors++;
	ret = respond(conn, &rs);
	json_decref(rs.json);
	free(rs.text);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct rest_conn_req *cr = *con_cls;
	struct rest *rest = cls;

	if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		rest->c.closed_idle++;
	/* Kept alive: the next request's head is due from now. */
	conn_phase(rest, conn, REST_CONN_HEAD);
	if (cr) {
		free(cr->body);
		free(cr);
		*con_cls = NULL;
	}
}

/* ---- the event loop ----------------------------------------------------------- */

static void rest_timer_rearm(struct rest *rest)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(rest->daemon, &ms) == MHD_YES)
		evtimer_arm(rest->cp->loop, &rest->timer, ms);
	else
		evtimer_cancel(rest->cp->loop, &rest->timer);
}

static void rest_deadline_rearm(struct rest *rest)
{
	uint64_t at = rest_conns_next_deadline(&rest->conns);
	uint64_t now = evloop_now_ms(rest->cp->loop);

	for (size_t i = 0; i < REST_PENDING_MAX; i++)
		if (rest->pending[i].fd >= 0 && rest->pending[i].since_ms + rest->full_wait_ms < at)
			at = rest->pending[i].since_ms + rest->full_wait_ms;

	if (at == UINT64_MAX)
		evtimer_cancel(rest->cp->loop, &rest->deadline);
	else
		evtimer_arm(rest->cp->loop, &rest->deadline, at > now ? at - now : 0);
}

static void rest_run(struct rest *rest)
{
	MHD_run(rest->daemon);
	rest_timer_rearm(rest);
	rest_deadline_rearm(rest);
}

static void on_listen_fd(int fd, unsigned int events, void *arg);

/* A 503 tried once, never waited on, then the close. */
static void refuse(struct rest *rest, int fd, const struct sockaddr_storage *peer,
		   const char *why)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
				   "Content-Length: 0\r\nConnection: close\r\n\r\n";
	char a[INET6_ADDRSTRLEN];
	const void *ip = peer->ss_family == AF_INET6
				 ? (const void *)&((const struct sockaddr_in6 *)peer)->sin6_addr
				 : (const void *)&((const struct sockaddr_in *)peer)->sin_addr;

	if (why) {
		rest->c.refused_full++;
		if (!inet_ntop(peer->ss_family, ip, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		log_ratelimited(&rest->conns.rl, LOG_LEVEL_WARN,
				"rest: refused a connection from %s: the table is full and %s", a,
				why);
	}
	if (!rest->tls)	/* a TLS client would read it as a bad record */
		send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

/* 1: a whole request head waits in the socket; 0: nothing yet; -1: part
 * of one (a slow client), the end of the stream, or an error. */
static int head_arrived(int fd)
{
	char buf[REST_PEEK_MAX];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	return n > 0 && memmem(buf, (size_t)n, "\r\n\r\n", 4) ? 1 : -1;
}

static void pending_free(struct rest *rest, struct rest_pending *p)
{
	evloop_fd_del(rest->cp->loop, p->fd);
	p->fd = -1;
}

static void conn_hand_over(struct rest *rest, int fd, const struct sockaddr_storage *ss,
			   socklen_t len);

static void on_pending_fd(int fd, unsigned int events, void *arg)
{
	struct rest_pending *p = arg;
	struct rest *rest = p->rest;
	struct sockaddr_storage peer = p->peer;
	socklen_t len = p->peer_len;

	(void)events;
	pending_free(rest, p);
	if ((rest->tls ? rest_tls_hello_arrived(fd) : head_arrived(fd)) == 1)
		conn_hand_over(rest, fd, &peer, len);
	else
		refuse(rest, fd, &peer, "its request head came in parts");
	rest_run(rest);
}

/* Waits for fd's head; the oldest waiting is refused when all wait. */
static void pending_add(struct rest *rest, int fd, const struct sockaddr_storage *ss,
			socklen_t len)
{
	struct rest_pending *p = &rest->pending[0];

	for (size_t i = 0; i < REST_PENDING_MAX; i++) {
		if (rest->pending[i].fd < 0) {
			p = &rest->pending[i];
			break;
		}
		if (rest->pending[i].since_ms < p->since_ms)
			p = &rest->pending[i];
	}
	if (p->fd >= 0) {
		int old = p->fd;

		pending_free(rest, p);
		refuse(rest, old, &p->peer, "more newcomers than it can wait for");
	}
	if (evloop_fd_add(rest->cp->loop, fd, EV_READ, on_pending_fd, p) < 0) {
		refuse(rest, fd, ss, "its head cannot be waited for");
		return;
	}
	*p = (struct rest_pending){ .rest = rest, .fd = fd, .peer = *ss, .peer_len = len,
				    .since_ms = evloop_now_ms(rest->cp->loop) };
}

static void on_deadline(struct evtimer *t, void *arg)
{
	struct rest *rest = arg;
	uint64_t now = evloop_now_ms(rest->cp->loop);

	(void)t;
	rest_conns_expire(&rest->conns, now);
	for (size_t i = 0; i < REST_PENDING_MAX; i++) {
		struct rest_pending *p = &rest->pending[i];
		int fd = p->fd;

		if (fd >= 0 && now - p->since_ms >= rest->full_wait_ms) {
			pending_free(rest, p);
			refuse(rest, fd, &p->peer, "its request head did not come in time");
		}
	}
	rest_run(rest);		/* libmicrohttpd closes what was shut down */
}

static void accept_pause(struct rest *rest, int err)
{
	log_ratelimited(&rest->rl, LOG_LEVEL_WARN, "rest: cannot accept: %s; the listener "
			"rests %d ms", strerror(err), REST_ACCEPT_PAUSE_MS);
	if (evloop_fd_del(rest->cp->loop, rest->listen_fd) == 0)
		rest->accept_paused = true;
	evtimer_arm(rest->cp->loop, &rest->accept_retry, REST_ACCEPT_PAUSE_MS);
}

static void on_accept_retry(struct evtimer *t, void *arg)
{
	struct rest *rest = arg;

	(void)t;
	if (rest->accept_paused &&
	    evloop_fd_add(rest->cp->loop, rest->listen_fd, EV_READ, on_listen_fd, rest) == 0)
		rest->accept_paused = false;
}

/* The client shut down its side.  libmicrohttpd's edge-triggered epoll
 * takes a short read for "nothing more", so a FIN that came with the last
 * bytes is never read and the connection would hold its slot until a
 * deadline.  shutdown(SHUT_RD) wakes its watch again: what is queued is
 * still read (a complete request is answered), then the end of stream. */
static void on_peer_closed(int fd, unsigned int events, void *arg)
{
	struct rest *rest = arg;

	(void)events;
	evloop_fd_del(rest->cp->loop, fd);
	shutdown(fd, SHUT_RD);
}

/* One accepted socket: through the table, then to libmicrohttpd (which
 * owns and closes it from then on, even when it fails).  A newcomer to a
 * full table waits for its head (pending_add) unless it is there. */
static void conn_hand_over(struct rest *rest, int fd, const struct sockaddr_storage *ss,
			   socklen_t len)
{
	const struct sockaddr *sa = (const struct sockaddr *)ss;
	uint64_t now = evloop_now_ms(rest->cp->loop);
	struct rest_conn *rc = rest_conns_admit(&rest->conns, fd, sa, len, now, false);
	int head;

	if (!rc && errno == EAGAIN) {
		head = rest->tls ? rest_tls_hello_arrived(fd) : head_arrived(fd);
		if (head == 0) {
			pending_add(rest, fd, ss, len);
			return;
		}
		if (head < 0) {
			refuse(rest, fd, ss, "its request head came in parts");
			return;
		}
		rc = rest_conns_admit(&rest->conns, fd, sa, len, now, true);
	}
	if (!rc) {
		refuse(rest, fd, ss, NULL);	/* counted by the table */
		return;
	}
	rest->adding = rc;
	if (MHD_add_connection(rest->daemon, fd, sa, len) != MHD_YES && !rc->mhd)
		rest_conn_forget(&rest->conns, rc);	/* never started: no CLOSED */
	else if (rc->mhd)	/* best effort: without the watch, a deadline closes it */
		(void)evloop_fd_add(rest->cp->loop, fd, EV_PEER_CLOSED, on_peer_closed, rest);
	rest->adding = NULL;
}

static void on_listen_fd(int fd, unsigned int events, void *arg)
{
	struct rest *rest = arg;

	(void)events;
	for (int i = 0; i < REST_ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (c < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				accept_pause(rest, errno);
			break;	/* EAGAIN, or the client gave up (ECONNABORTED) */
		}
		conn_hand_over(rest, c, &ss, len);
		rest_run(rest);
	}
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct rest *rest = cls;
	struct rest_conn *rc;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		rc = rest->adding;
		*socket_context = rc;
		if (rc)
			rc->mhd = conn;
		/* Per connection, so that a reload applies to the next ones. */
		MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT, rest->idle_s);
		if (rc && rest->tls)
			rest_tls_conn_start(rc, conn, rest->tls);
		return;
	}
	rc = *socket_context;
	*socket_context = NULL;
	if (rc) {
		evloop_fd_del(rest->cp->loop, rc->fd);
		rest_tls_conn_end(rc, &rest->c);
		rest_conn_forget(&rest->conns, rc);
	}
}

static void on_epoll_fd(int fd, unsigned int events, void *arg)
{
	(void)fd;
	(void)events;
	rest_run(arg);
}

static void on_timer(struct evtimer *t, void *arg)
{
	(void)t;
	rest_run(arg);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt,
							   va_list ap)
{
	struct rest *rest = cls;
	char line[256];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	log_ratelimited(&rest->mhd_rl, LOG_LEVEL_WARN, "rest: %s", line);
}

static void limits_of(const struct cp_config_rest *conf, struct rest_conn_limits *lim)
{
	*lim = (struct rest_conn_limits){
		.max = conf->max_conns,
		.max_per_addr = conf->max_conns_per_addr,
		.header_ms = conf->header_deadline_ms,
		.body_ms = conf->body_deadline_ms,
	};
}

static int token_set(struct rest *rest, const char *token)
{
	char *t = strdup(token ? token : "");

	if (!t)
		return -ENOMEM;
	if (rest->token) {
		explicit_bzero(rest->token, rest->token_len);
		free(rest->token);
	}
	rest->token = t;
	rest->token_len = strlen(t);
	return 0;
}

static struct rest *rest_new(struct cp *cp, const struct cp_config_rest *conf)
{
	struct rest_conn_limits lim;
	struct rest *rest = calloc(1, sizeof(*rest));

	if (!rest || token_set(rest, conf->token) < 0) {
		free(rest);
		return NULL;
	}
	rest->cp = cp;
	rest->epoll_fd = -1;
	rest->listen_fd = -1;
	rest->conf = *conf;
	rest->conf.token = NULL;
	rest->idle_s = conf->idle_timeout_ms / 1000;
	rest->full_wait_ms = conf->full_wait_ms;
	for (size_t i = 0; i < REST_PENDING_MAX; i++)
		rest->pending[i].fd = -1;
	rest->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	rest->mhd_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	limits_of(conf, &lim);
	rest_conns_init(&rest->conns, &lim, &rest->c);
	evtimer_init(&rest->timer, on_timer, rest);
	evtimer_init(&rest->deadline, on_deadline, rest);
	evtimer_init(&rest->accept_retry, on_accept_retry, rest);
	return rest;
}

/* https: certificates from our callback (rest_tls.h), TLS 1.2 and 1.3.
 * libmicrohttpd's own limit only backs the table's up: shut-down
 * connections hold a slot there until its next run. */
static struct MHD_Daemon *daemon_start(struct rest *rest)
{
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET;

	return MHD_start_daemon(flags | (rest->tls ? MHD_USE_TLS : 0), 0, NULL, NULL, on_request,
				rest, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, rest,
				MHD_OPTION_CONNECTION_LIMIT,
				(unsigned int)(2 * CP_CONFIG_REST_CONNS_MAX + REST_ACCEPT_BATCH),
				MHD_OPTION_CONNECTION_TIMEOUT, rest->idle_s,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, rest,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, rest,
				/* http: the options end here */
				rest->tls ? MHD_OPTION_HTTPS_CERT_CALLBACK : MHD_OPTION_END,
				rest_tls_retrieve, MHD_OPTION_HTTPS_PRIORITIES, REST_TLS_PRIORITIES,
				MHD_OPTION_END);
}

struct rest *rest_start(struct cp *cp, const struct cp_config_rest *conf, struct lisp_err *err)
{
	const union MHD_DaemonInfo *info;
	char a[LISP_ADDR_STR_MAX];
	struct rest *rest;
	int rc;

	lisp_addr_format(&conf->addr, a, sizeof(a));
	rest = rest_new(cp, conf);
	if (!rest) {
		lisp_err_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (conf->tls_cert_file &&
	    rest_tls_cert_load(conf->tls_cert_file, conf->tls_key_file, &rest->tls, err) < 0)
		goto fail;
	if (cp->itr)	/* the map-cache as the API sees it */
		cp->itr_ops = &rest_itr_ops;
	rest->listen_fd = rest_listener_open(conf, &rest->port);
	if (rest->listen_fd < 0) {
		lisp_err_set(err, -rest->listen_fd, "rest: cannot listen on %s port %u", a,
			     conf->port);
		goto fail;
	}
	rest->daemon = daemon_start(rest);
	if (!rest->daemon) {
		lisp_err_set(err, ENOMEM, "rest: libmicrohttpd did not start");
		goto fail;
	}
	info = MHD_get_daemon_info(rest->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	rest->epoll_fd = info ? info->epoll_fd : -1;
	rc = rest->epoll_fd < 0 ? -EBADF
				: evloop_fd_add(cp->loop, rest->epoll_fd, EV_READ, on_epoll_fd, rest);
	if (rc < 0) {
		lisp_err_set(err, -rc, "rest: cannot watch libmicrohttpd's epoll fd");
		rest->epoll_fd = -1;
		goto fail;
	}
	rc = evloop_fd_add(cp->loop, rest->listen_fd, EV_READ, on_listen_fd, rest);
	if (rc < 0) {
		lisp_err_set(err, -rc, "rest: cannot watch the listening socket");
		close(rest->listen_fd);
		rest->listen_fd = -1;
		goto fail;
	}
	rest_timer_rearm(rest);
	log_info("rest: listening on %s port %u (%s%s%s%s)", a, rest->port,
		 rest->tls ? "https, certificate " : "http", rest->tls ? rest->tls->subject : "",
		 rest->tls ? " valid until " : "", rest->tls ? rest->tls->not_after : "");
	return rest;
fail:
	rest_stop(rest);
	return NULL;
}

void rest_stop(struct rest *rest)
{
	if (!rest)
		return;
	evtimer_cancel(rest->cp->loop, &rest->timer);
	evtimer_cancel(rest->cp->loop, &rest->deadline);
	evtimer_cancel(rest->cp->loop, &rest->accept_retry);
	if (rest->listen_fd >= 0) {
		if (!rest->accept_paused)
			evloop_fd_del(rest->cp->loop, rest->listen_fd);
		close(rest->listen_fd);
	}
	for (size_t i = 0; i < REST_PENDING_MAX; i++) {
		if (rest->pending[i].fd >= 0) {
			int fd = rest->pending[i].fd;

			pending_free(rest, &rest->pending[i]);
			close(fd);
		}
	}
	if (rest->epoll_fd >= 0)
		evloop_fd_del(rest->cp->loop, rest->epoll_fd);
	if (rest->daemon)
		MHD_stop_daemon(rest->daemon);
	rest_conns_clear(&rest->conns);
	rest_tls_cert_put(rest->tls);
	rest_tls_cert_put(rest->tls_next);
	if (rest->token) {
		explicit_bzero(rest->token, rest->token_len);
		free(rest->token);
	}
	free(rest);
}

int rest_reload_check(void *arg, const struct cp_config *next, struct lisp_err *err)
{
	struct rest *rest = arg;
	int rc;

	rest_tls_cert_put(rest->tls_next);
	rest->tls_next = NULL;
	/* http <-> https waits for a restart (cp_reload keeps the mode) */
	if (!rest->tls || !next->rest.tls_cert_file)
		return 0;
	rc = rest_tls_cert_load(next->rest.tls_cert_file, next->rest.tls_key_file,
				&rest->tls_next, err);
	if (rc < 0)	/* cp_reload logs err */
		log_error("rest: new connections keep the certificate %s", rest->tls->subject);
	return rc;
}

void rest_reload(struct rest *rest, const struct cp_config_rest *conf)
{
	struct rest_conn_limits lim;

	if (rest->tls_next) {	/* connections open keep theirs (rest_tls.h) */
		rest_tls_cert_put(rest->tls);
		rest->tls = rest->tls_next;
		rest->tls_next = NULL;
		rest->c.tls_certificate_reloads++;
		log_info("rest: TLS certificate %s, valid until %s, for new connections",
			 rest->tls->subject, rest->tls->not_after);
	}
	/* Address, port and enabled need a restart: cp_reload names them. */
	if (conf->token && token_set(rest, conf->token) < 0)
		log_error("rest: out of memory: the token was not changed");
	limits_of(conf, &lim);
	rest_conns_set_limits(&rest->conns, &lim);
	rest->idle_s = conf->idle_timeout_ms / 1000;
	rest->full_wait_ms = conf->full_wait_ms;
	for (int p = REST_CONN_HEAD; p < REST_CONN_CLOSING; p++)
		for (struct rest_conn *rc = rest->conns.phase[p].first; rc; rc = rc->next)
			if (rc->mhd)
				MHD_set_connection_option(rc->mhd, MHD_CONNECTION_OPTION_TIMEOUT,
							  rest->idle_s);
	rest_deadline_rearm(rest);
}

uint16_t rest_port(const struct rest *rest)
{
	return rest->port;
}

const struct rest_counters *rest_counters(const struct rest *rest)
{
	return &rest->c;
}
