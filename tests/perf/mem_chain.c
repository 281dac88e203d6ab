/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mem_chain [ENTRIES] [PASSES]: the memory that encapsulation reads at a
 * million destinations, and nothing else, to tell what this machine's
 * memory costs apart from what our code costs.  The tables of
 * dp_bench.sh's 1M-entry runs, as lispgw-dp lays them out: a 4-byte
 * next hop per /24 (dataplane/fib4.c's tbl24 entries of dp_gen.py's
 * consecutive /24s), an 8-byte pointer per slot, and a 384-byte mapping
 * per entry (rte_malloc's element of a one-RLOC dp_mapping), in hugepages
 * when there are any.  Each "packet" reads its next hop, then the slot,
 * then the mapping's first line and its RLOC's (128 bytes on): the three
 * dependent loads of encap_af(), in its passes over bursts of 32, each
 * pass prefetching what the next one reads.  Prints TSC cycles per packet
 * for each pass: the tables in the walk's order (table order) and in the
 * random order (a permutation) of dp_gen.py's patterns; the stored
 * frames alone (64 bytes of each 512-byte mbuf of a 1M-frame pcap, read
 * in order, as net_pcap copies them for lispgw-dp and testpmd alike); the
 * frames and the tables in both orders.  What the random order costs over
 * the walk here is this machine's memory, not our code.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <x86intrin.h>

#define BURST		32
#define MAPPING_SIZE	384

/* What alloc() got: hugepages unless one region had to do without. */
static const char *page_kind = "2 MB hugepages";

static void *alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	if (p == MAP_FAILED) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		page_kind = "4 KB pages for some";
	}
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 0, len);
	return p;
}

static uint64_t rnd_state = 1;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rnd_state >> 33);
}

/* One pass over order[]: cycles per packet; *sum keeps the loads. */
static double run(const uint32_t *order, uint32_t n, const uint32_t *nh_of,
		  uint8_t *const *slots, const uint8_t *frames, bool tables, uint64_t *sum)
{
	uint64_t t0 = __rdtsc();

	for (uint32_t b = 0; b + BURST <= n; b += BURST) {
		uint32_t nh[BURST];
		const uint8_t *mp[BURST];
		static uint8_t rx[BURST][64];

		/* The stored frames net_pcap copies into fresh mbufs, in order. */
		if (frames)
			for (int i = 0; i < BURST; i++)
				memcpy(rx[i], frames + (size_t)(b + i) * 512, 64);
		if (!tables) {
			*sum += rx[0][0];
			continue;
		}

		for (int i = 0; i < BURST; i++)
			_mm_prefetch((const char *)&nh_of[order[b + i]], _MM_HINT_T0);
		for (int i = 0; i < BURST; i++) {
			nh[i] = nh_of[order[b + i]];
			_mm_prefetch((const char *)&slots[nh[i]], _MM_HINT_T0);
		}
		for (int i = 0; i < BURST; i++) {
			mp[i] = slots[nh[i]];
			_mm_prefetch((const char *)mp[i], _MM_HINT_T0);
			_mm_prefetch((const char *)mp[i] + 128, _MM_HINT_T0);
		}
		for (int i = 0; i < BURST; i++)
			*sum += mp[i][0] + mp[i][128];
	}
	return (double)(__rdtsc() - t0) / n;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1u << 20;
	int passes = argc > 2 ? atoi(argv[2]) : 5;
	uint32_t *nh_of, *walk, *random;
	uint8_t **slots, *maps, *frames;
	uint64_t sum = 0;

	if (n < BURST || n > 1u << 24 || passes < 1) {
		fprintf(stderr, "usage: mem_chain [ENTRIES 32..16M] [PASSES]\n");
		return 2;
	}
	nh_of = alloc((size_t)n * sizeof(*nh_of));
	slots = alloc((size_t)n * sizeof(*slots));
	maps = alloc((size_t)n * MAPPING_SIZE);
	frames = alloc((size_t)n * 512);
	walk = malloc((size_t)n * sizeof(*walk));
	random = malloc((size_t)n * sizeof(*random));
	if (!walk || !random)
		return 1;
	/* Loaded in order: next hops, slots and mappings all ascend. */
	for (uint32_t i = 0; i < n; i++) {
		nh_of[i] = i;
		slots[i] = maps + (size_t)i * MAPPING_SIZE;
		walk[i] = random[i] = i;
	}
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = rnd() % (i + 1), x = random[i];

		random[i] = random[j];
		random[j] = x;
	}
	printf("entries %u: next hops %zu KB, slots %zu KB, mappings %zu MB (%s)\n", n,
	       (size_t)n * 4 / 1024, (size_t)n * 8 / 1024, (size_t)n * MAPPING_SIZE >> 20,
	       page_kind);
	for (int p = 0; p < passes; p++) {
		double w = run(walk, n, nh_of, slots, NULL, true, &sum);
		double r = run(random, n, nh_of, slots, NULL, true, &sum);
		double f = run(walk, n, nh_of, slots, frames, false, &sum);
		double ws = run(walk, n, nh_of, slots, frames, true, &sum);
		double rs = run(random, n, nh_of, slots, frames, true, &sum);

		printf("pass %d: tables: walk %.1f, random %.1f; frames alone %.1f; frames and "
		       "tables: walk %.1f, random %.1f (cycles/packet)\n", p, w, r, f, ws, rs);
	}
	return sum == 42 ? 3 : 0;	/* never: the loads must stay */
}
