/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CP<->DP channel (common/dp_channel*.c):
 *  - the ring: empty and full, records of every size and their slot
 *    boundaries, wrap-around of the slot array and of the 32-bit indices,
 *    garbage detected, the doorbells (no lost wake-up), 10M messages
 *    between two threads with checksums (and their rate), and a forked
 *    process that gets the memfd over SCM_RIGHTS and maps it itself;
 *  - the protocol against the reference data-plane side: attach, one
 *    control plane at a time, generations, resync (a control plane that
 *    "crashes" before RESYNC_END removes nothing; the next one's replay
 *    reports exactly the keys it did not re-send as stale), partial
 *    resyncs, rejections, flush, DP->CP misses/events/counters, drops when
 *    full, and the key tracker against a reference model.
 */
#include <arpa/inet.h>
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

#include "check_util.h"
#include "dp_channel.h"
#include "dp_channel_server.h"

/* Check's ck_assert records a mark point per call (a write to its log):
 * far too slow for loops over millions of records.  This one only costs a
 * branch. */
#define CHECK(expr)                                                                  \
	do {                                                                         \
		if (!(expr))                                                         \
			ck_abort_msg("%s:%d: check failed: %s", __FILE__, __LINE__, #expr); \
	} while (0)

/* ---- helpers --------------------------------------------------------------------- */

/* The DP's handles (created) and the CP's (attached to a dup of the
 * memfd: a second mapping, as in another process). */
static void pair_make(uint32_t cp_slots, uint32_t dp_slots, struct dp_channel_map *dp,
		      struct dp_channel_map *cp)
{
	ck_assert_int_eq(dp_channel_region_create(cp_slots, dp_slots, 7, dp), 0);
	ck_assert_int_eq(dp_channel_region_attach(dup(dp->fd), cp), 0);
	ck_assert_uint_eq(cp->generation, 7);
	ck_assert_ptr_ne(dp->base, cp->base);
}

static void pair_free(struct dp_channel_map *dp, struct dp_channel_map *cp)
{
	dp_channel_region_release(dp);
	dp_channel_region_release(cp);
}

/* Deterministic payload bytes of record seq. */
static void fill(uint8_t *p, size_t len, uint32_t seq)
{
	uint32_t x = seq * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- ring --------------------------------------------------------------------------- */

START_TEST(ring_empty_full)
{
	struct dp_channel_map dp, cp;
	uint8_t buf[DP_MSG_PAYLOAD_MAX];
	uint16_t type;
	unsigned int n = 0;

	pair_make(64, 64, &dp, &cp);
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), -EAGAIN);
	ck_assert_uint_eq(dp_channel_ring_free_slots(&cp.tx), 64);
	/* A header-only record takes one slot: exactly 64 fit. */
	while (dp_channel_ring_enqueue(&cp.tx, DP_MSG_FLUSH, NULL, 0) == 0)
		n++;
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, DP_MSG_FLUSH, NULL, 0), -ENOBUFS);
	ck_assert_uint_eq(dp_channel_ring_used_slots(&dp.rx), 64);
	ck_assert_uint_eq(dp_channel_ring_free_slots(&cp.tx), 0);
	/* One out, one in; the largest record needs 16 free slots. */
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(type, DP_MSG_FLUSH);
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, DP_MSG_MAP_UPSERT, buf,
						 DP_MSG_PAYLOAD_MAX),
			 -ENOBUFS);
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, DP_MSG_FLUSH, NULL, 0), 0);
	for (n = 0; n < 64; n++)
		ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), 0);
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), -EAGAIN);
	ck_assert_uint_eq(dp_channel_ring_free_slots(&cp.tx), 64);
	/* The other direction is its own ring. */
	ck_assert_int_eq(dp_channel_ring_enqueue(&dp.tx, DP_MSG_MISS, buf, 48), 0);
	ck_assert_int_eq(dp_channel_ring_dequeue(&cp.rx, &type, buf, sizeof(buf)), 48);
	ck_assert_uint_eq(type, DP_MSG_MISS);
	pair_free(&dp, &cp);
}
END_TEST

