/* SPDX-License-Identifier: BSD-3-Clause */
/* The agent store (controlplane/agents/agents.c) alone: body validation naming the
 * field, pool allocation, conflicts, kept allocations, persistence across a
 * new store, and the records the ETR registers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agents.h"
#include "check_util.h"

static struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;
	struct lisp_err err;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, &err), 0);
	return p;
}

static int parse(const char *body, struct agent *a, struct lisp_err *e)
{
	return agent_parse_new(body, strlen(body), a, e);
}

static const char *field_of(const char *body)
{
	static struct lisp_err e;
	struct agent a;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(parse(body, &a, &e), -EINVAL);
	return e.path;
}

START_TEST(test_validation)
{
	struct lisp_err e;
	struct agent a;

	ck_assert_str_eq(field_of("{\"iid\":7}"), "id");
	ck_assert_str_eq(field_of("{\"id\":\"../x\",\"iid\":7}"), "id");
	ck_assert_str_eq(field_of("{\"id\":\"a\"}"), "iid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":16777216}"), "iid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"eid\":\"10.0.0.0/24\"}"), "eid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"eid\":\"[8]10.0.0.1\"}"), "eid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"attributes\":{\"agent\":1}}"),
			 "attributes");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"rlocs\":[{\"address\":\"x\"}]}"),
			 "rlocs[0].address");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"rlocs\":[{\"address\":\"1.1.1.1\","
				  "\"priority\":256}]}"), "rlocs[0].priority");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"ttl\":0}"), "ttl");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"dn\":\"\"}"), "dn");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"color\":1}"), "color");
	ck_assert_str_eq(field_of("[1]"), "");
	ck_assert_str_eq(field_of("{"), "");
	ck_assert_int_eq(parse("{\"id\":\"p-7\",\"eid\":\"[7]10.7.0.5/32\",\"dn\":\"dn:planner-7\","
			       "\"attributes\":{\"gpu\":\"H100\",\"load\":0.42}}", &a, &e), 0);
	ck_assert_uint_eq(a.eid.iid, 7);
	ck_assert(a.has_dn);
	ck_assert_uint_eq(a.dn.addr.afi, LISP_AFI_DN);
	ck_assert_int_eq(memcmp(a.dn.addr.dn, "planner-7", 9), 0);
	agent_clear(&a);
}
END_TEST

START_TEST(test_patch)
{
	struct agent cur, next;
	struct lisp_err e;
	const char *b = "{\"attributes\":{\"load\":0.1,\"state\":null}}";

	ck_assert_int_eq(parse("{\"id\":\"a\",\"iid\":7,\"attributes\":{\"load\":0.5,"
			       "\"state\":\"ready\",\"gpu\":\"H100\"}}", &cur, &e), 0);
	ck_assert_int_eq(agent_parse_patch(b, strlen(b), &cur, &next, &e), 0);
	ck_assert(json_real_value(json_object_get(next.attrs, "load")) == 0.1);
	ck_assert_ptr_null(json_object_get(next.attrs, "state"));
	ck_assert_str_eq(json_string_value(json_object_get(next.attrs, "gpu")), "H100");
	/* cur is untouched */
	ck_assert(json_real_value(json_object_get(cur.attrs, "load")) == 0.5);
	agent_clear(&next);
	b = "{\"eid\":\"10.0.0.9\"}";
	ck_assert_int_eq(agent_parse_patch(b, strlen(b), &cur, &next, &e), -EINVAL);
	ck_assert_str_eq(e.path, "eid");
	b = "{}";
	ck_assert_int_eq(agent_parse_patch(b, strlen(b), &cur, &next, &e), -EINVAL);
	agent_clear(&cur);
}
END_TEST

static struct agent_store *store_new(const char *state, size_t max)
{
	static struct lisp_prefix pools[2], spaces[1];
	struct agent_store_params p = { pools, 2, spaces, 1, max, state };
	struct lisp_err err;
	struct agent_store *s;

	pools[0] = pfx("[7]10.7.0.0/30");
	pools[1] = pfx("[8]10.7.0.0/24");
	spaces[0] = pfx("[7]10.77.0.0/16");
	s = agent_store_new(&p, &err);
	ck_assert_ptr_nonnull(s);
	return s;
}

static int add(struct agent_store *s, const char *body, struct lisp_err *err)
{
	struct lisp_err e;
	struct agent a;
	int rc;

	ck_assert_int_eq(parse(body, &a, &e), 0);
	rc = agent_store_add(s, &a, NULL, NULL, err);
	agent_clear(&a);
	return rc;
}

static const char *eid_of(struct agent_store *s, const char *id)
{
	static char t[64];
	struct agent *a = agent_store_find(s, id);

	ck_assert_ptr_nonnull(a);
	lisp_prefix_format(&a->eid, t, sizeof(t));
	return t;
}

