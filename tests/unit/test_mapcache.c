/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The map-cache alone: keys with their Instance-ID, the record kept as
 * received next to its decoded RLOCs (JSON attributes included), negative
 * entries, TTL expiry and the refresh call before it, the size bound and
 * its eviction order, static entries, change detection, RLOC state and
 * what observers hear of all of it.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "mapcache.h"

#define EV_MAX 64

static struct evloop *loop;
static struct mapcache *mc;
static struct mapcache_event evs[EV_MAX];
static struct lisp_prefix ev_eid[EV_MAX];
static unsigned int nev, nrefresh;
static struct lisp_prefix refreshed;

static void observer(void *arg, const struct mapcache_event *ev)
{
	(void)arg;
	ck_assert_uint_lt(nev, EV_MAX);
	ev_eid[nev] = ev->entry->eid;
	evs[nev++] = *ev;
}

static void on_refresh(void *arg, struct mapcache_entry *e)
{
	(void)arg;
	nrefresh++;
	refreshed = e->eid;
}

static void start(size_t max, uint64_t ttl_max_ms, uint64_t refresh_ms)
{
	struct mapcache_params p;

	mapcache_params_default(&p);
	p.max_entries = max;
	p.ttl_max_ms = ttl_max_ms;
	p.refresh_ms = refresh_ms;
	nev = nrefresh = 0;
	loop = t_loop_new();
	ck_assert_ptr_nonnull(loop);
	evloop_now_update(loop);
	mc = mapcache_new(loop, &p, on_refresh, NULL);
	ck_assert_ptr_nonnull(mc);
	ck_assert_int_eq(mapcache_observe(mc, observer, NULL), 0);
}

static void stop(void)
{
	mapcache_free(mc);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
	evloop_free(loop);
}

/* ms of test time (clock_util.h): timers fire at their expiry, however
 * busy the machine. */
static void run_for(unsigned int ms)
{
	t_run_for(loop, ms, NULL);
}

/* A record for eid with TTL ttl and up to 4 RLOCs ("addr" or
 * "addr json:{...}"), built in static storage. */
struct rec_buf {
	struct lisp_record rec;
	struct lisp_waddr eid_inner;
	struct lisp_locator locs[4];
	struct lisp_waddr inner[4];
};

static struct lisp_record *make_rec(struct rec_buf *b, const char *eid, uint32_t ttl,
				    const char *const *rlocs, unsigned int n)
{
	struct lisp_prefix p;

	memset(b, 0, sizeof(*b));
	ck_assert_int_eq(lisp_prefix_parse(eid, &p, NULL), 0);
	lisp_waddr_from_prefix(&b->rec.eid, &b->eid_inner, &p);
	b->rec.mask_len = p.plen;
	b->rec.ttl = ttl;
	b->rec.loc_count = (uint8_t)n;
	b->rec.locs = b->locs;
	for (unsigned int i = 0; i < n; i++) {
		const char *json = strstr(rlocs[i], " json:");
		char addr[64];
		struct lisp_addr a;

		snprintf(addr, sizeof(addr), "%.*s", json ? (int)(json - rlocs[i]) : 63, rlocs[i]);
		ck_assert_int_eq(lisp_addr_parse(addr, &a, NULL), 0);
		b->locs[i].priority = (uint8_t)(i + 1);
		b->locs[i].weight = 50;
		b->locs[i].mpriority = 255;
		b->locs[i].flags = LISP_LOC_F_REACH;
		if (json) {
			lisp_waddr_from_addr(&b->inner[i], &a);
			b->locs[i].addr.afi = LISP_AFI_LCAF;
			b->locs[i].addr.lcaf.type = LCAF_TYPE_JSON;
			b->locs[i].addr.lcaf.json.text = json + 6;
			b->locs[i].addr.lcaf.json.len = (uint16_t)strlen(json + 6);
			b->locs[i].addr.lcaf.json.addr = &b->inner[i];
		} else {
			lisp_waddr_from_addr(&b->locs[i].addr, &a);
		}
	}
	return &b->rec;
}

