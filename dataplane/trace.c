/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet trace's control side (trace.h): trace_add, clear, and the
 * pages /lispgw/trace shows.  Runs in the telemetry thread under the
 * telemetry lock, which serialises add, clear and show.
 */
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "dp.h"
#include "tables.h"

struct dp_trace *dp_traces[RTE_MAX_LCORE];

static const char *const stage_names[DP_TS_COUNT] = {
#define DP_TRACE_NAME(name, text) [DP_TS_##name] = text,
	DP_TRACE_STAGES(DP_TRACE_NAME)
#undef DP_TRACE_NAME
};

const char *dp_trace_stage_name(enum dp_trace_stage s)
{
	return (unsigned int)s < DP_TS_COUNT ? stage_names[s] : "?";
}

int dp_trace_parse_add(const char *params, uint32_t *n, enum dp_trace_filter *filter)
{
	char *end;
	unsigned long v;

	if (!params || !*params)
		return -EINVAL;
	errno = 0;
	v = strtoul(params, &end, 10);
	if (errno || end == params || v == 0 || v > DP_TRACE_RECS)
		return -EINVAL;
	*n = (uint32_t)v;
	*filter = DP_TRACE_ANY;
	if (*end == '\0')
		return 0;
	if (strcmp(end, ",eid") == 0)
		*filter = DP_TRACE_EID;
	else if (strcmp(end, ",rloc") == 0)
		*filter = DP_TRACE_RLOC;
	else
		return -EINVAL;
	return 0;
}

/* Records a reader may show: none while a clear is pending. */
static uint32_t trace_count(const struct dp_trace *tr)
{
	if (!tr || __atomic_load_n(&tr->reset, __ATOMIC_ACQUIRE))
		return 0;
	return __atomic_load_n(&tr->n, __ATOMIC_ACQUIRE);
}

int dp_trace_add(struct dp_app *app, uint32_t n, enum dp_trace_filter filter)
{
	for (unsigned int i = 0; i < app->n_workers && i < RTE_MAX_LCORE; i++) {
		struct dp_worker *w = app->workers[i];
		struct dp_trace *tr;
		uint32_t room;

		if (!w)
			continue;
		if (!dp_traces[w->tid]) {
			tr = rte_zmalloc("dp_trace", sizeof(*tr), RTE_CACHE_LINE_SIZE);
			if (!tr)
				return -ENOMEM;
			/* Whole before a worker can see it (the flag below). */
			__atomic_store_n(&dp_traces[w->tid], tr, __ATOMIC_RELEASE);
		}
		tr = dp_traces[w->tid];
		tr->filter = filter;
		room = DP_TRACE_RECS - trace_count(tr);
		__atomic_store_n(&tr->budget, RTE_MIN(n, room), __ATOMIC_RELEASE);
		/* The worker's next burst runs the traced instance. */
		__atomic_fetch_or(&w->fp, DP_FP_TRACE, __ATOMIC_RELEASE);
	}
	return 0;
}

void dp_trace_clear(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_workers && i < RTE_MAX_LCORE; i++) {
		struct dp_worker *w = app->workers[i];
		struct dp_trace *tr = w ? dp_traces[w->tid] : NULL;

		if (!tr)
			continue;
		__atomic_store_n(&tr->budget, 0, __ATOMIC_RELEASE);
		__atomic_fetch_and(&w->fp, ~DP_FP_TRACE, __ATOMIC_RELEASE);
		__atomic_store_n(&tr->reset, 1, __ATOMIC_RELEASE);
	}
}


unsigned int dp_trace_copy(struct dp_app *app, uint32_t cursor, struct dp_trace_view *v,
			   unsigned int max, uint32_t *total)
{
	unsigned int k = 0;
	uint32_t idx = 0;

	*total = 0;
	for (unsigned int i = 0; i < app->n_workers && i < RTE_MAX_LCORE; i++) {
		struct dp_worker *w = app->workers[i];
		const struct dp_trace *tr = w ? dp_traces[w->tid] : NULL;
		uint32_t n = trace_count(tr);

		*total += n;
		for (uint32_t j = 0; j < n; j++, idx++) {
			if (idx < cursor || k == max)
				continue;
			v[k].worker = i;
			v[k].seq = j;
			v[k++].rec = tr->rec[j];
		}
	}
	return k;
}

/* "rx-rloc > decap-outer > ...": the stages set, in pipeline order. */
static void stages_text(uint16_t stages, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int s = 0; s < DP_TS_COUNT && off < len; s++)
		if (stages & (1u << s))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? " > " : "",
						stage_names[s]);
}

void dp_trace_format(const struct dp_trace_view *v, unsigned int n, uint32_t cursor,
		     uint32_t total, struct rte_tel_data *d)
{
	struct rte_tel_data *recs;

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "traced", total);
	rte_tel_data_add_dict_u64(d, "cursor", cursor);
	/* Where the next page starts; absent on the last. */
	if (cursor + n < total)
		rte_tel_data_add_dict_u64(d, "next", cursor + n);
	recs = rte_tel_data_alloc();
	if (!recs)
		return;
	rte_tel_data_start_dict(recs);
	for (unsigned int i = 0; i < n; i++) {
		const struct dp_trace_rec *r = &v[i].rec;
		struct rte_tel_data *o = rte_tel_data_alloc();
		char name[12], text[RTE_TEL_MAX_STRING_LEN], hex[2 * DP_TRACE_HDR + 1];

		if (!o)
			break;
		rte_tel_data_start_dict(o);
		rte_tel_data_add_dict_u64(o, "worker", v[i].worker);
		rte_tel_data_add_dict_u64(o, "seq", v[i].seq);
		rte_tel_data_add_dict_string(o, "path", (r->stages & (1u << DP_TS_RX_RLOC)) ?
						       "decap" : "encap");
		rte_tel_data_add_dict_u64(o, "in_port", r->in_port);
		if (r->out_port != UINT16_MAX)
			rte_tel_data_add_dict_u64(o, "out_port", r->out_port);
		if (r->iid != UINT32_MAX)
			rte_tel_data_add_dict_u64(o, "iid", r->iid);
		rte_tel_data_add_dict_u64(o, "len", r->len);
		stages_text(r->stages, text, sizeof(text));
		rte_tel_data_add_dict_string(o, "stages", text);
		rte_tel_data_add_dict_string(o, "verdict", dp_ctr_name((enum dp_ctr)r->verdict));
		for (unsigned int b = 0; b < r->hdr_len; b++)
			snprintf(hex + 2 * b, 3, "%02x", r->hdr[b]);
		hex[2 * r->hdr_len] = '\0';
		rte_tel_data_add_dict_string(o, "hdr", hex);
		snprintf(name, sizeof(name), "%u", cursor + i);
		rte_tel_data_add_dict_container(recs, name, o, 0);
	}
	rte_tel_data_add_dict_container(d, "records", recs, 0);
}
