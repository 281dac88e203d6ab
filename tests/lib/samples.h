/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A catalogue of valid messages of every kind, built with our encoders: the
 * tshark oracle writes them to a pcap, the fuzzers start from them, and the
 * unit tests truncate them.  Each sample records the values it was built
 * from so that an independent decoder's view can be compared field by field.
 * (Those values are restated, by sample name, in tests/oracle/oracle_expect.c;
 * a sample added here without an entry there fails the tshark oracle.)
 */
#ifndef LISPGW_TESTS_SAMPLES_H
#define LISPGW_TESTS_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

enum sample_kind {
	SAMPLE_CTRL,		/* LISP control message, UDP 4342 */
	SAMPLE_LISP_DATA,	/* LISP data header + inner IP packet, UDP 4341 */
	SAMPLE_VXLAN,		/* VXLAN (+GBP) header + inner Ethernet, UDP 4789 */
	SAMPLE_VXLAN_GPE,	/* VXLAN-GPE header + inner packet, UDP 4790 */
};

#define SAMPLE_BYTES_MAX	2048

struct sample_msg {
	const char *name;	/* e.g. "map-register-iid-v6-3rec" */
	enum sample_kind kind;
	uint8_t bytes[SAMPLE_BYTES_MAX];	/* UDP payload */
	size_t len;
};

/* Fills up to max samples and returns how many were built; aborts (test
 * failure) if an encoder fails on what should be valid input. */
size_t samples_build(struct sample_msg *out, size_t max);

#endif
