/* SPDX-License-Identifier: BSD-3-Clause */
/* Data-plane headers: golden bytes from the RFC 9300 / RFC 7348 / GPE
 * layouts, and one test per drop reason. */
#include <errno.h>

#include "check_util.h"
#include "dp_hdr.h"

START_TEST(lisp_nonce_iid_golden)
{
	/* N|L|I, nonce 0xabcdef, IID 1000 (0x0003e8), LSBs 0x03. */
	static const uint8_t g[] = { 0xc8, 0xab, 0xcd, 0xef, 0x00, 0x03, 0xe8, 0x03 };
	struct lisp_data_hdr h = { .flags = LISP_DF_N | LISP_DF_L | LISP_DF_I,
				   .nonce = 0xabcdef, .iid = 1000, .lsb = 3 }, d;
	uint8_t out[8];

	lisp_data_hdr_encode(&h, out);
	ck_assert_bytes_eq(out, 8, g, sizeof(g));
	ck_assert_int_eq(lisp_data_hdr_decode(g, sizeof(g), &d), DP_HDR_OK);
	ck_assert_uint_eq(d.flags, h.flags);
	ck_assert_uint_eq(d.nonce, 0xabcdef);
	ck_assert_uint_eq(d.iid, 1000);
	ck_assert_uint_eq(d.lsb, 3);
}
END_TEST

START_TEST(lisp_map_version_and_lsb32)
{
	/* V: source version 0x123, dest version 0x456; L without I: 32 LSBs. */
	static const uint8_t g[] = { 0x50, 0x12, 0x34, 0x56, 0x80, 0x00, 0x00, 0x01 };
	struct lisp_data_hdr d;

	ck_assert_int_eq(lisp_data_hdr_decode(g, sizeof(g), &d), DP_HDR_OK);
	ck_assert_uint_eq(d.src_map_version, 0x123);
	ck_assert_uint_eq(d.dst_map_version, 0x456);
	ck_assert_uint_eq(d.lsb, 0x80000001u);
	ck_assert_uint_eq(d.iid, 0);
}
END_TEST

START_TEST(lisp_drop_reasons)
{
	struct lisp_data_hdr d;
	uint8_t g[8] = { 0 };

	ck_assert_int_eq(lisp_data_hdr_decode(g, 7, &d), DP_HDR_ERR_TRUNCATED);
	g[0] = LISP_DF_RSVD;
	ck_assert_int_eq(lisp_data_hdr_decode(g, 8, &d), DP_HDR_ERR_LISP_RSVD_FLAG);
	g[0] = 0x01;
	ck_assert_int_eq(lisp_data_hdr_decode(g, 8, &d), DP_HDR_ERR_LISP_KEY_ID);
	g[0] = LISP_DF_N | LISP_DF_V;
	ck_assert_int_eq(lisp_data_hdr_decode(g, 8, &d), DP_HDR_ERR_LISP_N_AND_V);
	g[0] = LISP_DF_E;
	ck_assert_int_eq(lisp_data_hdr_decode(g, 8, &d), DP_HDR_ERR_LISP_E_WITHOUT_N);
	g[0] = LISP_DF_E | LISP_DF_N;
	ck_assert_int_eq(lisp_data_hdr_decode(g, 8, &d), DP_HDR_OK);
	ck_assert_str_eq(dp_hdr_err_name(DP_HDR_ERR_LISP_N_AND_V), "LISP N and V both set");
}
END_TEST

