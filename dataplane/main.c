/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-dp [EAL options] -- -c FILE.yaml [-n] [--exit-on-idle MS] [--busy-poll]
 *
 * The main lcore is the control thread: it loads the config and the static
 * mappings (later: drains the control plane's channel), reclaims retired
 * entries, answers signals (SIGUSR1: counters on stdout; SIGINT/SIGTERM:
 * stop).  With no worker lcore (-l 0), it forwards too, and does its
 * control duty from the poll loop's timer.
 *
 * Counters are printed at exit as one JSON line on stdout (the tests read
 * it); --exit-on-idle MS stops the process once no packet arrived for MS
 * milliseconds (a net_pcap input drained).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "capture.h"
#include "channel.h"
#include "dp_privs.h"
#include "neigh.h"
#include "overlay.h"
#include "cfg_file.h"
#include "counters.h"
#include "dp.h"
#include "punt.h"
#include "telemetry.h"
#include "xdp_port.h"

int dp_logtype;

/* --mbufs: a 16M-frame pcap at most; --mbuf-size: the headroom (encap
 * prepends up to 72 bytes) and a minimal frame. */
#define DP_MBUFS_EXTRA_MAX	(1u << 24)
#define DP_MBUF_SIZE_MIN	(RTE_PKTMBUF_HEADROOM + 128)

static volatile sig_atomic_t sig_quit, sig_usr1;

struct opts {
	const char *config;
	bool check;
	bool busy_poll;
	uint32_t exit_on_idle_ms;
	const char *channel;		/* UNIX socket lispgw-cp attaches to */
	uint32_t extra_mbufs;		/* --mbufs */
	uint16_t mbuf_size;		/* --mbuf-size */
};

/* State of the main lcore's periodic duty. */
static struct {
	uint64_t period;	/* TSC ticks between duties */
	uint64_t last;
	uint64_t last_rx;	/* rx total at the last change */
	uint64_t last_rx_tsc;
	uint64_t idle_tsc;	/* --exit-on-idle in TSC ticks; 0: off */
} duty;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		sig_usr1 = 1;
	else
		sig_quit = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: lispgw-dp [EAL options] -- -c FILE.yaml [-n] [--exit-on-idle MS] "
		   "[--busy-poll]\n"
		   "  -c, --config FILE      configuration (docs/dataplane.md)\n"
		   "  -n, --check            check the configuration and exit (no EAL)\n"
		   "      --exit-on-idle MS  stop once no packet arrived for MS ms\n"
		   "      --busy-poll        no idle back-off (benchmarks)\n"
		   "      --channel PATH     UNIX socket lispgw-cp attaches to (dataplane.socket)\n"
		   "      --mbufs N          N more mbufs in the pool than the ports need (0..%u;\n"
		   "                         a net_pcap infinite_rx input holds its file in mbufs)\n"
		   "      --mbuf-size BYTES  data room of an mbuf, headroom included (%u..65535,\n"
		   "                         default %u)\n",
		DP_MBUFS_EXTRA_MAX, DP_MBUF_SIZE_MIN, (unsigned int)RTE_MBUF_DEFAULT_BUF_SIZE);
}

static int opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "exit-on-idle", required_argument, NULL, 'i' },
		{ "busy-poll", no_argument, NULL, 'b' },
		{ "channel", required_argument, NULL, 'C' },
		{ "mbufs", required_argument, NULL, 'M' },
		{ "mbuf-size", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'n':
			o->check = true;
			break;
		case 'i':
			v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || v == 0 || v > 3600000) {
				fprintf(stderr, "lispgw-dp: --exit-on-idle: 1..3600000 ms\n");
				return -EINVAL;
			}
			o->exit_on_idle_ms = (uint32_t)v;
			break;
		case 'M':
			v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || v > DP_MBUFS_EXTRA_MAX) {
				fprintf(stderr, "lispgw-dp: --mbufs: 0..%u\n", DP_MBUFS_EXTRA_MAX);
				return -EINVAL;
			}
			o->extra_mbufs = (uint32_t)v;
			break;
		case 'S':
			v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || v < DP_MBUF_SIZE_MIN || v > UINT16_MAX) {
				fprintf(stderr, "lispgw-dp: --mbuf-size: %u..65535 bytes\n",
					DP_MBUF_SIZE_MIN);
				return -EINVAL;
			}
			o->mbuf_size = (uint16_t)v;
			break;
		case 'b':
			o->busy_poll = true;
			break;
		case 'C':
			o->channel = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc || !o->config) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static void counters_print(const struct dp_app *app)
{
	const struct dp_counters *blocks[DP_CTR_BLOCKS_MAX];
	struct dp_counters sum;
	char extra[2048];
	size_t n;

	dp_counters_sum(blocks, dp_app_ctr_blocks(app, blocks), &sum);
	n = (size_t)snprintf(extra, sizeof(extra), "\"workers\":%u,\"mappings\":%u,\"tsc_hz\":%" PRIu64,
			     app->n_workers, app->tables->n_mappings, rte_get_tsc_hz());
	if (app->neigh && n < sizeof(extra))
		n += dp_neigh_json(app->neigh, extra + n, sizeof(extra) - n);
	if (app->overlay && n < sizeof(extra))
		n += dp_overlay_json(app->overlay, extra + n, sizeof(extra) - n);
	if (n < sizeof(extra))
		n += dp_xdp_json(app, extra + n, sizeof(extra) - n);
	if (app->chan && n < sizeof(extra))
		dp_chan_json(app->chan, extra + n, sizeof(extra) - n);
	dp_counters_print_json(&sum, extra, stdout);
}

