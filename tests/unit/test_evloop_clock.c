/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event loop's injectable clock (evloop_clock_set) and the test-time
 * helpers built on it (clock_util.h), which every unit test of a timer
 * relies on:
 *  - timers fire in expiry order, each at its own expiry on the test
 *    clock, ties in arm order; an hour of test time takes no wall time;
 *  - evloop_timer_next names the earliest expiry (UINT64_MAX: none);
 *  - with a replaced clock the loop never sleeps for a timer, and fires
 *    nothing before the clock's owner moves time;
 *  - evloop_clock_us reads the clock live (sub-millisecond durations),
 *    evloop_now_ms is its floor; clearing the clock restores
 *    CLOCK_MONOTONIC;
 *  - T_RUN_UNTIL stops at the instant its condition holds.
 */
#include "check_util.h"
#include "clock_util.h"

struct tick {
	struct evloop *loop;
	struct evtimer t;
	int tag;
	uint64_t fired_at;	/* evloop_now_ms when it ran; 0: not yet */
	int *order;
	int *n;
	unsigned int rearm;	/* times it re-arms itself with period */
	uint64_t period;
};

static void tick_cb(struct evtimer *t, void *arg)
{
	struct tick *k = arg;

	(void)t;
	k->fired_at = evloop_now_ms(k->loop);
	k->order[(*k->n)++] = k->tag;
	if (k->rearm) {
		k->rearm--;
		evtimer_arm(k->loop, &k->t, k->period);
	}
}

static void tick_init(struct tick *k, struct evloop *loop, int tag, int *order, int *n)
{
	*k = (struct tick){ .loop = loop, .tag = tag, .order = order, .n = n };
	evtimer_init(&k->t, tick_cb, k);
}

