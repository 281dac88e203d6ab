/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl show sites|delegations|registrations|map-cache|stats|database|
 * ddt-node|referral-cache [--json]`: the REST API's resources as aligned tables for an
 * operator, or the API's JSON as
 * it came (--json) for scripts.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "http_client.h"

#define TABLE_COLS_MAX 16

/* ---- aligned tables ------------------------------------------------------- */

struct table {
	size_t cols;
	const char *head[TABLE_COLS_MAX];
	char **cells;		/* rows x cols, malloc'ed strings */
	size_t rows, cap;
};

static void table_init(struct table *t, const char *const *head)
{
	memset(t, 0, sizeof(*t));
	while (head[t->cols] && t->cols < TABLE_COLS_MAX) {
		t->head[t->cols] = head[t->cols];
		t->cols++;
	}
}

/* One row of t->cols cells (NULL: empty). */
static void table_row(struct table *t, ...)
{
	va_list ap;
	char **grown;

	if (t->rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		grown = realloc(t->cells, t->cap * t->cols * sizeof(*grown));
		if (!grown) {
			t->cap = t->rows;
			return;
		}
		t->cells = grown;
	}
	va_start(ap, t);
	for (size_t c = 0; c < t->cols; c++) {
		const char *s = va_arg(ap, const char *);

		t->cells[t->rows * t->cols + c] = strdup(s ? s : "");
	}
	va_end(ap);
	t->rows++;
}

static void table_print(struct table *t, FILE *out)
{
	size_t w[TABLE_COLS_MAX];

	for (size_t c = 0; c < t->cols; c++) {
		w[c] = strlen(t->head[c]);
		for (size_t r = 0; r < t->rows; r++) {
			const char *s = t->cells[r * t->cols + c];
			size_t n = s ? strlen(s) : 0;

			if (n > w[c])
				w[c] = n;
		}
	}
	for (size_t r = 0; r <= t->rows; r++) {
		const char *const *row = r ? (const char *const *)&t->cells[(r - 1) * t->cols]
					   : t->head;
		size_t last = t->cols;

		/* No padding after the last non-empty cell. */
		while (last > 1 && (!row[last - 1] || !*row[last - 1]))
			last--;
		for (size_t c = 0; c < last; c++)
			fprintf(out, "%-*s%s", c + 1 == last ? 0 : (int)w[c], row[c] ? row[c] : "",
				c + 1 == last ? "\n" : "  ");
	}
	for (size_t i = 0; i < t->rows * t->cols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* ---- JSON helpers --------------------------------------------------------- */

static const char *str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

/* Integer member as text, "" when absent. */
static const char *num(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "";
	snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	return buf;
}

static const char *yes_no(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key)) ? "yes" : "no";
}

/* L p R as RFC 9301 prints them, '-' for a clear bit. */
static const char *loc_flags(json_t *l, char *buf)
{
	buf[0] = json_is_true(json_object_get(l, "local")) ? 'L' : '-';
	buf[1] = json_is_true(json_object_get(l, "probed")) ? 'p' : '-';
	buf[2] = json_is_true(json_object_get(l, "reachable")) ? 'R' : '-';
	buf[3] = '\0';
	return buf;
}

/* Compact attributes text (malloc'ed), or NULL. */
static char *attrs_text(json_t *l)
{
	json_t *a = json_object_get(l, "attributes");

	return a ? json_dumps(a, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15))
		 : NULL;
}

static const char *expires(json_int_t s, char *buf, size_t len)
{
	if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm", (long long)s / 3600, (long long)s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm%02llds", (long long)s / 60, (long long)s % 60);
	else
		snprintf(buf, len, "%llds", (long long)s);
	return buf;
}

/* ---- the resources ---------------------------------------------------------- */

static void print_sites(json_t *j)
{
	static const char *const head[] = { "NAME", "KEY-ID", "ALGORITHM", "SHARED", "AUTH",
					    "EID-PREFIX", "MORE-SPECIFICS", "REGISTERED",
					    "ACCEPTED", "AUTH-FAILURES", "REJECTED", "REPLAYS",
					    "ECDSA-REFUSED", NULL };
	json_t *sites = json_object_get(j, "sites"), *s, *p;
	struct table t;
	size_t i, k;

	table_init(&t, head);
	json_array_foreach(sites, i, s) {
		json_t *c = json_object_get(s, "counters");
		char b[7][24];

		json_array_foreach(json_object_get(s, "eid_prefixes"), k, p) {
			if (k == 0)
				table_row(&t, str(s, "name"), num(s, "key_id", b[0], 24),
					  str(s, "algorithm"), yes_no(s, "allow_shared_eids"),
					  str(s, "auth"), str(p, "prefix"),
					  yes_no(p, "accept_more_specifics"),
					  num(s, "registered_eids", b[1], 24),
					  num(c, "registers_accepted", b[2], 24),
					  num(c, "auth_failures", b[3], 24),
					  num(c, "eid_rejections", b[4], 24),
					  num(c, "replays", b[5], 24),
					  num(c, "ecdsa_refusals", b[6], 24));
			else
				table_row(&t, NULL, NULL, NULL, NULL, NULL, str(p, "prefix"),
					  yes_no(p, "accept_more_specifics"), NULL, NULL, NULL,
					  NULL, NULL, NULL);
		}
	}
	table_print(&t, stdout);
}

/* A row per Map-Server of each delegated prefix, in fail-over order. */
static void print_delegations(json_t *j)
{
	static const char *const head[] = { "EID-PREFIX", "MAP-SERVER", "STATE", "FORWARDED",
					    "PROBES", "ANSWERED", "DOWN", "UP", NULL };
	json_t *dls = json_object_get(j, "delegations"), *d, *m;
	struct table t;
	size_t i, k;

	table_init(&t, head);
	json_array_foreach(dls, i, d) {
		json_array_foreach(json_object_get(d, "map_servers"), k, m) {
			json_t *c = json_object_get(m, "counters");
			char b[5][24];

			table_row(&t, k ? NULL : str(d, "prefix"), str(m, "address"),
				  str(m, "state"), num(c, "forwarded", b[0], 24),
				  num(c, "probes_sent", b[1], 24), num(c, "probes_answered", b[2], 24),
				  num(c, "went_down", b[3], 24), num(c, "went_up", b[4], 24));
		}
	}
	table_print(&t, stdout);
}

static void print_registrations(json_t *j)
{
	static const char *const head[] = { "EID", "RLOC", "PRI", "WGT", "FLAGS", "SITES",
					    "XTRS", "EXPIRES", "ATTRIBUTES", NULL };
	json_t *regs = json_object_get(j, "registrations"), *r, *l, *x;
	struct table t;
	size_t i, k;

	table_init(&t, head);
	json_array_foreach(regs, i, r) {
		char sites[256] = "", nx[16], exp[32] = "", b[2][8], fl[4];
		json_int_t soonest = -1;

		json_array_foreach(json_object_get(r, "xtrs"), k, x) {
			json_t *e = json_object_get(x, "expires_in_s");
			const char *site = str(x, "site");

			if (json_is_integer(e) && (soonest < 0 || json_integer_value(e) < soonest))
				soonest = json_integer_value(e);
			if (*site && !strstr(sites, site))
				snprintf(sites + strlen(sites), sizeof(sites) - strlen(sites),
					 "%s%s", *sites ? "," : "", site);
		}
		snprintf(nx, sizeof(nx), "%zu", json_array_size(json_object_get(r, "xtrs")));
		if (soonest >= 0)
			expires(soonest, exp, sizeof(exp));
		if (!json_array_size(json_object_get(r, "rlocs")))
			table_row(&t, str(r, "eid"), "-", NULL, NULL, NULL, sites, nx, exp, NULL);
		json_array_foreach(json_object_get(r, "rlocs"), k, l) {
			char *a = attrs_text(l);

			table_row(&t, k ? NULL : str(r, "eid"), str(l, "address"),
				  num(l, "priority", b[0], 8), num(l, "weight", b[1], 8),
				  loc_flags(l, fl), k ? NULL : sites, k ? NULL : nx,
				  k ? NULL : exp, a);
			free(a);
		}
	}
	table_print(&t, stdout);
}

static void print_map_cache(json_t *j)
{
	static const char *const head[] = { "EID", "ACTION", "TTL", "EXPIRES", "RLOC", "PRI",
					    "WGT", "STATE", "ATTRIBUTES", NULL };
	json_t *entries = json_object_get(j, "entries"), *e, *l;
	struct table t;
	size_t i, k;

	table_init(&t, head);
	json_array_foreach(entries, i, e) {
		char ttl[24], exp[32] = "static", b[2][8];
		json_t *ex = json_object_get(e, "expires_in_s");

		snprintf(ttl, sizeof(ttl), "%lldm",
			 (long long)json_integer_value(json_object_get(e, "ttl")));
		if (json_is_true(json_object_get(e, "static")))
			snprintf(ttl, sizeof(ttl), "-");
		if (json_is_integer(ex))
			expires(json_integer_value(ex), exp, sizeof(exp));
		else if (!json_is_true(json_object_get(e, "static")))
			snprintf(exp, sizeof(exp), "never");
		if (!json_array_size(json_object_get(e, "rlocs")))
			table_row(&t, str(e, "eid"), str(e, "action"), ttl, exp, "-", NULL, NULL,
				  NULL, NULL);
		json_array_foreach(json_object_get(e, "rlocs"), k, l) {
			json_t *up = json_object_get(l, "up");
			char *a = attrs_text(l);

			table_row(&t, k ? NULL : str(e, "eid"), k ? NULL : str(e, "action"),
				  k ? NULL : ttl, k ? NULL : exp, str(l, "address"),
				  num(l, "priority", b[0], 8), num(l, "weight", b[1], 8),
				  !up ? "-" : json_is_true(up) ? "up" : "down", a);
			free(a);
		}
	}
	table_print(&t, stdout);
}

/* Every number of the stats document, one dotted path per line. */
static void stats_flatten(struct table *t, const char *path, json_t *v)
{
	char sub[256], val[32];
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, m) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
			stats_flatten(t, sub, m);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m) {
			json_t *port = json_object_get(m, "port");

			/* Sockets are named by address, not by position. */
			if (json_is_string(json_object_get(m, "address")) && json_is_integer(port))
				snprintf(sub, sizeof(sub), strchr(str(m, "address"), ':')
					 ? "%s[[%s]:%lld]" : "%s[%s:%lld]", path,
					 str(m, "address"), (long long)json_integer_value(port));
			else
				snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			stats_flatten(t, sub, m);
		}
	} else if (json_is_integer(v)) {
		if (strstr(path, "].port") || strstr(path, "].address"))
			return;
		snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(v));
		table_row(t, path, val);
	} else if (json_is_boolean(v)) {
		table_row(t, path, json_is_true(v) ? "yes" : "no");
	}
}

/* The ETR's database and where each record stands with the Map-Servers. */
static void print_database(json_t *j)
{
	static const char *const head[] = { "EID-PREFIX", "TTL", "REGISTRATION", NULL };
	json_t *e;
	struct table t;
	size_t i;

	table_init(&t, head);
	json_array_foreach(json_object_get(j, "entries"), i, e) {
		char b[24];

		table_row(&t, str(e, "eid"), num(e, "ttl", b, sizeof(b)), str(e, "registration"));
	}
	table_print(&t, stdout);
}

static void print_stats(json_t *j)
{
	static const char *const head[] = { "COUNTER", "VALUE", NULL };
	struct table t;

	table_init(&t, head);
	stats_flatten(&t, "", j);
	table_print(&t, stdout);
}

/* The DDT node (GET /api/v1/ddt/delegations): its authority, TTLs, and a
 * row per referral-set member of each delegation. */
static void print_ddt_node(json_t *j)
{
	static const char *const head[] = { "EID-PREFIX", "TYPE", "REFERRAL", "PRI", "WGT",
					    "SENT", NULL };
	json_t *ttl = json_object_get(j, "ttl_minutes"), *d, *r, *p;
	struct table t;
	size_t i, k;
	char b[4][24];

	fputs("authoritative:", stdout);
	json_array_foreach(json_object_get(j, "authoritative_prefixes"), i, p)
		printf(" %s", json_is_string(p) ? json_string_value(p) : "?");
	printf("\nTTL (minutes): referral %s, delegation-hole %s, not-authoritative 0\n\n",
	       num(ttl, "referral", b[0], 24), num(ttl, "delegation_hole", b[1], 24));
	table_init(&t, head);
	json_array_foreach(json_object_get(j, "delegations"), i, d) {
		json_array_foreach(json_object_get(d, "referrals"), k, r)
			table_row(&t, k ? NULL : str(d, "eid_prefix"), k ? NULL : str(d, "type"),
				  str(r, "address"), num(r, "priority", b[2], 24),
				  num(r, "weight", b[3], 24),
				  k ? NULL : num(d, "referrals_sent", b[0], 24));
	}
	table_print(&t, stdout);
}

/* GET /api/v1/ddt/referral-cache: the DDT Map-Resolver's roots and
 * referral cache, one row per referral-set member. */
static void print_referral_cache(json_t *j)
{
	static const char *const head[] = { "XEID-PREFIX", "ACTION", "TTL", "EXPIRES", "HITS",
					    "REFERRAL", "PRI", "WGT", NULL };
	json_t *e, *r;
	struct table t;
	size_t i, k;

	table_init(&t, head);
	json_array_foreach(json_object_get(j, "roots"), i, r) {
		char b[8];

		table_row(&t, i ? NULL : "(roots)", "root", NULL, NULL, NULL, str(r, "address"),
			  num(r, "priority", b, 8), NULL);
	}
	json_array_foreach(json_object_get(j, "entries"), i, e) {
		char ttl[24], exp[32], hits[24], b[2][8];

		snprintf(ttl, sizeof(ttl), "%lldm",
			 (long long)json_integer_value(json_object_get(e, "ttl_minutes")));
		expires(json_integer_value(json_object_get(e, "expires_in_s")), exp, sizeof(exp));
		num(e, "hits", hits, sizeof(hits));
		if (!json_array_size(json_object_get(e, "referral_set")))
			table_row(&t, str(e, "prefix"), str(e, "action"), ttl, exp, hits, "-",
				  NULL, NULL);
		json_array_foreach(json_object_get(e, "referral_set"), k, r)
			table_row(&t, k ? NULL : str(e, "prefix"), k ? NULL : str(e, "action"),
				  k ? NULL : ttl, k ? NULL : exp, k ? NULL : hits,
				  str(r, "address"), num(r, "priority", b[0], 8),
				  num(r, "weight", b[1], 8));
	}
	table_print(&t, stdout);
	printf("%lld entries (capacity %lld), %lld requests pending\n",
	       (long long)json_integer_value(json_object_get(j, "total")),
	       (long long)json_integer_value(json_object_get(j, "capacity")),
	       (long long)json_integer_value(json_object_get(j, "pending")));
}

/* ---- the command -------------------------------------------------------------- */

static const struct {
	const char *what;
	const char *path;
	void (*print)(json_t *j);
} shows[] = {
	{ "sites", "/api/v1/sites", print_sites },
	{ "delegations", "/api/v1/delegations", print_delegations },
	{ "registrations", "/api/v1/registrations", print_registrations },
	{ "map-cache", "/api/v1/map-cache", print_map_cache },
	{ "stats", "/api/v1/stats", print_stats },
	{ "database", "/api/v1/mappings", print_database },
	{ "ddt-node", "/api/v1/ddt/delegations", print_ddt_node },
	{ "referral-cache", "/api/v1/ddt/referral-cache", print_referral_cache },
};

#define SHOW_COUNT (sizeof(shows) / sizeof(shows[0]))

static void show_help(FILE *out)
{
	fprintf(out,
		"usage: %s [--api URL] [--token T] show\n"
		"                  sites|delegations|registrations|map-cache|stats|database|\n"
		"                  ddt-node|referral-cache|trace\n"
		"                  [--json] [--iid N] [--eid EID] [--match M] [--site NAME]\n\n"
		"Print what lispgw-cp's REST API reports, as aligned tables (trace:\n"
		"lispgw-dp's packet trace, from its telemetry socket, `trace --help`).\n\n"
		"  --json         print the API's JSON instead\n"
		"  --iid N        registrations, map-cache: one Instance-ID\n"
		"  --eid EID      registrations, map-cache, referral-cache: the entry for\n"
		"                 [iid]addr[/len]\n"
		"  --match M      registrations: longest (default), exact or more-specific\n"
		"  --site NAME    registrations: only EIDs the site registered; sites: one site\n"
		"  --api URL      the API (default %s)\n"
		"  --token T      its bearer token (default: $%s)\n"
		"  --cacert FILE  https: the CA that signed the API's certificate\n"
		"  --insecure     https: do not check the API's certificate at all\n"
		"  -h, --help     show this help\n\n"
		"Exit status: 0 shown, 1 the API could not be reached or refused, 2 usage.\n",
		CTL_PROG, CTL_API_DEFAULT, CTL_API_TOKEN_ENV);
}

static void query_add(char *q, size_t len, const char *name, const char *value)
{
	if (!value)
		return;
	snprintf(q + strlen(q), len - strlen(q), "%c%s=", strchr(q, '?') ? '&' : '?', name);
	http_query_escape(q, len, value);
}

static int show_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "iid", required_argument, NULL, 'i' },
		{ "eid", required_argument, NULL, 'e' },
		{ "match", required_argument, NULL, 'm' },
		{ "site", required_argument, NULL, 's' },
		{ "api", required_argument, NULL, 'A' },
		{ "token", required_argument, NULL, 'T' },
		{ "cacert", required_argument, NULL, 'C' },
		{ "insecure", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *iid = NULL, *eid = NULL, *match = NULL, *site = NULL, *what = NULL;
	char path[1024];
	bool json = false;
	char *raw = NULL;
	json_t *j;
	size_t w;
	int c;

	opterr = 0;
	optind = 1;
	while (optind < argc) {
		c = getopt_long(argc, argv, "+h", longopts, NULL);
		if (c == -1) {
			/* The resource may come before or among the options. */
			if (what) {
				fprintf(stderr, "%s show: unexpected '%s'\n", CTL_PROG, argv[optind]);
				goto usage;
			}
			what = argv[optind++];
			continue;
		}
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'i':
			iid = optarg;
			break;
		case 'e':
			eid = optarg;
			break;
		case 'm':
			match = optarg;
			break;
		case 's':
			site = optarg;
			break;
		case 'A':
			ctl_api.url = optarg;
			break;
		case 'T':
			ctl_api.token = optarg;
			break;
		case 'C':
			ctl_api.cacert = optarg;
			break;
		case 'K':
			ctl_api.insecure = true;
			break;
		case 'h':
			show_help(stdout);
			return CTL_EXIT_OK;
		default:
			fprintf(stderr, "%s show: unknown or incomplete option '%s'\n", CTL_PROG,
				argv[optind - 1]);
			goto usage;
		}
	}
	if (!what) {
		fprintf(stderr, "%s show: what? sites, registrations, map-cache or stats\n",
			CTL_PROG);
		goto usage;
	}
	/* The data plane's, through its telemetry socket (cmd_trace.c). */
	if (strcmp(what, "trace") == 0)
		return ctl_trace_show(json);
	for (w = 0; w < SHOW_COUNT; w++)
		if (strcmp(what, shows[w].what) == 0)
			break;
	if (w == SHOW_COUNT) {
		fprintf(stderr, "%s show: unknown resource '%s'\n", CTL_PROG, what);
		goto usage;
	}
	snprintf(path, sizeof(path), "%s", shows[w].path);
	/* By name: an index shifts when a resource is added to shows[]
	 * ("delegations" once took registrations' filters and map-cache's). */
	if (strcmp(shows[w].what, "sites") == 0) {
		query_add(path, sizeof(path), "name", site);
	} else if (strcmp(shows[w].what, "registrations") == 0) {
		query_add(path, sizeof(path), "iid", iid);
		query_add(path, sizeof(path), "eid", eid);
		query_add(path, sizeof(path), "match", match);
		query_add(path, sizeof(path), "site", site);
	} else if (strcmp(shows[w].what, "map-cache") == 0) {
		query_add(path, sizeof(path), "iid", iid);
		query_add(path, sizeof(path), "eid", eid);
	} else if (strcmp(shows[w].what, "referral-cache") == 0) {
		query_add(path, sizeof(path), "eid", eid);
	}
	j = ctl_api_call("GET", path, NULL, &raw);
	if (!j)
		return CTL_EXIT_FAIL;
	if (json)
		printf("%s\n", raw);
	else
		shows[w].print(j);
	free(raw);
	json_decref(j);
	return CTL_EXIT_OK;
usage:
	show_help(stderr);
	return CTL_EXIT_USAGE;
}

const struct ctl_cmd ctl_cmd_show = {
	.name = "show",
	.args = "sites|delegations|registrations|map-cache|stats|database|ddt-node|"
		"referral-cache [--json] [filters]",
	.summary = "print the daemon's sites, delegations, registrations, map-cache, counters, "
		   "DDT delegations or referral cache (REST API)",
	.run = show_run,
	.help = show_help,
};
