/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Registers per second through map_server_input() on one core, each
 * with a fresh nonce (docs/BENCHMARKS.md, "ECDSA-signed registrations"):
 *   hmac      a site with auth hmac, HMAC-SHA-256-128, one record;
 *   cached    auth both, a crypto-EID whose key was verified before: the
 *             HMAC and one signature verification;
 *   with-key  the same message carrying the hash-EID record too: the key
 *             record is compared byte for byte with the cached one;
 *   cold      auth both, a new agent each time: the key record decoded and
 *             its hash checked, then the signature verified.
 * Usage: ms_ecdsa_perf [COUNT]   (default 2000 per mode)
 */
#define PERF_NAME "ms_ecdsa_perf"
#include "ecdsa_agents.h"

/* Registrations per second of msgs[0..n) through a new Map-Server;
 * prime (when set) is registered first, untimed. */
static double run(const char *name, enum site_auth auth, uint8_t (*msgs)[1024],
		  const size_t *lens, size_t n, const uint8_t *prime, size_t prime_len)
{
	struct evloop *loop = evloop_new();
	struct site_table *sites;
	struct map_server *ms = ms_new(loop, &sites, auth);
	struct lisp_addr src;
	double t, rate;

	lisp_addr_parse("192.0.2.10", &src, NULL);
	if (prime)
		map_server_input(ms, prime, prime_len, &src, 4342);
	t = now_s();
	for (size_t i = 0; i < n; i++)
		map_server_input(ms, msgs[i], lens[i], &src, 4342);
	t = now_s() - t;
	rate = (double)n / t;
	if (map_server_counters(ms)->registers_accepted != n + (prime != NULL))
		die("a registration was refused");
	printf("%-9s %8.0f registrations/s  (%zu in %.3f s; key cache hits %llu, misses %llu)\n",
	       name, rate, n, t,
	       (unsigned long long)map_server_counters(ms)->ecdsa_key_cache_hits,
	       (unsigned long long)map_server_counters(ms)->ecdsa_key_cache_misses);
	ms_done(ms, sites, loop);
	return rate;
}

int main(int argc, char **argv)
{
	size_t n = perf_count(argc, argv);
	uint8_t (*msgs)[1024] = calloc(n, 1024), prime[1024];
	size_t *lens = calloc(n, sizeof(*lens)), prime_len;
	struct agent one, *many = calloc(n, sizeof(*many));
	double hmac, cached, with_key, cold;

	if (!msgs || !lens || !many || n == 0)
		die("memory");
	agent_make(&one);
	for (size_t i = 0; i < n; i++)
		lens[i] = build(NULL, false, i + 1, msgs[i], 1024);
	hmac = run("hmac", SITE_AUTH_HMAC, msgs, lens, n, NULL, 0);
	prime_len = build(&one, true, 1000000, prime, sizeof(prime));
	for (size_t i = 0; i < n; i++)
		lens[i] = build(&one, false, i + 1, msgs[i], 1024);
	cached = run("cached", SITE_AUTH_BOTH, msgs, lens, n, prime, prime_len);
	for (size_t i = 0; i < n; i++)
		lens[i] = build(&one, true, i + 1, msgs[i], 1024);
	with_key = run("with-key", SITE_AUTH_BOTH, msgs, lens, n, prime, prime_len);
	for (size_t i = 0; i < n; i++) {
		agent_make(&many[i]);
		lens[i] = build(&many[i], true, i + 1, msgs[i], 1024);
	}
	cold = run("cold", SITE_AUTH_BOTH, msgs, lens, n, NULL, 0);
	printf("ratios to hmac: cached %.3f, with-key %.3f, cold %.3f; cold costs %.2fx cached\n",
	       cached / hmac, with_key / hmac, cold / hmac, cached / cold);
	for (size_t i = 0; i < n; i++)
		EVP_PKEY_free(many[i].key);
	EVP_PKEY_free(one.key);
	free(many);
	free(msgs);
	free(lens);
	return 0;
}
