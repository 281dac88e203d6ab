/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * oracle_gen PCAP TSV: writes every sample of tests/lib/samples.c as one
 * Ethernet/IP/UDP frame of a pcap file, and what tshark must decode from
 * each frame as "frame<TAB>sample<TAB>field<TAB>op<TAB>value" lines (see
 * oracle_expect.h for the ops).  Even frames go over IPv4, odd ones over
 * IPv6, so both outer families carry every message kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inet_hdr.h"
#include "oracle_expect.h"
#include "samples.h"

#define SAMPLES_MAX	128
#define TOKENS_MAX	160
#define FIELD_MAX	64
#define VALUE_MAX	512
#define SPORT_BASE	49152	/* outer source port: frame index above this */
#define LINKTYPE_ETHERNET	1

struct token {
	char name[FIELD_MAX];
	char op[3];		/* "=", "^=", or "!" for a directive */
	char value[VALUE_MAX];
};

struct frame_spec {
	struct token tok[TOKENS_MAX];
	unsigned int n;
};

/* The outer headers oracle_gen builds, as tshark prints their fields. */
struct outer {
	uint8_t ip_version;
	const char *eth_type, *src, *dst;
	uint16_t sport, dport;
};

static struct sample_msg samples[SAMPLES_MAX];

static void fail(const char *sample, const char *what)
{
	fprintf(stderr, "oracle_gen: %s: %s\n", sample, what);
	exit(1);
}

static struct token *spec_find(struct frame_spec *f, const char *name)
{
	for (unsigned int i = 0; i < f->n; i++)
		if (strcmp(f->tok[i].name, name) == 0)
			return &f->tok[i];
	return NULL;
}

static struct token *spec_add(struct frame_spec *f, const char *sample, const char *name,
			      const char *op, const char *value)
{
	struct token *t;

	if (f->n == TOKENS_MAX)
		fail(sample, "too many expectations");
	if (spec_find(f, name)) {
		fprintf(stderr, "oracle_gen: %s: %s is expected twice\n", sample, name);
		exit(1);
	}
	t = &f->tok[f->n++];
	if (snprintf(t->name, sizeof(t->name), "%s", name) >= (int)sizeof(t->name) ||
	    snprintf(t->value, sizeof(t->value), "%s", value) >= (int)sizeof(t->value))
		fail(sample, "expectation too long");
	snprintf(t->op, sizeof(t->op), "%s", op);
	return t;
}

/* "name=v", "name^=v" or "!directive=v", whitespace-separated. */
static void spec_parse(struct frame_spec *f, const struct oracle_expect *e)
{
	char buf[8192], *save = NULL, *tok, *eq;

	if (snprintf(buf, sizeof(buf), "%s", e->fields) >= (int)sizeof(buf))
		fail(e->sample, "expectation list too long");
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		eq = strchr(tok, '=');
		if (!eq || eq == tok)
			fail(e->sample, "expectation without '='");
		*eq = '\0';
		if (tok[0] == '!') {
			spec_add(f, e->sample, tok + 1, "!", eq + 1);
		} else if (eq[-1] == '^') {
			eq[-1] = '\0';
			spec_add(f, e->sample, tok, "^=", eq + 1);
		} else {
			spec_add(f, e->sample, tok, "=", eq + 1);
		}
	}
}

/* The spec describes inner headers; the outer one comes first on the wire. */
static void spec_prepend(struct frame_spec *f, const char *sample, const char *name,
			 const char *outer_value)
{
	struct token *t = spec_find(f, name);
	char v[VALUE_MAX];

	if (!t) {
		spec_add(f, sample, name, "=", outer_value);
		return;
	}
	if (strcmp(t->op, "=") != 0)
		fail(sample, "an outer header field may only be matched exactly");
	if (snprintf(v, sizeof(v), "%s%s%s", outer_value, t->value[0] ? "," : "", t->value) >=
	    (int)sizeof(v))
		fail(sample, "expectation too long");
	memcpy(t->value, v, sizeof(v));
}

static void spec_outer(struct frame_spec *f, const char *sample, const char *proto,
		       const struct outer *o)
{
	const char *ip = o->ip_version == 4 ? "ip" : "ipv6";
	char name[FIELD_MAX], v[VALUE_MAX];

	spec_prepend(f, sample, "eth.src", "02:00:00:00:00:0a");
	spec_prepend(f, sample, "eth.dst", "02:00:00:00:00:0b");
	spec_prepend(f, sample, "eth.type", o->eth_type);
	snprintf(name, sizeof(name), "%s.src", ip);
	spec_prepend(f, sample, name, o->src);
	snprintf(name, sizeof(name), "%s.dst", ip);
	spec_prepend(f, sample, name, o->dst);
	spec_prepend(f, sample, o->ip_version == 4 ? "ip.ttl" : "ipv6.hlim", "64");
	snprintf(v, sizeof(v), "%u", o->sport);
	spec_prepend(f, sample, "udp.srcport", v);
	snprintf(v, sizeof(v), "%u", o->dport);
	spec_prepend(f, sample, "udp.dstport", v);
	snprintf(v, sizeof(v), "eth:ethertype:%s:udp:%s", ip, proto);
	spec_add(f, sample, "frame.protocols", "=", v);
}

