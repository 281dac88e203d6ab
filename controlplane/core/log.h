/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Levelled logging for lispgw-cp, one line per message on stderr:
 *
 *   2026-11-03T12:34:56.789Z 8123.456 lispgw-cp[4242] warn: text
 *
 * wall clock (UTC, ISO-8601) for the operator, monotonic seconds for
 * ordering across clock steps.  Each line leaves in one write(2), so lines
 * from several processes sharing stderr never interleave mid-line.
 *
 * Anything derived from the network goes through log_ratelimited() (or is
 * only counted): a peer must never be able to flood the log or the disk.
 * Control characters in messages are replaced by '?' so that a crafted
 * Distinguished Name cannot forge log lines.
 *
 * Single-threaded, like the rest of the control plane.
 */
#ifndef LISPGW_LOG_H
#define LISPGW_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Named LOG_LEVEL_* because <syslog.h> owns LOG_ERR, LOG_INFO, ... */
enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Longest line we emit, prefix included; longer messages are cut with "...". */
#define LOG_LINE_MAX 1024

/* Read by the macros so that a disabled level costs one compare and its
 * arguments are never evaluated.  Set it through log_init/log_set_level. */
extern enum log_level log_level_cur;

static inline bool log_enabled(enum log_level level)
{
	return level <= log_level_cur;
}

/* ident: the program name in each line (copied, at most 31 bytes). */
void log_init(enum log_level level, const char *ident);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
const char *log_level_name(enum log_level level);
/* "error", "warn", "info", "debug" -> 0; -EINVAL otherwise. */
int log_level_parse(const char *s, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...)                                    \
	do {                                             \
		if (log_enabled(LOG_LEVEL_INFO))         \
			log_msg(LOG_LEVEL_INFO, __VA_ARGS__); \
	} while (0)
#define log_debug(...)                                    \
	do {                                              \
		if (log_enabled(LOG_LEVEL_DEBUG))         \
			log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__); \
	} while (0)

/*
 * Where lines go.  Default: stderr through write(2).  log_set_file sends
 * them to a stdio stream instead (flushed per line); log_set_sink hands each
 * finished line (no trailing newline) to a callback, which is how the unit
 * suites assert that something was logged.  NULL restores stderr.
 */
typedef void (*log_sink_fn)(void *arg, enum log_level level, const char *line);
void log_set_file(FILE *f);
void log_set_sink(log_sink_fn fn, void *arg);

/*
 * Rate limiting for per-packet events: at most `burst` lines per
 * `interval_ms`; the rest are counted, not formatted.  The first line that
 * gets through after a suppressed stretch says how many were dropped:
 *   "bad Map-Register from 192.0.2.1: ... (417 similar suppressed)"
 * One state per call site (a static), so that one noisy event does not
 * silence another.
 */
struct log_ratelimit {
	uint32_t burst;
	uint32_t interval_ms;
	uint64_t window_start_ms;
	uint32_t printed;		/* in the current window */
	uint64_t suppressed;		/* since the last line that got through */
	uint64_t suppressed_total;	/* ever */
};

#define LOG_RATELIMIT_INIT(burst_, interval_ms_) \
	{ .burst = (burst_), .interval_ms = (interval_ms_) }

/* Returns true when the line was logged; false when the level is disabled
 * (not counted) or the limit suppressed it (counted). */
bool log_ratelimited(struct log_ratelimit *rl, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