START_TEST(ring_record_boundaries)
{
	/* Payload lengths at every slot boundary: 8 + 56 = one slot exactly,
	 * 57 spills into a second, the largest takes 16. */
	static const size_t lens[] = { 0, 1, 55, 56, 57, 120, 121, 500, DP_MSG_PAYLOAD_MAX - 1,
				       DP_MSG_PAYLOAD_MAX };
	static const uint32_t slots[] = { 1, 1, 1, 1, 2, 2, 3, 8, 16, 16 };
	struct dp_channel_map dp, cp;
	uint8_t in[DP_MSG_PAYLOAD_MAX + 1], out[DP_MSG_PAYLOAD_MAX];
	uint16_t type;

	pair_make(64, 64, &dp, &cp);
	for (size_t round = 0; round < 40; round++) {
		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			uint32_t before = dp_channel_ring_free_slots(&cp.tx);
			int rc;

			ck_assert_uint_eq(dp_channel_ring_rec_slots(lens[i]), slots[i]);
			fill(in, lens[i], (uint32_t)(round * 100 + i));
			rc = dp_channel_ring_enqueue(&cp.tx, (uint16_t)(100 + i), in, lens[i]);
			ck_assert_int_eq(rc, 0);
			ck_assert_uint_eq(before - dp_channel_ring_free_slots(&cp.tx), slots[i]);
			ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, out, sizeof(out)),
					 (int)lens[i]);
			ck_assert_uint_eq(type, 100 + i);
			ck_assert_bytes_eq(out, lens[i], in, lens[i]);
		}
	}
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, 1, in, DP_MSG_PAYLOAD_MAX + 1), -EMSGSIZE);
	/* A buffer too small leaves the record where it is. */
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, 9, in, 100), 0);
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, out, 99), -EMSGSIZE);
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, out, sizeof(out)), 100);
	pair_free(&dp, &cp);
}
END_TEST

/* Records of mixed sizes through a small ring many times over: every
 * offset of the slot array is a record start, and records straddle its end. */
static void wrap_run(struct dp_channel_map *dp, struct dp_channel_map *cp, unsigned int rounds)
{
	uint8_t in[DP_MSG_PAYLOAD_MAX], out[DP_MSG_PAYLOAD_MAX];
	uint32_t seq_in = 0, seq_out = 0, straddled = 0;
	uint16_t type;

	for (unsigned int r = 0; r < rounds; r++) {
		/* Fill as far as it goes, then drain part of it. */
		for (;;) {
			size_t len = (seq_in * 37u) % 300;
			uint32_t start = cp->tx.pos & cp->tx.mask;

			fill(in, len, seq_in);
			if (dp_channel_ring_enqueue(&cp->tx, (uint16_t)seq_in, in, len) < 0)
				break;
			straddled += start + dp_channel_ring_rec_slots(len) > cp->tx.slot_count;
			seq_in++;
		}
		for (unsigned int k = 0; k < 5 + r % 7 && seq_out < seq_in; k++, seq_out++) {
			size_t len = (seq_out * 37u) % 300;
			int n = dp_channel_ring_dequeue(&dp->rx, &type, out, sizeof(out));

			CHECK(n == (int)len);
			CHECK(type == (uint16_t)seq_out);
			fill(in, len, seq_out);
			CHECK(!memcmp(out, in, len));
		}
	}
	while (seq_out < seq_in) {
		size_t len = (seq_out * 37u) % 300;

		CHECK(dp_channel_ring_dequeue(&dp->rx, &type, out, sizeof(out)) == (int)len);
		fill(in, len, seq_out++);
		CHECK(!memcmp(out, in, len));
	}
	CHECK(dp_channel_ring_dequeue(&dp->rx, &type, out, sizeof(out)) == -EAGAIN);
	ck_assert_uint_gt(straddled, 10);
}

START_TEST(ring_wraparound)
{
	struct dp_channel_map dp, cp;

	pair_make(64, 64, &dp, &cp);
	wrap_run(&dp, &cp, 500);
	pair_free(&dp, &cp);
}
END_TEST

START_TEST(ring_index_wraparound)
{
	/* head and tail near 2^32: free/used arithmetic is modular. */
	const uint32_t start = UINT32_MAX - 700;
	struct dp_channel_map dp, cp;

	pair_make(64, 64, &dp, &cp);
	atomic_store(&cp.tx.shm->head, start);
	atomic_store(&cp.tx.shm->tail, start);
	cp.tx.pos = cp.tx.peer = start;
	dp.rx.pos = dp.rx.peer = start;
	wrap_run(&dp, &cp, 300);
	ck_assert_uint_lt(cp.tx.pos, start);	/* it did wrap */
	pair_free(&dp, &cp);
}
END_TEST

