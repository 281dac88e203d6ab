/* SPDX-License-Identifier: BSD-3-Clause */
#include "udp_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

/* Receive buffers asked of the kernel: ~40 ms of a 100k/s burst of
 * Map-Requests.  Capped by net.core.rmem_max unless we may force it. */
#define UDP_IO_SOCKBUF (4 << 20)

union udp_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* Room for one IP_PKTINFO or IPV6_PKTINFO, aligned as cmsg wants. */
union udp_ctl {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct cmsghdr align;
};

struct tx_slot {
	union udp_sa dst;
	socklen_t dst_len;
	socklen_t ctl_len;	/* 0: no source address chosen */
	struct iovec iov;	/* points into tx_buf */
	union udp_ctl ctl;
};

struct udp_io {
	struct evloop *loop;
	int fd;
	int family;		/* AF_INET / AF_INET6 */
	uint16_t port;
	udp_rx_fn rx;
	void *rx_arg;
	struct evloop_idle idle;
	bool want_write;	/* EV_WRITE armed: the kernel pushed back */
	bool in_rx;
	bool close_pending;
	struct udp_io_stats st;

	/* RX: one recvmmsg batch of preallocated buffers. */
	uint8_t *rx_buf;
	struct mmsghdr rx_msg[UDP_IO_BATCH];
	struct iovec rx_iov[UDP_IO_BATCH];
	union udp_sa rx_name[UDP_IO_BATCH];
	union udp_ctl rx_ctl[UDP_IO_BATCH];

	/* TX: a ring of copies; sendmmsg takes up to a batch from its head. */
	uint8_t *tx_buf;
	uint32_t tx_head, tx_count;
	struct tx_slot tx[UDP_IO_TXQ_LEN];
	struct mmsghdr tx_msg[UDP_IO_BATCH];
};

static struct log_ratelimit tx_err_rl = LOG_RATELIMIT_INIT(5, 1000);

static int afi_family(uint16_t afi)
{
	return afi == LISP_AFI_IPV4 ? AF_INET : afi == LISP_AFI_IPV6 ? AF_INET6 : -1;
}

/* Fills a sockaddr for the socket's family; -EAFNOSUPPORT for the other. */
static int sa_from_addr(union udp_sa *sa, int family, const struct lisp_addr *a,
			uint16_t port, socklen_t *len)
{
	if (afi_family(a->afi) != family)
		return -EAFNOSUPPORT;
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(port);
		memcpy(&sa->in.sin_addr, a->v4, 4);
		*len = sizeof(sa->in);
	} else {
		sa->in6.sin6_family = AF_INET6;
		sa->in6.sin6_port = htons(port);
		memcpy(&sa->in6.sin6_addr, a->v6, 16);
		*len = sizeof(sa->in6);
	}
	return 0;
}

/* Sets only the fields an IP address uses: two of these per datagram, and
 * a full struct lisp_addr is 260 bytes of mostly DN room. */
static void addr_set_raw(struct lisp_addr *a, uint16_t afi, const void *bytes)
{
	a->afi = afi;
	a->dn_len = 0;
	memset(a->v6, 0, 16);
	memcpy(a->v6, bytes, afi == LISP_AFI_IPV4 ? 4 : 16);
}

static void addr_from_sa(struct lisp_addr *a, uint16_t *port, const union udp_sa *sa)
{
	if (sa->sa.sa_family == AF_INET) {
		addr_set_raw(a, LISP_AFI_IPV4, &sa->in.sin_addr);
		*port = ntohs(sa->in.sin_port);
	} else {
		addr_set_raw(a, LISP_AFI_IPV6, &sa->in6.sin6_addr);
		*port = ntohs(sa->in6.sin6_port);
	}
}

static bool addr_is_unspec(const struct lisp_addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->v6, zero, a->afi == LISP_AFI_IPV4 ? 4 : 16) == 0;
}

/* ---- receive ---- */

