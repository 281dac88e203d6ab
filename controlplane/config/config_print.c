/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct cp_config back to YAML, every default written out (what the
 * daemon really runs with), and deep equality.  The round-trip test loads,
 * prints, loads the print and compares (OpenBGPD regress style), so every
 * field must appear in both functions below.
 */
#include <errno.h>
#include <string.h>

#include "config_priv.h"

/* Double-quoted YAML: safe for any text, "[1]10.0.0.0/8" included (a bare
 * '[' would start a list). */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void put_bool(FILE *f, int ind, const char *key, bool v)
{
	fprintf(f, "%*s%s: %s\n", ind, "", key, v ? "true" : "false");
}

static void put_ms(FILE *f, int ind, const char *key, uint64_t ms)
{
	char buf[32];

	cfg_duration_format(ms, buf, sizeof(buf));
	fprintf(f, "%*s%s: %s\n", ind, "", key, buf);
}

/* A global token bucket (config_priv.h cfg_raw_bucket), under a top-level
 * section. */
static void put_bucket(FILE *f, const char *key, uint32_t rate, uint32_t burst)
{
	fprintf(f, "  %s:\n    per-second: %u\n    burst: %u\n", key, rate, burst);
}

static void put_addr(FILE *f, int ind, const char *key, const struct lisp_addr *a)
{
	char buf[LISP_ADDR_STR_MAX];

	lisp_addr_format(a, buf, sizeof(buf));
	fprintf(f, "%*s%s: ", ind, "", key);
	put_str(f, buf);
	fputc('\n', f);
}

/* RLOC prefixes: no Instance-ID. */
static void put_rloc_prefixes(FILE *f, int ind, const char *key, const struct lisp_prefix *p,
			      size_t n)
{
	char buf[LISP_ADDR_STR_MAX];

	fprintf(f, "%*s%s:\n", ind, "", key);
	for (size_t i = 0; i < n; i++) {
		lisp_addr_format(&p[i].addr, buf, sizeof(buf));
		fprintf(f, "%*s  - \"%s/%u\"\n", ind, "", buf, p[i].plen);
	}
}

static void put_prefixes(FILE *f, int ind, const char *key, const struct lisp_prefix *p,
			 size_t n)
{
	char buf[LISP_ADDR_STR_MAX];

	fprintf(f, "%*s%s:\n", ind, "", key);
	for (size_t i = 0; i < n; i++) {
		lisp_prefix_format(&p[i], buf, sizeof(buf));
		fprintf(f, "%*s  - ", ind, "");
		put_str(f, buf);
		fputc('\n', f);
	}
}

/* "- " opens a list entry; its first key goes on the same line. */
#define ITEM(f, ind) fprintf(f, "%*s- ", (ind), "")

static void put_rlocs(FILE *f, int ind, const char *key, const struct cp_config_rloc *r,
		      size_t n)
{
	fprintf(f, "%*s%s:\n", ind, "", key);
	for (size_t i = 0; i < n; i++) {
		ITEM(f, ind + 2);
		put_addr(f, 0, "address", &r[i].addr);
		fprintf(f, "%*spriority: %u\n", ind + 4, "", r[i].priority);
		fprintf(f, "%*sweight: %u\n", ind + 4, "", r[i].weight);
		/* Compact JSON is a YAML flow mapping. */
		if (r[i].attributes)
			fprintf(f, "%*sattributes: %s\n", ind + 4, "", r[i].attributes);
	}
}

static void put_servers(FILE *f, int ind, const char *key, const struct cp_config_server *s,
			size_t n, bool keyed)
{
	fprintf(f, "%*s%s:\n", ind, "", key);
	for (size_t i = 0; i < n; i++) {
		ITEM(f, ind + 2);
		put_addr(f, 0, "address", &s[i].addr);
		fprintf(f, "%*sport: %u\n", ind + 4, "", s[i].port);
		if (keyed) {
			fprintf(f, "%*skey-id: %u\n", ind + 4, "", s[i].key_id);
			fprintf(f, "%*skey: ", ind + 4, "");
			put_str(f, s[i].key ? s[i].key : "");
			fputc('\n', f);
		}
		if (s[i].eid_count)
			put_prefixes(f, ind + 4, "eid-prefixes", s[i].eids, s[i].eid_count);
		cfg_print_lisp_sec_key(f, ind + 4, "lisp-sec-key", &s[i].lisp_sec_key);
	}
}

