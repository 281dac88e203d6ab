/* SPDX-License-Identifier: BSD-3-Clause */
#include "evloop.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* Events taken from the kernel per epoll_wait; more stay queued there and
 * come next turn, after the timers had their chance. */
#define EVLOOP_MAX_EVENTS 64

/*
 * One slot per fd number, found by indexing (fds are small and dense).
 * gen tells a stale event from a live one: epoll hands back 64 bits of our
 * choosing, and we store (gen << 32 | fd).  When a callback removes an fd
 * whose event is still pending in this turn's batch, or closes it and adds
 * a new socket that reuses the number, the slot's gen no longer matches the
 * event's and the event is dropped instead of reaching the wrong owner.
 */
struct fd_watch {
	evloop_fd_fn cb;	/* NULL: not watched */
	void *arg;
	uint32_t events;	/* EV_READ | EV_WRITE | EV_PEER_CLOSED asked for */
	uint32_t gen;
};

/*
 * Heap slot: the expiry is copied next to the pointer so that sifting
 * compares children without touching the timers (four children share a
 * 64-byte line); only equal expiries look at the timers' seq.  A 4-ary
 * heap is half as deep as a binary one, which is what counts when the
 * Map-Server holds a million registration timers.
 */
struct heap_ent {
	uint64_t expire;
	struct evtimer *t;
};

struct signal_handler {
	evloop_signal_fn cb;
	void *arg;
};

struct evloop {
	int epfd;
	int sigfd;		/* -1 until the first evloop_signal_add */
	bool stopping;
	uint64_t now_ms;
	evloop_clock_fn clock;	/* microseconds; NULL: CLOCK_MONOTONIC */
	void *clock_arg;

	struct fd_watch *fds;
	size_t fds_cap;
	uint32_t gen;

	struct heap_ent *heap;
	uint32_t heap_len, heap_cap;
	uint64_t seq;		/* next arm sequence number */

	sigset_t sigmask;	/* signals the signalfd reads */
	struct signal_handler sig[_NSIG];

	struct evloop_idle *idle_head, *idle_tail;
	struct evloop_idle *idle_cursor;	/* next hook to run, kept valid by del */

	struct epoll_event events[EVLOOP_MAX_EVENTS];
};

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t evloop_clock_us(const struct evloop *loop)
{
	return loop->clock ? loop->clock(loop->clock_arg) : monotonic_us();
}

/* Floored, so that a timer is never seen due before its millisecond. */
static uint64_t clock_ms(const struct evloop *loop)
{
	return evloop_clock_us(loop) / 1000u;
}

void evloop_clock_set(struct evloop *loop, evloop_clock_fn fn, void *arg)
{
	loop->clock = fn;
	loop->clock_arg = fn ? arg : NULL;
	loop->now_ms = clock_ms(loop);
}

struct evloop *evloop_new(void)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		int e = errno;

		free(loop);
		errno = e;
		return NULL;
	}
	loop->sigfd = -1;
	sigemptyset(&loop->sigmask);
	loop->now_ms = clock_ms(loop);
	return loop;
}

void evloop_free(struct evloop *loop)
{
	if (!loop)
		return;
	if (loop->sigfd >= 0)
		close(loop->sigfd);
	close(loop->epfd);
	free(loop->fds);
	free(loop->heap);
	free(loop);
}

uint64_t evloop_now_ms(const struct evloop *loop)
{
	return loop->now_ms;
}

uint64_t evloop_now_update(struct evloop *loop)
{
	loop->now_ms = clock_ms(loop);
	return loop->now_ms;
}

void evloop_stop(struct evloop *loop)
{
	loop->stopping = true;
}

/* ---- file descriptors ---- */

static uint32_t epoll_bits(unsigned int events)
{
	return ((events & EV_READ) ? EPOLLIN : 0u) | ((events & EV_WRITE) ? EPOLLOUT : 0u) |
	       ((events & EV_PEER_CLOSED) ? EPOLLRDHUP : 0u);
}

static struct fd_watch *fd_watch_find(struct evloop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->fds_cap || !loop->fds[fd].cb)
		return NULL;
	return &loop->fds[fd];
}