static uint64_t rx_total(const struct dp_app *app)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < app->n_workers; i++)
		n += __atomic_load_n(&app->workers[i]->ctr.c[DP_CTR_RX_EID], __ATOMIC_RELAXED) +
		     __atomic_load_n(&app->workers[i]->ctr.c[DP_CTR_RX_RLOC], __ATOMIC_RELAXED);
	return n;
}

/* The main lcore's duty, about once a millisecond. */
static void app_tick(struct dp_app *app)
{
	uint64_t now = rte_rdtsc(), rx;

	if (now - duty.last < duty.period)
		return;
	duty.last = now;
	if (sig_usr1) {
		sig_usr1 = 0;
		counters_print(app);
	}
	if (sig_quit)
		__atomic_store_n(&app->quit, 1, __ATOMIC_RELAXED);
	/* Everything that writes or frees table state, under the telemetry
	 * lock (telemetry.h); a handler holding it postpones this part one
	 * period, it never makes a forwarding lcore wait. */
	if (dp_telemetry_trylock()) {
		if (app->chan) {
			dp_chan_poll(app->chan);
			dp_chan_counters_tick(app->chan);
		}
		dp_neigh_poll(app->neigh);
		dp_tables_reclaim(app->tables);
		dp_telemetry_unlock();
	}
	dp_exc_poll(app);
	if (duty.idle_tsc) {
		rx = rx_total(app);
		if (rx != duty.last_rx) {
			duty.last_rx = rx;
			duty.last_rx_tsc = now;
		} else if (now - duty.last_rx_tsc >= duty.idle_tsc) {
			DP_LOG(INFO, "no packet for %" PRIu64 " ms: exiting",
			       (now - duty.last_rx_tsc) * 1000 / rte_get_tsc_hz());
			__atomic_store_n(&app->quit, 1, __ATOMIC_RELAXED);
		}
	}
}

static int statics_load(struct dp_app *app)
{
	const struct dp_config *cfg = app->cfg;
	int failed = 0;

	for (size_t i = 0; i < cfg->static_count; i++) {
		const struct dp_config_mapping *cm = &cfg->statics[i];
		struct dp_rloc_spec rl[DP_RLOCS_MAX];
		struct dp_mapping_spec s = {
			.iid = cm->eid.iid,
			.plen = cm->eid.plen,
			.action = cm->action,
			.rloc_count = (uint8_t)cm->rloc_count,
			.rlocs = rl,
		};
		char text[LISP_ADDR_STR_MAX];
		int rc;

		dp_ip_from_lisp(&s.eid, &cm->eid.addr);
		for (size_t j = 0; j < cm->rloc_count && j < DP_RLOCS_MAX; j++) {
			dp_ip_from_lisp(&rl[j].addr, &cm->rlocs[j].addr);
			rl[j].priority = cm->rlocs[j].priority;
			rl[j].weight = cm->rlocs[j].weight;
			rl[j].up = cm->rlocs[j].up;
		}
		rc = dp_tables_mapping_upsert(app->tables, &s);
		if (rc < 0) {
			lisp_prefix_format(&cm->eid, text, sizeof(text));
			DP_LOG(ERR, "static mapping %s: %s", text, strerror(-rc));
			failed++;
		}
	}
	return failed ? -EINVAL : 0;
}

