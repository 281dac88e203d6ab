/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config module against files: every example in docs/examples loads
 * and round-trips (load, print, load the print, compare: OpenBGPD regress
 * style), as do the good files of tests/config (the agents section's
 * among them), defaults are what docs/config.md says, and every bad file in
 * tests/config fails with exactly the errors its "# expect: LINE: path:
 * message" comments list, in order, with their lines.
 *
 * Files are found from the source root: $LISPGW_SOURCE_ROOT, else the
 * directory this file was compiled from.
 */
#include <dirent.h>
#include <errno.h>
#include <syslog.h>
#include <unistd.h>

#include "check_util.h"
#include "cfg_file.h"
#include "config.h"
#include "config_priv.h"
#include "lisp_msg.h"

#include "config_fixture.h"

/* --- examples ------------------------------------------------------------- */

static const char *const required_examples[] = {
	"ms-mr.yaml", "xtr1.yaml", "xtr2.yaml", "itr.yaml", "etr.yaml",
	"pitr.yaml",  "petr.yaml", "ms.yaml",	"mr.yaml",
};

START_TEST(test_examples_load)
{
	char names[32][NAMES_MAX], rel[128];
	size_t n = list_yaml("docs/examples", "", names, 32);

	for (size_t i = 0; i < sizeof(required_examples) / sizeof(required_examples[0]); i++) {
		bool found = false;

		for (size_t j = 0; j < n; j++)
			found |= strcmp(names[j], required_examples[i]) == 0;
		ck_assert_msg(found, "docs/examples/%s is missing", required_examples[i]);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "docs/examples/%s", names[i]);
		cp_config_free(load_rel(rel));
	}
}
END_TEST

/* Parse, print, parse the print, compare; and the print of the print is
 * the same text (printing is a fixed point). */
static void roundtrip(const char *rel)
{
	struct cp_config *a = load_rel(rel), *b;
	char *t1 = print_to_string(a), *t2, tmp[4096];

	tmp_write(t1, tmp, sizeof(tmp));
	b = load_ok(tmp);
	unlink(tmp);
	ck_assert_msg(cp_config_equal(a, b), "%s: printed config loads differently:\n%s", rel, t1);
	t2 = print_to_string(b);
	ck_assert_str_eq(t1, t2);
	free(t1);
	free(t2);
	cp_config_free(a);
	cp_config_free(b);
}

START_TEST(test_examples_roundtrip)
{
	char names[32][NAMES_MAX], rel[128];
	size_t n = list_yaml("docs/examples", "", names, 32);

	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "docs/examples/%s", names[i]);
		roundtrip(rel);
	}
	roundtrip("tests/config/good-attributes.yaml");
	roundtrip("tests/config/good-defaults.yaml");
	roundtrip("tests/config/good-agents.yaml");
	roundtrip("tests/config/good-ddt-node.yaml");
	roundtrip("tests/config/good-sharded-etr.yaml");
	roundtrip("tests/config/good-rest-tls.yaml");
}
END_TEST

/* etr.map-servers[].eid-prefixes read, and compared by cp_config_equal. */
START_TEST(test_sharded_etr)
{
	struct cp_config *c = load_rel("tests/config/good-sharded-etr.yaml");
	struct cp_config *d = load_rel("tests/config/good-sharded-etr.yaml");

	ck_assert_uint_eq(c->etr.map_server_count, 3);
	ck_assert_uint_eq(c->etr.map_servers[0].eid_count, 2);
	ck_assert_uint_eq(c->etr.map_servers[1].eids[0].iid, 2);
	ck_assert(cp_config_equal(c, d));
	d->etr.map_servers[2].eids[0].iid = 3;
	ck_assert(!cp_config_equal(c, d));
	cp_config_free(c);
	cp_config_free(d);
}
END_TEST

/* map-resolver.map-servers[].addresses: one forward per Map-Server, in
 * order, each with the entry's prefixes; the health keys; map-server.ddt-peers. */