static void rx_pktinfo(struct udp_pkt *pkt, struct msghdr *mh)
{
	pkt->dst.afi = LISP_AFI_NONE;
	pkt->ifindex = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			/* ipi_addr is the header's destination, what the peer
			 * sent to (ipi_spec_dst is the route's idea). */
			addr_set_raw(&pkt->dst, LISP_AFI_IPV4, &pi.ipi_addr);
			pkt->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			addr_set_raw(&pkt->dst, LISP_AFI_IPV6, &pi.ipi6_addr);
			pkt->ifindex = (int)pi.ipi6_ifindex;
		}
	}
}

/* Hands one recvmmsg batch up; false when the rx callback closed us. */
static bool rx_deliver(struct udp_io *io, unsigned int n)
{
	struct udp_pkt pkt;

	pkt.dst_port = io->port;
	for (unsigned int i = 0; i < n; i++) {
		struct msghdr *mh = &io->rx_msg[i].msg_hdr;

		/* A LISP message cut short would only fail to parse later, or
		 * worse parse as something shorter: drop it here, counted. */
		if (mh->msg_flags & MSG_TRUNC) {
			io->st.rx_truncated++;
			continue;
		}
		pkt.data = io->rx_iov[i].iov_base;
		pkt.len = io->rx_msg[i].msg_len;
		addr_from_sa(&pkt.src, &pkt.src_port, &io->rx_name[i]);
		rx_pktinfo(&pkt, mh);
		io->st.rx_packets++;
		io->st.rx_bytes += pkt.len;
		io->rx(io->rx_arg, &pkt);
		if (io->close_pending)
			return false;
	}
	return true;
}

static void udp_io_free(struct udp_io *io);

/*
 * Drains the socket a batch at a time, up to UDP_IO_RX_BUDGET batches: the
 * fd is level-triggered, so what is left is read next turn, after the
 * timers and the other sockets had theirs.  A short batch means the queue
 * was empty, which saves the recvmmsg that would only say EAGAIN.
 */
static void udp_io_rx(struct udp_io *io)
{
	unsigned int b;

	io->in_rx = true;
	for (b = 0; b < UDP_IO_RX_BUDGET; b++) {
		int n;

		/* The kernel rewrites these per message. */
		for (unsigned int i = 0; i < UDP_IO_BATCH; i++) {
			io->rx_msg[i].msg_hdr.msg_namelen = sizeof(io->rx_name[i]);
			io->rx_msg[i].msg_hdr.msg_controllen = sizeof(io->rx_ctl[i]);
		}
		n = recvmmsg(io->fd, io->rx_msg, UDP_IO_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				io->st.rx_errors++;
			break;
		}
		if (n == 0)
			break;
		io->st.rx_batches++;
		if (!rx_deliver(io, (unsigned int)n))
			break;
		if (n < UDP_IO_BATCH)
			break;
	}
	if (b == UDP_IO_RX_BUDGET)
		io->st.rx_budget_hits++;
	io->in_rx = false;
	if (io->close_pending)
		udp_io_free(io);
}

/* ---- send ---- */

static void tx_want_write(struct udp_io *io, bool want)
{
	if (want == io->want_write)
		return;
	/* If epoll refuses the change we poll again from the idle hook,
	 * which only costs an EAGAIN per turn. */
	if (evloop_fd_mod(io->loop, io->fd, EV_READ | (want ? EV_WRITE : 0)) == 0)
		io->want_write = want;
}

