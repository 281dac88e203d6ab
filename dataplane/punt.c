/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path's TAP side, on the main lcore (punt.h says what and
 * why).  The TAP is a net_tap vdev we create at start-up; its kernel
 * interface gets the RLOC port's MAC (the kernel's ARP and ND answers name
 * the MAC the wire sees), its MTU and its RLOC addresses (rtnetlink).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_net.h>

#include "dp.h"
#include "punt.h"

#define EXC_DESC	512	/* TAP RX and TX descriptors */
#define EXC_POLL_BURSTS	8	/* kernel frames read per tick: 8 x 32 */

/* --- the kernel interface's addresses (rtnetlink) ------------------------- */

struct nl_addr_req {
	struct nlmsghdr nh;
	struct ifaddrmsg ifa;
	char attrs[64];
};

static void nl_attr(struct nl_addr_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* RLOC a/plen on ifindex, as `ip addr replace` (IPv6 without duplicate
 * address detection: the RLOC is ours by configuration, and usable at
 * once).  0 or -errno. */
static int nl_addr_add(int ifindex, const struct lisp_addr *a, uint8_t plen)
{
	struct nl_addr_req r;
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	bool v4 = a->afi == LISP_AFI_IPV4;
	uint32_t flags = IFA_F_NODAD;
	ssize_t n;
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(r.ifa));
	r.nh.nlmsg_type = RTM_NEWADDR;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	r.nh.nlmsg_seq = 1;
	r.ifa.ifa_family = v4 ? AF_INET : AF_INET6;
	r.ifa.ifa_prefixlen = plen;
	r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.ifa.ifa_index = (uint32_t)ifindex;
	nl_attr(&r, IFA_LOCAL, v4 ? a->v4 : a->v6, v4 ? 4 : 16);
	nl_attr(&r, IFA_ADDRESS, v4 ? a->v4 : a->v6, v4 ? 4 : 16);
	if (!v4)
		nl_attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0) {
		rc = -errno;
		goto out;
	}
	n = recv(fd, &ack, sizeof(ack), 0);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n < sizeof(ack) || ack.nh.nlmsg_type != NLMSG_ERROR)
		rc = -EPROTO;
	else
		rc = ack.err.error;	/* 0 or -errno */
out:
	close(fd);
	return rc;
}

/* --- set-up --------------------------------------------------------------- */

static int sysctl_set(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* net_af_packet reads the interface beside the kernel, which still gets
 * every frame: with the RLOC now a local address of this namespace (on the
 * TAP), the kernel would answer ARP for it on that interface too and take
 * every packet for it twice (weak host model).  So the kernel ignores that
 * interface: no ARP replies for any address (arp_ignore 8), strict
 * reverse-path filtering (the way back to any sender is the TAP), no IPv6.
 * A PCI NIC under a DPDK driver has no kernel side: nothing to do. */
static int exc_kernel_quiet(const struct dp_port *p, const char *driver)
{
	static const char *const conf[][2] = {
		{ "/proc/sys/net/ipv4/conf/%s/arp_ignore", "8" },
		{ "/proc/sys/net/ipv4/conf/%s/rp_filter", "1" },
		{ "/proc/sys/net/ipv6/conf/%s/disable_ipv6", "1" },
	};
	char ifname[IF_NAMESIZE], path[128];

	if (!driver || strcmp(driver, "net_af_packet") != 0 || p->ifindex <= 0 ||
	    !if_indextoname((unsigned int)p->ifindex, ifname))
		return 0;
	for (size_t i = 0; i < RTE_DIM(conf); i++) {
		int rc;

		snprintf(path, sizeof(path), conf[i][0], ifname);
		rc = sysctl_set(path, conf[i][1]);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: %s: %s", p->name, path, strerror(-rc));
			return rc;
		}
	}
	DP_LOG(INFO, "port %s: the kernel ignores %s (net_af_packet reads it; the RLOC is "
	       "the exception interface's)", p->name, ifname);
	return 0;
}

int dp_exc_create(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_ports; i++) {
		const struct dp_config_port *cp = &app->cfg->ports[i];
		struct dp_port *p = &app->ports[i];
		uint64_t hz = rte_get_tsc_hz();
		struct rte_eth_dev_info info;
		char args[128];
		struct dp_exc *x;
		int rc;

		if (!cp->exc_ifname)
			continue;
		rc = rte_eth_dev_info_get(p->port_id, &info);
		if (rc == 0)
			rc = exc_kernel_quiet(p, info.driver_name);
		if (rc < 0)
			return rc;
		x = rte_zmalloc("dp_exc", sizeof(*x), RTE_CACHE_LINE_SIZE);
		if (!x)
			return -ENOMEM;
		p->exc = x;
		x->cost = RTE_MAX(hz / cp->exc_rate, (uint64_t)1);
		x->tolerance = (uint64_t)(cp->exc_burst - 1) * x->cost;
		x->rloc_port = p->port_id;
		snprintf(x->ifname, sizeof(x->ifname), "%s", cp->exc_ifname);
		snprintf(x->vdev, sizeof(x->vdev), "net_tap_lispgw%u", i);
		snprintf(args, sizeof(args), "iface=%s,mac=" RTE_ETHER_ADDR_PRT_FMT, x->ifname,
			 p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
		rc = rte_eal_hotplug_add("vdev", x->vdev, args);
		if (rc == 0) {
			rc = rte_eth_dev_get_port_by_name(x->vdev, &x->tap_port);
			x->attached = rc == 0;
		}
		if (rc < 0) {
			DP_LOG(ERR, "port %s: exception interface %s (net_tap): %s", p->name,
			       x->ifname, rte_strerror(-rc));
			return rc;
		}
		x->ifindex = (int)if_nametoindex(x->ifname);
		if (x->ifindex <= 0) {
			DP_LOG(ERR, "port %s: exception interface %s: no such kernel interface",
			       p->name, x->ifname);
			return -ENODEV;
		}
		/* The kernel owns the RLOC on the link now: its neighbour
		 * table is the one to read (neigh_kernel.h). */
		p->ifindex = x->ifindex;
	}
	return 0;
}