START_TEST(ring_garbage)
{
	struct dp_channel_map dp, cp;
	struct dp_channel_rec bad;
	uint8_t buf[DP_MSG_PAYLOAD_MAX];
	uint16_t type;

	/* A sequence gap. */
	pair_make(64, 64, &dp, &cp);
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, 1, buf, 10), 0);
	memcpy(&bad, cp.tx.slots, sizeof(bad));
	bad.seq = 5;
	memcpy(cp.tx.slots, &bad, sizeof(bad));
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), -EBADMSG);
	pair_free(&dp, &cp);

	/* A length past the largest payload. */
	pair_make(64, 64, &dp, &cp);
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, 1, buf, 10), 0);
	bad.len = DP_MSG_PAYLOAD_MAX + 1;
	bad.seq = 0;
	memcpy(cp.tx.slots, &bad, sizeof(bad));
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), -EBADMSG);
	pair_free(&dp, &cp);

	/* A record longer than what head covers. */
	pair_make(64, 64, &dp, &cp);
	ck_assert_int_eq(dp_channel_ring_enqueue(&cp.tx, 1, buf, 10), 0);
	bad.len = 200;
	memcpy(cp.tx.slots, &bad, sizeof(bad));
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), -EBADMSG);
	pair_free(&dp, &cp);

	/* A head further than the ring is long. */
	pair_make(64, 64, &dp, &cp);
	atomic_store(&cp.tx.shm->head, 1000);
	ck_assert_int_eq(dp_channel_ring_dequeue(&dp.rx, &type, buf, sizeof(buf)), -EBADMSG);
	/* And a consumer whose tail runs ahead of the producer's head makes
	 * the producer see a full ring, never overwrite. */
	atomic_store(&dp.tx.shm->tail, 5000);
	ck_assert_uint_eq(dp_channel_ring_free_slots(&dp.tx), 0);
	ck_assert_int_eq(dp_channel_ring_enqueue(&dp.tx, 1, buf, 10), -ENOBUFS);
	ck_assert_int_eq(dp_channel_ring_enqueue(&dp.tx, 1, buf, 10), -ENOBUFS);
	pair_free(&dp, &cp);
}
END_TEST

START_TEST(region_attach_checks)
{
	struct dp_channel_map dp, cp;
	struct dp_channel_region *h;
	int fd;

	ck_assert_int_eq(dp_channel_region_create(63, 64, 1, &dp), -EINVAL);
	ck_assert_int_eq(dp_channel_region_create(64, 1u << 25, 1, &dp), -EINVAL);
	ck_assert_int_eq(dp_channel_region_create(64, 128, 1, &dp), 0);
	h = dp.base;
	/* Sealed: the control plane cannot shrink it under the data plane. */
	ck_assert_int_eq(ftruncate(dp.fd, 4096), -1);
	ck_assert_int_eq(errno, EPERM);
	h->abi++;
	ck_assert_int_eq(dp_channel_region_attach(dup(dp.fd), &cp), -EPROTO);
	h->abi--;
	h->ring_off[1] = h->ring_off[0];	/* overlapping rings */
	ck_assert_int_eq(dp_channel_region_attach(dup(dp.fd), &cp), -EPROTO);
	h->ring_off[1] = h->size - 4096;	/* past the end */
	ck_assert_int_eq(dp_channel_region_attach(dup(dp.fd), &cp), -EPROTO);
	dp_channel_region_release(&dp);
	/* Not a region at all. */
	fd = memfd_create("junk", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8192), 0);
	ck_assert_int_eq(dp_channel_region_attach(fd, &cp), -EPROTO);
	ck_assert_int_eq(cp.fd, -1);
}
END_TEST

/* ---- two threads --------------------------------------------------------------------- */

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

/* ---- a forked process through a real memfd ------------------------------------------ */

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

/* ---- the protocol against the reference DP side ------------------------------------- */

#define LOG_MAX 4096

/* What the data plane's tables saw. */
struct dp_log {
	unsigned int upserts, replaced, removed[3], rloc, attached, detached, resync_end;
	struct dp_msg_key removed_keys[LOG_MAX];
	unsigned int nremoved_keys;
	struct dp_msg_key reject_key;	/* upserts of this key are refused */
	bool reject_set;
	bool light;			/* count only (many keys) */
	struct dp_msg_key installed[LOG_MAX];
	uint8_t installed_rlocs[LOG_MAX];
	unsigned int ninstalled;
};

static struct dp_log lg;

static int log_find(const struct dp_msg_key *k)
{
	for (unsigned int i = 0; i < lg.ninstalled; i++)
		if (!memcmp(&lg.installed[i], k, sizeof(*k)))
			return (int)i;
	return -1;
}

static int op_upsert(void *arg, const struct dp_msg_map *m, bool exists)
{
	int i;

	(void)arg;
	if (lg.light) {
		lg.ninstalled += !exists;
		return 0;
	}
	i = log_find(&m->key);
	if (lg.reject_set && !memcmp(&lg.reject_key, &m->key, sizeof(m->key)))
		return -ENOSPC;
	ck_assert_int_eq(exists, i >= 0);
	lg.upserts++;
	if (exists) {
		lg.replaced++;
	} else {
		ck_assert_uint_lt(lg.ninstalled, LOG_MAX);
		i = (int)lg.ninstalled++;
		lg.installed[i] = m->key;
	}
	lg.installed_rlocs[i] = m->rloc_count;
	return 0;
}

