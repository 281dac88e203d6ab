/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared between the XDP program and its loaders (lispgw-dp, tests). */
#ifndef LISPGW_XDP_H
#define LISPGW_XDP_H

#define LISPGW_XDP_RLOCS_MAX	64
#define LISPGW_XDP_MODE_RLOC	0	/* only encapsulated traffic to our RLOCs */
#define LISPGW_XDP_MODE_EID	1	/* every IP packet but neighbour discovery */

enum lispgw_xdp_stat {
	XDP_STAT_FASTPATH,	/* handed to the AF_XDP socket */
	XDP_STAT_KERNEL,	/* left to the kernel */
	XDP_STAT_MALFORMED,	/* too short to parse: the kernel decides */
	XDP_STAT_COUNT
};

#endif
