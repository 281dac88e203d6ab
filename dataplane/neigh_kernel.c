/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's neighbour table over rtnetlink (neigh_kernel.h).  Messages
 * are parsed with the NLMSG_ and RTA_ bounds macros; anything short or of
 * another family is skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "neigh_kernel.h"

#define KN_RCVBUF	(1 << 20)
#define KN_POLL_MSGS	64	/* datagrams per poll: the main lcore's tick stays short */
/* The kernel's NUD_VALID (include/net/neighbour.h, not in the uapi): an
 * entry with a usable link-layer address. */
#define KN_NUD_VALID	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | \
			 NUD_DELAY)

struct dp_kneigh {
	int fd;
	uint32_t seq;
	int resync;		/* events were lost: dump the table */
	char buf[16384];
};

struct kn_req {
	struct nlmsghdr nh;
	struct ndmsg nd;
	char attrs[64];
};

static void req_addr(struct kn_req *r, const struct dp_ip *ip)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	size_t alen = ip->af == 4 ? 4 : 16;

	a->rta_type = NDA_DST;
	a->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(a), ip->a, alen);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static int req_send(struct dp_kneigh *k, struct kn_req *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	r->nh.nlmsg_seq = ++k->seq;
	if (sendto(k->fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

static int dump(struct dp_kneigh *k)
{
	struct kn_req r;

	/* One dump of every family (AF_UNSPEC): a second dump request while
	 * the first runs would be refused (EBUSY). */
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	r.nh.nlmsg_type = RTM_GETNEIGH;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.nd.ndm_family = AF_UNSPEC;
	return req_send(k, &r);
}

struct dp_kneigh *dp_kneigh_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 0 };
	struct dp_kneigh *k = calloc(1, sizeof(*k));
	int buf = KN_RCVBUF, grp = RTNLGRP_NEIGH, e;

	if (!k)
		return NULL;
	k->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (k->fd < 0)
		goto fail;
	setsockopt(k->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (bind(k->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(k->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) < 0)
		goto fail;
	return k;
fail:
	e = errno;
	if (k->fd >= 0)
		close(k->fd);
	free(k);
	errno = e;
	return NULL;
}

void dp_kneigh_close(struct dp_kneigh *k)
{
	if (!k)
		return;
	close(k->fd);
	free(k);
}

int dp_kneigh_solicit(struct dp_kneigh *k, int ifindex, const struct dp_ip *ip)
{
	struct kn_req r;
	int rc;

	/* Create the entry if need be and "use" it: the kernel starts (or
	 * refreshes) resolution as for a packet of its own.  NUD_NONE with
	 * NTF_USE changes nothing else of an existing entry. */
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	r.nh.nlmsg_type = RTM_NEWNEIGH;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	r.nd.ndm_family = ip->af == 4 ? AF_INET : AF_INET6;
	r.nd.ndm_ifindex = ifindex;
	r.nd.ndm_flags = NTF_USE;
	req_addr(&r, ip);
	rc = req_send(k, &r);
	if (rc < 0)
		return rc;
	/* And read it back: an entry that is already reachable sends no
	 * event. */
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	r.nh.nlmsg_type = RTM_GETNEIGH;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.nd.ndm_family = ip->af == 4 ? AF_INET : AF_INET6;
	r.nd.ndm_ifindex = ifindex;
	req_addr(&r, ip);
	return req_send(k, &r);
}

static void neigh_msg(const struct nlmsghdr *nh, dp_kneigh_cb cb, void *ctx)
{
	const struct ndmsg *nd = NLMSG_DATA(nh);
	const uint8_t *mac = NULL;
	struct dp_ip ip = { 0 };
	const struct rtattr *a;
	enum dp_kneigh_state st;
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*nd));

	if (len < 0 || (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6))
		return;
	for (a = (const struct rtattr *)((const char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		size_t plen = RTA_PAYLOAD(a);

		if (a->rta_type == NDA_DST && plen == (nd->ndm_family == AF_INET ? 4u : 16u)) {
			ip.af = nd->ndm_family == AF_INET ? 4 : 6;
			memcpy(ip.a, RTA_DATA(a), plen);
		} else if (a->rta_type == NDA_LLADDR && plen == 6) {
			mac = RTA_DATA(a);
		}
	}
	if (!ip.af)
		return;
	if (nh->nlmsg_type == RTM_DELNEIGH)
		st = DP_KNEIGH_GONE;
	else if ((nd->ndm_state & KN_NUD_VALID) && mac)
		st = DP_KNEIGH_VALID;
	else if (nd->ndm_state & NUD_FAILED)
		st = DP_KNEIGH_FAILED;
	else
		return;		/* incomplete, none: an answer will follow */
	cb(ctx, nd->ndm_ifindex, &ip, st, st == DP_KNEIGH_VALID ? mac : NULL);
}

void dp_kneigh_poll(struct dp_kneigh *k, dp_kneigh_cb cb, void *ctx)
{
	for (int i = 0; i < KN_POLL_MSGS; i++) {
		ssize_t n = recv(k->fd, k->buf, sizeof(k->buf), MSG_DONTWAIT);
		int len = (int)n;

		if (n < 0) {
			/* The socket overflowed: what we hold may be stale. */
			if (errno == ENOBUFS)
				k->resync = 1;
			break;
		}
		for (const struct nlmsghdr *nh = (const struct nlmsghdr *)k->buf;
		     NLMSG_OK(nh, (unsigned int)len); nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == RTM_NEWNEIGH || nh->nlmsg_type == RTM_DELNEIGH)
				neigh_msg(nh, cb, ctx);
			/* NLMSG_ERROR (e.g. ENOENT for a get before the entry
			 * exists) and NLMSG_DONE: nothing to do, the events
			 * carry the state. */
		}
	}
	if (k->resync && dump(k) == 0)
		k->resync = 0;
}