static int workers_setup(struct dp_app *app)
{
	unsigned int lcore, i = 0;
	int rc;

	if (app->main_forwards) {
		lcore = rte_get_main_lcore();
		app->workers[0] = rte_zmalloc_socket("dp_worker", sizeof(struct dp_worker),
						     RTE_CACHE_LINE_SIZE,
						     (int)rte_lcore_to_socket_id(lcore));
		if (!app->workers[0])
			return -ENOMEM;
		app->workers[0]->is_main = true;
		rc = dp_worker_init(app->workers[0], app, 0, lcore);
		if (rc == 0)
			rc = dp_tables_reader_register(app->tables, 0);
		return rc;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct dp_worker *w = rte_zmalloc_socket("dp_worker", sizeof(*w),
							 RTE_CACHE_LINE_SIZE,
							 (int)rte_lcore_to_socket_id(lcore));

		if (!w)
			return -ENOMEM;
		app->workers[i] = w;
		rc = dp_worker_init(w, app, i, lcore);
		if (rc < 0)
			return rc;
		i++;
	}
	return 0;
}

static void workers_free(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_workers; i++) {
		if (!app->workers[i])
			continue;
		dp_worker_fini(app->workers[i]);
		rte_free(app->workers[i]);
		app->workers[i] = NULL;
	}
}

/* syslog levels (the config's) -> rte_log levels: one apart. */
static uint32_t rte_level(int syslog_level)
{
	return (uint32_t)syslog_level + 1;
}

