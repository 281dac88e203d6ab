/* SPDX-License-Identifier: BSD-3-Clause */
#include "perf_msg.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lisp_auth.h"
#include "lisp_msg.h"

#define REQUEST_MAX 256

uint64_t perf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void perf_die(const char *what)
{
	perror(what);
	exit(1);
}

int perf_udp_open(const char *src, int bufsize, struct lisp_addr *local, uint16_t *local_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	if (inet_pton(AF_INET, src, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		perf_die("socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		perf_die("bind");
	getsockname(fd, (struct sockaddr *)&sin, &len);
	*local_port = ntohs(sin.sin_port);
	lisp_addr_set_v4(local, &sin.sin_addr);
	return fd;
}

void perf_eid_host(const struct lisp_prefix *base, uint64_t i, struct lisp_prefix *out)
{
	const uint8_t *b = base->addr.v4;
	uint32_t v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];

	v += (uint32_t)i;
	*out = *base;
	out->plen = 32;
	out->addr.v4[0] = (uint8_t)(v >> 24);
	out->addr.v4[1] = (uint8_t)(v >> 16);
	out->addr.v4[2] = (uint8_t)(v >> 8);
	out->addr.v4[3] = (uint8_t)v;
}

ssize_t perf_map_register(const struct lisp_prefix *eid, const struct lisp_addr *rloc,
			  uint64_t nonce, const uint8_t *xtr_id, const char *key, uint8_t *buf,
			  size_t cap)
{
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1440, .authoritative = true, .loc_count = 1,
				   .mask_len = eid->plen, .locs = &loc };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .proxy_reply = true,
				       .want_notify = true, .xtr_id_present = true,
				       .nonce = nonce, .alg_id = LISP_AUTH_HMAC_SHA256_128,
				       .record_count = 1, .records = &rec };
	struct lisp_waddr inner;
	ssize_t n;

	memcpy(m.xtr_id, xtr_id, LISP_XTR_ID_LEN);
	lisp_waddr_from_prefix(&rec.eid, &inner, eid);
	lisp_waddr_from_addr(&loc.addr, rloc);
	n = lisp_map_register_encode(&m, buf, cap, NULL);
	if (n < 0 || lisp_auth_sign(buf, (size_t)n, key, strlen(key), NULL) < 0)
		return -1;
	return n;
}

ssize_t perf_map_request(const struct lisp_prefix *eid, const struct lisp_addr *itr,
			 uint64_t nonce, uint8_t *buf, size_t cap)
{
	struct lisp_request_record rec = { .mask_len = eid->plen };
	struct lisp_map_request req = { .nonce = nonce, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_waddr itr_rloc, inner;

	lisp_waddr_from_prefix(&rec.eid, &inner, eid);
	/* Replies go to the ITR-RLOC (RFC 9301 5.2). */
	lisp_waddr_from_addr(&itr_rloc, itr);
	req.itr_rlocs = &itr_rloc;
	return lisp_map_request_encode(&req, buf, cap, NULL);
}

ssize_t perf_ecm_map_request(const struct lisp_prefix *eid, const struct lisp_addr *itr,
			     uint16_t sport, uint64_t nonce, uint8_t *buf, size_t cap)
{
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_src = *itr,
				.inner_dst = eid->addr, .inner_sport = sport,
				.inner_dport = LISP_CONTROL_PORT };
	uint8_t mreq[REQUEST_MAX];
	ssize_t n = perf_map_request(eid, itr, nonce, mreq, sizeof(mreq));

	if (n < 0)
		return n;
	ecm.payload = mreq;
	ecm.payload_len = (size_t)n;
	return lisp_ecm_encode(&ecm, buf, cap, NULL);
}
