/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "counters.h"

/* The enum names lower-cased: filled once, on first use (main lcore). */
#define DP_CTR_NAME_MAX	48

static const char *const ctr_ids[DP_CTR_COUNT] = {
#define DP_CTR_ID(name, text) #name,
#define DP_CTR_ID_HDR(name, text) "HDR_" #name,
	DP_COUNTERS(DP_CTR_ID)
#undef DP_CTR_ID
#undef DP_CTR_ID_HDR
};

static const char *const ctr_texts[DP_CTR_COUNT] = {
#define DP_CTR_TEXT(name, text) text,
#define DP_CTR_TEXT_HDR(name, text) "RLOC side: " text,
	DP_COUNTERS(DP_CTR_TEXT)
#undef DP_CTR_TEXT
#undef DP_CTR_TEXT_HDR
};

static char ctr_names[DP_CTR_COUNT][DP_CTR_NAME_MAX];

/* The hdr reasons are drops too: "drop_hdr_truncated". */
static void names_init(void)
{
	if (ctr_names[0][0])
		return;
	for (int i = 0; i < DP_CTR_COUNT; i++) {
		const char *id = ctr_ids[i];
		char *o = ctr_names[i];
		size_t n = 0;

		if (strncmp(id, "HDR_", 4) == 0) {
			memcpy(o, "drop_", 5);
			n = 5;
		}
		for (; *id && n < DP_CTR_NAME_MAX - 1; id++)
			o[n++] = (char)tolower((unsigned char)*id);
		o[n] = '\0';
	}
}

const char *dp_ctr_name(enum dp_ctr i)
{
	if ((unsigned int)i >= DP_CTR_COUNT)
		return NULL;
	names_init();
	return ctr_names[i];
}

const char *dp_ctr_text(enum dp_ctr i)
{
	return (unsigned int)i < DP_CTR_COUNT ? ctr_texts[i] : NULL;
}

int dp_ctr_by_name(const char *name)
{
	names_init();
	for (int i = 0; i < DP_CTR_COUNT; i++)
		if (strcmp(ctr_names[i], name) == 0)
			return i;
	return -1;
}

void dp_counters_sum(const struct dp_counters *const *blocks, unsigned int n,
		     struct dp_counters *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int b = 0; b < n; b++)
		for (int i = 0; i < DP_CTR_COUNT; i++)
			out->c[i] += __atomic_load_n(&blocks[b]->c[i], __ATOMIC_RELAXED);
}

int dp_counters_print_json(const struct dp_counters *sum, const char *extra, FILE *f)
{
	if (fprintf(f, "{\"event\":\"counters\"%s%s", extra ? "," : "", extra ? extra : "") < 0)
		return -1;
	for (int i = 0; i < DP_CTR_COUNT; i++)
		if (fprintf(f, ",\"%s\":%" PRIu64, dp_ctr_name((enum dp_ctr)i), sum->c[i]) < 0)
			return -1;
	if (fprintf(f, "}\n") < 0 || fflush(f) != 0)
		return -1;
	return 0;
}
