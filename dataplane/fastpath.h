/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Choices fixed by configuration, resolved once into an instance of the
 * burst functions instead of being tested on every packet (as VPP enables
 * a feature node on an interface rather than testing for it in ip4-input).
 * encap.c and decap.c are templates over these flags: each flag is a
 * compile-time constant of one instance, and a feature that is off is
 * compiled out of it.  dp_encap_burst() / dp_decap_burst() pick the
 * instance once per burst from the flags of the published tables (set by
 * the writer when a VRF or mapping gives one a reason) and of the worker.
 * A flag set where no packet needs it only costs speed, so the writer only
 * ever sets them (docs/dataplane.md, "Specialised instances").
 */
#ifndef LISPGW_DP_FASTPATH_H
#define LISPGW_DP_FASTPATH_H

#include <stdint.h>

#include "tables.h"
#include "worker.h"

struct dp_port;
struct rte_mbuf;

/* The worker's instance-affinity table (itr.flow-table; w->flows). */
#define DP_FP_FLOWS		0x01u
/* A VRF checks the sources it encapsulates (an xTR with a database). */
#define DP_FP_SRC_CHECK		0x02u
/* A VXLAN instance resolves the inner MAC (inner-mac: resolve). */
#define DP_FP_MAC_RESOLVE	0x04u
/* A VRF delivers to learned hosts' MACs (no static peer MAC). */
#define DP_FP_HOSTS		0x08u
/* The packet trace is on (trace.h): its own instance, so off costs nothing. */
#define DP_FP_TRACE		0x10u
#define DP_FP_ALL		0x1fu
#define DP_FP_N			(DP_FP_ALL + 1)

typedef uint16_t (*dp_burst_fn)(struct dp_worker *w, const struct dp_port *in,
				struct rte_mbuf **pkts, uint16_t n, struct rte_mbuf **out,
				uint16_t *out_port);

/* Every instance by flags (encap.c, decap.c). */
extern const dp_burst_fn dp_encap_fns[DP_FP_N];
extern const dp_burst_fn dp_decap_fns[DP_FP_N];

/* The flags of w's next burst: the tables' (a VRF's reasons) and the
 * worker's own.  Relaxed: a flag set during a burst takes effect with the
 * next one, as any table update between two packets would. */
static inline unsigned int dp_fp_flags(const struct dp_worker *wk)
{
	return __atomic_load_n(&wk->tables->fp, __ATOMIC_RELAXED) |
	       __atomic_load_n(&wk->fp, __ATOMIC_RELAXED) | (wk->flows ? DP_FP_FLOWS : 0);
}

/* Generates fn_0x00 .. fn_0x1f from tpl(w, in, pkts, n, out, out_port, flags)
 * and the table name[] of them. */
#define DP_FP_INST1(tpl, fn, fl)						\
	static uint16_t fn##_##fl(struct dp_worker *w, const struct dp_port *in,	\
				  struct rte_mbuf **pkts, uint16_t n,			\
				  struct rte_mbuf **out, uint16_t *out_port)		\
	{									\
		return tpl(w, in, pkts, n, out, out_port, fl);			\
	}
#define DP_FP_INST4(tpl, fn, a, b, c, d)					\
	DP_FP_INST1(tpl, fn, a) DP_FP_INST1(tpl, fn, b)				\
	DP_FP_INST1(tpl, fn, c) DP_FP_INST1(tpl, fn, d)
#define DP_FP_INSTANCES(tpl, fn, name)						\
	DP_FP_INST4(tpl, fn, 0x00, 0x01, 0x02, 0x03)				\
	DP_FP_INST4(tpl, fn, 0x04, 0x05, 0x06, 0x07)				\
	DP_FP_INST4(tpl, fn, 0x08, 0x09, 0x0a, 0x0b)				\
	DP_FP_INST4(tpl, fn, 0x0c, 0x0d, 0x0e, 0x0f)				\
	DP_FP_INST4(tpl, fn, 0x10, 0x11, 0x12, 0x13)				\
	DP_FP_INST4(tpl, fn, 0x14, 0x15, 0x16, 0x17)				\
	DP_FP_INST4(tpl, fn, 0x18, 0x19, 0x1a, 0x1b)				\
	DP_FP_INST4(tpl, fn, 0x1c, 0x1d, 0x1e, 0x1f)				\
	const dp_burst_fn name[DP_FP_N] = {					\
		fn##_0x00, fn##_0x01, fn##_0x02, fn##_0x03, fn##_0x04, fn##_0x05,	\
		fn##_0x06, fn##_0x07, fn##_0x08, fn##_0x09, fn##_0x0a, fn##_0x0b,	\
		fn##_0x0c, fn##_0x0d, fn##_0x0e, fn##_0x0f, fn##_0x10, fn##_0x11,	\
		fn##_0x12, fn##_0x13, fn##_0x14, fn##_0x15, fn##_0x16, fn##_0x17,	\
		fn##_0x18, fn##_0x19, fn##_0x1a, fn##_0x1b, fn##_0x1c, fn##_0x1d,	\
		fn##_0x1e, fn##_0x1f,						\
	}

#endif
