/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path (docs/dataplane.md, "Exception path"): what arrives
 * on an RLOC port for one of our RLOC addresses but is not tunnel data --
 * LISP control (UDP 4342 either way), ICMP, ICMPv6 to us (echo, ND), ARP
 * for us -- goes to the kernel through a TAP interface that lispgw-dp
 * creates (net_tap) with the port's MAC and RLOC addresses, so lispgw-cp
 * bound to an RLOC in that namespace gets its Map-Requests and probes, and
 * the kernel answers ping, ARP and ND; what the kernel sends there leaves
 * through the RLOC port.  DPDK's "exception path" sample, VPP's punt to tap.
 *
 * Workers classify (decap.c) and admit against one rate limit, then hand
 * the frame to the main lcore on their punt ring; the main lcore writes it
 * to the TAP and reads the kernel's frames back (syscalls: never on a
 * worker), out through worker 0's inject ring.  With the TAP the kernel
 * owns the RLOC on the link, its ARP and ND included, so the port's next
 * hops come from the kernel's neighbour table (neigh_kernel.h), as for a
 * single-NIC AF_XDP port.
 */
#ifndef LISPGW_DP_PUNT_H
#define LISPGW_DP_PUNT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

struct dp_app;
struct dp_port;
struct rte_mbuf;

struct dp_exc {
	/* The limit, a GCRA (the virtual-scheduling form of a token bucket,
	 * ITU-T I.371): tat is when the bucket would be empty again.  The one
	 * line workers share and write -- only for frames that are for our
	 * own RLOC and not tunnel data, never for forwarded traffic. */
	uint64_t tat __rte_cache_aligned;
	uint64_t cost;			/* TSC ticks a packet: hz / rate */
	uint64_t tolerance;		/* (burst - 1) * cost */
	/* The main lcore's. */
	uint16_t tap_port __rte_cache_aligned;	/* DPDK port of the TAP */
	uint16_t rloc_port;
	int ifindex;
	bool attached;			/* the vdev exists, tap_port is it */
	bool started;
	char vdev[32];
	char ifname[IF_NAMESIZE];
	uint16_t n_tx;
	struct rte_mbuf *tx[32];
};

/* Workers: may a frame go to the kernel now? */
static inline bool dp_exc_admit(struct dp_exc *x, uint64_t now)
{
	uint64_t tat = __atomic_load_n(&x->tat, __ATOMIC_RELAXED), next;

	do {
		uint64_t base = tat > now ? tat : now;

		if (base - now > x->tolerance)
			return false;
		next = base + x->cost;
		/* Relaxed: the value orders nothing else. */
	} while (!__atomic_compare_exchange_n(&x->tat, &tat, next, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

/* Creates the TAP of every rloc port with exception (after dp_ports_init,
 * before dp_neigh_create: the port's ifindex becomes the TAP's).  0 or
 * -errno (logged). */
int dp_exc_create(struct dp_app *app);
/* Starts the TAPs, gives them the ports' MTU and RLOC addresses. */
int dp_exc_start(struct dp_app *app);
void dp_exc_stop(struct dp_app *app);
/* Mbufs the TAPs' queues hold. */
unsigned int dp_exc_mbufs(const struct dp_app *app);

/* Main lcore: a frame a worker punted (DP_CTR_PUNT_EXCEPTION) from p. */
void dp_exc_input(struct dp_app *app, const struct dp_port *p, struct rte_mbuf *m);
/* Main lcore: writes what dp_exc_input queued, sends what the kernel wrote. */
void dp_exc_poll(struct dp_app *app);

#endif
