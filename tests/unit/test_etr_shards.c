/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An ETR in a sharded mapping system (etr.map-servers[].eid-prefixes,
 * docs/ddt.md): Instance-ID 1 lives on Map-Server A, Instance-ID 2 on
 * Map-Server B.  Each Map-Server gets only its own records, in the batches,
 * the solo registrations of runtime changes and the withdrawals alike;
 * neither refuses anything; a runtime record is registered once the one
 * Map-Server it goes to has accepted it.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "etr.h"
#include "lisp_auth.h"
#include "map_server.h"

#define QUEUE_MAX 256

struct packet {
	struct lisp_addr src, dst;
	uint8_t msg[2048];
	size_t len;
};

static struct packet queue[QUEUE_MAX];
static unsigned int qhead, qtail;
static struct evloop *loop;
static struct site_table *sites[2];
static struct map_server *ms[2];
static struct etr *etr;
static struct lisp_addr ms_addr[2], etr_addr;
static struct lisp_prefix shard[2];
static const char key[] = "shard-key";
/* Records each Map-Server was sent, by Instance-ID (1, 2). */
static unsigned int records_to[2][3];

static void enqueue(const struct lisp_addr *src, const struct lisp_addr *dst,
		    const uint8_t *msg, size_t len)
{
	struct packet *p = &queue[qtail++ % QUEUE_MAX];

	ck_assert_uint_lt(qtail - qhead, QUEUE_MAX);
	p->src = *src;
	p->dst = *dst;
	memcpy(p->msg, msg, len);
	p->len = len;
}

static void from_ms0(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	(void)port;
	enqueue(&ms_addr[0], dst, msg, len);
}

static void from_ms1(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	(void)port;
	enqueue(&ms_addr[1], dst, msg, len);
}

/* Counts the records of each Map-Register by destination and IID. */
static void from_etr(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	static uint8_t arena_buf[1 << 16];
	struct lisp_arena arena;
	struct lisp_map_register m;

	(void)arg;
	(void)port;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	if (len && msg[0] >> 4 == LISP_MAP_REGISTER &&
	    lisp_map_register_decode(msg, len, &arena, &m, NULL) == 0) {
		for (unsigned int i = 0; i < m.record_count; i++) {
			struct lisp_prefix p;

			ck_assert_int_eq(lisp_waddr_to_prefix(&m.records[i].eid,
							      m.records[i].mask_len, &p, NULL), 0);
			ck_assert_uint_le(p.iid, 2);
			records_to[lisp_addr_equal(dst, &ms_addr[1])][p.iid]++;
		}
	}
	enqueue(&etr_addr, dst, msg, len);
}

static unsigned int pump(void)
{
	unsigned int first = qhead;

	while (qhead != qtail) {
		struct packet *p = &queue[qhead++ % QUEUE_MAX];

		for (int k = 0; k < 2; k++)
			if (lisp_addr_equal(&p->dst, &ms_addr[k]))
				map_server_input(ms[k], p->msg, p->len, &p->src, 4342);
		if (lisp_addr_equal(&p->dst, &etr_addr))
			etr_input(etr, p->msg, p->len, &p->src, 4342);
	}
	return qhead - first;
}

static void run_for(unsigned int ms_total)
{
	t_run_for(loop, ms_total, pump);
}

static void set_mapping(const char *eid)
{
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1440, .loc_count = 1, .locs = &loc };
	struct lisp_waddr inner;
	struct lisp_prefix p;
	struct lisp_err err;

	lisp_prefix_parse(eid, &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&loc.addr, &etr_addr);
	ck_assert_msg(etr_db_set(etr, &rec, &err) == 0, "%s", err.msg);
}

static bool registered_at(int k, const char *eid)
{
	struct lisp_prefix p;

	lisp_prefix_parse(eid, &p, NULL);
	return registry_exact(map_server_registry(ms[k]), &p) != NULL;
}