static void put_mappings(FILE *f, int ind, const char *key, const struct cp_config_mapping *m,
			 size_t n, bool is_static)
{
	char buf[LISP_ADDR_STR_MAX];

	fprintf(f, "%*s%s:\n", ind, "", key);
	for (size_t i = 0; i < n; i++) {
		lisp_prefix_format(&m[i].eid, buf, sizeof(buf));
		ITEM(f, ind + 2);
		fputs("eid-prefix: ", f);
		put_str(f, buf);
		fputc('\n', f);
		if (is_static)
			fprintf(f, "%*saction: %s\n", ind + 4, "",
				cfg_strval_name(cfg_action_names, cfg_action_names_count,
						m[i].action));
		else
			put_ms(f, ind + 4, "ttl", (uint64_t)m[i].ttl_min * 60000);
		if (!is_static)
			cp_config_db_ecdsa_print(f, ind + 4, &m[i]);
		if (m[i].rloc_count)
			put_rlocs(f, ind + 4, "rlocs", m[i].rlocs, m[i].rloc_count);
	}
}

static void print_top(const struct cp_config *cfg, FILE *f)
{
	const char *sep = "";

	fputs("roles: [", f);
	for (unsigned int bit = 1; bit <= CP_ROLE_LAST; bit <<= 1) {
		if (cfg->roles & bit) {
			fprintf(f, "%s%s", sep, cp_role_name(bit));
			sep = ", ";
		}
	}
	fputs("]\n", f);
	fprintf(f, "log-level: %s\n",
		cfg_strval_name(cfg_log_level_names, cfg_log_level_names_count, cfg->log_level));
	if (cfg->xtr_id_set) {
		fputs("xtr-id: \"", f);
		for (size_t i = 0; i < sizeof(cfg->xtr_id); i++)
			fprintf(f, "%02x", cfg->xtr_id[i]);
		fputs("\"\n", f);
	}
	fprintf(f, "site-id: %llu\n", (unsigned long long)cfg->site_id);
	fputs("listen:\n  addresses:\n", f);
	for (size_t i = 0; i < cfg->listen_count; i++) {
		char buf[LISP_ADDR_STR_MAX];

		lisp_addr_format(&cfg->listen[i], buf, sizeof(buf));
		ITEM(f, 4);
		put_str(f, buf);
		fputc('\n', f);
	}
	fprintf(f, "  port: %u\n", cfg->listen_port);
	if (cfg->rest.present) {
		fputs("rest:\n", f);
		put_bool(f, 2, "enabled", cfg->rest.enabled);
		put_addr(f, 2, "address", &cfg->rest.addr);
		fprintf(f, "  port: %u\n", cfg->rest.port);
		if (cfg->rest.token) {
			fputs("  token: ", f);
			put_str(f, cfg->rest.token);
			fputc('\n', f);
		}
		fprintf(f, "  max-connections: %u\n", cfg->rest.max_conns);
		fprintf(f, "  max-connections-per-address: %u\n", cfg->rest.max_conns_per_addr);
		put_ms(f, 2, "header-deadline", cfg->rest.header_deadline_ms);
		put_ms(f, 2, "body-deadline", cfg->rest.body_deadline_ms);
		put_ms(f, 2, "idle-timeout", cfg->rest.idle_timeout_ms);
		put_ms(f, 2, "full-wait", cfg->rest.full_wait_ms);
		if (cfg->rest.tls_cert_file) {
			fputs("  tls-certificate: ", f);
			put_str(f, cfg->rest.tls_cert_file);
			fputs("\n  tls-key: ", f);
			put_str(f, cfg->rest.tls_key_file);
			fputc('\n', f);
		}
	}
	if (cfg->dataplane.present) {
		fputs("dataplane:\n  socket: ", f);
		put_str(f, cfg->dataplane.socket);
		fputc('\n', f);
	}
}

