/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event loop: timer order and ties, cancel and re-arm
 * from callbacks (no spinning on delay 0), 100k timers under random
 * arm/cancel with the heap checked as it goes, fd removal of a pending
 * event inside a callback (also when the fd number is reused at once),
 * signals through signalfd, run_once timeouts (also across a stop and
 * continue of the process), stop, end-of-turn hooks, the peer's close of
 * a socket watched for it alone.
 * Every test runs in well under a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_util.h"
#include "evloop.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static uint64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Runs turns until *done or 3 s pass. */
static void run_until(struct evloop *loop, const bool *done)
{
	uint64_t end = wall_ms() + 3000;

	while (!*done && wall_ms() < end)
		ck_assert_int_ge(evloop_run_once(loop, 100), 0);
	ck_assert_msg(*done, "loop did not finish in 3 s");
}

/* ---- timers ---- */

struct order_rec {
	struct evloop *loop;
	int fired[16];
	int n;
	bool done;
	int expect;
};

struct tagged_timer {
	struct evtimer t;
	int tag;
	struct order_rec *rec;
};

static void order_cb(struct evtimer *t, void *arg)
{
	struct tagged_timer *tt = arg;

	ck_assert_ptr_eq(t, &tt->t);
	ck_assert_uint_le(evtimer_expiry_ms(t), evloop_now_ms(tt->rec->loop));
	ck_assert(!evtimer_pending(t));
	tt->rec->fired[tt->rec->n++] = tt->tag;
	tt->rec->done = tt->rec->n == tt->rec->expect;
}

START_TEST(timers_fire_in_order)
{
	struct evloop *loop = evloop_new();
	struct order_rec rec = { .loop = loop, .expect = 5 };
	static const uint64_t delay[5] = { 30, 10, 20, 10, 0 };
	struct tagged_timer tt[5];
	uint64_t t0;

	ck_assert_ptr_nonnull(loop);
	t0 = evloop_now_ms(loop);
	for (int i = 0; i < 5; i++) {
		tt[i].tag = i;
		tt[i].rec = &rec;
		evtimer_init(&tt[i].t, order_cb, &tt[i]);
		ck_assert(!evtimer_pending(&tt[i].t));
		ck_assert_int_eq(evtimer_arm(loop, &tt[i].t, delay[i]), 0);
		ck_assert(evtimer_pending(&tt[i].t));
	}
	ck_assert_uint_eq(evloop_timer_count(loop), 5);
	ck_assert_int_eq(evtimer_heap_check(loop), 0);
	run_until(loop, &rec.done);
	/* 10 ms twice: first armed fires first. */
	ck_assert_int_eq(rec.fired[0], 4);
	ck_assert_int_eq(rec.fired[1], 1);
	ck_assert_int_eq(rec.fired[2], 3);
	ck_assert_int_eq(rec.fired[3], 2);
	ck_assert_int_eq(rec.fired[4], 0);
	ck_assert_uint_ge(wall_ms() - t0, 30);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
	evloop_free(loop);
}
END_TEST

START_TEST(timer_cancel_and_rearm)
{
	struct evloop *loop = evloop_new();
	struct order_rec rec = { .loop = loop, .expect = 2 };
	struct tagged_timer tt[3];

	for (int i = 0; i < 3; i++) {
		tt[i].tag = i;
		tt[i].rec = &rec;
		evtimer_init(&tt[i].t, order_cb, &tt[i]);
		ck_assert_int_eq(evtimer_arm(loop, &tt[i].t, 5 + 5 * (uint64_t)i), 0);
	}
	evtimer_cancel(loop, &tt[1].t);
	ck_assert(!evtimer_pending(&tt[1].t));
	evtimer_cancel(loop, &tt[1].t);		/* idle: no-op */
	/* Re-arming a pending timer moves it: 0 now fires after 2. */
	ck_assert_int_eq(evtimer_arm(loop, &tt[0].t, 40), 0);
	ck_assert_uint_eq(evloop_timer_count(loop), 2);
	ck_assert_int_eq(evtimer_heap_check(loop), 0);
	run_until(loop, &rec.done);
	ck_assert_int_eq(rec.fired[0], 2);
	ck_assert_int_eq(rec.fired[1], 0);
	ck_assert_int_eq(evloop_run_once(loop, 20), 0);	/* 1 never fires */
	ck_assert_int_eq(rec.n, 2);
	evloop_free(loop);
}
END_TEST

