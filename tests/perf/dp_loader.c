/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_loader SOCKET ENTRIES [IID]: fills a running lispgw-dp's map-cache
 * over the control-plane channel (docs/dataplane-channel.md) with ENTRIES
 * static IPv4 /24 mappings, the same ones scripts/bench/dp_gen.py writes
 * as YAML (10.0.0.0/24, 10.0.1.0/24, ..., on into 11/8, 12/8, ...; RLOC
 * 192.0.2.(2 + (b * 256 + c) % 200)).  For tables too big for a YAML
 * config (lispgw-dp reads at most 16 MiB of it: ~200k mappings).
 *
 * Prints "loaded N mappings in S s" once the data plane has consumed every
 * record (the CP->DP ring is empty), then stays attached (the data plane
 * keeps the entries of a session that goes away only for a while) until
 * SIGINT/SIGTERM.  A benchmark tool, not a control plane: it ignores what
 * the data plane sends back.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_channel.h"
#include "dp_msg.h"

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct dp_channel_hello h;
	struct dp_channel_map map;
	struct dp_msg_map m;
	int sock, memfd = -1, evfd = -1, rc;
	unsigned long n, iid;
	double t0, t1;

	if (argc < 3) {
		fprintf(stderr, "usage: dp_loader SOCKET ENTRIES [IID]\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	iid = argc > 3 ? strtoul(argv[3], NULL, 10) : 100;
	if (n > (1ul << 20)) {
		fprintf(stderr, "dp_loader: ENTRIES at most 1048576\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = now();
	sock = dp_channel_connect(argv[1]);
	if (sock < 0) {
		fprintf(stderr, "dp_loader: connect %s: %s\n", argv[1], strerror(-sock));
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = sock, .events = POLLIN };

		rc = dp_channel_hello_recv(sock, &h, &memfd, &evfd);
		if (rc != -EAGAIN)
			break;
		poll(&p, 1, 1000);
	}
	if (rc < 0 || h.status != 0 || memfd < 0) {
		fprintf(stderr, "dp_loader: hello: %s\n", strerror(rc < 0 ? -rc : -h.status));
		return 1;
	}
	rc = dp_channel_region_attach(memfd, &map);
	if (rc < 0) {
		fprintf(stderr, "dp_loader: attach: %s\n", strerror(-rc));
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		unsigned int a = 10 + (unsigned int)(i >> 16), b = (i >> 8) & 0xff, c = i & 0xff;

		memset(&m, 0, DP_MSG_MAP_HDR_LEN + sizeof(m.rlocs[0]));
		m.key.iid = (uint32_t)iid;
		m.key.afi = DP_MSG_AFI_IPV4;
		m.key.plen = 24;
		m.key.table = DP_MSG_TABLE_MAPCACHE;
		m.key.addr[0] = (uint8_t)a;
		m.key.addr[1] = (uint8_t)b;
		m.key.addr[2] = (uint8_t)c;
		m.ttl_s = 86400;
		m.flags = DP_MSG_MAP_F_STATIC;
		m.encap = DP_MSG_ENCAP_DEFAULT;
		m.rloc_count = 1;
		m.rlocs[0].afi = DP_MSG_AFI_IPV4;
		m.rlocs[0].addr[0] = 192;
		m.rlocs[0].addr[1] = 0;
		m.rlocs[0].addr[2] = 2;
		m.rlocs[0].addr[3] = (uint8_t)(2 + (b * 256 + c) % 200);
		m.rlocs[0].priority = 1;
		m.rlocs[0].weight = 100;
		m.rlocs[0].flags = DP_MSG_LOC_F_UP;
		while ((rc = dp_channel_ring_enqueue(&map.tx, DP_MSG_MAP_UPSERT, &m,
						     DP_MSG_MAP_HDR_LEN + sizeof(m.rlocs[0]))) ==
		       -ENOBUFS) {
			if (dp_channel_ring_producer_wake_check(&map.tx) && evfd >= 0)
				dp_channel_eventfd_signal(evfd);
			usleep(200);
			if (quit)
				return 1;
		}
		if (rc < 0) {
			fprintf(stderr, "dp_loader: enqueue: %s\n", strerror(-rc));
			return 1;
		}
		if ((i & 1023) == 0 && dp_channel_ring_producer_wake_check(&map.tx) && evfd >= 0)
			dp_channel_eventfd_signal(evfd);
	}
	while (dp_channel_ring_used_slots(&map.tx) && !quit) {
		if (dp_channel_ring_producer_wake_check(&map.tx) && evfd >= 0)
			dp_channel_eventfd_signal(evfd);
		usleep(200);
	}
	t1 = now();
	printf("loaded %lu mappings in %.2f s\n", n, t1 - t0);
	fflush(stdout);
	while (!quit)
		pause();
	dp_channel_region_release(&map);
	close(sock);
	return 0;
}
