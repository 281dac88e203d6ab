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
/* The underlay has IPv6 or a TX checksum offload: without it every outer
 * header is IPv4 with its checksum in software (the RLOCs of a family
 * without an underlay are never usable, tables.c). */
#define DP_FP_UNDERLAY		0x20u
#define DP_FP_ALL		0x3fu
#define DP_FP_N			(DP_FP_ALL + 1)

/* One instance of encap or decap (the declarations of DP_FP_INST1 and
 * DP_FP_TABLE), and a pointer to one. */
typedef uint16_t dp_burst_fn_t(struct dp_worker *w, const struct dp_port *in,
			       struct rte_mbuf **pkts, uint16_t n, struct rte_mbuf **out,
			       uint16_t *out_port);
typedef dp_burst_fn_t *dp_burst_fn;

/* Every encap instance by flags (encap.c; decap.c has its own table of
 * the 8 combinations of the flags it reads). */
extern const dp_burst_fn dp_encap_fns[DP_FP_N];

/* The flags of w's next burst: the tables' (a VRF's reasons) and the
 * worker's own.  Relaxed: a flag set during a burst takes effect with the
 * next one, as any table update between two packets would. */
static inline unsigned int dp_fp_flags(const struct dp_worker *wk)
{
	return __atomic_load_n(&wk->tables->fp, __ATOMIC_RELAXED) |
	       __atomic_load_n(&wk->fp, __ATOMIC_RELAXED) | (wk->flows ? DP_FP_FLOWS : 0);
}

/* Generates fn_0x<h>0 .. fn_0x<h>f from tpl(w, in, pkts, n, out, out_port,
 * flags): the 16 instances whose flags' high digit is h.  A template file
 * is compiled once per digit, -DDP_FP_PART=0..3 (as VPP compiles a node
 * once per CPU variant), so that its 64 instances build on several cores;
 * the part-0 compile also holds DP_FP_TABLE, the table of all 64. */
#define DP_FP_INST1(tpl, fn, fl)						\
	dp_burst_fn_t fn##_##fl;						\
	uint16_t fn##_##fl(struct dp_worker *w, const struct dp_port *in,	\
			   struct rte_mbuf **pkts, uint16_t n,			\
			   struct rte_mbuf **out, uint16_t *out_port)		\
	{									\
		return tpl(w, in, pkts, n, out, out_port, fl);			\
	}
#define DP_FP_INST16(tpl, fn, h)						\
	DP_FP_INST1(tpl, fn, 0x##h##0) DP_FP_INST1(tpl, fn, 0x##h##1)		\
	DP_FP_INST1(tpl, fn, 0x##h##2) DP_FP_INST1(tpl, fn, 0x##h##3)		\
	DP_FP_INST1(tpl, fn, 0x##h##4) DP_FP_INST1(tpl, fn, 0x##h##5)		\
	DP_FP_INST1(tpl, fn, 0x##h##6) DP_FP_INST1(tpl, fn, 0x##h##7)		\
	DP_FP_INST1(tpl, fn, 0x##h##8) DP_FP_INST1(tpl, fn, 0x##h##9)		\
	DP_FP_INST1(tpl, fn, 0x##h##a) DP_FP_INST1(tpl, fn, 0x##h##b)		\
	DP_FP_INST1(tpl, fn, 0x##h##c) DP_FP_INST1(tpl, fn, 0x##h##d)		\
	DP_FP_INST1(tpl, fn, 0x##h##e) DP_FP_INST1(tpl, fn, 0x##h##f)
/* The part's 16 (h is expanded first: DP_FP_PART's value, not its name). */
#define DP_FP_PART_INSTANCES(tpl, fn, h) DP_FP_INST16(tpl, fn, h)
#define DP_FP_NAMES16(fn, h)							\
	fn##_0x##h##0, fn##_0x##h##1, fn##_0x##h##2, fn##_0x##h##3,		\
	fn##_0x##h##4, fn##_0x##h##5, fn##_0x##h##6, fn##_0x##h##7,		\
	fn##_0x##h##8, fn##_0x##h##9, fn##_0x##h##a, fn##_0x##h##b,		\
	fn##_0x##h##c, fn##_0x##h##d, fn##_0x##h##e, fn##_0x##h##f
#define DP_FP_DECL16(fn, h)							\
	extern dp_burst_fn_t DP_FP_NAMES16(fn, h);
#define DP_FP_TABLE(fn, name)							\
	DP_FP_DECL16(fn, 0) DP_FP_DECL16(fn, 1)					\
	DP_FP_DECL16(fn, 2) DP_FP_DECL16(fn, 3)					\
	const dp_burst_fn name[DP_FP_N] = {					\
		DP_FP_NAMES16(fn, 0), DP_FP_NAMES16(fn, 1),			\
		DP_FP_NAMES16(fn, 2), DP_FP_NAMES16(fn, 3),			\
	}

#endif