static int run(struct dp_app *app)
{
	unsigned int mbufs = 0, lcore, i;
	struct timespec ms = { 0, 1000000 };
	int rc;

	/* Main forwards when it is alone; otherwise every worker lcore
	 * forwards and main only controls. */
	app->main_forwards = rte_lcore_count() == 1;
	app->n_workers = app->main_forwards ? 1 : rte_lcore_count() - 1;
	app->tables = dp_tables_create(&(struct dp_tables_params){
		.socket_id = (int)rte_socket_id(),
		.max_vrfs = app->cfg->max_instances,
		.max_mappings = app->cfg->max_mappings,
		.ipv4_tbl8s = app->cfg->ipv4_tbl8s,
		.ipv6_tbl8s = app->cfg->ipv6_tbl8s,
		.max_readers = app->n_workers,
		.writer_tid = app->main_forwards ? 0 : RTE_QSBR_THRID_INVALID,
		.pitr = app->cfg->itr_mode == DP_CONFIG_ITR_PITR,
		.lsb = app->cfg->lsb,
		.host_timeout_s = app->cfg->host_timeout_s,
	});
	if (!app->tables) {
		DP_LOG(ERR, "tables: %s", rte_strerror(rte_errno));
		return -rte_errno;
	}
	rc = dp_ports_init(app);
	if (rc == 0)
		rc = dp_exc_create(app);
	if (rc < 0)
		return rc;
	/* Before any mapping is built: next hops are resolved through it. */
	app->neigh = dp_neigh_create(app);
	app->overlay = dp_overlay_create(app);
	if (!app->neigh || !app->overlay)
		return -ENOMEM;
	for (i = 0; i < app->cfg->instance_count; i++)
		if (app->cfg->instances[i].inner_mac_resolve)
			dp_tables_vrf_inner_mac(app->tables, app->cfg->instances[i].iid, true);
	for (i = 0; i < app->n_ports; i++)
		mbufs += app->ports[i].nb_rxq * DP_RXD_DEFAULT +
			 app->ports[i].nb_txq * (DP_TXD_DEFAULT + DP_BURST);
	mbufs += app->n_workers * (2 * DP_BURST + 512) + 1024 + dp_exc_mbufs(app);
	mbufs = RTE_MAX(mbufs, 8191u) + app->extra_mbufs;
	app->pool = rte_pktmbuf_pool_create("dp_mbufs", mbufs, 256, 0, app->mbuf_size,
					    (int)rte_socket_id());
	if (!app->pool) {
		DP_LOG(ERR, "mbuf pool of %u: %s", mbufs, rte_strerror(rte_errno));
		return -rte_errno;
	}
	rc = dp_ports_start(app);
	if (rc == 0)
		rc = dp_exc_start(app);
	if (rc < 0)
		return rc;
	rc = statics_load(app);
	if (rc < 0)
		return rc;
	if (app->channel_path) {
		app->chan = dp_chan_open(app, app->channel_path);
		if (!app->chan) {
			DP_LOG(ERR, "channel %s: %s", app->channel_path, strerror(errno));
			return -errno;
		}
		DP_LOG(INFO, "control-plane channel on %s", app->channel_path);
	}
	rc = workers_setup(app);
	if (rc < 0)
		return rc;
	DP_LOG(INFO, "%u ports, %zu instances, %u mappings, %u worker%s%s", app->n_ports,
	       app->cfg->instance_count, app->tables->n_mappings, app->n_workers,
	       app->n_workers == 1 ? "" : "s", app->main_forwards ? " (on the main lcore)" : "");

	duty.period = rte_get_tsc_hz() / 1000;
	duty.last_rx_tsc = rte_rdtsc();
	duty.idle_tsc = (uint64_t)app->exit_on_idle_ms * (rte_get_tsc_hz() / 1000);
	app->tick = app_tick;
	dp_telemetry_attach(app);
	dp_xdp_telemetry_attach(app);
	/* Without a multi-process channel lispgw-dp runs, without capture. */
	dp_capture_start(app);
	/* Everything is open: give up what only start-up needed. */
	rc = dp_privs_drop();
	if (rc < 0)
		return rc;
	if (app->main_forwards) {
		rc = dp_worker_main(app->workers[0]);
	} else {
		i = 0;
		RTE_LCORE_FOREACH_WORKER(lcore)
			rte_eal_remote_launch(dp_worker_main, app->workers[i++], lcore);
		while (!dp_app_quit(app)) {
			app_tick(app);
			nanosleep(&ms, NULL);
		}
		rte_eal_mp_wait_lcore();
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct cfg_errors errs;
	struct dp_config *cfg = NULL;
	struct opts o = { 0 };
	struct dp_app *app;
	struct sigaction sa;
	int dd = argc, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dd = i;
			break;
		}
	}
	if (dd == argc) {
		usage(stderr);
		return 2;
	}
	/* Our options after "--": argv[dd] plays argv[0]. */
	if (opts_parse(argc - dd, argv + dd, &o) < 0)
		return 2;
	cfg_errors_init(&errs);
	rc = dp_config_load(o.config, &cfg, &errs);
	if (rc < 0) {
		cfg_errors_print(&errs, stderr);
		cfg_errors_free(&errs);
		return 1;
	}
	cfg_errors_free(&errs);
	if (o.check) {
		printf("%s: OK (%zu ports, %zu instances, %zu static mappings)\n", o.config,
		       cfg->port_count, cfg->instance_count, cfg->static_count);
		dp_config_free(cfg);
		return 0;
	}

	rc = rte_eal_init(dd, argv);
	if (rc < 0) {
		fprintf(stderr, "lispgw-dp: EAL: %s\n", rte_strerror(rte_errno));
		dp_config_free(cfg);
		return 1;
	}
	dp_logtype = rte_log_register_type_and_pick_level("lispgw.dp", rte_level(cfg->log_level));
	if (dp_logtype < 0)
		dp_logtype = RTE_LOGTYPE_USER1;
	rte_log_set_level(dp_logtype, rte_level(cfg->log_level));
	rc = dp_telemetry_register();
	if (rc < 0)
		DP_LOG(WARNING, "telemetry commands: %s", strerror(-rc));
	rc = dp_xdp_telemetry_register();
	if (rc < 0)
		DP_LOG(WARNING, "telemetry command /lispgw/xdp: %s", strerror(-rc));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	app = rte_zmalloc("dp_app", sizeof(*app), RTE_CACHE_LINE_SIZE);
	if (!app) {
		rc = -ENOMEM;
		goto out;
	}
	app->cfg = cfg;
	app->busy_poll = o.busy_poll;
	app->exit_on_idle_ms = o.exit_on_idle_ms;
	app->extra_mbufs = o.extra_mbufs;
	app->mbuf_size = o.mbuf_size ? o.mbuf_size : RTE_MBUF_DEFAULT_BUF_SIZE;
	app->channel_path = o.channel;
	rc = run(app);
	__atomic_store_n(&app->quit, 1, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	dp_capture_stop();
	dp_telemetry_detach();
	dp_xdp_telemetry_detach();
	if (app->workers[0])
		counters_print(app);
	dp_chan_close(app->chan);
	dp_exc_stop(app);
	dp_ports_stop(app);
	dp_neigh_free(app->neigh);
	dp_overlay_free(app->overlay);
	if (app->main_forwards && app->workers[0])
		dp_tables_reader_unregister(app->tables, 0);
	workers_free(app);
	dp_tables_free(app->tables);
	rte_mempool_free(app->pool);
	rte_free(app);
out:
	rte_eal_cleanup();
	dp_config_free(cfg);
	return rc < 0 ? 1 : 0;
}
