/* SPDX-License-Identifier: BSD-3-Clause */
#include "mapdb.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One trie node: a prefix, its value (NULL for a glue node that only joins
 * two subtrees) and the subtrees split on the bit after the prefix. */
struct node {
	struct node *child[2];
	void *value;
	uint8_t key[16];
	uint8_t plen;
};

struct table {
	uint32_t iid;
	uint16_t afi;
	struct node *root;
	/* Host-length entries also in a hash: a query for an address that is
	 * itself registered (the common case: one EID per agent) costs one
	 * probe instead of a walk of ~20 cache-missing nodes. */
	struct node **hosts;
	size_t hosts_size, hosts_used;
};

struct dn_entry {
	uint32_t iid;
	void *value;
	uint8_t len;
	char name[];
};

/* Open-addressing hash sets, linear probing, power-of-two sizes. */
struct tables {
	struct table **slot;
	size_t size, used;
};

struct dn_index {
	struct dn_entry **slot;	/* NULL empty, DN_TOMB deleted */
	size_t size, used, tombs;
};

#define DN_TOMB ((struct dn_entry *)&dn_tomb_marker)
static const char dn_tomb_marker;

struct mapdb {
	struct tables tables;
	struct dn_index dns;
	size_t count;
	size_t nodes;
	size_t host_slots;
	size_t dn_bytes;
};

static inline unsigned int bit_at(const uint8_t *key, unsigned int i)
{
	return (key[i >> 3] >> (7 - (i & 7))) & 1;
}

/* Number of leading bits (up to max) in which a and b agree: whole bytes
 * first, then the first differing bit from the count of leading zeros of
 * their XOR (the hot loop of every lookup). */
static unsigned int common_bits(const uint8_t *a, const uint8_t *b, unsigned int max)
{
	unsigned int i = 0, n;

	while (i < max && a[i >> 3] == b[i >> 3])
		i += 8;
	if (i >= max)
		return max;
	n = i + (unsigned int)__builtin_clz((unsigned int)(a[i >> 3] ^ b[i >> 3]) << 24);
	return n < max ? n : max;
}

/* Clears every bit from plen on. */
static void key_mask(uint8_t *key, unsigned int plen)
{
	unsigned int byte = plen >> 3;

	if (byte >= 16)
		return;
	if (plen & 7)
		key[byte++] &= (uint8_t)(0xff00u >> (plen & 7));
	memset(key + byte, 0, 16 - byte);
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static uint64_t dn_hash(uint32_t iid, const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ull ^ iid;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 1099511628211ull;
	return mix(h);
}

struct mapdb *mapdb_new(void)
{
	return calloc(1, sizeof(struct mapdb));
}

static void node_free_all(struct node *n)
{
	if (!n)
		return;
	node_free_all(n->child[0]);
	node_free_all(n->child[1]);
	free(n);
}

void mapdb_free(struct mapdb *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->tables.size; i++)
		if (db->tables.slot[i]) {
			node_free_all(db->tables.slot[i]->root);
			free(db->tables.slot[i]->hosts);
			free(db->tables.slot[i]);
		}
	for (size_t i = 0; i < db->dns.size; i++)
		if (db->dns.slot[i] && db->dns.slot[i] != DN_TOMB)
			free(db->dns.slot[i]);
	free(db->tables.slot);
	free(db->dns.slot);
	free(db);
}

/* ---- (iid, afi) -> table ------------------------------------------------ */

static size_t table_hash(uint32_t iid, uint16_t afi)
{
	return (size_t)mix((uint64_t)iid << 16 | afi);
}

static struct table *table_find(const struct mapdb *db, uint32_t iid, uint16_t afi)
{
	const struct tables *t = &db->tables;

	if (!t->size)
		return NULL;
	for (size_t i = table_hash(iid, afi) & (t->size - 1);; i = (i + 1) & (t->size - 1)) {
		struct table *e = t->slot[i];

		if (!e)
			return NULL;
		if (e->iid == iid && e->afi == afi)
			return e;
	}
}

static int tables_grow(struct tables *t)
{
	size_t nsize = t->size ? t->size * 2 : 16;
	struct table **ns = calloc(nsize, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < t->size; i++) {
		struct table *e = t->slot[i];
		size_t j;

		if (!e)
			continue;
		for (j = table_hash(e->iid, e->afi) & (nsize - 1); ns[j]; j = (j + 1) & (nsize - 1))
			;
		ns[j] = e;
	}
	free(t->slot);
	t->slot = ns;
	t->size = nsize;
	return 0;
}

