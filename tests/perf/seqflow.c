/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A paced UDP flow with sequence numbers and send times, and its receiver:
 * how the mobility hand-off is measured (scripts/bench/handoff.sh,
 * tests/dataplane/test_handoff.py).  Sender and receiver run in network
 * namespaces of one host, so CLOCK_MONOTONIC is one clock for both.
 *
 *   seqflow send DST PORT RATE SECONDS   -> {"sent":N,...} on stdout
 *   seqflow recv PORT SECONDS            -> {"received":N,...} on stdout
 *
 * The receiver reports the largest interruption of the flow: the last
 * packet before it and the first after it (by arrival), the time between
 * them (the hand-off as the receiver saw it), the packets sent meanwhile
 * that never came, and one-way latency percentiles outside it.  It also
 * notes the interface each datagram came in by (IP_PKTINFO): when the
 * receiver has two links (make-before-break), the last arrival on the
 * first link and the first on another say when the path switched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD		64
#define MAX_PKTS	(2u * 1000 * 1000)	/* 200 s at 10k pps */

struct probe {
	uint64_t seq;
	uint64_t sent_ns;
	uint8_t pad[PAYLOAD - 16];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int do_send(const char *dst, int port, double rate, double seconds)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	uint64_t period = (uint64_t)(1e9 / rate), start, n = (uint64_t)(rate * seconds);
	uint64_t errors = 0, late = 0;
	struct probe p;
	int fd;

