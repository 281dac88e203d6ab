/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CP<->DP ring (common/dp_channel.c) between two threads and two
 * processes: the doorbells (no lost wake-up), 10M messages between two
 * threads with checksums (and their rate), and a forked process that gets
 * the memfd over SCM_RIGHTS and maps it itself.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dp_channel_ring_util.h"

/* The rate of two threads through the ring: reported, never asserted. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct stress {
	struct dp_channel_map *dp, *cp;
	uint64_t n;
	size_t fixed_len;		/* 0: pseudo-random 8..128 */
	bool raw;			/* no payload checksum: the ring's own rate */
	uint64_t sum_in, sum_out;
	uint64_t full_spins;
	bool doorbell;
	int evfd;
	uint64_t wakeups, sleeps;
};

static size_t stress_len(const struct stress *st, uint64_t i)
{
	return st->fixed_len ? st->fixed_len : 8 + (size_t)((i * 2654435761u) >> 7) % 121;
}

static uint64_t csum(uint64_t sum, const uint8_t *p, size_t len)
{
	size_t i = 0;

	/* Position-dependent, so reordered or shifted bytes change it; by
	 * words where it can, so that it costs less than the ring. */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		sum = (sum ^ w) * 0x100000001b3ull;
	}
	for (; i < len; i++)
		sum = (sum ^ p[i]) * 0x100000001b3ull;
	return sum;
}

static void *stress_producer(void *arg)
{
	struct stress *st = arg;
	uint8_t p[256];

	for (uint64_t i = 0; i < st->n; i++) {
		size_t len = stress_len(st, i);

		memcpy(p, &i, 8);	/* the consumer checks the order */
		if (!st->raw) {
			for (size_t k = 8; k < len; k++)
				p[k] = (uint8_t)(i * 31 + k);
			st->sum_in = csum(st->sum_in, p, len);
		}
		while (dp_channel_ring_enqueue(&st->cp->tx, DP_MSG_MAP_UPSERT, p, len) < 0) {
			st->full_spins++;
			sched_yield();
		}
		if (st->doorbell && dp_channel_ring_producer_wake_check(&st->cp->tx)) {
			st->wakeups++;
			dp_channel_eventfd_signal(st->evfd);
		}
	}
	return NULL;
}

static void *stress_consumer(void *arg)
{
	struct stress *st = arg;
	uint8_t p[DP_MSG_PAYLOAD_MAX];
	uint64_t i = 0;

	while (i < st->n) {
		uint16_t type;
		int len = dp_channel_ring_dequeue(&st->dp->rx, &type, p, sizeof(p));
		uint64_t got;

		if (len == -EAGAIN) {
			if (st->doorbell) {
				struct pollfd pf = { .fd = st->evfd, .events = POLLIN };

				if (!dp_channel_ring_consumer_sleep(&st->dp->rx))
					continue;
				st->sleeps++;
				/* A lost wake-up would hang here: fail instead. */
				CHECK(poll(&pf, 1, 5000) == 1);
				dp_channel_eventfd_drain(st->evfd);
			} else {
				sched_yield();
			}
			continue;
		}
		CHECK(len == (int)stress_len(st, i));
		CHECK(type == DP_MSG_MAP_UPSERT);
		memcpy(&got, p, 8);
		CHECK(got == i);
		if (!st->raw)
			st->sum_out = csum(st->sum_out, p, (size_t)len);
		i++;
	}
	return NULL;
}

static double stress_run(struct stress *st)
{
	pthread_t prod, cons;
	uint64_t t0 = now_ns();

	ck_assert_int_eq(pthread_create(&cons, NULL, stress_consumer, st), 0);
	ck_assert_int_eq(pthread_create(&prod, NULL, stress_producer, st), 0);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	ck_assert_uint_eq(st->sum_in, st->sum_out);
	return (double)st->n / ((double)(now_ns() - t0) / 1e9);
}

