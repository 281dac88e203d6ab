/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API's connection table (controlplane/api/rest_conns.c), linked
 * alone: who is closed when the table or one client's share is full, who
 * is refused, the header and body deadlines counted from each phase's
 * start, newcomers without their head, and limits changed by a reload.  Each connection is one end of a
 * socket pair; the test holds the other end, where a close shows as the end
 * of the stream.  Time is the test's: the table takes "now" as an argument.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_util.h"
#include "rest_conns.h"

#define CONNS_MAX 16

static struct rest_counters c;
static struct rest_conns t;
static struct rest_conn *rc[CONNS_MAX];
static int client_end[CONNS_MAX];
static int server_end[CONNS_MAX];
static size_t opened;

static void setup(void)
{
	struct rest_conn_limits lim = { .max = 4, .max_per_addr = 4, .header_ms = 1000,
					.body_ms = 5000 };

	memset(&c, 0, sizeof(c));
	rest_conns_init(&t, &lim, &c);
	opened = 0;
}

static void teardown(void)
{
	rest_conns_clear(&t);
	for (size_t i = 0; i < opened; i++) {
		close(client_end[i]);
		close(server_end[i]);
	}
}

/* Connection i from 192.0.2.<host> at now_ms, its whole request head
 * there or not; its entry, NULL if not admitted. */
static struct rest_conn *admit_head(uint8_t host, uint64_t now_ms, bool head_complete)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(40000 + opened) };
	int sv[2];
	size_t i = opened++;

	ck_assert_uint_lt(i, CONNS_MAX);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	client_end[i] = sv[0];
	server_end[i] = sv[1];
	sa.sin_addr.s_addr = htonl(0xc0000200u | host);
	rc[i] = rest_conns_admit(&t, sv[1], (struct sockaddr *)&sa, sizeof(sa), now_ms,
				 head_complete);
	return rc[i];
}

static struct rest_conn *admit(uint8_t host, uint64_t now_ms)
{
	return admit_head(host, now_ms, true);
}

/* The client end of connection i reads the end of the stream. */
static bool closed(size_t i)
{
	char b;

	return recv(client_end[i], &b, 1, 0) == 0;
}

