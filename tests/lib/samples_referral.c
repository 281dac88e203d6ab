/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Samples of LISP-DDT (samples_priv.h): a Map-Referral for each action of
 * RFC 8111, section 6, each keeping the RFC's table of Incomplete bit,
 * referral set and TTL (lisp_referral_record_check).
 */
#include "samples_priv.h"

/* A referral-set member: unicast, M priority 255 as loc() builds it. */
static struct lisp_locator member(struct build *b, const char *rloc, uint8_t prio,
				  uint8_t weight, bool reachable)
{
	return loc(addr(b, rloc), prio, weight, reachable ? LISP_LOC_F_REACH : 0);
}

static void mref_done(struct build *b, uint64_t nonce, struct lisp_referral_record *recs,
		      uint8_t count)
{
	struct lisp_map_referral m = { .nonce = SAMPLE_NONCE(nonce), .record_count = count,
				       .records = recs };

	for (unsigned int i = 0; i < count; i++)
		if (lisp_referral_record_check(&recs[i], &b->err) < 0)
			die(b, "record breaks RFC 8111's table");
	done(b, lisp_map_referral_encode(&m, b->s->bytes, sizeof(b->s->bytes), &b->err));
}

/* The record for prefix ("[iid]addr/len") with action's default TTL. */
static struct lisp_referral_record mref_record(struct build *b, const char *prefix,
					       uint8_t action, bool auth, bool incomplete)
{
	struct lisp_referral_record r = { .ttl = lisp_referral_default_ttl(action),
					  .action = action, .authoritative = auth,
					  .incomplete = incomplete };
	struct lisp_prefix p;

	if (lisp_prefix_parse(prefix, &p, &b->err) < 0)
		die(b, prefix);
	lisp_waddr_from_prefix(&r.eid, take(b, 1), &p);
	r.mask_len = p.plen;
	return r;
}

/* An authoritative referral to the set refs (NODE- or MS-REFERRAL). */
static void mref_referral(struct build *b, uint64_t nonce, const char *prefix, uint8_t action,
			  struct lisp_locator *refs, uint8_t n)
{
	struct lisp_referral_record r = mref_record(b, prefix, action, true, false);

	r.ref_count = n;
	r.refs = refs;
	mref_done(b, nonce, &r, 1);
}

/* A DDT node's child delegation: two child DDT nodes, IPv4 and IPv6. */
void s_mref_node(struct build *b)
{
	struct lisp_locator refs[2] = { member(b, "198.51.100.31", 1, 50, true),
					member(b, "2001:db8:ffff::31", 1, 50, true) };

	mref_referral(b, 0x80, "10.0.0.0/8", LISP_REF_NODE_REFERRAL, refs, 2);
}

/* Three Map-Servers, the last one a backup that is not reachable. */
void s_mref_ms(struct build *b)
{
	struct lisp_locator refs[3] = { member(b, "198.51.100.41", 1, 50, true),
					member(b, "198.51.100.42", 1, 50, true),
					member(b, "2001:db8:ffff::43", 2, 100, false) };

	mref_referral(b, 0x81, "2001:db8:100::/40", LISP_REF_MS_REFERRAL, refs, 3);
}

/* A Map-Server's answer: one peer Map-Server known, so the set may be
 * incomplete (RFC 8111: the I bit says whether it lists every peer). */
static void mref_ms_answer(struct build *b, uint64_t nonce, const char *prefix, uint8_t action,
			   const char *peer, uint16_t map_version)
{
	struct lisp_locator ref = member(b, peer, 1, 100, true);
	struct lisp_referral_record r = mref_record(b, prefix, action, true, true);

	r.map_version = map_version;
	r.ref_count = 1;
	r.refs = &ref;
	mref_done(b, nonce, &r, 1);
}

/* A registration in IID 1000. */
void s_mref_ms_ack(struct build *b)
{
	mref_ms_answer(b, 0x82, "[1000]10.1.0.0/16", LISP_REF_MS_ACK, "198.51.100.51", 7);
}

void s_mref_ms_not_registered(struct build *b)
{
	mref_ms_answer(b, 0x83, "[2]2001:db8:2::/48", LISP_REF_MS_NOT_REGISTERED,
		       "2001:db8:ffff::61", 0);
}

void s_mref_hole(struct build *b)
{
	struct lisp_referral_record r =
		mref_record(b, "10.64.0.0/10", LISP_REF_DELEGATION_HOLE, true, false);

	mref_done(b, 0x84, &r, 1);
}

/* Two requested EIDs, host prefixes, neither this node's. */
void s_mref_not_authoritative(struct build *b)
{
	struct lisp_referral_record r[2] = {
		mref_record(b, "203.0.113.7/32", LISP_REF_NOT_AUTHORITATIVE, false, true),
		mref_record(b, "2001:db8:dead::1/128", LISP_REF_NOT_AUTHORITATIVE, false, true),
	};

	mref_done(b, 0x85, r, 2);
}