	if (inet_pton(AF_INET, dst, &a.sin_addr) != 1 || rate <= 0 || n > MAX_PKTS) {
		fprintf(stderr, "seqflow: bad destination, rate or duration\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("seqflow: socket");
		return 1;
	}
	memset(&p, 0, sizeof(p));
	start = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t due = start + i * period, t = now_ns();

		if (t < due) {
			struct timespec ts = { .tv_sec = (time_t)(due / 1000000000u),
					       .tv_nsec = (long)(due % 1000000000u) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		} else if (t - due > 10 * period) {
			late++;
		}
		p.seq = i;
		p.sent_ns = now_ns();
		/* ICMP errors (no route, unreachable) come back as errors on a
		 * connected socket: counted, and the flow goes on. */
		if (send(fd, &p, sizeof(p), 0) < 0)
			errors++;
	}
	printf("{\"sent\":%llu,\"send_errors\":%llu,\"late\":%llu,\"seconds\":%.3f}\n",
	       (unsigned long long)n, (unsigned long long)errors, (unsigned long long)late,
	       (double)(now_ns() - start) / 1e9);
	close(fd);
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int do_recv(int port, double seconds)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_ANY) };
	uint64_t *arr = calloc(MAX_PKTS, sizeof(*arr));		/* arrival ns by seq */
	uint64_t *lat = calloc(MAX_PKTS, sizeof(*lat));
	uint64_t *order = calloc(MAX_PKTS, sizeof(*order));	/* seqs by arrival */
	uint64_t received = 0, dups = 0, reordered = 0, max_seq = 0, nlat = 0;
	uint64_t end, gap = 0, gap_at = 0, lost_in_gap = 0, lost = 0;
	uint64_t lost_before = 0, lost_after = 0, gap_start = 0, gap_end = 0;
	uint64_t last_first_if_ns = 0, first_other_if_ns = 0, first_other_seq = 0;
	uint64_t on_first_if = 0, on_other_if = 0;
	int first_if = 0, on = 1;
	int fd, size = 8 << 20;

	if (!arr || !lat || !order)
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("seqflow: socket");
		return 1;
	}
	printf("{\"listening\":%d}\n", port);
	fflush(stdout);
	end = now_ns() + (uint64_t)(seconds * 1e9);
	for (;;) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		struct probe p;
		uint64_t t = now_ns();
		ssize_t r;

		if (t >= end)
			break;
		if (poll(&pf, 1, (int)((end - t) / 1000000u) + 1) <= 0)
			continue;
		{
			union {
				char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
				struct cmsghdr align;
			} cm;
			struct iovec iov = { .iov_base = &p, .iov_len = sizeof(p) };
			struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
					     .msg_control = cm.buf, .msg_controllen = sizeof(cm.buf) };
			struct cmsghdr *c;
			int ifx = 0;

			r = recvmsg(fd, &mh, 0);
			t = now_ns();
			if (r != (ssize_t)sizeof(p) || p.seq >= MAX_PKTS)
				continue;
			for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
					ifx = ((struct in_pktinfo *)(void *)CMSG_DATA(c))->ipi_ifindex;
			if (!first_if)
				first_if = ifx;
			if (ifx == first_if) {
				on_first_if++;
				last_first_if_ns = t;
			} else {
				if (!on_other_if++) {
					first_other_if_ns = t;
					first_other_seq = p.seq;
				}
			}
		}
		if (arr[p.seq]) {
			dups++;
			continue;
		}
		arr[p.seq] = t;
		if (received && p.seq < max_seq)
			reordered++;
		if (p.seq > max_seq)
			max_seq = p.seq;
		order[received++] = p.seq;
		if (t > p.sent_ns)
			lat[nlat++] = t - p.sent_ns;
	}
	/* The largest silence between two arrivals. */
	for (uint64_t i = 1; i < received; i++) {
		uint64_t d = arr[order[i]] - arr[order[i - 1]];

		if (d > gap) {
			gap = d;
			gap_at = i;
		}
	}
	if (received) {
		lost = max_seq + 1 - received;
		if (gap_at) {
			uint64_t before = order[gap_at - 1], after = order[gap_at];

			lost_in_gap = after > before ? after - before - 1 : 0;
			for (uint64_t s = before + 1; s < after; s++)
				if (arr[s])
					lost_in_gap--;	/* came late, elsewhere */
			for (uint64_t s = 0; s <= max_seq; s++) {
				if (arr[s])
					continue;
				if (s < before)
					lost_before++;
				else if (s > after)
					lost_after++;
			}
			gap_start = arr[before];
			gap_end = arr[after];
		}
	}
	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	printf("{\"received\":%llu,\"max_seq\":%llu,\"lost\":%llu,\"duplicates\":%llu,"
	       "\"reordered\":%llu,\"gap_ms\":%.3f,\"gap_after_seq\":%llu,"
	       "\"gap_before_seq\":%llu,\"lost_in_gap\":%llu,"
	       "\"lost_before_gap\":%llu,\"lost_after_gap\":%llu,"
	       "\"gap_start_ns\":%llu,\"gap_end_ns\":%llu,"
	       "\"on_first_link\":%llu,\"on_other_link\":%llu,"
	       "\"last_first_link_ns\":%llu,\"first_other_link_ns\":%llu,"
	       "\"first_other_link_seq\":%llu,"
	       "\"latency_p50_us\":%.1f,\"latency_p99_us\":%.1f,\"latency_max_us\":%.1f}\n",
	       (unsigned long long)received, (unsigned long long)max_seq,
	       (unsigned long long)lost, (unsigned long long)dups,
	       (unsigned long long)reordered, (double)gap / 1e6,
	       (unsigned long long)(gap_at ? order[gap_at - 1] : 0),
	       (unsigned long long)(gap_at ? order[gap_at] : 0),
	       (unsigned long long)lost_in_gap,
	       (unsigned long long)lost_before, (unsigned long long)lost_after,
	       (unsigned long long)gap_start, (unsigned long long)gap_end,
	       (unsigned long long)on_first_if, (unsigned long long)on_other_if,
	       (unsigned long long)last_first_if_ns, (unsigned long long)first_other_if_ns,
	       (unsigned long long)first_other_seq,
	       nlat ? (double)lat[nlat / 2] / 1e3 : 0.0,
	       nlat ? (double)lat[nlat * 99 / 100] / 1e3 : 0.0,
	       nlat ? (double)lat[nlat - 1] / 1e3 : 0.0);
	free(arr);
	free(lat);
	free(order);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]));
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return do_recv(atoi(argv[2]), atof(argv[3]));
	fprintf(stderr, "usage: seqflow send DST PORT RATE SECONDS\n"
			"       seqflow recv PORT SECONDS\n");
	return 2;
}