static void op_remove(void *arg, const struct dp_msg_key *k, enum dp_channel_remove_reason why)
{
	int i;

	(void)arg;
	lg.removed[why]++;
	if (lg.light) {
		lg.ninstalled--;
		return;
	}
	i = log_find(k);
	ck_assert_int_ge(i, 0);
	lg.installed[i] = lg.installed[--lg.ninstalled];
	lg.installed_rlocs[i] = lg.installed_rlocs[lg.ninstalled];
	if (lg.nremoved_keys < LOG_MAX)
		lg.removed_keys[lg.nremoved_keys++] = *k;
}

static void op_rloc(void *arg, const struct dp_msg_rloc *m)
{
	(void)arg;
	(void)m;
	lg.rloc++;
}

static void op_session(void *arg, enum dp_channel_session_event ev, uint32_t gen)
{
	(void)arg;
	(void)gen;
	if (ev == DP_CHANNEL_SESSION_ATTACHED)
		lg.attached++;
	else if (ev == DP_CHANNEL_SESSION_DETACHED)
		lg.detached++;
	else if (ev == DP_CHANNEL_SESSION_RESYNC_END)
		lg.resync_end++;
}

static const struct dp_channel_ops ops = {
	.upsert = op_upsert, .remove = op_remove, .rloc_status = op_rloc, .session = op_session,
};

static char sock_path[108];
static char sock_dir[64];

static struct dp_channel_server *server_make(uint32_t dp_slots)
{
	struct dp_channel_server_params p;
	struct dp_channel_server *s;

	memset(&lg, 0, sizeof(lg));
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/lispgw-dpch-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/dp.sock", sock_dir);
	dp_channel_server_params_default(&p);
	p.socket_path = sock_path;
	p.cp_ring_slots = 1024;
	p.dp_ring_slots = dp_slots;
	p.sock_check_us = 0;	/* every poll: tests are deterministic */
	s = dp_channel_server_new(&p, &ops, NULL);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void server_free(struct dp_channel_server *s)
{
	dp_channel_server_free(s);
	ck_assert_int_eq(access(sock_path, F_OK), -1);
	rmdir(sock_dir);
}

/* A bare control plane: the socket and the mapped region. */
struct fake_cp {
	int sock, evfd;
	struct dp_channel_hello h;
	struct dp_channel_map m;
};

static int cp_attach(struct dp_channel_server *s, struct fake_cp *c)
{
	int memfd, rc;

	memset(c, 0, sizeof(*c));
	c->m.fd = -1;
	c->sock = dp_channel_connect(sock_path);
	ck_assert_int_ge(c->sock, 0);
	dp_channel_server_poll(s, 64);
	rc = dp_channel_hello_recv(c->sock, &c->h, &memfd, &c->evfd);
	ck_assert_int_eq(rc, 0);
	if (c->h.status)
		return c->h.status;
	ck_assert_int_eq(dp_channel_region_attach(memfd, &c->m), 0);
	ck_assert_uint_eq(c->m.generation, c->h.generation);
	return 0;
}

static void cp_close(struct fake_cp *c)
{
	close(c->sock);
	if (c->evfd > 0)
		close(c->evfd);
	dp_channel_region_release(&c->m);
}

static void cp_send(struct fake_cp *c, uint16_t type, const void *p, size_t len)
{
	ck_assert_int_eq(dp_channel_ring_enqueue(&c->m.tx, type, p, len), 0);
}

static void cp_resync(struct fake_cp *c, uint16_t type, uint32_t tables, uint64_t count)
{
	struct dp_msg_resync r = { .generation = c->h.generation, .tables = tables,
				   .count = count };

	cp_send(c, type, &r, sizeof(r));
}

static struct dp_msg_key key4(uint32_t iid, uint32_t host, uint8_t plen, uint8_t table)
{
	struct dp_msg_key k = { .iid = iid, .afi = DP_MSG_AFI_IPV4, .plen = plen, .table = table };
	uint32_t be = htonl(host);

