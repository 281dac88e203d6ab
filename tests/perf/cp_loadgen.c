/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Load generator for the control plane (scripts/bench/cp_bench.sh):
 *
 *   cp_loadgen register MS_ADDR COUNT KEY [BASE_EID]
 *       sends COUNT authenticated Map-Registers (HMAC-SHA-256), one host EID
 *       each, counting the Map-Notify acknowledgements; keeps WINDOW in
 *       flight and reports acknowledged registrations per second.
 *   cp_loadgen refresh MS_ADDR COUNT KEY INTERVAL_S SECONDS [BASE_EID]
 *       COUNT registrations refreshed every INTERVAL_S, paced evenly (as
 *       COUNT ETRs registering at that interval would; RFC 9301 8.1 has
 *       60 s), for SECONDS; a line per second with what was sent and
 *       acknowledged (scripts/bench/ms_restart.sh reads it).
 *   cp_loadgen echo ADDR COUNT SPACE
 *       the request traffic against a UDP echo (tests/perf/udp_echo.c): the
 *       baseline that a Map-Resolver's rate is compared with.
 *   cp_loadgen request MR_ADDR COUNT SPACE [BASE_EID]
 *       sends COUNT Encapsulated Map-Requests for EIDs drawn from the first
 *       SPACE host EIDs after BASE_EID, WINDOW in flight, and reports
 *       Map-Replies per second and latency percentiles.
 *
 * Batched with sendmmsg/recvmmsg so that the generator is not the
 * bottleneck it measures.  From 127.0.0.1, or from $CP_LOADGEN_SRC (an
 * address of the generator's namespace: scripts/bench/punt.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "inet_hdr.h"
#include "lisp_msg.h"
#include "perf_msg.h"

#define BATCH	64
#define MSG_MAX	512
#define WINDOW_DEFAULT 256

static uint8_t build_scratch[MSG_MAX];	/* the message being built */

struct gen {
	int fd;
	struct sockaddr_in dst;
	struct lisp_addr local;
	uint16_t local_port;
	struct lisp_prefix base;
	uint64_t sent, received, errors;
	uint64_t *sent_at;	/* by sequence number, for latency */
	uint32_t *lat_us;
	uint64_t nlat;
};

static void gen_open(struct gen *g, const char *dst)
{
	const char *src = getenv("CP_LOADGEN_SRC") ? getenv("CP_LOADGEN_SRC") : "127.0.0.1";

	g->fd = perf_udp_open(src, 8 << 20, &g->local, &g->local_port);
	if (g->fd < 0) {
		fprintf(stderr, "bad CP_LOADGEN_SRC\n");
		exit(2);
	}
	g->dst.sin_family = AF_INET;
	g->dst.sin_port = htons(LISP_CONTROL_PORT);
	if (inet_pton(AF_INET, dst, &g->dst.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", dst);
		exit(2);
	}
}

static size_t build_register(struct gen *g, uint64_t seq, const char *key, uint8_t *buf)
{
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	struct lisp_prefix p;
	ssize_t n;

	memset(xtr_id, 0xbe, sizeof(xtr_id));
	perf_eid_host(&g->base, seq, &p);
	n = perf_map_register(&p, &g->local, seq + 1, xtr_id, key, buf, MSG_MAX);
	if (n < 0) {
		fprintf(stderr, "cannot build Map-Register\n");
		exit(1);
	}
	return (size_t)n;
}

/* A Map-Register for host EID index eid with nonce seq + 1 (refresh). */
static size_t build_register_eid(struct gen *g, uint64_t seq, uint64_t eid, const char *key)
{
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	struct lisp_prefix p;
	ssize_t n;

	memset(xtr_id, 0xbe, sizeof(xtr_id));
	perf_eid_host(&g->base, eid, &p);
	n = perf_map_register(&p, &g->local, seq + 1, xtr_id, key, build_scratch, MSG_MAX);
	if (n < 0) {
		fprintf(stderr, "cannot build Map-Register\n");
		exit(1);
	}
	return (size_t)n;
}

static size_t build_request(struct gen *g, uint64_t seq, uint64_t space, uint8_t *buf)
{
	struct lisp_prefix p;
	ssize_t n;

	/* A multiplicative walk: every EID of the space, none twice in a row. */
	perf_eid_host(&g->base, (seq * 2654435761u) % space, &p);
	n = perf_ecm_map_request(&p, &g->local, g->local_port, seq, buf, MSG_MAX);
	if (n < 0) {
		fprintf(stderr, "cannot build ECM\n");
		exit(1);
	}
	return (size_t)n;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Returns the nonce of a reply we expect (Map-Notify or Map-Reply). */
static int reply_nonce(const uint8_t *p, size_t len, uint8_t type, uint64_t *nonce)
{
	if (len < 12 || (type && p[0] >> 4 != type))
		return -1;
	if (p[0] >> 4 == LISP_ECM) {
		/* An echoed ECM: the nonce of the Map-Request inside. */
		if (len < 4 + IPV4_HDR_LEN + UDP_HDR_LEN + 12)
			return -1;
		p += 4 + IPV4_HDR_LEN + UDP_HDR_LEN;
	}
	*nonce = 0;
	for (int i = 4; i < 12; i++)
		*nonce = *nonce << 8 | p[i];
	return 0;
}

static void run(struct gen *g, uint64_t count, unsigned int window, uint8_t reply_type,
		size_t (*build)(struct gen *, uint64_t, void *), void *arg)
{
	static uint8_t txbuf[BATCH][MSG_MAX], rxbuf[BATCH][MSG_MAX];
	struct mmsghdr tx[BATCH], rx[BATCH];
	struct iovec txv[BATCH], rxv[BATCH];
	uint64_t start = perf_now_ns(), last_progress = start;

	for (int i = 0; i < BATCH; i++) {
		rxv[i] = (struct iovec){ rxbuf[i], MSG_MAX };
		rx[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &rxv[i], .msg_iovlen = 1 } };
	}
	while (g->received < count) {
		unsigned int n = 0;
		int got;

		while (n < BATCH && g->sent < count && g->sent - g->received < window) {
			size_t len = build(g, g->sent, arg);

			memcpy(txbuf[n], build_scratch, len);
			txv[n] = (struct iovec){ txbuf[n], len };
			tx[n] = (struct mmsghdr){ .msg_hdr = { .msg_name = &g->dst,
							       .msg_namelen = sizeof(g->dst),
							       .msg_iov = &txv[n], .msg_iovlen = 1 } };
			g->sent_at[g->sent % (count ? count : 1)] = perf_now_ns();
			g->sent++;
			n++;
		}
		if (n && sendmmsg(g->fd, tx, n, 0) < 0 && errno != EAGAIN)
			perf_die("sendmmsg");
		got = recvmmsg(g->fd, rx, BATCH, MSG_DONTWAIT, NULL);
		if (got < 0 && errno != EAGAIN)
			perf_die("recvmmsg");
		for (int i = 0; i < got; i++) {
			uint64_t nonce;

			if (reply_nonce(rxbuf[i], rx[i].msg_len, reply_type, &nonce) < 0) {
				g->errors++;
				continue;
			}
			if (reply_type == LISP_MAP_NOTIFY)
				nonce -= 1;	/* registers used seq + 1 */
			if (nonce < count && g->nlat < count)
				g->lat_us[g->nlat++] =
					(uint32_t)((perf_now_ns() - g->sent_at[nonce]) / 1000);
			g->received++;
		}
		if (got > 0)
			last_progress = perf_now_ns();
		else if (perf_now_ns() - last_progress > 2000000000ull)
			break;	/* 2 s without an answer: the rest is lost */
		if (got <= 0 && g->sent - g->received >= window) {
			struct pollfd pfd = { g->fd, POLLIN, 0 };

			poll(&pfd, 1, 10);
		}
	}
	{
		double secs = (double)(perf_now_ns() - start) / 1e9;

		qsort(g->lat_us, g->nlat, sizeof(*g->lat_us), cmp_u32);
		printf("sent %llu answered %llu lost %llu errors %llu in %.3f s: %.0f per second; "
		       "latency us p50 %u p99 %u\n",
		       (unsigned long long)g->sent, (unsigned long long)g->received,
		       (unsigned long long)(g->sent - g->received), (unsigned long long)g->errors,
		       secs, (double)g->received / secs, g->nlat ? g->lat_us[g->nlat / 2] : 0,
		       g->nlat ? g->lat_us[g->nlat * 99 / 100] : 0);
	}
}


/* The refresh mode: paced, never waiting for answers (a restarted
 * Map-Server answers nothing until it is back); the Map-Notifies are only
 * counted.  The nonce is the sequence number + 1: one registrant (one
 * xTR-ID) whose nonces only grow, as RFC 9301 asks of an ETR. */
static void refresh(struct gen *g, uint64_t count, const char *key, double interval_s,
		    double seconds)
{
	static uint8_t txbuf[BATCH][MSG_MAX], rxbuf[BATCH][MSG_MAX];
	struct mmsghdr tx[BATCH], rx[BATCH];
	struct iovec txv[BATCH], rxv[BATCH];
	uint64_t start = perf_now_ns(), next_report = start + 1000000000ull;
	uint64_t acked = 0, acked_last = 0, sent_last = 0;
	double per_ns = (double)count / (interval_s * 1e9);

	for (int i = 0; i < BATCH; i++) {
		rxv[i] = (struct iovec){ rxbuf[i], MSG_MAX };
		rx[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &rxv[i], .msg_iovlen = 1 } };
	}
	for (;;) {
		uint64_t now = perf_now_ns();
		uint64_t due = (uint64_t)((double)(now - start) * per_ns);
		unsigned int n = 0;
		int got;

		if ((double)(now - start) >= seconds * 1e9)
			break;
		while (n < BATCH && g->sent < due) {
			/* EID by sequence modulo COUNT: each refreshed once an interval. */
			size_t len = build_register_eid(g, g->sent, g->sent % count, key);

			memcpy(txbuf[n], build_scratch, len);
			txv[n] = (struct iovec){ txbuf[n], len };
			tx[n] = (struct mmsghdr){ .msg_hdr = { .msg_name = &g->dst,
							       .msg_namelen = sizeof(g->dst),
							       .msg_iov = &txv[n], .msg_iovlen = 1 } };
			g->sent++;
			n++;
		}
		if (n && sendmmsg(g->fd, tx, n, 0) < 0 && errno != EAGAIN && errno != ECONNREFUSED)
			perf_die("sendmmsg");
		got = recvmmsg(g->fd, rx, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < got; i++)
			acked += rx[i].msg_len >= 12 && rxbuf[i][0] >> 4 == LISP_MAP_NOTIFY;
		if (now >= next_report) {
			printf("t %.0f sent %llu acked %llu\n", (double)(now - start) / 1e9,
			       (unsigned long long)(g->sent - sent_last),
			       (unsigned long long)(acked - acked_last));
			fflush(stdout);
			sent_last = g->sent;
			acked_last = acked;
			next_report += 1000000000ull;
		}
		if (got <= 0 && n == 0) {
			struct pollfd pfd = { g->fd, POLLIN, 0 };

			poll(&pfd, 1, 1);
		}
	}
	g->received = acked;
}

/* cp_loadgen refresh MS COUNT KEY INTERVAL_S SECONDS [BASE] */
static int refresh_main(struct gen *g, int argc, char **argv, uint64_t count)
{
	double interval_s, seconds;

	if (argc < 7 || !count || (interval_s = atof(argv[5])) <= 0 ||
	    (seconds = atof(argv[6])) <= 0) {
		fprintf(stderr, "usage: cp_loadgen refresh MS COUNT KEY INTERVAL_S SECONDS [BASE]\n");
		return 2;
	}
	if (lisp_prefix_parse(argc > 7 ? argv[7] : "[1000]10.0.0.0/32", &g->base, NULL) < 0 ||
	    g->base.addr.afi != LISP_AFI_IPV4) {
		fprintf(stderr, "BASE must be an IPv4 EID like [1000]10.0.0.0/32\n");
		return 2;
	}
	gen_open(g, argv[2]);
	refresh(g, count, argv[4], interval_s, seconds);
	return 0;
}

static size_t build_reg_cb(struct gen *g, uint64_t seq, void *arg)
{
	return build_register(g, seq, arg, build_scratch);
}

static size_t build_req_cb(struct gen *g, uint64_t seq, void *arg)
{
	return build_request(g, seq, *(uint64_t *)arg, build_scratch);
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	unsigned int window = getenv("WINDOW") ? (unsigned int)atoi(getenv("WINDOW"))
					       : WINDOW_DEFAULT;
	uint64_t count;

	if (argc < 5) {
		fprintf(stderr, "usage: cp_loadgen register MS COUNT KEY [BASE]\n"
				"       cp_loadgen refresh MS COUNT KEY INTERVAL_S SECONDS [BASE]\n"
				"       cp_loadgen request MR COUNT SPACE [BASE]\n");
		return 2;
	}
	count = strtoull(argv[3], NULL, 10);
	if (strcmp(argv[1], "refresh") == 0)
		return refresh_main(&g, argc, argv, count);
	if (lisp_prefix_parse(argc > 5 ? argv[5] : "[1000]10.0.0.0/32", &g.base, NULL) < 0 ||
	    g.base.addr.afi != LISP_AFI_IPV4) {
		fprintf(stderr, "BASE must be an IPv4 EID like [1000]10.0.0.0/32\n");
		return 2;
	}
	gen_open(&g, argv[2]);
	g.sent_at = calloc(count ? count : 1, sizeof(*g.sent_at));
	g.lat_us = calloc(count ? count : 1, sizeof(*g.lat_us));
	if (!g.sent_at || !g.lat_us)
		perf_die("calloc");
	if (strcmp(argv[1], "register") == 0) {
		run(&g, count, window, LISP_MAP_NOTIFY, build_reg_cb, argv[4]);
	} else if (strcmp(argv[1], "echo") == 0) {
		uint64_t space = strtoull(argv[4], NULL, 10);

		g.dst.sin_port = htons(getenv("PORT") ? (uint16_t)atoi(getenv("PORT"))
						      : LISP_CONTROL_PORT);
		run(&g, count, window, 0, build_req_cb, &space);
	} else if (strcmp(argv[1], "request") == 0) {
		uint64_t space = strtoull(argv[4], NULL, 10);

		run(&g, count, window, LISP_MAP_REPLY, build_req_cb, &space);
	} else {
		fprintf(stderr, "unknown mode %s\n", argv[1]);
		return 2;
	}
	return g.received == count ? 0 : 1;
}