static void print_mr_ddt(const struct cp_config_mr_ddt *d, FILE *f)
{
	fprintf(f, "  ddt:\n    referral-cache-size: %u\n    max-pending: %u\n",
		d->referral_cache_size, d->max_pending);
	put_ms(f, 4, "request-timeout", d->request_timeout_ms);
	fprintf(f, "    retries: %u\n    max-depth: %u\n", d->retries, d->max_depth);
	put_ms(f, 4, "unresponsive-hold", d->unresponsive_hold_ms);
	put_ms(f, 4, "negative-ttl-min", (uint64_t)d->negative_ttl_min_min * 60000);
	put_ms(f, 4, "negative-ttl-max", (uint64_t)d->negative_ttl_max_min * 60000);
	if (d->root_count)
		fputs("    roots:\n", f);
	for (size_t i = 0; i < d->root_count; i++) {
		ITEM(f, 6);
		put_addr(f, 0, "address", &d->roots[i].addr);
		fprintf(f, "        priority: %u\n", d->roots[i].priority);
	}
}

bool cp_config_mr_ddt_equal(const struct cp_config_mr_ddt *a, const struct cp_config_mr_ddt *b)
{
	if (a->root_count != b->root_count || a->referral_cache_size != b->referral_cache_size ||
	    a->max_pending != b->max_pending || a->request_timeout_ms != b->request_timeout_ms ||
	    a->retries != b->retries || a->max_depth != b->max_depth ||
	    a->unresponsive_hold_ms != b->unresponsive_hold_ms ||
	    a->negative_ttl_min_min != b->negative_ttl_min_min ||
	    a->negative_ttl_max_min != b->negative_ttl_max_min)
		return false;
	for (size_t i = 0; i < a->root_count; i++)
		if (!lisp_addr_equal(&a->roots[i].addr, &b->roots[i].addr) ||
		    a->roots[i].priority != b->roots[i].priority)
			return false;
	return true;
}

static void print_ms_mr(const struct cp_config *cfg, FILE *f)
{
	const struct cp_config_map_server *ms = &cfg->ms;
	const struct cp_config_map_resolver *mr = &cfg->mr;

	if (ms->present) {
		fputs("map-server:\n", f);
		put_ms(f, 2, "registration-timeout", ms->registration_timeout_ms);
		put_bool(f, 2, "pubsub", ms->pubsub);
		fprintf(f, "  nonce-policy: %s\n",
			cfg_strval_name(cfg_nonce_policy_names, cfg_nonce_policy_names_count,
					ms->nonce_policy));
		fprintf(f, "  max-registrants: %u\n  max-registrants-per-site: %u\n",
			ms->max_registrants, ms->max_registrants_per_site);
		put_ms(f, 2, "registrant-hold", ms->registrant_hold_ms);
		fprintf(f, "  max-pending-notifies: %u\n  pubsub-max-subscriptions: %u\n"
			"  pubsub-max-per-xtr: %u\n", ms->max_pending_notifies,
			ms->pubsub_max_subscriptions, ms->pubsub_max_per_xtr);
		put_ms(f, 2, "pubsub-lifetime", ms->pubsub_lifetime_ms);
		if (ms->ddt_peer_count)
			fputs("  ddt-peers:\n", f);
		for (size_t i = 0; i < ms->ddt_peer_count; i++) {
			char a[LISP_ADDR_STR_MAX];

			lisp_addr_format(&ms->ddt_peers[i], a, sizeof(a));
			ITEM(f, 4);
			put_str(f, a);
			fputc('\n', f);
		}
		if (ms->site_count)
			fputs("  sites:\n", f);
		for (size_t i = 0; i < ms->site_count; i++) {
			const struct cp_config_site *s = &ms->sites[i];

			fputs("    - name: ", f);
			put_str(f, s->name);
			fprintf(f, "\n      key-id: %u\n      key: ", s->key_id);
			put_str(f, s->key ? s->key : "");
			fputc('\n', f);
			put_bool(f, 6, "accept-more-specifics", s->accept_more_specifics);
			put_bool(f, 6, "allow-shared-eids", s->allow_shared);
			put_prefixes(f, 6, "eid-prefixes", s->eids, s->eid_count);
			if (s->auth != CP_SITE_AUTH_HMAC)
				fprintf(f, "      auth: %s\n",
					cfg_strval_name(cfg_site_auth_names,
							cfg_site_auth_names_count, s->auth));
			if (s->crypto_prefix_count)
				put_prefixes(f, 6, "crypto-eid-prefixes", s->crypto_prefixes,
					     s->crypto_prefix_count);
			if (s->lisp_sec != CP_SITE_LISP_SEC_OFF)
				fprintf(f, "      lisp-sec: %s\n",
					cfg_strval_name(cfg_site_lisp_sec_names,
							cfg_site_lisp_sec_names_count,
							s->lisp_sec));
			cfg_print_lisp_sec_key(f, 6, "lisp-sec-key", &s->lisp_sec_key);
		}
	}
	if (mr->present) {
		fputs("map-resolver:\n", f);
		put_ms(f, 2, "negative-ttl", (uint64_t)mr->negative_ttl_min * 60000);
		put_ms(f, 2, "negative-ttl-unregistered",
		       (uint64_t)mr->negative_ttl_unregistered_min * 60000);
		fprintf(f, "  rate-limit:\n    requests-per-second: %u\n    burst: %u\n"
			"    sources: %u\n", mr->rate_limit, mr->rate_burst, mr->rate_sources);
		fprintf(f, "  smr-requesters: %u\n", mr->smr_requesters);
		put_bucket(f, "global-rate-limit", mr->global_rate, mr->global_burst);
		put_bucket(f, "verified-rate-limit", mr->verified_rate, mr->verified_burst);
		if (mr->trusted_itr_count)
			put_rloc_prefixes(f, 2, "trusted-itrs", mr->trusted_itrs,
					  mr->trusted_itr_count);
		fprintf(f, "  forward-next-hops: %u\n", mr->forward_next_hops);
		put_ms(f, 2, "health-interval", mr->health_interval_ms);
		fprintf(f, "  health-misses: %u\n", mr->health_misses);
		cp_config_mr_signed_print(f, mr);
		cfg_print_lisp_sec_key(f, 2, "lisp-sec-key", &mr->lisp_sec_key);
		if (mr->forward_count)
			fputs("  map-servers:\n", f);
		for (size_t i = 0; i < mr->forward_count; i++) {
			ITEM(f, 4);
			put_addr(f, 0, "address", &mr->forwards[i].addr);
			fprintf(f, "      port: %u\n", mr->forwards[i].port);
			put_prefixes(f, 6, "eid-prefixes", mr->forwards[i].eids,
				     mr->forwards[i].eid_count);
		}
		print_mr_ddt(&mr->ddt, f);
	}
}