	memcpy(k.addr, &be, 4);
	/* canonical: clear the host bits */
	for (unsigned int b = plen; b < 32; b++)
		k.addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return k;
}

static void cp_upsert(struct fake_cp *c, struct dp_msg_key k, uint8_t nrloc)
{
	struct dp_msg_map m = { .key = k, .ttl_s = 60, .rloc_count = nrloc };

	for (unsigned int i = 0; i < nrloc; i++) {
		m.rlocs[i].afi = DP_MSG_AFI_IPV4;
		m.rlocs[i].addr[0] = 192;
		m.rlocs[i].addr[3] = (uint8_t)i;
		m.rlocs[i].priority = 1;
		m.rlocs[i].weight = 50;
		m.rlocs[i].flags = DP_MSG_LOC_F_UP;
	}
	cp_send(c, DP_MSG_MAP_UPSERT, &m, dp_msg_map_len(&m));
}

/* The next DP->CP record of type want (others skipped), or fails. */
static int cp_recv(struct fake_cp *c, uint16_t want, void *out, size_t cap)
{
	uint8_t p[DP_MSG_PAYLOAD_MAX];
	uint16_t type;
	int len;

	for (;;) {
		len = dp_channel_ring_dequeue(&c->m.rx, &type, p, sizeof(p));
		if (len == -EAGAIN)
			return -EAGAIN;
		ck_assert_int_ge(len, 0);
		if (type == want)
			break;
	}
	ck_assert_uint_le((size_t)len, cap);
	memcpy(out, p, (size_t)len);
	return len;
}

START_TEST(proto_attach_and_busy)
{
	struct dp_channel_server *s = server_make(64);
	struct fake_cp a, b;

	ck_assert(!dp_channel_server_attached(s));
	ck_assert_int_eq(cp_attach(s, &a), 0);
	ck_assert(dp_channel_server_attached(s));
	ck_assert_uint_eq(a.h.generation, 1);
	ck_assert_uint_eq(dp_channel_server_generation(s), 1);
	ck_assert_int_ge(a.evfd, 0);
	ck_assert_uint_eq(lg.attached, 1);
	/* A second control plane while the first lives: refused, no fds. */
	ck_assert_int_eq(cp_attach(s, &b), -EBUSY);
	ck_assert_int_eq(b.evfd, -1);
	close(b.sock);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->sessions_refused, 1);
	/* The first one leaves; the next gets generation 2. */
	cp_close(&a);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	ck_assert_uint_eq(lg.detached, 1);
	ck_assert_int_eq(cp_attach(s, &b), 0);
	ck_assert_uint_eq(b.h.generation, 2);
	cp_close(&b);
	/* A live data plane's socket is not taken over by a second one. */
	{
		struct dp_channel_server_params p;

		dp_channel_server_params_default(&p);
		p.socket_path = sock_path;
		ck_assert_ptr_null(dp_channel_server_new(&p, &ops, NULL));
		ck_assert_int_eq(errno, EADDRINUSE);
	}
	server_free(s);
}
END_TEST

START_TEST(proto_crash_and_replay)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_key A = key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key B = key4(1, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE);
	/* C: A's address in IID 2; E: A's prefix in the database. */
	struct dp_msg_key C = key4(2, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key D = key4(1, 0x0b000000, 8, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key E = key4(1, 0x0a000001, 32, DP_MSG_TABLE_DATABASE);
	struct dp_msg_event ev;
	struct fake_cp c;

	/* Generation 1: A, B, C, confirmed. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, B, 2);
	cp_upsert(&c, C, 3);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 3);
	ck_assert_uint_eq(dp_channel_server_poll(s, 64), 5);
	ck_assert_uint_eq(lg.ninstalled, 3);
	ck_assert_uint_eq(lg.resync_end, 1);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev.code, DP_MSG_EV_RESYNC_DONE);
	ck_assert_uint_eq(ev.arg, 1);
	ck_assert_uint_eq(ev.v[0], 3);
	ck_assert_uint_eq(ev.v[1], 0);
	cp_close(&c);
	dp_channel_server_poll(s, 64);

	/* Generation 2 "crashes": it re-sends A, changes C, adds D, and dies
	 * before RESYNC_END, with its messages still in the ring. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	ck_assert_uint_eq(c.h.generation, 2);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, C, 4);
	cp_upsert(&c, D, 1);
	cp_close(&c);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	/* What it published was applied; nothing was removed: B is still
	 * there, forwarding never lost it. */
	ck_assert_uint_eq(lg.ninstalled, 4);
	ck_assert_int_ge(log_find(&B), 0);
	ck_assert_uint_eq(lg.installed_rlocs[log_find(&C)], 4);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->resyncs_abandoned, 1);

	/* Generation 3 replays A, C, D, E: B alone is stale. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	ck_assert_uint_eq(c.h.generation, 3);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, C, 4);
	cp_upsert(&c, D, 1);
	cp_upsert(&c, E, 1);
	/* Before the end, still nothing removed. */
	dp_channel_server_poll(s, 64);
	ck_assert(dp_channel_server_resyncing(s));
	ck_assert_uint_eq(lg.ninstalled, 5);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 4);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_resyncing(s));
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &B, sizeof(B));
	ck_assert_uint_eq(lg.ninstalled, 4);
	ck_assert_uint_eq(dp_channel_server_entries(s), 4);
	ck_assert(!dp_channel_server_has(s, &B));
	ck_assert(dp_channel_server_has(s, &E));
	ck_assert_int_eq(cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev.code, DP_MSG_EV_RESYNC_DONE);
	ck_assert_uint_eq(ev.arg, 3);
	ck_assert_uint_eq(ev.v[0], 4);
	ck_assert_uint_eq(ev.v[1], 1);

	/* A wrong generation in a resync breaks the session. */
	{
		struct dp_msg_resync r = { .generation = 99, .tables = DP_MSG_TABLES_ALL };
		char b;

		cp_send(&c, DP_MSG_RESYNC_BEGIN, &r, sizeof(r));
		dp_channel_server_poll(s, 64);
		ck_assert(!dp_channel_server_attached(s));
		ck_assert_uint_eq(dp_channel_server_counters_get(s)->sessions_broken, 1);
		ck_assert_int_eq(recv(c.sock, &b, 1, 0), 0);	/* closed on us */
		ck_assert_uint_eq(lg.ninstalled, 4);		/* and nothing lost */
	}
	cp_close(&c);
	server_free(s);
}
END_TEST