START_TEST(test_mr_redundant_map_servers)
{
	struct cp_config *mr = load_rel("docs/examples/mr.yaml");
	struct cp_config *ms = load_rel("docs/examples/ms.yaml");
	struct cp_config *def = load_rel("tests/config/good-defaults.yaml");
	char a[LISP_ADDR_STR_MAX], b[LISP_ADDR_STR_MAX];

	ck_assert_uint_eq(mr->mr.forward_count, 3);
	lisp_addr_format(&mr->mr.forwards[1].addr, a, sizeof(a));
	lisp_addr_format(&mr->mr.forwards[2].addr, b, sizeof(b));
	ck_assert_str_eq(a, "192.0.2.11");
	ck_assert_str_eq(b, "192.0.2.12");
	ck_assert_uint_eq(mr->mr.forwards[2].eid_count, 1);
	ck_assert(cp_config_prefixes_equal(mr->mr.forwards[1].eids, 1, mr->mr.forwards[2].eids, 1));
	ck_assert_uint_eq(mr->mr.health_interval_ms, 2000);
	ck_assert_uint_eq(mr->mr.health_misses, 3);
	ck_assert_uint_eq(ms->ms.ddt_peer_count, 1);
	ck_assert_uint_eq(def->mr.health_interval_ms, CP_CONFIG_DEF_MR_HEALTH_INTERVAL_MS);
	ck_assert_uint_eq(def->mr.health_misses, CP_CONFIG_DEF_MR_HEALTH_MISSES);
	ck_assert_uint_eq(def->ms.ddt_peer_count, 0);
	cp_config_free(mr);
	cp_config_free(ms);
	cp_config_free(def);
}
END_TEST

static struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

static bool site_allows_prefix(const struct cp_config_site *s, const struct lisp_prefix *p)
{
	for (size_t i = 0; i < s->eid_count; i++)
		if (lisp_prefix_covers(&s->eids[i], p) &&
		    (s->accept_more_specifics || lisp_prefix_equal(&s->eids[i], p)))
			return true;
	return false;
}

/* The examples are meant to run together: each xTR's database must be
 * accepted by its site on the Map-Server, with the same key. */
START_TEST(test_examples_agree)
{
	struct cp_config *ms = load_rel("docs/examples/ms-mr.yaml");
	struct cp_config *x1 = load_rel("docs/examples/xtr1.yaml");
	struct cp_config *x2 = load_rel("docs/examples/xtr2.yaml");
	struct cp_config *xtrs[2] = { x1, x2 };
	struct lisp_prefix p1 = pfx("[1]10.1.0.0/16"), p2 = pfx("[2]10.1.0.0/16");

	ck_assert_uint_eq(ms->roles, CP_ROLE_MAP_SERVER | CP_ROLE_MAP_RESOLVER);
	ck_assert_uint_eq(ms->ms.site_count, 2);
	ck_assert(ms->ms.sites[0].allow_shared && ms->ms.sites[1].allow_shared);
	ck_assert(ms->rest.enabled);
	ck_assert_uint_eq(x1->roles, CP_ROLE_XTR);
	ck_assert_uint_eq(x2->roles, CP_ROLE_XTR);
	/* Overlapping EIDs in two Instance-IDs. */
	ck_assert(lisp_prefix_equal(&x1->etr.database[0].eid, &p1));
	ck_assert(lisp_prefix_equal(&x2->etr.database[0].eid, &p2));
	for (size_t i = 0; i < 2; i++) {
		const struct cp_config_site *site = &ms->ms.sites[i];
		const struct cp_config_server *srv = &xtrs[i]->etr.map_servers[0];

		ck_assert(lisp_addr_equal(&srv->addr, &ms->listen[0]));
		ck_assert_uint_eq(srv->port, ms->listen_port);
		ck_assert_uint_eq(srv->key_id, site->key_id);
		ck_assert_str_eq(srv->key, site->key);
		for (size_t j = 0; j < xtrs[i]->etr.mapping_count; j++)
			ck_assert_msg(site_allows_prefix(site, &xtrs[i]->etr.database[j].eid),
				      "xtr%zu database[%zu] not allowed by site %s", i + 1, j,
				      site->name);
		ck_assert(lisp_addr_equal(&xtrs[i]->itr.map_resolvers[0].addr, &ms->listen[0]));
	}
	/* xTR 1 knows what dc1 accepts: exactly the site's prefixes. */
	ck_assert_uint_eq(x1->etr.accepted_eid_count, ms->ms.sites[0].eid_count);
	for (size_t j = 0; j < x1->etr.accepted_eid_count; j++)
		ck_assert(lisp_prefix_equal(&x1->etr.accepted_eids[j], &ms->ms.sites[0].eids[j]));
	ck_assert_str_eq(x1->etr.database[1].rlocs[0].attributes,
			 "{\"gpu\":\"H100\",\"gpus\":8,\"latency_ms\":3,\"load\":0.42,"
			 "\"state\":\"ready\"}");
	ck_assert_str_eq(x2->etr.database[1].rlocs[0].attributes,
			 "{\"gpu\":\"A100\",\"gpus\":4,\"latency_ms\":5,\"load\":0.1,"
			 "\"state\":\"ready\"}");
	cp_config_free(ms);
	cp_config_free(x1);
	cp_config_free(x2);
}
END_TEST

