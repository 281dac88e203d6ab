/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The legitimate work of scripts/bench/flood.sh (docs/BENCHMARKS.md,
 * "Flood"), timed while a flood runs or not:
 *
 *   flood_probe [options] MS_ADDR
 *     --src A.B.C.D      our address (the ETR's RLOC and the ITR's)
 *     --key KEY          the site's key (HMAC-SHA-256-128)
 *     --eids N           host EIDs BASE+0..N-1 registered and resolved (1000)
 *     --eid-base P       ([1000]10.0.0.0/32)
 *     --seconds S        how long both streams run (10)
 *     --warmup           first register every EID once (64 in flight)
 *     --reg-rate R, --reg-window W    the ETR: Map-Registers with
 *                        want-map-notify, R a second (0: as many as the
 *                        window allows) and at most W unanswered (1000)
 *     --req-rate R, --req-window W    the ITR: ECM Map-Requests for the
 *                        registered EIDs (80: under the Map-Resolver's
 *                        default 100 a second per source)
 *     --timeout-ms T     an unanswered message counts as lost after T (1000)
 *     --other-itr A.B.C.D  a second ITR, the same requests at the same rate
 *                        from an address that registers nothing (stream
 *                        itr-unverified: the Map-Resolver cannot tell it
 *                        from a spoofed source)
 *
 * Each stream keeps up to W messages in flight, each with its own nonce;
 * its answer (Map-Notify, Map-Reply) is matched by nonce and timed.  W
 * defaults to a timeout's worth of the rate (at least 8), so that the rate
 * offered holds while messages are lost; with rate 0 the window alone
 * paces the stream (a closed loop).  Prints
 * one line per stream: sent, answered, lost, answered per second, latency
 * p50 / p99 in microseconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lisp_msg.h"
#include "perf_msg.h"

#define MSG_MAX		512
#define BATCH		32
#define WINDOW_MAX	4096
#define STREAMS_MAX	3

struct slot {
	uint64_t nonce;
	uint64_t sent_ns;
	int busy;
};

struct stream {
	const char *name;
	uint8_t reply_type;
	int fd;
	struct lisp_addr local;
	uint16_t local_port;
	double rate;
	unsigned int window, inflight;
	uint64_t next_nonce, seq, sent, answered, lost, stray;
	uint64_t start_ns, limit;	/* limit: stop after this many sent (0: by time) */
	struct slot slot[WINDOW_MAX];
	uint32_t *lat_us;
	size_t nlat, cap;
};

struct probe {
	struct sockaddr_in ms;
	struct lisp_prefix base;
	const char *key;
	uint32_t eids;
	uint64_t timeout_ns;
};

static void usage(void)
{
	fprintf(stderr, "usage: flood_probe --src A --key K [--eids N] [--eid-base P] "
			"[--seconds S] [--warmup] [--reg-rate R] [--reg-window W] [--req-rate R] "
			"[--req-window W] [--timeout-ms T] [--other-itr A] MS_ADDR\n");
	exit(2);
}

static void stream_open(struct stream *s, const char *src)
{
	s->fd = perf_udp_open(src, 1 << 20, &s->local, &s->local_port);
	if (s->fd < 0)
		usage();
	/* Nonces above any earlier run's, for map-server.nonce-policy increasing. */
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		s->next_nonce = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
}

static ssize_t build_register(const struct probe *pr, const struct stream *s, uint64_t nonce,
			      uint8_t *buf)
{
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	struct lisp_prefix p;

	memset(xtr_id, 0x5e, sizeof(xtr_id));
	perf_eid_host(&pr->base, s->seq % pr->eids, &p);
	return perf_map_register(&p, &s->local, nonce, xtr_id, pr->key, buf, MSG_MAX);
}

static ssize_t build_request(const struct probe *pr, const struct stream *s, uint64_t nonce,
			     uint8_t *buf)
{
	struct lisp_prefix p;

	/* A multiplicative walk over the registered EIDs (as cp_loadgen's). */
	perf_eid_host(&pr->base, (s->seq * 2654435761u) % pr->eids, &p);
	return perf_ecm_map_request(&p, &s->local, s->local_port, nonce, buf, MSG_MAX);
}

static void lat_add(struct stream *s, uint64_t ns)
{
	if (s->nlat == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->lat_us = realloc(s->lat_us, s->cap * sizeof(*s->lat_us));
		if (!s->lat_us)
			perf_die("realloc");
	}
	s->lat_us[s->nlat++] = (uint32_t)(ns / 1000);
}