static const struct oracle_expect *expect_find(const char *sample, unsigned char *used)
{
	for (size_t i = 0; i < oracle_expect_count; i++)
		if (strcmp(oracle_expect[i].sample, sample) == 0) {
			if (used[i]++)
				fail(sample, "two samples share this name");
			return &oracle_expect[i];
		}
	fail(sample, "no expectation in oracle_expect.c for this sample");
	return NULL;
}

/* Ethernet + IPv4/IPv6 + UDP around the sample, checksums computed. */
static size_t frame_build(const struct sample_msg *s, const struct outer *o, uint8_t *buf,
			  size_t cap)
{
	struct inet_udp h = { .ip_version = o->ip_version, .ttl = 64, .sport = o->sport,
			      .dport = o->dport };
	uint8_t eth[14] = { 2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a, 0x08, 0x00 };
	struct lisp_err err;
	ssize_t n;

	if (o->ip_version == 6) {
		eth[12] = 0x86;
		eth[13] = 0xdd;
	}
	if (lisp_addr_parse(o->src, &h.src, &err) < 0 || lisp_addr_parse(o->dst, &h.dst, &err) < 0)
		fail(s->name, err.msg);
	memcpy(buf, eth, sizeof(eth));
	n = inet_udp_encode(&h, s->bytes, s->len, buf + sizeof(eth), cap - sizeof(eth), &err);
	if (n < 0)
		fail(s->name, err.msg);
	return sizeof(eth) + (size_t)n;
}

/* Classic pcap in host byte order: the magic number tells readers which. */
static void pcap_header(FILE *out)
{
	const uint32_t magic = 0xa1b2c3d4, snaplen = 65535, link = LINKTYPE_ETHERNET, zero = 0;
	const uint16_t major = 2, minor = 4;

	fwrite(&magic, 4, 1, out);
	fwrite(&major, 2, 1, out);
	fwrite(&minor, 2, 1, out);
	fwrite(&zero, 4, 1, out);	/* thiszone */
	fwrite(&zero, 4, 1, out);	/* sigfigs */
	fwrite(&snaplen, 4, 1, out);
	fwrite(&link, 4, 1, out);
}

static void pcap_record(FILE *out, uint32_t sec, const uint8_t *frame, size_t len)
{
	const uint32_t hdr[4] = { sec, 0, (uint32_t)len, (uint32_t)len };

	fwrite(hdr, sizeof(hdr), 1, out);
	fwrite(frame, 1, len, out);
}

int main(int argc, char **argv)
{
	static const uint16_t ports[] = {
		[SAMPLE_CTRL] = 4342, [SAMPLE_LISP_DATA] = 4341,
		[SAMPLE_VXLAN] = 4789, [SAMPLE_VXLAN_GPE] = 4790,
	};
	static struct frame_spec spec;
	unsigned char used[256] = { 0 };
	uint8_t frame[SAMPLE_BYTES_MAX + 128];
	size_t n, checks = 0;
	FILE *pcap, *tsv;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OUT.pcap OUT.tsv\n", argv[0]);
		return 2;
	}
	if (oracle_expect_count > sizeof(used))
		fail("oracle_expect", "table larger than this generator handles");
	n = samples_build(samples, SAMPLES_MAX);
	pcap = fopen(argv[1], "wb");
	tsv = fopen(argv[2], "w");
	if (!pcap || !tsv) {
		perror("oracle_gen: fopen");
		return 1;
	}
	pcap_header(pcap);
	for (size_t i = 0; i < n; i++) {
		const struct sample_msg *s = &samples[i];
		const struct oracle_expect *e = expect_find(s->name, used);
		struct outer o = {
			.ip_version = i % 2 ? 6 : 4,
			.eth_type = i % 2 ? "0x86dd" : "0x0800",
			.src = i % 2 ? "2001:db8::1" : "192.0.2.1",
			.dst = i % 2 ? "2001:db8::2" : "192.0.2.2",
			.sport = (uint16_t)(SPORT_BASE + i),
			.dport = ports[s->kind],
		};

		memset(&spec, 0, sizeof(spec));
		spec_parse(&spec, e);
		spec_outer(&spec, s->name, e->proto, &o);
		pcap_record(pcap, (uint32_t)(1700000000u + i), frame,
			    frame_build(s, &o, frame, sizeof(frame)));
		for (unsigned int t = 0; t < spec.n; t++)
			fprintf(tsv, "%zu\t%s\t%s\t%s\t%s\n", i + 1, s->name, spec.tok[t].name,
				spec.tok[t].op, spec.tok[t].value);
		checks += spec.n;
	}
	for (size_t i = 0; i < oracle_expect_count; i++)
		if (!used[i])
			fail(oracle_expect[i].sample, "expected, but samples_build() has no such sample");
	if (fclose(pcap) || fclose(tsv)) {
		perror("oracle_gen: write");
		return 1;
	}
	printf("oracle_gen: %zu frames, %zu expectations\n", n, checks);
	return 0;
}