START_TEST(test_defaults)
{
	struct cp_config *c = load_rel("tests/config/good-defaults.yaml");

	ck_assert_int_eq(c->log_level, LOG_INFO);
	ck_assert(!c->xtr_id_set);
	ck_assert_uint_eq(c->site_id, 0);
	ck_assert_uint_eq(c->listen_port, 4342);
	ck_assert(!c->rest.present && !c->rest.enabled);
	ck_assert_uint_eq(c->rest.port, 8080);
	ck_assert_uint_eq(c->rest.max_conns, 64);
	ck_assert_uint_eq(c->rest.max_conns_per_addr, 32);
	ck_assert_uint_eq(c->rest.header_deadline_ms, 5000);
	ck_assert_uint_eq(c->rest.body_deadline_ms, 30000);
	ck_assert_uint_eq(c->rest.idle_timeout_ms, 10000);
	ck_assert_uint_eq(c->rest.full_wait_ms, 500);
	ck_assert_uint_eq(c->ms.registration_timeout_ms, 180000);
	ck_assert(c->ms.pubsub);
	ck_assert_int_eq(c->ms.nonce_policy, CP_NONCE_UNIQUE);
	ck_assert_uint_eq(c->ms.sites[0].key_id, LISP_AUTH_HMAC_SHA256_128);
	ck_assert(!c->ms.sites[0].accept_more_specifics && !c->ms.sites[0].allow_shared);
	ck_assert_uint_eq(c->mr.negative_ttl_min, 15);
	ck_assert_uint_eq(c->mr.negative_ttl_unregistered_min, 1);
	ck_assert_uint_eq(c->mr.rate_limit, 100);
	ck_assert_uint_eq(c->mr.rate_burst, 200);
	ck_assert_uint_eq(c->etr.register_interval_ms, 60000);
	ck_assert(c->etr.want_map_notify && !c->etr.proxy_reply);
	ck_assert_uint_eq(c->etr.record_ttl_min, 1440);
	ck_assert_uint_eq(c->etr.map_servers[0].port, 4342);
	ck_assert_uint_eq(c->etr.map_servers[0].key_id, LISP_AUTH_HMAC_SHA256_128);
	ck_assert_uint_eq(c->etr.database[0].ttl_min, 1440);
	ck_assert_uint_eq(c->etr.database[0].rlocs[0].priority, 1);
	ck_assert_uint_eq(c->etr.database[0].rlocs[0].weight, 100);
	ck_assert_ptr_null(c->etr.database[0].rlocs[0].attributes);
	ck_assert_uint_eq(c->itr.request_timeout_ms, 1000);
	ck_assert_uint_eq(c->itr.request_tries, 3);
	ck_assert_uint_eq(c->itr.cache_max_entries, 100000);
	ck_assert_uint_eq(c->itr.cache_refresh_ms, 60000);
	ck_assert(c->itr.cache_negative && c->itr.smr && !c->itr.subscribe && !c->itr.probe);
	ck_assert_uint_eq(c->itr.probe_interval_ms, 60000);
	ck_assert_uint_eq(c->itr.probe_timeout_ms, 1000);
	ck_assert_uint_eq(c->itr.probe_tries, 3);
	ck_assert(!c->pitr.present && !c->petr.present);
	ck_assert(!c->agents.present);
	ck_assert_uint_eq(c->agents.max, 1024);
	ck_assert_ptr_null(c->agents.state_file);
	ck_assert_uint_eq(c->agents.pool_count, 0);
	ck_assert_uint_eq(c->agents.space_count, 0);
	cp_config_free(c);
}
END_TEST

/* The agents section (docs/config.md "agents"): every key as written, the
 * printed form that carries it, and equality that sees each key. */
