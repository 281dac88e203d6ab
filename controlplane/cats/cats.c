/* SPDX-License-Identifier: BSD-3-Clause */
#include "cats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lcaf.h"

int cats_policies_add(struct cats_policies *t, bool any_iid, uint32_t iid, const char *rank,
		      struct lisp_err *err)
{
	struct cats_policy *p;
	int rc;

	for (size_t i = 0; i < t->count; i++)
		if (t->v[i].any_iid == any_iid && (any_iid || t->v[i].iid == iid))
			return lisp_err_set(err, EEXIST, "a policy for %s%u exists already",
					    any_iid ? "every IID" : "IID ", any_iid ? 0 : iid);
	if (t->count == CATS_POLICIES_MAX)
		return lisp_err_set(err, ENOSPC, "more than %d policies", CATS_POLICIES_MAX);
	p = &t->v[t->count];
	memset(p, 0, sizeof(*p));
	rc = attrq_policy_parse(rank, &p->rank, err);
	if (rc < 0)
		return rc;
	p->any_iid = any_iid;
	p->iid = iid;
	t->count++;
	return 0;
}

const struct attrq_policy *cats_policy_find(const struct cats_policies *t, uint32_t iid)
{
	const struct attrq_policy *any = NULL;

	if (!t)
		return NULL;
	for (size_t i = 0; i < t->count; i++) {
		if (t->v[i].any_iid)
			any = &t->v[i].rank;
		else if (t->v[i].iid == iid)
			return &t->v[i].rank;
	}
	return any;
}

json_t *cats_locator_attrs(const struct lisp_locator *loc)
{
	const struct lisp_lcaf *j = lisp_waddr_json(&loc->addr);
	json_t *o;

	if (!j || !j->json.len)
		return NULL;
	o = json_loadb(j->json.text, j->json.len, JSON_REJECT_DUPLICATES, NULL);
	if (o && !json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

struct rank_item {
	size_t idx;
	json_t *attrs;
};

/* Insertion sort: stable (ties keep registration order), n <= 255. */
static void rank_sort(const struct attrq_policy *p, struct rank_item *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct rank_item x = v[i];
		size_t j = i;

		for (; j && attrq_policy_cmp(p, v[j - 1].attrs, x.attrs) > 0; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

void cats_rank(const struct attrq_policy *p, const struct lisp_locator *locs, size_t n,
	       uint8_t *prio, uint8_t *weight)
{
	struct rank_item v[LISP_LOCATORS_MAX];
	size_t m = 0, group, k;
	unsigned int level = CATS_PRIORITY_FIRST;

	for (size_t i = 0; i < n; i++) {
		prio[i] = locs[i].priority;
		weight[i] = locs[i].weight;
	}
	if (!p || !p->count)
		return;
	for (size_t i = 0; i < n && m < LISP_LOCATORS_MAX; i++)
		if (locs[i].priority != 255)
			v[m++] = (struct rank_item){ i, cats_locator_attrs(&locs[i]) };
	rank_sort(p, v, m);
	for (group = 0; group < m; group = k) {
		size_t size;

		for (k = group + 1; k < m && attrq_policy_cmp(p, v[group].attrs, v[k].attrs) == 0;
		     k++)
			;
		size = k - group;
		for (size_t i = group; i < k; i++) {
			prio[v[i].idx] = (uint8_t)level;
			weight[v[i].idx] = (uint8_t)(100 / size + (i - group < 100 % size ? 1 : 0));
		}
		if (level < CATS_PRIORITY_LAST)
			level++;
	}
	for (size_t i = 0; i < m; i++)
		json_decref(v[i].attrs);
}

size_t cats_select(const struct attrq *q, const struct attrq_policy *p,
		   const struct lisp_locator *locs, size_t n, struct lisp_locator *out)
{
	uint8_t prio[LISP_LOCATORS_MAX], weight[LISP_LOCATORS_MAX];
	size_t m = 0;

	for (size_t i = 0; i < n && i < LISP_LOCATORS_MAX; i++) {
		json_t *attrs;
		bool ok = true;

		if (q) {
			attrs = cats_locator_attrs(&locs[i]);
			ok = locs[i].priority != 255 && attrq_match(q, attrs);
			json_decref(attrs);
		}
		if (ok)
			out[m++] = locs[i];
	}
	cats_rank(p, out, m, prio, weight);
	for (size_t i = 0; i < m; i++) {
		out[i].priority = prio[i];
		out[i].weight = weight[i];
	}
	return m;
}
