/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl agent register|update|show|list|remove|find`: /api/v1/agents
 * (docs/agents.md).  register/update/remove go to the agent's xTR, find to
 * a Map-Server.  Attributes are KEY=VALUE words (VALUE typed as JSON when it
 * parses as a number, true, false or null, else a string) or --attributes
 * JSON; find takes conditions KEY=V, KEY!=V, KEY<V, KEY<=V, KEY>V, KEY>=V,
 * KEY=in:A,B (attrq.h).  The daemon checks every value and names the field.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "http_client.h"

#define AGENT_WORDS_MAX	64
#define AGENT_PATH_MAX	4096

static void agent_help(FILE *out)
{
	fprintf(out,
		"usage: %s [--api URL] [--token T] agent SUBCOMMAND ...\n\n"
		"  agent register ID --iid N [--eid ADDR] [--dn NAME] [--rloc ADDR[,PRI[,WGT]]]...\n"
		"                 [--ttl MIN] [--attributes JSON] [KEY=VALUE ...]\n"
		"      register an agent on this xTR (no --eid: one from the IID's pool;\n"
		"      no --rloc: behind the xTRs of the site prefix covering its EID)\n"
		"      --crypto-eid [--crypto-prefix P]: the xTR makes the agent a P-256 key\n"
		"      (kept 0600 beside its agents state file), derives its crypto-EID in P\n"
		"      (default fd00::/8) and registers it signed; prints the EID\n"
		"  agent update ID [--rloc ...] [--site] [--dn NAME|--no-dn] [--ttl MIN]\n"
		"                 [--attributes JSON] [KEY=VALUE ...] [KEY=null ...]\n"
		"      change attributes (merged; null removes), RLOCs, DN or TTL: registered\n"
		"      again at once, never withdrawn\n"
		"  agent show ID\n"
		"  agent list [--iid N] [COND ...] [--sort KEYS]\n"
		"  agent remove ID [--release]\n"
		"      withdraw it; its pool EID stays kept for ID unless --release\n"
		"  agent find [--iid N] [COND ...] [--sort KEYS] [--limit N]\n"
		"      on a Map-Server: registered agents whose attributes match, e.g.\n"
		"      agent find --iid 7 gpu=H100 state=ready 'load<0.8' --sort load\n\n"
		"  --json   print the API's answer\n",
		CTL_PROG);
}

enum { OPT_IID = 256, OPT_EID, OPT_DN, OPT_NO_DN, OPT_RLOC, OPT_SITE, OPT_TTL, OPT_ATTRS,
       OPT_SORT, OPT_LIMIT, OPT_RELEASE, OPT_JSON, OPT_API, OPT_TOKEN, OPT_CACERT,
       OPT_INSECURE, OPT_CRYPTO, OPT_CRYPTO_PREFIX };

static const struct option longopts[] = {
	{ "iid", required_argument, NULL, OPT_IID },
	{ "eid", required_argument, NULL, OPT_EID },
	{ "dn", required_argument, NULL, OPT_DN },
	{ "no-dn", no_argument, NULL, OPT_NO_DN },
	{ "rloc", required_argument, NULL, OPT_RLOC },
	{ "site", no_argument, NULL, OPT_SITE },
	{ "ttl", required_argument, NULL, OPT_TTL },
	{ "attributes", required_argument, NULL, OPT_ATTRS },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "release", no_argument, NULL, OPT_RELEASE },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "api", required_argument, NULL, OPT_API },
	{ "token", required_argument, NULL, OPT_TOKEN },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "crypto-eid", no_argument, NULL, OPT_CRYPTO },
	{ "crypto-prefix", required_argument, NULL, OPT_CRYPTO_PREFIX },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct agent_opts {
	const char *iid, *eid, *dn, *ttl, *attrs, *sort, *limit, *crypto_prefix;
	const char *rlocs[AGENT_WORDS_MAX];
	int nrlocs;
	bool no_dn, site, release, json, crypto;
	const char *pos[AGENT_WORDS_MAX];
	int npos;
};

static int parse_opts(int argc, char **argv, struct agent_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while (optind < argc) {
		c = getopt_long(argc, argv, "+h", longopts, NULL);
		if (c == -1) {
			if (o->npos == AGENT_WORDS_MAX)
				goto too_many;
			o->pos[o->npos++] = argv[optind++];
			continue;
		}
		switch (c) {
		case OPT_IID: o->iid = optarg; break;
		case OPT_EID: o->eid = optarg; break;
		case OPT_DN: o->dn = optarg; break;
		case OPT_NO_DN: o->no_dn = true; break;
		case OPT_RLOC:
			if (o->nrlocs == AGENT_WORDS_MAX)
				goto too_many;
			o->rlocs[o->nrlocs++] = optarg;
			break;
		case OPT_SITE: o->site = true; break;
		case OPT_TTL: o->ttl = optarg; break;
		case OPT_ATTRS: o->attrs = optarg; break;
		case OPT_SORT: o->sort = optarg; break;
		case OPT_LIMIT: o->limit = optarg; break;
		case OPT_RELEASE: o->release = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_CRYPTO: o->crypto = true; break;
		case OPT_CRYPTO_PREFIX: o->crypto_prefix = optarg; break;
		case OPT_API: ctl_api.url = optarg; break;
		case OPT_TOKEN: ctl_api.token = optarg; break;
		case OPT_CACERT: ctl_api.cacert = optarg; break;
		case OPT_INSECURE: ctl_api.insecure = true; break;
		case 'h': return 1;
		default:
			fprintf(stderr, "%s agent: unknown or incomplete option '%s'\n", CTL_PROG,
				argv[optind - 1]);
			return -1;
		}
	}
	return 0;
too_many:
	fprintf(stderr, "%s agent: too many arguments\n", CTL_PROG);
	return -1;
}

static int integer(const char *what, const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (!*s || *end || errno) {
		fprintf(stderr, "%s agent: %s: an integer expected, got '%s'\n", CTL_PROG, what, s);
		return -1;
	}
	return 0;
}

/* KEY=VALUE words (from position first) and --attributes into one object. */
static json_t *attrs_build(const struct agent_opts *o, int first)
{
	json_t *attrs;
	json_error_t jerr;

	if (o->attrs) {
		attrs = json_loads(o->attrs, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(attrs)) {
			fprintf(stderr, "%s agent: --attributes: %s\n", CTL_PROG,
				attrs ? "must be a JSON object {...}" : jerr.text);
			json_decref(attrs);
			return NULL;
		}
	} else {
		attrs = json_object();
	}
	for (int i = first; attrs && i < o->npos; i++) {
		const char *eq = strchr(o->pos[i], '=');
		char key[128];
		json_t *v;

		if (!eq || eq == o->pos[i] || (size_t)(eq - o->pos[i]) >= sizeof(key)) {
			fprintf(stderr, "%s agent: '%s': an attribute is KEY=VALUE\n", CTL_PROG,
				o->pos[i]);
			json_decref(attrs);
			return NULL;
		}
		memcpy(key, o->pos[i], (size_t)(eq - o->pos[i]));
		key[eq - o->pos[i]] = '\0';
		v = json_loads(eq + 1, JSON_DECODE_ANY, NULL);
		if (!v || json_is_object(v) || json_is_array(v) || json_is_string(v)) {
			json_decref(v);
			v = json_string(eq + 1);
		}
		json_object_set_new(attrs, key, v);
	}
	return attrs;
}

static json_t *rlocs_build(const struct agent_opts *o)
{
	json_t *a = json_array();

	for (int i = 0; a && i < o->nrlocs; i++) {
		char buf[128], *f[3] = { NULL, NULL, NULL }, *save = NULL, *tok;
		json_t *r;
		int n = 0;

		snprintf(buf, sizeof(buf), "%s", o->rlocs[i]);
		for (tok = strtok_r(buf, ",", &save); tok && n < 3; tok = strtok_r(NULL, ",", &save))
			f[n++] = tok;
		if (!f[0] || tok) {
			fprintf(stderr, "%s agent: --rloc %s: ADDRESS[,PRIORITY[,WEIGHT]]\n",
				CTL_PROG, o->rlocs[i]);
			json_decref(a);
			return NULL;
		}
		r = json_pack("{s:s}", "address", f[0]);
		for (int k = 1; k < n; k++) {
			long long v;

			if (integer("--rloc", f[k], &v) < 0) {
				json_decref(r);
				json_decref(a);
				return NULL;
			}
			json_object_set_new(r, k == 1 ? "priority" : "weight", json_integer(v));
		}
		json_array_append_new(a, r);
	}
	return a;
}

static void print_agent(json_t *a)
{
	json_t *rl = json_object_get(a, "rlocs");
	char *attrs = json_dumps(json_object_get(a, "attributes"),
				 JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	const char *dn = json_string_value(json_object_get(a, "dn"));
	size_t i;
	json_t *r;

	printf("%-16s %-22s %-20s %-10s", json_string_value(json_object_get(a, "id")),
	       json_string_value(json_object_get(a, "eid")), dn ? dn : "-",
	       json_string_value(json_object_get(a, "placement"))
		       ? json_string_value(json_object_get(a, "placement"))
		       : "-");
	json_array_foreach(rl, i, r)
		printf("%s%s", i ? "," : " ", json_string_value(json_object_get(r, "address")));
	printf("  %s\n", attrs ? attrs : "{}");
	free(attrs);
}

static void print_list(json_t *j)
{
	json_t *list = json_object_get(j, "agents"), *a;
	size_t i;

	printf("%-16s %-22s %-20s %-10s %s\n", "ID", "EID", "DN", "PLACEMENT", "RLOCS  ATTRIBUTES");
	json_array_foreach(list, i, a)
		print_agent(a);
}

static int emit(json_t *j, const char *raw, bool json, void (*pr)(json_t *))
{
	if (!j)
		return CTL_EXIT_FAIL;
	if (json)
		printf("%s\n", raw);
	else
		pr(j);
	json_decref(j);
	return CTL_EXIT_OK;
}

static void print_one(json_t *j)
{
	print_agent(j);
}

/* register: the agent, and a crypto-EID's derivation. */
static void print_registered(json_t *j)
{
	const char *crypto = json_string_value(json_object_get(j, "crypto_eid"));

	print_agent(j);
	if (crypto)
		printf("crypto-EID %s in %s, hash-EID %s\n",
		       json_string_value(json_object_get(j, "eid")), crypto,
		       json_string_value(json_object_get(j, "hash_eid")));
}

static void print_removed(json_t *j)
{
	printf("removed %s (%s)%s\n", json_string_value(json_object_get(j, "id")),
	       json_string_value(json_object_get(j, "eid")),
	       json_is_true(json_object_get(j, "kept")) ? ", its EID kept for it" : "");
}

static int call(const char *method, const char *path, json_t *body, bool json,
		void (*pr)(json_t *))
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL, *raw = NULL;
	json_t *j;
	int rc;

	json_decref(body);
	j = ctl_api_call(method, path, text, &raw);
	free(text);
	rc = emit(j, raw, json, pr);
	free(raw);
	return rc;
}

static int do_register(const struct agent_opts *o, bool update)
{
	json_t *body = json_object(), *attrs, *rl;
	char path[AGENT_PATH_MAX];
	long long v;

	if (o->npos < 2) {
		fprintf(stderr, "%s agent %s: the agent's ID is needed\n", CTL_PROG,
			update ? "update" : "register");
		json_decref(body);
		return CTL_EXIT_USAGE;
	}
	attrs = attrs_build(o, 2);
	rl = rlocs_build(o);
	if (!attrs || !rl)
		goto usage;
	if (!update) {
		json_object_set_new(body, "id", json_string(o->pos[1]));
		if (o->iid) {
			if (integer("--iid", o->iid, &v) < 0)
				goto usage;
			json_object_set_new(body, "iid", json_integer(v));
		}
		if (o->eid)
			json_object_set_new(body, "eid", json_string(o->eid));
		if (o->crypto_prefix && !o->crypto) {
			fprintf(stderr, "%s agent register: --crypto-prefix goes with --crypto-eid\n",
				CTL_PROG);
			goto usage;
		}
		if (o->crypto)
			json_object_set_new(body, "crypto_eid", o->crypto_prefix
						    ? json_string(o->crypto_prefix) : json_true());
	} else if (o->iid || o->eid || o->crypto || o->crypto_prefix) {
		fprintf(stderr, "%s agent update: an agent's IID and EID never change\n", CTL_PROG);
		goto usage;
	}
	if (o->dn)
		json_object_set_new(body, "dn", json_string(o->dn));
	else if (o->no_dn && update)
		json_object_set_new(body, "dn", json_null());
	if (o->ttl) {
		if (integer("--ttl", o->ttl, &v) < 0)
			goto usage;
		json_object_set_new(body, "ttl", json_integer(v));
	}
	if (!update || json_object_size(attrs))
		json_object_set(body, "attributes", attrs);
	if (o->nrlocs)
		json_object_set(body, "rlocs", rl);
	else if (o->site && update)
		json_object_set_new(body, "rlocs", json_null());
	json_decref(attrs);
	json_decref(rl);
	if (!update)
		return call("POST", "/api/v1/agents", body, o->json, print_registered);
	snprintf(path, sizeof(path), "/api/v1/agents/");
	http_query_escape(path, sizeof(path), o->pos[1]);
	return call("PATCH", path, body, o->json, print_one);
usage:
	json_decref(attrs);
	json_decref(rl);
	json_decref(body);
	return CTL_EXIT_USAGE;
}

/* find/list: conditions become query parameters. */
static int do_query(const struct agent_opts *o, const char *scope)
{
	char path[AGENT_PATH_MAX];
	size_t n;

	snprintf(path, sizeof(path), "/api/v1/agents?scope=%s", scope);
	if (o->iid) {
		strncat(path, "&iid=", sizeof(path) - strlen(path) - 1);
		http_query_escape(path, sizeof(path), o->iid);
	}
	if (o->sort) {
		strncat(path, "&sort=", sizeof(path) - strlen(path) - 1);
		http_query_escape(path, sizeof(path), o->sort);
	}
	if (o->limit) {
		strncat(path, "&limit=", sizeof(path) - strlen(path) - 1);
		http_query_escape(path, sizeof(path), o->limit);
	}
	for (int i = 1; i < o->npos; i++) {
		const char *w = o->pos[i];
		char key[128];
		/* The key ends at the first operator character. */
		size_t k = strcspn(w, "=<>!");

		if (k == 0 || !w[k] || k >= sizeof(key)) {
			fprintf(stderr, "%s agent: '%s': a condition is KEY=V, KEY!=V, KEY<V, "
					"KEY<=V, KEY>V, KEY>=V or KEY=in:A,B\n", CTL_PROG, w);
			return CTL_EXIT_USAGE;
		}
		memcpy(key, w, k);
		key[k] = '\0';
		strncat(path, "&", sizeof(path) - strlen(path) - 1);
		http_query_escape(path, sizeof(path), key);
		strncat(path, "=", sizeof(path) - strlen(path) - 1);
		/* "=V" is V; the other operators stay in the value ("<0.5"). */
		http_query_escape(path, sizeof(path), w[k] == '=' ? w + k + 1 : w + k);
	}
	n = strlen(path);
	if (n + 1 >= sizeof(path)) {
		fprintf(stderr, "%s agent: the query is too long\n", CTL_PROG);
		return CTL_EXIT_USAGE;
	}
	return call("GET", path, NULL, o->json, print_list);
}

static int agent_run(int argc, char **argv)
{
	struct agent_opts o;
	char path[AGENT_PATH_MAX];
	const char *sub;
	int rc = parse_opts(argc, argv, &o);

	if (rc)
		return rc > 0 ? (agent_help(stdout), CTL_EXIT_OK) : CTL_EXIT_USAGE;
	if (o.npos < 1) {
		agent_help(stderr);
		return CTL_EXIT_USAGE;
	}
	sub = o.pos[0];
	if (strcmp(sub, "register") == 0)
		return do_register(&o, false);
	if (strcmp(sub, "update") == 0)
		return do_register(&o, true);
	if (strcmp(sub, "find") == 0)
		return do_query(&o, "registered");
	if (strcmp(sub, "list") == 0)
		return do_query(&o, "local");
	if (strcmp(sub, "show") == 0 || strcmp(sub, "remove") == 0) {
		if (o.npos != 2) {
			fprintf(stderr, "%s agent %s ID\n", CTL_PROG, sub);
			return CTL_EXIT_USAGE;
		}
		snprintf(path, sizeof(path), "/api/v1/agents/");
		http_query_escape(path, sizeof(path), o.pos[1]);
		if (sub[0] == 's')
			return call("GET", path, NULL, o.json, print_one);
		if (o.release)
			strncat(path, "?release=true", sizeof(path) - strlen(path) - 1);
		return call("DELETE", path, NULL, o.json, print_removed);
	}
	fprintf(stderr, "%s agent: unknown subcommand '%s'\n", CTL_PROG, sub);
	agent_help(stderr);
	return CTL_EXIT_USAGE;
}

const struct ctl_cmd ctl_cmd_agent = {
	.name = "agent",
	.args = "register|update|show|list|remove|find ...",
	.summary = "manage agents on an xTR; find them by attributes on a Map-Server",
	.run = agent_run,
	.help = agent_help,
};