START_TEST(vxlan_golden_and_gbp)
{
	static const uint8_t plain[] = { 0x08, 0, 0, 0, 0x00, 0x03, 0xe8, 0 };
	static const uint8_t gbp[] = { 0x88, 0x48, 0x12, 0x34, 0x00, 0x00, 0x07, 0 };
	struct vxlan_hdr h = { .flags = VXLAN_F_I, .vni = 1000 }, d;
	struct lisp_err err;
	uint8_t out[8];

	vxlan_hdr_encode(&h, out);
	ck_assert_bytes_eq(out, 8, plain, sizeof(plain));
	h = (struct vxlan_hdr){ .flags = VXLAN_F_I | VXLAN_F_G,
				.gbp_flags = VXLAN_GBP_D | VXLAN_GBP_A, .group_id = 0x1234,
				.vni = 7 };
	vxlan_hdr_encode(&h, out);
	ck_assert_bytes_eq(out, 8, gbp, sizeof(gbp));
	ck_assert_int_eq(vxlan_hdr_decode(gbp, 8, &d), DP_HDR_OK);
	ck_assert_uint_eq(d.group_id, 0x1234);
	ck_assert_uint_eq(d.gbp_flags, VXLAN_GBP_D | VXLAN_GBP_A);
	ck_assert_uint_eq(d.vni, 7);
	ck_assert_int_eq(vxlan_hdr_parse(plain, 5, &d, &err), -EBADMSG);
	ck_assert_str_eq(err.msg, "header needs 8 bytes, got 5");
}
END_TEST

START_TEST(vxlan_drop_reasons)
{
	struct vxlan_hdr d;
	uint8_t g[8] = { 0x00, 0, 0, 0, 0, 0, 1, 0 };

	ck_assert_int_eq(vxlan_hdr_decode(g, 8, &d), DP_HDR_ERR_VXLAN_NO_I);
	g[0] = 0x0c;
	ck_assert_int_eq(vxlan_hdr_decode(g, 8, &d), DP_HDR_ERR_VXLAN_RSVD_FLAG);
	g[0] = 0x08;
	g[7] = 1;
	ck_assert_int_eq(vxlan_hdr_decode(g, 8, &d), DP_HDR_ERR_VXLAN_RSVD_FIELD);
	g[7] = 0;
	g[2] = 1;	/* group id without G */
	ck_assert_int_eq(vxlan_hdr_decode(g, 8, &d), DP_HDR_ERR_VXLAN_RSVD_FIELD);
	g[0] = 0x88;
	g[1] = 0x01;	/* unknown GBP flag */
	ck_assert_int_eq(vxlan_hdr_decode(g, 8, &d), DP_HDR_ERR_VXLAN_RSVD_FLAG);
}
END_TEST

START_TEST(gpe_golden_and_drops)
{
	static const uint8_t g[] = { 0x0c, 0, 0, VXLAN_GPE_NP_IPV6, 0x00, 0x00, 0x2a, 0 };
	struct vxlan_gpe_hdr h = { .flags = VXLAN_GPE_F_I | VXLAN_GPE_F_P,
				   .next_proto = VXLAN_GPE_NP_IPV6, .vni = 42 }, d;
	uint8_t out[8], bad[8];

	vxlan_gpe_hdr_encode(&h, out);
	ck_assert_bytes_eq(out, 8, g, sizeof(g));
	ck_assert_int_eq(vxlan_gpe_hdr_decode(g, 8, &d), DP_HDR_OK);
	ck_assert_uint_eq(d.vni, 42);
	ck_assert_uint_eq(d.next_proto, VXLAN_GPE_NP_IPV6);
	memcpy(bad, g, 8);
	bad[0] |= 0x10;
	ck_assert_int_eq(vxlan_gpe_hdr_decode(bad, 8, &d), DP_HDR_ERR_GPE_VERSION);
	bad[0] = VXLAN_GPE_F_I;
	ck_assert_int_eq(vxlan_gpe_hdr_decode(bad, 8, &d), DP_HDR_ERR_GPE_NO_P);
	memcpy(bad, g, 8);
	bad[3] = 9;
	ck_assert_int_eq(vxlan_gpe_hdr_decode(bad, 8, &d), DP_HDR_ERR_GPE_NEXT_PROTO);
	ck_assert_int_eq(vxlan_gpe_hdr_decode(g, 3, &d), DP_HDR_ERR_TRUNCATED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_hdr");
	TCase *tc = tcase_create("headers");

	tcase_add_test(tc, lisp_nonce_iid_golden);
	tcase_add_test(tc, lisp_map_version_and_lsb32);
	tcase_add_test(tc, lisp_drop_reasons);
	tcase_add_test(tc, vxlan_golden_and_gbp);
	tcase_add_test(tc, vxlan_drop_reasons);
	tcase_add_test(tc, gpe_golden_and_drops);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