START_TEST(full_table_closes_oldest_head_first)
{
	for (uint64_t i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(admit(1, i));
	/* 1 has sent its head: a body is on its way, it is not the oldest
	 * incomplete one while heads are waiting. */
	rest_conn_enter(&t, rc[0], REST_CONN_BODY, 5);
	rest_conn_enter(&t, rc[1], REST_CONN_SERVING, 5);
	ck_assert_ptr_nonnull(admit(2, 10));
	ck_assert(closed(2));
	ck_assert(!closed(0) && !closed(1) && !closed(3));
	ck_assert_uint_eq(c.evicted_full, 1);
	ck_assert_uint_eq(t.open, 4);
	ck_assert_ptr_nonnull(admit(2, 11));
	ck_assert(closed(3));
	/* Heads left: 4 and 5, the newest; both younger than 0's body. */
	rest_conn_enter(&t, rc[4], REST_CONN_SERVING, 12);
	rest_conn_enter(&t, rc[5], REST_CONN_SERVING, 12);
	ck_assert_ptr_nonnull(admit(2, 13));
	ck_assert(closed(0));
	ck_assert_uint_eq(c.evicted_full, 3);
	ck_assert_uint_eq(c.connections_accepted, 7);
	ck_assert_uint_eq(c.refused_full, 0);
}
END_TEST

START_TEST(refused_only_when_every_one_is_answered)
{
	for (uint64_t i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(admit(1, i));
		rest_conn_enter(&t, rc[i], REST_CONN_SERVING, i);
	}
	errno = 0;
	ck_assert_ptr_null(admit(2, 10));
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_uint_eq(c.refused_full, 1);
	ck_assert_uint_eq(c.evicted_full, 0);
	for (size_t i = 0; i < 4; i++)
		ck_assert(!closed(i));
	/* The response sent, kept alive: waiting for a head, so it can go. */
	rest_conn_enter(&t, rc[2], REST_CONN_HEAD, 20);
	ck_assert_ptr_nonnull(admit(2, 21));
	ck_assert(closed(2));
}
END_TEST

START_TEST(one_client_evicts_its_own)
{
	struct rest_conn_limits lim = { .max = 8, .max_per_addr = 2, .header_ms = 1000,
					.body_ms = 5000 };

	rest_conns_set_limits(&t, &lim);
	ck_assert_ptr_nonnull(admit(7, 0));	/* another client, older */
	ck_assert_ptr_nonnull(admit(1, 1));
	ck_assert_ptr_nonnull(admit(1, 2));
	ck_assert_ptr_nonnull(admit(1, 3));	/* 1 at its share: its oldest goes */
	ck_assert(closed(1));
	ck_assert(!closed(0) && !closed(2));
	ck_assert_uint_eq(c.evicted_address_full, 1);
	ck_assert_uint_eq(c.evicted_full, 0);
	ck_assert_uint_eq(t.open, 3);
	/* Its share all answered: refused, whatever room is left. */
	rest_conn_enter(&t, rc[2], REST_CONN_SERVING, 4);
	rest_conn_enter(&t, rc[3], REST_CONN_SERVING, 4);
	ck_assert_ptr_null(admit(1, 5));
	ck_assert_uint_eq(c.refused_full, 1);
	ck_assert_ptr_nonnull(admit(8, 6));
}
END_TEST

START_TEST(deadlines_count_from_the_phase_start)
{
	ck_assert_ptr_nonnull(admit(1, 0));
	ck_assert_ptr_nonnull(admit(1, 200));
	ck_assert_uint_eq(rest_conns_next_deadline(&t), 1000);
	rest_conns_expire(&t, 999);
	ck_assert(!closed(0));
	/* A byte a millisecond would not help: only the whole head counts. */
	rest_conns_expire(&t, 1000);
	ck_assert(closed(0) && !closed(1));
	ck_assert_uint_eq(c.closed_header_deadline, 1);
	ck_assert_uint_eq(t.open, 1);
	rest_conn_enter(&t, rc[1], REST_CONN_BODY, 1100);	/* head in time */
	ck_assert_uint_eq(rest_conns_next_deadline(&t), 6100);
	rest_conns_expire(&t, 6099);
	ck_assert(!closed(1));
	rest_conns_expire(&t, 6100);
	ck_assert(closed(1));
	ck_assert_uint_eq(c.closed_body_deadline, 1);
	ck_assert_uint_eq(rest_conns_next_deadline(&t), UINT64_MAX);
	/* Shut down, not yet let go by libmicrohttpd: never closed twice. */
	rest_conns_expire(&t, 100000);
	ck_assert_uint_eq(c.closed_header_deadline + c.closed_body_deadline, 2);
	rest_conn_forget(&t, rc[0]);
	rest_conn_forget(&t, rc[1]);
	ck_assert_uint_eq(t.open, 0);
}
END_TEST

START_TEST(kept_alive_waits_a_new_header_deadline)
{
	ck_assert_ptr_nonnull(admit(1, 0));
	rest_conn_enter(&t, rc[0], REST_CONN_BODY, 10);
	rest_conn_enter(&t, rc[0], REST_CONN_SERVING, 20);
	ck_assert_uint_eq(rest_conns_next_deadline(&t), UINT64_MAX);
	rest_conns_expire(&t, 60000);	/* a long answer: no deadline */
	ck_assert(!closed(0));
	rest_conn_enter(&t, rc[0], REST_CONN_HEAD, 60000);
	ck_assert_uint_eq(rest_conns_next_deadline(&t), 61000);
	rest_conns_expire(&t, 61000);
	ck_assert(closed(0));
	/* What libmicrohttpd reports after the close changes nothing. */
	rest_conn_enter(&t, rc[0], REST_CONN_BODY, 61001);
	ck_assert_uint_eq(rest_conns_next_deadline(&t), UINT64_MAX);
	ck_assert_uint_eq(t.open, 0);
}
END_TEST

/* Slow clients that reconnect the moment they are closed cannot, in turn,
 * close the connection of a client whose request has come: only a
 * newcomer with its whole head makes room; one without is left to its
 * caller, untouched and uncounted. */
START_TEST(newcomer_without_head_closes_nothing)
{
	for (uint64_t i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(admit_head(1, i, false));	/* room: no head needed */
	errno = 0;
	ck_assert_ptr_null(admit_head(1, 10, false));
	ck_assert_int_eq(errno, EAGAIN);
	for (size_t i = 0; i < 4; i++)
		ck_assert(!closed(i));
	ck_assert_uint_eq(c.evicted_full + c.evicted_address_full + c.refused_full, 0);
	ck_assert_uint_eq(c.connections_accepted, 4);
	ck_assert_ptr_nonnull(admit_head(2, 11, true));
	ck_assert(closed(0));
	ck_assert_uint_eq(c.evicted_full, 1);
}
END_TEST

START_TEST(lower_limits_apply_at_the_next_admission)
{
	struct rest_conn_limits lim = { .max = 2, .max_per_addr = 2, .header_ms = 100,
					.body_ms = 5000 };

	for (uint64_t i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(admit((uint8_t)(1 + i), i));
	rest_conns_set_limits(&t, &lim);
	ck_assert(!closed(0));		/* nothing at once */
	ck_assert_ptr_nonnull(admit(9, 10));
	ck_assert(closed(0) && closed(1) && closed(2) && !closed(3));
	ck_assert_uint_eq(c.evicted_full, 3);
	ck_assert_uint_eq(t.open, 2);
	ck_assert_uint_eq(rest_conns_next_deadline(&t), 103);
}
END_TEST

static Suite *rest_conns_suite(void)
{
	Suite *s = suite_create("rest_conns");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_table_closes_oldest_head_first);
	tcase_add_test(tc, refused_only_when_every_one_is_answered);
	tcase_add_test(tc, one_client_evicts_its_own);
	tcase_add_test(tc, deadlines_count_from_the_phase_start);
	tcase_add_test(tc, kept_alive_waits_a_new_header_deadline);
	tcase_add_test(tc, newcomer_without_head_closes_nothing);
	tcase_add_test(tc, lower_limits_apply_at_the_next_admission);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(rest_conns_suite());
}