START_TEST(ring_two_threads_10m)
{
	const char *env = getenv("DP_CHANNEL_RING_STRESS_N");
	uint64_t n = env ? strtoull(env, NULL, 0) : 10000000;
	struct dp_channel_map dp, cp;
	struct stress st;
	double rate;

	/* Checksummed, lengths 8..128, through a small ring: the producer
	 * catches up with the consumer often and the slot array wraps ~40k
	 * times. */
	pair_make(4096, 64, &dp, &cp);
	st = (struct stress){ .n = n, .dp = &dp, .cp = &cp };
	rate = stress_run(&st);
	fprintf(stderr, "dp_channel_ring: %llu checksummed messages of 8..128 bytes, "
		"ring 4096 slots: "
		"%.1f M msg/s (%llu full waits)\n", (unsigned long long)n, rate / 1e6,
		(unsigned long long)st.full_spins);
	pair_free(&dp, &cp);

	/* The ring's own rate: 64-byte payloads (a one-RLOC upsert is 64),
	 * only the sequence number checked, the default CP->DP ring. */
	pair_make(DP_CHANNEL_CP_SLOTS_DEF, 64, &dp, &cp);
	st = (struct stress){ .n = n, .dp = &dp, .cp = &cp, .fixed_len = 64, .raw = true };
	rate = stress_run(&st);
	fprintf(stderr, "dp_channel_ring: %llu messages of 64 bytes, ring %u slots: %.1f M msg/s\n",
		(unsigned long long)n, DP_CHANNEL_CP_SLOTS_DEF, rate / 1e6);
	pair_free(&dp, &cp);
}
END_TEST

START_TEST(ring_doorbell_no_lost_wakeup)
{
	struct dp_channel_map dp, cp;
	struct stress st = { .n = 300000, .doorbell = true };

	pair_make(256, 64, &dp, &cp);
	st.dp = &dp;
	st.cp = &cp;
	st.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ck_assert_int_ge(st.evfd, 0);
	stress_run(&st);
	/* The consumer slept and was woken many times, never lost (each
	 * sleep waits at most 5 s, or the consumer fails).  Wake-ups may
	 * outnumber sleeps: a consumer that finds a record after raising its
	 * flag does not sleep, but the producer may have seen the flag. */
	ck_assert_uint_gt(st.sleeps, 100);
	ck_assert_uint_gt(st.wakeups, 0);
	close(st.evfd);
	pair_free(&dp, &cp);
}
END_TEST

START_TEST(ring_space_doorbell)
{
	struct dp_channel_map dp, cp;
	uint8_t buf[DP_MSG_PAYLOAD_MAX];
	uint16_t type;

	pair_make(64, 64, &dp, &cp);
	/* Nobody waits: the consumer's check says so. */
	ck_assert(!dp_channel_ring_consumer_wake_check(&dp.rx));
	while (dp_channel_ring_enqueue(&cp.tx, 1, buf, 100) == 0)
		;
	/* Full: the producer goes to sleep; once the consumer freed room its
	 * check says "wake it", once. */
	ck_assert(dp_channel_ring_producer_sleep(&cp.tx, 100));
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), 100);
	ck_assert(dp_channel_ring_consumer_wake_check(&dp.rx));
	ck_assert(!dp_channel_ring_consumer_wake_check(&dp.rx));
	/* Room already there: no sleep, and no flag left behind. */
	ck_assert(!dp_channel_ring_producer_sleep(&cp.tx, 100));
	ck_assert(!dp_channel_ring_consumer_wake_check(&dp.rx));
	/* The same for data: an empty ring lets the consumer sleep, a record
	 * makes the producer's check wake it, once. */
	while (dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)) >= 0)
		;
	ck_assert(dp_channel_ring_consumer_sleep(&dp.rx));
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, 1, buf, 10), 0);
	ck_assert(dp_channel_ring_producer_wake_check(&cp.tx));
	ck_assert(!dp_channel_ring_producer_wake_check(&cp.tx));
	ck_assert(!dp_channel_ring_consumer_sleep(&dp.rx));	/* a record waits */
	ck_assert(!dp_channel_ring_producer_wake_check(&cp.tx));
	pair_free(&dp, &cp);
}
END_TEST

#define FORK_N 1000000u

