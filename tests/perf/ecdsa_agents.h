/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the ECDSA benchmarks share (ms_ecdsa_perf.c, mr_ecdsa_perf.c): agents
 * with a key and a crypto-EID in [1000]fd00::/8 and their two records, the
 * Map-Registers that register them (or the plain [1000]10.20.1.0/24), a
 * Map-Server with one site "agents" of that prefix, a clock.
 */
#ifndef LISPGW_PERF_ECDSA_AGENTS_H
#define LISPGW_PERF_ECDSA_AGENTS_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ecdsa_eid.h"
#include "lisp_auth.h"
#include "map_server.h"

#ifndef PERF_NAME
#define PERF_NAME "ecdsa_perf"
#endif

static const char site_key[] = "agents-secret";

struct agent {
	EVP_PKEY *key;
	struct lisp_prefix eid, hash;
	char sig[ECDSA_SIG_JSON_MAX + 1], pub[ECDSA_PUBKEY_JSON_MAX + 1];
};

static inline void die(const char *what)
{
	fprintf(stderr, PERF_NAME ": %s\n", what);
	exit(1);
}

static inline void agent_make(struct agent *a)
{
	struct ecdsa_sig_record rec = { .has_signature_eid = true };
	char text[ECDSA_EID_TEXT_MAX], name[ECDSA_HASH_EID_MAX];
	struct ecdsa_prefix p;
	int n;

	if (ecdsa_prefix_parse("fd00::/8", 1000, &p, NULL) < 0 ||
	    ecdsa_key_generate(&a->key, NULL) < 0)
		die("key");
	a->eid = (struct lisp_prefix){ .iid = 1000, .plen = 128 };
	a->eid.addr.afi = LISP_AFI_IPV6;
	if (ecdsa_crypto_eid(&p, a->key, a->eid.addr.v6, NULL) < 0)
		die("crypto-EID");
	rec.signature_eid = (struct ecdsa_eid){ .iid = 1000, .af = AF_INET6 };
	memcpy(rec.signature_eid.addr, a->eid.addr.v6, 16);
	n = ecdsa_signed_register(&rec.signature_eid, text, sizeof(text));
	if (n < 0 || ecdsa_sign(a->key, text, (size_t)n, rec.sig, NULL) < 0 ||
	    ecdsa_sig_json_encode(&rec, a->sig, sizeof(a->sig), NULL) < 0 ||
	    ecdsa_pubkey_json_encode(a->key, a->pub, sizeof(a->pub), NULL) < 0 ||
	    ecdsa_hash_eid(&p, a->eid.addr.v6, name, sizeof(name)) < 0)
		die("records");
	a->hash = (struct lisp_prefix){ .iid = 1000 };
	a->hash.addr.afi = LISP_AFI_DN;
	a->hash.addr.dn_len = (uint8_t)strlen(name);
	memcpy(a->hash.addr.dn, name, a->hash.addr.dn_len);
}

/* A signed Map-Register: agent a (with its hash-EID when with_key), or
 * the plain EID [1000]10.20.1.0/24 when a is NULL. */
static inline size_t build(const struct agent *a, bool with_key, uint64_t nonce, uint8_t *buf,
		    size_t cap)
{
	struct lisp_locator locs[2][2];
	struct lisp_record recs[2] = { 0 };
	struct lisp_waddr inner[2];
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .nonce = nonce,
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .records = recs,
				       .record_count = 1, .xtr_id_present = true };
	struct lisp_prefix plain;
	struct lisp_addr rloc;
	ssize_t n;

	lisp_addr_parse("192.0.2.10", &rloc, NULL);
	lisp_prefix_parse("[1000]10.20.1.0/24", &plain, NULL);
	memset(locs, 0, sizeof(locs));
	locs[0][0] = (struct lisp_locator){ .priority = 1, .weight = 100,
					    .flags = LISP_LOC_F_REACH };
	lisp_waddr_from_addr(&locs[0][0].addr, &rloc);
	recs[0] = (struct lisp_record){ .ttl = 1440, .authoritative = true, .locs = locs[0],
					.loc_count = 1, .mask_len = a ? 128 : 24 };
	lisp_waddr_from_prefix(&recs[0].eid, &inner[0], a ? &a->eid : &plain);
	if (a) {
		lisp_locator_json(&locs[0][1], a->sig);
		recs[0].loc_count = 2;
	}
	if (a && with_key) {
		lisp_locator_json(&locs[1][0], a->pub);
		recs[1] = (struct lisp_record){ .ttl = 1440, .authoritative = true,
						.locs = locs[1], .loc_count = 1 };
		lisp_waddr_from_prefix(&recs[1].eid, &inner[1], &a->hash);
		m.record_count = 2;
	}
	n = lisp_map_register_encode(&m, buf, cap, NULL);
	if (n < 0 || lisp_auth_sign(buf, (size_t)n, site_key, strlen(site_key), NULL) < 0)
		die("encode");
	return (size_t)n;
}

static inline void nothing_sent(void *arg, const struct lisp_addr *dst, uint16_t port,
			 const uint8_t *msg, size_t len)
{
	(void)arg, (void)dst, (void)port, (void)msg, (void)len;
}

static inline struct map_server *ms_new(struct evloop *loop, struct site_table **sites,
				 enum site_auth auth)
{
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .auth = (uint8_t)auth,
			  .eids = &eid, .eid_count = 1 };
	struct ms_params p;

	snprintf(s.name, sizeof(s.name), "agents");
	memcpy(s.key, site_key, strlen(site_key));
	s.key_len = strlen(site_key);
	lisp_prefix_parse("[1000]10.20.0.0/16", &eid.prefix, NULL);
	if (auth != SITE_AUTH_HMAC) {
		lisp_prefix_parse("[1000]fd00::/8", &s.crypto_prefixes[0], NULL);
		s.crypto_prefix_count = 1;
	}
	*sites = site_table_new();
	if (!*sites || site_table_add(*sites, &s) < 0)
		die("site");
	map_server_params_default(&p);
	p.max_registrants = p.max_registrants_per_site = 1000000;
	return map_server_new(loop, *sites, &p, nothing_sent, NULL);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The Map-Server ms_new() made, its sites and its loop. */
static inline void ms_done(struct map_server *ms, struct site_table *sites, struct evloop *loop)
{
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
}

/* COUNT from the command line, default 2000. */
static inline size_t perf_count(int argc, char **argv)
{
	return argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
}

#endif
