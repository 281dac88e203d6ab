/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Batched UDP sockets for the LISP control port (4342), on the event loop.
 *
 * The kernel's UDP path, not our parsing, is what limits a Map-Server on
 * one core, so every socket call moves a batch: recvmmsg() takes up to
 * UDP_IO_BATCH datagrams into preallocated buffers, and replies are queued
 * by udp_io_send() and leave together through sendmmsg() at the end of the
 * loop turn (or as soon as a full batch is waiting).
 *
 * Each datagram is handed up with its source and the local address it was
 * sent to (IP_PKTINFO / IPV6_RECVPKTINFO): a Map-Server on a wildcard or
 * multi-address socket must answer from the address the request reached,
 * which udp_io_send_from() does.
 *
 * Nothing here ever blocks the loop: the socket is non-blocking; when the
 * kernel pushes back (EAGAIN) the queue waits for EV_WRITE, and when the
 * queue itself is full new datagrams are dropped and counted.  Per-packet
 * trouble (truncation, send errors) is counted in udp_io_stats, never
 * logged per packet.
 */
#ifndef LISPGW_UDP_IO_H
#define LISPGW_UDP_IO_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "lisp_addr.h"
#include "lisp_err.h"

/* Where a role's control messages go: udp_io in the daemon, a capture in
 * tests.  Every role (Map-Server, Map-Resolver, ETR, ITR) sends through one. */
typedef void (*lisp_send_fn)(void *arg, const struct lisp_addr *dst, uint16_t dst_port,
			     const uint8_t *msg, size_t len);

#define UDP_IO_BATCH	64	/* datagrams per recvmmsg / sendmmsg */
#define UDP_IO_BUF_SIZE	9000	/* largest datagram taken or sent (jumbo) */
#define UDP_IO_RX_BUDGET 8	/* recvmmsg batches per socket per loop turn */
#define UDP_IO_TXQ_LEN	256	/* queued datagrams before udp_io_send drops */
#define UDP_IO_ERRNO_MAX 134	/* send errors are counted per errno below this */

struct udp_io;

/* One received datagram; valid only during the rx callback. */
struct udp_pkt {
	const uint8_t *data;
	size_t len;
	struct lisp_addr src;	/* the sender */
	uint16_t src_port;	/* host byte order */
	struct lisp_addr dst;	/* the local address it arrived on */
	uint16_t dst_port;	/* our port */
	int ifindex;		/* interface it arrived on */
};

typedef void (*udp_rx_fn)(void *arg, const struct udp_pkt *pkt);

struct udp_io_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_batches;		/* recvmmsg calls that returned datagrams */
	uint64_t rx_truncated;		/* larger than UDP_IO_BUF_SIZE: dropped */
	uint64_t rx_budget_hits;	/* turns that ended with data still queued */
	uint64_t rx_errors;		/* recvmmsg failures other than EAGAIN */
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_batches;		/* sendmmsg calls that sent something */
	uint64_t tx_queue_drops;	/* udp_io_send with the queue full */
	uint64_t tx_eagain;		/* times the socket buffer pushed back */
	uint64_t tx_errors;		/* datagrams the kernel refused: dropped */
	uint64_t tx_errno[UDP_IO_ERRNO_MAX]; /* tx_errors by errno ([0]: others) */
};

/*
 * Opens a non-blocking UDP socket bound to bind_addr (IPv4 or IPv6, may be
 * the wildcard) and port (0: any, see udp_io_local_port), and watches it on
 * loop.  IPv6 sockets are IPV6_V6ONLY: IPv4 needs its own socket, so that
 * both families behave the same whatever net.ipv6.bindv6only says.
 * Returns NULL with errno set and err filled on failure.
 */
struct udp_io *udp_io_open(struct evloop *loop, const struct lisp_addr *bind_addr,
			   uint16_t port, udp_rx_fn rx, void *arg, struct lisp_err *err);
/* Tries once to send what is queued, then closes.  Safe from inside this
 * socket's own rx callback (the close then completes when it returns). */
void udp_io_close(struct udp_io *io);

uint16_t udp_io_local_port(const struct udp_io *io);
int udp_io_fd(const struct udp_io *io);
/* LISP_AFI_IPV4 or LISP_AFI_IPV6. */
uint16_t udp_io_afi(const struct udp_io *io);

/*
 * Queues a copy of payload for dst:port; it leaves at the end of this loop
 * turn, or now if a full batch is waiting.  0, or -EAFNOSUPPORT (dst of the
 * other family), -EMSGSIZE (len > UDP_IO_BUF_SIZE), -ENOBUFS (queue full:
 * dropped and counted).
 */
int udp_io_send(struct udp_io *io, const struct lisp_addr *dst, uint16_t dst_port,
		const void *payload, size_t len);
/* The same with the source address chosen (normally pkt->dst of the
 * request being answered).  src NULL or the wildcard: the kernel picks. */
int udp_io_send_from(struct udp_io *io, const struct lisp_addr *src,
		     const struct lisp_addr *dst, uint16_t dst_port, const void *payload,
		     size_t len);
/* Sends what is queued now (the loop calls it at the end of each turn).
 * Returns the number of datagrams still queued. */
size_t udp_io_flush(struct udp_io *io);
size_t udp_io_queued(const struct udp_io *io);

void udp_io_stats(const struct udp_io *io, struct udp_io_stats *out);

#endif