unsigned int dp_exc_mbufs(const struct dp_app *app)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < app->n_ports; i++)
		if (app->ports[i].exc)
			n += 2 * EXC_DESC + 2 * RTE_DIM(app->ports[i].exc->tx);
	return n;
}

static int exc_start(struct dp_app *app, const struct dp_config_port *cp, struct dp_port *p)
{
	struct dp_exc *x = p->exc;
	struct rte_eth_conf conf = { 0 };
	int rc;

	rc = rte_eth_dev_configure(x->tap_port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(x->tap_port, 0, EXC_DESC, rte_socket_id(), NULL,
					    app->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(x->tap_port, 0, EXC_DESC, rte_socket_id(), NULL);
	if (rc == 0)
		rc = rte_eth_dev_set_mtu(x->tap_port, p->mtu);
	if (rc == 0)
		rc = rte_eth_dev_start(x->tap_port);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: exception interface %s: %s", p->name, x->ifname,
		       rte_strerror(-rc));
		return rc;
	}
	x->started = true;
	rte_eth_dev_set_link_up(x->tap_port);
	for (size_t i = 0; i < cp->addr_count; i++) {
		rc = nl_addr_add(x->ifindex, &cp->addrs[i], cp->addr_plen[i]);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: exception interface %s: address %zu: %s", p->name,
			       x->ifname, i, strerror(-rc));
			return rc;
		}
	}
	DP_LOG(INFO, "port %s: exception interface %s (DPDK port %u), %u packets/s", p->name,
	       x->ifname, x->tap_port, cp->exc_rate);
	return 0;
}

int dp_exc_start(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_ports; i++) {
		int rc;

		if (!app->ports[i].exc)
			continue;
		rc = exc_start(app, &app->cfg->ports[i], &app->ports[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void dp_exc_stop(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_ports; i++) {
		struct dp_exc *x = app->ports[i].exc;

		if (!x)
			continue;
		rte_pktmbuf_free_bulk(x->tx, x->n_tx);
		if (x->started)
			rte_eth_dev_stop(x->tap_port);
		if (x->attached)
			rte_eth_dev_close(x->tap_port);
		if (x->vdev[0])
			rte_eal_hotplug_remove("vdev", x->vdev);
		rte_free(x);
		app->ports[i].exc = NULL;
	}
}

/* --- the main lcore's duty ------------------------------------------------ */

static void exc_flush(struct dp_app *app, struct dp_exc *x)
{
	uint16_t sent;

	if (!x->n_tx)
		return;
	sent = rte_eth_tx_burst(x->tap_port, 0, x->tx, x->n_tx);
	dp_ctr_add(&app->ctl_ctr, DP_CTR_EXCEPTION_TO_KERNEL, sent);
	if (sent < x->n_tx) {
		dp_ctr_add(&app->ctl_ctr, DP_CTR_DROP_EXCEPTION_FULL, x->n_tx - sent);
		rte_pktmbuf_free_bulk(x->tx + sent, x->n_tx - sent);
	}
	x->n_tx = 0;
}

void dp_exc_input(struct dp_app *app, const struct dp_port *p, struct rte_mbuf *m)
{
	struct dp_exc *x = p->exc;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (!x) {
		rte_pktmbuf_free(m);
		return;
	}
	/* The kernel interface is untagged, like our RLOC side's egress. */
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN))
		rte_vlan_strip(m);
	m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
	x->tx[x->n_tx++] = m;
	if (x->n_tx == RTE_DIM(x->tx))
		exc_flush(app, x);
}

void dp_exc_poll(struct dp_app *app)
{
	struct rte_mbuf *m[32];

	for (unsigned int i = 0; i < app->n_ports; i++) {
		struct dp_exc *x = app->ports[i].exc;
		uint16_t k;

		if (!x)
			continue;
		exc_flush(app, x);
		for (unsigned int b = 0; b < EXC_POLL_BURSTS; b++) {
			k = rte_eth_rx_burst(x->tap_port, 0, m, RTE_DIM(m));
			for (uint16_t j = 0; j < k; j++) {
				if (dp_worker_inject(app->workers[0], m[j], x->rloc_port))
					dp_ctr_inc(&app->ctl_ctr, DP_CTR_EXCEPTION_FROM_KERNEL);
				else
					dp_ctr_inc(&app->ctl_ctr, DP_CTR_DROP_EXCEPTION_FULL);
			}
			if (k < RTE_DIM(m))
				break;
		}
	}
}