static int fd_table_grow(struct evloop *loop, int fd)
{
	size_t cap = loop->fds_cap ? loop->fds_cap : 64;
	struct fd_watch *n;

	while (cap <= (size_t)fd)
		cap *= 2;
	n = realloc(loop->fds, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	memset(n + loop->fds_cap, 0, (cap - loop->fds_cap) * sizeof(*n));
	loop->fds = n;
	loop->fds_cap = cap;
	return 0;
}

int evloop_fd_add(struct evloop *loop, int fd, unsigned int events, evloop_fd_fn cb,
		  void *arg)
{
	struct epoll_event ev = { 0 };
	uint32_t gen;
	int rc;

	if (fd < 0)
		return -EBADF;
	if (!cb || (events & ~(EV_READ | EV_WRITE | EV_PEER_CLOSED)))
		return -EINVAL;
	if ((size_t)fd >= loop->fds_cap && (rc = fd_table_grow(loop, fd)) < 0)
		return rc;
	if (loop->fds[fd].cb)
		return -EEXIST;
	gen = ++loop->gen;
	ev.events = epoll_bits(events);
	ev.data.u64 = (uint64_t)gen << 32 | (uint32_t)fd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	loop->fds[fd] = (struct fd_watch){ .cb = cb, .arg = arg, .events = events, .gen = gen };
	return 0;
}

int evloop_fd_mod(struct evloop *loop, int fd, unsigned int events)
{
	struct fd_watch *w = fd_watch_find(loop, fd);
	struct epoll_event ev = { 0 };

	if (!w)
		return -ENOENT;
	if (events & ~(EV_READ | EV_WRITE | EV_PEER_CLOSED))
		return -EINVAL;
	if (events == w->events)
		return 0;
	ev.events = epoll_bits(events);
	ev.data.u64 = (uint64_t)w->gen << 32 | (uint32_t)fd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	/* An event for the old mask still pending in this turn is filtered
	 * against this one at dispatch. */
	w->events = events;
	return 0;
}

int evloop_fd_del(struct evloop *loop, int fd)
{
	struct fd_watch *w = fd_watch_find(loop, fd);

	if (!w)
		return -ENOENT;
	/* EBADF/ENOENT: the caller closed the fd first, which already took
	 * it out of the epoll set; the slot must be cleared all the same. */
	if (epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 && errno != EBADF &&
	    errno != ENOENT)
		return -errno;
	w->cb = NULL;
	w->arg = NULL;
	w->events = 0;
	return 0;
}

static int fd_dispatch(struct evloop *loop, int n)
{
	int ran = 0;

	for (int i = 0; i < n; i++) {
		uint64_t data = loop->events[i].data.u64;
		uint32_t got = loop->events[i].events;
		int fd = (int)(uint32_t)data;
		struct fd_watch *w = fd_watch_find(loop, fd);
		unsigned int ev = 0;
		evloop_fd_fn cb;

		if (!w || w->gen != (uint32_t)(data >> 32))
			continue;	/* removed (or replaced) earlier this turn */
		if (got & EPOLLIN)
			ev |= EV_READ;
		if (got & EPOLLOUT)
			ev |= EV_WRITE;
		if (got & (EPOLLRDHUP | EPOLLHUP))
			ev |= EV_PEER_CLOSED;
		if (got & (EPOLLERR | EPOLLHUP))
			ev |= EV_ERROR | w->events;
		ev &= w->events | EV_ERROR;
		if (!ev)
			continue;
		/* Copy out: the callback may grow (move) the table. */
		cb = w->cb;
		cb(fd, ev, w->arg);
		ran++;
	}
	return ran;
}

/* ---- timers: 4-ary min-heap ordered by (expire, seq) ---- */

static inline bool heap_less(const struct heap_ent *a, const struct heap_ent *b)
{
	return a->expire < b->expire || (a->expire == b->expire && a->t->seq < b->t->seq);
}

static inline void heap_place(struct evloop *loop, uint32_t i, struct heap_ent e)
{
	loop->heap[i] = e;
	e.t->heap_idx = i;
}

static void heap_sift_up(struct evloop *loop, uint32_t i, struct heap_ent e)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 4;

		if (!heap_less(&e, &loop->heap[p]))
			break;
		heap_place(loop, i, loop->heap[p]);
		i = p;
	}
	heap_place(loop, i, e);
}

static void heap_sift_down(struct evloop *loop, uint32_t i, struct heap_ent e)
{
	uint32_t n = loop->heap_len;

	for (;;) {
		uint32_t c = 4 * i + 1, end, m;

		if (c >= n)
			break;
		end = c + 4 < n ? c + 4 : n;
		m = c;
		for (uint32_t k = c + 1; k < end; k++)
			if (heap_less(&loop->heap[k], &loop->heap[m]))
				m = k;
		if (!heap_less(&loop->heap[m], &e))
			break;
		heap_place(loop, i, loop->heap[m]);
		i = m;
	}
	heap_place(loop, i, e);
}

/* Puts e at slot i, moving it whichever way the order asks. */
static void heap_fix(struct evloop *loop, uint32_t i, struct heap_ent e)
{
	if (i > 0 && heap_less(&e, &loop->heap[(i - 1) / 4]))
		heap_sift_up(loop, i, e);
	else
		heap_sift_down(loop, i, e);
}

