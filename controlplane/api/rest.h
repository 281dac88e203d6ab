/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API and Prometheus /metrics of lispgw-cp (docs/rest.md,
 * docs/openapi.yaml), served by libmicrohttpd inside the daemon's own event
 * loop: MHD runs in external-epoll mode without threads of its own, its
 * epoll fd is one more fd on the loop and its timeout one more timer.  So
 * every handler runs on the loop's thread, between two control messages,
 * and reads the roles' state without a lock.
 *
 * Every call but GET /api/v1/health must carry the configured bearer token
 * (compared in constant time).  Responses are JSON (application/json), or
 * text format 0.0.4 for /metrics.  Request bodies are capped at
 * REST_BODY_MAX; a request is validated completely before anything is
 * applied.
 */
#ifndef LISPGW_REST_H
#define LISPGW_REST_H

#include <stdint.h>

#include "config.h"
#include "lisp_err.h"

#define REST_BODY_MAX		(64 * 1024)

/* What the API itself counts (exported by /api/v1/stats and /metrics).
 * The connections' limits (rest.max-connections, ...; rest_conns.h):
 * accepted, closed past the header or body deadline or the idle timeout,
 * closed to make room (table full, or the client's address at its own
 * limit), refused (full, and every connection being answered).  https
 * (docs/security.md, "REST over TLS"): handshakes completed, connections
 * closed before theirs did (plain HTTP, a client that does not trust the
 * certificate), certificates loaded by a reload. */
#define REST_COUNTERS(X)           \
	X(requests)                \
	X(auth_failures)           \
	X(client_errors)           \
	X(server_errors)           \
	X(bodies_too_large)        \
	X(mappings_set)            \
	X(mappings_deleted)        \
	X(connections_accepted)    \
	X(closed_header_deadline)  \
	X(closed_body_deadline)    \
	X(closed_idle)             \
	X(evicted_full)            \
	X(evicted_address_full)    \
	X(refused_full)            \
	X(tls_handshakes)          \
	X(tls_handshake_failures)  \
	X(tls_certificate_reloads)

struct rest_counters {
#define REST_COUNTER_FIELD(name) uint64_t name;
	REST_COUNTERS(REST_COUNTER_FIELD)
#undef REST_COUNTER_FIELD
};

struct cp;
struct cp_itr_ops;
struct rest;

/* The ITR role (itr.h) as the API's map-cache hooks: cp->itr_ops. */
extern const struct cp_itr_ops rest_itr_ops;

/* Starts listening on conf's address and port (conf->enabled must be set)
 * on cp's event loop, and gives cp its ITR view (cp->itr_ops).  NULL with
 * err filled when the port cannot be bound. */
struct rest *rest_start(struct cp *cp, const struct cp_config_rest *conf, struct lisp_err *err);
/* Closes every connection and the listener.  Never from inside a handler. */
void rest_stop(struct rest *rest);

/* Before a reload applies anything: an https API loads conf's certificate
 * and key aside.  0, or -errno with err filled (the reload is refused and
 * the running certificate stays).  cp's reload hook (cp->reload_check). */
int rest_reload_check(void *rest, const struct cp_config *next, struct lisp_err *err);
/* A configuration reload: takes the new token, the connections' limits and
 * the certificate loaded by rest_reload_check at once (the connections
 * accepted from now present it); a new address, port, enabled flag or a
 * switch between http and https needs a restart (logged). */
void rest_reload(struct rest *rest, const struct cp_config_rest *conf);
/* -n: an https configuration's files load (rest_tls_cert_load's checks).
 * 0, or -errno with err filled. */
int rest_config_check(const struct cp_config_rest *conf, struct lisp_err *err);

uint16_t rest_port(const struct rest *rest);
const struct rest_counters *rest_counters(const struct rest *rest);

#endif
