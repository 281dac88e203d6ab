/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_channel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Both processes map the same atomics: only lock-free ones are address
 * free (C11 7.17.5), i.e. work through two different mappings. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

#define REGION_ALIGN	4096u

/* ---- messages ------------------------------------------------------------- */

int dp_msg_key_check(const struct dp_msg_key *k)
{
	unsigned int max = k->afi == DP_MSG_AFI_IPV4 ? 32 : k->afi == DP_MSG_AFI_IPV6 ? 128 : 0;

	if (!max || k->plen > max || k->table >= DP_MSG_TABLE_COUNT || k->rsvd ||
	    k->iid > 0xffffffu)
		return -EINVAL;
	/* Canonical: the bytes past the prefix are zero, so that keys compare
	 * and hash as plain bytes. */
	if (k->plen % 8 && (k->addr[k->plen / 8] & (0xffu >> (k->plen % 8))))
		return -EINVAL;
	for (unsigned int i = (k->plen + 7) / 8; i < sizeof(k->addr); i++)
		if (k->addr[i])
			return -EINVAL;
	return 0;
}

int dp_msg_map_check(const struct dp_msg_map *m, size_t len)
{
	if (len < DP_MSG_MAP_HDR_LEN || m->rloc_count > DP_MSG_RLOCS_MAX ||
	    len != dp_msg_map_len(m))
		return -EPROTO;
	if (dp_msg_key_check(&m->key) < 0 || m->action > 7 || m->encap > DP_MSG_ENCAP_VXLAN_GPE)
		return -EINVAL;
	for (unsigned int i = 0; i < m->rloc_count; i++)
		if (m->rlocs[i].afi != DP_MSG_AFI_IPV4 && m->rlocs[i].afi != DP_MSG_AFI_IPV6)
			return -EINVAL;
	return 0;
}

int dp_msg_rloc_check(const struct dp_msg_rloc *m, size_t len)
{
	if (len != sizeof(*m))
		return -EPROTO;
	if (dp_msg_key_check(&m->key) < 0 || m->index >= DP_MSG_RLOCS_MAX || m->up > 1 ||
	    (m->afi != DP_MSG_AFI_IPV4 && m->afi != DP_MSG_AFI_IPV6))
		return -EINVAL;
	return 0;
}

int dp_msg_counters_check(const struct dp_msg_counters *m, size_t len)
{
	if (len < DP_MSG_COUNTERS_HDR_LEN || m->count > DP_MSG_COUNTERS_CHUNK ||
	    len != dp_msg_counters_len(m))
		return -EPROTO;
	if ((uint32_t)m->first + m->count > m->total)
		return -EINVAL;
	for (unsigned int i = 0; i < m->count; i++)
		if (!memchr(m->v[i].name, 0, sizeof(m->v[i].name)))
			return -EINVAL;
	return 0;
}

size_t dp_msg_min_len(uint16_t type)
{
	switch (type) {
	case DP_MSG_RESYNC_BEGIN:
	case DP_MSG_RESYNC_END:
		return sizeof(struct dp_msg_resync);
	case DP_MSG_MAP_UPSERT:
		return DP_MSG_MAP_HDR_LEN;
	case DP_MSG_MAP_DELETE:
		return sizeof(struct dp_msg_del);
	case DP_MSG_RLOC_STATUS:
		return sizeof(struct dp_msg_rloc);
	case DP_MSG_FLUSH:
		return sizeof(struct dp_msg_flush);
	case DP_MSG_MISS:
		return sizeof(struct dp_msg_miss);
	case DP_MSG_EVENT:
		return sizeof(struct dp_msg_event);
	case DP_MSG_COUNTERS:
		return DP_MSG_COUNTERS_HDR_LEN;
	}
	return 0;
}

const char *dp_msg_type_name(uint16_t type)
{
	switch (type) {
	case DP_MSG_RESYNC_BEGIN:
		return "resync-begin";
	case DP_MSG_RESYNC_END:
		return "resync-end";
	case DP_MSG_MAP_UPSERT:
		return "map-upsert";
	case DP_MSG_MAP_DELETE:
		return "map-delete";
	case DP_MSG_RLOC_STATUS:
		return "rloc-status";
	case DP_MSG_FLUSH:
		return "flush";
	case DP_MSG_MISS:
		return "miss";
	case DP_MSG_EVENT:
		return "event";
	case DP_MSG_COUNTERS:
		return "counters";
	}
	return "unknown";
}

