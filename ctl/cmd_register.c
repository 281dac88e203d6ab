/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl register EID RLOC[,priority[,weight]] ...` and
 * `lispgw-ctl unregister EID`: POST and DELETE /api/v1/mappings, i.e. the
 * ETR database of the daemon the API belongs to (registered at once to its
 * Map-Servers), or with --static its ITR's static map-cache.  Ranges are
 * checked by the daemon, which names the field at fault.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "http_client.h"

/* The EID and up to 255 RLOCs (an EID-record's locator count is 8 bits). */
#define REG_ARGS_MAX 256

static void register_help(FILE *out)
{
	fprintf(out,
		"usage: %s [--api URL] [--token T] register EID RLOC[,PRIORITY[,WEIGHT]] ...\n"
		"                  [--ttl MINUTES] [--attributes JSON] [--static [--action A]]\n"
		"                  [--no-replace] [--json]\n\n"
		"Add or replace the mapping of EID ([iid]address/length) in the daemon's ETR\n"
		"database; it is registered to the Map-Servers at once.  Each RLOC is an IPv4\n"
		"or IPv6 address with an optional priority (default 1, 255 = unused) and\n"
		"weight (default 100).\n\n"
		"  --ttl MINUTES      record TTL (default: the daemon's etr.record-ttl)\n"
		"  --attributes JSON  a JSON object attached to every RLOC, e.g.\n"
		"                     '{\"gpu\":\"H100\",\"load\":0.4}'\n"
		"  --static           a static map-cache entry of the ITR instead\n"
		"  --action A         static only: encapsulate (default), native-forward,\n"
		"                     send-map-request or drop (the last three take no RLOC)\n"
		"  --no-replace       fail (409) if EID is already there\n"
		"  --json             print the API's answer\n"
		"  --api URL          the API (default %s)\n"
		"  --token T          its bearer token (default: $%s)\n"
		"  --cacert FILE      https: the CA that signed the API's certificate\n"
		"  --insecure         https: do not check the API's certificate at all\n"
		"  -h, --help         show this help\n",
		CTL_PROG, CTL_API_DEFAULT, CTL_API_TOKEN_ENV);
}

static void unregister_help(FILE *out)
{
	fprintf(out,
		"usage: %s [--api URL] [--token T] unregister EID [--static] [--json]\n\n"
		"Remove EID from the daemon's ETR database (it is withdrawn from the\n"
		"Map-Servers at once), or with --static from its ITR's static map-cache.\n"
		"Exit status: 0 removed, 1 not there or the API refused, 2 usage.\n",
		CTL_PROG);
}

/* "addr[,priority[,weight]]" as an RLOC object; NULL on a malformed one. */
static json_t *rloc_parse(const char *arg, json_t *attrs)
{
	char buf[128], *fields[3] = { NULL, NULL, NULL }, *save = NULL, *tok;
	json_t *r;
	int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return NULL;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == 3)
			return NULL;
		fields[n++] = tok;
	}
	if (!fields[0])
		return NULL;
	r = json_pack("{s:s}", "address", fields[0]);
	for (int i = 1; r && i < n; i++) {
		char *end;
		long v;

		errno = 0;
		v = strtol(fields[i], &end, 10);
		if (!*fields[i] || *end || errno) {
			json_decref(r);
			return NULL;
		}
		json_object_set_new(r, i == 1 ? "priority" : "weight", json_integer(v));
	}
	if (r && attrs)
		json_object_set(r, "attributes", attrs);
	return r;
}

static int print_answer(json_t *j, const char *raw, bool json, const char *verb)
{
	json_t *ttl = json_object_get(j, "ttl");

	if (json) {
		printf("%s\n", raw);
		return CTL_EXIT_OK;
	}
	printf("%s %s", verb, json_string_value(json_object_get(j, "eid")));
	if (json_object_get(j, "rlocs"))
		printf(": %s, %zu RLOC%s", json_string_value(json_object_get(j, "action")),
		       json_array_size(json_object_get(j, "rlocs")),
		       json_array_size(json_object_get(j, "rlocs")) == 1 ? "" : "s");
	if (json_is_integer(ttl))
		printf(", TTL %lld min", (long long)json_integer_value(ttl));
	if (json_is_true(json_object_get(j, "static")))
		printf(" (static map-cache)");
	if (json_is_true(json_object_get(j, "replaced")))
		printf(" (replaced)");
	printf("\n");
	return CTL_EXIT_OK;
}

enum { OPT_TTL = 256, OPT_ATTRS, OPT_STATIC, OPT_ACTION, OPT_NO_REPLACE, OPT_JSON,
       OPT_API, OPT_TOKEN, OPT_CACERT, OPT_INSECURE };

static const struct option longopts[] = {
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "attributes", required_argument, NULL, OPT_ATTRS },
	{ "static", no_argument, NULL, OPT_STATIC },
	{ "action", required_argument, NULL, OPT_ACTION },
	{ "no-replace", no_argument, NULL, OPT_NO_REPLACE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "api", required_argument, NULL, OPT_API },
	{ "token", required_argument, NULL, OPT_TOKEN },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct reg_opts {
	const char *ttl, *attrs, *action;
	bool is_static, no_replace, json;
	const char *pos[REG_ARGS_MAX];
	int npos;
};

/* Options anywhere among the positional arguments.  0, 1 (help shown) or
 * -1 (usage error, reported). */
static int parse_opts(int argc, char **argv, const char *cmd, struct reg_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while (optind < argc) {
		c = getopt_long(argc, argv, "+h", longopts, NULL);
		if (c == -1) {
			if (o->npos == REG_ARGS_MAX) {
				fprintf(stderr, "%s %s: too many arguments\n", CTL_PROG, cmd);
				return -1;
			}
			o->pos[o->npos++] = argv[optind++];
			continue;
		}
		switch (c) {
		case OPT_TTL:
			o->ttl = optarg;
			break;
		case OPT_ATTRS:
			o->attrs = optarg;
			break;
		case OPT_STATIC:
			o->is_static = true;
			break;
		case OPT_ACTION:
			o->action = optarg;
			break;
		case OPT_NO_REPLACE:
			o->no_replace = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_API:
			ctl_api.url = optarg;
			break;
		case OPT_TOKEN:
			ctl_api.token = optarg;
			break;
		case OPT_CACERT:
			ctl_api.cacert = optarg;
			break;
		case OPT_INSECURE:
			ctl_api.insecure = true;
			break;
		case 'h':
			return 1;
		default:
			fprintf(stderr, "%s %s: unknown or incomplete option '%s'\n", CTL_PROG, cmd,
				argv[optind - 1]);
			return -1;
		}
	}
	return 0;
}

static json_t *register_body(const struct reg_opts *o)
{
	json_t *body, *rlocs = json_array(), *attrs = NULL;
	json_error_t jerr;

	if (o->attrs) {
		attrs = json_loads(o->attrs, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(attrs)) {
			fprintf(stderr, "%s register: --attributes: %s\n", CTL_PROG,
				attrs ? "must be a JSON object {...}" : jerr.text);
			goto fail;
		}
	}
	for (int i = 1; i < o->npos; i++) {
		json_t *r = rloc_parse(o->pos[i], attrs);

		if (!r) {
			fprintf(stderr, "%s register: '%s': an RLOC is ADDRESS[,PRIORITY[,WEIGHT]]\n",
				CTL_PROG, o->pos[i]);
			goto fail;
		}
		json_array_append_new(rlocs, r);
	}
	body = json_pack("{s:s, s:b, s:O}", "eid", o->pos[0], "replace", !o->no_replace,
			 "rlocs", rlocs);
	if (body && o->is_static)
		json_object_set_new(body, "static", json_true());
	if (body && o->action)
		json_object_set_new(body, "action", json_string(o->action));
	if (body && o->ttl) {
		char *end;
		long long v = strtoll(o->ttl, &end, 10);

		if (!*o->ttl || *end) {
			fprintf(stderr, "%s register: --ttl: whole minutes expected\n", CTL_PROG);
			json_decref(body);
			goto fail;
		}
		json_object_set_new(body, "ttl", json_integer(v));
	}
	json_decref(attrs);
	json_decref(rlocs);
	return body;
fail:
	json_decref(attrs);
	json_decref(rlocs);
	return NULL;
}

static int register_run(int argc, char **argv)
{
	struct reg_opts o;
	char *text, *raw = NULL;
	json_t *body, *j;
	int rc = parse_opts(argc, argv, "register", &o);

	if (rc > 0) {
		register_help(stdout);
		return CTL_EXIT_OK;
	}
	if (rc < 0)
		goto usage;
	if (o.npos < 1 || (o.npos < 2 && !(o.is_static && o.action))) {
		fprintf(stderr, "%s register: %s\n", CTL_PROG,
			o.npos < 1 ? "missing EID" : "missing RLOC");
		goto usage;
	}
	body = register_body(&o);
	if (!body)
		goto usage;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	j = text ? ctl_api_call("POST", "/api/v1/mappings", text, &raw) : NULL;
	free(text);
	if (!j)
		return CTL_EXIT_FAIL;
	rc = print_answer(j, raw, o.json, "registered");
	free(raw);
	json_decref(j);
	return rc;
usage:
	register_help(stderr);
	return CTL_EXIT_USAGE;
}

static int unregister_run(int argc, char **argv)
{
	struct reg_opts o;
	char path[512] = "/api/v1/mappings?eid=", *raw = NULL;
	json_t *j;
	int rc = parse_opts(argc, argv, "unregister", &o);

	if (rc > 0) {
		unregister_help(stdout);
		return CTL_EXIT_OK;
	}
	if (rc < 0)
		goto usage;
	if (o.npos != 1 || o.ttl || o.attrs || o.action || o.no_replace) {
		fprintf(stderr, "%s unregister: %s\n", CTL_PROG,
			o.npos != 1 ? "exactly one EID expected" : "takes only --static and --json");
		goto usage;
	}
	http_query_escape(path, sizeof(path), o.pos[0]);
	if (o.is_static)
		snprintf(path + strlen(path), sizeof(path) - strlen(path), "&static=true");
	j = ctl_api_call("DELETE", path, NULL, &raw);
	if (!j)
		return CTL_EXIT_FAIL;
	rc = print_answer(j, raw, o.json, "unregistered");
	free(raw);
	json_decref(j);
	return rc;
usage:
	unregister_help(stderr);
	return CTL_EXIT_USAGE;
}

const struct ctl_cmd ctl_cmd_register = {
	.name = "register",
	.args = "EID RLOC[,PRIORITY[,WEIGHT]] ... [--ttl N] [--attributes JSON] [--static]",
	.summary = "add or replace a mapping in the daemon's ETR database (REST API)",
	.run = register_run,
	.help = register_help,
};

const struct ctl_cmd ctl_cmd_unregister = {
	.name = "unregister",
	.args = "EID [--static]",
	.summary = "remove a mapping from the daemon's ETR database (REST API)",
	.run = unregister_run,
	.help = unregister_help,
};