static void heap_remove(struct evloop *loop, struct evtimer *t)
{
	uint32_t i = t->heap_idx;
	uint32_t last = --loop->heap_len;

	t->heap_idx = EVTIMER_IDLE;
	if (i != last)
		heap_fix(loop, i, loop->heap[last]);
}

static int heap_grow(struct evloop *loop)
{
	uint32_t cap = loop->heap_cap ? loop->heap_cap * 2 : 64;
	struct heap_ent *n;

	if (loop->heap_cap >= EVTIMER_IDLE / 2)
		return -ENOMEM;
	n = realloc(loop->heap, (size_t)cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	loop->heap = n;
	loop->heap_cap = cap;
	return 0;
}

void evtimer_init(struct evtimer *t, evtimer_fn cb, void *arg)
{
	t->expire_ms = 0;
	t->seq = 0;
	t->heap_idx = EVTIMER_IDLE;
	t->cb = cb;
	t->arg = arg;
}

int evtimer_arm_at(struct evloop *loop, struct evtimer *t, uint64_t expire_ms)
{
	struct heap_ent e = { .expire = expire_ms, .t = t };

	if (t->heap_idx != EVTIMER_IDLE) {
		t->expire_ms = expire_ms;
		t->seq = loop->seq++;
		heap_fix(loop, t->heap_idx, e);
		return 0;
	}
	if (loop->heap_len == loop->heap_cap) {
		int rc = heap_grow(loop);

		if (rc < 0)
			return rc;
	}
	t->expire_ms = expire_ms;
	t->seq = loop->seq++;
	heap_sift_up(loop, loop->heap_len++, e);
	return 0;
}

int evtimer_arm(struct evloop *loop, struct evtimer *t, uint64_t delay_ms)
{
	uint64_t at = loop->now_ms + delay_ms;

	return evtimer_arm_at(loop, t, at < loop->now_ms ? UINT64_MAX : at);
}

void evtimer_cancel(struct evloop *loop, struct evtimer *t)
{
	if (t->heap_idx != EVTIMER_IDLE)
		heap_remove(loop, t);
}

size_t evloop_timer_count(const struct evloop *loop)
{
	return loop->heap_len;
}

uint64_t evloop_timer_next(const struct evloop *loop)
{
	return loop->heap_len > 0 ? loop->heap[0].expire : UINT64_MAX;
}

int evtimer_heap_check(const struct evloop *loop)
{
	for (uint32_t i = 0; i < loop->heap_len; i++) {
		const struct heap_ent *e = &loop->heap[i];

		if (e->t->heap_idx != i || e->t->expire_ms != e->expire)
			return -EINVAL;
		if (i > 0 && heap_less(e, &loop->heap[(i - 1) / 4]))
			return -EINVAL;
	}
	return 0;
}

/*
 * Fires what is due at the cached now.  A timer armed during this pass
 * (its seq is at least pass_seq) waits for the next turn even when due,
 * so a callback that re-arms itself with delay 0 cannot spin here.  Such
 * timers always sort after every timer due from before the pass (their
 * expiry is >= now, their seq larger), so stopping at the first one is
 * exact.
 */
static int timers_run(struct evloop *loop)
{
	uint64_t pass_seq = loop->seq;
	int ran = 0;

	while (loop->heap_len > 0) {
		struct evtimer *t = loop->heap[0].t;

		if (loop->heap[0].expire > loop->now_ms || t->seq >= pass_seq)
			break;
		heap_remove(loop, t);
		t->cb(t, t->arg);
		ran++;
	}
	return ran;
}

/* ---- signals ---- */

static void signal_read(int fd, unsigned int events, void *arg)
{
	struct evloop *loop = arg;
	struct signalfd_siginfo si[8];
	ssize_t n;

	(void)events;
	while ((n = read(fd, si, sizeof(si))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++) {
			uint32_t signo = si[i].ssi_signo;

			if (signo < _NSIG && loop->sig[signo].cb)
				loop->sig[signo].cb((int)signo, loop->sig[signo].arg);
		}
		if ((size_t)n < sizeof(si))
			break;
	}
}

int evloop_signal_add(struct evloop *loop, int signo, evloop_signal_fn cb, void *arg)
{
	sigset_t one, mask = loop->sigmask;
	int rc;

	if (signo <= 0 || signo >= _NSIG || signo == SIGKILL || signo == SIGSTOP || !cb)
		return -EINVAL;
	if (loop->sig[signo].cb)
		return -EEXIST;
	sigemptyset(&one);
	sigaddset(&one, signo);
	sigaddset(&mask, signo);
	/* Block first: a signal raised between the two calls then waits in
	 * the pending set for the signalfd instead of killing us. */
	if (sigprocmask(SIG_BLOCK, &one, NULL) < 0)
		return -errno;
	if (loop->sigfd < 0) {
		int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

		if (fd < 0)
			return -errno;
		rc = evloop_fd_add(loop, fd, EV_READ, signal_read, loop);
		if (rc < 0) {
			close(fd);
			return rc;
		}
		loop->sigfd = fd;
	} else if (signalfd(loop->sigfd, &mask, 0) < 0) {
		return -errno;
	}
	loop->sigmask = mask;
	loop->sig[signo] = (struct signal_handler){ .cb = cb, .arg = arg };
	return 0;
}

int evloop_signal_del(struct evloop *loop, int signo)
{
	sigset_t mask = loop->sigmask;

	if (signo <= 0 || signo >= _NSIG || !loop->sig[signo].cb)
		return -ENOENT;
	sigdelset(&mask, signo);
	if (signalfd(loop->sigfd, &mask, 0) < 0)
		return -errno;
	loop->sigmask = mask;
	loop->sig[signo] = (struct signal_handler){ 0 };
	return 0;
}

/* ---- end-of-iteration hooks ---- */

void evloop_idle_add(struct evloop *loop, struct evloop_idle *h, evloop_idle_fn fn,
		     void *arg)
{
	if (h->linked)
		return;
	h->fn = fn;
	h->arg = arg;
	h->next = NULL;
	h->prev = loop->idle_tail;
	if (loop->idle_tail)
		loop->idle_tail->next = h;
	else
		loop->idle_head = h;
	loop->idle_tail = h;
	h->linked = true;
}

void evloop_idle_del(struct evloop *loop, struct evloop_idle *h)
{
	if (!h->linked)
		return;
	if (loop->idle_cursor == h)
		loop->idle_cursor = h->next;
	if (h->prev)
		h->prev->next = h->next;
	else
		loop->idle_head = h->next;
	if (h->next)
		h->next->prev = h->prev;
	else
		loop->idle_tail = h->prev;
	h->prev = h->next = NULL;
	h->linked = false;
}

static void idle_run(struct evloop *loop)
{
	loop->idle_cursor = loop->idle_head;
	while (loop->idle_cursor) {
		struct evloop_idle *h = loop->idle_cursor;

		loop->idle_cursor = h->next;
		h->fn(h->arg);
	}
}

/* ---- the loop ---- */

/*
 * epoll_wait for the whole of wait ms (-1: until an event).  It sleeps at
 * least that long, so the floor()ed clock read after it has reached the
 * timer's expiry: no early wake-up spin.  A process stopped and continued
 * (SIGSTOP, a debugger, a VM paused on a busy host) gets EINTR from
 * epoll_wait though nothing happened (signal(7), "Interruption of system
 * calls ... by stop signals"): the rest of the wait is waited out rather
 * than a turn handed back empty before its timeout or its timer.  The wait
 * is on the real clock whatever the loop's clock, since epoll sleeps in
 * real time.  Returns the event count or -errno.
 */
static int epoll_wait_full(struct evloop *loop, int wait)
{
	uint64_t until_us = wait > 0 ? monotonic_us() + (uint64_t)wait * 1000u : 0;

	for (;;) {
		int n = epoll_wait(loop->epfd, loop->events, EVLOOP_MAX_EVENTS, wait);
		uint64_t now_us;

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
		if (wait <= 0)
			continue;
		/* Rounded up: never back before the deadline. */
		now_us = monotonic_us();
		wait = now_us >= until_us ? 0 : (int)((until_us - now_us + 999u) / 1000u);
	}
}

int evloop_run_once(struct evloop *loop, int timeout_ms)
{
	int wait = timeout_ms, n, ran;

	loop->now_ms = clock_ms(loop);
	if (loop->heap_len > 0) {
		uint64_t due = loop->heap[0].expire;
		uint64_t d = due <= loop->now_ms ? 0 : due - loop->now_ms;

		if (d > INT_MAX)
			d = INT_MAX;
		/* A replaced clock does not move while epoll sleeps: a timer
		 * not yet due leaves the wait to the caller's timeout. */
		if ((!loop->clock || d == 0) && (wait < 0 || (int)d < wait))
			wait = (int)d;
	}
	n = epoll_wait_full(loop, wait);
	if (n < 0)
		return n;
	loop->now_ms = clock_ms(loop);
	ran = fd_dispatch(loop, n);
	ran += timers_run(loop);
	idle_run(loop);
	return ran;
}

int evloop_run(struct evloop *loop)
{
	int rc = 0;

	while (!loop->stopping) {
		rc = evloop_run_once(loop, -1);
		if (rc < 0)
			break;
		rc = 0;
	}
	loop->stopping = false;
	return rc;
}