START_TEST(test_store)
{
	char state[256];
	struct lisp_err err;
	struct agent_store *s;

	close(t_tmpfile(state, sizeof(state), "agents-state"));
	unlink(state);
	s = store_new(state, 8);
	/* a /30 pool: .1 and .2 only */
	ck_assert_int_eq(add(s, "{\"id\":\"a\",\"iid\":7}", &err), 0);
	ck_assert_str_eq(eid_of(s, "a"), "[7]10.7.0.1/32");
	ck_assert(agent_store_find(s, "a")->allocated);
	ck_assert_int_eq(add(s, "{\"id\":\"b\",\"iid\":7,\"eid\":\"10.7.0.2\"}", &err), 0);
	ck_assert_int_eq(add(s, "{\"id\":\"c\",\"iid\":7}", &err), -ENOSPC);
	ck_assert_int_eq(add(s, "{\"id\":\"c\",\"iid\":7,\"eid\":\"10.7.0.1\"}", &err),
			 -EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "agent a"));
	ck_assert_int_eq(add(s, "{\"id\":\"c\",\"iid\":7,\"eid\":\"10.9.0.1\"}", &err), -ERANGE);
	ck_assert_int_eq(add(s, "{\"id\":\"c\",\"iid\":7,\"eid\":\"10.77.3.4\"}", &err), 0);
	ck_assert_int_eq(add(s, "{\"id\":\"c\",\"iid\":8}", &err), -EEXIST);
	/* IID 9 has neither pool nor eid-prefixes: the Map-Server judges */
	ck_assert_int_eq(add(s, "{\"id\":\"d\",\"iid\":9}", &err), -ENOENT);
	ck_assert_int_eq(add(s, "{\"id\":\"d\",\"iid\":9,\"eid\":\"192.0.2.1\"}", &err), 0);
	/* the same EID in another IID is another EID */
	ck_assert_int_eq(add(s, "{\"id\":\"e\",\"iid\":8,\"dn\":\"x\"}", &err), 0);
	ck_assert_str_eq(eid_of(s, "e"), "[8]10.7.0.1/32");
	ck_assert_int_eq(add(s, "{\"id\":\"f\",\"iid\":8,\"dn\":\"x\"}", &err), -EADDRINUSE);
	ck_assert_int_eq(add(s, "{\"id\":\"f\",\"iid\":7,\"dn\":\"x\",\"eid\":\"10.77.0.9\"}",
			     &err), 0);	/* DN x of IID 7 is not IID 8's */
	/* removed: the pool EID stays kept for its id, a brought one goes */
	ck_assert_int_eq(agent_store_remove(s, "a", false, &err), 0);
	ck_assert_int_eq(agent_store_remove(s, "b", false, &err), 0);
	ck_assert_ptr_nonnull(agent_store_find(s, "a"));
	ck_assert_ptr_null(agent_store_find(s, "b"));
	ck_assert_int_eq(add(s, "{\"id\":\"g\",\"iid\":7}", &err), 0);
	ck_assert_str_eq(eid_of(s, "g"), "[7]10.7.0.2/32");	/* .1 is a's */
	agent_store_free(s);

	/* a new store (a restart) reads everything back */
	s = store_new(state, 8);
	ck_assert_uint_eq(agent_store_count(s), 6);	/* a (kept), c, d, e, f, g */
	ck_assert(!agent_store_find(s, "a")->active);
	ck_assert_int_eq(add(s, "{\"id\":\"a\",\"iid\":7}", &err), 0);
	ck_assert_str_eq(eid_of(s, "a"), "[7]10.7.0.1/32");
	ck_assert(agent_store_find(s, "e")->has_dn);
	ck_assert_int_eq(agent_store_remove(s, "a", true, &err), 0);
	ck_assert_ptr_null(agent_store_find(s, "a"));
	ck_assert_int_eq(agent_store_remove(s, "zz", false, &err), -ENOENT);
	agent_store_free(s);
	unlink(state);
}
END_TEST

START_TEST(test_state_bad)
{
	char state[256];
	struct agent_store_params p = { .state_file = state };
	struct lisp_err err;

	t_tmp_write(state, sizeof(state), "agents-state",
		    "{\"version\":1,\"agents\":[{\"id\":\"x\"}]}");
	ck_assert_ptr_null(agent_store_new(&p, &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "agents[0]"));
	unlink(state);
}
END_TEST

/* "crypto_eid" (docs/agents.md): true or a prefix, never with an eid, kept
 * in the state file; the key lives beside the state file. */
