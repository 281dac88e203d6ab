/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's one event loop: epoll for file descriptors, a 4-ary
 * min-heap of timers, signalfd for signals, and end-of-iteration hooks.
 * One thread owns it; callbacks run to completion and must not block.
 *
 * One turn of evloop_run_once():
 *   1. epoll_wait until an fd is ready, the earliest timer is due, or the
 *      caller's timeout passes;
 *   2. refresh the cached clock (evloop_now_ms);
 *   3. fd callbacks (signals arrive here, through the signalfd);
 *   4. due timers, earliest first, ties in the order they were armed;
 *   5. end-of-iteration hooks (the UDP layer flushes its TX batch here, so
 *      replies produced by steps 3 and 4 leave in one sendmmsg).
 *
 * Re-entrancy: from any callback one may add, modify or remove any fd
 * (including one whose event is already pending in this turn: it is then
 * not delivered), arm or cancel any timer (a timer re-armed for "now" from
 * its own callback fires next turn, never in a loop within this one), and
 * add or remove hooks.
 */
#ifndef LISPGW_EVLOOP_H
#define LISPGW_EVLOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evloop;

/* Interest and readiness bits.  EV_ERROR is only ever reported (error or
 * hang-up on the fd); it comes together with the bits the fd asked for, so
 * that the read or write that follows collects the error.  EV_PEER_CLOSED:
 * a stream socket's peer shut down its sending side (EPOLLRDHUP), asked for
 * alone by one who watches a socket that someone else reads. */
#define EV_READ		0x1u
#define EV_WRITE	0x2u
#define EV_ERROR	0x4u
#define EV_PEER_CLOSED	0x8u

typedef void (*evloop_fd_fn)(int fd, unsigned int events, void *arg);
typedef void (*evloop_signal_fn)(int signo, void *arg);

struct evtimer;
typedef void (*evtimer_fn)(struct evtimer *t, void *arg);

/*
 * A timer lives in its owner's object (a registration, a retransmission),
 * so arming allocates nothing and a million of them cost 40 bytes each plus
 * 16 bytes of heap slot.  Fields are private to evloop.c.
 */
struct evtimer {
	uint64_t expire_ms;	/* absolute, on the evloop_now_ms() clock */
	uint64_t seq;		/* arm order: equal expiries fire first-armed first */
	uint32_t heap_idx;	/* slot in the heap, EVTIMER_IDLE when not armed */
	evtimer_fn cb;
	void *arg;
};

#define EVTIMER_IDLE UINT32_MAX

/* An end-of-iteration hook, embedded by its owner. */
typedef void (*evloop_idle_fn)(void *arg);
struct evloop_idle {
	evloop_idle_fn fn;
	void *arg;
	struct evloop_idle *prev, *next;
	bool linked;
};

/* NULL + errno on failure. */
struct evloop *evloop_new(void);
/* Closes the loop's own fds (epoll, signalfd); leaves the watched fds and
 * the timers alone: cancel timers and remove fds first.  Signals taken by
 * evloop_signal_add stay blocked. */
void evloop_free(struct evloop *loop);

/* Runs until evloop_stop(); 0, or -errno if epoll itself fails. */
int evloop_run(struct evloop *loop);
/* Makes evloop_run return after the current turn. */
void evloop_stop(struct evloop *loop);
/*
 * One turn, waiting at most timeout_ms (-1: until something happens,
 * 0: poll); a stop and continue of the process (SIGSTOP, a debugger) does
 * not end the wait early.  Returns the number of fd callbacks and timers run (the
 * signals of one turn count once, as their signalfd's event; hooks not
 * counted), or -errno.
 */
int evloop_run_once(struct evloop *loop, int timeout_ms);

/* Monotonic milliseconds, cached when epoll_wait returns so that every
 * callback of a turn sees the same now; evtimer_arm counts from it.  Code
 * that arms timers after a long start-up outside the loop should call
 * evloop_now_update() first. */