struct rearm_state {
	struct evloop *loop;
	struct evtimer t;
	int fired;
	int limit;
	uint64_t delay;
};

static void rearm_cb(struct evtimer *t, void *arg)
{
	struct rearm_state *s = arg;

	if (++s->fired < s->limit)
		ck_assert_int_eq(evtimer_arm(s->loop, t, s->delay), 0);
}

START_TEST(timer_rearm_inside_callback)
{
	struct evloop *loop = evloop_new();
	struct rearm_state s = { .loop = loop, .limit = 5, .delay = 0 };

	evtimer_init(&s.t, rearm_cb, &s);
	evtimer_arm(loop, &s.t, 0);
	/* Delay 0 from its own callback: once per turn, never a spin. */
	for (int i = 1; i <= 5; i++) {
		ck_assert_int_eq(evloop_run_once(loop, 0), 1);
		ck_assert_int_eq(s.fired, i);
	}
	ck_assert(!evtimer_pending(&s.t));
	ck_assert_int_eq(evloop_run_once(loop, 0), 0);

	/* And with a real delay, driven by evloop_run's waits. */
	s.fired = 0;
	s.limit = 3;
	s.delay = 5;
	evtimer_arm(loop, &s.t, 5);
	while (evtimer_pending(&s.t))
		ck_assert_int_ge(evloop_run_once(loop, 1000), 0);
	ck_assert_int_eq(s.fired, 3);
	evloop_free(loop);
}
END_TEST

#define MANY 100000

struct many_state {
	struct evloop *loop;
	uint64_t last_expire;
	uint64_t last_seq;
	size_t fired;
	bool *cancelled;
	bool done;
	size_t expect;
	int bad_cancelled, bad_order, bad_early;
};

struct many_timer {
	struct evtimer t;
	struct many_state *st;
	uint32_t id;
};

/* Plain compares, counted: a ck_assert per timer would cost a write(2)
 * each (Check records every assertion's location through a pipe). */
static void many_cb(struct evtimer *t, void *arg)
{
	struct many_timer *m = arg;
	struct many_state *st = m->st;

	if (st->cancelled[m->id])
		st->bad_cancelled++;
	/* Non-decreasing (expiry, arm order) across the whole run. */
	if (st->fired > 0 && !(t->expire_ms > st->last_expire ||
			       (t->expire_ms == st->last_expire && t->seq > st->last_seq)))
		st->bad_order++;
	if (t->expire_ms > evloop_now_ms(st->loop))
		st->bad_early++;
	st->last_expire = t->expire_ms;
	st->last_seq = t->seq;
	st->done = ++st->fired == st->expect;
}

