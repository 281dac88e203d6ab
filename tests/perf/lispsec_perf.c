/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resolutions per second with and without LISP-SEC, on one core, in one
 * process (docs/BENCHMARKS.md, "LISP-SEC"): an ITR, our Map-Resolver and
 * Map-Server and an ETR joined by an in-process queue, so that what is
 * measured is the roles' work, not the kernel's.  One resolution: the
 * ITR's ECM (with an ITR-OTK, AES-wrapped, under LISP-SEC), the
 * Map-Resolver's answer, the ITR's check and its map-cache update.
 *   proxy      the Map-Server proxy-replies (site lisp-sec proxy): it
 *              unwraps the OTK, derives the MS-OTK, signs EID-AD and PKT-AD;
 *   etr        the Map-Server forwards to the ETR (site lisp-sec etr): it
 *              also wraps the MS-OTK for the ETR, which unwraps and signs.
 * Each mode runs plain and with LISP-SEC, alternately, RUNS times.
 * Usage: lispsec_perf [COUNT [RUNS]]   (default 20000 resolutions, 3 runs)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "etr.h"
#include "itr.h"
#include "lisp_auth.h"
#include "log.h"
#include "map_resolver.h"

#define QMAX	64

struct pkt {
	struct lisp_addr src, dst;
	uint8_t msg[1500];
	size_t len;
};

static struct pkt q[QMAX];
static unsigned int qh, qt;
static struct lisp_addr ms_addr, etr_addr, itr_addr;
static struct map_resolver *mr;
static struct map_server *ms;
static struct etr *etr;
static struct itr *itr;
static const char key[] = "bench-site-key";
static const uint8_t k_mr[16] = "0123456789abcdef", k_site[16] = "fedcba9876543210";

static void die(const char *what)
{
	fprintf(stderr, "lispsec_perf: %s\n", what);
	exit(1);
}

static void put(const struct lisp_addr *src, const struct lisp_addr *dst, const uint8_t *m,
		size_t len)
{
	struct pkt *p = &q[qt++ % QMAX];

	if (qt - qh > QMAX || len > sizeof(p->msg))
		die("queue");
	p->src = *src;
	p->dst = *dst;
	memcpy(p->msg, m, len);
	p->len = len;
}

#define SENDER(name, from)                                                               \
	static void name(void *arg, const struct lisp_addr *dst, uint16_t port,           \
			 const uint8_t *m, size_t len)                                    \
	{                                                                                 \
		(void)arg, (void)port;                                                    \
		put(&from, dst, m, len);                                                  \
	}
SENDER(from_ms, ms_addr)
SENDER(from_etr, etr_addr)
SENDER(from_itr, itr_addr)