START_TEST(test_agents_section)
{
	struct cp_config *a = load_rel("tests/config/good-agents.yaml");
	struct cp_config *b = load_rel("tests/config/good-agents.yaml");
	struct lisp_prefix p8 = pfx("[8]fd00:8::/64"), s9 = pfx("[9]2001:db8:9::/48");
	struct lisp_prefix saved;
	char *text = print_to_string(a);

	ck_assert(a->agents.present);
	ck_assert_str_eq(a->agents.state_file, "/var/lib/lispgw/agents.json");
	ck_assert_uint_eq(a->agents.max, 65536);
	ck_assert_uint_eq(a->agents.pool_count, 3);
	ck_assert(lisp_prefix_equal(&a->agents.pools[2], &p8));
	ck_assert_uint_eq(a->agents.pools[1].iid, 8);
	ck_assert_uint_eq(a->agents.space_count, 2);
	ck_assert(lisp_prefix_equal(&a->agents.spaces[1], &s9));
	ck_assert_uint_eq(a->agents.crypto_prefix_count, 3);
	ck_assert_uint_eq(a->agents.crypto_prefixes[1].iid, 8);
	ck_assert_ptr_nonnull(strstr(text, "  crypto-eid-prefixes:\n    - \"[7]fd00::/8\"\n"));
	ck_assert_msg(strstr(text, "agents:\n  state-file: \"/var/lib/lispgw/agents.json\"\n"
				   "  max-agents: 65536\n  pools:\n    - \"[7]10.70.1.0/24\"\n"),
		      "printed:\n%s", text);
	free(text);
	ck_assert(cp_config_equal(a, b));
	b->agents.max--;
	ck_assert(!cp_config_equal(a, b));
	b->agents.max++;
	saved = b->agents.pools[0];
	b->agents.pools[0].iid = 9;
	ck_assert(!cp_config_equal(a, b));
	b->agents.pools[0] = saved;
	b->agents.space_count--;
	ck_assert(!cp_config_equal(a, b));
	b->agents.space_count++;
	b->agents.crypto_prefixes[2].plen = 24;
	ck_assert(!cp_config_equal(a, b));
	b->agents.crypto_prefixes[2].plen = 16;
	b->agents.state_file[1] ^= 1;
	ck_assert(!cp_config_equal(a, b));
	b->agents.state_file[1] ^= 1;
	ck_assert(cp_config_equal(a, b));
	cp_config_free(a);
	cp_config_free(b);
}
END_TEST

START_TEST(test_attributes)
{
	struct cp_config *c = load_rel("tests/config/good-attributes.yaml");
	const struct cp_config_mapping *m = &c->etr.database[0];
	const char *want = "{\"gpu\":\"H100\",\"gpus\":8,\"load\":0.42,\"ready\":true,"
			   "\"tags\":[\"a\",\"b\"],\"zone\":null}";

	ck_assert_uint_eq(m->rloc_count, 5);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(m->rlocs[i].attributes, want);
	ck_assert_str_eq(m->rlocs[4].attributes, "{\"gpu\":\"8\",\"ready\":\"true\"}");
	cp_config_free(c);
}
END_TEST

/* --- bad files ------------------------------------------------------------- */

/* map-server.nonce-policy as written (docs/examples/ms.yaml), printed and
 * compared; a value it does not know is refused (bad-nonce-policy.yaml). */
/* The amplification limits (docs/security.md): defaults, and out of range
 * refused (bad-reply-limits.yaml). */
START_TEST(test_reply_limits)
{
	struct cp_config *c = load_rel("docs/examples/ms.yaml");

	ck_assert_uint_eq(c->mr.global_rate, 10000);
	ck_assert_uint_eq(c->mr.global_burst, 20000);
	ck_assert_uint_eq(c->mr.forward_next_hops, 1);
	ck_assert_uint_eq(c->etr.reply_rate, 1000);
	ck_assert_uint_eq(c->etr.probe_reply_ratio, 1);
	ck_assert_uint_eq(c->itr.smr_rate, 100);
	ck_assert_uint_eq(c->mr.verified_rate, 10000);
	ck_assert_uint_eq(c->mr.trusted_itr_count, 0);
	check_bad("bad-reply-limits.yaml");
	cp_config_free(c);
}
END_TEST

/* The verified ITRs' budget as docs/examples/mr.yaml writes it, printed
 * and compared; a trusted prefix with an Instance-ID is refused
 * (bad-reply-limits.yaml). */
START_TEST(test_verified_itrs)
{
	struct cp_config *c = load_rel("docs/examples/mr.yaml");
	struct cp_config *d = load_rel("docs/examples/mr.yaml");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_uint_eq(c->mr.verified_rate, 5000);
	ck_assert_uint_eq(c->mr.verified_burst, 10000);
	ck_assert_uint_eq(c->mr.trusted_itr_count, 2);
	ck_assert_int_eq(cp_config_print(c, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "  trusted-itrs:\n    - \"198.51.100.0/24\"\n"));
	ck_assert(cp_config_equal(c, d));
	d->mr.trusted_itrs[1].plen = 64;
	ck_assert(!cp_config_equal(c, d));
	free(text);
	cp_config_free(c);
	cp_config_free(d);
}
END_TEST