static struct table *table_get(struct mapdb *db, uint32_t iid, uint16_t afi)
{
	struct tables *t = &db->tables;
	struct table *e = table_find(db, iid, afi);
	size_t i;

	if (e)
		return e;
	if ((t->used + 1) * 2 > t->size && tables_grow(t) < 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->iid = iid;
	e->afi = afi;
	for (i = table_hash(iid, afi) & (t->size - 1); t->slot[i]; i = (i + 1) & (t->size - 1))
		;
	t->slot[i] = e;
	t->used++;
	return e;
}

/* ---- Distinguished-Name index ------------------------------------------- */

static struct dn_entry **dn_slot(const struct dn_index *x, uint32_t iid, const char *name,
				 uint8_t len, struct dn_entry ***free_slot)
{
	struct dn_entry **tomb = NULL;

	if (free_slot)
		*free_slot = NULL;
	if (!x->size)
		return NULL;
	for (size_t i = dn_hash(iid, name, len) & (x->size - 1);; i = (i + 1) & (x->size - 1)) {
		struct dn_entry *e = x->slot[i];

		if (!e) {
			if (free_slot)
				*free_slot = tomb ? tomb : &x->slot[i];
			return NULL;
		}
		if (e == DN_TOMB) {
			if (!tomb)
				tomb = &x->slot[i];
			continue;
		}
		if (e->iid == iid && e->len == len && memcmp(e->name, name, len) == 0)
			return &x->slot[i];
	}
}

static int dn_grow(struct dn_index *x)
{
	size_t nsize = x->size ? x->size * 2 : 64;
	struct dn_entry **ns = calloc(nsize, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < x->size; i++) {
		struct dn_entry *e = x->slot[i];
		size_t j;

		if (!e || e == DN_TOMB)
			continue;
		for (j = dn_hash(e->iid, e->name, e->len) & (nsize - 1); ns[j];
		     j = (j + 1) & (nsize - 1))
			;
		ns[j] = e;
	}
	free(x->slot);
	x->slot = ns;
	x->size = nsize;
	x->tombs = 0;
	return 0;
}

static int dn_insert(struct mapdb *db, const struct lisp_prefix *p, void *value, void **old)
{
	struct dn_index *x = &db->dns;
	struct dn_entry **at, **free_slot, *e;

	at = dn_slot(x, p->iid, p->addr.dn, p->addr.dn_len, &free_slot);
	if (at) {
		*old = (*at)->value;
		(*at)->value = value;
		return 0;
	}
	if ((x->used + x->tombs + 1) * 2 > x->size) {
		if (dn_grow(x) < 0)
			return -ENOMEM;
		dn_slot(x, p->iid, p->addr.dn, p->addr.dn_len, &free_slot);
	}
	e = malloc(sizeof(*e) + p->addr.dn_len);
	if (!e)
		return -ENOMEM;
	e->iid = p->iid;
	e->value = value;
	e->len = p->addr.dn_len;
	memcpy(e->name, p->addr.dn, e->len);
	if (*free_slot == DN_TOMB)
		x->tombs--;
	*free_slot = e;
	x->used++;
	db->count++;
	db->dn_bytes += sizeof(*e) + e->len;
	*old = NULL;
	return 0;
}

static void *dn_remove(struct mapdb *db, const struct lisp_prefix *p)
{
	struct dn_entry **at = dn_slot(&db->dns, p->iid, p->addr.dn, p->addr.dn_len, NULL);
	void *value;

	if (!at)
		return NULL;
	value = (*at)->value;
	db->dn_bytes -= sizeof(**at) + (*at)->len;
	free(*at);
	*at = DN_TOMB;
	db->dns.used--;
	db->dns.tombs++;
	db->count--;
	return value;
}

/* ---- tries --------------------------------------------------------------- */

static struct node *node_new(struct mapdb *db, const uint8_t *key, unsigned int plen,
			     void *value)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	memcpy(n->key, key, sizeof(n->key));
	key_mask(n->key, plen);
	n->plen = (uint8_t)plen;
	n->value = value;
	db->nodes++;
	return n;
}