static int child_main(int sock)
{
	struct dp_channel_hello h;
	struct dp_channel_map m;
	uint8_t p[DP_MSG_PAYLOAD_MAX];
	uint64_t sum = 0, got = 0;
	int memfd, evfd;

	if (dp_channel_hello_recv(sock, &h, &memfd, &evfd) < 0 || h.status != 0)
		return 10;
	if (dp_channel_region_attach(memfd, &m) < 0 || m.generation != h.generation)
		return 11;
	/* Produce FORK_N records on CP->DP, consume the DP's on DP->CP. */
	for (uint32_t i = 0; i < FORK_N; i++) {
		size_t len = 4 + i % 200;

		memcpy(p, &i, 4);
		fill(p + 4, len - 4, i);
		sum = csum(sum, p, len);
		while (dp_channel_ring_enqueue(&m.tx, DP_MSG_MAP_UPSERT, p, len) < 0)
			sched_yield();
	}
	while (dp_channel_ring_enqueue(&m.tx, DP_MSG_RESYNC_END, &sum, sizeof(sum)) < 0)
		sched_yield();
	for (uint32_t i = 0; i < 1000;) {
		uint16_t type;
		int len = dp_channel_ring_dequeue(&m.rx, &type, p, sizeof(p));

		if (len == -EAGAIN) {
			sched_yield();
			continue;
		}
		if (len != sizeof(struct dp_msg_miss) || type != DP_MSG_MISS)
			return 12;
		got += ((struct dp_msg_miss *)p)->packets;
		i++;
	}
	return got == 1000ull * 999 / 2 ? 0 : 13;
}

START_TEST(forked_process_memfd)
{
	struct dp_channel_map dp;
	struct dp_channel_hello h = { .magic = DP_CHANNEL_MAGIC, .abi = DP_MSG_ABI_VERSION,
				      .generation = 42 };
	uint8_t p[DP_MSG_PAYLOAD_MAX];
	uint64_t sum = 0, child_sum = 0;
	uint32_t next = 0, misses = 0;
	int sv[2], evfd, status;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		_exit(child_main(sv[1]));
	}
	close(sv[1]);
	ck_assert_int_eq(dp_channel_region_create(1024, 256, 42, &dp), 0);
	evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h.region_size = dp.size;
	ck_assert_int_eq(dp_channel_hello_send(sv[0], &h, dp.fd, evfd), 0);
	for (;;) {
		struct dp_msg_miss miss = { .packets = misses };
		uint16_t type;
		int len;
		uint32_t seq;

		/* Both directions at once, never blocking on one: the child
		 * reads its ring only after it wrote all of its own. */
		if (misses < 1000 &&
		    dp_channel_ring_enqueue(&dp.tx, DP_MSG_MISS, &miss, sizeof(miss)) == 0)
			misses++;
		len = dp_channel_ring_dequeue(&dp.rx, &type, p, sizeof(p));
		if (len == -EAGAIN) {
			sched_yield();
			continue;
		}
		CHECK(len >= 4);
		if (type == DP_MSG_RESYNC_END) {
			memcpy(&child_sum, p, sizeof(child_sum));
			break;
		}
		memcpy(&seq, p, 4);
		CHECK(seq == next);
		CHECK(len == (int)(4 + next % 200));
		sum = csum(sum, p, (size_t)len);
		next++;
	}
	for (; misses < 1000; misses++) {
		struct dp_msg_miss miss = { .packets = misses };

		while (dp_channel_ring_enqueue(&dp.tx, DP_MSG_MISS, &miss, sizeof(miss)) < 0)
			sched_yield();
	}
	ck_assert_uint_eq(next, FORK_N);
	ck_assert_uint_eq(sum, child_sum);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	close(evfd);
	close(sv[0]);
	dp_channel_region_release(&dp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_channel_threads");
	TCase *ring = tcase_create("ring");

	tcase_set_timeout(ring, 300);
	tcase_add_test(ring, ring_space_doorbell);
	tcase_add_test(ring, ring_doorbell_no_lost_wakeup);
	tcase_add_test(ring, ring_two_threads_10m);
	tcase_add_test(ring, forked_process_memfd);
	suite_add_tcase(s, ring);
	return run_suite(s);
}