START_TEST(test_nonce_policy)
{
	struct cp_config *c = load_rel("docs/examples/ms.yaml");
	struct cp_config *d = load_rel("docs/examples/ms.yaml");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_int_eq(c->ms.nonce_policy, CP_NONCE_INCREASING);
	ck_assert_int_eq(cp_config_print(c, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "  nonce-policy: increasing\n"));
	ck_assert(cp_config_equal(c, d));
	d->ms.nonce_policy = CP_NONCE_UNIQUE;
	ck_assert(!cp_config_equal(c, d));
	check_bad("bad-nonce-policy.yaml");
	free(text);
	cp_config_free(c);
	cp_config_free(d);
}
END_TEST

/* rest's connection limits as written (docs/examples/ms-mr.yaml), printed
 * and compared; out of range, or a header deadline not shorter than the
 * idle timeout, refused (bad-rest-limits.yaml, bad-rest-deadlines.yaml). */
START_TEST(test_rest_limits)
{
	struct cp_config *c = load_rel("docs/examples/ms-mr.yaml");
	struct cp_config *d = load_rel("docs/examples/ms-mr.yaml");
	char *text = print_to_string(c);

	ck_assert_uint_eq(c->rest.max_conns_per_addr, 16);
	ck_assert_uint_eq(c->rest.header_deadline_ms, 3000);
	ck_assert_ptr_nonnull(strstr(text, "  max-connections-per-address: 16\n"
					   "  header-deadline: 3s\n"));
	ck_assert(cp_config_equal(c, d));
	d->rest.body_deadline_ms = 20000;
	ck_assert(!cp_config_equal(c, d));
	check_bad("bad-rest-limits.yaml");
	check_bad("bad-rest-deadlines.yaml");
	free(text);
	cp_config_free(c);
	cp_config_free(d);
	/* REST over TLS: the files' paths, compared; a public address needs them. */
	c = load_rel("tests/config/good-rest-tls.yaml");
	d = load_rel("tests/config/good-rest-tls.yaml");
	ck_assert_str_eq(c->rest.tls_cert_file, "/etc/lispgw/rest.crt");
	ck_assert_str_eq(c->rest.tls_key_file, "/etc/lispgw/rest.key");
	d->rest.tls_key_file[0] = 'X';
	ck_assert(!cp_config_equal(c, d));
	check_bad("bad-rest-public.yaml");
	check_bad("bad-rest-tls-pair.yaml");
	cp_config_free(c);
	cp_config_free(d);
}
END_TEST

/* The caps of state per sender as written (docs/examples/ms-mr.yaml),
 * printed and compared; out of range refused (bad-state-limits.yaml). */
START_TEST(test_state_limits)
{
	struct cp_config *c = load_rel("docs/examples/ms-mr.yaml");
	struct cp_config *d = load_rel("docs/examples/ms-mr.yaml");
	char *text = print_to_string(c);

	ck_assert_uint_eq(c->ms.max_registrants, 10000);
	ck_assert_uint_eq(c->ms.max_registrants_per_site, 5000);
	ck_assert_uint_eq(c->ms.max_pending_notifies, 4096);
	ck_assert_uint_eq(c->ms.pubsub_max_subscriptions, 50000);
	ck_assert_uint_eq(c->ms.pubsub_max_per_xtr, 20000);
	ck_assert_uint_eq(c->ms.pubsub_lifetime_ms, 25 * 3600000u);
	ck_assert_ptr_nonnull(strstr(text, "  max-registrants: 10000\n"));
	ck_assert_ptr_nonnull(strstr(text, "    sources: 65536\n"));
	ck_assert(cp_config_equal(c, d));
	d->ms.registrant_hold_ms = 0;
	ck_assert(!cp_config_equal(c, d));
	d->ms.registrant_hold_ms = c->ms.registrant_hold_ms;
	d->mr.rate_sources = 64;
	ck_assert(!cp_config_equal(c, d));
	d->mr.rate_sources = c->mr.rate_sources;
	d->mr.smr_requesters = 64;
	ck_assert(!cp_config_equal(c, d));
	check_bad("bad-state-limits.yaml");
	free(text);
	cp_config_free(c);
	cp_config_free(d);
}
END_TEST

