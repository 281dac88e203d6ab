/* SPDX-License-Identifier: BSD-3-Clause */
#include "etr_metrics.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"

#define METRICS_FILE_MAX	(1024 * 1024)

struct em_rloc {
	struct lisp_addr addr;
	uint8_t priority, weight;
	json_t *base;		/* database attributes (object) */
	json_t *cur;		/* what is registered now (object) */
};

struct em_mapping {
	struct lisp_prefix eid;
	uint32_t ttl_min;
	size_t n;
	struct em_rloc *rlocs;
};

struct etr_metrics {
	struct evloop *loop;
	struct etr *etr;
	struct etr_metrics_params p;
	char *file;
	struct evtimer timer;
	size_t n;
	struct em_mapping *db;
	struct etr_metrics_counters c;
	struct log_ratelimit rl;
};

static json_t *attrs_load(const char *text)
{
	json_t *o = text ? json_loads(text, 0, NULL) : NULL;

	if (!json_is_object(o)) {
		json_decref(o);
		o = json_object();
	}
	return o;
}

static void em_tick(struct evtimer *t, void *arg)
{
	struct etr_metrics *m = arg;

	(void)t;
	etr_metrics_poll(m);
	evtimer_arm(m->loop, &m->timer, m->p.interval_ms);
}

/* e's RLOCs from a mapping: base attributes, and cur = base (so that the
 * next poll registers the metrics). */
static int em_fill(struct em_mapping *e, const struct etr_metrics_mapping *src)
{
	e->eid = src->eid;
	e->ttl_min = src->ttl_min;
	e->rlocs = calloc(src->rloc_count ? src->rloc_count : 1, sizeof(*e->rlocs));
	if (!e->rlocs)
		return -ENOMEM;
	e->n = src->rloc_count;
	for (size_t j = 0; j < e->n; j++) {
		const struct etr_metrics_rloc *r = &src->rlocs[j];

		e->rlocs[j] = (struct em_rloc){ r->addr, r->priority, r->weight,
						attrs_load(r->attrs), attrs_load(r->attrs) };
	}
	return 0;
}

static void em_clear(struct em_mapping *e)
{
	for (size_t j = 0; j < e->n; j++) {
		json_decref(e->rlocs[j].base);
		json_decref(e->rlocs[j].cur);
	}
	free(e->rlocs);
	e->rlocs = NULL;
	e->n = 0;
}

struct etr_metrics *etr_metrics_new(struct evloop *loop, struct etr *etr,
				    const struct etr_metrics_params *params,
				    const struct etr_metrics_mapping *db, size_t n)
{
	struct etr_metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->loop = loop;
	m->etr = etr;
	m->p = *params;
	m->file = strdup(params->file ? params->file : "");
	m->p.file = m->file;
	m->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(2, 60000);
	m->db = calloc(n ? n : 1, sizeof(*m->db));
	if (!m->file || !m->db) {
		etr_metrics_free(m);
		return NULL;
	}
	evtimer_init(&m->timer, em_tick, m);
	for (size_t i = 0; i < n; i++) {
		if (em_fill(&m->db[i], &db[i]) < 0) {
			m->n = i;
			etr_metrics_free(m);
			return NULL;
		}
		m->n = i + 1;
	}
	return m;
}

static struct em_mapping *em_find(struct etr_metrics *m, const struct lisp_prefix *eid)
{
	for (size_t i = 0; i < m->n; i++)
		if (lisp_prefix_equal(&m->db[i].eid, eid))
			return &m->db[i];
	return NULL;
}

int etr_metrics_set(struct etr_metrics *m, const struct etr_metrics_mapping *src)
{
	struct em_mapping *e = em_find(m, &src->eid), fresh;

	if (em_fill(&fresh, src) < 0)
		return -ENOMEM;
	if (!e) {
		struct em_mapping *db = realloc(m->db, (m->n + 1) * sizeof(*db));

		if (!db) {
			em_clear(&fresh);
			return -ENOMEM;
		}
		m->db = db;
		e = &m->db[m->n++];
	} else {
		em_clear(e);
	}
	*e = fresh;
	return 0;
}

int etr_metrics_del(struct etr_metrics *m, const struct lisp_prefix *eid)
{
	struct em_mapping *e = em_find(m, eid);

	if (!e)
		return -ENOENT;
	em_clear(e);
	*e = m->db[--m->n];
	return 0;
}

void etr_metrics_free(struct etr_metrics *m)
{
	if (!m)
		return;
	evtimer_cancel(m->loop, &m->timer);
	for (size_t i = 0; i < m->n; i++)
		em_clear(&m->db[i]);
	free(m->db);
	free(m->file);
	free(m);
}

void etr_metrics_start(struct etr_metrics *m)
{
	evtimer_arm(m->loop, &m->timer, m->p.interval_ms);
}

const struct etr_metrics_counters *etr_metrics_counters(const struct etr_metrics *m)
{
	return &m->c;
}