static void print_xtr(const struct cp_config *cfg, FILE *f)
{
	const struct cp_config_etr *etr = &cfg->etr;
	const struct cp_config_itr *itr = &cfg->itr;

	if (etr->present) {
		fputs("etr:\n", f);
		put_ms(f, 2, "register-interval", etr->register_interval_ms);
		put_bool(f, 2, "want-map-notify", etr->want_map_notify);
		put_bool(f, 2, "proxy-reply", etr->proxy_reply);
		put_ms(f, 2, "record-ttl", (uint64_t)etr->record_ttl_min * 60000);
		put_bucket(f, "reply-rate-limit", etr->reply_rate, etr->reply_burst);
		fprintf(f, "  probe-reply-ratio: %u\n", etr->probe_reply_ratio);
		fprintf(f, "  smr-requesters: %u\n", etr->smr_requesters);
		if (etr->map_server_count)
			put_servers(f, 2, "map-servers", etr->map_servers, etr->map_server_count,
				    true);
		if (etr->mapping_count)
			put_mappings(f, 2, "database", etr->database, etr->mapping_count, false);
		if (etr->accepted_eid_count)
			put_prefixes(f, 2, "accepted-eids", etr->accepted_eids,
				     etr->accepted_eid_count);
	}
	if (itr->present) {
		fputs("itr:\n", f);
		if (itr->map_resolver_count)
			put_servers(f, 2, "map-resolvers", itr->map_resolvers,
				    itr->map_resolver_count, false);
		fputs("  map-request:\n", f);
		put_ms(f, 4, "timeout", itr->request_timeout_ms);
		fprintf(f, "    tries: %u\n", itr->request_tries);
		fprintf(f, "    max-pending: %u\n", itr->request_max_pending);
		fprintf(f, "  map-cache:\n    max-entries: %u\n", itr->cache_max_entries);
		put_ms(f, 4, "refresh-before", itr->cache_refresh_ms);
		put_bool(f, 4, "negative-entries", itr->cache_negative);
		put_bool(f, 2, "smr", itr->smr);
		put_bucket(f, "smr-rate-limit", itr->smr_rate, itr->smr_burst);
		put_bool(f, 2, "subscribe", itr->subscribe);
		fprintf(f, "  lisp-sec: %s\n",
			cfg_strval_name(cfg_itr_lisp_sec_names, cfg_itr_lisp_sec_names_count,
					itr->lisp_sec));
		cfg_print_lisp_sec_key(f, 2, "lisp-sec-key", &itr->lisp_sec_key);
		fputs("  rloc-probing:\n", f);
		put_bool(f, 4, "enabled", itr->probe);
		put_ms(f, 4, "interval", itr->probe_interval_ms);
		put_ms(f, 4, "timeout", itr->probe_timeout_ms);
		fprintf(f, "    tries: %u\n", itr->probe_tries);
		fprintf(f, "    max-pending: %u\n", itr->probe_max_pending);
		if (itr->petr_count)
			put_rlocs(f, 2, "petrs", itr->petrs, itr->petr_count);
		if (itr->static_count)
			put_mappings(f, 2, "static-map-cache", itr->statics, itr->static_count,
				     true);
		cp_config_itr_ecdsa_print(f, itr);
	}
	/* Their keys are refused (config.h): an empty section is all there is. */
	if (cfg->pitr.present)
		fputs("pitr: {}\n", f);
	if (cfg->petr.present)
		fputs("petr: {}\n", f);
	cfg_print_cats(&cfg->cats, f);
	cfg_print_agents(&cfg->agents, f);
	cfg_print_ddt(&cfg->ddt, f);
	cfg_print_privs(&cfg->privs, f);
}