START_TEST(timers_100k_random)
{
	struct evloop *loop = evloop_new();
	struct many_timer *tm = calloc(MANY, sizeof(*tm));
	bool *cancelled = calloc(MANY, sizeof(*cancelled));
	struct many_state st = { .loop = loop, .cancelled = cancelled };
	size_t armed = 0;
	int arm_fail = 0;

	ck_assert_ptr_nonnull(tm);
	for (uint32_t i = 0; i < MANY; i++) {
		tm[i].st = &st;
		tm[i].id = i;
		evtimer_init(&tm[i].t, many_cb, &tm[i]);
	}
	/* Far-future expiries first: arm, re-arm and cancel at random, with
	 * the invariants checked as the heap grows and shrinks. */
	for (uint32_t op = 0; op < 4 * MANY; op++) {
		struct many_timer *m = &tm[rnd() % MANY];
		uint32_t r = rnd() % 3;

		if (r < 2) {
			armed += !evtimer_pending(&m->t);
			arm_fail |= evtimer_arm(loop, &m->t, 100000 + rnd() % 1000000);
		} else {
			armed -= evtimer_pending(&m->t);
			evtimer_cancel(loop, &m->t);
		}
		if (op % 20000 == 0)
			ck_assert_int_eq(evtimer_heap_check(loop), 0);
	}
	ck_assert_int_eq(arm_fail, 0);
	ck_assert_uint_eq(evloop_timer_count(loop), armed);
	ck_assert_int_eq(evtimer_heap_check(loop), 0);
	/* Then bring everything into the next 30 ms (many equal expiries),
	 * cancel a random third, and let the loop fire the rest in order. */
	for (uint32_t i = 0; i < MANY; i++)
		arm_fail |= evtimer_arm(loop, &tm[i].t, rnd() % 30);
	ck_assert_int_eq(arm_fail, 0);
	ck_assert_uint_eq(evloop_timer_count(loop), MANY);
	ck_assert_int_eq(evtimer_heap_check(loop), 0);
	for (uint32_t i = 0; i < MANY; i++) {
		if (rnd() % 3 == 0) {
			cancelled[i] = true;
			evtimer_cancel(loop, &tm[i].t);
		}
	}
	ck_assert_int_eq(evtimer_heap_check(loop), 0);
	st.expect = evloop_timer_count(loop);
	ck_assert_uint_gt(st.expect, MANY / 2);
	run_until(loop, &st.done);
	ck_assert_uint_eq(st.fired, st.expect);
	ck_assert_int_eq(st.bad_cancelled, 0);
	ck_assert_int_eq(st.bad_order, 0);
	ck_assert_int_eq(st.bad_early, 0);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
	evloop_free(loop);
	free(tm);
	free(cancelled);
}
END_TEST

/* ---- file descriptors ---- */

struct fd_pair_state {
	struct evloop *loop;
	int rd[2], wr[2];
	int calls[2];
	int stale_calls;
};

static void stale_cb(int fd, unsigned int events, void *arg)
{
	struct fd_pair_state *s = arg;

	(void)fd;
	(void)events;
	s->stale_calls++;
}

/* Whichever runs first removes and closes the other, then opens a new pipe
 * that takes the freed number: the other's pending event must reach no
 * one, neither the old owner nor the new. */
static void remove_other_cb(int fd, unsigned int events, void *arg)
{
	struct fd_pair_state *s = arg;
	int me = fd == s->rd[0] ? 0 : 1, other = 1 - me, p[2], old;
	char c;

	ck_assert(events & EV_READ);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	if (s->calls[0] + s->calls[1] > 0) {
		s->calls[me]++;		/* the survivor, a later turn */
		return;
	}
	s->calls[me]++;
	old = s->rd[other];
	ck_assert_int_eq(evloop_fd_del(s->loop, old), 0);
	close(old);
	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(p[0], old);	/* the lowest free number: reused */
	ck_assert_int_eq(evloop_fd_add(s->loop, p[0], EV_READ, stale_cb, s), 0);
	s->rd[other] = p[0];
	close(s->wr[other]);
	s->wr[other] = p[1];
}

START_TEST(fd_remove_pending_inside_callback)
{
	struct fd_pair_state s = { .loop = evloop_new() };
	char c = 'x';

	for (int i = 0; i < 2; i++) {
		int p[2];

		ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
		s.rd[i] = p[0];
		s.wr[i] = p[1];
		ck_assert_int_eq(write(p[1], &c, 1), 1);
		ck_assert_int_eq(evloop_fd_add(s.loop, p[0], EV_READ, remove_other_cb, &s), 0);
	}
	/* Both are ready, so both events come in one epoll batch. */
	ck_assert_int_eq(evloop_run_once(s.loop, 1000), 1);
	ck_assert_int_eq(s.calls[0] + s.calls[1], 1);
	ck_assert_int_eq(s.stale_calls, 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 0);
	/* The new owner of the reused number does hear its own events. */
	ck_assert_int_eq(write(s.wr[0], &c, 1), 1);
	ck_assert_int_eq(write(s.wr[1], &c, 1), 1);
	ck_assert_int_eq(evloop_run_once(s.loop, 1000), 2);
	ck_assert_int_eq(s.stale_calls, 1);
	ck_assert_int_eq(s.calls[0] + s.calls[1], 2);
	for (int i = 0; i < 2; i++) {
		evloop_fd_del(s.loop, s.rd[i]);
		close(s.rd[i]);
		close(s.wr[i]);
	}
	evloop_free(s.loop);
}
END_TEST