int dp_msg_key_format(const struct dp_msg_key *k, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (k->afi != DP_MSG_AFI_IPV4 && k->afi != DP_MSG_AFI_IPV6)
		snprintf(a, sizeof(a), "afi-%u", k->afi);
	else if (!inet_ntop(k->afi == DP_MSG_AFI_IPV4 ? AF_INET : AF_INET6, k->addr, a, sizeof(a)))
		return -errno;
	n = snprintf(buf, len, "%s[%u]%s/%u", k->table == DP_MSG_TABLE_DATABASE ? "db:" : "",
		     k->iid, a, k->plen);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* ---- the ring -------------------------------------------------------------------- */

static bool slots_valid(uint32_t n)
{
	return n >= DP_CHANNEL_RING_SLOTS_MIN && n <= DP_CHANNEL_RING_SLOTS_MAX && !(n & (n - 1));
}

static size_t ring_bytes(uint32_t slots)
{
	return sizeof(struct dp_channel_ring_shm) + (size_t)slots * DP_CHANNEL_RING_SLOT;
}

static void ring_shm_init(struct dp_channel_ring_shm *s, uint32_t slots)
{
	memset(s, 0, sizeof(*s));
	s->magic = DP_CHANNEL_MAGIC;
	s->slot_count = slots;
	s->slot_size = DP_CHANNEL_RING_SLOT;
	atomic_init(&s->head, 0);
	atomic_init(&s->prod_waiting, 0);
	atomic_init(&s->drops, 0);
	atomic_init(&s->tail, 0);
	atomic_init(&s->cons_waiting, 0);
}

static void ring_handle_init(struct dp_channel_ring *r, struct dp_channel_ring_shm *s,
			     bool producer)
{
	memset(r, 0, sizeof(*r));
	r->shm = s;
	r->slots = (uint8_t *)s + sizeof(*s);
	r->slot_count = s->slot_count;
	r->mask = s->slot_count - 1;
	r->producer = producer;
	/* Nothing runs on the region yet (it is per session and fresh), so
	 * relaxed loads are enough; the hello's sendmsg/recvmsg orders the
	 * creator's initialisation before the attacher's first look. */
	if (producer) {
		r->pos = atomic_load_explicit(&s->head, memory_order_relaxed);
		r->peer = atomic_load_explicit(&s->tail, memory_order_relaxed);
	} else {
		r->pos = atomic_load_explicit(&s->tail, memory_order_relaxed);
		r->peer = atomic_load_explicit(&s->head, memory_order_relaxed);
	}
}

/* Copies len bytes to/from the slot array at byte offset off, wrapping at
 * its end (a record may straddle it). */
static inline void ring_write(struct dp_channel_ring *r, size_t off, const void *src, size_t len)
{
	size_t end = (size_t)r->slot_count * DP_CHANNEL_RING_SLOT, first;

	off &= end - 1;
	first = end - off < len ? end - off : len;
	memcpy(r->slots + off, src, first);
	if (first < len)
		memcpy(r->slots, (const uint8_t *)src + first, len - first);
}

static inline void ring_read(const struct dp_channel_ring *r, size_t off, void *dst, size_t len)
{
	size_t end = (size_t)r->slot_count * DP_CHANNEL_RING_SLOT, first;

	off &= end - 1;
	first = end - off < len ? end - off : len;
	memcpy(dst, r->slots + off, first);
	if (first < len)
		memcpy((uint8_t *)dst + first, r->slots, len - first);
}

/* Producer: refreshes the cached tail.  Acquire pairs with the consumer's
 * release of tail: its reads of the slots it gave back are done before we
 * overwrite them.  A tail past our head (a broken consumer) reads as a full
 * ring, and is cached as such so that the fast path keeps asking: we never
 * overwrite what was not consumed.  False when it was broken. */
static inline bool ring_tail_load(struct dp_channel_ring *r)
{
	r->peer = atomic_load_explicit(&r->shm->tail, memory_order_acquire);
	if (r->pos - r->peer > r->slot_count) {
		r->peer = r->pos - r->slot_count;
		return false;
	}
	return true;
}

int dp_channel_ring_enqueue(struct dp_channel_ring *r, uint16_t type, const void *payload,
			    size_t len)
{
	struct dp_channel_rec h;
	uint32_t need;
	size_t off;

	if (len > DP_MSG_PAYLOAD_MAX)
		return -EMSGSIZE;
	need = dp_channel_ring_rec_slots(len);
	if (r->slot_count - (r->pos - r->peer) < need) {
		if (!ring_tail_load(r) || r->slot_count - (r->pos - r->peer) < need)
			return -ENOBUFS;
	}
	h.type = type;
	h.len = (uint16_t)len;
	h.seq = r->seq;
	off = (size_t)(r->pos & r->mask) * DP_CHANNEL_RING_SLOT;
	memcpy(r->slots + off, &h, sizeof(h));	/* a slot holds a whole header */
	if (len)
		ring_write(r, off + sizeof(h), payload, len);
	r->pos += need;
	r->seq++;
	/* Release: the record's bytes are visible before the head that
	 * covers them (pairs with the consumer's acquire load of head). */
	atomic_store_explicit(&r->shm->head, r->pos, memory_order_release);
	return 0;
}

uint32_t dp_channel_ring_free_slots(struct dp_channel_ring *r)
{
	ring_tail_load(r);
	return r->slot_count - (r->pos - r->peer);
}

int dp_channel_ring_dequeue(struct dp_channel_ring *r, uint16_t *type, void *buf, size_t cap)
{
	struct dp_channel_rec h;
	uint32_t avail, need;
	size_t off;

	if (r->peer == r->pos) {
		/* Acquire pairs with the producer's release of head: the
		 * records it covers are complete. */
		r->peer = atomic_load_explicit(&r->shm->head, memory_order_acquire);
		if (r->peer == r->pos)
			return -EAGAIN;
	}
	avail = r->peer - r->pos;
	if (avail > r->slot_count)
		return -EBADMSG;
	off = (size_t)(r->pos & r->mask) * DP_CHANNEL_RING_SLOT;
	/* One copy of the header, then only the copy is looked at: the
	 * other process could rewrite the slot while we check it. */
	memcpy(&h, r->slots + off, sizeof(h));
	need = dp_channel_ring_rec_slots(h.len);
	if (h.len > DP_MSG_PAYLOAD_MAX || h.seq != r->seq || need > avail)
		return -EBADMSG;
	if (h.len > cap)
		return -EMSGSIZE;
	if (h.len)
		ring_read(r, off + sizeof(h), buf, h.len);
	r->pos += need;
	r->seq++;
	/* Release: our copy is done before the producer may reuse the slots
	 * (pairs with its acquire load of tail). */
	atomic_store_explicit(&r->shm->tail, r->pos, memory_order_release);
	*type = h.type;
	return h.len;
}

uint32_t dp_channel_ring_used_slots(struct dp_channel_ring *r)
{
	/* Acquire: as in dp_channel_ring_dequeue. */
	r->peer = atomic_load_explicit(&r->shm->head, memory_order_acquire);
	return r->peer - r->pos;
}

/*
 * The doorbells are Dekker's pattern: the sleeper stores its flag, the
 * waker stores its index; each then issues a seq_cst fence and loads the
 * other's variable.  The fences are totally ordered, so at least one side
 * sees the other's store: either the sleeper sees the new index (and does
 * not sleep) or the waker sees the flag (and wakes it).  Both may see
 * both: a spurious wake-up, which costs a read of an eventfd.
 */
bool dp_channel_ring_consumer_sleep(struct dp_channel_ring *r)
{
	atomic_store_explicit(&r->shm->cons_waiting, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	/* Acquire: what we find we consume. */
	r->peer = atomic_load_explicit(&r->shm->head, memory_order_acquire);
	if (r->peer != r->pos) {
		atomic_store_explicit(&r->shm->cons_waiting, 0, memory_order_relaxed);
		return false;
	}
	return true;
}

bool dp_channel_ring_producer_wake_check(struct dp_channel_ring *r)
{
	/* Orders our head stores before the flag load (see above). */
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&r->shm->cons_waiting, memory_order_relaxed))
		return false;
	/* Exchange: one wake-up per sleep, however many producers' checks
	 * (and the consumer's own clearing) race for the flag. */
	return atomic_exchange_explicit(&r->shm->cons_waiting, 0, memory_order_relaxed) != 0;
}