/* Sends what the window and the rate allow now. */
static void stream_send(const struct probe *pr, struct stream *s, uint64_t now)
{
	while (s->inflight < s->window && (!s->limit || s->sent < s->limit)) {
		uint8_t buf[MSG_MAX];
		uint64_t nonce = s->next_nonce;
		ssize_t n;
		unsigned int i;

		if (s->rate > 0 && now < s->start_ns + (uint64_t)((double)s->sent * 1e9 / s->rate))
			return;
		n = s->reply_type == LISP_MAP_NOTIFY ? build_register(pr, s, nonce, buf)
						     : build_request(pr, s, nonce, buf);
		if (n < 0) {
			fprintf(stderr, "%s: cannot build a message\n", s->name);
			exit(1);
		}
		if (sendto(s->fd, buf, (size_t)n, 0, (const struct sockaddr *)&pr->ms,
			   sizeof(pr->ms)) < 0) {
			if (errno == EAGAIN || errno == ENOBUFS)
				return;
			perf_die("sendto");
		}
		for (i = 0; s->slot[i].busy; i++)
			;
		s->slot[i] = (struct slot){ nonce, now, 1 };
		s->inflight++;
		s->next_nonce++;
		s->seq++;
		s->sent++;
	}
}

static uint64_t reply_nonce(const uint8_t *p)
{
	uint64_t nonce = 0;

	for (int i = 4; i < 12; i++)
		nonce = nonce << 8 | p[i];
	return nonce;
}

static void stream_receive(struct stream *s)
{
	static uint8_t rxbuf[BATCH][MSG_MAX];
	struct mmsghdr rx[BATCH];
	struct iovec rxv[BATCH];
	int got;

	for (int i = 0; i < BATCH; i++) {
		rxv[i] = (struct iovec){ rxbuf[i], MSG_MAX };
		rx[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &rxv[i], .msg_iovlen = 1 } };
	}
	got = recvmmsg(s->fd, rx, BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < got; i++) {
		uint64_t nonce, now = perf_now_ns();
		unsigned int j;

		if (rx[i].msg_len < 12 || rxbuf[i][0] >> 4 != s->reply_type) {
			s->stray++;
			continue;
		}
		nonce = reply_nonce(rxbuf[i]);
		for (j = 0; j < s->window; j++)
			if (s->slot[j].busy && s->slot[j].nonce == nonce)
				break;
		if (j == s->window) {
			s->stray++;	/* late (already counted lost) or not ours */
			continue;
		}
		lat_add(s, now - s->slot[j].sent_ns);
		s->slot[j].busy = 0;
		s->inflight--;
		s->answered++;
	}
}

static void stream_expire(const struct probe *pr, struct stream *s, uint64_t now)
{
	for (unsigned int j = 0; j < s->window; j++) {
		if (s->slot[j].busy && now - s->slot[j].sent_ns >= pr->timeout_ns) {
			s->slot[j].busy = 0;
			s->inflight--;
			s->lost++;
		}
	}
}

