/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Server takes the largest Map-Register that fits one datagram:
 * 255 records (the 8-bit Record Count), each an Instance-ID LCAF EID with
 * as many locators as the 65,527 bytes leave room for, decodes, registers
 * and is acknowledged by a Map-Notify with the same records (RFC 9301
 * section 5.7).  Before, a 256 KiB decode arena refused it as
 * "decode arena exhausted" (a refusal by the codec, not by a rule), and
 * the Map-Notify did not fit a 9,000-byte buffer.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "map_server.h"
#include "registry.h"
#include "site.h"

#define LOCS_PER_RECORD	19	/* 255 x (28 + 19 x 12) + 72 = 65,352 bytes */

static const char key[] = "key-of-the-big-site";
static uint8_t notify[LISP_DATAGRAM_MAX];
static size_t notify_len;
static unsigned int nsent;

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	ck_assert_uint_le(len, sizeof(notify));
	memcpy(notify, msg, len);
	notify_len = len;
	nsent++;
}

/* 255 records [1000]10.1.i.0/24, LOCS_PER_RECORD IPv4 locators each. */
static size_t build_largest(uint8_t *buf, size_t cap)
{
	static struct lisp_record recs[LISP_RECORDS_MAX];
	static struct lisp_locator locs[LISP_RECORDS_MAX][LOCS_PER_RECORD];
	static struct lisp_waddr inner[LISP_RECORDS_MAX];
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = true,
				       .nonce = 99, .alg_id = LISP_AUTH_HMAC_SHA256_128,
				       .record_count = LISP_RECORDS_MAX, .records = recs,
				       .xtr_id_present = true };
	char text[64];
	ssize_t n;

	memset(m.xtr_id, 7, LISP_XTR_ID_LEN);
	for (unsigned int i = 0; i < LISP_RECORDS_MAX; i++) {
		struct lisp_prefix p;

		snprintf(text, sizeof(text), "[1000]10.1.%u.0/24", i);
		ck_assert_int_eq(lisp_prefix_parse(text, &p, NULL), 0);
		recs[i] = (struct lisp_record){ .ttl = 1440, .authoritative = true,
						.loc_count = LOCS_PER_RECORD, .locs = locs[i],
						.mask_len = p.plen };
		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &p);
		for (unsigned int j = 0; j < LOCS_PER_RECORD; j++) {
			struct lisp_addr a;

			snprintf(text, sizeof(text), "192.0.%u.%u", j, i);
			ck_assert_int_eq(lisp_addr_parse(text, &a, NULL), 0);
			locs[i][j] = (struct lisp_locator){ .priority = 1, .weight = 5,
							    .flags = LISP_LOC_F_REACH };
			lisp_waddr_from_addr(&locs[i][j].addr, &a);
		}
	}
	n = lisp_map_register_encode(&m, buf, cap, NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, key, strlen(key), NULL), 0);
	return (size_t)n;
}

START_TEST(largest_register_accepted_and_notified)
{
	static uint8_t buf[LISP_DATAGRAM_MAX], arena_buf[LISP_DECODE_ARENA_BYTES];
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = &eid, .eid_count = 1 };
	struct evloop *loop = t_loop_new();
	struct site_table *sites = site_table_new();
	struct lisp_map_register n;
	struct lisp_arena arena;
	struct map_server *ms;
	struct ms_params p;
	struct lisp_prefix q;
	struct lisp_addr src;
	size_t len;

	snprintf(s.name, sizeof(s.name), "big");
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.1.0.0/16", &eid.prefix, NULL), 0);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
	map_server_params_default(&p);
	ms = map_server_new(loop, sites, &p, capture, NULL);
	ck_assert_ptr_nonnull(ms);

	len = build_largest(buf, sizeof(buf));
	printf("largest Map-Register: %zu bytes, %u records of %u locators\n", len,
	       LISP_RECORDS_MAX, LOCS_PER_RECORD);
	ck_assert_uint_le(len, LISP_DATAGRAM_MAX);
	ck_assert_uint_gt(len, LISP_DATAGRAM_MAX - 28 - 12 * LOCS_PER_RECORD);
	lisp_addr_parse("192.0.2.1", &src, NULL);
	map_server_input(ms, buf, len, &src, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->refused_decode_error, 0);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, 1);
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.1.254.0/24", &q, NULL), 0);
	ck_assert_ptr_nonnull(registry_exact(map_server_registry(ms), &q));
	ck_assert_uint_eq(registry_exact(map_server_registry(ms), &q)->merged_loc_count,
			  LOCS_PER_RECORD);

	/* Its Map-Notify: the same 255 records, signed. */
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(notify_len, len);
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	ck_assert_int_eq(lisp_map_register_decode(notify, notify_len, &arena, &n, NULL), 0);
	ck_assert_uint_eq(n.type, LISP_MAP_NOTIFY);
	ck_assert_uint_eq(n.record_count, LISP_RECORDS_MAX);
	ck_assert_int_eq(lisp_auth_verify(notify, notify_len, key, strlen(key), NULL), 0);

	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
}
END_TEST

/* The arena bound holds for the densest shape: an AFI-list LCAF EID of
 * AFI-0 items filling the datagram decodes within LISP_DECODE_ARENA_BYTES. */
START_TEST(densest_shape_fits_the_arena)
{
	static uint8_t buf[LISP_DATAGRAM_MAX], arena_buf[LISP_DECODE_ARENA_BYTES];
	size_t items = (LISP_DATAGRAM_MAX - 4 - 8 - 4 - 12 - 8) / 2, len = 0;
	struct lisp_map_register m;
	struct lisp_arena arena;
	size_t body = items * 2;

	/* Map-Register header, no authentication data (the decode does not
	 * verify), one record: TTL, 0 locators, mask 0, EID AFI 16387. */
	buf[0] = 0x30;
	buf[3] = 1;
	len = 4 + 8 + 4;
	memset(buf + len, 0, 10);
	len += 10;
	buf[len++] = 0x40;
	buf[len++] = 0x03;
	buf[len++] = 0;
	buf[len++] = 0;
	buf[len++] = 1;			/* LCAF type 1: AFI list */
	buf[len++] = 0;
	buf[len++] = (uint8_t)(body >> 8);
	buf[len++] = (uint8_t)body;
	memset(buf + len, 0, body);	/* AFI 0 items */
	len += body;
	ck_assert_uint_le(len, LISP_DATAGRAM_MAX);
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	ck_assert_int_eq(lisp_map_register_decode(buf, len, &arena, &m, NULL), 0);
	ck_assert_uint_eq(m.records[0].eid.lcaf.list.count, items);
	printf("densest shape: %zu bytes used %zu of %zu arena bytes\n", len, arena.used,
	       sizeof(arena_buf));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ms_datagram");
	TCase *tc = tcase_create("datagram");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, largest_register_accepted_and_notified);
	tcase_add_test(tc, densest_shape_fits_the_arena);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