/* map-resolver.ddt as written (docs/examples/ddt-mr.yaml), printed and
 * compared; out of range refused (bad-ddt.yaml). */
START_TEST(test_mr_ddt)
{
	struct cp_config *c = load_rel("docs/examples/ddt-mr.yaml");
	struct cp_config *d = load_rel("docs/examples/ddt-mr.yaml");
	const struct cp_config_mr_ddt *x = &c->mr.ddt;
	char *text = print_to_string(c);

	ck_assert_uint_eq(x->root_count, 2);
	ck_assert_uint_eq(x->roots[0].priority, 1);
	ck_assert_uint_eq(x->roots[1].priority, 2);
	ck_assert_uint_eq(x->referral_cache_size, 10000);
	ck_assert_uint_eq(x->max_pending, 4096);
	ck_assert_uint_eq(x->request_timeout_ms, 2000);
	ck_assert_uint_eq(x->retries, 2);
	ck_assert_uint_eq(x->max_depth, 8);
	ck_assert_uint_eq(x->negative_ttl_min_min, 1);
	ck_assert_uint_eq(x->negative_ttl_max_min, 1440);
	ck_assert_ptr_nonnull(strstr(text, "  ddt:\n    referral-cache-size: 10000\n"));
	ck_assert(cp_config_equal(c, d));
	d->mr.ddt.retries = 3;
	ck_assert(!cp_config_equal(c, d));
	d->mr.ddt.retries = 2;
	d->mr.ddt.roots[1].priority = 3;
	ck_assert(!cp_config_equal(c, d));
	check_bad("bad-ddt.yaml");
	free(text);
	cp_config_free(c);
	cp_config_free(d);
}
END_TEST

START_TEST(test_bad_files)
{
	char names[96][NAMES_MAX];
	size_t n = list_yaml("tests/config", "bad-", names, 96);

	ck_assert_uint_ge(n, 15);
	for (size_t i = 0; i < n; i++)
		check_bad(names[i]);
}
END_TEST

/* Keys no code reads are refused, with the key, its line and why
 * (docs/config.md, "Refused keys"); each also runs in test_bad_files. */
START_TEST(test_refused_pitr_eid_prefixes)
{
	check_bad("bad-refused-pitr.yaml");
}
END_TEST

START_TEST(test_refused_petr_instance_ids)
{
	check_bad("bad-refused-petr.yaml");
}
END_TEST

/* itr.petrs: read by the data plane alone (without a dataplane section,
 * past 32, or their attributes, they would change nothing). */
START_TEST(test_refused_petrs_without_dataplane)
{
	check_bad("bad-refused-petrs.yaml");
}
END_TEST

/* cats keys whose readers (Map-Resolver, ITR; ETR) do not run. */
START_TEST(test_refused_cats_without_role)
{
	check_bad("bad-refused-cats.yaml");
	check_bad("bad-refused-cats-metrics.yaml");
}
END_TEST

/* What the start path refuses, the check refuses (lispgw-cp -n): records
 * over what the ETR and the map-cache hold, lists over the daemon's room. */
START_TEST(test_check_record_size)
{
	check_bad("bad-record-size.yaml");
}
END_TEST

START_TEST(test_check_list_limits)
{
	check_bad("bad-limits.yaml");
}
END_TEST

/* The roles no longer need the refused keys: the examples load without. */
START_TEST(test_proxy_roles_without_keys)
{
	struct cp_config *p = load_rel("docs/examples/pitr.yaml");
	struct cp_config *e = load_rel("docs/examples/petr.yaml");
	char *text = print_to_string(p);

	ck_assert_uint_eq(p->roles, CP_ROLE_PITR);
	ck_assert_uint_eq(e->roles, CP_ROLE_PETR);
	ck_assert_ptr_null(strstr(text, "pitr:"));
	free(text);
	cp_config_free(p);
	cp_config_free(e);
}
END_TEST

/* One file with mistakes in every section reports all of them. */
START_TEST(test_many_errors)
{
	const char *const sections[] = { "roles", "xtr-id", "listen", "rest", "map-server",
					 "map-resolver", "etr", "itr", "pitr", "petr", "agents" };
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	char path[4096];

	cfg_errors_init(&errs);
	ck_assert_int_eq(cp_config_load(src_path("tests/config/bad-many.yaml", path, sizeof(path)),
					&cfg, &errs),
			 -EINVAL);
	ck_assert_uint_ge(errs.count, 15);
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		bool found = false;

		for (size_t i = 0; i < errs.count; i++)
			found |= strncmp(errs.v[i].path, sections[s], strlen(sections[s])) == 0 &&
				 strchr(".[", errs.v[i].path[strlen(sections[s])]);
		ck_assert_msg(found, "no error reported for %s", sections[s]);
	}
	for (size_t i = 1; i < errs.count; i++)
		ck_assert_uint_le(errs.v[i - 1].line, errs.v[i].line);
	cfg_errors_free(&errs);
}
END_TEST

