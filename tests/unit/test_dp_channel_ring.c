/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CP<->DP ring (common/dp_channel.c), one thread: empty and full,
 * records of every size and their slot boundaries, wrap-around of the slot
 * array and of the 32-bit indices, garbage detected, and the region checks
 * a control plane makes before it trusts a mapping.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dp_channel_ring_util.h"

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

int main(void)
{
	Suite *s = suite_create("dp_channel_ring");
	TCase *ring = tcase_create("ring");

	tcase_set_timeout(ring, 300);
	tcase_add_test(ring, ring_empty_full);
	tcase_add_test(ring, ring_record_boundaries);
	tcase_add_test(ring, ring_wraparound);
	tcase_add_test(ring, ring_index_wraparound);
	tcase_add_test(ring, ring_garbage);
	tcase_add_test(ring, region_attach_checks);
	suite_add_tcase(s, ring);
	return run_suite(s);
}
