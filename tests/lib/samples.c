/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sample catalogue: one valid message of every kind and variant, built
 * with our own encoders.  Addresses come from the documentation ranges
 * (RFC 5737, RFC 3849) and every nonce is SAMPLE_NONCE(n), so a sample is
 * recognisable in a capture.
 *
 * tests/oracle/oracle_expect.c states, by sample name, what an independent
 * decoder (tshark) must see in each one.  It restates the values used here
 * on purpose, rather than decoding these bytes: change a value here and the
 * oracle tells you, which is the point of an oracle.
 *
 * The control messages are built in samples_request.c and samples_register.c;
 * the data-plane samples (LISP data, VXLAN, VXLAN-GPE) below.
 */
#include "samples_priv.h"

/* ---- Data plane ------------------------------------------------------- */

static void lisp_data(struct build *b, const struct lisp_data_hdr *h, uint8_t inner_version)
{
	lisp_data_hdr_encode(h, b->s->bytes);
	b->s->len = LISP_DATA_HDR_LEN + inner_ip(b, b->s->bytes + LISP_DATA_HDR_LEN,
						 sizeof(b->s->bytes) - LISP_DATA_HDR_LEN,
						 inner_version);
}

static void s_data_nonce(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N, .nonce = 0xabcdef }, 4);
}

static void s_data_lsb(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N | LISP_DF_L, .nonce = 0x123456,
					      .lsb = 0x00000003 }, 4);
}

static void s_data_iid(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N | LISP_DF_L | LISP_DF_I,
					      .nonce = 0x654321, .iid = 1000, .lsb = 0x05 }, 4);
}

static void s_data_map_version(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_V | LISP_DF_I,
					      .src_map_version = 0x123,
					      .dst_map_version = 0x456, .iid = 0xabcdef }, 6);
}

static void s_data_echo(struct build *b)
{
	lisp_data(b, &(struct lisp_data_hdr){ .flags = LISP_DF_N | LISP_DF_E,
					      .nonce = 0x0e0e0e }, 6);
}

static void vxlan(struct build *b, const struct vxlan_hdr *h)
{
	vxlan_hdr_encode(h, b->s->bytes);
	b->s->len = VXLAN_HDR_LEN + inner_eth(b, b->s->bytes + VXLAN_HDR_LEN,
					      sizeof(b->s->bytes) - VXLAN_HDR_LEN);
}

static void s_vxlan(struct build *b)
{
	vxlan(b, &(struct vxlan_hdr){ .flags = VXLAN_F_I, .vni = 4096 });
}

static void s_vxlan_gbp(struct build *b)
{
	vxlan(b, &(struct vxlan_hdr){ .flags = VXLAN_F_G | VXLAN_F_I,
				      .gbp_flags = VXLAN_GBP_D | VXLAN_GBP_A,
				      .group_id = 0x1234, .vni = 5000 });
}

static void gpe(struct build *b, uint8_t next_proto, uint32_t vni)
{
	struct vxlan_gpe_hdr h = { .flags = VXLAN_GPE_F_I | VXLAN_GPE_F_P,
				   .next_proto = next_proto, .vni = vni };
	uint8_t *p = b->s->bytes + VXLAN_HDR_LEN;
	size_t cap = sizeof(b->s->bytes) - VXLAN_HDR_LEN;

	vxlan_gpe_hdr_encode(&h, b->s->bytes);
	b->s->len = VXLAN_HDR_LEN + (next_proto == VXLAN_GPE_NP_ETHERNET ? inner_eth(b, p, cap)
					 : inner_ip(b, p, cap, next_proto == VXLAN_GPE_NP_IPV4 ? 4 : 6));
}

static void s_gpe_v4(struct build *b)
{
	gpe(b, VXLAN_GPE_NP_IPV4, 100);
}

static void s_gpe_v6(struct build *b)
{
	gpe(b, VXLAN_GPE_NP_IPV6, 200);
}

static void s_gpe_eth(struct build *b)
{
	gpe(b, VXLAN_GPE_NP_ETHERNET, 300);
}

/* ---- Catalogue -------------------------------------------------------- */