static void tx_drop_head(struct udp_io *io, int err)
{
	struct tx_slot *s = &io->tx[io->tx_head];
	char dst[INET6_ADDRSTRLEN] = "?";

	io->st.tx_errors++;
	io->st.tx_errno[err > 0 && err < UDP_IO_ERRNO_MAX ? err : 0]++;
	if (log_enabled(LOG_LEVEL_WARN)) {
		inet_ntop(s->dst.sa.sa_family,
			  s->dst.sa.sa_family == AF_INET ? (void *)&s->dst.in.sin_addr
							 : (void *)&s->dst.in6.sin6_addr,
			  dst, sizeof(dst));
		log_ratelimited(&tx_err_rl, LOG_LEVEL_WARN, "udp: send to %s port %u: %s", dst,
				ntohs(s->dst.in.sin_port), strerror(err));
	}
	io->tx_head = (io->tx_head + 1) % UDP_IO_TXQ_LEN;
	io->tx_count--;
}

size_t udp_io_flush(struct udp_io *io)
{
	bool blocked = false;

	while (io->tx_count > 0) {
		unsigned int k = io->tx_count < UDP_IO_BATCH ? io->tx_count : UDP_IO_BATCH;
		int n;

		for (unsigned int i = 0; i < k; i++) {
			struct tx_slot *s = &io->tx[(io->tx_head + i) % UDP_IO_TXQ_LEN];
			struct msghdr *mh = &io->tx_msg[i].msg_hdr;

			mh->msg_name = &s->dst;
			mh->msg_namelen = s->dst_len;
			mh->msg_iov = &s->iov;
			mh->msg_iovlen = 1;
			mh->msg_control = s->ctl_len ? s->ctl.buf : NULL;
			mh->msg_controllen = s->ctl_len;
			mh->msg_flags = 0;
		}
		n = sendmmsg(io->fd, io->tx_msg, k, MSG_DONTWAIT);
		if (n > 0) {
			io->st.tx_batches++;
			for (int i = 0; i < n; i++) {
				io->st.tx_bytes += io->tx[io->tx_head].iov.iov_len;
				io->tx_head = (io->tx_head + 1) % UDP_IO_TXQ_LEN;
			}
			io->st.tx_packets += (uint64_t)n;
			io->tx_count -= (uint32_t)n;
			/* If n < k, message n failed; the next call reports
			 * its error (sendmmsg loses it when some were sent). */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			io->st.tx_eagain++;
			blocked = true;
			break;
		}
		/* The head datagram itself is refused (no route, bad port...):
		 * UDP is lossy, drop it and go on with the rest. */
		tx_drop_head(io, n < 0 ? errno : EIO);
	}
	tx_want_write(io, blocked);
	return io->tx_count;
}

int udp_io_send_from(struct udp_io *io, const struct lisp_addr *src,
		     const struct lisp_addr *dst, uint16_t dst_port, const void *payload,
		     size_t len)
{
	struct tx_slot *s;
	uint32_t idx;
	int rc;

	if (len > UDP_IO_BUF_SIZE)
		return -EMSGSIZE;
	if (src && src->afi != LISP_AFI_NONE && afi_family(src->afi) != io->family)
		return -EAFNOSUPPORT;
	if (io->tx_count == UDP_IO_TXQ_LEN) {
		io->st.tx_queue_drops++;
		return -ENOBUFS;
	}
	idx = (io->tx_head + io->tx_count) % UDP_IO_TXQ_LEN;
	s = &io->tx[idx];
	rc = sa_from_addr(&s->dst, io->family, dst, dst_port, &s->dst_len);
	if (rc < 0)
		return rc;
	s->ctl_len = 0;
	if (src && src->afi != LISP_AFI_NONE && !addr_is_unspec(src)) {
		struct cmsghdr *c = &s->ctl.align;

		memset(&s->ctl, 0, sizeof(s->ctl));
		if (io->family == AF_INET) {
			/* ipi_spec_dst picks the source address; ifindex 0
			 * leaves the route to choose the interface. */
			struct in_pktinfo pi = { 0 };

			memcpy(&pi.ipi_spec_dst, src->v4, 4);
			c->cmsg_level = IPPROTO_IP;
			c->cmsg_type = IP_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			s->ctl_len = CMSG_SPACE(sizeof(pi));
		} else {
			struct in6_pktinfo pi = { 0 };

			memcpy(&pi.ipi6_addr, src->v6, 16);
			c->cmsg_level = IPPROTO_IPV6;
			c->cmsg_type = IPV6_PKTINFO;
			c->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(c), &pi, sizeof(pi));
			s->ctl_len = CMSG_SPACE(sizeof(pi));
		}
	}
	if (len)
		memcpy(s->iov.iov_base, payload, len);
	s->iov.iov_len = len;
	io->tx_count++;
	/* A full batch leaves now rather than at the end of the turn, unless
	 * the kernel is pushing back (then EV_WRITE restarts the flush). */
	if (io->tx_count >= UDP_IO_BATCH && !io->want_write)
		udp_io_flush(io);
	return 0;
}