bool dp_channel_ring_producer_sleep(struct dp_channel_ring *r, size_t len)
{
	uint32_t need = dp_channel_ring_rec_slots(len);

	atomic_store_explicit(&r->shm->prod_waiting, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
	if (ring_tail_load(r) && r->slot_count - (r->pos - r->peer) >= need) {
		atomic_store_explicit(&r->shm->prod_waiting, 0, memory_order_relaxed);
		return false;
	}
	return true;
}

bool dp_channel_ring_consumer_wake_check(struct dp_channel_ring *r)
{
	/* Orders our tail stores before the flag load (see above). */
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&r->shm->prod_waiting, memory_order_relaxed))
		return false;
	return atomic_exchange_explicit(&r->shm->prod_waiting, 0, memory_order_relaxed) != 0;
}

void dp_channel_ring_drop_note(struct dp_channel_ring *r)
{
	/* Only the producer writes it: a plain read-modify-write, relaxed
	 * (the reader wants a number, not an ordering). */
	atomic_store_explicit(&r->shm->drops,
			      atomic_load_explicit(&r->shm->drops, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

uint64_t dp_channel_ring_drops(const struct dp_channel_ring *r)
{
	/* Relaxed: a statistic. */
	return atomic_load_explicit(&r->shm->drops, memory_order_relaxed);
}

/* ---- the region ------------------------------------------------------------------ */

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void map_rings(struct dp_channel_map *m, const struct dp_channel_region *h, bool dp_side)
{
	uint8_t *base = m->base;
	struct dp_channel_ring_shm *cp2dp = (void *)(base + h->ring_off[DP_CHANNEL_CP2DP]);
	struct dp_channel_ring_shm *dp2cp = (void *)(base + h->ring_off[DP_CHANNEL_DP2CP]);

	ring_handle_init(&m->tx, dp_side ? dp2cp : cp2dp, true);
	ring_handle_init(&m->rx, dp_side ? cp2dp : dp2cp, false);
}

int dp_channel_region_create(uint32_t cp_slots, uint32_t dp_slots, uint32_t generation,
			     struct dp_channel_map *out)
{
	struct dp_channel_region *h;
	size_t off0 = REGION_ALIGN, off1, size;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!slots_valid(cp_slots) || !slots_valid(dp_slots))
		return -EINVAL;
	off1 = align_up(off0 + ring_bytes(cp_slots), REGION_ALIGN);
	size = align_up(off1 + ring_bytes(dp_slots), REGION_ALIGN);
	fd = memfd_create("lispgw-dp-channel", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	/* Sealed at its size: a control plane that could shrink the file
	 * would make the data plane's next access to the mapping a SIGBUS. */
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	out->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (out->base == MAP_FAILED) {
		rc = -errno;
		out->base = NULL;
		close(fd);
		return rc;
	}
	out->size = size;
	out->fd = fd;
	out->generation = generation;
	h = out->base;
	h->magic = DP_CHANNEL_MAGIC;
	h->abi = DP_MSG_ABI_VERSION;
	h->hdr_size = sizeof(*h);
	h->generation = generation;
	h->dp_pid = (uint32_t)getpid();
	h->size = size;
	h->ring_off[DP_CHANNEL_CP2DP] = off0;
	h->ring_off[DP_CHANNEL_DP2CP] = off1;
	h->ring_slots[DP_CHANNEL_CP2DP] = cp_slots;
	h->ring_slots[DP_CHANNEL_DP2CP] = dp_slots;
	h->slot_size = DP_CHANNEL_RING_SLOT;
	h->rec_max = DP_CHANNEL_RING_REC_MAX;
	ring_shm_init((void *)((uint8_t *)out->base + off0), cp_slots);
	ring_shm_init((void *)((uint8_t *)out->base + off1), dp_slots);
	map_rings(out, h, true);
	return 0;
}

/* The header as the other process wrote it: every offset and size checked
 * against the file before we index with it. */
static int region_check(const struct dp_channel_region *h, size_t size)
{
	if (h->magic != DP_CHANNEL_MAGIC || h->abi != DP_MSG_ABI_VERSION ||
	    h->hdr_size != sizeof(*h) || h->size != size || h->slot_size != DP_CHANNEL_RING_SLOT ||
	    h->rec_max != DP_CHANNEL_RING_REC_MAX)
		return -EPROTO;
	for (int i = 0; i < 2; i++) {
		const struct dp_channel_ring_shm *s;

		if (!slots_valid(h->ring_slots[i]) || h->ring_off[i] % REGION_ALIGN ||
		    h->ring_off[i] < REGION_ALIGN || h->ring_off[i] > size ||
		    size - h->ring_off[i] < ring_bytes(h->ring_slots[i]))
			return -EPROTO;
		s = (const void *)((const uint8_t *)h + h->ring_off[i]);
		if (s->magic != DP_CHANNEL_MAGIC || s->slot_count != h->ring_slots[i] ||
		    s->slot_size != DP_CHANNEL_RING_SLOT)
			return -EPROTO;
	}
	/* The rings must not overlap, or one side's writes are the other's
	 * garbage. */
	if (h->ring_off[0] < h->ring_off[1] ? h->ring_off[0] + ring_bytes(h->ring_slots[0]) >
						      h->ring_off[1]
					    : h->ring_off[1] + ring_bytes(h->ring_slots[1]) >
						      h->ring_off[0])
		return -EPROTO;
	return 0;
}

int dp_channel_region_attach(int fd, struct dp_channel_map *out)
{
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	out->fd = fd;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	if (st.st_size < REGION_ALIGN || (uint64_t)st.st_size > (1ull << 32)) {
		rc = -EPROTO;
		goto fail;
	}
	out->size = (size_t)st.st_size;
	out->base = mmap(NULL, out->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (out->base == MAP_FAILED) {
		rc = -errno;
		out->base = NULL;
		goto fail;
	}
	rc = region_check(out->base, out->size);
	if (rc < 0)
		goto fail;
	out->generation = ((struct dp_channel_region *)out->base)->generation;
	map_rings(out, out->base, false);
	return 0;
fail:
	dp_channel_region_release(out);
	return rc;
}

void dp_channel_region_release(struct dp_channel_map *m)
{
	if (m->base)
		munmap(m->base, m->size);
	if (m->fd >= 0)
		close(m->fd);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

/* ---- the hello ----------------------------------------------------------------- */

int dp_channel_hello_send(int sock, const struct dp_channel_hello *h, int memfd, int evfd)
{
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(2 * sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = (void *)h, .iov_len = sizeof(*h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[2], n = 0;
	ssize_t rc;

	if (memfd >= 0)
		fds[n++] = memfd;
	if (evfd >= 0)
		fds[n++] = evfd;
	if (n) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	do
		rc = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc == (ssize_t)sizeof(*h) ? 0 : -EIO;
}

int dp_channel_hello_recv(int sock, struct dp_channel_hello *h, int *memfd, int *evfd)
{
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct iovec iov = { .iov_base = h, .iov_len = sizeof(*h) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	int fds[4], nfds = 0;
	ssize_t rc;

	*memfd = *evfd = -1;
	do
		rc = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (rc == 0)
		return -ECONNRESET;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n && nfds < 4; i++)
			memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	/* Whatever arrived is ours to close unless it is exactly a good
	 * hello: never leak a descriptor a broken peer pushed at us. */
	if (rc != (ssize_t)sizeof(*h) || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
	    h->magic != DP_CHANNEL_MAGIC || h->abi != DP_MSG_ABI_VERSION ||
	    (h->status == 0 && nfds != 2) || (h->status != 0 && nfds != 0)) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return -EPROTO;
	}
	if (nfds == 2) {
		*memfd = fds[0];
		*evfd = fds[1];
	}
	return 0;
}

int dp_channel_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

void dp_channel_eventfd_drain(int evfd)
{
	uint64_t v;

	/* Non-blocking: nothing to read is fine. */
	while (read(evfd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

void dp_channel_eventfd_signal(int evfd)
{
	uint64_t one = 1;

	/* EAGAIN means the counter is already huge: the reader wakes anyway. */
	while (write(evfd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}