static struct mapcache_entry *put(const char *eid, uint32_t ttl, const char *rloc,
				  enum mapcache_source src, int expect)
{
	struct rec_buf b;
	struct mapcache_entry *e = NULL;
	struct lisp_err err;
	int rc = mapcache_update(mc, make_rec(&b, eid, ttl, &rloc, rloc ? 1 : 0), src, &e, &err);

	ck_assert_msg(rc == expect, "%s: %d (%s)", eid, rc, rc ? err.msg : "");
	return e;
}

static struct lisp_prefix pfx_of(const char *s)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

static struct mapcache_entry *find(const char *eid)
{
	struct lisp_prefix p;

	lisp_prefix_parse(eid, &p, NULL);
	return mapcache_lookup(mc, &p);
}

START_TEST(iid_is_part_of_the_key)
{
	start(0, 0, 0);
	put("[5]10.1.0.0/16", 10, "192.0.2.5", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[6]10.1.0.0/16", 10, "192.0.2.6", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[5]10.1.2.0/24", 10, "192.0.2.7", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(mapcache_count(mc), 3);
	ck_assert_uint_eq(find("[5]10.1.9.9/32")->rlocs[0].addr.v4[3], 5);
	ck_assert_uint_eq(find("[6]10.1.9.9/32")->rlocs[0].addr.v4[3], 6);
	ck_assert_uint_eq(find("[5]10.1.2.9/32")->rlocs[0].addr.v4[3], 7);
	ck_assert_uint_eq(find("[6]10.1.2.9/32")->rlocs[0].addr.v4[3], 6);
	ck_assert_ptr_null(find("[7]10.1.2.9/32"));
	ck_assert_ptr_null(find("10.1.2.9/32"));
	ck_assert_uint_eq(nev, 3);
	ck_assert_int_eq(evs[0].type, MAPCACHE_EV_ADD);
	stop();
}
END_TEST

START_TEST(keeps_the_record_and_a_decoded_view)
{
	static const char *const rlocs[] = {
		"192.0.2.1",
		"2001:db8::1 json:{\"gpu\":\"h100\",\"load\":0.3}",
		"dn:not-an-rloc",
	};
	uint8_t abuf[4096];
	struct lisp_arena a;
	struct lisp_record back;
	struct rec_buf b;
	struct mapcache_entry *e;
	struct wire_rd rd;

	start(0, 0, 0);
	ck_assert_int_eq(mapcache_update(mc, make_rec(&b, "[9]2001:db8:9::/48", 30, rlocs, 3),
					 MAPCACHE_SRC_MAP_REPLY, &e, NULL), 0);
	ck_assert_uint_eq(e->eid.iid, 9);
	ck_assert_uint_eq(e->eid.plen, 48);
	ck_assert_uint_eq(e->ttl_min, 30);
	ck_assert_uint_eq(e->loc_count, 3);
	ck_assert_uint_eq(e->rloc_count, 2);	/* the DN is no unicast RLOC */
	ck_assert(!e->rlocs[0].has_attrs && e->rlocs[1].has_attrs);
	ck_assert_uint_eq(e->rlocs[1].addr.afi, LISP_AFI_IPV6);
	ck_assert_uint_eq(e->rlocs[1].priority, 2);
	ck_assert_uint_eq(e->rlocs[1].weight, 50);
	ck_assert_uint_eq(e->rlocs[1].mpriority, 255);
	ck_assert_uint_eq(e->rlocs[1].loc_index, 1);
	ck_assert(e->rlocs[0].up && e->rlocs[1].up);
	ck_assert_int_eq(e->source, MAPCACHE_SRC_MAP_REPLY);
	ck_assert_uint_eq(e->version, 1);
	/* The record decodes back to what went in, JSON text included. */
	lisp_arena_init(&a, abuf, sizeof(abuf));
	wire_rd_init(&rd, e->record, e->record_len);
	ck_assert_int_eq(lisp_record_decode(&rd, &a, &back, NULL), 0);
	ck_assert_uint_eq(wire_rd_left(&rd), 0);
	ck_assert_uint_eq(back.loc_count, 3);
	ck_assert_ptr_nonnull(lisp_waddr_json(&back.locs[1].addr));
	ck_assert_int_eq(memcmp(lisp_waddr_json(&back.locs[1].addr)->json.text,
				"{\"gpu\":\"h100\",\"load\":0.3}", 25), 0);
	ck_assert_int_eq(back.locs[2].addr.afi, LISP_AFI_DN);
	stop();
}
END_TEST

START_TEST(negative_entries)
{
	struct rec_buf b;
	struct lisp_record *rec;
	struct mapcache_entry *e;

	start(0, 0, 0);
	rec = make_rec(&b, "[3]10.0.0.0/8", 15, NULL, 0);
	rec->action = LISP_ACT_NATIVE_FORWARD;
	ck_assert_int_eq(mapcache_update(mc, rec, MAPCACHE_SRC_MAP_REPLY, &e, NULL), 0);
	ck_assert_uint_eq(e->loc_count, 0);
	ck_assert_uint_eq(e->rloc_count, 0);
	ck_assert_ptr_nonnull(e->rlocs);
	ck_assert_uint_eq(e->action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(e->ttl_min, 15);
	ck_assert_uint_eq(e->expires_ms - e->updated_ms, 15 * 60000);
	stop();
}
END_TEST

START_TEST(expires_and_tells_observers)
{
	start(0, 60, 0);	/* every TTL capped to 60 ms */
	put("[1]10.0.0.0/24", 1440, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.0.1.0/24", 0xffffffffu, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(find("[1]10.0.0.1/32")->expires_ms - find("[1]10.0.0.1/32")->updated_ms,
			  60);
	run_for(30);
	ck_assert_uint_eq(mapcache_count(mc), 2);
	run_for(60);
	ck_assert_uint_eq(mapcache_count(mc), 0);
	ck_assert_uint_eq(mapcache_counters(mc)->expired, 2);
	ck_assert_uint_eq(nev, 4);
	ck_assert_int_eq(evs[2].type, MAPCACHE_EV_REMOVE);
	ck_assert_int_eq(evs[2].reason, MAPCACHE_RM_EXPIRED);
	ck_assert_int_eq(evs[3].reason, MAPCACHE_RM_EXPIRED);
	stop();
}
END_TEST

START_TEST(refresh_before_expiry)
{
	struct lisp_prefix eid = pfx_of("[1]10.0.0.0/24");

	start(0, 100, 30);
	put("[1]10.0.0.0/24", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.9.0.0/24", 10, NULL, MAPCACHE_SRC_MAP_REPLY, 0);	/* negative */
	run_for(60);
	ck_assert_uint_eq(nrefresh, 0);
	run_for(25);		/* 70 ms: 30 before expiry */
	ck_assert_uint_eq(nrefresh, 1);
	ck_assert(lisp_prefix_equal(&refreshed, &eid));
	/* The owner's answer comes: the same mapping, lifetime restarts, no
	 * event. */
	nev = 0;
	put("[1]10.0.0.0/24", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(nev, 0);
	ck_assert_uint_eq(mapcache_counters(mc)->refreshed, 1);
	run_for(60);
	ck_assert_ptr_nonnull(find("[1]10.0.0.1/32"));
	ck_assert_ptr_null(find("[1]10.9.0.1/32"));	/* negative: not refreshed */
	ck_assert_uint_eq(nrefresh, 1);
	stop();
}
END_TEST

START_TEST(bounded_evicts_closest_to_expiry)
{
	start(3, 0, 0);
	put("[1]10.0.1.0/24", 30, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.0.2.0/24", 5, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.0.3.0/24", 60, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.0.4.0/24", 90, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(mapcache_count(mc), 3);
	ck_assert_ptr_null(find("[1]10.0.2.1/32"));
	ck_assert_uint_eq(mapcache_counters(mc)->evicted, 1);
	ck_assert_int_eq(evs[3].type, MAPCACHE_EV_REMOVE);
	ck_assert_int_eq(evs[3].reason, MAPCACHE_RM_EVICTED);
	ck_assert_uint_eq(ev_eid[3].addr.v4[2], 2);
	put("[1]10.0.5.0/24", 90, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_ptr_null(find("[1]10.0.1.1/32"));
	ck_assert_uint_eq(mapcache_counters(mc)->evicted, 2);
	/* Updating an entry in place needs no room. */
	put("[1]10.0.5.0/24", 90, "192.0.2.9", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(mapcache_counters(mc)->evicted, 2);
	stop();
}
END_TEST

START_TEST(static_entries)
{
	start(2, 40, 0);
	put("[1]10.0.1.0/24", 1, "192.0.2.1", MAPCACHE_SRC_STATIC, 0);
	put("[1]10.0.2.0/24", 1, "192.0.2.2", MAPCACHE_SRC_API, 0);
	ck_assert_uint_eq(find("[1]10.0.1.1/32")->expires_ms, MAPCACHE_NEVER);
	/* Full of static entries: nothing to evict. */
	put("[1]10.0.3.0/24", 1, "192.0.2.3", MAPCACHE_SRC_MAP_REPLY, -ENOSPC);
	ck_assert_uint_eq(mapcache_counters(mc)->full_refused, 1);
	/* The mapping system does not override configuration, nor TTL 0. */
	put("[1]10.0.1.0/24", 1, "203.0.113.1", MAPCACHE_SRC_MAP_REPLY, -EEXIST);
	put("[1]10.0.1.0/24", 0, NULL, MAPCACHE_SRC_PUBSUB, -EEXIST);
	ck_assert_uint_eq(find("[1]10.0.1.1/32")->rlocs[0].addr.v4[3], 1);
	run_for(80);
	ck_assert_uint_eq(mapcache_count(mc), 2);
	ck_assert_uint_eq(mapcache_counters(mc)->expired, 0);
	/* Configuration may change its own entries. */
	put("[1]10.0.1.0/24", 1, "203.0.113.1", MAPCACHE_SRC_STATIC, 0);
	ck_assert_uint_eq(find("[1]10.0.1.1/32")->rlocs[0].addr.v4[0], 203);
	mapcache_flush(mc, true);
	ck_assert_uint_eq(mapcache_count(mc), 2);
	mapcache_flush(mc, false);
	ck_assert_uint_eq(mapcache_count(mc), 0);
	stop();
}
END_TEST

START_TEST(changes_and_withdrawals)
{
	struct mapcache_entry *e;

	start(0, 0, 0);
	e = put("[1]10.0.1.0/24", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	mapcache_rloc_reachable(mc, e, 0, 1234, 5);
	ck_assert_uint_eq(nev, 1);	/* was up already: no event */
	put("[1]10.0.1.0/24", 10, "192.0.2.1", MAPCACHE_SRC_PUBSUB, 0);
	ck_assert_uint_eq(nev, 1);	/* same mapping */
	ck_assert_int_eq(e->source, MAPCACHE_SRC_PUBSUB);
	put("[1]10.0.1.0/24", 10, "192.0.2.9", MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(nev, 2);
	ck_assert_int_eq(evs[1].type, MAPCACHE_EV_UPDATE);
	ck_assert_uint_eq(e->version, 2);
	ck_assert_uint_eq(e->rlocs[0].rtt_us, 0);	/* a new RLOC: nothing measured */
	put("[1]10.0.1.0/24", 0, NULL, MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(mapcache_count(mc), 0);
	ck_assert_int_eq(evs[2].reason, MAPCACHE_RM_WITHDRAWN);
	ck_assert_uint_eq(mapcache_counters(mc)->withdrawn, 1);
	/* TTL 0 for what we do not have: nothing happens. */
	put("[1]10.0.7.0/24", 0, NULL, MAPCACHE_SRC_MAP_REPLY, 0);
	ck_assert_uint_eq(nev, 3);
	stop();
}
END_TEST

START_TEST(rloc_state)
{
	static const char *const two[] = { "192.0.2.1", "192.0.2.2" };
	struct lisp_addr a;
	struct rec_buf b;
	struct mapcache_entry *e;

	start(0, 0, 0);
	ck_assert_int_eq(mapcache_update(mc, make_rec(&b, "[1]10.0.1.0/24", 10, two, 2),
					 MAPCACHE_SRC_MAP_REPLY, &e, NULL), 0);
	mapcache_rloc_unanswered(mc, e, 1, 2);
	ck_assert(e->rlocs[1].up);
	mapcache_rloc_unanswered(mc, e, 1, 2);
	ck_assert(!e->rlocs[1].up);
	ck_assert_uint_eq(nev, 2);
	ck_assert_int_eq(evs[1].type, MAPCACHE_EV_RLOC);
	ck_assert_uint_eq(evs[1].rloc, 1);
	mapcache_rloc_reachable(mc, e, 0, 700, 9);
	/* The same RLOCs re-announced keep what probing learnt. */
	b.locs[0].weight = 10;
	ck_assert_int_eq(mapcache_update(mc, &b.rec, MAPCACHE_SRC_MAP_REPLY, &e, NULL), 0);
	ck_assert(!e->rlocs[1].up);
	ck_assert_uint_eq(e->rlocs[0].rtt_us, 700);
	mapcache_rloc_reachable(mc, e, 1, 0, 10);
	ck_assert(e->rlocs[1].up);
	ck_assert_uint_eq(e->rlocs[1].rtt_us, 1);
	ck_assert_uint_eq(e->rlocs[1].probe_failures, 0);
	ck_assert_int_eq(evs[nev - 1].type, MAPCACHE_EV_RLOC);
	ck_assert_uint_eq(mapcache_counters(mc)->rlocs_down, 1);
	ck_assert_uint_eq(mapcache_counters(mc)->rlocs_up, 1);
	lisp_addr_parse("192.0.2.2", &a, NULL);
	ck_assert_int_eq(mapcache_rloc_find(e, &a), 1);
	lisp_addr_parse("192.0.2.3", &a, NULL);
	ck_assert_int_eq(mapcache_rloc_find(e, &a), -ENOENT);
	/* An RLOC announced without the R bit starts down. */
	b.locs[0].flags = 0;
	ck_assert_int_eq(mapcache_update(mc, &b.rec, MAPCACHE_SRC_MAP_REPLY, &e, NULL), 0);
	ck_assert(!e->rlocs[0].up);
	stop();
}
END_TEST

static int count_cb(struct mapcache_entry *e, void *arg)
{
	(void)e;
	(*(unsigned int *)arg)++;
	return 0;
}

START_TEST(walk_and_delete)
{
	struct lisp_prefix p;
	unsigned int n = 0;

	start(0, 0, 0);
	put("[1]10.0.1.0/24", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.0.2.0/24", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[1]10.1.0.0/16", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	put("[2]10.0.1.0/24", 10, "192.0.2.1", MAPCACHE_SRC_MAP_REPLY, 0);
	lisp_prefix_parse("[1]10.0.0.0/8", &p, NULL);
	mapcache_walk(mc, &p, count_cb, &n);
	ck_assert_uint_eq(n, 3);
	n = 0;
	mapcache_walk(mc, NULL, count_cb, &n);
	ck_assert_uint_eq(n, 4);
	lisp_prefix_parse("[1]10.0.2.0/24", &p, NULL);
	ck_assert_ptr_nonnull(mapcache_exact(mc, &p));
	ck_assert_int_eq(mapcache_delete(mc, &p), 0);
	ck_assert_int_eq(mapcache_delete(mc, &p), -ENOENT);
	ck_assert_int_eq(evs[nev - 1].reason, MAPCACHE_RM_DELETED);
	ck_assert_int_eq(mapcache_unobserve(mc, observer, NULL), 0);
	ck_assert_int_eq(mapcache_unobserve(mc, observer, NULL), -ENOENT);
	stop();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mapcache");
	TCase *tc = tcase_create("mapcache");

	tcase_add_test(tc, iid_is_part_of_the_key);
	tcase_add_test(tc, keeps_the_record_and_a_decoded_view);
	tcase_add_test(tc, negative_entries);
	tcase_add_test(tc, expires_and_tells_observers);
	tcase_add_test(tc, refresh_before_expiry);
	tcase_add_test(tc, bounded_evicts_closest_to_expiry);
	tcase_add_test(tc, static_entries);
	tcase_add_test(tc, changes_and_withdrawals);
	tcase_add_test(tc, rloc_state);
	tcase_add_test(tc, walk_and_delete);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