int cp_config_print(const struct cp_config *cfg, FILE *f)
{
	fputs("# lispgw-cp configuration, every default written out\n", f);
	print_top(cfg, f);
	print_ms_mr(cfg, f);
	print_xtr(cfg, f);
	if (fflush(f) == EOF || ferror(f))
		return -EIO;
	return 0;
}

/* --- equality ---------------------------------------------------------------- */

bool cp_config_str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool cp_config_prefixes_equal(const struct lisp_prefix *a, size_t na,
			      const struct lisp_prefix *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (cfg_prefix_cmp(&a[i], &b[i]) != 0)
			return false;
	return true;
}

static bool rlocs_eq(const struct cp_config_rloc *a, size_t na, const struct cp_config_rloc *b,
		     size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!lisp_addr_equal(&a[i].addr, &b[i].addr) || a[i].priority != b[i].priority ||
		    a[i].weight != b[i].weight ||
		    !cp_config_str_equal(a[i].attributes, b[i].attributes))
			return false;
	return true;
}

static bool servers_eq(const struct cp_config_server *a, size_t na,
		       const struct cp_config_server *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!lisp_addr_equal(&a[i].addr, &b[i].addr) || a[i].port != b[i].port ||
		    a[i].key_id != b[i].key_id || !cp_config_str_equal(a[i].key, b[i].key) ||
		    !cp_config_prefixes_equal(a[i].eids, a[i].eid_count, b[i].eids, b[i].eid_count) ||
		    !cp_config_lisp_sec_key_equal(&a[i].lisp_sec_key, &b[i].lisp_sec_key))
			return false;
	return true;
}

static bool mappings_eq(const struct cp_config_mapping *a, size_t na,
			const struct cp_config_mapping *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (cfg_prefix_cmp(&a[i].eid, &b[i].eid) != 0 || a[i].ttl_min != b[i].ttl_min ||
		    a[i].action != b[i].action || !cp_config_db_ecdsa_equal(&a[i], &b[i]) ||
		    !rlocs_eq(a[i].rlocs, a[i].rloc_count, b[i].rlocs, b[i].rloc_count))
			return false;
	return true;
}

