/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the sample catalogue (samples.c, samples_request.c,
 * samples_register.c, samples_referral.c): the builder each sample's function fills, the
 * helpers every message family uses, and the families' sample functions
 * that samples.c's catalogue lists in order (the order is part of what
 * the catalogue gives: the fuzz seeds and the oracle alternate by index).
 */
#ifndef LISPGW_TESTS_SAMPLES_PRIV_H
#define LISPGW_TESTS_SAMPLES_PRIV_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_hdr.h"
#include "inet_hdr.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "samples.h"

/* "lispgw" in the top six bytes, the sample's own number below: 0x0_ for
 * Map-Requests, 0x2_ Map-Replies, 0x4_ Map-Registers (a Map-Notify echoes
 * its register's), 0x6_ ECMs, 0x8_ Map-Referrals. */
#define SAMPLE_NONCE(n)	(0x6c69737067770000ull | (n))

/* The Map-Register/Notify shared secret; the oracle verifies the HMACs. */
#define SAMPLE_AUTH_KEY	"lispgw-sample-key"

#define INNER_PAYLOAD	"lispgw sample payload"

/* LCAF trees point at their children: one sample's addresses live here. */
#define POOL_ADDRS	32

struct build {
	struct sample_msg *s;
	struct lisp_err err;
	struct lisp_waddr pool[POOL_ADDRS];
	unsigned int used;
};

static inline void die(const struct build *b, const char *what)
{
	fprintf(stderr, "samples: %s: %s: %s\n", b->s->name, what, b->err.msg);
	abort();
}

/* A checked encoder result becomes the sample's length. */
static inline void done(struct build *b, ssize_t n)
{
	if (n < 0)
		die(b, "encoder refused a valid message");
	b->s->len = (size_t)n;
}

static inline struct lisp_waddr *take(struct build *b, unsigned int n)
{
	struct lisp_waddr *w;

	if (b->used + n > POOL_ADDRS) {
		snprintf(b->err.msg, sizeof(b->err.msg), "need %u more", n);
		die(b, "address pool exhausted");
	}
	w = &b->pool[b->used];
	b->used += n;
	memset(w, 0, n * sizeof(*w));
	return w;
}

static inline void addr_set(struct build *b, struct lisp_waddr *w, const char *text)
{
	struct lisp_addr a;

	if (lisp_addr_parse(text, &a, &b->err) < 0)
		die(b, text);
	lisp_waddr_from_addr(w, &a);
}

/* "192.0.2.1", "2001:db8::1", "dn:name", "none". */
static inline struct lisp_waddr *addr(struct build *b, const char *text)
{
	struct lisp_waddr *w = take(b, 1);

	addr_set(b, w, text);
	return w;
}

/* Contiguous addresses, for ITR-RLOCs, AFI-Lists and RTR lists. */
static inline struct lisp_waddr *addrs(struct build *b, unsigned int n, const char *const *texts)
{
	struct lisp_waddr *w = take(b, n);

	for (unsigned int i = 0; i < n; i++)
		addr_set(b, &w[i], texts[i]);
	return w;
}

static inline struct lisp_waddr *lcaf(struct build *b, uint8_t type)
{
	struct lisp_waddr *w = take(b, 1);

	w->afi = LISP_AFI_LCAF;
	w->lcaf.type = type;
	return w;
}

static inline struct lisp_waddr *iid_addr(struct build *b, uint32_t iid, const char *text)
{
	struct lisp_waddr *w = lcaf(b, LCAF_TYPE_IID);

	w->lcaf.iid.iid = iid;
	w->lcaf.iid.addr = addr(b, text);
	return w;
}

/* A unicast locator: M priority 255 keeps it out of multicast use. */
static inline struct lisp_locator loc(const struct lisp_waddr *a, uint8_t prio, uint8_t weight,
			       uint16_t flags)
{
	return (struct lisp_locator){ .priority = prio, .weight = weight, .mpriority = 255,
				      .flags = flags, .addr = *a };
}

/* Wraps an IP/UDP packet around INNER_PAYLOAD, for data-plane samples. */
static inline size_t inner_ip(struct build *b, uint8_t *p, size_t cap, uint8_t version)
{
	struct inet_udp h = { .ip_version = version, .ttl = 64, .sport = 40000, .dport = 9 };
	ssize_t n;

	if (lisp_addr_parse(version == 4 ? "10.1.1.1" : "2001:db8:1::1", &h.src, &b->err) < 0 ||
	    lisp_addr_parse(version == 4 ? "10.2.2.2" : "2001:db8:2::2", &h.dst, &b->err) < 0)
		die(b, "inner addresses");
	n = inet_udp_encode(&h, INNER_PAYLOAD, strlen(INNER_PAYLOAD), p, cap, &b->err);
	if (n < 0)
		die(b, "inner packet");
	return (size_t)n;
}

/* Ethernet II from 02:00:00:00:00:01 to :02, then an IPv4 packet. */
static inline size_t inner_eth(struct build *b, uint8_t *p, size_t cap)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00 };

	memcpy(p, eth, sizeof(eth));
	return sizeof(eth) + inner_ip(b, p + sizeof(eth), cap - sizeof(eth), 4);
}

/* samples_request.c: Map-Request, Map-Reply, ECM. */
void s_mreq_v4(struct build *b);
void s_mreq_auth(struct build *b);
void s_mreq_smr(struct build *b);
void s_mreq_probe(struct build *b);
void s_mreq_smr_invoked(struct build *b);
void s_mreq_pitr(struct build *b);
void s_mreq_map_data(struct build *b);
void s_mreq_xtr_id(struct build *b);
void s_mreq_notify_rec(struct build *b);
void s_mreq_3rec(struct build *b);
void s_mreq_itr_v4v6(struct build *b);
void s_mreq_iid(struct build *b);
void s_mreq_dn(struct build *b);
void s_mrep_2rec(struct build *b);
void s_mrep_neg_none(struct build *b);
void s_mrep_neg_native(struct build *b);
void s_mrep_neg_smr(struct build *b);
void s_mrep_neg_drop(struct build *b);
void s_mrep_neg_policy(struct build *b);
void s_mrep_neg_auth(struct build *b);
void s_mrep_probe_echo(struct build *b);
void s_mrep_v6(struct build *b);
void s_mrep_iid(struct build *b);
void s_ecm_v4(struct build *b);
void s_ecm_v6(struct build *b);
void s_ecm_ddt(struct build *b);

/* samples_register.c: Map-Register, Map-Notify, Map-Notify-Ack. */
void s_mreg_sha1(struct build *b);
void s_mreg_sha256(struct build *b);
void s_mreg_pmi(struct build *b);
void s_mreg_iid(struct build *b);
void s_mreg_json(struct build *b);
void s_mreg_afi_list(struct build *b);
void s_mreg_geo(struct build *b);
void s_mreg_nat(struct build *b);
void s_mreg_kv(struct build *b);
void s_mreg_srcdst(struct build *b);
void s_mnot(struct build *b);
void s_mnot_xtr_id(struct build *b);
void s_mnot_ack(struct build *b);

/* samples_referral.c: Map-Referral, one per RFC 8111 action. */
void s_mref_node(struct build *b);
void s_mref_ms(struct build *b);
void s_mref_ms_ack(struct build *b);
void s_mref_ms_not_registered(struct build *b);
void s_mref_hole(struct build *b);
void s_mref_not_authoritative(struct build *b);

#endif
