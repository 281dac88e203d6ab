/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Requests per second through map_resolver_input() on one core
 * (docs/BENCHMARKS.md, "Signed Map-Requests"), each with a fresh nonce,
 * for [1000]10.20.1.5 (a registered prefix: forwarded to its ETR), from an
 * ITR whose crypto-EID and hash-EID are registered at the Map-Server of
 * the same process; every rate limit off unless said:
 *   unsigned-off  map-resolver.signed-requests off, unsigned requests (the
 *                 baseline the ratios are to);
 *   unsigned      signed-requests optional, unsigned requests;
 *   signed        optional, each request signed by the ITR's key: one
 *                 ECDSA verification each (the key cached);
 *   retransmit    one signed request sent again and again: answered
 *                 from the replay table, no verification;
 *   forged        another key's signatures naming the ITR: verified and
 *                 refused (a forged flood without a budget);
 *   forged-budget the same under the default budget (2000/s, 50/s per
 *                 signer): refused before any verification.
 * Usage: mr_ecdsa_perf [COUNT]   (default 2000 per mode)
 */
#define PERF_NAME "mr_ecdsa_perf"
#include "ecdsa_agents.h"
#include "ecdsa_request.h"
#include "map_resolver.h"

#define MSG_MAX 1200
#define REPS 20

/* An ECM'd Map-Request for [1000]10.20.1.5, signed by key as signer when
 * key is set. */
static size_t request(EVP_PKEY *key, const struct agent *signer, uint64_t nonce, uint8_t *out)
{
	struct lisp_request_record rec = { .mask_len = 32 };
	struct lisp_map_request req = { .nonce = nonce, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct ecdsa_eid who = { .iid = 1000, .af = AF_INET6 };
	struct ecdsa_request_buf buf;
	struct lisp_waddr itr, inner;
	struct lisp_prefix target;
	uint8_t mreq[1024];
	ssize_t n;

	lisp_prefix_parse("[1000]10.20.1.5/32", &target, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &target);
	lisp_addr_parse("192.0.2.99", &ecm.inner_src, NULL);
	lisp_waddr_from_addr(&itr, &ecm.inner_src);
	req.itr_rlocs = &itr;
	memcpy(who.addr, signer->eid.addr.v6, 16);
	if (key && ecdsa_request_sign(key, &who, &who, &req, &buf, NULL) < 0)
		die("sign");
	n = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	lisp_addr_parse("10.20.1.5", &ecm.inner_dst, NULL);
	ecm.payload = mreq;
	ecm.payload_len = (size_t)(n > 0 ? n : 0);
	n = n > 0 ? lisp_ecm_encode(&ecm, out, MSG_MAX, NULL) : n;
	if (n < 0)
		die("encode");
	return (size_t)n;
}

/* Requests per second of msgs[0..n) through a new Map-Resolver with this
 * mode and budget, the agent registered first; expect: how many must be
 * authenticated (-1: none looked at). */
static double run(const char *name, uint8_t mode, uint32_t budget, const struct agent *a,
		  uint8_t (*msgs)[MSG_MAX], const size_t *lens, size_t n, unsigned int reps,
		  long expect)
{
	struct evloop *loop = evloop_new();
	struct site_table *sites;
	struct map_server *ms = ms_new(loop, &sites, SITE_AUTH_BOTH);
	struct map_resolver *mr;
	const struct mr_counters *c;
	struct lisp_addr src;
	struct mr_params rp;
	uint8_t reg[1024];
	double t, rate;

	lisp_addr_parse("192.0.2.10", &src, NULL);
	map_server_input(ms, reg, build(a, true, 1, reg, sizeof(reg)), &src, 4342);
	map_server_input(ms, reg, build(NULL, false, 2, reg, sizeof(reg)), &src, 4342);
	map_resolver_params_default(&rp);
	rp.rate = rp.global_rate = rp.verified_rate = 0;
	rp.ecdsa = (struct mr_ecdsa_params){ .mode = mode, .verify_rate = budget,
					     .verify_burst = budget, .signer_rate = budget / 40 };
	mr = map_resolver_new(loop, &rp, ms, sites, nothing_sent, NULL);
	if (!mr || map_server_counters(ms)->registers_accepted != 2)
		die("setup");
	lisp_addr_parse("192.0.2.99", &src, NULL);
	t = now_s();
	for (unsigned int r = 0; r < reps; r++)
		for (size_t i = 0; i < n; i++)
			map_resolver_input(mr, msgs[i], lens[i], &src, 4342);
	t = now_s() - t;
	rate = (double)n * reps / t;
	c = map_resolver_counters(mr);
	if (expect >= 0 && c->requests_authenticated != (uint64_t)expect * reps)
		die("not what was expected authenticated");
	printf("%-13s %8.0f requests/s  (%zu in %.3f s; authenticated %llu, forwarded %llu, "
	       "refused signature %llu, verify-limited %llu)\n", name, rate, n * reps, t,
	       (unsigned long long)c->requests_authenticated,
	       (unsigned long long)c->requests_forwarded,
	       (unsigned long long)c->signed_refused_signature,
	       (unsigned long long)c->signed_verify_limited);
	map_resolver_free(mr);
	ms_done(ms, sites, loop);
	return rate;
}

int main(int argc, char **argv)
{
	size_t n = perf_count(argc, argv);
	uint8_t (*msgs)[MSG_MAX] = calloc(n, MSG_MAX);
	size_t *lens = calloc(n, sizeof(*lens));
	struct agent itr, other;
	double base, uns, sig, re, forged, budget;

	if (!msgs || !lens || n == 0)
		die("memory");
	agent_make(&itr);
	agent_make(&other);
	for (size_t i = 0; i < n; i++)
		lens[i] = request(NULL, &itr, i + 1, msgs[i]);
	/* The cheap modes go round their messages REPS times: a measurable
	 * time (a resent nonce changes nothing for them). */
	base = run("unsigned-off", MR_SIGNED_OFF, 0, &itr, msgs, lens, n, REPS, -1);
	uns = run("unsigned", MR_SIGNED_OPTIONAL, 0, &itr, msgs, lens, n, REPS, 0);
	for (size_t i = 0; i < n; i++)
		lens[i] = request(itr.key, &itr, i + 1, msgs[i]);
	sig = run("signed", MR_SIGNED_OPTIONAL, 0, &itr, msgs, lens, n, 1, (long)n);
	for (size_t i = 1; i < n; i++) {
		memcpy(msgs[i], msgs[0], lens[0]);
		lens[i] = lens[0];
	}
	re = run("retransmit", MR_SIGNED_OPTIONAL, 0, &itr, msgs, lens, n, REPS, (long)n);
	for (size_t i = 0; i < n; i++)
		lens[i] = request(other.key, &itr, i + 1, msgs[i]);
	forged = run("forged", MR_SIGNED_OPTIONAL, 0, &itr, msgs, lens, n, 1, 0);
	budget = run("forged-budget", MR_SIGNED_OPTIONAL, 2000, &itr, msgs, lens, n, 1, 0);
	printf("ratios to unsigned-off: unsigned %.3f, signed %.3f, retransmit %.3f, forged %.3f, "
	       "forged-budget %.3f\n", uns / base, sig / base, re / base, forged / base,
	       budget / base);
	EVP_PKEY_free(itr.key);
	EVP_PKEY_free(other.key);
	free(msgs);
	free(lens);
	return 0;
}
