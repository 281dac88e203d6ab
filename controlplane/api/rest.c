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
 */
#include "rest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "log.h"
#include "rest_priv.h"

struct rest {
	struct cp *cp;
	struct MHD_Daemon *daemon;
	int epoll_fd;
	struct evtimer timer;
	char *token;
	size_t token_len;
	struct cp_config_rest conf;	/* address, port, enabled as started */
	uint16_t port;
	struct rest_counters c;
	struct log_ratelimit rl;
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
	{ "/api/v1/registrations", rest_get_registrations, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/map-cache", rest_get_map_cache, rest_post_map_cache, NULL, "GET, HEAD, POST",
	  false },
	{ "/api/v1/stats", rest_get_stats, NULL, NULL, "GET, HEAD", false },
	{ "/api/v1/mappings", rest_get_mappings, rest_post_mappings, rest_delete_mappings,
	  "GET, HEAD, POST, DELETE", false },
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

	(void)cls;
	(void)conn;
	(void)toe;
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

static void rest_run(struct rest *rest)
{
	MHD_run(rest->daemon);
	rest_timer_rearm(rest);
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
	log_ratelimited(&rest->rl, LOG_LEVEL_WARN, "rest: %s", line);
}

static void sockaddr_of(const struct lisp_addr *a, uint16_t port, struct sockaddr_storage *ss,
			unsigned int *flags)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->afi == LISP_AFI_IPV6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->v6, 16);
		*flags |= MHD_USE_IPv6;
		return;
	}
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	memcpy(&s4->sin_addr, a->v4, 4);
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

struct rest *rest_start(struct cp *cp, const struct cp_config_rest *conf, struct lisp_err *err)
{
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss;
	char a[LISP_ADDR_STR_MAX];
	struct rest *rest;
	int rc;

	lisp_addr_format(&conf->addr, a, sizeof(a));
	rest = calloc(1, sizeof(*rest));
	if (!rest || token_set(rest, conf->token) < 0) {
		free(rest);
		lisp_err_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	rest->cp = cp;
	if (cp->itr)	/* the map-cache as the API sees it */
		cp->itr_ops = &rest_itr_ops;
	rest->epoll_fd = -1;
	rest->conf = *conf;
	rest->conf.token = NULL;
	rest->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	evtimer_init(&rest->timer, on_timer, rest);
	sockaddr_of(&conf->addr, conf->port, &ss, &flags);
	rest->daemon = MHD_start_daemon(flags, conf->port, NULL, NULL, on_request, rest,
					MHD_OPTION_EXTERNAL_LOGGER, mhd_log, rest,
					MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned int)REST_CONN_MAX,
					MHD_OPTION_CONNECTION_TIMEOUT,
					(unsigned int)REST_CONN_TIMEOUT_S,
					MHD_OPTION_NOTIFY_COMPLETED, on_completed, rest,
					MHD_OPTION_END);
	if (!rest->daemon) {
		lisp_err_set(err, EADDRNOTAVAIL, "rest: cannot listen on %s port %u", a,
			     conf->port);
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
	info = MHD_get_daemon_info(rest->daemon, MHD_DAEMON_INFO_BIND_PORT);
	rest->port = info ? info->port : conf->port;
	rest_timer_rearm(rest);
	log_info("rest: listening on %s port %u", a, rest->port);
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
	if (rest->epoll_fd >= 0)
		evloop_fd_del(rest->cp->loop, rest->epoll_fd);
	if (rest->daemon)
		MHD_stop_daemon(rest->daemon);
	if (rest->token) {
		explicit_bzero(rest->token, rest->token_len);
		free(rest->token);
	}
	free(rest);
}

void rest_reload(struct rest *rest, const struct cp_config_rest *conf)
{
	/* Address, port and enabled need a restart: cp_reload names them. */
	if (conf->token && token_set(rest, conf->token) < 0)
		log_error("rest: out of memory: the token was not changed");
}

uint16_t rest_port(const struct rest *rest)
{
	return rest->port;
}

const struct rest_counters *rest_counters(const struct rest *rest)
{
	return &rest->c;
}