uint64_t evloop_now_ms(const struct evloop *loop);
/* Re-reads the clock (after a long computation inside a callback). */
uint64_t evloop_now_update(struct evloop *loop);

/*
 * The loop's clock: monotonic microseconds.  By default CLOCK_MONOTONIC;
 * evloop_clock_set() replaces it (fn NULL restores the default) and
 * re-reads now.  A test gives the loop a clock it advances itself, as
 * DPDK's and the kernel's timer tests do, so that timers fire because the
 * test moved time, not because the machine kept up with wall time.
 *
 * With a replaced clock, time is its owner's to move: evloop_run_once
 * fires what is due at the clock's now but never sleeps in epoll_wait
 * waiting for a timer (only for the caller's timeout, for file
 * descriptors); evloop_timer_next() tells the owner where to move it.
 */
typedef uint64_t (*evloop_clock_fn)(void *arg);
void evloop_clock_set(struct evloop *loop, evloop_clock_fn fn, void *arg);
/* Reads the loop's clock now, uncached: for durations finer than a
 * millisecond (a probe's round trip) that must agree with the timers. */
uint64_t evloop_clock_us(const struct evloop *loop);
/* Absolute expiry (evloop_now_ms clock) of the earliest pending timer;
 * UINT64_MAX when none is armed. */
uint64_t evloop_timer_next(const struct evloop *loop);

/*
 * File descriptors.  events: EV_READ | EV_WRITE (either may be absent).
 * Level-triggered: a reader that stops before EAGAIN (a budget) is called
 * again next turn.  Remove an fd before closing it.
 * add: -EEXIST if already watched, -EBADF, -EINVAL, -ENOMEM, or epoll's
 * -errno.  mod/del: -ENOENT if not watched.
 */
int evloop_fd_add(struct evloop *loop, int fd, unsigned int events, evloop_fd_fn cb,
		  void *arg);
int evloop_fd_mod(struct evloop *loop, int fd, unsigned int events);
int evloop_fd_del(struct evloop *loop, int fd);

/*
 * Signals through one signalfd.  Adding blocks the signal in the process
 * mask (the daemon is single-threaded; children would inherit the mask).
 * Like all standard signals, two raised before the loop reads them are one
 * delivery.  -EINVAL for an invalid signal or SIGKILL/SIGSTOP, -EEXIST if
 * already handled.  Removing keeps the signal blocked.
 */
int evloop_signal_add(struct evloop *loop, int signo, evloop_signal_fn cb, void *arg);
int evloop_signal_del(struct evloop *loop, int signo);

/* Timers.  init once; arm re-arms a pending timer (O(log n)); cancel is a
 * no-op on an idle timer.  arm: 0 or -ENOMEM (the heap array grows by
 * doubling; nothing is allocated per timer). */
void evtimer_init(struct evtimer *t, evtimer_fn cb, void *arg);
int evtimer_arm(struct evloop *loop, struct evtimer *t, uint64_t delay_ms);
int evtimer_arm_at(struct evloop *loop, struct evtimer *t, uint64_t expire_ms);
void evtimer_cancel(struct evloop *loop, struct evtimer *t);

static inline bool evtimer_pending(const struct evtimer *t)
{
	return t->heap_idx != EVTIMER_IDLE;
}

/* Absolute expiry of a pending timer. */
static inline uint64_t evtimer_expiry_ms(const struct evtimer *t)
{
	return t->expire_ms;
}

size_t evloop_timer_count(const struct evloop *loop);
/* Debug: 0 when every parent expires no later than its children and every
 * timer's heap_idx names its slot; -EINVAL otherwise.  O(n). */
int evtimer_heap_check(const struct evloop *loop);

/* End-of-iteration hooks, run in the order added, once per turn.  Adding
 * or removing any hook is safe at any time, from a hook too (one added
 * while the hooks run also runs in that turn). */
void evloop_idle_add(struct evloop *loop, struct evloop_idle *h, evloop_idle_fn fn,
		     void *arg);
void evloop_idle_del(struct evloop *loop, struct evloop_idle *h);

#endif
