/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP program of AF_XDP ports (dataplane/xdp/lispgw_xdp.c), loaded into
 * the running kernel and run on crafted frames with BPF_PROG_TEST_RUN: which
 * frames it hands to the fast path and which it leaves to the kernel, read
 * from its own per-CPU counters.  Needs root (skips with 77 otherwise).
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <unistd.h>

#include "check_util.h"
#include "inet_hdr.h"
#include "lispgw_xdp.h"

static struct bpf_object *obj;
static int prog_fd, stats_fd, cfg_fd;
static int ncpus;

static uint64_t stat_sum(uint32_t which)
{
	uint64_t vals[512] = { 0 }, sum = 0;

	ck_assert_int_eq(bpf_map_lookup_elem(stats_fd, &which, vals), 0);
	for (int i = 0; i < ncpus; i++)
		sum += vals[i];
	return sum;
}

/* Runs one frame; returns which counter moved. */
static int verdict(const uint8_t *frame, size_t len)
{
	uint64_t before[XDP_STAT_COUNT], moved = 0;
	int which = -1;
	uint8_t out[2048];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	for (int i = 0; i < XDP_STAT_COUNT; i++)
		before[i] = stat_sum((uint32_t)i);
	ck_assert_int_eq(bpf_prog_test_run_opts(prog_fd, &opts), 0);
	for (int i = 0; i < XDP_STAT_COUNT; i++)
		if (stat_sum((uint32_t)i) != before[i]) {
			which = i;
			moved++;
		}
	ck_assert_uint_eq(moved, 1);
	return which;
}

/* Ethernet (optionally one 802.1Q tag) + IPv4/IPv6 + UDP to dst:port. */
static size_t udp_frame(uint8_t *f, const char *src, const char *dst, uint16_t port, bool vlan)
{
	struct inet_udp h = { .ttl = 64, .sport = 40000, .dport = port };
	static const uint8_t payload[16];
	size_t off = 12;
	ssize_t n;

	memset(f, 0x02, 12);
	lisp_addr_parse(src, &h.src, NULL);
	lisp_addr_parse(dst, &h.dst, NULL);
	h.ip_version = h.dst.afi == LISP_AFI_IPV4 ? 4 : 6;
	if (vlan) {
		f[off++] = 0x81, f[off++] = 0x00, f[off++] = 0x00, f[off++] = 0x07;
	}
	f[off++] = h.ip_version == 4 ? 0x08 : 0x86;
	f[off++] = h.ip_version == 4 ? 0x00 : 0xdd;
	n = inet_udp_encode(&h, payload, sizeof(payload), f + off, 2048 - off, NULL);
	ck_assert_int_gt(n, 0);
	return off + (size_t)n;
}

static void set_mode(uint32_t mode)
{
	uint32_t zero = 0;

	ck_assert_int_eq(bpf_map_update_elem(cfg_fd, &zero, &mode, BPF_ANY), 0);
}

static void setup(void)
{
	struct bpf_program *prog;
	uint32_t v4;
	uint8_t v6[16], one = 1;
	int fd;

	ncpus = libbpf_num_possible_cpus();
	obj = bpf_object__open_file(LISPGW_XDP_OBJ, NULL);
	ck_assert_ptr_nonnull(obj);
	ck_assert_int_eq(bpf_object__load(obj), 0);
	prog = bpf_object__find_program_by_name(obj, "lispgw_xdp");
	prog_fd = bpf_program__fd(prog);
	stats_fd = bpf_object__find_map_fd_by_name(obj, "lispgw_stats");
	cfg_fd = bpf_object__find_map_fd_by_name(obj, "lispgw_cfg");
	inet_pton(AF_INET, "192.0.2.1", &v4);
	fd = bpf_object__find_map_fd_by_name(obj, "rloc_v4");
	ck_assert_int_eq(bpf_map_update_elem(fd, &v4, &one, BPF_ANY), 0);
	inet_pton(AF_INET6, "2001:db8::1", v6);
	fd = bpf_object__find_map_fd_by_name(obj, "rloc_v6");
	ck_assert_int_eq(bpf_map_update_elem(fd, v6, &one, BPF_ANY), 0);
}

static void teardown(void)
{
	bpf_object__close(obj);
}

