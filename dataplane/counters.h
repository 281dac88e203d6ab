/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data-plane counters: one X-macro list, one cache-aligned block per lcore
 * (only that lcore writes it, with plain increments), summed on read by the
 * main lcore.  Every drop has its own named counter.
 *
 * DP_COUNTERS(X) expands X(NAME, "text") for our counters and, through
 * X##_HDR, the DP_HDR_ERRORS list of common/dp_hdr.h, so a user defines two
 * macros: X for ours and X_HDR for the header decoders' reasons.  The
 * decoders' enum then maps onto ours by an offset (dp_ctr_hdr()).
 */
#ifndef LISPGW_DP_COUNTERS_H
#define LISPGW_DP_COUNTERS_H

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "dp_hdr.h"

#define DP_COUNTERS(X)                                                              \
	X(RX_EID, "frames received on EID-side ports")                              \
	X(RX_RLOC, "frames received on RLOC-side ports")                            \
	X(TX, "frames sent")                                                        \
	X(ENCAP_LISP, "packets encapsulated in LISP")                               \
	X(ENCAP_VXLAN, "packets encapsulated in VXLAN")                             \
	X(ENCAP_GPE, "packets encapsulated in VXLAN-GPE")                           \
	X(DECAP_LISP, "LISP packets decapsulated")                                  \
	X(DECAP_VXLAN, "VXLAN packets decapsulated")                                \
	X(DECAP_GPE, "VXLAN-GPE packets decapsulated")                              \
	X(LOCAL, "to one of our own EIDs: delivered on its EID port, not encapsulated") \
	/* ITR path */                                                              \
	X(DROP_NOT_IP, "EID side: not IPv4 or IPv6 (ARP, ND, other)")               \
	X(DROP_NO_IID, "EID side: the port or VLAN has no Instance-ID")             \
	X(DROP_INNER_TRUNCATED, "EID side: IP header truncated or lengths wrong")   \
	X(DROP_MISS, "no mapping covers the destination EID")                       \
	X(DROP_NOT_UNICAST, "EID side: IPv4 multicast or broadcast destination")    \
	X(DROP_SRC_NOT_EID, "EID side: source is not one of our EIDs (xTR mode)")  \
	X(DROP_NEG_DROP, "negative mapping with action drop")                       \
	X(DROP_NEG_NATIVE, "negative mapping with action native-forward and no PETR") \
	X(DROP_NEG_MAP_REQUEST, "negative mapping with action send-map-request")    \
	X(DROP_NO_RLOC, "mapping has no usable RLOC (down, priority 255)")          \
	X(RESOLVING_FALLBACK, "new entry's RLOC MAC being resolved: the covering entry forwarded") \
	X(DROP_MTU, "too big for the RLOC's MTU once encapsulated: dropped")        \
	X(TOO_BIG_FRAGMENTED, "too big, inner IPv4 without DF: fragmented to fit")  \
	X(TOO_BIG_FRAGMENTS, "fragments made of those and encapsulated")            \
	X(TOO_BIG_ICMP, "too big: ICMP frag-needed / Packet Too Big sent to the host") \
	X(TOO_BIG_ICMP_LIMITED, "too big: no ICMP error (rate limit, no mbuf, not eligible)") \
	/* flow affinity (flows.h; with itr.flow-affinity) */                     \
	X(FLOW_HIT, "a flow kept its pinned RLOC")                                  \
	X(FLOW_NEW, "a new flow pinned to the RLOC the weights chose")              \
	X(FLOW_MOVED, "a flow's RLOC went down or left the set: re-pinned")         \
	X(FLOW_EVICTED, "a live flow forgotten: its bucket of the table was full")  \
	X(DROP_HEADROOM, "not enough mbuf headroom for the outer header")           \
	/* ETR path */                                                              \
	X(DROP_OUTER_NOT_IP, "RLOC side: not IPv4 or IPv6")                         \
	X(DROP_OUTER_TRUNCATED, "RLOC side: outer headers truncated or lengths wrong") \
	X(DROP_OUTER_FRAGMENT, "RLOC side: outer IPv4 fragment")                    \
	X(DROP_NOT_OUR_RLOC, "RLOC side: destination is not one of our RLOCs")      \
	X(DROP_NOT_TUNNEL, "RLOC side: not UDP to 4341, 4789 or 4790")              \
	X(DROP_UNKNOWN_IID, "RLOC side: Instance-ID / VNI not configured")          \
	X(DROP_NO_EID_PORT, "RLOC side: the Instance-ID has no EID-side port")      \
	X(DROP_INNER_NOT_IP, "RLOC side: inner packet not IPv4 or IPv6")            \
	X(DROP_ECN, "RLOC side: outer CE on a Not-ECT inner packet (RFC 6040)")     \
	/* both */                                                                  \
	X(DROP_TX_FULL, "TX queue full")                                            \
	/* to the control thread (neigh.c) */                                      \
	X(PUNT_ARP, "ARP frames handed to the control thread")                      \
	X(PUNT_ND, "IPv6 to link-local or multicast (ND, MLD): to the control thread") \
	X(PUNT_UNRESOLVED, "decapsulated for a host of unknown MAC: to the control thread") \
	X(PUNT_ARP_TUNNEL, "ARP inside VXLAN: to the control thread (overlay.c)")  \
	X(PUNT_PEER_MAC, "VXLAN far end's inner MAC unknown: to the control thread") \
	X(DROP_PUNT_FULL, "the punt ring to the control thread was full")           \
	/* exception path to the kernel (punt.h; rloc ports with exception) */     \
	X(PUNT_EXCEPTION, "to our RLOC, not tunnel data (LISP control, ICMP, ARP, ND): to the kernel") \
	X(DROP_EXCEPTION_LIMITED, "for the kernel, over exception.rate / burst: dropped") \
	X(EXCEPTION_TO_KERNEL, "frames written to the exception interface")        \
	X(EXCEPTION_FROM_KERNEL, "frames the kernel sent there, out of the RLOC port") \
	X(DROP_EXCEPTION_FULL, "exception path: the TAP or the inject ring was full") \
	/* misses to the control plane (miss.h; only with --channel) */             \
	X(MISS_EVENTS, "miss events queued for the control plane")                 \
	X(MISS_SUPPRESSED, "misses rate-limited: the EID had an event this interval") \
	X(MISS_RING_FULL, "miss events lost: the worker's miss ring was full")      \
	/* EID-side hosts (main lcore; tables.host-timeout-s) */                  \
	X(HOSTS_AGED, "EID-side hosts forgotten: silent for tables.host-timeout-s") \
	/* cost: busy_cycles / (rx_eid + rx_rloc) is cycles per packet */          \
	X(BUSY_CYCLES, "TSC cycles of worker loop iterations that received frames") \
	/* capture with dpdk-dumpcap (capture.c) */                                 \
	X(CAPTURE_COPIED, "frames copied to a dpdk-dumpcap capture")               \
	X(CAPTURE_FILTERED, "frames a capture's filter left out")                  \
	X(DROP_CAPTURE_RING_FULL, "capture: copies lost, the capturing process's ring was full") \
	X(DROP_CAPTURE_NOMBUF, "capture: copies lost, the capturing process's mempool was empty") \
	X(CAPTURE_ATTACHED, "capture callbacks attached (one a queue and direction)") \
	X(CAPTURE_DETACHED, "capture callbacks detached, after an RCU grace period") \
	X(CAPTURE_REFUSED, "capture requests refused (malformed, unknown port or queue, already capturing)") \
	DP_HDR_ERRORS(X##_HDR)

enum dp_ctr {
#define DP_CTR_ENUM(name, text) DP_CTR_##name,
#define DP_CTR_ENUM_HDR(name, text) DP_CTR_HDR_##name,
	DP_COUNTERS(DP_CTR_ENUM)
#undef DP_CTR_ENUM
#undef DP_CTR_ENUM_HDR
	DP_CTR_COUNT
};

/* Header decoder reasons are contiguous in both enums (same list, same
 * order), so one subtraction maps them. */
#define DP_CTR_HDR_FIRST	DP_CTR_HDR_TRUNCATED

static inline enum dp_ctr dp_ctr_hdr(enum dp_hdr_err e)
{
	return (enum dp_ctr)(DP_CTR_HDR_FIRST + (e - DP_HDR_ERR_TRUNCATED));
}

struct dp_counters {
	uint64_t c[DP_CTR_COUNT];
} __rte_cache_aligned;

static inline void dp_ctr_add(struct dp_counters *k, enum dp_ctr i, uint64_t n)
{
	k->c[i] += n;
}

static inline void dp_ctr_inc(struct dp_counters *k, enum dp_ctr i)
{
	k->c[i]++;
}

/* "rx_eid", "drop_hdr_lisp_rsvd_flag" ...; and the sentence. */
const char *dp_ctr_name(enum dp_ctr i);
const char *dp_ctr_text(enum dp_ctr i);
/* Index of a counter by name, or -1. */
int dp_ctr_by_name(const char *name);

/* out = sum of n per-lcore blocks.  Reads are relaxed atomic loads: the
 * writers never wait for a reader, a snapshot is not a transaction. */
void dp_counters_sum(const struct dp_counters *const *blocks, unsigned int n,
		     struct dp_counters *out);

/* One JSON object on one line: {"event":"counters",<extra>,"rx_eid":N,...}
 * where extra (may be NULL) is pre-formatted "key":value text. */
int dp_counters_print_json(const struct dp_counters *sum, const char *extra, FILE *f);

#endif
