/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API's listening socket (rest.c accepts on it itself, and hands
 * each connection to libmicrohttpd after its connection table).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rest_priv.h"

static socklen_t sockaddr_of(const struct lisp_addr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->afi == LISP_AFI_IPV6) {
		*s6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(port) };
		memcpy(&s6->sin6_addr, a->v6, 16);
		return sizeof(*s6);
	}
	*s4 = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port) };
	memcpy(&s4->sin_addr, a->v4, 4);
	return sizeof(*s4);
}

/* The listening socket; its bound port in *port (the configured one, or
 * the kernel's pick for 0).  -errno. */
int rest_listener_open(const struct cp_config_rest *conf, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(&conf->addr, conf->port, &ss);
	int one = 1, fd, rc;

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (ss.ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}