static void pump(void)
{
	while (qh != qt) {
		struct pkt *p = &q[qh++ % QMAX];

		if (lisp_addr_equal(&p->dst, &ms_addr)) {
			if (p->msg[0] >> 4 == LISP_ECM)
				map_resolver_input(mr, p->msg, p->len, &p->src, 4342);
			else
				map_server_input(ms, p->msg, p->len, &p->src, 4342);
		} else if (lisp_addr_equal(&p->dst, &etr_addr)) {
			etr_input(etr, p->msg, p->len, &p->src, 4342);
		} else if (lisp_addr_equal(&p->dst, &itr_addr)) {
			itr_input(itr, p->msg, p->len, &p->src, 4342);
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The world for one measurement: site mode, whether the ETR registers for
 * proxy replies, whether the ITR asks for LISP-SEC. */
static double run(uint8_t site_mode, bool sec, uint64_t count)
{
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = &eid, .eid_count = 1,
			  .lisp_sec = site_mode, .lisp_sec_aes = true };
	struct etr_map_server server = { .port = 4342, .alg_id = LISP_AUTH_HMAC_SHA256_128,
					 .lisp_sec = true, .lisp_sec_aes = true };
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1440, .loc_count = 1, .locs = &loc, .mask_len = 16 };
	struct itr_map_resolver res = { .port = 4342 };
	struct evloop *loop = evloop_new();
	struct site_table *sites = site_table_new();
	struct lisp_prefix p;
	struct lisp_waddr inner;
	struct itr_params ip;
	struct etr_params ep;
	struct ms_params mp;
	struct mr_params rp;
	const struct itr_counters *ic;
	double t0, t;

	if (!loop || !sites)
		die("setup");
	snprintf(s.name, sizeof(s.name), "bench");
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	memcpy(s.lisp_sec_key, k_site, 16);
	lisp_prefix_parse("[1]10.0.0.0/8", &eid.prefix, NULL);
	if (site_table_add(sites, &s) < 0)
		die("site");
	map_server_params_default(&mp);
	ms = map_server_new(loop, sites, &mp, from_ms, NULL);
	map_resolver_params_default(&rp);
	rp.rate = rp.global_rate = rp.verified_rate = 0;	/* unlimited */
	rp.lisp_sec = rp.lisp_sec_aes = true;
	memcpy(rp.lisp_sec_key, k_mr, 16);
	mr = map_resolver_new(loop, &rp, ms, sites, from_ms, NULL);
	etr_params_default(&ep);
	ep.proxy_reply = site_mode == SITE_LISP_SEC_PROXY;
	ep.reply_rate = 0;
	server.addr = ms_addr;
	memcpy(server.key, key, strlen(key));
	server.key_len = strlen(key);
	memcpy(server.lisp_sec_key, k_site, 16);
	etr = etr_new(loop, &ep, &server, 1, from_etr, NULL);
	if (!ms || !mr || !etr)
		die("roles");
	lisp_prefix_parse("[1]10.1.0.0/16", &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	lisp_waddr_from_addr(&loc.addr, &etr_addr);
	if (etr_db_set(etr, &rec, NULL) < 0)
		die("database");
	etr_start(etr);
	pump();
	itr_params_default(&ip);
	ip.rlocs[0] = itr_addr;
	ip.rloc_count = 1;
	ip.pending_max = 16;
	ip.lisp_sec = sec ? ITR_LISP_SEC_REQUIRED : ITR_LISP_SEC_OFF;
	ip.lisp_sec_aes = true;
	memcpy(ip.lisp_sec_key, k_mr, 16);
	res.addr = ms_addr;
	itr = itr_new(loop, &ip, &res, 1, from_itr, NULL);
	if (!itr)
		die("itr");
	t0 = now_s();
	for (uint64_t i = 0; i < count; i++) {
		p = (struct lisp_prefix){ .iid = 1, .plen = 32 };
		p.addr.afi = LISP_AFI_IPV4;
		p.addr.v4[0] = 10, p.addr.v4[1] = 1;
		p.addr.v4[2] = (uint8_t)(i >> 8), p.addr.v4[3] = (uint8_t)i;
		if (itr_resolve(itr, &p) < 0)
			die("resolve");
		pump();
	}
	t = now_s() - t0;
	ic = itr_counters(itr);
	if (ic->replies_accepted != count || (sec && ic->lisp_sec_replies_verified != count))
		die("a resolution was not answered as expected");
	itr_free(itr);
	etr_free(etr);
	map_resolver_free(mr);
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
	return (double)count / t;
}

int main(int argc, char **argv)
{
	uint64_t count = argc > 1 ? strtoull(argv[1], NULL, 10) : 20000;
	unsigned int runs = argc > 2 ? (unsigned int)atoi(argv[2]) : 3;
	static const struct {
		const char *name;
		uint8_t mode;
	} modes[] = { { "proxy", SITE_LISP_SEC_PROXY }, { "etr", SITE_LISP_SEC_ETR } };

	lisp_addr_parse("192.0.2.100", &ms_addr, NULL);
	lisp_addr_parse("192.0.2.1", &etr_addr, NULL);
	lisp_addr_parse("198.51.100.7", &itr_addr, NULL);
	log_set_level(LOG_LEVEL_ERROR);
	for (unsigned int r = 0; r < runs; r++)
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			double plain = run(modes[m].mode, false, count);
			double sec = run(modes[m].mode, true, count);

			printf("run %u %-5s plain %8.0f resolutions/s  lisp-sec %8.0f resolutions/s"
			       "  ratio %.2f\n", r + 1, modes[m].name, plain, sec, sec / plain);
		}
	return 0;
}