START_TEST(test_error_format)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	char path[4096], want[4200], buf[1024], *text = NULL;
	size_t len = 0;
	FILE *f;

	src_path("tests/config/bad-key-id.yaml", path, sizeof(path));
	cfg_errors_init(&errs);
	ck_assert_int_eq(cp_config_load(path, &cfg, &errs), -EINVAL);
	ck_assert_uint_eq(errs.count, 1);
	snprintf(want, sizeof(want),
		 "%s:12: etr.map-servers[0].key-id: must be 1 (HMAC-SHA-1-96) or 2 "
		 "(HMAC-SHA-256-128), got 3",
		 path);
	ck_assert_int_gt(cfg_error_format(&errs, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(cfg_error_format(&errs, 1, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(cfg_error_format(&errs, 0, buf, 10), -ENOSPC);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(cfg_errors_print(&errs, f), 1);
	fclose(f);
	strcat(want, "\n");
	ck_assert_str_eq(text, want);
	free(text);
	cfg_errors_free(&errs);
}
END_TEST

START_TEST(test_unreadable)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	char buf[1024], dir[4096];

	cfg_errors_init(&errs);
	ck_assert_int_eq(cp_config_load("/nonexistent/lispgw.yaml", &cfg, &errs), -ENOENT);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_uint_eq(errs.v[0].line, 0);
	cfg_error_format(&errs, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "/nonexistent/lispgw.yaml: cannot read: No such file or directory");
	ck_assert_int_eq(cp_config_load(src_path("docs/examples", dir, sizeof(dir)), &cfg, &errs),
			 -EISDIR);
	ck_assert_uint_eq(errs.count, 1);
	ck_assert_ptr_null(cfg);
	/* No error list wanted: still fails cleanly. */
	ck_assert_int_eq(cp_config_load("/nonexistent/lispgw.yaml", &cfg, NULL), -ENOENT);
	cfg_errors_free(&errs);
}
END_TEST

/* One error list through a bad then a good load: the good one empties it. */
START_TEST(test_errors_reused)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	char path[4096];

	cfg_errors_init(&errs);
	ck_assert_int_eq(cp_config_load(src_path("tests/config/bad-many.yaml", path, sizeof(path)),
					&cfg, &errs),
			 -EINVAL);
	ck_assert_uint_gt(errs.count, 0);
	ck_assert_int_eq(cp_config_load(src_path("docs/examples/ms.yaml", path, sizeof(path)),
					&cfg, &errs),
			 0);
	ck_assert_uint_eq(errs.count, 0);
	cp_config_free(cfg);
	cfg_errors_free(&errs);
}
END_TEST

START_TEST(test_equal_sees_changes)
{
	struct cp_config *a = load_rel("docs/examples/etr.yaml");
	struct cp_config *b = load_rel("docs/examples/etr.yaml");
	struct cp_config *c = load_rel("docs/examples/itr.yaml");
	char *saved;

	ck_assert(cp_config_equal(a, b));
	ck_assert(!cp_config_equal(a, c));
	b->etr.database[0].rlocs[1].weight++;
	ck_assert(!cp_config_equal(a, b));
	b->etr.database[0].rlocs[1].weight--;
	saved = b->etr.database[0].rlocs[0].attributes;
	b->etr.database[0].rlocs[0].attributes = NULL;
	ck_assert(!cp_config_equal(a, b));
	b->etr.database[0].rlocs[0].attributes = saved;
	b->etr.map_servers[1].key[0] ^= 1;
	ck_assert(!cp_config_equal(a, b));
	b->etr.map_servers[1].key[0] ^= 1;
	ck_assert(cp_config_equal(a, b));
	cp_config_free(a);
	cp_config_free(b);
	cp_config_free(c);
}
END_TEST

/* --- internals -------------------------------------------------------------- */

/* What the cyaml log callback collects when libcyaml rejects a value. */
START_TEST(test_cyaml_backtrace)
{
	static const char log[] = "Load: Invalid UINT value: '300'\n"
				  "Load: Backtrace:\n"
				  "  in mapping field 'key-id' (line: 3, column: 13)\n"
				  "  in sequence entry '2' (line: 2, column: 5)\n"
				  "  in mapping field 'map-servers' (line: 2, column: 3)\n"
				  "  in mapping field 'etr' (line: 1, column: 1)\n"
				  "  in mapping (line: 1, column: 1)\n";
	char path[CFG_PATH_MAX];

	ck_assert_int_eq(cfg_cyaml_backtrace_path(log, path, sizeof(path)), 0);
	ck_assert_str_eq(path, "etr.map-servers[1].key-id");
	ck_assert_int_eq(cfg_cyaml_backtrace_path("Load: Unexpected key: foo\n", path,
						  sizeof(path)),
			 -ENOENT);
}
END_TEST

START_TEST(test_durations)
{
	static const struct {
		const char *in;
		int rc;
		uint64_t ms;
		const char *out;
	} v[] = {
		{ "90", 0, 90000, "90s" },	   { "90s", 0, 90000, "90s" },
		{ "500ms", 0, 500, "500ms" },	   { "1500ms", 0, 1500, "1500ms" },
		{ "15m", 0, 900000, "15m" },	   { "2h", 0, 7200000, "2h" },
		{ "1d", 0, 86400000, "1d" },	   { "120m", 0, 7200000, "2h" },
		{ "0", 0, 0, "0ms" },		   { "30d", 0, 2592000000ull, "30d" },
		{ "31d", -ERANGE, 0, NULL },	   { "99999999999999999999", -ERANGE, 0, NULL },
		{ "", -EINVAL, 0, NULL },	   { "m", -EINVAL, 0, NULL },
		{ "1.5s", -EINVAL, 0, NULL },	   { "-1s", -EINVAL, 0, NULL },
		{ "1 s", -EINVAL, 0, NULL },	   { "1w", -EINVAL, 0, NULL },
		{ "99999999999999999999x", -EINVAL, 0, NULL },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t ms = 0;

		ck_assert_msg(cfg_duration_parse(v[i].in, &ms) == v[i].rc, "'%s'", v[i].in);
		if (v[i].rc)
			continue;
		ck_assert_uint_eq(ms, v[i].ms);
		cfg_duration_format(ms, buf, sizeof(buf));
		ck_assert_str_eq(buf, v[i].out);
	}
}
END_TEST

START_TEST(test_role_names)
{
	ck_assert_str_eq(cp_role_name(CP_ROLE_MAP_SERVER), "map-server");
	ck_assert_str_eq(cp_role_name(CP_ROLE_PETR), "petr");
	ck_assert_ptr_null(cp_role_name(CP_ROLE_XTR));
	ck_assert_ptr_null(cp_role_name(0));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config");
	TCase *files = tcase_create("files"), *internals = tcase_create("internals");

	tcase_add_test(files, test_examples_load);
	tcase_add_test(files, test_examples_roundtrip);
	tcase_add_test(files, test_mr_redundant_map_servers);
	tcase_add_test(files, test_examples_agree);
	tcase_add_test(files, test_defaults);
	tcase_add_test(files, test_attributes);
	tcase_add_test(files, test_agents_section);
	tcase_add_test(files, test_mr_ddt);
	tcase_add_test(files, test_bad_files);
	tcase_add_test(files, test_nonce_policy);
	tcase_add_test(files, test_rest_limits);
	tcase_add_test(files, test_state_limits);
	tcase_add_test(files, test_reply_limits);
	tcase_add_test(files, test_verified_itrs);
	tcase_add_test(files, test_sharded_etr);
	tcase_add_test(files, test_refused_pitr_eid_prefixes);
	tcase_add_test(files, test_refused_petr_instance_ids);
	tcase_add_test(files, test_refused_petrs_without_dataplane);
	tcase_add_test(files, test_refused_cats_without_role);
	tcase_add_test(files, test_check_record_size);
	tcase_add_test(files, test_check_list_limits);
	tcase_add_test(files, test_proxy_roles_without_keys);
	tcase_add_test(files, test_many_errors);
	tcase_add_test(files, test_error_format);
	tcase_add_test(files, test_unreadable);
	tcase_add_test(files, test_errors_reused);
	tcase_add_test(files, test_equal_sees_changes);
	tcase_set_timeout(files, 60);
	suite_add_tcase(s, files);
	tcase_add_test(internals, test_cyaml_backtrace);
	tcase_add_test(internals, test_durations);
	tcase_add_test(internals, test_role_names);
	suite_add_tcase(s, internals);
	return run_suite(s);
}
