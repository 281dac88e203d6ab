/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every resource handler uses: error and JSON responses, and query
 * parameters read strictly (an unknown parameter is a 400 naming it, so a
 * misspelt filter is never silently ignored).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "rest_priv.h"

/* ---- responses ------------------------------------------------------------ */

void rest_resp_json(struct rest_resp *rs, unsigned int status, json_t *body)
{
	json_decref(rs->json);
	free(rs->text);
	rs->text = NULL;
	rs->status = status;
	rs->json = body;
}

void rest_resp_error(struct rest_resp *rs, unsigned int status, const char *field,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *j;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	j = json_pack("{s:s}", "error", msg);
	if (j && field)
		json_object_set_new(j, "field", json_string(field));
	rest_resp_json(rs, status, j);
}

void rest_resp_no_role(struct rest_resp *rs, const char *role)
{
	rest_resp_error(rs, MHD_HTTP_NOT_FOUND, NULL,
			"the %s role is not running in this lispgw-cp", role);
}

/* ---- query parameters ------------------------------------------------------- */

const char *rest_query(const struct rest_req *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_check {
	const char *const *names;
	const char *unknown;
};

static enum MHD_Result query_check_one(void *cls, enum MHD_ValueKind kind, const char *key,
				       const char *value)
{
	struct query_check *qc = cls;

	(void)kind;
	(void)value;
	for (const char *const *n = qc->names; *n; n++)
		if (strcmp(*n, key) == 0)
			return MHD_YES;
	qc->unknown = key;
	return MHD_NO;
}

int rest_query_check(struct rest_req *rq, struct rest_resp *rs, const char *const *names)
{
	struct query_check qc = { names, NULL };

	MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, query_check_one, &qc);
	if (!qc.unknown)
		return 0;
	rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, qc.unknown, "unknown query parameter '%s'",
			qc.unknown);
	return -EINVAL;
}

int rest_query_u32(struct rest_req *rq, struct rest_resp *rs, const char *name, uint32_t max,
		   uint32_t *out, bool *present)
{
	const char *v = rest_query(rq, name);
	unsigned long long n;
	char *end;

	*present = false;
	if (!v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-' || v[0] == '+' || n > max) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, name, "%s: must be an integer 0..%u",
				name, max);
		return -EINVAL;
	}
	*out = (uint32_t)n;
	*present = true;
	return 1;
}

int rest_page_parse(struct rest_req *rq, struct rest_resp *rs, struct rest_page *pg)
{
	bool present;

	pg->offset = 0;
	pg->limit = UINT32_MAX;
	pg->total = 0;
	if (rest_query_u32(rq, rs, "offset", UINT32_MAX, &pg->offset, &present) < 0 ||
	    rest_query_u32(rq, rs, "limit", UINT32_MAX, &pg->limit, &present) < 0)
		return -EINVAL;
	return 0;
}

int rest_parse_eid(struct rest_resp *rs, const char *field, const char *text,
		   struct lisp_prefix *out)
{
	struct lisp_err err;

	if (lisp_prefix_parse(text, out, &err) < 0) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, field,
				"%s: not an EID-prefix ([iid]address/length): %s", field, err.msg);
		return -EINVAL;
	}
	if (out->addr.afi == LISP_AFI_NONE) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, field, "%s: an EID-prefix needs an address",
				field);
		return -EINVAL;
	}
	if (out->iid > LISP_IID_MAX) {
		rest_resp_error(rs, MHD_HTTP_BAD_REQUEST, field,
				"%s: instance-id %u does not fit 24 bits (at most %u)", field,
				out->iid, LISP_IID_MAX);
		return -EINVAL;
	}
	return 0;
}