/* Runs the streams until end_ns (then waits out what is in flight). */
static void run(const struct probe *pr, struct stream **ss, int ns, uint64_t end_ns)
{
	uint64_t now = perf_now_ns();

	if (ns > STREAMS_MAX)
		abort();
	for (int i = 0; i < ns; i++)
		ss[i]->start_ns = now;
	for (;;) {
		struct pollfd pfd[STREAMS_MAX];
		int busy = 0;

		now = perf_now_ns();
		for (int i = 0; i < ns; i++) {
			stream_expire(pr, ss[i], now);
			if (now < end_ns)
				stream_send(pr, ss[i], now);
			busy |= ss[i]->inflight > 0 || (ss[i]->limit && ss[i]->sent < ss[i]->limit);
			pfd[i] = (struct pollfd){ ss[i]->fd, POLLIN, 0 };
		}
		if (!busy && (now >= end_ns || ss[0]->limit))
			return;
		if (now >= end_ns + pr->timeout_ns)
			return;
		if (poll(pfd, (nfds_t)ns, 1) > 0)
			for (int i = 0; i < ns; i++)
				if (pfd[i].revents & POLLIN)
					stream_receive(ss[i]);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void report(struct stream *s, double secs)
{
	qsort(s->lat_us, s->nlat, sizeof(*s->lat_us), cmp_u32);
	printf("%s sent %llu answered %llu lost %llu stray %llu in %.2f s: %.1f per second; "
	       "latency us p50 %u p99 %u\n",
	       s->name, (unsigned long long)s->sent, (unsigned long long)s->answered,
	       (unsigned long long)s->lost, (unsigned long long)s->stray, secs,
	       (double)s->answered / secs, s->nlat ? s->lat_us[s->nlat / 2] : 0,
	       s->nlat ? s->lat_us[s->nlat * 99 / 100] : 0);
}

/* A timeout's worth of the rate, at least 8, unless given. */
static void window_default(const struct probe *pr, struct stream *s)
{
	double w = s->rate * (double)pr->timeout_ns / 1e9;

	if (!s->window)
		s->window = w < 8 ? 8 : w > WINDOW_MAX ? WINDOW_MAX : (unsigned int)w;
}

static void warmup(const struct probe *pr, struct stream *etr)
{
	struct stream w = *etr;
	uint64_t t0 = perf_now_ns();

	w.name = "warmup";
	w.rate = 0;
	w.window = 64;
	w.limit = pr->eids;
	w.lat_us = NULL;
	w.cap = w.nlat = 0;
	run(pr, (struct stream *[]){ &w }, 1, t0 + 10000000000ull);
	report(&w, (double)(perf_now_ns() - t0) / 1e9);
	etr->next_nonce = w.next_nonce;	/* every nonce once */
	free(w.lat_us);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "src", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "eids", required_argument, NULL, 'e' },
		{ "eid-base", required_argument, NULL, 'b' },
		{ "seconds", required_argument, NULL, 's' },
		{ "warmup", no_argument, NULL, 'w' },
		{ "reg-rate", required_argument, NULL, 'R' },
		{ "reg-window", required_argument, NULL, 'W' },
		{ "req-rate", required_argument, NULL, 'q' },
		{ "req-window", required_argument, NULL, 'Q' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "other-itr", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe pr = { .ms = { .sin_family = AF_INET, .sin_port = htons(LISP_CONTROL_PORT) },
			    .eids = 1000, .timeout_ns = 1000000000ull };
	struct stream etr = { .name = "etr-registrations", .reply_type = LISP_MAP_NOTIFY,
			      .rate = 1000 };
	struct stream itr = { .name = "itr-resolutions", .reply_type = LISP_MAP_REPLY,
			      .rate = 80 };
	struct stream other = { .name = "itr-unverified", .reply_type = LISP_MAP_REPLY };
	const char *src = NULL, *other_src = NULL, *base = "[1000]10.0.0.0/32";
	double seconds = 10;
	int c, do_warmup = 0;
	uint64_t t0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': src = optarg; break;
		case 'k': pr.key = optarg; break;
		case 'e': pr.eids = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'b': base = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'w': do_warmup = 1; break;
		case 'R': etr.rate = atof(optarg); break;
		case 'W': etr.window = (unsigned int)atoi(optarg); break;
		case 'q': itr.rate = atof(optarg); break;
		case 'Q': itr.window = (unsigned int)atoi(optarg); break;
		case 't': pr.timeout_ns = strtoull(optarg, NULL, 10) * 1000000ull; break;
		case 'o': other_src = optarg; break;
		default: usage();
		}
	}
	window_default(&pr, &etr);
	window_default(&pr, &itr);
	other.rate = itr.rate;
	other.window = itr.window;
	if (optind != argc - 1 || !src || !pr.key || pr.eids < 1 || seconds <= 0 ||
	    etr.window < 1 || etr.window > WINDOW_MAX || itr.window < 1 ||
	    itr.window > WINDOW_MAX || inet_pton(AF_INET, argv[optind], &pr.ms.sin_addr) != 1)
		usage();
	if (lisp_prefix_parse(base, &pr.base, NULL) < 0 || pr.base.addr.afi != LISP_AFI_IPV4)
		usage();
	stream_open(&etr, src);
	stream_open(&itr, src);
	if (other_src)
		stream_open(&other, other_src);
	if (do_warmup)
		warmup(&pr, &etr);
	t0 = perf_now_ns();
	run(&pr, (struct stream *[]){ &etr, &itr, &other }, other_src ? 3 : 2,
	    t0 + (uint64_t)(seconds * 1e9));
	report(&etr, seconds);
	report(&itr, seconds);
	if (other_src)
		report(&other, seconds);
	fflush(stdout);
	return 0;
}