static const struct {
	const char *name;
	enum sample_kind kind;
	void (*build)(struct build *b);
} catalogue[] = {
	{ "map-request-v4", SAMPLE_CTRL, s_mreq_v4 },
	{ "map-request-authoritative", SAMPLE_CTRL, s_mreq_auth },
	{ "map-request-smr", SAMPLE_CTRL, s_mreq_smr },
	{ "map-request-rloc-probe", SAMPLE_CTRL, s_mreq_probe },
	{ "map-request-smr-invoked", SAMPLE_CTRL, s_mreq_smr_invoked },
	{ "map-request-pitr", SAMPLE_CTRL, s_mreq_pitr },
	{ "map-request-map-data", SAMPLE_CTRL, s_mreq_map_data },
	{ "map-request-xtr-id", SAMPLE_CTRL, s_mreq_xtr_id },
	{ "map-request-notify-record", SAMPLE_CTRL, s_mreq_notify_rec },
	{ "map-request-3rec", SAMPLE_CTRL, s_mreq_3rec },
	{ "map-request-itr-v4v6", SAMPLE_CTRL, s_mreq_itr_v4v6 },
	{ "map-request-iid", SAMPLE_CTRL, s_mreq_iid },
	{ "map-request-dn", SAMPLE_CTRL, s_mreq_dn },
	{ "map-reply-2rec", SAMPLE_CTRL, s_mrep_2rec },
	{ "map-reply-negative-no-action", SAMPLE_CTRL, s_mrep_neg_none },
	{ "map-reply-negative-native-forward", SAMPLE_CTRL, s_mrep_neg_native },
	{ "map-reply-negative-send-map-request", SAMPLE_CTRL, s_mrep_neg_smr },
	{ "map-reply-negative-drop", SAMPLE_CTRL, s_mrep_neg_drop },
	{ "map-reply-negative-drop-policy", SAMPLE_CTRL, s_mrep_neg_policy },
	{ "map-reply-negative-drop-auth", SAMPLE_CTRL, s_mrep_neg_auth },
	{ "map-reply-probe-echo", SAMPLE_CTRL, s_mrep_probe_echo },
	{ "map-reply-v6", SAMPLE_CTRL, s_mrep_v6 },
	{ "map-reply-iid", SAMPLE_CTRL, s_mrep_iid },
	{ "map-register-sha1", SAMPLE_CTRL, s_mreg_sha1 },
	{ "map-register-sha256-v4v6", SAMPLE_CTRL, s_mreg_sha256 },
	{ "map-register-pmi-xtr-id", SAMPLE_CTRL, s_mreg_pmi },
	{ "map-register-iid-v6-3rec", SAMPLE_CTRL, s_mreg_iid },
	{ "map-register-rloc-json", SAMPLE_CTRL, s_mreg_json },
	{ "map-register-rloc-afi-list", SAMPLE_CTRL, s_mreg_afi_list },
	{ "map-register-rloc-geo", SAMPLE_CTRL, s_mreg_geo },
	{ "map-register-rloc-nat", SAMPLE_CTRL, s_mreg_nat },
	{ "map-register-rloc-kv", SAMPLE_CTRL, s_mreg_kv },
	{ "map-register-srcdst-eid", SAMPLE_CTRL, s_mreg_srcdst },
	{ "map-notify", SAMPLE_CTRL, s_mnot },
	{ "map-notify-xtr-id", SAMPLE_CTRL, s_mnot_xtr_id },
	{ "map-notify-ack", SAMPLE_CTRL, s_mnot_ack },
	{ "ecm-v4-map-request", SAMPLE_CTRL, s_ecm_v4 },
	{ "ecm-v6-map-request", SAMPLE_CTRL, s_ecm_v6 },
	{ "lisp-data-nonce", SAMPLE_LISP_DATA, s_data_nonce },
	{ "lisp-data-lsb", SAMPLE_LISP_DATA, s_data_lsb },
	{ "lisp-data-iid", SAMPLE_LISP_DATA, s_data_iid },
	{ "lisp-data-map-version-v6", SAMPLE_LISP_DATA, s_data_map_version },
	{ "lisp-data-echo-nonce-v6", SAMPLE_LISP_DATA, s_data_echo },
	{ "vxlan", SAMPLE_VXLAN, s_vxlan },
	{ "vxlan-gbp", SAMPLE_VXLAN, s_vxlan_gbp },
	{ "vxlan-gpe-ipv4", SAMPLE_VXLAN_GPE, s_gpe_v4 },
	{ "vxlan-gpe-ipv6", SAMPLE_VXLAN_GPE, s_gpe_v6 },
	{ "vxlan-gpe-ethernet", SAMPLE_VXLAN_GPE, s_gpe_eth },
	/* Appended, so that the samples above keep their index (and with it
	 * their outer IP family in the oracle and the fuzz seeds). */
	{ "ecm-ddt-map-request", SAMPLE_CTRL, s_ecm_ddt },
	{ "map-referral-node-referral", SAMPLE_CTRL, s_mref_node },
	{ "map-referral-ms-referral", SAMPLE_CTRL, s_mref_ms },
	{ "map-referral-ms-ack-iid", SAMPLE_CTRL, s_mref_ms_ack },
	{ "map-referral-ms-not-registered", SAMPLE_CTRL, s_mref_ms_not_registered },
	{ "map-referral-delegation-hole", SAMPLE_CTRL, s_mref_hole },
	{ "map-referral-not-authoritative", SAMPLE_CTRL, s_mref_not_authoritative },
};

size_t samples_build(struct sample_msg *out, size_t max)
{
	static struct build b;	/* the address pool is too big for a test's stack */
	size_t n = 0;

	for (; n < max && n < sizeof(catalogue) / sizeof(catalogue[0]); n++) {
		memset(&b, 0, sizeof(b));
		memset(&out[n], 0, sizeof(out[n]));
		b.s = &out[n];
		b.s->name = catalogue[n].name;
		b.s->kind = catalogue[n].kind;
		catalogue[n].build(&b);
	}
	return n;
}