START_TEST(rloc_side_hands_over_only_encapsulated_traffic)
{
	uint8_t f[2048];

	set_mode(LISPGW_XDP_MODE_RLOC);
	ck_assert_int_eq(verdict(f, udp_frame(f, "198.51.100.9", "192.0.2.1", 4341, false)),
			 XDP_STAT_FASTPATH);
	ck_assert_int_eq(verdict(f, udp_frame(f, "198.51.100.9", "192.0.2.1", 4789, false)),
			 XDP_STAT_FASTPATH);
	ck_assert_int_eq(verdict(f, udp_frame(f, "198.51.100.9", "192.0.2.1", 4790, true)),
			 XDP_STAT_FASTPATH);
	ck_assert_int_eq(verdict(f, udp_frame(f, "2001:db8::9", "2001:db8::1", 4341, false)),
			 XDP_STAT_FASTPATH);
	/* The control plane, other hosts' RLOCs, other ports: the kernel's. */
	ck_assert_int_eq(verdict(f, udp_frame(f, "198.51.100.9", "192.0.2.1", 4342, false)),
			 XDP_STAT_KERNEL);
	ck_assert_int_eq(verdict(f, udp_frame(f, "198.51.100.9", "192.0.2.99", 4341, false)),
			 XDP_STAT_KERNEL);
	ck_assert_int_eq(verdict(f, udp_frame(f, "2001:db8::9", "2001:db8::2", 4789, false)),
			 XDP_STAT_KERNEL);
	ck_assert_int_eq(verdict(f, udp_frame(f, "198.51.100.9", "192.0.2.1", 22, false)),
			 XDP_STAT_KERNEL);
}
END_TEST

START_TEST(fragments_tcp_arp_and_runts)
{
	uint8_t f[2048];
	size_t n;

	set_mode(LISPGW_XDP_MODE_RLOC);
	n = udp_frame(f, "198.51.100.9", "192.0.2.1", 4341, false);
	f[14 + 6] |= 0x20;	/* MF: a fragment is never ours */
	ck_assert_int_eq(verdict(f, n), XDP_STAT_KERNEL);
	n = udp_frame(f, "198.51.100.9", "192.0.2.1", 4341, false);
	f[14 + 9] = 6;		/* TCP */
	ck_assert_int_eq(verdict(f, n), XDP_STAT_KERNEL);
	memset(f, 0, 60);
	f[12] = 0x08, f[13] = 0x06;	/* ARP */
	ck_assert_int_eq(verdict(f, 60), XDP_STAT_KERNEL);
	memset(f, 0, 60);
	f[12] = 0x08, f[13] = 0x00;	/* IPv4 ethertype, no header */
	ck_assert_int_eq(verdict(f, 14), XDP_STAT_MALFORMED);
}
END_TEST

START_TEST(eid_side_hands_over_ip_but_neighbour_discovery)
{
	uint8_t f[2048];
	size_t n;

	set_mode(LISPGW_XDP_MODE_EID);
	ck_assert_int_eq(verdict(f, udp_frame(f, "10.1.0.5", "10.2.0.7", 5000, false)),
			 XDP_STAT_FASTPATH);
	ck_assert_int_eq(verdict(f, udp_frame(f, "fd00::5", "fd00:2::7", 5000, false)),
			 XDP_STAT_FASTPATH);
	n = udp_frame(f, "fd00::5", "ff02::1:ff00:7", 5000, false);
	f[14 + 6] = 58;		/* ICMPv6 ... */
	f[14 + 40] = 135;	/* ... neighbour solicitation */
	ck_assert_int_eq(verdict(f, n), XDP_STAT_KERNEL);
	memset(f, 0, 60);
	f[12] = 0x08, f[13] = 0x06;
	ck_assert_int_eq(verdict(f, 60), XDP_STAT_KERNEL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("xdp");
	TCase *tc = tcase_create("verdicts");

	if (geteuid() != 0) {
		fprintf(stderr, "skipped: loading XDP programs needs root\n");
		return 77;
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rloc_side_hands_over_only_encapsulated_traffic);
	tcase_add_test(tc, fragments_tcp_arp_and_runts);
	tcase_add_test(tc, eid_side_hands_over_ip_but_neighbour_discovery);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
