/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control-plane load tools of tests/perf share (cp_loadgen,
 * flood_gen, flood_probe): the clock, host EIDs counted from a base, and
 * the two messages they all send, built with the project's encoders.
 */
#ifndef LISPGW_PERF_MSG_H
#define LISPGW_PERF_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lisp_addr.h"

uint64_t perf_now_ns(void);		/* CLOCK_MONOTONIC */
void perf_die(const char *what) __attribute__((noreturn));	/* perror, exit 1 */

/* A non-blocking UDP socket bound to src (any port) with buffers of bufsize
 * bytes; its address and port in local, local_port.  -1 when src is not an
 * IPv4 address; exits on a socket error. */
int perf_udp_open(const char *src, int bufsize, struct lisp_addr *local, uint16_t *local_port);

/* The i-th IPv4 host EID (/32) after base's address, in base's IID. */
void perf_eid_host(const struct lisp_prefix *base, uint64_t i, struct lisp_prefix *out);

/* A Map-Register (proxy-reply, want-map-notify, xTR-ID) of one host EID
 * with one RLOC, signed HMAC-SHA-256-128 with key. */
ssize_t perf_map_register(const struct lisp_prefix *eid, const struct lisp_addr *rloc,
			  uint64_t nonce, const uint8_t *xtr_id, const char *key, uint8_t *buf,
			  size_t cap);

/* A Map-Request for eid from the ITR at itr (its ITR-RLOC). */
ssize_t perf_map_request(const struct lisp_prefix *eid, const struct lisp_addr *itr,
			 uint64_t nonce, uint8_t *buf, size_t cap);

/* The same Map-Request in an Encapsulated Control Message from the ITR at
 * itr:sport (inner source), the inner destination the EID itself. */
ssize_t perf_ecm_map_request(const struct lisp_prefix *eid, const struct lisp_addr *itr,
			     uint16_t sport, uint64_t nonce, uint8_t *buf, size_t cap);

#endif