int udp_io_send(struct udp_io *io, const struct lisp_addr *dst, uint16_t dst_port,
		const void *payload, size_t len)
{
	return udp_io_send_from(io, NULL, dst, dst_port, payload, len);
}

size_t udp_io_queued(const struct udp_io *io)
{
	return io->tx_count;
}

/* ---- loop glue ---- */

static void udp_io_on_event(int fd, unsigned int events, void *arg)
{
	struct udp_io *io = arg;

	(void)fd;
	/* Write first: freeing queue room before the reads produce replies. */
	if (events & EV_WRITE)
		udp_io_flush(io);
	if (events & (EV_READ | EV_ERROR))
		udp_io_rx(io);
}

static void udp_io_on_idle(void *arg)
{
	struct udp_io *io = arg;

	/* While blocked, EV_WRITE says when to try again: no EAGAIN per turn. */
	if (io->tx_count > 0 && !io->want_write)
		udp_io_flush(io);
}

/* ---- open / close ---- */

static void sock_buf_grow(int fd, int opt_force, int opt)
{
	int sz = UDP_IO_SOCKBUF;

	/* The FORCE variant passes rmem_max/wmem_max when we still hold
	 * CAP_NET_ADMIN (before privileges are dropped); otherwise the plain
	 * one gets what the sysctl allows.  Best effort either way. */
	if (setsockopt(fd, SOL_SOCKET, opt_force, &sz, sizeof(sz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &sz, sizeof(sz));
}

static int sock_setup(int fd, int family, struct lisp_err *err)
{
	int one = 1;

	/* No SO_REUSEADDR: on Linux UDP it lets a second daemon bind the same
	 * address and port silently and take half the Map-Requests.  A second
	 * lispgw-cp must fail to start instead. */
	if (family == AF_INET6) {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
			return lisp_err_set(err, errno, "IPV6_V6ONLY: %s", strerror(errno));
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)
			return lisp_err_set(err, errno, "IPV6_RECVPKTINFO: %s",
					    strerror(errno));
	} else if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0) {
		return lisp_err_set(err, errno, "IP_PKTINFO: %s", strerror(errno));
	}
	sock_buf_grow(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	sock_buf_grow(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	return 0;
}

static void udp_io_free(struct udp_io *io)
{
	evloop_idle_del(io->loop, &io->idle);
	evloop_fd_del(io->loop, io->fd);
	close(io->fd);
	free(io->rx_buf);
	free(io->tx_buf);
	free(io);
}

struct udp_io *udp_io_open(struct evloop *loop, const struct lisp_addr *bind_addr,
			   uint16_t port, udp_rx_fn rx, void *arg, struct lisp_err *err)
{
	char name[INET6_ADDRSTRLEN] = "?";
	struct udp_io *io;
	union udp_sa sa;
	socklen_t len;
	int family = afi_family(bind_addr->afi), rc;

	if (family < 0 || !rx) {
		errno = -lisp_err_set(err, EAFNOSUPPORT, "bind address must be IPv4 or IPv6");
		return NULL;
	}
	inet_ntop(family, bind_addr->v6, name, sizeof(name));
	io = calloc(1, sizeof(*io));
	if (!io) {
		errno = -lisp_err_set(err, ENOMEM, "udp %s port %u: out of memory", name, port);
		return NULL;
	}
	io->loop = loop;
	io->family = family;
	io->rx = rx;
	io->rx_arg = arg;
	io->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	if (io->fd < 0) {
		rc = lisp_err_set(err, errno, "udp %s port %u: socket: %s", name, port,
				  strerror(errno));
		goto fail_free;
	}
	rc = sock_setup(io->fd, family, err);
	if (rc < 0) {
		lisp_err_prefix(err, rc, "udp %s port %u", name, port);
		goto fail_close;
	}
	sa_from_addr(&sa, family, bind_addr, port, &len);
	if (bind(io->fd, &sa.sa, len) < 0) {
		rc = lisp_err_set(err, errno, "udp bind %s port %u: %s", name, port,
				  strerror(errno));
		goto fail_close;
	}
	len = sizeof(sa);
	if (getsockname(io->fd, &sa.sa, &len) < 0) {
		rc = lisp_err_set(err, errno, "udp %s getsockname: %s", name, strerror(errno));
		goto fail_close;
	}
	io->port = ntohs(family == AF_INET ? sa.in.sin_port : sa.in6.sin6_port);

	/* Allocated once; malloc maps blocks this size lazily, so queue slots
	 * that never hold a jumbo datagram cost little real memory. */
	io->rx_buf = malloc((size_t)UDP_IO_BATCH * UDP_IO_BUF_SIZE);
	io->tx_buf = malloc((size_t)UDP_IO_TXQ_LEN * UDP_IO_BUF_SIZE);
	if (!io->rx_buf || !io->tx_buf) {
		rc = lisp_err_set(err, ENOMEM, "udp %s port %u: out of memory", name, port);
		goto fail_close;
	}
	for (unsigned int i = 0; i < UDP_IO_BATCH; i++) {
		struct msghdr *mh = &io->rx_msg[i].msg_hdr;

		io->rx_iov[i].iov_base = io->rx_buf + (size_t)i * UDP_IO_BUF_SIZE;
		io->rx_iov[i].iov_len = UDP_IO_BUF_SIZE;
		mh->msg_name = &io->rx_name[i];
		mh->msg_iov = &io->rx_iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = io->rx_ctl[i].buf;
	}
	for (unsigned int i = 0; i < UDP_IO_TXQ_LEN; i++)
		io->tx[i].iov.iov_base = io->tx_buf + (size_t)i * UDP_IO_BUF_SIZE;

	rc = evloop_fd_add(loop, io->fd, EV_READ, udp_io_on_event, io);
	if (rc < 0) {
		lisp_err_set(err, -rc, "udp %s port %u: event loop: %s", name, io->port,
			     strerror(-rc));
		goto fail_close;
	}
	evloop_idle_add(loop, &io->idle, udp_io_on_idle, io);
	return io;

fail_close:
	close(io->fd);
fail_free:
	free(io->rx_buf);
	free(io->tx_buf);
	free(io);
	errno = -rc;
	return NULL;
}

void udp_io_close(struct udp_io *io)
{
	if (!io || io->close_pending)
		return;
	/* Best effort, one pass: a daemon shutting down sends its last
	 * Map-Notify acks if the kernel takes them now. */
	if (io->tx_count > 0 && !io->want_write)
		udp_io_flush(io);
	if (io->in_rx) {
		io->close_pending = true;
		return;
	}
	udp_io_free(io);
}

uint16_t udp_io_local_port(const struct udp_io *io)
{
	return io->port;
}

int udp_io_fd(const struct udp_io *io)
{
	return io->fd;
}

uint16_t udp_io_afi(const struct udp_io *io)
{
	return io->family == AF_INET ? LISP_AFI_IPV4 : LISP_AFI_IPV6;
}

void udp_io_stats(const struct udp_io *io, struct udp_io_stats *out)
{
	*out = io->st;
}
