/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flood generator of scripts/bench/flood.sh (docs/BENCHMARKS.md, "Flood"):
 * unauthenticated control traffic from many spoofed IPv4 sources, sent
 * through a raw socket (IPPROTO_RAW: we write the IP header) in batches of
 * sendmmsg, paced to a target rate.
 *
 *   flood_gen [options] DST
 *     --rate PPS        packets a second, 0 = as fast as it goes (100000)
 *     --seconds S       how long (10)
 *     --src A.B.C.D     first spoofed source (198.18.0.0, RFC 2544's range)
 *     --sources N       distinct sources, 1..131072 (65536)
 *     --mix J,R,E,G     weights of junk, Map-Request, ECM Map-Request and
 *                       bad-HMAC Map-Register (1,1,1,1)
 *     --eids N          host EIDs [IID]BASE+0..N-1 that the legitimate ETR
 *                       registers: half the requests ask for one of them,
 *                       half for an unregistered EID of the same site (1000)
 *     --eid-base P      ([1000]10.0.0.0/32)
 *
 * Every packet is built once, before the clock starts: a pool of one
 * packet per source (kinds interleaved by weight), sent round and round.
 * Prints one line: what was sent, by kind, and the rate reached.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "inet_hdr.h"
#include "lisp_msg.h"
#include "perf_msg.h"

#define BATCH		64
#define PKT_MAX		256
#define SOURCES_MAX	131072	/* 198.18.0.0/15 */
#define UNREGISTERED	0x00800000u	/* EID offset of the unregistered half */

enum kind { K_JUNK, K_REQUEST, K_ECM, K_REGISTER, K_COUNT };
static const char *const kind_name[K_COUNT] = { "junk", "map-request", "ecm-map-request",
						"map-register-bad-hmac" };

struct pkt {
	uint16_t len;
	uint8_t kind;
	uint8_t data[PKT_MAX];
};

struct flood {
	struct lisp_addr dst;
	uint32_t src0;		/* host order */
	unsigned int sources;
	unsigned int weight[K_COUNT];
	uint32_t eids;
	struct lisp_prefix base;
	double rate;
	double seconds;
	struct pkt *pool;
	uint64_t sent[K_COUNT], bytes, errors;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64*: the same pool every run. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void usage(void)
{
	fprintf(stderr, "usage: flood_gen [--rate PPS] [--seconds S] [--src A.B.C.D] "
			"[--sources N] [--mix J,R,E,G] [--eids N] [--eid-base P] DST\n");
	exit(2);
}

static void addr_v4(struct lisp_addr *a, uint32_t host_order)
{
	uint32_t be = htonl(host_order);

	lisp_addr_set_v4(a, &be);
}

/* A host EID: a registered one (i < eids) or one of the unregistered half. */
static void eid_pick(const struct flood *f, struct lisp_prefix *p)
{
	perf_eid_host(&f->base, (rng() & 1) ? UNREGISTERED + rng() % 65536 : rng() % f->eids, p);
}

/* Random bytes; half of them start with type 0 (Reserved, RFC 9301 5.1). */
static size_t build_junk(uint8_t *buf)
{
	size_t len = 8 + (size_t)(rng() % 120);

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)rng();
	if (rng() & 1)
		buf[0] &= 0x0f;
	return len;
}

/* A plain Map-Request, or one inside an ECM, of an ITR at the spoofed
 * source: the reply goes there (its ITR-RLOC). */
static ssize_t build_request(const struct flood *f, const struct lisp_addr *src, int ecm,
			     uint8_t *buf, size_t cap)
{
	struct lisp_prefix p;

	eid_pick(f, &p);
	if (!ecm)
		return perf_map_request(&p, src, rng(), buf, cap);
	return perf_ecm_map_request(&p, src, (uint16_t)(1024 + rng() % 60000), rng(), buf, cap);
}

/* A Map-Register for an EID of the site, signed with a key that is not the
 * site's: it costs the Map-Server a lookup and an HMAC, then is refused. */
static ssize_t build_register(const struct flood *f, const struct lisp_addr *src, uint8_t *buf,
			      size_t cap)
{
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	struct lisp_prefix p;

	for (int i = 0; i < LISP_XTR_ID_LEN; i++)
		xtr_id[i] = (uint8_t)rng();
	eid_pick(f, &p);
	return perf_map_register(&p, src, rng(), xtr_id, "not-the-site-key", buf, cap);
}

/* Kinds in proportion to the weights, interleaved: i-th of a cycle. */
static enum kind kind_at(const struct flood *f, unsigned int i)
{
	unsigned int total = 0, k;

	for (k = 0; k < K_COUNT; k++)
		total += f->weight[k];
	i %= total;
	for (k = 0; k < K_COUNT; k++) {
		if (i < f->weight[k])
			return (enum kind)k;
		i -= f->weight[k];
	}
	return K_JUNK;
}

static void pool_build(struct flood *f)
{
	f->pool = calloc(f->sources, sizeof(*f->pool));
	if (!f->pool)
		perf_die("calloc");
	for (unsigned int i = 0; i < f->sources; i++) {
		struct inet_udp h = { .ip_version = 4, .ttl = 64, .dst = f->dst,
				      .sport = (uint16_t)(1024 + rng() % 60000),
				      .dport = LISP_CONTROL_PORT };
		struct pkt *p = &f->pool[i];
		uint8_t payload[PKT_MAX];
		ssize_t n;

		addr_v4(&h.src, f->src0 + i);
		p->kind = (uint8_t)kind_at(f, i);
		switch (p->kind) {
		case K_JUNK:
			n = (ssize_t)build_junk(payload);
			break;
		case K_REQUEST:
		case K_ECM:
			n = build_request(f, &h.src, p->kind == K_ECM, payload, sizeof(payload));
			break;
		default:
			n = build_register(f, &h.src, payload, sizeof(payload));
			break;
		}
		if (n >= 0)
			n = inet_udp_encode(&h, payload, (size_t)n, p->data, sizeof(p->data), NULL);
		if (n < 0) {
			fprintf(stderr, "cannot build a %s\n", kind_name[p->kind]);
			exit(1);
		}
		p->len = (uint16_t)n;
	}
}

static void flood_send(struct flood *f)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	uint64_t start, end, total = 0;
	unsigned int next = 0;
	int buf = 4 << 20, fd;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);	/* IP_HDRINCL implied */
	if (fd < 0)
		perf_die("raw socket (root?)");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	memcpy(&to.sin_addr, f->dst.v4, 4);
	start = perf_now_ns();
	end = start + (uint64_t)(f->seconds * 1e9);
	for (uint64_t t = start; t < end; t = perf_now_ns()) {
		uint64_t due = f->rate > 0 ? start + (uint64_t)((double)total * 1e9 / f->rate) : t;
		int n;

		if (due > t) {
			struct timespec ts = { .tv_sec = (time_t)(due / 1000000000ull),
					       .tv_nsec = (long)(due % 1000000000ull) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		for (int i = 0; i < BATCH; i++) {
			struct pkt *p = &f->pool[(next + (unsigned int)i) % f->sources];

			iov[i] = (struct iovec){ p->data, p->len };
			msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &to,
								.msg_namelen = sizeof(to),
								.msg_iov = &iov[i],
								.msg_iovlen = 1 } };
		}
		n = sendmmsg(fd, msg, BATCH, 0);
		if (n < 0) {
			if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
				perf_die("sendmmsg");
			f->errors++;
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct pkt *p = &f->pool[(next + (unsigned int)i) % f->sources];

			f->sent[p->kind]++;
			f->bytes += p->len;
		}
		next = (next + (unsigned int)n) % f->sources;
		total += (uint64_t)n;
	}
	{
		double secs = (double)(perf_now_ns() - start) / 1e9;

		printf("flood sent %llu packets %llu bytes in %.2f s: %.0f per second from %u sources;",
		       (unsigned long long)total, (unsigned long long)f->bytes, secs,
		       (double)total / secs, f->sources);
		for (int k = 0; k < K_COUNT; k++)
			printf(" %s %llu", kind_name[k], (unsigned long long)f->sent[k]);
		printf("; send errors %llu\n", (unsigned long long)f->errors);
	}
	close(fd);
}