START_TEST(proto_partial_resync_reject_flush)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_key m1 = key4(5, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key m2 = key4(5, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key d1 = key4(5, 0x0a000000, 24, DP_MSG_TABLE_DATABASE);
	struct dp_msg_key d2 = key4(5, 0x0a000100, 24, DP_MSG_TABLE_DATABASE);
	struct dp_msg_key bad = key4(5, 0x0c000000, 8, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_del del = { .key = m2 };
	struct dp_msg_flush fl = { .tables = DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE) };
	struct dp_msg_rloc rl = { .key = m1, .afi = DP_MSG_AFI_IPV4, .up = 0 };
	struct dp_msg_event ev;
	struct fake_cp c;

	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, m1, 1);
	cp_upsert(&c, m2, 1);
	cp_upsert(&c, d1, 1);
	cp_upsert(&c, d2, 1);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 4);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.ninstalled, 4);

	/* A database-only resync (an ETR reload) that drops d2: the map-cache
	 * is not touched although none of it was re-sent. */
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLE_BIT(DP_MSG_TABLE_DATABASE), 0);
	cp_upsert(&c, d1, 2);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLE_BIT(DP_MSG_TABLE_DATABASE), 1);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &d2, sizeof(d2));
	ck_assert_int_ge(log_find(&m1), 0);
	ck_assert_int_ge(log_find(&m2), 0);

	/* A refused upsert: not installed, reported with its key and errno,
	 * and never reported stale later. */
	lg.reject_key = bad;
	lg.reject_set = true;
	cp_upsert(&c, bad, 1);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_has(s, &bad));
	while (cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)) > 0 && ev.code != DP_MSG_EV_MAP_REJECTED)
		;
	ck_assert_uint_eq(ev.code, DP_MSG_EV_MAP_REJECTED);
	ck_assert_mem_eq(&ev.key, &bad, sizeof(bad));
	ck_assert_uint_eq(ev.v[0], ENOSPC);
	/* A refused replacement keeps the old mapping. */
	lg.reject_key = m1;
	cp_upsert(&c, m1, 7);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.installed_rlocs[log_find(&m1)], 1);
	ck_assert(dp_channel_server_has(s, &m1));
	lg.reject_set = false;

	/* Invalid messages are counted and skipped, the session lives. */
	{
		struct dp_msg_key nc = m1;
		struct dp_msg_map m = { .key = nc };

		m.key.addr[3] = 1;
		m.key.plen = 24;	/* host bits set: not canonical */
		cp_send(&c, DP_MSG_MAP_UPSERT, &m, DP_MSG_MAP_HDR_LEN);
		m.key = m1;
		m.rloc_count = 2;	/* length says 0 RLOCs */
		cp_send(&c, DP_MSG_MAP_UPSERT, &m, DP_MSG_MAP_HDR_LEN);
		cp_send(&c, 77, &m, 10);
		dp_channel_server_poll(s, 64);
		ck_assert(dp_channel_server_attached(s));
		ck_assert_uint_eq(dp_channel_server_counters_get(s)->msgs_invalid, 3);
	}

	/* RLOC status of a known and an unknown key; delete, unknown delete. */
	cp_send(&c, DP_MSG_RLOC_STATUS, &rl, sizeof(rl));
	rl.key = bad;
	cp_send(&c, DP_MSG_RLOC_STATUS, &rl, sizeof(rl));
	cp_send(&c, DP_MSG_MAP_DELETE, &del, sizeof(del));
	cp_send(&c, DP_MSG_MAP_DELETE, &del, sizeof(del));
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.rloc, 1);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->rloc_unknown, 1);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_DELETE], 1);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->deletes_unknown, 1);

	/* Flush of the map-cache leaves the database. */
	cp_send(&c, DP_MSG_FLUSH, &fl, sizeof(fl));
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_FLUSH], 1);
	ck_assert_uint_eq(lg.ninstalled, 1);
	ck_assert_int_ge(log_find(&d1), 0);
	cp_close(&c);
	server_free(s);
}
END_TEST