static bool ms_eq(const struct cp_config_map_server *a, const struct cp_config_map_server *b)
{
	if (a->present != b->present || a->registration_timeout_ms != b->registration_timeout_ms ||
	    a->pubsub != b->pubsub || a->nonce_policy != b->nonce_policy ||
	    a->max_registrants != b->max_registrants ||
	    a->max_registrants_per_site != b->max_registrants_per_site ||
	    a->registrant_hold_ms != b->registrant_hold_ms ||
	    a->max_pending_notifies != b->max_pending_notifies ||
	    a->pubsub_max_subscriptions != b->pubsub_max_subscriptions ||
	    a->pubsub_max_per_xtr != b->pubsub_max_per_xtr ||
	    a->pubsub_lifetime_ms != b->pubsub_lifetime_ms ||
	    a->site_count != b->site_count || a->ddt_peer_count != b->ddt_peer_count)
		return false;
	for (size_t i = 0; i < a->ddt_peer_count; i++)
		if (!lisp_addr_equal(&a->ddt_peers[i], &b->ddt_peers[i]))
			return false;
	for (size_t i = 0; i < a->site_count; i++) {
		const struct cp_config_site *x = &a->sites[i], *y = &b->sites[i];

		if (!cp_config_str_equal(x->name, y->name) || x->key_id != y->key_id ||
		    !cp_config_str_equal(x->key, y->key) ||
		    x->accept_more_specifics != y->accept_more_specifics ||
		    x->allow_shared != y->allow_shared || x->auth != y->auth ||
		    x->lisp_sec != y->lisp_sec ||
		    !cp_config_lisp_sec_key_equal(&x->lisp_sec_key, &y->lisp_sec_key) ||
		    !cp_config_prefixes_equal(x->eids, x->eid_count, y->eids, y->eid_count) ||
		    !cp_config_prefixes_equal(x->crypto_prefixes, x->crypto_prefix_count,
					      y->crypto_prefixes, y->crypto_prefix_count))
			return false;
	}
	return true;
}

static bool mr_eq(const struct cp_config_map_resolver *a,
		  const struct cp_config_map_resolver *b)
{
	if (a->present != b->present || a->negative_ttl_min != b->negative_ttl_min ||
	    a->negative_ttl_unregistered_min != b->negative_ttl_unregistered_min ||
	    a->rate_limit != b->rate_limit || a->rate_burst != b->rate_burst ||
	    a->rate_sources != b->rate_sources || a->smr_requesters != b->smr_requesters ||
	    a->global_rate != b->global_rate || a->global_burst != b->global_burst ||
	    a->verified_rate != b->verified_rate || a->verified_burst != b->verified_burst ||
	    !cp_config_prefixes_equal(a->trusted_itrs, a->trusted_itr_count, b->trusted_itrs,
				      b->trusted_itr_count) ||
	    a->forward_next_hops != b->forward_next_hops || a->forward_count != b->forward_count ||
	    a->health_interval_ms != b->health_interval_ms ||
	    a->health_misses != b->health_misses || !cp_config_mr_ddt_equal(&a->ddt, &b->ddt) ||
	    !cp_config_mr_signed_equal(a, b) ||
	    !cp_config_lisp_sec_key_equal(&a->lisp_sec_key, &b->lisp_sec_key))
		return false;
	for (size_t i = 0; i < a->forward_count; i++) {
		const struct cp_config_forward *x = &a->forwards[i], *y = &b->forwards[i];

		if (!lisp_addr_equal(&x->addr, &y->addr) || x->port != y->port ||
		    !cp_config_prefixes_equal(x->eids, x->eid_count, y->eids, y->eid_count))
			return false;
	}
	return true;
}

static bool etr_eq(const struct cp_config_etr *a, const struct cp_config_etr *b)
{
	return a->present == b->present && a->register_interval_ms == b->register_interval_ms &&
	       a->want_map_notify == b->want_map_notify && a->proxy_reply == b->proxy_reply &&
	       a->record_ttl_min == b->record_ttl_min && a->reply_rate == b->reply_rate &&
	       a->reply_burst == b->reply_burst && a->probe_reply_ratio == b->probe_reply_ratio &&
	       a->smr_requesters == b->smr_requesters &&
	       servers_eq(a->map_servers, a->map_server_count, b->map_servers,
			  b->map_server_count) &&
	       mappings_eq(a->database, a->mapping_count, b->database, b->mapping_count) &&
	       cp_config_prefixes_equal(a->accepted_eids, a->accepted_eid_count,
					b->accepted_eids, b->accepted_eid_count);
}