START_TEST(test_crypto)
{
	char state[256], path[64], text[LISP_ADDR_STR_MAX + 16];
	struct agent_store_params p = { .state_file = state, .max = 8 };
	struct lisp_err e;
	struct agent_store *s;
	struct agent a;

	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":1}"), "crypto_eid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":true,"
				  "\"eid\":\"fd00::1\"}"), "eid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":\"10.0.0.0/8\"}"),
			 "crypto_eid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":\"fd00::/12\"}"),
			 "crypto_eid");	/* not whole bytes */
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":\"fd00::/72\"}"),
			 "crypto_eid");	/* under 64 bits of hash */
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":\"fd00::1/8\"}"),
			 "crypto_eid");	/* host bits */
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":\"[8]fd00::/8\"}"),
			 "crypto_eid");
	ck_assert_str_eq(field_of("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":true,\"eid\":null,"
				  "\"x\":1}"), "x");
	ck_assert_int_eq(parse("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":false}", &a, &e), 0);
	ck_assert(!a.crypto);
	agent_clear(&a);
	ck_assert_int_eq(parse("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":true}", &a, &e), 0);
	ck_assert(a.crypto);	/* the daemon's default prefix for IID 7 */
	ck_assert_uint_eq(a.crypto_prefix.addr.afi, LISP_AFI_NONE);
	agent_clear(&a);
	ck_assert_int_eq(parse("{\"id\":\"a\",\"iid\":7,\"crypto_eid\":\"[7]fd12:3400::/24\"}",
			       &a, &e), 0);
	lisp_prefix_format(&a.crypto_prefix, text, sizeof(text));
	ck_assert_str_eq(text, "[7]fd12:3400::/24");
	/* the daemon derives the EID; the store keeps the prefix */
	a.eid = pfx("[7]fd12:3456::1/128");
	close(t_tmpfile(state, sizeof(state), "agents-state"));
	unlink(state);
	s = agent_store_new(&p, &e);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(agent_store_add(s, &a, NULL, NULL, &e), 0);
	agent_store_free(s);
	s = agent_store_new(&p, &e);
	ck_assert_ptr_nonnull(s);
	ck_assert(agent_store_find(s, "a")->crypto);
	lisp_prefix_format(&agent_store_find(s, "a")->crypto_prefix, text, sizeof(text));
	ck_assert_str_eq(text, "[7]fd12:3400::/24");
	/* PATCH never changes it */
	ck_assert_int_eq(agent_parse_patch("{\"crypto_eid\":false}", 20, agent_store_find(s, "a"),
					   &a, &e), -EINVAL);
	ck_assert_str_eq(e.path, "crypto_eid");
	agent_store_free(s);
	unlink(state);
	ck_assert_int_eq(agent_key_path("/var/lib/lispgw/agents.json", "a-1", path, sizeof(path)),
			 0);
	ck_assert_str_eq(path, "/var/lib/lispgw/agent-a-1.key");
	ck_assert_int_eq(agent_key_path("agents.json", "a", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "./agent-a.key");
	ck_assert_int_eq(agent_key_path(NULL, "a", path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(agent_key_path("/s", "abcdefgh", path, 8), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_records)
{
	struct lisp_locator site = { .priority = 1, .weight = 100 };
	struct agent_records r;
	struct lisp_err e;
	struct lisp_err err;
	struct agent a;
	struct lisp_addr x;

	ck_assert_int_eq(parse("{\"id\":\"a\",\"eid\":\"[7]10.7.0.5/32\",\"dn\":\"p\","
			       "\"attributes\":{\"load\":0.5},\"rlocs\":[{\"address\":\"192.0.2.1\","
			       "\"attributes\":{\"load\":0.25}},{\"address\":\"192.0.2.2\"}]}",
			       &a, &e), 0);
	ck_assert_int_eq(agent_records_build(&a, NULL, 0, 1440, &r, &err), 0);
	ck_assert_uint_eq(r.count, 2);
	ck_assert_uint_eq(r.rec[0].loc_count, 2);
	ck_assert_uint_eq(r.rec[0].ttl, 1440);
	ck_assert_str_eq(r.texts[0], "{\"agent\":\"a\",\"load\":0.25}");
	ck_assert_str_eq(r.texts[1], "{\"agent\":\"a\",\"load\":0.5}");
	agent_records_free(&r);
	agent_clear(&a);
	/* behind the site: its locators, the agent's attributes */
	ck_assert_int_eq(parse("{\"id\":\"b\",\"eid\":\"[7]10.7.0.6/32\"}", &a, &e), 0);
	ck_assert_int_eq(agent_records_build(&a, NULL, 0, 1440, &r, &err), -EINVAL);
	lisp_addr_parse("192.0.2.9", &x, &err);
	lisp_waddr_from_addr(&site.addr, &x);
	ck_assert_int_eq(agent_records_build(&a, &site, 1, 1440, &r, &err), 0);
	ck_assert_uint_eq(r.count, 1);
	ck_assert(lisp_addr_equal(lisp_waddr_rloc(&r.locs[0].addr), &x));
	agent_records_free(&r);
	agent_clear(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agents");
	TCase *tc = tcase_create("agents");

	tcase_add_test(tc, test_validation);
	tcase_add_test(tc, test_patch);
	tcase_add_test(tc, test_store);
	tcase_add_test(tc, test_state_bad);
	tcase_add_test(tc, test_records);
	tcase_add_test(tc, test_crypto);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
