/* SPDX-License-Identifier: BSD-3-Clause */
/* What cmd_lig.c and cmd_lig_trace.c (lig --trace) share. */
#ifndef LISPGW_CTL_LIG_PRIV_H
#define LISPGW_CTL_LIG_PRIV_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lisp_msg.h"

struct lig_opts {
	struct lisp_prefix eid;
	struct lisp_addr mr;		/* --trace: the DDT root */
	unsigned int count;
	unsigned int timeout_ms;
	bool json;
	char *constraints;	/* compact ASCII JSON object, or NULL */
	/* --ecdsa-key: signs each request as the key's crypto-EID in
	 * crypto_prefix (its IID the EID's); NULL: unsigned. */
	struct evp_pkey_st *ecdsa_key;
	struct lisp_prefix crypto_prefix;
	struct lig_sec *sec;	/* --lisp-sec-key; NULL: no LISP-SEC */
};

/* LISP-SEC (cmd_lig_sec.c): the wrapping key, and the ITR-OTK of the
 * request in flight. */
struct lig_sec {
	bool aes;
	uint8_t key[16];
	uint8_t otk[16];
};
/* A fresh ITR-OTK and ecm's Authentication Data in buf. */
int lig_sec_ecm(struct lig_sec *s, struct lisp_ecm *ecm, uint8_t *buf, size_t cap,
		struct lisp_err *err);
/* NULL when the Map-Reply verifies, else why not ("eid_hmac", ...). */
const char *lig_sec_check(const struct lig_sec *s, const uint8_t *msg, size_t len,
			  struct lisp_err *err);

double lig_now_ms(void);
socklen_t lig_sockaddr_of(const struct lisp_addr *a, uint16_t port, struct sockaddr_storage *ss);
void lig_addr_of_sockaddr(const struct sockaddr_storage *ss, struct lisp_addr *a, uint16_t *port);
/* The Encapsulated Map-Request for o->eid from local:port; ddt sets the
 * ECM's D bit (a DDT-originated request, RFC 8111). */
ssize_t lig_build_request(const struct lig_opts *o, const struct lisp_addr *local,
			  uint16_t port, uint64_t nonce, bool ddt, uint8_t *buf, size_t cap,
			  struct lisp_err *err);
void lig_print_reply(const struct lisp_map_reply *r, const struct lisp_addr *from, double rtt,
		     bool json);
/* The same with the LISP-SEC verdict: "verified" or a refusal's name. */
void lig_print_reply_sec(const struct lisp_map_reply *r, const struct lisp_addr *from,
			 double rtt, bool json, const char *sec);
/* lig --trace (cmd_lig_trace.c): 0 when the walk ended in an answer. */
int lig_trace(int fd, const struct lig_opts *o, const struct lisp_addr *local, uint16_t port);

#endif
