/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Raw document -> struct cp_config: defaults, the checks a schema cannot
 * express, and what each role needs.  Every check reports and goes on, so
 * one run lists every mistake in the file.  The xTR sections are in
 * config_check_xtr.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config_priv.h"
#include "lisp_msg.h"

/* A bearer token short enough to guess defeats the point of having one. */
#define REST_TOKEN_MIN	16
#define SITE_NAME_MAX	63

/* --- helpers ---------------------------------------------------------------- */

void cfg_chk_auth(struct cfg_chk *c, const uint32_t *key_id, const char *key, uint8_t *id_out,
		  char **key_out)
{
	*id_out = LISP_AUTH_HMAC_SHA256_128;
	if (key_id) {
		if (*key_id == LISP_AUTH_HMAC_SHA1_96 || *key_id == LISP_AUTH_HMAC_SHA256_128)
			*id_out = (uint8_t)*key_id;
		else
			cfg_chk_err(c, "key-id",
				    "must be 1 (HMAC-SHA-1-96) or 2 (HMAC-SHA-256-128), got %u",
				    *key_id);
	}
	if (!key || !key[0])
		cfg_chk_err(c, "key", "must not be empty");
	else if (strlen(key) > CP_CONFIG_KEY_MAX)
		cfg_chk_err(c, "key", "must be at most %d characters, got %zu", CP_CONFIG_KEY_MAX,
			    strlen(key));
	*key_out = cfg_chk_strdup(c, key);
}

/* --- top level, listen, rest --------------------------------------------- */

