/* SPDX-License-Identifier: BSD-3-Clause */
/* The bounded set of addresses with deadlines (addrset.h). */
#include "addrset.h"
#include "check_util.h"

static struct lisp_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return (struct lisp_addr){ .afi = LISP_AFI_IPV4, .v4 = { a, b, c, d } };
}

START_TEST(kept_until_the_deadline)
{
	struct addrset *s = addrset_new(64);
	struct lisp_addr a = v4(192, 0, 2, 1);

	ck_assert(!addrset_has(s, &a, 0));
	addrset_note(s, &a, 0, 1000);
	ck_assert(addrset_has(s, &a, 999));
	ck_assert(!addrset_has(s, &a, 1000));
	addrset_note(s, &a, 500, 2000);	/* a later deadline extends it */
	addrset_note(s, &a, 600, 1500);	/* an earlier one does not shorten it */
	ck_assert(addrset_has(s, &a, 1999));
	addrset_free(s);
}
END_TEST

START_TEST(ipv4_and_ipv6_are_distinct)
{
	struct addrset *s = addrset_new(64);
	struct lisp_addr a = v4(192, 0, 2, 1), b = { .afi = LISP_AFI_IPV6 };

	memcpy(b.v6, a.v4, 4);
	addrset_note(s, &a, 0, 1000);
	ck_assert(!addrset_has(s, &b, 0));
	addrset_free(s);
}
END_TEST

/* Past its size the set holds its size, the soonest deadline making room,
 * and an expired entry's room is taken without counting an eviction. */
START_TEST(bounded_and_soonest_goes)
{
	struct addrset *s = addrset_new(64);
	struct lisp_addr keep = v4(192, 0, 2, 1);
	unsigned int held = 0;

	addrset_note(s, &keep, 0, 1000000);
	for (unsigned int i = 0; i < 1000; i++) {
		struct lisp_addr a = v4(198, 18, (uint8_t)(i >> 8), (uint8_t)i);

		addrset_note(s, &a, 0, 1000 + i);
	}
	for (unsigned int i = 0; i < 1000; i++) {
		struct lisp_addr a = v4(198, 18, (uint8_t)(i >> 8), (uint8_t)i);

		held += addrset_has(s, &a, 0);
	}
	ck_assert_uint_le(held, 64);
	ck_assert_uint_ge(addrset_evictions(s), 1000 - 64);
	ck_assert(addrset_has(s, &keep, 0));	/* the latest deadline stays */
	for (unsigned int i = 0; i < 8; i++) {	/* one set's worth: never full */
		struct lisp_addr a = v4(203, 0, 113, (uint8_t)i);
		uint64_t before = addrset_evictions(s);

		addrset_note(s, &a, 5000, 9000);	/* all the others expired */
		ck_assert_uint_eq(addrset_evictions(s), before);
	}
	addrset_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addrset");
	TCase *tc = tcase_create("addrset");

	tcase_add_test(tc, kept_until_the_deadline);
	tcase_add_test(tc, ipv4_and_ipv6_are_distinct);
	tcase_add_test(tc, bounded_and_soonest_goes);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
