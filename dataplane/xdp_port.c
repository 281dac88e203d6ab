/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our XDP program on net_af_xdp ports (xdp_port.h says what and why).
 *
 * Why net_af_xdp's xdp_prog= devarg and not our own libbpf loader: in
 * DPDK 22.11 the PMD loads a program of its own (libxdp's default, which
 * hands everything to the socket) unless it is given one, and it has no
 * devarg to attach its sockets to a program someone else loaded.  With
 * xdp_prog= it attaches ours, puts each queue's socket into our xsks_map
 * and detaches the program at close; we only find the program it loaded
 * and fill the rest of its maps.  Until we have, the RLOC table is empty
 * and everything goes to the kernel: a start-up that fails half-way
 * never takes SSH away from the host.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "dp.h"
#include "xdp_port.h"

#ifndef LISPGW_XDP_INSTALLED
#define LISPGW_XDP_INSTALLED	"/usr/local/share/lispgw/lispgw_xdp.o"
#endif

#ifdef DP_HAVE_LIBBPF

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "lispgw_xdp.h"

#define PROG_NAME	"lispgw_xdp"
#define PROG_MAPS_MAX	16

static const char *ifname_of(int ifindex, char buf[IF_NAMESIZE])
{
	if (ifindex <= 0 || !if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "ifindex %d", ifindex);
	return buf;
}

struct dp_xdp_port {
	uint32_t prog_id;
	int cfg_fd, v4_fd, v6_fd, stats_fd;
	int ncpus;
};

/* What we need of each map: name, type and sizes, so that a program of
 * another version with the same names is refused instead of misread. */
static const struct map_want {
	const char *name;
	uint32_t type, key, value;
	size_t off;		/* of its fd in struct dp_xdp_port */
} map_wants[] = {
	{ "lispgw_cfg", BPF_MAP_TYPE_ARRAY, 4, 4, offsetof(struct dp_xdp_port, cfg_fd) },
	{ "rloc_v4", BPF_MAP_TYPE_HASH, 4, 1, offsetof(struct dp_xdp_port, v4_fd) },
	{ "rloc_v6", BPF_MAP_TYPE_HASH, 16, 1, offsetof(struct dp_xdp_port, v6_fd) },
	{ "lispgw_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8,
	  offsetof(struct dp_xdp_port, stats_fd) },
};

/* The id and name of the program on ifindex; 0 and "" when none. */
static int prog_query(int ifindex, uint32_t *id, char name[BPF_OBJ_NAME_LEN])
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd, rc;

	*id = 0;
	name[0] = 0;
	rc = bpf_xdp_query_id(ifindex, 0, id);
	if (rc < 0 || !*id)
		return rc;
	fd = bpf_prog_get_fd_by_id(*id);
	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	rc = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (rc < 0)
		return -errno;
	memcpy(name, info.name, BPF_OBJ_NAME_LEN);
	name[BPF_OBJ_NAME_LEN - 1] = 0;
	return 0;
}

int dp_xdp_port_precheck(const struct dp_port *p, const struct dp_config_port *cp)
{
	char ifn[IF_NAMESIZE], name[BPF_OBJ_NAME_LEN];
	uint32_t id;
	int rc;

	if (p->ifindex <= 0) {
		DP_LOG(ERR, "port %s: xdp-program lispgw needs a net_af_xdp device; '%s' has no "
		       "kernel interface", p->name, cp->device);
		return -ENOTSUP;
	}
	rc = prog_query(p->ifindex, &id, name);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: cannot query the XDP program of %s: %s (root, or "
		       "CAP_NET_ADMIN and CAP_BPF, are needed)", p->name,
		       ifname_of(p->ifindex, ifn), strerror(-rc));
		return rc;
	}
	if (id) {
		ifname_of(p->ifindex, ifn);
		DP_LOG(ERR, "port %s: %s already runs XDP program '%s' (id %u), left by another "
		       "process? net_af_xdp cannot attach lispgw_xdp beside it; remove it with "
		       "'ip link set dev %s xdp off'", p->name, ifn, name, id, ifn);
		return -EBUSY;
	}
	return 0;
}

static int maps_find(struct dp_xdp_port *x, int prog_fd)
{
	uint32_t ids[PROG_MAPS_MAX], len, found = 0;
	struct bpf_prog_info info;
	int rc;

	memset(&info, 0, sizeof(info));
	info.nr_map_ids = PROG_MAPS_MAX;
	info.map_ids = (uint64_t)(uintptr_t)ids;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) < 0)
		return -errno;
	for (uint32_t i = 0; i < RTE_MIN(info.nr_map_ids, (uint32_t)PROG_MAPS_MAX); i++) {
		struct bpf_map_info mi;
		int fd = bpf_map_get_fd_by_id(ids[i]);
		bool kept = false;

		if (fd < 0)
			return -errno;
		memset(&mi, 0, sizeof(mi));
		len = sizeof(mi);
		rc = bpf_obj_get_info_by_fd(fd, &mi, &len);
		for (size_t k = 0; rc == 0 && k < RTE_DIM(map_wants); k++) {
			const struct map_want *w = &map_wants[k];
			int *slot = (int *)((char *)x + w->off);

			if (strcmp(mi.name, w->name) != 0 || *slot >= 0)
				continue;
			if (mi.type != w->type || mi.key_size != w->key || mi.value_size != w->value ||
			    (w->type == BPF_MAP_TYPE_PERCPU_ARRAY && mi.max_entries < XDP_STAT_COUNT))
				break;
			*slot = fd;
			kept = true;
			found++;
		}
		if (!kept)
			close(fd);
	}
	return found == RTE_DIM(map_wants) ? 0 : -ENOENT;
}