static void chk_xtr_id(struct cfg_chk *c, const char *s, struct cp_config *cfg)
{
	if (!s)
		return;
	if (strlen(s) != 32 || strspn(s, "0123456789abcdefABCDEF") != 32) {
		cfg_chk_err(c, "xtr-id", "must be 32 hexadecimal digits (128 bits), got '%s'", s);
		return;
	}
	for (size_t i = 0; i < 16; i++) {
		char byte[3] = { s[2 * i], s[2 * i + 1], '\0' };

		cfg->xtr_id[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	cfg->xtr_id_set = true;
}

static void chk_listen(struct cfg_chk *c, const struct cfg_raw_listen *r, struct cp_config *cfg)
{
	size_t mark = cfg_path_key(&c->path, "listen");

	cfg->listen_port = cfg_chk_port(c, "port", r->port, CP_CONFIG_DEF_PORT);
	cfg->listen = cfg_chk_calloc(c, r->addresses_count, sizeof(*cfg->listen));
	cfg->listen_count = cfg->listen ? r->addresses_count : 0;
	cfg_path_key(&c->path, "addresses");
	if (r->addresses_count > CP_CONFIG_LISTEN_MAX)
		cfg_chk_err(c, NULL, "at most %d addresses (a socket each), got %u",
			    CP_CONFIG_LISTEN_MAX, r->addresses_count);
	for (size_t i = 0; i < cfg->listen_count; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		cfg_chk_addr(c, NULL, r->addresses[i], &cfg->listen[i]);
		for (size_t j = 0; j < i; j++)
			if (cfg->listen[i].afi && lisp_addr_equal(&cfg->listen[i], &cfg->listen[j]))
				cfg_chk_err(c, NULL, "'%s' is listed twice", r->addresses[i]);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

static bool token_char(char ch)
{
	/* RFC 6750 b64token */
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("-._~+/=", ch);
}

/* What a slow client may hold (docs/security.md, "REST under slow
 * clients"); defaults without a rest section too, so that a reload that adds
 * one compares like with like. */
static void chk_rest_limits(struct cfg_chk *c, const struct cfg_raw_rest *r,
			    struct cp_config_rest *rest)
{
	char hdr[32], idle[32], got[32];

	rest->max_conns = cfg_chk_u32(c, "max-connections", r ? r->max_connections : NULL,
				      CP_CONFIG_DEF_REST_MAX_CONNS, 1, CP_CONFIG_REST_CONNS_MAX);
	rest->max_conns_per_addr = cfg_chk_u32(c, "max-connections-per-address",
					       r ? r->max_connections_per_address : NULL,
					       CP_CONFIG_DEF_REST_MAX_PER_ADDR, 1,
					       CP_CONFIG_REST_CONNS_MAX);
	rest->header_deadline_ms = cfg_chk_duration(c, "header-deadline",
						    r ? r->header_deadline : NULL,
						    CP_CONFIG_DEF_REST_HEADER_MS, 100, 600000);
	rest->body_deadline_ms = cfg_chk_duration(c, "body-deadline", r ? r->body_deadline : NULL,
						  CP_CONFIG_DEF_REST_BODY_MS, 100, 3600000);
	rest->idle_timeout_ms = cfg_chk_duration(c, "idle-timeout", r ? r->idle_timeout : NULL,
						 CP_CONFIG_DEF_REST_IDLE_MS, 1000, 3600000);
	rest->full_wait_ms = cfg_chk_duration(c, "full-wait",
					     r ? r->full_wait : NULL,
					     CP_CONFIG_DEF_REST_FULL_WAIT_MS, 0, 600000);
	cfg_duration_format(rest->header_deadline_ms, hdr, sizeof(hdr));
	if (rest->full_wait_ms >= rest->header_deadline_ms)
		cfg_chk_err(c, r && r->full_wait ? "full-wait" : "header-deadline",
			    "must be shorter than the header deadline (%s)", hdr);
	cfg_duration_format(rest->idle_timeout_ms, idle, sizeof(idle));
	if (rest->idle_timeout_ms % 1000) {
		cfg_duration_format(rest->idle_timeout_ms, got, sizeof(got));
		cfg_chk_err(c, "idle-timeout", "must be whole seconds (libmicrohttpd counts "
			    "seconds), got %s", got);
	} else if (rest->header_deadline_ms >= rest->idle_timeout_ms) {
		/* A connection idle before its head is complete is then always
		 * the header deadline's, and counted as such. */
		cfg_chk_err(c, r && r->header_deadline ? "header-deadline" : "idle-timeout",
			    "must be shorter than the idle timeout, got a header deadline of %s "
			    "and an idle timeout of %s", hdr, idle);
	}
}

/* 127.0.0.0/8 or ::1: only this host reaches the API. */
static bool addr_is_loopback(const struct lisp_addr *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };

	if (a->afi == LISP_AFI_IPV4)
		return a->v4[0] == 127;
	return a->afi == LISP_AFI_IPV6 && memcmp(a->v6, v6_loopback, 16) == 0;
}

/* https (docs/security.md, "REST over TLS"): the files come in pairs, and
 * an API that other hosts can reach carries its token over TLS only.  The
 * files themselves are read and checked by the API (rest_tls.c). */
static void chk_rest_tls(struct cfg_chk *c, const struct cfg_raw_rest *r,
			 struct cp_config_rest *rest)
{
	char a[LISP_ADDR_STR_MAX];

	if (!r)
		return;
	if (!r->tls_certificate != !r->tls_key)
		cfg_chk_err(c, r->tls_certificate ? "tls-certificate" : "tls-key",
			    "needs %s as well (https needs both)",
			    r->tls_certificate ? "tls-key" : "tls-certificate");
	if (r->tls_certificate && !*r->tls_certificate)
		cfg_chk_err(c, "tls-certificate", "must name a PEM file");
	if (r->tls_key && !*r->tls_key)
		cfg_chk_err(c, "tls-key", "must name a PEM file");
	rest->tls_cert_file = cfg_chk_strdup(c, r->tls_certificate);
	rest->tls_key_file = cfg_chk_strdup(c, r->tls_key);
	if (rest->enabled && rest->addr.afi != LISP_AFI_NONE && !addr_is_loopback(&rest->addr) &&
	    (!r->tls_certificate || !r->tls_key || !r->token)) {
		lisp_addr_format(&rest->addr, a, sizeof(a));
		cfg_chk_err(c, "address", "%s is not a loopback address: the API then needs "
			    "tls-certificate, tls-key and token (the token must not cross the "
			    "network in clear)", a);
	}
}

static void chk_rest(struct cfg_chk *c, const struct cfg_raw_rest *r, struct cp_config_rest *rest)
{
	size_t mark = cfg_path_key(&c->path, "rest");
	struct lisp_err err;

	lisp_addr_parse(CP_CONFIG_DEF_REST_ADDR, &rest->addr, &err);
	rest->port = CP_CONFIG_DEF_REST_PORT;
	if (r) {
		rest->present = true;
		rest->enabled = cfg_chk_bool(r->enabled, true);
		if (r->address)
			cfg_chk_addr(c, "address", r->address, &rest->addr);
		rest->port = cfg_chk_port(c, "port", r->port, CP_CONFIG_DEF_REST_PORT);
		rest->token = cfg_chk_strdup(c, r->token);
		if (rest->enabled && !r->token)
			cfg_chk_err(c, "token", "required when REST is enabled");
		else if (r->token && strlen(r->token) < REST_TOKEN_MIN)
			cfg_chk_err(c, "token", "must be at least %d characters, got %zu",
				    REST_TOKEN_MIN, strlen(r->token));
		for (const char *p = r->token; p && *p; p++) {
			if (!token_char(*p)) {
				cfg_chk_err(c, "token",
					    "may hold only letters, digits and -._~+/= (RFC 6750)");
				break;
			}
		}
	}
	chk_rest_limits(c, r, rest);
	chk_rest_tls(c, r, rest);
	cfg_path_pop(&c->path, mark);
}

/* The lispgw-dp channel: a UNIX socket path (sun_path holds 107 bytes). */
static void chk_dataplane(struct cfg_chk *c, const struct cfg_raw_dataplane *r,
			  struct cp_config_dataplane *dp)
{
	size_t mark;

	if (!r)
		return;
	mark = cfg_path_key(&c->path, "dataplane");
	dp->present = true;
	if (r->socket[0] != '/')
		cfg_chk_err(c, "socket", "must be an absolute path, got '%s'", r->socket);
	else if (strlen(r->socket) > 107)
		cfg_chk_err(c, "socket", "must be at most 107 bytes (a UNIX socket path), got %zu",
			    strlen(r->socket));
	dp->socket = cfg_chk_strdup(c, r->socket);
	cfg_path_pop(&c->path, mark);
}

/* --- map-server ------------------------------------------------------------ */

static bool site_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= SITE_NAME_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

struct site_eid {
	const struct lisp_prefix *p;
	size_t site, idx;
};

static int site_eid_cmp(const void *a, const void *b)
{
	const struct site_eid *x = a, *y = b;
	int r = cfg_prefix_cmp(x->p, y->p);

	if (r)
		return r;
	return x->site != y->site ? (x->site < y->site ? -1 : 1) : (x->idx < y->idx ? -1 : 1);
}

/* The same EID-prefix in two sites is a mistake unless both allow shared
 * EIDs (anycast service EIDs served from several sites, CATS). */
static void chk_sites_shared(struct cfg_chk *c, const struct cp_config_map_server *ms)
{
	struct site_eid *v;
	size_t n = 0, k = 0;

	/* Crypto-EID prefixes are allowed to their site too (site.c): entry
	 * eid_count + j is crypto-eid-prefixes[j]. */
	for (size_t i = 0; i < ms->site_count; i++)
		n += ms->sites[i].eid_count + ms->sites[i].crypto_prefix_count;
	v = cfg_chk_calloc(c, n, sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < ms->site_count; i++) {
		const struct cp_config_site *s = &ms->sites[i];

		for (size_t j = 0; j < s->eid_count; j++)
			v[k++] = (struct site_eid){ &s->eids[j], i, j };
		for (size_t j = 0; j < s->crypto_prefix_count; j++)
			v[k++] = (struct site_eid){ &s->crypto_prefixes[j], i, s->eid_count + j };
	}
	qsort(v, n, sizeof(*v), site_eid_cmp);
	for (size_t i = 1; i < n; i++) {
		const struct cp_config_site *a = &ms->sites[v[i - 1].site];
		const struct cp_config_site *b = &ms->sites[v[i].site];
		char pfx[LISP_ADDR_STR_MAX];
		size_t mark;

		if (!v[i].p->addr.afi || cfg_prefix_cmp(v[i - 1].p, v[i].p) != 0 ||
		    v[i - 1].site == v[i].site || (a->allow_shared && b->allow_shared))
			continue;
		lisp_prefix_format(v[i].p, pfx, sizeof(pfx));
		mark = cfg_path_key(&c->path, "sites");
		cfg_path_idx(&c->path, v[i].site);
		if (v[i].idx < b->eid_count) {
			cfg_path_key(&c->path, "eid-prefixes");
			cfg_path_idx(&c->path, v[i].idx);
		} else {
			cfg_path_key(&c->path, "crypto-eid-prefixes");
			cfg_path_idx(&c->path, v[i].idx - b->eid_count);
		}
		cfg_chk_err(c, NULL,
			    "%s is also allowed for site '%s'; sites may share an EID-prefix only "
			    "when both set allow-shared-eids",
			    pfx, a->name ? a->name : "?");
		cfg_path_pop(&c->path, mark);
	}
	free(v);
}

static bool crypto_prefix_ok(const struct lisp_prefix *p)
{
	return p->addr.afi == LISP_AFI_IPV6 && p->plen >= 8 && p->plen <= 64 && p->plen % 8 == 0;
}

/* auth and crypto-eid-prefixes (docs/ecdsa.md, docs/security.md): the
 * prefixes are the ones ecdsa_prefix_parse() accepts, and they are read
 * only with auth ecdsa|both, so either without the other is refused. */
static void chk_site_ecdsa(struct cfg_chk *c, const struct cfg_raw_site *r,
			   struct cp_config_site *s)
{
	s->auth = r->auth ? (enum cp_site_auth)*r->auth : CP_SITE_AUTH_HMAC;
	cfg_chk_prefixes(c, "crypto-eid-prefixes", r->crypto_eid_prefixes,
			 r->crypto_eid_prefixes_count, &s->crypto_prefixes, &s->crypto_prefix_count);
	if (s->crypto_prefix_count > CP_CONFIG_CRYPTO_PREFIXES_MAX)
		cfg_chk_err(c, "crypto-eid-prefixes", "at most %d crypto-EID prefixes per site, "
			    "got %zu", CP_CONFIG_CRYPTO_PREFIXES_MAX, s->crypto_prefix_count);
	for (size_t i = 0; i < s->crypto_prefix_count; i++) {
		const struct lisp_prefix *p = &s->crypto_prefixes[i];
		size_t mark;

		if (!p->addr.afi)	/* already reported */
			continue;
		if (crypto_prefix_ok(p))
			continue;
		mark = cfg_path_key(&c->path, "crypto-eid-prefixes");
		cfg_path_idx(&c->path, i);
		/* docs/ecdsa.md: the hash takes whole prefix bytes and keeps at
		 * least 64 bits (ECDSA_PREFIX_LEN_MIN/MAX). */
		cfg_chk_err(c, NULL, "'%s' must be an IPv6 prefix whose length is a multiple of 8 "
			    "in 8..64", r->crypto_eid_prefixes[i]);
		cfg_path_pop(&c->path, mark);
	}
	/* An EID in two nested prefixes would have two hash-EIDs (one per
	 * prefix length), and the Map-Server would look for the wrong one. */
	for (size_t i = 0; i < s->crypto_prefix_count; i++)
		for (size_t j = i + 1; j < s->crypto_prefix_count; j++) {
			const struct lisp_prefix *a = &s->crypto_prefixes[i];
			const struct lisp_prefix *b = &s->crypto_prefixes[j];
			size_t mark;

			if (!crypto_prefix_ok(a) || !crypto_prefix_ok(b) || lisp_prefix_equal(a, b) ||
			    (!lisp_prefix_covers(a, b) && !lisp_prefix_covers(b, a)))
				continue;
			mark = cfg_path_key(&c->path, "crypto-eid-prefixes");
			cfg_path_idx(&c->path, j);
			cfg_chk_err(c, NULL, "'%s' and '%s' nest: an EID in both would have two "
				    "hash-EIDs", r->crypto_eid_prefixes[i], r->crypto_eid_prefixes[j]);
			cfg_path_pop(&c->path, mark);
		}
	if (s->auth != CP_SITE_AUTH_HMAC && s->crypto_prefix_count == 0)
		cfg_chk_err(c, "auth", "auth %s needs crypto-eid-prefixes: the crypto-EIDs whose "
			    "registrations are signed",
			    cfg_strval_name(cfg_site_auth_names, cfg_site_auth_names_count, s->auth));
	if (s->auth == CP_SITE_AUTH_HMAC && s->crypto_prefix_count)
		cfg_chk_err(c, "crypto-eid-prefixes", "read only with auth: ecdsa or both "
			    "(this site's auth is hmac)");
}

static void chk_site(struct cfg_chk *c, const struct cfg_raw_site *r, struct cp_config_site *s)
{
	s->name = cfg_chk_strdup(c, r->name);
	if (!site_name_ok(r->name))
		cfg_chk_err(c, "name", "must be 1..%d letters, digits, '.', '_' or '-', got '%s'",
			    SITE_NAME_MAX, r->name);
	cfg_chk_auth(c, r->key_id, r->key, &s->key_id, &s->key);
	cfg_chk_site_lisp_sec(c, r, s);
	s->accept_more_specifics = cfg_chk_bool(r->accept_more_specifics, false);
	s->allow_shared = cfg_chk_bool(r->allow_shared_eids, false);
	cfg_chk_prefixes(c, "eid-prefixes", r->eid_prefixes, r->eid_prefixes_count, &s->eids,
			 &s->eid_count);
	if (s->eid_count > CP_CONFIG_SITE_EIDS_MAX)
		cfg_chk_err(c, "eid-prefixes", "at most %d EID-prefixes per site, got %zu",
			    CP_CONFIG_SITE_EIDS_MAX, s->eid_count);
	chk_site_ecdsa(c, r, s);
}

/* The caps and expiries of state per sender (docs/security.md). */
static void chk_ms_limits(struct cfg_chk *c, const struct cfg_raw_map_server *r,
			  struct cp_config_map_server *ms)
{
	ms->max_registrants = cfg_chk_u32(c, "max-registrants", r->max_registrants,
					  CP_CONFIG_DEF_MAX_REGISTRANTS, 1, CP_CONFIG_STATE_MAX);
	ms->max_registrants_per_site =
		cfg_chk_u32(c, "max-registrants-per-site", r->max_registrants_per_site,
			    CP_CONFIG_DEF_MAX_REGISTRANTS_SITE, 1, CP_CONFIG_STATE_MAX);
	ms->registrant_hold_ms = cfg_chk_duration(c, "registrant-hold", r->registrant_hold,
						  CP_CONFIG_DEF_REGISTRANT_HOLD_MS, 0,
						  30u * 86400000u);
	ms->max_pending_notifies =
		cfg_chk_u32(c, "max-pending-notifies", r->max_pending_notifies,
			    CP_CONFIG_DEF_MAX_PENDING_NOTIFIES, 16, 1048576);
	ms->pubsub_max_subscriptions =
		cfg_chk_u32(c, "pubsub-max-subscriptions", r->pubsub_max_subscriptions,
			    CP_CONFIG_DEF_PUBSUB_MAX, 1, CP_CONFIG_STATE_MAX);
	ms->pubsub_max_per_xtr = cfg_chk_u32(c, "pubsub-max-per-xtr", r->pubsub_max_per_xtr,
					     CP_CONFIG_DEF_PUBSUB_MAX_XTR, 1, CP_CONFIG_STATE_MAX);
	ms->pubsub_lifetime_ms = cfg_chk_duration(c, "pubsub-lifetime", r->pubsub_lifetime,
						  CP_CONFIG_DEF_PUBSUB_LIFETIME_MS, 60000,
						  30u * 86400000u);
}

/* map-server.ddt-peers: the referral set of its Map-Referrals (ms_ddt.h). */
static void chk_ddt_peers(struct cfg_chk *c, const struct cfg_raw_map_server *r,
			  struct cp_config_map_server *ms)
{
	size_t sect = cfg_path_key(&c->path, "ddt-peers");

	if (r->ddt_peers_count > CP_CONFIG_DDT_PEERS_MAX)
		cfg_chk_err(c, NULL, "at most %d Map-Servers, got %u", CP_CONFIG_DDT_PEERS_MAX,
			    r->ddt_peers_count);
	for (size_t i = 0; i < r->ddt_peers_count && i < CP_CONFIG_DDT_PEERS_MAX; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		cfg_chk_addr(c, NULL, r->ddt_peers[i], &ms->ddt_peers[i]);
		ms->ddt_peer_count = i + 1;
		for (size_t j = 0; j < i; j++)
			if (lisp_addr_equal(&ms->ddt_peers[i], &ms->ddt_peers[j]))
				cfg_chk_err(c, NULL, "'%s' is listed twice", r->ddt_peers[i]);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, sect);
}

static void chk_map_server(struct cfg_chk *c, const struct cfg_raw_map_server *r,
			   struct cp_config_map_server *ms)
{
	size_t mark = cfg_path_key(&c->path, "map-server"), sect;
	static const struct cfg_raw_map_server none;

	ms->registration_timeout_ms = CP_CONFIG_DEF_REGISTRATION_TIMEOUT_MS;
	ms->pubsub = true;
	chk_ms_limits(c, r ? r : &none, ms);
	if (r) {
		ms->present = true;
		ms->registration_timeout_ms =
			cfg_chk_duration(c, "registration-timeout", r->registration_timeout,
					 CP_CONFIG_DEF_REGISTRATION_TIMEOUT_MS, 1000, 86400000);
		ms->pubsub = cfg_chk_bool(r->pubsub, true);
		ms->nonce_policy = r->nonce_policy ? (enum cp_nonce_policy)*r->nonce_policy
						   : CP_NONCE_UNIQUE;
		ms->sites = cfg_chk_calloc(c, r->sites_count, sizeof(*ms->sites));
		ms->site_count = ms->sites ? r->sites_count : 0;
		sect = cfg_path_key(&c->path, "sites");
		for (size_t i = 0; i < ms->site_count; i++) {
			size_t m = cfg_path_idx(&c->path, i);

			chk_site(c, &r->sites[i], &ms->sites[i]);
			for (size_t j = 0; j < i; j++) {
				if (strcmp(r->sites[i].name, r->sites[j].name) == 0) {
					cfg_chk_err(c, "name", "site '%s' is defined twice",
						    r->sites[i].name);
					break;
				}
			}
			cfg_path_pop(&c->path, m);
		}
		cfg_path_pop(&c->path, sect);
		chk_sites_shared(c, ms);
		chk_ddt_peers(c, r, ms);
	}
	cfg_path_pop(&c->path, mark);
}

/* --- map-resolver ----------------------------------------------------------- */

void cfg_chk_bucket(struct cfg_chk *c, const char *key, const struct cfg_raw_bucket *r,
		    uint32_t def, uint32_t *rate, uint32_t *burst)
{
	size_t m;

	*rate = def;
	*burst = 2 * def;
	if (!r)
		return;
	m = cfg_path_key(&c->path, key);
	*rate = cfg_chk_u32(c, "per-second", r->per_second, def, 0, 10000000);
	/* Twice the rate absorbs a burst of retransmissions. */
	*burst = cfg_chk_u32(c, "burst", r->burst, *rate ? 2 * *rate : 0, *rate ? 1 : 0,
			     20000000);
	cfg_path_pop(&c->path, m);
}

/* map-resolver.ddt (docs/ddt.md, "The DDT Map-Resolver"). */
static void chk_mr_ddt(struct cfg_chk *c, const struct cfg_raw_mr_ddt *r,
		       struct cp_config_mr_ddt *ddt)
{
	size_t mark;

	ddt->referral_cache_size = 10000;
	ddt->max_pending = 4096;
	ddt->request_timeout_ms = 2000;
	ddt->retries = 2;
	ddt->max_depth = 8;
	ddt->unresponsive_hold_ms = 30000;
	ddt->negative_ttl_min_min = 1;
	ddt->negative_ttl_max_min = 1440;
	if (!r)
		return;
	mark = cfg_path_key(&c->path, "ddt");
	ddt->referral_cache_size = cfg_chk_u32(c, "referral-cache-size", r->referral_cache_size,
					       10000, 16, CP_CONFIG_STATE_MAX);
	ddt->max_pending = cfg_chk_u32(c, "max-pending", r->max_pending, 4096, 1, 65536);
	ddt->request_timeout_ms = cfg_chk_duration(c, "request-timeout", r->request_timeout, 2000,
						   10, 60000);
	ddt->retries = cfg_chk_u32(c, "retries", r->retries, 2, 0, 16);
	ddt->unresponsive_hold_ms = cfg_chk_duration(c, "unresponsive-hold", r->unresponsive_hold,
						     30000, 0, 3600000);
	ddt->max_depth = cfg_chk_u32(c, "max-depth", r->max_depth, 8, 1,
				     CP_CONFIG_DDT_DEPTH_MAX);
	ddt->negative_ttl_min_min = cfg_chk_ttl(c, "negative-ttl-min", r->negative_ttl_min, 1);
	ddt->negative_ttl_max_min = cfg_chk_ttl(c, "negative-ttl-max", r->negative_ttl_max, 1440);
	if (ddt->negative_ttl_max_min < ddt->negative_ttl_min_min)
		cfg_chk_err(c, "negative-ttl-max", "must not be below negative-ttl-min");
	if (r->roots_count > CP_CONFIG_DDT_ROOTS_MAX)
		cfg_chk_err(c, "roots", "at most %u roots, got %u", CP_CONFIG_DDT_ROOTS_MAX,
			    r->roots_count);
	ddt->roots = cfg_chk_calloc(c, r->roots_count, sizeof(*ddt->roots));
	ddt->root_count = ddt->roots && r->roots_count <= CP_CONFIG_DDT_ROOTS_MAX
				  ? r->roots_count : 0;
	cfg_path_key(&c->path, "roots");
	for (size_t i = 0; i < ddt->root_count; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		cfg_chk_addr(c, "address", r->roots[i].address, &ddt->roots[i].addr);
		ddt->roots[i].priority = (uint8_t)cfg_chk_u32(c, "priority", r->roots[i].priority,
							      1, 0, 254);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

/* map-resolver.trusted-itrs: RLOC prefixes, no Instance-ID, no name. */
static void chk_trusted_itrs(struct cfg_chk *c, const struct cfg_raw_map_resolver *r,
			     struct cp_config_map_resolver *mr)
{
	cfg_chk_prefixes(c, "trusted-itrs", r->trusted_itrs, r->trusted_itrs_count,
			 &mr->trusted_itrs, &mr->trusted_itr_count);
	for (size_t i = 0; i < mr->trusted_itr_count; i++) {
		const struct lisp_prefix *p = &mr->trusted_itrs[i];

		if (p->iid || (p->addr.afi != LISP_AFI_IPV4 && p->addr.afi != LISP_AFI_IPV6))
			cfg_chk_err(c, "trusted-itrs", "'%s': an IPv4 or IPv6 RLOC prefix, "
				    "without an Instance-ID", r->trusted_itrs[i]);
	}
}

static void chk_forwards(struct cfg_chk *c, const struct cfg_raw_map_resolver *r,
			 struct cp_config_map_resolver *mr);

static void chk_map_resolver(struct cfg_chk *c, const struct cfg_raw_map_resolver *r,
			     struct cp_config_map_resolver *mr)
{
	size_t mark = cfg_path_key(&c->path, "map-resolver");
	uint32_t rate = CP_CONFIG_DEF_MR_RATE;

	mr->negative_ttl_min = CP_CONFIG_DEF_NEG_TTL_MIN;
	mr->negative_ttl_unregistered_min = CP_CONFIG_DEF_NEG_TTL_UNREG_MIN;
	mr->rate_limit = CP_CONFIG_DEF_MR_RATE;
	mr->rate_burst = CP_CONFIG_DEF_MR_BURST;
	mr->rate_sources = CP_CONFIG_DEF_MR_SOURCES;
	mr->smr_requesters = CP_CONFIG_DEF_MR_SMR_REQUESTERS;
	mr->global_rate = CP_CONFIG_DEF_MR_GLOBAL_RATE;
	mr->global_burst = 2 * CP_CONFIG_DEF_MR_GLOBAL_RATE;
	mr->verified_rate = CP_CONFIG_DEF_MR_VERIFIED_RATE;
	mr->verified_burst = 2 * CP_CONFIG_DEF_MR_VERIFIED_RATE;
	mr->forward_next_hops = CP_CONFIG_DEF_MR_NEXT_HOPS;
	if (!r)
		goto out;
	mr->present = true;
	mr->negative_ttl_min = cfg_chk_ttl(c, "negative-ttl", r->negative_ttl,
					   CP_CONFIG_DEF_NEG_TTL_MIN);
	mr->negative_ttl_unregistered_min =
		cfg_chk_ttl(c, "negative-ttl-unregistered", r->negative_ttl_unregistered,
			    CP_CONFIG_DEF_NEG_TTL_UNREG_MIN);
	if (r->rate_limit) {
		size_t m = cfg_path_key(&c->path, "rate-limit");

		rate = cfg_chk_u32(c, "requests-per-second", r->rate_limit->requests_per_second,
				   CP_CONFIG_DEF_MR_RATE, 0, 10000000);
		mr->rate_limit = rate;
		/* Twice the rate absorbs a resolver's retransmission burst. */
		mr->rate_burst = cfg_chk_u32(c, "burst", r->rate_limit->burst,
					     rate ? 2 * rate : 0, rate ? 1 : 0, 20000000);
		/* What a flood of spoofed sources can make the table hold. */
		mr->rate_sources = cfg_chk_u32(c, "sources", r->rate_limit->sources,
					       CP_CONFIG_DEF_MR_SOURCES, 64,
					       CP_CONFIG_MR_SOURCES_MAX);
		cfg_path_pop(&c->path, m);
	}
	mr->smr_requesters = cfg_chk_u32(c, "smr-requesters", r->smr_requesters,
					 CP_CONFIG_DEF_MR_SMR_REQUESTERS, 64,
					 CP_CONFIG_MR_SOURCES_MAX);
	cfg_chk_bucket(c, "global-rate-limit", r->global_rate_limit, CP_CONFIG_DEF_MR_GLOBAL_RATE,
		       &mr->global_rate, &mr->global_burst);
	cfg_chk_bucket(c, "verified-rate-limit", r->verified_rate_limit,
		       CP_CONFIG_DEF_MR_VERIFIED_RATE, &mr->verified_rate, &mr->verified_burst);
	chk_trusted_itrs(c, r, mr);
	mr->forward_next_hops = cfg_chk_u32(c, "forward-next-hops", r->forward_next_hops,
					    CP_CONFIG_DEF_MR_NEXT_HOPS, 1, 16);
	mr->health_interval_ms = cfg_chk_duration(c, "health-interval", r->health_interval,
						  CP_CONFIG_DEF_MR_HEALTH_INTERVAL_MS, 0, 3600000);
	if (mr->health_interval_ms && mr->health_interval_ms < 100)
		cfg_chk_err(c, "health-interval", "0 (no probes) or at least 100ms, got %ums",
			    mr->health_interval_ms);
	mr->health_misses = cfg_chk_u32(c, "health-misses", r->health_misses,
					CP_CONFIG_DEF_MR_HEALTH_MISSES, 1, 100);
	cfg_chk_mr_signed(c, r, mr);
	chk_forwards(c, r, mr);
	cfg_chk_lisp_sec_key(c, "lisp-sec-key", r->lisp_sec_key, &mr->lisp_sec_key);
	cfg_path_pop(&c->path, mark);
	mark = cfg_path_key(&c->path, "map-resolver");
	chk_mr_ddt(c, r->ddt, &mr->ddt);
	cfg_path_pop(&c->path, mark);
	return;
out:
	chk_mr_ddt(c, NULL, &mr->ddt);
	cfg_path_pop(&c->path, mark);
}

/* map-resolver.map-servers: each entry one "address" (as before) or
 * "addresses", several Map-Servers for the same prefixes in fail-over
 * order; each address becomes a forward of its own. */
static void chk_forwards(struct cfg_chk *c, const struct cfg_raw_map_resolver *r,
			 struct cp_config_map_resolver *mr)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < r->map_servers_count; i++)
		total += r->map_servers[i].address ? 1 : r->map_servers[i].addresses_count;
	mr->forwards = total ? cfg_chk_calloc(c, total, sizeof(*mr->forwards)) : NULL;
	mr->forward_count = mr->forwards ? total : 0;
	cfg_path_key(&c->path, "map-servers");
	for (size_t i = 0; i < r->map_servers_count && mr->forwards; i++) {
		const struct cfg_raw_forward *f = &r->map_servers[i];
		size_t m = cfg_path_idx(&c->path, i), n = f->address ? 1 : f->addresses_count;
		uint16_t port = cfg_chk_port(c, "port", f->port, CP_CONFIG_DEF_PORT);

		if (!f->address == !f->addresses)
			cfg_chk_err(c, NULL, "needs one of 'address' or 'addresses'");
		if (n > CP_CONFIG_SERVERS_MAX)
			cfg_chk_err(c, "addresses", "at most %d Map-Servers, got %zu",
				    CP_CONFIG_SERVERS_MAX, n);
		for (size_t j = 0; j < n && k < total; j++, k++) {
			struct cp_config_forward *fw = &mr->forwards[k];

			if (f->address) {
				cfg_chk_addr(c, "address", f->address, &fw->addr);
			} else {
				size_t a = cfg_path_key(&c->path, "addresses");
				size_t ai = cfg_path_idx(&c->path, j);

				cfg_chk_addr(c, NULL, f->addresses[j], &fw->addr);
				cfg_path_pop(&c->path, ai);
				cfg_path_pop(&c->path, a);
			}
			fw->port = port;
			cfg_chk_prefixes(c, "eid-prefixes", f->eid_prefixes, f->eid_prefixes_count,
					 &fw->eids, &fw->eid_count);
		}
		cfg_path_pop(&c->path, m);
	}
}

/* --- roles ------------------------------------------------------------------ */

/* What each role cannot run without.  A section whose role is not enabled
 * is still checked, and otherwise unused: turning a role off should not
 * mean deleting its configuration. */
#define CP_STR_(x)	#x
#define CP_STR(x)	CP_STR_(x)

static void chk_roles(struct cfg_chk *c, const struct cp_config *cfg)
{
	struct {
		unsigned int role;
		bool ok;
		const char *path, *why;
	} need[] = {
		{ CP_ROLE_MAP_SERVER, cfg->ms.site_count > 0, "map-server.sites",
		  "the map-server role needs at least one site" },
		{ CP_ROLE_MAP_RESOLVER,
		  (cfg->roles & CP_ROLE_MAP_SERVER) || cfg->mr.forward_count > 0 ||
			  cfg->mr.ddt.root_count > 0,
		  "map-resolver.map-servers",
		  "a map-resolver without the map-server role needs map-servers to forward "
		  "Map-Requests to (or map-resolver.ddt.roots)" },
		{ CP_ROLE_DDT_NODE, cfg->ddt.auth_count > 0, "ddt-node.authoritative-prefixes",
		  "the ddt-node role needs at least one authoritative XEID-prefix" },
		{ CP_ROLE_ETR, cfg->etr.map_server_count > 0, "etr.map-servers",
		  "the etr role needs at least one map-server to register to" },
		{ CP_ROLE_ETR, cfg->etr.mapping_count > 0, "etr.database",
		  "the etr role needs a database of at least one EID-prefix" },
		{ CP_ROLE_ITR, cfg->itr.map_resolver_count > 0, "itr.map-resolvers",
		  "the itr role needs at least one map-resolver" },
		{ CP_ROLE_PITR, cfg->itr.map_resolver_count > 0, "itr.map-resolvers",
		  "the pitr role resolves through itr.map-resolvers: at least one is needed" },
		/* Every listen address is an ITR-RLOC of our Map-Requests. */
		{ CP_ROLE_ITR | CP_ROLE_PITR, cfg->listen_count <= CP_CONFIG_ITR_RLOCS_MAX,
		  "listen.addresses",
		  "the itr and pitr roles send every listen address as an ITR-RLOC, at most "
		  CP_STR(CP_CONFIG_ITR_RLOCS_MAX) },
	};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		unsigned int line = c->roles_line;
		char sect[32];

		if (!(cfg->roles & need[i].role) || need[i].ok)
			continue;
		/* Point at the section when it is there, else at the roles. */
		snprintf(sect, sizeof(sect), "%.*s", (int)strcspn(need[i].path, "."),
			 need[i].path);
		if (cfg_doc_node(c->doc, sect))
			line = cfg_doc_line(c->doc, need[i].path);
		if (cfg_err_add(c->errs, line, need[i].path, "%s", need[i].why) < 0)
			c->nomem = true;
		c->errors++;
	}
}

int cfg_check(const struct cfg_raw *raw, const struct cfg_doc *doc, struct cp_config *cfg,
	      struct cfg_errors *errs)
{
	struct cfg_chk c = { .doc = doc, .errs = errs };

	c.roles_line = cfg_doc_line(doc, "roles");
	cfg->roles = raw->roles;
	if (!raw->roles)
		cfg_chk_err(&c, "roles",
			    "needs at least one of map-server, map-resolver, itr, etr, xtr, "
			    "pitr, petr, ddt-node");
	cfg->log_level = raw->log_level ? *raw->log_level : CP_CONFIG_DEF_LOG_LEVEL;
	chk_xtr_id(&c, raw->xtr_id, cfg);
	cfg->site_id = raw->site_id ? *raw->site_id : 0;
	chk_listen(&c, raw->listen, cfg);
	chk_rest(&c, raw->rest, &cfg->rest);
	chk_dataplane(&c, raw->dataplane, &cfg->dataplane);
	chk_map_server(&c, raw->map_server, &cfg->ms);
	chk_map_resolver(&c, raw->map_resolver, &cfg->mr);
	cfg_chk_etr(&c, raw->etr, &cfg->etr);
	cfg_chk_itr(&c, raw->itr, &cfg->itr);
	cfg_chk_pitr(&c, raw->pitr, &cfg->pitr);
	cfg_chk_petr(&c, raw->petr, &cfg->petr);
	cfg_chk_cats(&c, raw->cats, &cfg->cats);
	cfg_chk_agents(&c, raw->agents, raw->roles, &cfg->agents);
	cfg_chk_ddt(&c, raw->ddt_node, &cfg->ddt);
	cfg_chk_privs(&c, raw->privs, &cfg->privs);
	chk_roles(&c, cfg);
	cfg_chk_lisp_sec_roles(&c, cfg);
	/* CATS: the ranking is read by the Map-Resolver (a Map-Server has one)
	 * and the ITR, the metrics file by the ETR (cp_cats.c); with none of
	 * them running the keys would change nothing (agents: the same). */
	if (cfg->cats.policy_count && !(cfg->roles & (CP_ROLE_MAP_SERVER | CP_ROLE_MAP_RESOLVER |
						      CP_ROLE_ITR | CP_ROLE_PITR)))
		cfg_chk_err(&c, "cats.policies",
			    "used by the map-server, map-resolver, itr and pitr roles, and none "
			    "of them is in roles; add one or remove the policies");
	if (cfg->cats.metrics_file && !(cfg->roles & CP_ROLE_ETR))
		cfg_chk_err(&c, "cats.metrics",
			    "read by the etr role alone, which is not in roles; add etr (or xtr) "
			    "or remove it");
	/* The data plane alone reads itr.petrs (dp_push.c): without it they
	 * would be accepted and change nothing. */
	if ((cfg->roles & (CP_ROLE_ITR | CP_ROLE_PITR)) && cfg->itr.petr_count &&
	    !cfg->dataplane.present)
		cfg_chk_err(&c, "itr.petrs",
			    "used only by the data plane, and there is no dataplane section: "
			    "nothing would encapsulate to these PETRs; add dataplane.socket or "
			    "remove them");
	if (c.nomem)
		return -ENOMEM;
	return c.errors ? -EINVAL : 0;
}