static void setup(void)
{
	static const char *const site_prefix[2] = { "[1]10.0.0.0/8", "[2]10.0.0.0/8" };
	struct etr_map_server servers[2];
	struct ms_params mp;
	struct etr_params ep;
	lisp_send_fn out[2] = { from_ms0, from_ms1 };

	qhead = qtail = 0;
	memset(records_to, 0, sizeof(records_to));
	lisp_addr_parse("192.0.2.100", &ms_addr[0], NULL);
	lisp_addr_parse("192.0.2.101", &ms_addr[1], NULL);
	lisp_addr_parse("192.0.2.1", &etr_addr, NULL);
	loop = t_loop_new();
	map_server_params_default(&mp);
	for (int k = 0; k < 2; k++) {
		struct site_eid eid = { .accept_more_specifics = true };
		struct site s = { .name = "shard", .alg_id = LISP_AUTH_HMAC_SHA256_128,
				  .eids = &eid, .eid_count = 1 };

		sites[k] = site_table_new();
		memcpy(s.key, key, strlen(key));
		s.key_len = strlen(key);
		lisp_prefix_parse(site_prefix[k], &eid.prefix, NULL);
		ck_assert_int_eq(site_table_add(sites[k], &s), 0);
		ms[k] = map_server_new(loop, sites[k], &mp, out[k], NULL);
		lisp_prefix_parse(k ? "[2]0.0.0.0/0" : "[1]0.0.0.0/0", &shard[k], NULL);
		servers[k] = (struct etr_map_server){ .addr = ms_addr[k], .port = 4342,
						      .alg_id = LISP_AUTH_HMAC_SHA256_128,
						      .key_len = strlen(key), .eids = &shard[k],
						      .eid_count = 1 };
		memcpy(servers[k].key, key, strlen(key));
	}
	etr_params_default(&ep);
	ep.notify_timeout_ms = 20;
	ep.register_interval_ms = 100;
	ep.coalesce_ms = 1;
	ep.xtr_id_present = true;
	memset(ep.xtr_id, 0x5b, sizeof(ep.xtr_id));
	evloop_now_update(loop);
	etr = etr_new(loop, &ep, servers, 2, from_etr, NULL);
	ck_assert_ptr_nonnull(etr);
	memset(&shard, 0, sizeof(shard));	/* etr_new copied them */
}

static void teardown(void)
{
	etr_free(etr);
	for (int k = 0; k < 2; k++) {
		map_server_free(ms[k]);
		site_table_free(sites[k]);
	}
	evloop_free(loop);
}

/* The database split between the shards, registered each where it lives,
 * through several registration intervals: nothing refused anywhere. */
START_TEST(each_shard_gets_its_own_records)
{
	set_mapping("[1]10.1.0.0/16");
	set_mapping("[2]10.2.0.0/16");
	etr_start(etr);
	run_for(350);
	ck_assert(etr_registered(etr));
	ck_assert(registered_at(0, "[1]10.1.0.0/16"));
	ck_assert(!registered_at(0, "[2]10.2.0.0/16"));
	ck_assert(registered_at(1, "[2]10.2.0.0/16"));
	ck_assert(!registered_at(1, "[1]10.1.0.0/16"));
	ck_assert_uint_ge(records_to[0][1], 3);
	ck_assert_uint_eq(records_to[0][2], 0);
	ck_assert_uint_ge(records_to[1][2], 3);
	ck_assert_uint_eq(records_to[1][1], 0);
	for (int k = 0; k < 2; k++)
		ck_assert_uint_eq(map_server_counters(ms[k])->registers_accepted,
				  map_server_counters(ms[k])->registers_received);
}
END_TEST

/* A runtime record goes alone to its one Map-Server and is registered when
 * that one accepts; a withdrawal goes to its Map-Server only. */
START_TEST(runtime_changes_go_to_their_shard)
{
	struct lisp_prefix p;
	int st;

	set_mapping("[1]10.1.0.0/16");
	set_mapping("[2]10.2.0.0/16");
	etr_start(etr);
	run_for(30);
	memset(records_to, 0, sizeof(records_to));
	set_mapping("[2]10.2.9.0/24");
	run_for(10);
	lisp_prefix_parse("[2]10.2.9.0/24", &p, NULL);
	st = etr_db_state(etr, &p);
	ck_assert_int_eq(st, ETR_REG_REGISTERED);
	ck_assert(registered_at(1, "[2]10.2.9.0/24"));
	ck_assert_uint_eq(records_to[0][2], 0);
	ck_assert_uint_eq(records_to[0][1], 0);
	lisp_prefix_parse("[1]10.1.0.0/16", &p, NULL);
	ck_assert_int_eq(etr_db_del(etr, &p), 0);
	run_for(10);
	ck_assert(!registered_at(0, "[1]10.1.0.0/16"));
	ck_assert_uint_eq(records_to[1][1], 0);
	ck_assert_uint_eq(map_server_counters(ms[1])->registers_accepted,
			  map_server_counters(ms[1])->registers_received);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("etr_shards");
	TCase *tc = tcase_create("shards");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, each_shard_gets_its_own_records);
	tcase_add_test(tc, runtime_changes_go_to_their_shard);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