START_TEST(proto_dp_to_cp)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_counter ctr[40];
	struct dp_msg_counters mc;
	struct dp_msg_miss miss = { .eid = key4(3, 0x0a000009, 32, DP_MSG_TABLE_MAPCACHE),
				    .packets = 1 };
	struct pollfd pf;
	struct fake_cp c;
	unsigned int sent = 0, got = 0;

	ck_assert_int_eq(dp_channel_server_miss(s, &miss), -ENOTCONN);
	ck_assert_int_eq(cp_attach(s, &c), 0);
	/* The control plane sleeps; a miss wakes it through the eventfd. */
	ck_assert(dp_channel_ring_consumer_sleep(&c.m.rx));
	ck_assert_int_eq(dp_channel_server_miss(s, &miss), 0);
	dp_channel_server_poll(s, 64);
	pf = (struct pollfd){ .fd = c.evfd, .events = POLLIN };
	ck_assert_int_eq(poll(&pf, 1, 0), 1);
	dp_channel_eventfd_drain(c.evfd);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_MISS, &miss, sizeof(miss)), sizeof(miss));
	ck_assert_uint_eq(miss.eid.iid, 3);
	/* Not asleep: no wake-up. */
	ck_assert_int_eq(dp_channel_server_miss(s, &miss), 0);
	dp_channel_server_poll(s, 64);
	ck_assert_int_eq(poll(&pf, 1, 0), 0);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_MISS, &miss, sizeof(miss)), sizeof(miss));

	/* A counter snapshot of 40 comes in 3 chunks. */
	for (unsigned int i = 0; i < 40; i++) {
		memset(&ctr[i], 0, sizeof(ctr[i]));
		snprintf(ctr[i].name, sizeof(ctr[i].name), "counter_%u", i);
		ctr[i].value = i * 1000;
	}
	ck_assert_int_eq(dp_channel_server_counters(s, ctr, 40, 12345), 0);
	for (unsigned int chunk = 0; chunk < 3; chunk++) {
		int len = cp_recv(&c, DP_MSG_COUNTERS, &mc, sizeof(mc));

		ck_assert_int_eq(dp_msg_counters_check(&mc, (size_t)len), 0);
		ck_assert_uint_eq(mc.first, chunk * 16);
		ck_assert_uint_eq(mc.total, 40);
		ck_assert_uint_eq(mc.count, chunk < 2 ? 16 : 8);
		ck_assert_str_eq(mc.v[0].name, ctr[mc.first].name);
		ck_assert_uint_eq(mc.v[mc.count - 1].value, (mc.first + mc.count - 1) * 1000u);
	}

	/* Misses when the ring is full: dropped, counted on both sides. */
	while (dp_channel_server_miss(s, &miss) == 0)
		sent++;
	ck_assert_uint_eq(sent, 64);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->tx_dropped, 1);
	ck_assert_uint_eq(dp_channel_ring_drops(&c.m.rx), 1);
	/* A snapshot is all or none. */
	ck_assert_int_eq(dp_channel_server_counters(s, ctr, 40, 1), -ENOBUFS);
	while (cp_recv(&c, DP_MSG_MISS, &miss, sizeof(miss)) > 0)
		got++;
	ck_assert_uint_eq(got, sent);
	cp_close(&c);
	server_free(s);
}
END_TEST

/* The tracker against a model: many keys, deletes, resyncs that keep a
 * random subset; the sweep must remove exactly the others. */