static void parse_mix(struct flood *f, const char *s)
{
	if (sscanf(s, "%u,%u,%u,%u", &f->weight[K_JUNK], &f->weight[K_REQUEST], &f->weight[K_ECM],
		   &f->weight[K_REGISTER]) != 4 ||
	    f->weight[0] + f->weight[1] + f->weight[2] + f->weight[3] == 0)
		usage();
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "src", required_argument, NULL, 'a' },
		{ "sources", required_argument, NULL, 'n' },
		{ "mix", required_argument, NULL, 'm' },
		{ "eids", required_argument, NULL, 'e' },
		{ "eid-base", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct flood f = { .rate = 100000, .seconds = 10, .sources = 65536, .eids = 1000,
			   .weight = { 1, 1, 1, 1 } };
	const char *base = "[1000]10.0.0.0/32", *src = "198.18.0.0";
	struct in_addr a;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': f.rate = atof(optarg); break;
		case 's': f.seconds = atof(optarg); break;
		case 'a': src = optarg; break;
		case 'n': f.sources = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'm': parse_mix(&f, optarg); break;
		case 'e': f.eids = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'b': base = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || f.sources < 1 || f.sources > SOURCES_MAX || f.eids < 1 ||
	    f.rate < 0 || f.seconds <= 0)
		usage();
	if (inet_pton(AF_INET, argv[optind], &a) != 1)
		usage();
	lisp_addr_set_v4(&f.dst, &a);
	if (inet_pton(AF_INET, src, &a) != 1)
		usage();
	f.src0 = ntohl(a.s_addr);
	if (lisp_prefix_parse(base, &f.base, NULL) < 0 || f.base.addr.afi != LISP_AFI_IPV4)
		usage();
	pool_build(&f);
	flood_send(&f);
	free(f.pool);
	return 0;
}
