/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data-plane suites' address literal: "10.0.0.1" or "2001:db8::1" as
 * a struct dp_ip (af 0 when neither).
 */
#ifndef LISPGW_DP_IP_TEST_H
#define LISPGW_DP_IP_TEST_H

#include <arpa/inet.h>

#include "tables.h"

static inline struct dp_ip dp_test_ip(const char *s)
{
	struct dp_ip a = { 0 };

	if (inet_pton(AF_INET, s, a.a) == 1)
		a.af = 4;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.af = 6;
	return a;
}

#endif
