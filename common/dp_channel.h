/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control-plane <-> data-plane channel (docs/dataplane-channel.md):
 * a shared-memory region (a sealed memfd the data plane creates, one per
 * control-plane session) holding two single-producer/single-consumer rings,
 * CP->DP and DP->CP, plus the UNIX-socket hello that hands the memfd and a
 * wake-up eventfd to the control plane with SCM_RIGHTS.
 *
 * No DPDK here: the control plane links this without EAL, so the ring is
 * our own, over C11 atomics.  Its layout:
 *
 *   region  | header (page 0) | ring CP->DP | ring DP->CP |
 *   ring    | config line | producer line | consumer line | slots ...     |
 *
 * Slots are DP_CHANNEL_RING_SLOT (64) bytes, a power of two of them.  A
 * record (8-byte header + payload) takes ceil(len / 64) consecutive slots
 * and may wrap around the end of the slot array.  head and tail count
 * slots and only grow (mod 2^32); head - tail is what is in the ring.
 *
 * The producer and consumer lines are DP_CHANNEL_RING_LINE (128) bytes
 * apart so that neither side's writes invalidate the other's line,
 * adjacent-line prefetch included (as DPDK's RTE_CACHE_GUARD).  Each side
 * keeps its own index and a cached copy of the other's in its
 * process-local struct dp_channel_ring, so it reads the other side's line
 * only when its cached view says the ring is full (producer) or empty
 * (consumer).
 *
 * Doorbells, for a side that sleeps in epoll instead of polling (the
 * control plane): a consumer about to sleep sets cons_waiting, a producer
 * about to wait for space sets prod_waiting; the other side checks the
 * flag after it published (a Dekker pair of seq_cst fences, so that one of
 * the two always sees the other) and writes the session's eventfd.
 *
 * Either process may be buggy or gone: the consumer validates every record
 * header (length within bounds, sequence number the next one, slots not
 * past head) and copies the payload out before anyone looks at it, so that
 * a writer cannot change it under the reader's checks.
 */
#ifndef LISPGW_DP_CHANNEL_H
#define LISPGW_DP_CHANNEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_msg.h"

#define DP_CHANNEL_RING_SLOT		64u
#define DP_CHANNEL_RING_LINE		128u
#define DP_CHANNEL_RING_SLOTS_MIN	64u
#define DP_CHANNEL_RING_SLOTS_MAX	(1u << 24)
#define DP_CHANNEL_CP_SLOTS_DEF		65536u	/* CP->DP: 4 MiB */
#define DP_CHANNEL_DP_SLOTS_DEF		16384u	/* DP->CP: 1 MiB */

#define DP_CHANNEL_MAGIC	0x4c474443u	/* "LGDC" */

/* Record header, first in a record's first slot. */
struct dp_channel_rec {
	uint16_t type;			/* enum dp_msg_type */
	uint16_t len;			/* payload bytes */
	uint32_t seq;			/* producer's count of records, from 0 */
};

/* Largest record: header + DP_MSG_PAYLOAD_MAX, 16 slots. */
#define DP_CHANNEL_RING_REC_MAX		(sizeof(struct dp_channel_rec) + DP_MSG_PAYLOAD_MAX)

/*
 * A ring's shared part: three lines, each written by one side only --
 * config (by the creator, before the region is shared), producer and
 * consumer.  The slots follow it.
 */
struct dp_channel_ring_shm {
	uint32_t magic;
	uint32_t slot_count;
	uint32_t slot_size;
	uint32_t rsvd;
	uint8_t pad0[DP_CHANNEL_RING_LINE - 16];

	_Atomic uint32_t head;		/* producer: slots published */
	_Atomic uint32_t prod_waiting;	/* producer: waits for space, wake me */
	_Atomic uint64_t drops;		/* producer: records it had to drop */
	uint8_t pad1[DP_CHANNEL_RING_LINE - 16];

	_Atomic uint32_t tail;		/* consumer: slots given back */
	_Atomic uint32_t cons_waiting;	/* consumer: asleep, wake me */
	uint8_t pad2[DP_CHANNEL_RING_LINE - 8];
};

_Static_assert(offsetof(struct dp_channel_ring_shm, head) == DP_CHANNEL_RING_LINE, "producer line");
_Static_assert(offsetof(struct dp_channel_ring_shm, tail) == 2 * DP_CHANNEL_RING_LINE,
	       "consumer line");
_Static_assert(sizeof(struct dp_channel_ring_shm) == 3 * DP_CHANNEL_RING_LINE, "ring header");
_Static_assert(sizeof(struct dp_channel_rec) == 8, "record header");
_Static_assert(DP_CHANNEL_RING_REC_MAX == 16 * DP_CHANNEL_RING_SLOT, "largest record is 16 slots");

/* The region header, page 0, written once by the data plane; the rings
 * start at ring_off[] (page-aligned). */
struct dp_channel_region {
	uint32_t magic;
	uint16_t abi;			/* DP_MSG_ABI_VERSION */
	uint16_t hdr_size;
	uint32_t generation;
	uint32_t dp_pid;
	uint64_t size;			/* of the whole region */
	uint64_t ring_off[2];		/* enum dp_channel_dir */
	uint32_t ring_slots[2];
	uint32_t slot_size;		/* DP_CHANNEL_RING_SLOT */
	uint32_t rec_max;		/* DP_CHANNEL_RING_REC_MAX */
};

/* One side's handle on a ring, private to its process. */
struct dp_channel_ring {
	struct dp_channel_ring_shm *shm;
	uint8_t *slots;
	uint32_t slot_count;
	uint32_t mask;
	uint32_t pos;			/* producer: our head; consumer: our tail */
	uint32_t peer;			/* cached: producer: tail; consumer: head */
	uint32_t seq;			/* next record's sequence number */
	bool producer;
};

enum dp_channel_dir {
	DP_CHANNEL_CP2DP = 0,
	DP_CHANNEL_DP2CP = 1,
};

/* A mapped region and its two rings, as one side sees it. */
struct dp_channel_map {
	void *base;
	size_t size;
	int fd;				/* the memfd; -1 once closed */
	uint32_t generation;
	struct dp_channel_ring tx;		/* we produce */
	struct dp_channel_ring rx;		/* we consume */
};

/*
 * Data plane: a new sealed memfd of cp_slots (CP->DP) and dp_slots (DP->CP)
 * slots, powers of two in [DP_CHANNEL_RING_SLOTS_MIN,
 * DP_CHANNEL_RING_SLOTS_MAX], mapped and initialised, stamped with
 * generation; tx is DP->CP.  0 or -errno.
 */
int dp_channel_region_create(uint32_t cp_slots, uint32_t dp_slots, uint32_t generation,
			     struct dp_channel_map *out);
/* Control plane: maps memfd fd (taking ownership of it) and validates the
 * header; tx is CP->DP.  0, -EPROTO (not ours, other ABI, bad layout) or
 * -errno. */
int dp_channel_region_attach(int fd, struct dp_channel_map *out);
/* Unmaps and closes; safe on a zeroed or already released map. */
void dp_channel_region_release(struct dp_channel_map *m);

/*
 * Producer.  0; -ENOBUFS when the ring lacks the slots (nothing written);
 * -EMSGSIZE above DP_MSG_PAYLOAD_MAX.  The record is visible to the
 * consumer on return.
 */
int dp_channel_ring_enqueue(struct dp_channel_ring *r, uint16_t type, const void *payload,
			    size_t len);
/* Free slots now (re-reads tail). */
uint32_t dp_channel_ring_free_slots(struct dp_channel_ring *r);
/* Slots a record of len payload bytes takes. */
static inline uint32_t dp_channel_ring_rec_slots(size_t len)
{
	return (uint32_t)((sizeof(struct dp_channel_rec) + len + DP_CHANNEL_RING_SLOT - 1) /
			  DP_CHANNEL_RING_SLOT);
}

/*
 * Consumer: copies the next record's payload into buf (cap bytes, at least
 * DP_MSG_PAYLOAD_MAX to take any) and returns its length, with *type set;
 * -EAGAIN when empty; -EBADMSG when the ring holds garbage (a length out of
 * bounds, a record past head, a sequence gap): the session is broken.
 * The slots are given back on return.
 */
int dp_channel_ring_dequeue(struct dp_channel_ring *r, uint16_t *type, void *buf, size_t cap);
/* Slots published and not yet consumed (re-reads head). */
uint32_t dp_channel_ring_used_slots(struct dp_channel_ring *r);

/*
 * Doorbells.  A consumer that found the ring empty calls
 * dp_channel_ring_consumer_sleep() before it blocks: false means records
 * arrived meanwhile (consume them, do not block).  A producer, after a
 * batch, calls dp_channel_ring_producer_wake_check(): true means the
 * consumer is asleep and must be woken (the flag is cleared).  The same for
 * room: a producer refused with -ENOBUFS calls
 * dp_channel_ring_producer_sleep(r, len) (false: room appeared), a consumer
 * after a batch dp_channel_ring_consumer_wake_check().
 */
bool dp_channel_ring_consumer_sleep(struct dp_channel_ring *r);
bool dp_channel_ring_producer_wake_check(struct dp_channel_ring *r);
bool dp_channel_ring_producer_sleep(struct dp_channel_ring *r, size_t len);
bool dp_channel_ring_consumer_wake_check(struct dp_channel_ring *r);

/* Producer-side counter in shared memory, readable by both: records the
 * producer could not enqueue (ring full) and dropped. */
void dp_channel_ring_drop_note(struct dp_channel_ring *r);
uint64_t dp_channel_ring_drops(const struct dp_channel_ring *r);

/*
 * The hello on the UNIX socket (SOCK_SEQPACKET): the data plane's first
 * and only message.  status 0 comes with two descriptors (memfd, eventfd);
 * a refusal (-EBUSY: another control plane is attached) with none.
 */
struct dp_channel_hello {
	uint32_t magic;			/* DP_CHANNEL_MAGIC */
	uint16_t abi;			/* DP_MSG_ABI_VERSION */
	uint16_t rsvd;
	int32_t status;			/* 0 or -errno */
	uint32_t generation;
	uint64_t region_size;
	uint32_t dp_pid;
	uint32_t rsvd2;
};

/* 0 or -errno.  fds < 0 are not sent. */
int dp_channel_hello_send(int sock, const struct dp_channel_hello *h, int memfd, int evfd);
/* 0 with *memfd and *evfd (-1 when absent, close-on-exec); -EAGAIN on a
 * non-blocking socket with nothing yet; -ECONNRESET at end of stream;
 * -EPROTO for a malformed hello; -errno. */
int dp_channel_hello_recv(int sock, struct dp_channel_hello *h, int *memfd, int *evfd);

/* Control plane: a non-blocking SOCK_SEQPACKET socket connected to path
 * (a UNIX connect completes at once or fails), or -errno. */
int dp_channel_connect(const char *path);

/* Consumes an eventfd's count (non-blocking); signals it. */
void dp_channel_eventfd_drain(int evfd);
void dp_channel_eventfd_signal(int evfd);

#endif