START_TEST(proto_tracker_model)
{
	enum { N = 20000 };
	struct dp_channel_server *s = server_make(64);
	static bool present[N], confirmed[N];
	struct fake_cp c;
	uint32_t x = 12345;
	unsigned int expect_stale = 0, n_present = 0;

	lg.light = true;
	ck_assert_int_eq(cp_attach(s, &c), 0);
	for (unsigned int round = 0; round < 4; round++) {
		cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
		dp_channel_server_poll(s, 64);
		memset(confirmed, 0, sizeof(confirmed));
		for (unsigned int i = 0; i < N; i++) {
			struct dp_msg_key k = key4(i % 7, 0x0a000000 + i, 32,
					       i % 3 ? DP_MSG_TABLE_MAPCACHE
						     : DP_MSG_TABLE_DATABASE);

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			if (x % 3 == 0) {
				cp_upsert(&c, k, 1);
				present[i] = confirmed[i] = true;
			} else if (x % 3 == 1 && present[i]) {
				struct dp_msg_del d = { .key = k };

				cp_send(&c, DP_MSG_MAP_DELETE, &d, sizeof(d));
				present[i] = false;
			}
			if (dp_channel_ring_free_slots(&c.m.tx) < 64)
				dp_channel_server_poll(s, 1024);
		}
		cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 0);
		dp_channel_server_poll(s, 100000);
		expect_stale = n_present = 0;
		for (unsigned int i = 0; i < N; i++) {
			struct dp_msg_key k = key4(i % 7, 0x0a000000 + i, 32,
					       i % 3 ? DP_MSG_TABLE_MAPCACHE
						     : DP_MSG_TABLE_DATABASE);

			if (present[i] && !confirmed[i]) {
				expect_stale++;
				present[i] = false;
			}
			n_present += present[i];
			CHECK(dp_channel_server_has(s, &k) == present[i]);
		}
		ck_assert_uint_eq(dp_channel_server_entries(s), n_present);
		ck_assert_uint_eq(lg.ninstalled, n_present);
	}
	ck_assert_uint_gt(lg.removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_gt(lg.removed[DP_CHANNEL_RM_DELETE], 0);
	cp_close(&c);
	server_free(s);
}
END_TEST

START_TEST(msg_checks)
{
	struct dp_msg_key k = key4(1, 0x0a000000, 24, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_map m = { .key = k, .rloc_count = 1 };
	char buf[64];

	ck_assert_int_eq(dp_msg_key_check(&k), 0);
	ck_assert_int_eq(dp_msg_key_format(&k, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[1]10.0.0.0/24");
	k.table = DP_MSG_TABLE_DATABASE;
	ck_assert_int_eq(dp_msg_key_format(&k, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "db:[1]10.0.0.0/24");
	k.addr[3] = 1;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);	/* host bits */
	k.addr[3] = 0;
	k.iid = 1u << 24;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);
	k.iid = 1;
	k.afi = 6;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);
	k.afi = DP_MSG_AFI_IPV6;
	k.plen = 129;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);
	m.rlocs[0].afi = DP_MSG_AFI_IPV6;
	ck_assert_int_eq(dp_msg_map_check(&m, DP_MSG_MAP_HDR_LEN + 24), 0);
	ck_assert_int_eq(dp_msg_map_check(&m, DP_MSG_MAP_HDR_LEN), -EPROTO);
	m.rlocs[0].afi = 0;
	ck_assert_int_eq(dp_msg_map_check(&m, DP_MSG_MAP_HDR_LEN + 24), -EINVAL);
	m.rloc_count = DP_MSG_RLOCS_MAX + 1;
	ck_assert_int_eq(dp_msg_map_check(&m, sizeof(m)), -EPROTO);
	ck_assert_uint_eq(dp_msg_min_len(DP_MSG_MISS), sizeof(struct dp_msg_miss));
	ck_assert_uint_eq(dp_msg_min_len(99), 0);
	ck_assert_str_eq(dp_msg_type_name(DP_MSG_RESYNC_END), "resync-end");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_channel");
	TCase *ring = tcase_create("ring");
	TCase *proto = tcase_create("protocol");

	tcase_set_timeout(ring, 300);
	tcase_add_test(ring, ring_empty_full);
	tcase_add_test(ring, ring_record_boundaries);
	tcase_add_test(ring, ring_wraparound);
	tcase_add_test(ring, ring_index_wraparound);
	tcase_add_test(ring, ring_garbage);
	tcase_add_test(ring, region_attach_checks);
	tcase_add_test(ring, ring_space_doorbell);
	tcase_add_test(ring, ring_doorbell_no_lost_wakeup);
	tcase_add_test(ring, ring_two_threads_10m);
	tcase_add_test(ring, forked_process_memfd);
	suite_add_tcase(s, ring);
	tcase_set_timeout(proto, 120);
	tcase_add_test(proto, msg_checks);
	tcase_add_test(proto, proto_attach_and_busy);
	tcase_add_test(proto, proto_crash_and_replay);
	tcase_add_test(proto, proto_partial_resync_reject_flush);
	tcase_add_test(proto, proto_dp_to_cp);
	tcase_add_test(proto, proto_tracker_model);
	suite_add_tcase(s, proto);
	return run_suite(s);
}