/* Has want moved away from cur past the threshold? */
static bool moved(const struct etr_metrics *m, const json_t *cur, const json_t *want)
{
	const char *k;
	json_t *v;

	if (json_object_size(cur) != json_object_size(want))
		return true;
	json_object_foreach((json_t *)want, k, v) {
		json_t *o = json_object_get(cur, k);

		if (!o)
			return true;
		if (json_is_number(v) && json_is_number(o)) {
			double a = json_number_value(o), b = json_number_value(v);

			if (fabs(b - a) > fabs(a) * m->p.threshold_pct / 100.0 ||
			    (a == 0 && b != 0))
				return true;
		} else if (!json_equal(o, v)) {
			return true;
		}
	}
	return false;
}

/* Registers mapping e with its current attributes. */
static int em_register(struct etr_metrics *m, const struct em_mapping *e)
{
	struct lisp_locator locs[LISP_LOCATORS_MAX];
	struct lisp_waddr inners[LISP_LOCATORS_MAX], eid_inner;
	char *texts[LISP_LOCATORS_MAX] = { 0 };
	struct lisp_record rec = { .ttl = e->ttl_min, .mask_len = e->eid.plen };
	size_t n = e->n < LISP_LOCATORS_MAX ? e->n : LISP_LOCATORS_MAX;
	struct lisp_err err;
	int rc = 0;

	for (size_t j = 0; j < n; j++) {
		const struct em_rloc *r = &e->rlocs[j];
		struct lisp_locator *l = &locs[j];

		memset(l, 0, sizeof(*l));
		l->priority = r->priority;
		l->weight = r->weight;
		l->mpriority = 255;
		l->flags = LISP_LOC_F_LOCAL | LISP_LOC_F_REACH;
		lisp_waddr_from_addr(&inners[j], &r->addr);
		if (!json_object_size(r->cur)) {
			l->addr = inners[j];
			continue;
		}
		/* The same compact, sorted form the configuration gives. */
		texts[j] = json_dumps(r->cur, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
						 JSON_REAL_PRECISION(15));
		if (!texts[j] || strlen(texts[j]) > UINT16_MAX) {
			rc = -ENOMEM;
			goto out;
		}
		l->addr.afi = LISP_AFI_LCAF;
		l->addr.lcaf.type = LCAF_TYPE_JSON;
		l->addr.lcaf.json.text = texts[j];
		l->addr.lcaf.json.len = (uint16_t)strlen(texts[j]);
		l->addr.lcaf.json.addr = &inners[j];
	}
	lisp_waddr_from_prefix(&rec.eid, &eid_inner, &e->eid);
	rec.loc_count = (uint8_t)n;
	rec.locs = locs;
	rc = etr_db_set(m->etr, &rec, &err);
	if (rc < 0)
		log_warn("etr-metrics: cannot update the mapping: %s", err.msg);
out:
	for (size_t j = 0; j < n; j++)
		free(texts[j]);
	return rc;
}

int etr_metrics_poll(struct etr_metrics *m)
{
	json_error_t jerr;
	json_t *doc, *rlocs;
	int updated = 0;

	m->c.polls++;
	doc = json_load_file(m->file, JSON_REJECT_DUPLICATES, &jerr);
	rlocs = doc ? json_object_get(doc, "rlocs") : NULL;
	if (!json_is_object(rlocs)) {
		m->c.read_errors++;
		log_ratelimited(&m->rl, LOG_LEVEL_WARN, "etr-metrics: %s: %s", m->file,
				doc ? "no \"rlocs\" object" : jerr.text);
		json_decref(doc);
		return -EINVAL;
	}
	for (size_t i = 0; i < m->n; i++) {
		struct em_mapping *e = &m->db[i];
		json_t *want[LISP_LOCATORS_MAX];
		size_t n = e->n < LISP_LOCATORS_MAX ? e->n : LISP_LOCATORS_MAX;
		bool change = false;

		for (size_t j = 0; j < n; j++) {
			char txt[LISP_ADDR_STR_MAX];
			json_t *upd;

			lisp_addr_format(&e->rlocs[j].addr, txt, sizeof(txt));
			want[j] = json_deep_copy(e->rlocs[j].base);
			upd = json_object_get(rlocs, txt);
			if (want[j] && json_is_object(upd))
				json_object_update(want[j], upd);
			if (!want[j])
				want[j] = json_object();
			change |= moved(m, e->rlocs[j].cur, want[j]);
		}
		if (change) {
			for (size_t j = 0; j < n; j++) {
				json_decref(e->rlocs[j].cur);
				e->rlocs[j].cur = want[j];
			}
			if (em_register(m, e) == 0) {
				m->c.updates++;
				updated++;
			}
		} else {
			for (size_t j = 0; j < n; j++)
				json_decref(want[j]);
			m->c.below_threshold++;
		}
	}
	json_decref(doc);
	return updated;
}