static void maps_close(struct dp_xdp_port *x)
{
	int *fds[] = { &x->cfg_fd, &x->v4_fd, &x->v6_fd, &x->stats_fd };

	for (size_t i = 0; i < RTE_DIM(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Our RLOCs of cp, then the mode: the program hands nothing over before. */
static int maps_fill(struct dp_xdp_port *x, const struct dp_port *p,
		     const struct dp_config_port *cp)
{
	uint32_t zero = 0, mode = p->role == DP_PORT_ROLE_EID ? LISPGW_XDP_MODE_EID :
								  LISPGW_XDP_MODE_RLOC;
	uint8_t one = 1;

	for (size_t i = 0; p->role == DP_PORT_ROLE_RLOC && i < cp->addr_count; i++) {
		const struct lisp_addr *a = &cp->addrs[i];
		int fd = a->afi == LISP_AFI_IPV4 ? x->v4_fd : x->v6_fd;

		if (bpf_map_update_elem(fd, a->afi == LISP_AFI_IPV4 ? (const void *)a->v4 :
				       (const void *)a->v6, &one, BPF_ANY) < 0)
			return -errno;
	}
	if (bpf_map_update_elem(x->cfg_fd, &zero, &mode, BPF_ANY) < 0)
		return -errno;
	return 0;
}

int dp_xdp_port_attach(struct dp_port *p, const struct dp_config_port *cp)
{
	char ifn[IF_NAMESIZE], name[BPF_OBJ_NAME_LEN];
	struct dp_xdp_port *x;
	int prog_fd, rc;
	uint32_t id;

	ifname_of(p->ifindex, ifn);
	rc = prog_query(p->ifindex, &id, name);
	if (rc < 0 || !id || strcmp(name, PROG_NAME) != 0) {
		if (rc < 0)
			DP_LOG(ERR, "port %s: cannot query the XDP program of %s: %s", p->name, ifn,
			       strerror(-rc));
		else
			DP_LOG(ERR, "port %s: %s runs %s%s%s, not lispgw_xdp: give its vdev "
			       "xdp_prog=PATH/lispgw_xdp.o (installed as %s), e.g. --vdev "
			       "%s,iface=%s,xdp_prog=%s", p->name, ifn,
			       id ? "XDP program '" : "no XDP program", id ? name : "",
			       id ? "'" : "", LISPGW_XDP_INSTALLED, cp->device, ifn,
			       LISPGW_XDP_INSTALLED);
		return rc < 0 ? rc : -ENOENT;
	}
	x = rte_zmalloc("dp_xdp_port", sizeof(*x), 0);
	if (!x)
		return -ENOMEM;
	x->prog_id = id;
	x->cfg_fd = x->v4_fd = x->v6_fd = x->stats_fd = -1;
	x->ncpus = libbpf_num_possible_cpus();
	prog_fd = bpf_prog_get_fd_by_id(id);
	rc = prog_fd < 0 ? -errno : maps_find(x, prog_fd);
	if (prog_fd >= 0)
		close(prog_fd);
	if (rc == 0 && x->ncpus <= 0)
		rc = x->ncpus ? x->ncpus : -EINVAL;
	if (rc < 0) {
		DP_LOG(ERR, "port %s: the XDP program '%s' (id %u) on %s does not have lispgw_xdp's "
		       "maps (%s): built from another version of dataplane/xdp/lispgw_xdp.c?",
		       p->name, name, id, ifn, strerror(-rc));
		goto fail;
	}
	rc = maps_fill(x, p, cp);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: filling the maps of XDP program %u: %s", p->name, id,
		       strerror(-rc));
		goto fail;
	}
	p->xdp = x;
	DP_LOG(INFO, "port %s: XDP program lispgw_xdp (id %u) on %s, %s mode, %zu RLOCs", p->name,
	       id, ifn, p->role == DP_PORT_ROLE_EID ? "eid" : "rloc",
	       p->role == DP_PORT_ROLE_RLOC ? cp->addr_count : (size_t)0);
	return 0;
fail:
	maps_close(x);
	rte_free(x);
	return rc;
}

void dp_xdp_port_detach(struct dp_port *p)
{
	if (!p->xdp)
		return;
	maps_close(p->xdp);
	rte_free(p->xdp);
	p->xdp = NULL;
}

int dp_xdp_port_stats(const struct dp_port *p, struct dp_xdp_stats *st)
{
	uint64_t sum[XDP_STAT_COUNT] = { 0 };
	const struct dp_xdp_port *x = p->xdp;
	uint64_t *v;

	memset(st, 0, sizeof(*st));
	if (!x)
		return -ENOENT;
	v = calloc((size_t)x->ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (uint32_t k = 0; k < XDP_STAT_COUNT; k++) {
		if (bpf_map_lookup_elem(x->stats_fd, &k, v) < 0) {
			free(v);
			return -errno;
		}
		for (int c = 0; c < x->ncpus; c++)
			sum[k] += v[c];
	}
	free(v);
	st->fastpath = sum[XDP_STAT_FASTPATH];
	st->kernel = sum[XDP_STAT_KERNEL];
	st->malformed = sum[XDP_STAT_MALFORMED];
	return 0;
}

static uint32_t prog_id_of(const struct dp_port *p)
{
	return p->xdp ? p->xdp->prog_id : 0;
}

#else /* !DP_HAVE_LIBBPF */

int dp_xdp_port_precheck(const struct dp_port *p, const struct dp_config_port *cp)
{
	(void)cp;
	DP_LOG(ERR, "port %s: xdp-program lispgw: lispgw-dp was built without libbpf "
	       "(libbpf-dev)", p->name);
	return -ENOTSUP;
}

int dp_xdp_port_attach(struct dp_port *p, const struct dp_config_port *cp)
{
	return dp_xdp_port_precheck(p, cp);
}

void dp_xdp_port_detach(struct dp_port *p)
{
	p->xdp = NULL;
}

int dp_xdp_port_stats(const struct dp_port *p, struct dp_xdp_stats *st)
{
	(void)p;
	memset(st, 0, sizeof(*st));
	return -ENOTSUP;
}

static uint32_t prog_id_of(const struct dp_port *p)
{
	(void)p;
	return 0;
}

#endif /* DP_HAVE_LIBBPF */

size_t dp_xdp_json(const struct dp_app *app, char *buf, size_t len)
{
	size_t n = 0;
	bool first = true;

	for (unsigned int i = 0; i < app->n_ports && n < len; i++) {
		const struct dp_port *p = &app->ports[i];
		struct dp_xdp_stats st;
		int k;

		if (!p->xdp || dp_xdp_port_stats(p, &st) < 0)
			continue;
		k = snprintf(buf + n, len - n,
			     "%s\"%s\":{\"prog_id\":%u,\"ifindex\":%d,\"fastpath\":%" PRIu64
			     ",\"kernel\":%" PRIu64 ",\"malformed\":%" PRIu64 "}",
			     first ? ",\"xdp\":{" : ",", p->name, prog_id_of(p), p->ifindex,
			     st.fastpath, st.kernel, st.malformed);
		if (k < 0)
			break;
		n += (size_t)k;
		first = false;
	}
	if (!first && n < len)
		n += (size_t)snprintf(buf + n, len - n, "}");
	return RTE_MIN(n, len ? len - 1 : 0);
}

/* --- /lispgw/xdp ----------------------------------------------------------------- */

/* The telemetry thread reads the ports' map descriptors under this lock;
 * detach takes it before the descriptors close. */
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dp_app *tel_app;

static int tel_xdp(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tel_lock);
	for (unsigned int i = 0; tel_app && i < tel_app->n_ports; i++) {
		const struct dp_port *p = &tel_app->ports[i];
		struct rte_tel_data *c;
		struct dp_xdp_stats st;

		if (!p->xdp || dp_xdp_port_stats(p, &st) < 0)
			continue;
		c = rte_tel_data_alloc();
		if (!c)
			break;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_u64(c, "prog_id", prog_id_of(p));
		rte_tel_data_add_dict_int(c, "ifindex", p->ifindex);
		rte_tel_data_add_dict_string(c, "mode", p->role == DP_PORT_ROLE_EID ? "eid" : "rloc");
		rte_tel_data_add_dict_u64(c, "fastpath", st.fastpath);
		rte_tel_data_add_dict_u64(c, "kernel", st.kernel);
		rte_tel_data_add_dict_u64(c, "malformed", st.malformed);
		rte_tel_data_add_dict_container(d, p->name, c, 0);
	}
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

int dp_xdp_telemetry_register(void)
{
	return rte_telemetry_register_cmd("/lispgw/xdp", tel_xdp,
					  "Our XDP program's counters per port. No parameters");
}

void dp_xdp_telemetry_attach(struct dp_app *app)
{
	pthread_mutex_lock(&tel_lock);
	tel_app = app;
	pthread_mutex_unlock(&tel_lock);
}

void dp_xdp_telemetry_detach(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_app = NULL;
	pthread_mutex_unlock(&tel_lock);
}