struct self_state {
	struct evloop *loop;
	int calls;
	unsigned int last;
};

static void remove_self_cb(int fd, unsigned int events, void *arg)
{
	struct self_state *s = arg;

	s->calls++;
	s->last = events;
	ck_assert_int_eq(evloop_fd_del(s->loop, fd), 0);
}

static void count_cb(int fd, unsigned int events, void *arg)
{
	struct self_state *s = arg;

	(void)fd;
	s->calls++;
	s->last = events;
}

START_TEST(fd_modify_and_errors)
{
	struct self_state s = { .loop = evloop_new() };
	int p[2];

	ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(evloop_fd_add(s.loop, -1, EV_READ, count_cb, &s), -EBADF);
	ck_assert_int_eq(evloop_fd_add(s.loop, p[1], 0x10, count_cb, &s), -EINVAL);
	ck_assert_int_eq(evloop_fd_mod(s.loop, p[1], EV_WRITE), -ENOENT);
	ck_assert_int_eq(evloop_fd_del(s.loop, p[1]), -ENOENT);
	ck_assert_int_eq(evloop_fd_add(s.loop, p[1], EV_WRITE, count_cb, &s), 0);
	ck_assert_int_eq(evloop_fd_add(s.loop, p[1], EV_READ, count_cb, &s), -EEXIST);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	ck_assert_uint_eq(s.last, EV_WRITE);
	/* Interest dropped: a writable pipe no longer wakes us. */
	ck_assert_int_eq(evloop_fd_mod(s.loop, p[1], 0), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 0);
	ck_assert_int_eq(evloop_fd_mod(s.loop, p[1], EV_WRITE), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	ck_assert_int_eq(evloop_fd_del(s.loop, p[1]), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 0);

	/* Removing itself from its own callback. */
	s.calls = 0;
	ck_assert_int_eq(evloop_fd_add(s.loop, p[1], EV_WRITE, remove_self_cb, &s), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 0);
	ck_assert_int_eq(s.calls, 1);

	/* The reader side gone: the writer hears EV_ERROR with its bits. */
	close(p[0]);
	s.calls = 0;
	ck_assert_int_eq(evloop_fd_add(s.loop, p[1], EV_WRITE, count_cb, &s), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	ck_assert_uint_eq(s.last, EV_ERROR | EV_WRITE);
	/* Closed before removal: del still clears the slot. */
	close(p[1]);
	ck_assert_int_eq(evloop_fd_del(s.loop, p[1]), 0);
	evloop_free(s.loop);
}
END_TEST

/* A watch on the peer's close alone: data that someone else reads does
 * not wake it, the peer's shutdown of its side does (rest.c's use). */
START_TEST(fd_peer_closed)
{
	struct self_state s = { .loop = evloop_new() };
	int sp[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp), 0);
	ck_assert_int_eq(evloop_fd_add(s.loop, sp[0], EV_PEER_CLOSED, count_cb, &s), 0);
	ck_assert_int_eq(write(sp[1], "x", 1), 1);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 0);
	ck_assert_int_eq(shutdown(sp[1], SHUT_WR), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	ck_assert_uint_eq(s.last, EV_PEER_CLOSED);
	/* A reader asking for EV_READ too hears both. */
	ck_assert_int_eq(evloop_fd_mod(s.loop, sp[0], EV_READ | EV_PEER_CLOSED), 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	ck_assert_uint_eq(s.last, EV_READ | EV_PEER_CLOSED);
	ck_assert_int_eq(evloop_fd_del(s.loop, sp[0]), 0);
	close(sp[0]);
	close(sp[1]);
	evloop_free(s.loop);
}
END_TEST

/* ---- signals, timeouts, stop, hooks ---- */

struct sig_state {
	int got[_NSIG];
	bool done;
};

static void sig_cb(int signo, void *arg)
{
	struct sig_state *s = arg;

	s->got[signo]++;
	s->done = true;
}

START_TEST(signals_through_signalfd)
{
	struct evloop *loop = evloop_new();
	struct sig_state s = { 0 };

	ck_assert_int_eq(evloop_signal_add(loop, SIGKILL, sig_cb, &s), -EINVAL);
	ck_assert_int_eq(evloop_signal_add(loop, SIGHUP, sig_cb, &s), 0);
	ck_assert_int_eq(evloop_signal_add(loop, SIGHUP, sig_cb, &s), -EEXIST);
	ck_assert_int_eq(evloop_signal_add(loop, SIGUSR1, sig_cb, &s), 0);
	/* Blocked, so raise() leaves it pending for the signalfd instead of
	 * running the default action (which would end this process). */
	ck_assert_int_eq(raise(SIGHUP), 0);
	run_until(loop, &s.done);
	ck_assert_int_eq(s.got[SIGHUP], 1);
	ck_assert_int_eq(s.got[SIGUSR1], 0);
	s.done = false;
	ck_assert_int_eq(kill(getpid(), SIGUSR1), 0);
	run_until(loop, &s.done);
	ck_assert_int_eq(s.got[SIGUSR1], 1);

	/* Removed: stays blocked and pending, the loop no longer reports it. */
	ck_assert_int_eq(evloop_signal_del(loop, SIGUSR1), 0);
	ck_assert_int_eq(evloop_signal_del(loop, SIGUSR1), -ENOENT);
	ck_assert_int_eq(raise(SIGUSR1), 0);
	ck_assert_int_eq(evloop_run_once(loop, 20), 0);
	ck_assert_int_eq(s.got[SIGUSR1], 1);
	evloop_free(loop);
}
END_TEST

START_TEST(run_once_timeout)
{
	struct evloop *loop = evloop_new();
	struct rearm_state s = { .loop = loop, .limit = 1 };
	uint64_t t0 = wall_ms(), dt;

	ck_assert_int_eq(evloop_run_once(loop, 50), 0);
	dt = wall_ms() - t0;
	ck_assert_msg(dt >= 50 && dt < 1000, "waited %llu ms", (unsigned long long)dt);
	ck_assert_uint_ge(evloop_now_ms(loop), t0 + 50);

	/* A later timer does not shorten or outlast the caller's timeout... */
	evtimer_init(&s.t, rearm_cb, &s);
	evtimer_arm(loop, &s.t, 300);
	t0 = wall_ms();
	ck_assert_int_eq(evloop_run_once(loop, 30), 0);
	dt = wall_ms() - t0;
	ck_assert_msg(dt >= 30 && dt < 250, "waited %llu ms", (unsigned long long)dt);
	/* ...and an earlier one ends an infinite wait on time (counted, like
	 * the timer, from the loop's cached now). */
	t0 = evloop_now_ms(loop);
	evtimer_arm(loop, &s.t, 20);
	ck_assert_int_eq(evloop_run_once(loop, -1), 1);
	dt = wall_ms() - t0;
	ck_assert_msg(dt >= 20 && dt < 1000, "waited %llu ms", (unsigned long long)dt);
	evloop_free(loop);
}
END_TEST

/* A child that stops this process stop_at ms from now and continues it
 * stop_ms later, as a busy host, a debugger or a paused VM does. */
static pid_t stop_me_later(long stop_at, long stop_ms)
{
	pid_t parent = getpid(), pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct timespec a = { .tv_nsec = stop_at * 1000000 };
		struct timespec b = { .tv_nsec = stop_ms * 1000000 };

		nanosleep(&a, NULL);
		kill(parent, SIGSTOP);
		nanosleep(&b, NULL);
		kill(parent, SIGCONT);
		_exit(0);
	}
	return pid;
}

/* epoll_wait fails with EINTR after a stop and continue though nothing
 * happened (signal(7)); the turn still waits out its timeout, and a timer
 * still ends an infinite wait by firing, not by an empty turn. */
START_TEST(run_once_waits_across_stop)
{
	struct evloop *loop = evloop_new();
	struct rearm_state s = { .loop = loop, .limit = 1 };
	uint64_t t0 = wall_ms(), dt;
	pid_t child = stop_me_later(10, 5);
	int status;

	ck_assert_int_eq(evloop_run_once(loop, 60), 0);
	dt = wall_ms() - t0;
	ck_assert_msg(dt >= 60 && dt < 2000, "waited %llu ms", (unsigned long long)dt);
	ck_assert_int_eq(waitpid(child, &status, 0), child);

	evtimer_init(&s.t, rearm_cb, &s);
	evloop_now_update(loop);
	t0 = evloop_now_ms(loop);
	evtimer_arm(loop, &s.t, 40);
	child = stop_me_later(10, 5);
	ck_assert_int_eq(evloop_run_once(loop, -1), 1);
	ck_assert_uint_ge(evloop_now_ms(loop), t0 + 40);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	evloop_free(loop);
}
END_TEST

struct stop_state {
	struct evloop *loop;
	struct evtimer t;
	int ticks;
};

static void stop_cb(struct evtimer *t, void *arg)
{
	struct stop_state *s = arg;

	if (++s->ticks == 3)
		evloop_stop(s->loop);
	else
		evtimer_arm(s->loop, t, 1);
}

START_TEST(run_until_stop)
{
	struct stop_state s = { .loop = evloop_new() };

	evtimer_init(&s.t, stop_cb, &s);
	evtimer_arm(s.loop, &s.t, 1);
	ck_assert_int_eq(evloop_run(s.loop), 0);
	ck_assert_int_eq(s.ticks, 3);
	evloop_free(s.loop);
}
END_TEST

struct hook_state {
	struct evloop *loop;
	struct evloop_idle h[3];
	char trace[32];
	int n;
	struct evtimer t;
};

static void trace_hook(struct hook_state *s, char c)
{
	s->trace[s->n++] = c;
}

static void hook0(void *arg)
{
	struct hook_state *s = arg;

	trace_hook(s, 'a');
	/* Removing the next hook from inside this one. */
	evloop_idle_del(s->loop, &s->h[1]);
}

static void hook1(void *arg)
{
	trace_hook(arg, 'b');
}

static void hook2(void *arg)
{
	trace_hook(arg, 'c');
}

static void hook_timer(struct evtimer *t, void *arg)
{
	(void)t;
	trace_hook(arg, 'T');
}

START_TEST(idle_hooks_end_of_turn)
{
	struct hook_state s = { .loop = evloop_new() };

	evloop_idle_add(s.loop, &s.h[0], hook0, &s);
	evloop_idle_add(s.loop, &s.h[1], hook1, &s);
	evloop_idle_add(s.loop, &s.h[2], hook2, &s);
	evloop_idle_add(s.loop, &s.h[2], hook2, &s);	/* already linked: no-op */
	evtimer_init(&s.t, hook_timer, &s);
	evtimer_arm(s.loop, &s.t, 0);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 1);
	/* Timers before hooks; b removed by a before its turn came. */
	ck_assert_str_eq(s.trace, "Tac");
	evloop_idle_del(s.loop, &s.h[0]);
	evloop_idle_add(s.loop, &s.h[1], hook1, &s);
	ck_assert_int_eq(evloop_run_once(s.loop, 0), 0);
	ck_assert_str_eq(s.trace, "Taccb");
	evloop_idle_del(s.loop, &s.h[1]);
	evloop_idle_del(s.loop, &s.h[2]);
	evloop_free(s.loop);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("evloop");
	TCase *tc = tcase_create("evloop");

	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, timers_fire_in_order);
	tcase_add_test(tc, timer_cancel_and_rearm);
	tcase_add_test(tc, timer_rearm_inside_callback);
	tcase_add_test(tc, timers_100k_random);
	tcase_add_test(tc, fd_remove_pending_inside_callback);
	tcase_add_test(tc, fd_modify_and_errors);
	tcase_add_test(tc, fd_peer_closed);
	tcase_add_test(tc, signals_through_signalfd);
	tcase_add_test(tc, run_once_timeout);
	tcase_add_test(tc, run_once_waits_across_stop);
	tcase_add_test(tc, run_until_stop);
	tcase_add_test(tc, idle_hooks_end_of_turn);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
