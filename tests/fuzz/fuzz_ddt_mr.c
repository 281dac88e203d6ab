/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT Map-Resolver's referral handling (controlplane/ddt/ddt_mr.h) on
 * arbitrary Map-Referrals.  The input is a sequence of frames
 *
 *   flags (1 byte) | length (2 bytes, big-endian) | message
 *
 * delivered to one DDT Map-Resolver resolving one request (for an address
 * of the first frame's first record, so that golden referrals apply).
 * flags: bits 0-1 the sender (0 the root, 1 the node last asked, 2 a
 * stranger, 3 the second root); bit 2 patches the request's nonce in;
 * bit 3 lets a request timeout pass first; bit 4 has the ITR ask again.
 * Properties: no crash, the pending table and the referral cache within
 * their caps, and at most a bounded number of messages sent per frame.
 */
#include <errno.h>

#include "ddt_mr.h"
#include "fuzz_common.h"
#include "log.h"

#define NONCE		0x0123456789abcdefull
#define PENDING_MAX	4
#define CACHE_MAX	32

static uint64_t now_us = 1000000000ull;
static unsigned int sends;
static struct lisp_addr last_dst;

static uint64_t fuzz_clock(void *arg)
{
	(void)arg;
	return now_us;
}

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	(void)port;
	(void)msg;
	(void)len;
	sends++;
	last_dst = *dst;
}

static void ask(struct ddt_mr *d, const struct lisp_prefix *eid)
{
	struct lisp_request_record rec = { .mask_len = eid->plen };
	struct lisp_map_request req = { .nonce = NONCE, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct lisp_addr itr;
	struct lisp_waddr witr, inner;

	lisp_addr_parse("192.0.2.99", &itr, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, eid);
	lisp_waddr_from_addr(&witr, &itr);
	req.itr_rlocs = &witr;
	ecm.inner_src = itr;
	ecm.inner_dst = itr;
	ddt_mr_resolve(d, &ecm, &req, 0, eid, &itr, 61000);
}

/* An address inside the first record of msg, else [0]10.1.2.3. */
static void first_eid(const uint8_t *msg, size_t len, struct lisp_prefix *eid)
{
	static _Alignas(16) uint8_t buf[FUZZ_ARENA_SIZE];
	struct lisp_map_referral m;
	struct lisp_arena a;

	lisp_prefix_parse("[0]10.1.2.3/32", eid, NULL);
	lisp_arena_init(&a, buf, sizeof(buf));
	if (lisp_map_referral_decode(msg, len, &a, &m, NULL) < 0 || !m.record_count ||
	    lisp_waddr_to_prefix(&m.records[0].eid, m.records[0].mask_len, eid, NULL) < 0 ||
	    (eid->addr.afi != LISP_AFI_IPV4 && eid->addr.afi != LISP_AFI_IPV6)) {
		lisp_prefix_parse("[0]10.1.2.3/32", eid, NULL);
		return;
	}
	eid->plen = (uint8_t)lisp_addr_max_plen(eid->addr.afi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct evloop *loop;
	static uint8_t msg[FUZZ_INPUT_MAX];
	struct ddt_mr_params p;
	struct lisp_prefix eid;
	struct ddt_mr *d;
	size_t off = 0;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	if (!loop) {
		log_set_level(LOG_LEVEL_ERROR);
		loop = evloop_new();
		FUZZ_ASSERT(loop, "no event loop");
		evloop_clock_set(loop, fuzz_clock, NULL);
	}
	ddt_mr_params_default(&p);
	lisp_addr_parse("10.0.0.1", &p.roots[0].addr, NULL);
	lisp_addr_parse("10.0.0.2", &p.roots[1].addr, NULL);
	p.roots[0].priority = 1;
	p.roots[1].priority = 2;
	p.root_count = 2;
	p.pending_max = PENDING_MAX;
	p.cache_max = CACHE_MAX;
	p.request_timeout_ms = 100;
	p.retries = 1;
	p.max_depth = 4;
	d = ddt_mr_new(loop, &p, capture, NULL);
	FUZZ_ASSERT(d, "ddt_mr_new failed");
	if (size >= 3)
		first_eid(data + 3, size - 3 < (size_t)(data[1] << 8 | data[2])
					    ? size - 3 : (size_t)(data[1] << 8 | data[2]), &eid);
	else
		lisp_prefix_parse("[0]10.1.2.3/32", &eid, NULL);
	sends = 0;
	ask(d, &eid);
	while (off + 3 <= size) {
		uint8_t flags = data[off];
		size_t len = (size_t)(data[off + 1] << 8 | data[off + 2]);
		struct lisp_addr src;
		unsigned int before;

		off += 3;
		if (len > size - off)
			len = size - off;
		memcpy(msg, data + off, len);
		off += len;
		if (flags & 0x08) {
			now_us += 100000;
			evloop_run_once(loop, 0);
		}
		if (flags & 0x10)
			ask(d, &eid);
		if ((flags & 0x04) && len >= 12)
			for (int i = 0; i < 8; i++)
				msg[4 + i] = (uint8_t)(NONCE >> (56 - 8 * i));
		switch (flags & 3) {
		case 0:
			lisp_addr_parse("10.0.0.1", &src, NULL);
			break;
		case 1:
			src = last_dst;
			break;
		case 2:
			lisp_addr_parse("198.51.100.7", &src, NULL);
			break;
		default:
			lisp_addr_parse("10.0.0.2", &src, NULL);
			break;
		}
		before = sends;
		ddt_mr_input(d, msg, len, &src, LISP_CONTROL_PORT);
		/* One referral: a send on, or a reply, never more. */
		FUZZ_ASSERT(sends - before <= 1, "%u messages for one referral", sends - before);
		FUZZ_ASSERT(ddt_mr_pending_count(d) <= PENDING_MAX, "pending past the cap");
		FUZZ_ASSERT(ddt_cache_count(ddt_mr_cache(d)) <= CACHE_MAX, "cache past the cap");
	}
	ddt_mr_free(d);
	FUZZ_ASSERT(evloop_timer_count(loop) == 0, "a timer outlived its request");
	return 0;
}