START_TEST(timers_fire_in_order_at_test_time)
{
	struct evloop *loop = t_loop_new();
	static const uint64_t delay[5] = { 40, 10, 3600000, 10, 0 };
	struct tick k[5];
	int order[8], n = 0;
	uint64_t t0 = evloop_now_ms(loop), wall0 = t_wall_ms();

	for (int i = 0; i < 5; i++) {
		tick_init(&k[i], loop, i, order, &n);
		ck_assert_int_eq(evtimer_arm(loop, &k[i].t, delay[i]), 0);
	}
	ck_assert_uint_eq(evloop_timer_next(loop), t0);
	/* Nothing moves time but the test: a turn fires only what is due. */
	ck_assert_int_eq(evloop_run_once(loop, 0), 1);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(evloop_now_ms(loop), t0);
	ck_assert_uint_eq(evloop_timer_next(loop), t0 + 10);

	t_run_for(loop, 39, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(evloop_now_ms(loop), t0 + 39);
	t_run_for(loop, 3600000, NULL);
	ck_assert_int_eq(n, 5);
	/* Expiry order, the two 10 ms ties first-armed first. */
	ck_assert_int_eq(order[0], 4);
	ck_assert_int_eq(order[1], 1);
	ck_assert_int_eq(order[2], 3);
	ck_assert_int_eq(order[3], 0);
	ck_assert_int_eq(order[4], 2);
	/* Each at its own expiry, not at the end of a step. */
	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(k[i].fired_at, t0 + delay[i]);
	ck_assert_uint_eq(evloop_timer_next(loop), UINT64_MAX);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
	/* An hour of test time is not an hour, nor a second, of wall time
	 * (a generous bound: a frozen CI machine still passes). */
	ck_assert_uint_lt(t_wall_ms() - wall0, 5000);
	evloop_free(loop);
}
END_TEST

START_TEST(periodic_timer_counts_exactly)
{
	struct evloop *loop = t_loop_new();
	struct tick k;
	int order[64], n = 0;
	uint64_t t0 = evloop_now_ms(loop);

	tick_init(&k, loop, 7, order, &n);
	k.rearm = 50;
	k.period = 20;
	evtimer_arm(loop, &k.t, 20);
	/* 1 s at a 20 ms period: 50 ticks, whatever the machine's load. */
	t_run_for(loop, 1000, NULL);
	ck_assert_int_eq(n, 50);
	ck_assert_uint_eq(k.fired_at, t0 + 1000);
	ck_assert(evtimer_pending(&k.t));
	ck_assert_uint_eq(evloop_timer_next(loop), t0 + 1020);
	evtimer_cancel(loop, &k.t);
	evloop_free(loop);
}
END_TEST

START_TEST(rearm_for_now_fires_at_the_same_instant)
{
	struct evloop *loop = t_loop_new();
	struct tick k;
	int order[8], n = 0;
	uint64_t t0 = evloop_now_ms(loop);

	tick_init(&k, loop, 1, order, &n);
	k.rearm = 3;
	k.period = 0;
	evtimer_arm(loop, &k.t, 5);
	/* One turn runs a timer once; the re-arms for "now" wait for the
	 * next turns, all at the same instant. */
	t_clock_set_us((t0 + 5) * 1000u);
	ck_assert_int_eq(evloop_run_once(loop, 0), 1);
	ck_assert_int_eq(n, 1);
	t_settle(loop, NULL);
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(k.fired_at, t0 + 5);
	ck_assert_uint_eq(evloop_now_ms(loop), t0 + 5);
	evloop_free(loop);
}
END_TEST

START_TEST(clock_reads_live_and_restores)
{
	struct evloop *loop = t_loop_new();
	uint64_t us = evloop_clock_us(loop), ms = evloop_now_ms(loop);
	uint64_t mono_ms;

	ck_assert_uint_eq(us, t_clock_now_us);
	ck_assert_uint_eq(ms, us / 1000);
	/* Live in microseconds; the cached now moves at the next turn. */
	t_clock_advance_us(1999);
	ck_assert_uint_eq(evloop_clock_us(loop), us + 1999);
	ck_assert_uint_eq(evloop_now_ms(loop), ms);
	ck_assert_int_eq(evloop_run_once(loop, 0), 0);
	ck_assert_uint_eq(evloop_now_ms(loop), (us + 1999) / 1000);
	/* Back to CLOCK_MONOTONIC: now is within a second before the wall
	 * reading that follows it. */
	evloop_clock_set(loop, NULL, NULL);
	mono_ms = t_wall_ms();
	ck_assert_uint_le(evloop_now_ms(loop), mono_ms);
	ck_assert_uint_ge(evloop_now_ms(loop) + 1000, mono_ms);
	evloop_free(loop);
}
END_TEST

START_TEST(no_sleep_for_a_timer_on_test_clock)
{
	struct evloop *loop = t_loop_new();
	struct tick k;
	int order[4], n = 0;
	uint64_t t0 = evloop_now_ms(loop), wall0 = t_wall_ms();

	tick_init(&k, loop, 1, order, &n);
	evtimer_arm(loop, &k.t, 3600000);
	/* The test clock does not move by itself: a turn fires nothing and
	 * leaves now where it was. */
	ck_assert_int_eq(evloop_run_once(loop, 0), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(evloop_now_ms(loop), t0);
	ck_assert_uint_lt(t_wall_ms() - wall0, 5000);
	/* Due: an infinite wait returns at once. */
	t_clock_set_us((t0 + 3600000) * 1000u);
	ck_assert_int_eq(evloop_run_once(loop, -1), 1);
	ck_assert_int_eq(n, 1);
	evloop_free(loop);
}
END_TEST

static int until_n;

static void until_cb(struct evtimer *t, void *arg)
{
	struct evloop *loop = arg;

	until_n++;
	evtimer_arm(loop, t, 10);
}

START_TEST(run_until_stops_when_cond_holds)
{
	struct evloop *loop = t_loop_new();
	struct evtimer t;
	uint64_t t0 = evloop_now_ms(loop);

	until_n = 0;
	evtimer_init(&t, until_cb, loop);
	evtimer_arm(loop, &t, 10);
	T_RUN_UNTIL(loop, NULL, until_n == 3, 1000);
	ck_assert_uint_eq(evloop_now_ms(loop), t0 + 30);
	evtimer_cancel(loop, &t);
	evloop_free(loop);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("evloop_clock");
	TCase *tc = tcase_create("evloop_clock");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, timers_fire_in_order_at_test_time);
	tcase_add_test(tc, periodic_timer_counts_exactly);
	tcase_add_test(tc, rearm_for_now_fires_at_the_same_instant);
	tcase_add_test(tc, clock_reads_live_and_restores);
	tcase_add_test(tc, no_sleep_for_a_timer_on_test_clock);
	tcase_add_test(tc, run_until_stops_when_cond_holds);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