static void key_of(const struct lisp_prefix *p, uint8_t key[16])
{
	memset(key, 0, 16);
	memcpy(key, p->addr.v6, lisp_addr_wire_len(&p->addr));
	key_mask(key, p->plen);
}

static bool trie_afi(uint16_t afi)
{
	return afi == LISP_AFI_IPV4 || afi == LISP_AFI_IPV6 || afi == LISP_AFI_MAC;
}

static size_t host_hash(const uint8_t *key)
{
	uint64_t a, b;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	return (size_t)mix(a ^ mix(b));
}

static struct node *host_find(const struct table *t, const uint8_t *key)
{
	if (!t->hosts_size)
		return NULL;
	for (size_t i = host_hash(key) & (t->hosts_size - 1);; i = (i + 1) & (t->hosts_size - 1)) {
		struct node *n = t->hosts[i];

		if (!n || memcmp(n->key, key, 16) == 0)
			return n;
	}
}

static void host_place(struct node **slots, size_t size, struct node *n)
{
	size_t i;

	for (i = host_hash(n->key) & (size - 1); slots[i]; i = (i + 1) & (size - 1))
		;
	slots[i] = n;
}

static int host_add(struct mapdb *db, struct table *t, struct node *n)
{
	if ((t->hosts_used + 1) * 2 > t->hosts_size) {
		size_t nsize = t->hosts_size ? 2 * t->hosts_size : 64;
		struct node **ns = calloc(nsize, sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		for (size_t i = 0; i < t->hosts_size; i++)
			if (t->hosts[i])
				host_place(ns, nsize, t->hosts[i]);
		db->host_slots += nsize - t->hosts_size;
		free(t->hosts);
		t->hosts = ns;
		t->hosts_size = nsize;
	}
	host_place(t->hosts, t->hosts_size, n);
	t->hosts_used++;
	return 0;
}

/* Linear-probing delete: re-place the rest of the cluster. */
static void host_del(struct mapdb *db, struct table *t, const struct node *n)
{
	size_t mask = t->hosts_size - 1, i;

	if (!t->hosts_size)
		return;
	for (i = host_hash(n->key) & mask; t->hosts[i] && t->hosts[i] != n; i = (i + 1) & mask)
		;
	if (!t->hosts[i])
		return;
	t->hosts[i] = NULL;
	if (--t->hosts_used == 0) {
		/* The last one: give the table back rather than keep it empty. */
		db->host_slots -= t->hosts_size;
		free(t->hosts);
		t->hosts = NULL;
		t->hosts_size = 0;
		return;
	}
	for (i = (i + 1) & mask; t->hosts[i]; i = (i + 1) & mask) {
		struct node *m = t->hosts[i];

		t->hosts[i] = NULL;
		host_place(t->hosts, t->hosts_size, m);
	}
}

int mapdb_insert(struct mapdb *db, const struct lisp_prefix *p, void *value, void **old)
{
	struct node **link, *n, *leaf, *glue;
	void *scratch;
	uint8_t key[16];
	unsigned int common;
	struct table *t;

	if (!old)
		old = &scratch;
	*old = NULL;
	if (!value)
		return -EINVAL;
	if (p->addr.afi == LISP_AFI_DN)
		return dn_insert(db, p, value, old);
	if (!trie_afi(p->addr.afi) || p->plen > lisp_addr_max_plen(p->addr.afi))
		return -EINVAL;
	t = table_get(db, p->iid, p->addr.afi);
	if (!t)
		return -ENOMEM;
	key_of(p, key);
	for (link = &t->root; (n = *link); link = &n->child[bit_at(key, n->plen)]) {
		common = common_bits(n->key, key, n->plen < p->plen ? n->plen : p->plen);
		if (common < n->plen)
			break;
		if (n->plen == p->plen) {
			*old = n->value;
			if (!n->value)
				db->count++;
			n->value = value;
			return 0;
		}
	}
	leaf = node_new(db, key, p->plen, value);
	if (!leaf)
		return -ENOMEM;
	if (p->plen == lisp_addr_max_plen(p->addr.afi) && host_add(db, t, leaf) < 0) {
		free(leaf);
		db->nodes--;
		return -ENOMEM;
	}
	db->count++;
	if (!n) {
		*link = leaf;
		return 0;
	}
	common = common_bits(n->key, key, n->plen < p->plen ? n->plen : p->plen);
	if (common == p->plen) {
		/* The new prefix covers n: it becomes n's parent. */
		leaf->child[bit_at(n->key, p->plen)] = n;
		*link = leaf;
		return 0;
	}
	glue = node_new(db, key, common, NULL);
	if (!glue) {
		free(leaf);
		db->nodes--;
		db->count--;
		return -ENOMEM;
	}
	glue->child[bit_at(key, common)] = leaf;
	glue->child[bit_at(n->key, common)] = n;
	*link = glue;
	return 0;
}

/* Finds the link to the node holding exactly p, recording the path. */
static struct node **find_link(struct table *t, const uint8_t *key, unsigned int plen,
			       struct node ***path, unsigned int *depth)
{
	struct node **link = &t->root, *n;

	*depth = 0;
	while ((n = *link)) {
		if (n->plen > plen || common_bits(n->key, key, n->plen) < n->plen)
			return NULL;
		if (n->plen == plen)
			return link;
		path[(*depth)++] = link;
		link = &n->child[bit_at(key, n->plen)];
	}
	return NULL;
}

/* A node without value and with fewer than two children is redundant. */
static void prune(struct mapdb *db, struct node **link)
{
	struct node *n = *link;

	if (n->value || (n->child[0] && n->child[1]))
		return;
	*link = n->child[0] ? n->child[0] : n->child[1];
	free(n);
	db->nodes--;
}

void *mapdb_remove(struct mapdb *db, const struct lisp_prefix *p)
{
	struct node **path[130], **link;
	unsigned int depth;
	uint8_t key[16];
	struct table *t;
	void *value;

	if (p->addr.afi == LISP_AFI_DN)
		return dn_remove(db, p);
	t = trie_afi(p->addr.afi) ? table_find(db, p->iid, p->addr.afi) : NULL;
	if (!t || p->plen > lisp_addr_max_plen(p->addr.afi))
		return NULL;
	key_of(p, key);
	link = find_link(t, key, p->plen, path, &depth);
	if (!link || !(*link)->value)
		return NULL;
	value = (*link)->value;
	if ((*link)->plen == lisp_addr_max_plen(p->addr.afi))
		host_del(db, t, *link);
	(*link)->value = NULL;
	db->count--;
	prune(db, link);
	/* Removing a leaf can leave its parent a one-child glue node. */
	if (depth)
		prune(db, path[depth - 1]);
	return value;
}

void *mapdb_exact(const struct mapdb *db, const struct lisp_prefix *p)
{
	struct node **path[130], **link;
	unsigned int depth;
	uint8_t key[16];
	struct table *t;

	if (p->addr.afi == LISP_AFI_DN) {
		struct dn_entry **at = dn_slot(&db->dns, p->iid, p->addr.dn, p->addr.dn_len, NULL);

		return at ? (*at)->value : NULL;
	}
	t = trie_afi(p->addr.afi) ? table_find(db, p->iid, p->addr.afi) : NULL;
	if (!t || p->plen > lisp_addr_max_plen(p->addr.afi))
		return NULL;
	key_of(p, key);
	link = find_link(t, key, p->plen, path, &depth);
	return link ? (*link)->value : NULL;
}

void *mapdb_longest(const struct mapdb *db, const struct lisp_prefix *p,
		    struct lisp_prefix *match)
{
	const struct node *n, *best = NULL;
	uint8_t key[16];
	struct table *t;

	if (p->addr.afi == LISP_AFI_DN) {
		void *v = mapdb_exact(db, p);

		if (v && match)
			*match = *p;
		return v;
	}
	t = trie_afi(p->addr.afi) ? table_find(db, p->iid, p->addr.afi) : NULL;
	if (!t)
		return NULL;
	key_of(p, key);
	if (p->plen == lisp_addr_max_plen(p->addr.afi) && (best = host_find(t, key)))
		goto found;
	for (n = t->root; n && n->plen <= p->plen; n = n->child[bit_at(key, n->plen)]) {
		if (common_bits(n->key, key, n->plen) < n->plen)
			break;
		if (n->value)
			best = n;
		if (n->plen == p->plen)
			break;
	}
	if (!best)
		return NULL;
found:
	if (match) {
		memset(match, 0, sizeof(*match));
		match->iid = p->iid;
		match->plen = best->plen;
		match->addr.afi = p->addr.afi;
		memcpy(match->addr.v6, best->key, lisp_addr_wire_len(&p->addr));
	}
	return best->value;
}

bool mapdb_uncovered(const struct mapdb *db, const struct lisp_prefix *p,
		     struct lisp_prefix *out)
{
	unsigned int max = lisp_addr_max_plen(p->addr.afi), deepest = 0, c;
	struct lisp_prefix host = *p;
	const struct node *n;
	struct table *t;

	if (!trie_afi(p->addr.afi))
		return false;
	host.plen = (uint8_t)max;
	if (mapdb_longest(db, &host, NULL))
		return false;
	t = table_find(db, p->iid, p->addr.afi);
	*out = host;
	if (!t || !t->root) {
		out->plen = 0;
		lisp_prefix_mask(out);
		return true;
	}
	/* Every entry below a node shares the node's prefix, so the deepest
	 * agreement between the address and the trie is found on one path. */
	for (n = t->root; n;) {
		c = common_bits(n->key, host.addr.v6, n->plen);
		if (c > deepest)
			deepest = c;
		if (c < n->plen)
			break;
		n = n->child[bit_at(host.addr.v6, n->plen)];
	}
	out->plen = (uint8_t)(deepest + 1);
	lisp_prefix_mask(out);
	return true;
}

static int walk_node(const struct node *n, const struct table *t, mapdb_walk_fn fn, void *arg)
{
	struct lisp_prefix p;
	int rc;

	if (!n)
		return 0;
	if (n->value) {
		memset(&p, 0, sizeof(p));
		p.iid = t->iid;
		p.plen = n->plen;
		p.addr.afi = t->afi;
		memcpy(p.addr.v6, n->key, lisp_addr_wire_len(&p.addr));
		rc = fn(&p, n->value, arg);
		if (rc)
			return rc;
	}
	rc = walk_node(n->child[0], t, fn, arg);
	return rc ? rc : walk_node(n->child[1], t, fn, arg);
}

static int walk_dns(const struct mapdb *db, const struct lisp_prefix *under, mapdb_walk_fn fn,
		    void *arg)
{
	struct lisp_prefix p;
	int rc;

	for (size_t i = 0; i < db->dns.size; i++) {
		const struct dn_entry *e = db->dns.slot[i];

		if (!e || e == DN_TOMB)
			continue;
		if (under && (under->iid != e->iid || under->addr.dn_len != e->len ||
			      memcmp(under->addr.dn, e->name, e->len) != 0))
			continue;
		memset(&p, 0, sizeof(p));
		p.iid = e->iid;
		p.addr.afi = LISP_AFI_DN;
		p.addr.dn_len = e->len;
		memcpy(p.addr.dn, e->name, e->len);
		rc = fn(&p, e->value, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int mapdb_walk(const struct mapdb *db, const struct lisp_prefix *under, mapdb_walk_fn fn,
	       void *arg)
{
	const struct node *n;
	struct table *t;
	uint8_t key[16];
	int rc;

	if (!under) {
		for (size_t i = 0; i < db->tables.size; i++) {
			t = db->tables.slot[i];
			if (t && (rc = walk_node(t->root, t, fn, arg)))
				return rc;
		}
		return walk_dns(db, NULL, fn, arg);
	}
	if (under->addr.afi == LISP_AFI_DN)
		return walk_dns(db, under, fn, arg);
	t = trie_afi(under->addr.afi) ? table_find(db, under->iid, under->addr.afi) : NULL;
	if (!t)
		return 0;
	key_of(under, key);
	/* Descend to the first node at or below the prefix. */
	for (n = t->root; n && n->plen < under->plen; n = n->child[bit_at(key, n->plen)])
		if (common_bits(n->key, key, n->plen) < n->plen)
			return 0;
	if (!n || common_bits(n->key, key, under->plen) < under->plen)
		return 0;
	return walk_node(n, t, fn, arg);
}

size_t mapdb_count(const struct mapdb *db)
{
	return db->count;
}

size_t mapdb_memory(const struct mapdb *db)
{
	return sizeof(*db) + db->nodes * sizeof(struct node) +
	       db->host_slots * sizeof(struct node *) +
	       db->tables.size * sizeof(struct table *) + db->tables.used * sizeof(struct table) +
	       db->dns.size * sizeof(struct dn_entry *) + db->dn_bytes;
}
