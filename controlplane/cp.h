/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lispgw-cp daemon context: one event loop, the 4342 sockets, and the
 * roles the configuration asks for, wired so that each received control
 * message reaches the role it is for and every role sends through the same
 * sockets.  main.c owns one of these; the REST API reads it.
 */
#ifndef LISPGW_CP_H
#define LISPGW_CP_H

#include <stdint.h>

#include "config.h"
#include "etr.h"
#include "evloop.h"
#include "map_resolver.h"
#include "map_server.h"
#include "pubsub.h"
#include "site.h"
#include "udp_io.h"

#define CP_SOCKS_MAX 16

/* Control messages in and out, by type (index = LISP message type). */
struct cp_msg_counters {
	uint64_t rx[16];
	uint64_t tx[16];
	uint64_t rx_unroutable;		/* no role here takes that type */
	uint64_t tx_no_socket;		/* no socket of the destination's family */
	uint64_t reloads;
	uint64_t reload_failures;
};

struct cp {
	struct evloop *loop;
	char *config_path;
	struct cp_config *cfg;
	struct udp_io *socks[CP_SOCKS_MAX];
	size_t sock_count;
	struct site_table *sites;
	struct map_server *ms;
	struct map_resolver *mr;
	struct pubsub *pubsub;
	struct etr *etr;
	struct cp_msg_counters c;
	uint64_t started_ms;
};

/* Builds every role of cfg (which the context then owns) and opens the
 * sockets.  Errors are reported in err; nothing is left half started. */
int cp_start(struct cp *cp, struct evloop *loop, const char *config_path,
	     struct cp_config *cfg, struct lisp_err *err);
void cp_stop(struct cp *cp);

/* Parses the configuration file aside; when it is valid, swaps it in and
 * updates the roles (registrations survive); when not, logs every error
 * and keeps running on the old one.  0 or -EINVAL. */
int cp_reload(struct cp *cp);

/* Sends a control message from the socket of the destination's family. */
void cp_send(void *cp, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
	     size_t len);

#endif
