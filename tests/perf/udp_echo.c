/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The baseline for control-plane benchmarks: a batched UDP echo server
 * (recvmmsg/sendmmsg, like lispgw-cp's I/O) that does no work per datagram.
 * What lispgw-cp answers per second is reported as a fraction of what this
 * echoes on the same loopback, same generator, same core.
 *   udp_echo ADDR PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define BATCH 64

int main(int argc, char **argv)
{
	static unsigned char buf[BATCH][2048];
	struct sockaddr_in addr = { .sin_family = AF_INET }, from[BATCH];
	struct mmsghdr m[BATCH];
	struct iovec v[BATCH];
	int fd, size = 8 << 20;

	if (argc != 3) {
		fprintf(stderr, "usage: udp_echo ADDR PORT\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	addr.sin_port = htons((unsigned short)atoi(argv[2]));
	if (fd < 0 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("udp_echo");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	for (;;) {
		int n;

		for (int i = 0; i < BATCH; i++) {
			v[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
			m[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &from[i],
							      .msg_namelen = sizeof(from[i]),
							      .msg_iov = &v[i], .msg_iovlen = 1 } };
		}
		n = recvmmsg(fd, m, BATCH, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		for (int i = 0; i < n; i++)
			v[i].iov_len = m[i].msg_len;
		sendmmsg(fd, m, (unsigned int)n, 0);
	}
}
