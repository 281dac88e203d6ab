/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test time for the control plane's event loop.  A unit test gives its
 * loop the test clock (t_loop_new) and moves time itself, as DPDK's
 * app/test timer tests and the kernel's KUnit time helpers do: t_run_for
 * jumps from one due timer to the next, running the loop's I/O and the
 * test's pump at each step, so a test of a 60 ms refresh passes the same
 * on an idle laptop and on a CI machine whose cores are all busy.  Nothing
 * here sleeps or reads wall time to decide an outcome.
 *
 * What in-process I/O a test does (a UNIX socket between the control
 * plane and the reference data plane, both stepped by the test) is in the
 * kernel by the time the writer's call returns, so a poll with timeout 0
 * sees it.  A test that waits for another thread or process keeps real
 * time (tests/unit/wall_clock_check.py lists those, with reasons).
 */
#ifndef LISPGW_CLOCK_UTIL_H
#define LISPGW_CLOCK_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "evloop.h"

/* One test clock per suite (a suite is one file), shared by every loop
 * t_loop_new makes there.  It starts at 1000 s: code that treats 0 as
 * "never" sees no accident. */
static uint64_t t_clock_now_us = 1000u * 1000000u;

static inline uint64_t t_clock_read(void *arg)
{
	(void)arg;
	return t_clock_now_us;
}

/* Moves the test clock to at_us; never backwards (monotonic). */
static inline void t_clock_set_us(uint64_t at_us)
{
	if (at_us > t_clock_now_us)
		t_clock_now_us = at_us;
}

/* Moves the test clock forward without running anything: a link's delay
 * between a send and its delivery. */
static inline void t_clock_advance_us(uint64_t us)
{
	t_clock_now_us += us;
}

/* A new loop on the test clock. */
static inline struct evloop *t_loop_new(void)
{
	struct evloop *loop = evloop_new();

	ck_assert_ptr_nonnull(loop);
	evloop_clock_set(loop, t_clock_read, NULL);
	return loop;
}

/* What the test delivers between loop turns (its fake network, the other
 * end's poll): returns how much it did (packets, messages), 0 when it had
 * nothing.  NULL for none. */
typedef unsigned int (*t_pump_fn)(void);

/* Quiet turns in a row that end an instant: nothing ran, nothing pumped,
 * no timer due.  Two, because a quiet turn's hooks may still have flushed
 * into the pump. */
#define T_QUIET_TURNS 2
/* A loop that never gets quiet at one instant is a bug (a timer re-armed
 * for now forever), not something to wait out. */
#define T_MAX_TURNS 10000000u

/* One turn at the present instant: the loop with no wait, then the pump
 * (what the turn sent is delivered before anyone looks).  True when
 * anything happened or a timer is still due now. */
static inline bool t_turn(struct evloop *loop, t_pump_fn pump)
{
	int ran = evloop_run_once(loop, 0);
	unsigned int pumped = pump ? pump() : 0;

	ck_assert_int_ge(ran, 0);
	return pumped || ran > 0 || evloop_timer_next(loop) <= evloop_now_ms(loop);
}

/* Runs turns at the present instant until the loop is quiet. */
static inline void t_settle(struct evloop *loop, t_pump_fn pump)
{
	unsigned int quiet = 0;

	for (unsigned int turns = 0; quiet < T_QUIET_TURNS; turns++) {
		ck_assert_msg(turns < T_MAX_TURNS, "the loop never settles at %llu ms",
			      (unsigned long long)evloop_now_ms(loop));
		quiet = t_turn(loop, pump) ? 0 : quiet + 1;
	}
}

/* Moves the test clock to the next due timer, or to end_ms if that comes
 * first.  False when already at end_ms. */
static inline bool t_clock_next(struct evloop *loop, uint64_t end_ms)
{
	uint64_t next = evloop_timer_next(loop);

	if (evloop_now_update(loop) >= end_ms)
		return false;
	t_clock_set_us((next < end_ms ? next : end_ms) * 1000u);
	return true;
}

/* Runs ms of test time: settles, jumps to the next due timer, settles,
 * and so on; ends settled at now + ms.  Timers fire at their expiry, in
 * order, however slow the machine. */
static inline void t_run_for(struct evloop *loop, uint64_t ms, t_pump_fn pump)
{
	uint64_t end = evloop_now_update(loop) + ms;

	if (pump)
		pump();		/* what the caller just sent, before any timer */
	do
		t_settle(loop, pump);
	while (t_clock_next(loop, end));
}

/* Runs turn by turn until cond holds, test time jumping to the next timer
 * whenever the loop is quiet; fails after max_ms of test time.  cond is
 * checked between turns, so a test can stop a replay halfway. */
#define T_RUN_UNTIL(loop, pump, cond, max_ms)                                           \
	do {                                                                            \
		uint64_t end_ = evloop_now_update(loop) + (max_ms);                     \
		unsigned int quiet_ = 0;                                                \
		while (!(cond)) {                                                       \
			quiet_ = t_turn((loop), (pump)) ? 0 : quiet_ + 1;               \
			if (quiet_ >= T_QUIET_TURNS) {                                  \
				quiet_ = 0;                                             \
				if (!t_clock_next((loop), end_))                        \
					break;                                          \
			}                                                               \
		}                                                                       \
		ck_assert_msg((cond), "no " #cond " after %llu test ms",                \
			      (unsigned long long)(max_ms));                            \
	} while (0)

/* Wall milliseconds, to report how long something took (a replay's
 * rate); never to decide whether a test passes. */
static inline uint64_t t_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