static bool itr_eq(const struct cp_config_itr *a, const struct cp_config_itr *b)
{
	return a->present == b->present && a->request_timeout_ms == b->request_timeout_ms &&
	       a->request_tries == b->request_tries &&
	       a->request_max_pending == b->request_max_pending &&
	       a->probe_max_pending == b->probe_max_pending &&
	       a->cache_max_entries == b->cache_max_entries &&
	       a->cache_refresh_ms == b->cache_refresh_ms &&
	       a->cache_negative == b->cache_negative && a->smr == b->smr &&
	       a->smr_rate == b->smr_rate && a->smr_burst == b->smr_burst &&
	       a->subscribe == b->subscribe && a->probe == b->probe &&
	       a->lisp_sec == b->lisp_sec &&
	       cp_config_lisp_sec_key_equal(&a->lisp_sec_key, &b->lisp_sec_key) &&
	       a->probe_interval_ms == b->probe_interval_ms &&
	       a->probe_timeout_ms == b->probe_timeout_ms && a->probe_tries == b->probe_tries &&
	       servers_eq(a->map_resolvers, a->map_resolver_count, b->map_resolvers,
			  b->map_resolver_count) &&
	       rlocs_eq(a->petrs, a->petr_count, b->petrs, b->petr_count) &&
	       mappings_eq(a->statics, a->static_count, b->statics, b->static_count) &&
	       cp_config_itr_ecdsa_equal(a, b);
}

bool cp_config_equal(const struct cp_config *a, const struct cp_config *b)
{
	if (a->roles != b->roles || a->log_level != b->log_level ||
	    a->xtr_id_set != b->xtr_id_set || memcmp(a->xtr_id, b->xtr_id, sizeof(a->xtr_id)) ||
	    a->site_id != b->site_id || a->listen_port != b->listen_port ||
	    a->listen_count != b->listen_count)
		return false;
	for (size_t i = 0; i < a->listen_count; i++)
		if (!lisp_addr_equal(&a->listen[i], &b->listen[i]))
			return false;
	if (a->rest.present != b->rest.present || a->rest.enabled != b->rest.enabled ||
	    !lisp_addr_equal(&a->rest.addr, &b->rest.addr) || a->rest.port != b->rest.port ||
	    !cp_config_str_equal(a->rest.token, b->rest.token) ||
	    a->rest.max_conns != b->rest.max_conns ||
	    a->rest.max_conns_per_addr != b->rest.max_conns_per_addr ||
	    a->rest.header_deadline_ms != b->rest.header_deadline_ms ||
	    a->rest.body_deadline_ms != b->rest.body_deadline_ms ||
	    a->rest.idle_timeout_ms != b->rest.idle_timeout_ms ||
	    a->rest.full_wait_ms != b->rest.full_wait_ms ||
	    !cp_config_str_equal(a->rest.tls_cert_file, b->rest.tls_cert_file) ||
	    !cp_config_str_equal(a->rest.tls_key_file, b->rest.tls_key_file))
		return false;
	if (a->dataplane.present != b->dataplane.present ||
	    !cp_config_str_equal(a->dataplane.socket, b->dataplane.socket))
		return false;
	if (a->pitr.present != b->pitr.present || a->petr.present != b->petr.present)
		return false;
	return ms_eq(&a->ms, &b->ms) && mr_eq(&a->mr, &b->mr) && etr_eq(&a->etr, &b->etr) &&
	       itr_eq(&a->itr, &b->itr) && cfg_cats_equal(&a->cats, &b->cats) &&
	       cfg_agents_equal(&a->agents, &b->agents) && cfg_ddt_equal(&a->ddt, &b->ddt) &&
	       cfg_privs_equal(&a->privs, &b->privs);
}

bool cp_config_servers_equal(const struct cp_config_server *a, size_t na,
			     const struct cp_config_server *b, size_t nb)
{
	return servers_eq(a, na, b, nb);
}

bool cp_config_rlocs_equal(const struct cp_config_rloc *a, size_t na,
			   const struct cp_config_rloc *b, size_t nb)
{
	return rlocs_eq(a, na, b, nb);
}

bool cp_config_mappings_equal(const struct cp_config_mapping *a, size_t na,
			      const struct cp_config_mapping *b, size_t nb)
{
	return mappings_eq(a, na, b, nb);
}

bool cp_config_agents_equal(const struct cp_config_agents *a, const struct cp_config_agents *b)
{
	return cfg_agents_equal(a, b);
}

bool cp_config_ddt_equal(const struct cp_config_ddt_node *a, const struct cp_config_ddt_node *b)
{
	return cfg_ddt_equal(a, b);
}
