/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the REST API: one request as the handlers see it, the response they
 * fill in, and the JSON helpers the resources share.  rest.c owns the HTTP
 * side (libmicrohttpd, auth, routing, bodies); rest_<resource>.c only turn
 * control-plane state into JSON and JSON into changes.
 */
#ifndef LISPGW_REST_PRIV_H
#define LISPGW_REST_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cp.h"
#include "lisp_msg.h"
#include "rest.h"

/* Decoding one EID-record: 255 locators, each a JSON LCAF around its
 * address, take ~170 KB of arena; the registry merges with as much. */
#define REST_ARENA_BYTES (256 * 1024)

struct rest_req {
	struct cp *cp;
	struct rest *rest;
	struct rest_counters *counters;
	void *conn;		/* struct MHD_Connection */
	const char *method;	/* "GET", "POST", "PATCH", "DELETE" (HEAD is served as GET) */
	const char *path;
	const char *body;	/* NUL-terminated; NULL when none came */
	size_t body_len;
};

struct rest_resp {
	unsigned int status;
	json_t *json;		/* the body, or ... */
	char *text;		/* ... a text body (malloc'ed), with ctype */
	size_t text_len;
	const char *ctype;
	const char *allow;	/* Allow header of a 405 */
};

typedef void (*rest_handler_fn)(struct rest_req *rq, struct rest_resp *rs);

/* ---- responses --------------------------------------------------------- */

/* Takes the reference of body. */
void rest_resp_json(struct rest_resp *rs, unsigned int status, json_t *body);
/* {"error": "...", "field": "..."} with a 4xx/5xx status; field may be NULL. */
void rest_resp_error(struct rest_resp *rs, unsigned int status, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* 404 naming the role the resource needs ("map-server role is not
 * configured on this lispgw-cp"). */
void rest_resp_no_role(struct rest_resp *rs, const char *role);

/* ---- request query ----------------------------------------------------- */

/* The value of a query parameter, NULL if absent. */
const char *rest_query(const struct rest_req *rq, const char *name);
/* 0 when every query parameter is one of names (NULL-terminated); else
 * answers 400 naming the first unknown one and returns -EINVAL. */
int rest_query_check(struct rest_req *rq, struct rest_resp *rs, const char *const *names);
/* Parses an optional unsigned decimal query parameter within [0, max]:
 * 0 absent (*present false), 1 present, -EINVAL answered with 400. */
int rest_query_u32(struct rest_req *rq, struct rest_resp *rs, const char *name, uint32_t max,
		   uint32_t *out, bool *present);
/* Paging of long lists: offset=N skips the first N matches, limit=N
 * returns at most N (default all); "total" counts every match.  -EINVAL
 * answered with 400. */
struct rest_page {
	uint32_t offset;
	uint32_t limit;
	size_t total;		/* matches seen so far */
};

int rest_page_parse(struct rest_req *rq, struct rest_resp *rs, struct rest_page *pg);
/* Counts one match; true when it falls inside the page. */
static inline bool rest_page_take(struct rest_page *pg)
{
	size_t i = pg->total++;

	return i >= pg->offset && i - pg->offset < pg->limit;
}

/* An EID prefix ("[iid]addr/len") from a query parameter or body field;
 * answers 400 naming field on error. */
int rest_parse_eid(struct rest_resp *rs, const char *field, const char *text,
		   struct lisp_prefix *out);

/* ---- JSON pieces shared by the resources -------------------------------- */

json_t *rest_json_prefix(const struct lisp_prefix *p);
json_t *rest_json_addr(const struct lisp_addr *a);
/* One locator: address, priority, weight, multicast pair, L/p/R flags and,
 * when it is a JSON LCAF, the attributes embedded as an object. */
json_t *rest_json_locator(const struct lisp_locator *l);
json_t *rest_json_locators(const struct lisp_locator *locs, size_t n);
/* An encoded EID-record's locators, decoded on the spot. */
json_t *rest_json_record_locators(const uint8_t *rec, size_t len);
/* "encapsulate" for no-action, then the RFC names. */
const char *rest_action_name(uint8_t action);
/* Monotonic loop time as RFC 3339 UTC wall-clock text. */
json_t *rest_json_time(const struct cp *cp, uint64_t mono_ms);
json_t *rest_json_hex(const uint8_t *b, size_t n);
uint64_t rest_uptime_s(const struct cp *cp);

/* "map-register", ... for the control message types (index 0..15). */
const char *rest_msg_type_name(unsigned int type);

/* ---- resources ------------------------------------------------------------ */

void rest_get_health(struct rest_req *rq, struct rest_resp *rs);
void rest_get_sites(struct rest_req *rq, struct rest_resp *rs);
void rest_get_delegations(struct rest_req *rq, struct rest_resp *rs);
void rest_get_registrations(struct rest_req *rq, struct rest_resp *rs);
void rest_get_map_cache(struct rest_req *rq, struct rest_resp *rs);
void rest_post_map_cache(struct rest_req *rq, struct rest_resp *rs);
void rest_get_stats(struct rest_req *rq, struct rest_resp *rs);
void rest_get_ddt_referral_cache(struct rest_req *rq, struct rest_resp *rs);
void rest_post_mappings(struct rest_req *rq, struct rest_resp *rs);
void rest_get_mappings(struct rest_req *rq, struct rest_resp *rs);
void rest_delete_mappings(struct rest_req *rq, struct rest_resp *rs);
void rest_get_metrics(struct rest_req *rq, struct rest_resp *rs);
/* rest_ddt_node.c: the DDT node's delegations. */
void rest_get_ddt_delegations(struct rest_req *rq, struct rest_resp *rs);
/* rest_agents.c: the collection, and /api/v1/agents/ID. */
void rest_get_agents(struct rest_req *rq, struct rest_resp *rs);
void rest_post_agents(struct rest_req *rq, struct rest_resp *rs);
void rest_get_agent(struct rest_req *rq, struct rest_resp *rs);
void rest_patch_agent(struct rest_req *rq, struct rest_resp *rs);
void rest_delete_agent(struct rest_req *rq, struct rest_resp *rs);

/* ---- mapping bodies (rest_mappings.c; unit-tested alone) ------------------ */

/* A POST /api/v1/mappings body, validated.  Owns its storage. */
struct rest_mapping {
	struct lisp_prefix eid;
	bool is_static;
	bool replace;
	uint8_t action;			/* enum lisp_action */
	uint32_t ttl_min;		/* 0: default */
	size_t rloc_count;
	struct lisp_locator *locs;	/* rloc_count of each */
	struct lisp_waddr *inners;
	char **attrs;			/* compact JSON, NULL when none */
	struct lisp_waddr eid_inner;
};

/* Validates body into m (every field, nothing applied).  0, or -EINVAL with
 * the member at fault in e->path (e.g. "rlocs[1].priority") and a sentence
 * in e->msg. */
int rest_mapping_parse(const char *body, size_t len, struct rest_mapping *m,
		       struct lisp_err *e);
void rest_mapping_free(struct rest_mapping *m);
/* The record the ETR or ITR takes (points into m). */
void rest_mapping_record(struct rest_mapping *m, struct lisp_record *rec);

/* The listening socket for conf (rest_listen.c); its bound port in *port
 * (the configured one, or the kernel's pick for 0).  The fd, or -errno. */
int rest_listener_open(const struct cp_config_rest *conf, uint16_t *port);

#endif
