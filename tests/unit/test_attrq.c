/* SPDX-License-Identifier: BSD-3-Clause */
/* Attribute queries and ranking policies (controlplane/cats/attrq.h). */
#include <errno.h>

#include "attrq.h"
#include "check_util.h"

static const char *agents[] = {
	"{\"gpu\":\"H100\",\"gpus\":8,\"load\":0.42,\"latency_ms\":3,\"state\":\"ready\"}",
	"{\"gpu\":\"H100\",\"gpus\":8,\"load\":0.10,\"latency_ms\":12,\"state\":\"ready\"}",
	"{\"gpu\":\"A100\",\"gpus\":4,\"load\":0.05,\"latency_ms\":2,\"state\":\"ready\"}",
	"{\"gpu\":\"H100\",\"gpus\":2,\"load\":0.90,\"latency_ms\":1,\"state\":\"busy\"}",
	"{\"state\":\"ready\"}",
};
#define NAGENTS (sizeof(agents) / sizeof(agents[0]))

static unsigned int matching(const char *query)
{
	struct attrq q;
	struct lisp_err err;
	unsigned int mask = 0;

	ck_assert_msg(attrq_parse_text(query, strlen(query), &q, &err) == 0, "%s", err.msg);
	for (unsigned int i = 0; i < NAGENTS; i++) {
		json_t *a = json_loads(agents[i], 0, NULL);

		if (attrq_match(&q, a))
			mask |= 1u << i;
		json_decref(a);
	}
	attrq_free(&q);
	return mask;
}

START_TEST(conditions)
{
	ck_assert_uint_eq(matching("{\"gpu\":\"H100\",\"state\":\"ready\"}"), 0x3);
	ck_assert_uint_eq(matching("{\"gpu\":\"H100\",\"state\":\"ready\",\"max_latency_ms\":10}"), 0x1);
	ck_assert_uint_eq(matching("{\"min_gpus\":4}"), 0x7);
	ck_assert_uint_eq(matching("{\"gpu\":{\"in\":[\"A100\",\"H200\"]}}"), 0x4);
	ck_assert_uint_eq(matching("{\"load\":{\"<\":0.2}}"), 0x6);
	ck_assert_uint_eq(matching("{\"load\":{\">=\":0.1,\"<=\":0.42}}"), 0x3);
	ck_assert_uint_eq(matching("{\"state\":{\"!=\":\"busy\"}}"), 0x17);
	/* A missing attribute fails the condition (agent 4 has no gpu). */
	ck_assert_uint_eq(matching("{\"gpu\":{\"!=\":\"A100\"}}"), 0xb);
	ck_assert_uint_eq(matching("{}"), 0x1f);
	/* Type mismatch: "8" the string is not 8 the number. */
	ck_assert_uint_eq(matching("{\"gpus\":\"8\"}"), 0);
}
END_TEST

START_TEST(text_conditions_from_query_params)
{
	struct attrq q = { 0 };
	json_t *a = json_loads(agents[0], 0, NULL);
	struct lisp_err err;

	ck_assert_int_eq(attrq_add_text(&q, "gpu", "H100", &err), 0);
	ck_assert_int_eq(attrq_add_text(&q, "load", "<0.5", &err), 0);
	ck_assert_int_eq(attrq_add_text(&q, "gpus", ">=8", &err), 0);
	ck_assert_int_eq(attrq_add_text(&q, "state", "in:ready,draining", &err), 0);
	ck_assert(attrq_match(&q, a));
	ck_assert_int_eq(attrq_add_text(&q, "latency_ms", "<3", &err), 0);
	ck_assert(!attrq_match(&q, a));
	ck_assert(!attrq_match(&q, NULL));
	attrq_free(&q);
	json_decref(a);
}
END_TEST

START_TEST(errors_name_the_member)
{
	struct attrq q;
	struct lisp_err err;

	ck_assert_int_eq(attrq_parse_text("[1]", 3, &q, &err), -EINVAL);
	ck_assert_int_eq(attrq_parse_text("{\"load\":{\"~\":1}}", 16, &q, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "load: unknown operator \"~\" (=, !=, <, <=, >, >=, in)");
	ck_assert_int_eq(attrq_parse_text("{\"gpu\":{\"in\":[]}}", 17, &q, &err), -EINVAL);
	ck_assert_int_eq(attrq_parse_text("{\"ok\":{\"<\":true}}", 17, &q, &err), -EINVAL);
	ck_assert_int_eq(attrq_parse_text("{\"x\":[1]}", 9, &q, &err), -EINVAL);
	ck_assert_int_eq(attrq_parse_text("{", 1, &q, &err), -EINVAL);
}
END_TEST

START_TEST(ranking_policy)
{
	struct attrq_policy p;
	json_t *a[NAGENTS];
	struct lisp_err err;
	size_t order[NAGENTS];

	for (size_t i = 0; i < NAGENTS; i++)
		a[i] = json_loads(agents[i], 0, NULL);
	ck_assert_int_eq(attrq_policy_parse("latency_ms,load", &p, &err), 0);
	/* Insertion sort of the indices by the policy. */
	for (size_t i = 0; i < NAGENTS; i++) {
		size_t j = i;

		order[i] = i;
		while (j > 0 && attrq_policy_cmp(&p, a[order[j]], a[order[j - 1]]) < 0) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
			j--;
		}
	}
	/* latency 1, 2, 3, 12, then the one without latency. */
	ck_assert_uint_eq(order[0], 3);
	ck_assert_uint_eq(order[1], 2);
	ck_assert_uint_eq(order[2], 0);
	ck_assert_uint_eq(order[3], 1);
	ck_assert_uint_eq(order[4], 4);
	ck_assert_int_eq(attrq_policy_parse("-gpus,load", &p, &err), 0);
	ck_assert_int_lt(attrq_policy_cmp(&p, a[1], a[0]), 0);	/* 8 gpus each, lower load */
	ck_assert_int_lt(attrq_policy_cmp(&p, a[0], a[2]), 0);	/* more gpus first */
	ck_assert_int_eq(attrq_policy_parse("", &p, &err), -EINVAL);
	ck_assert_int_eq(attrq_policy_parse("a,b,c,d,e", &p, &err), -E2BIG);
	for (size_t i = 0; i < NAGENTS; i++)
		json_decref(a[i]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attrq");
	TCase *tc = tcase_create("attrq");

	tcase_add_test(tc, conditions);
	tcase_add_test(tc, text_conditions_from_query_params);
	tcase_add_test(tc, errors_name_the_member);
	tcase_add_test(tc, ranking_policy);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
