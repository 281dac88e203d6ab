/* SPDX-License-Identifier: BSD-3-Clause */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum log_level log_level_cur = LOG_LEVEL_INFO;

static char log_ident[32] = "lispgw-cp";
static pid_t log_pid;
static FILE *log_file;		/* NULL: stderr via write(2) */
static log_sink_fn log_sink;
static void *log_sink_arg;

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static enum log_level level_clamp(enum log_level level)
{
	return level > LOG_LEVEL_DEBUG ? LOG_LEVEL_DEBUG : level;
}

void log_init(enum log_level level, const char *ident)
{
	log_level_cur = level_clamp(level);
	if (ident) {
		strncpy(log_ident, ident, sizeof(log_ident) - 1);
		log_ident[sizeof(log_ident) - 1] = '\0';
	}
	/* Cached: the daemon does not fork after start-up. */
	log_pid = getpid();
}

void log_set_level(enum log_level level)
{
	log_level_cur = level_clamp(level);
}

enum log_level log_get_level(void)
{
	return log_level_cur;
}

const char *log_level_name(enum log_level level)
{
	return level <= LOG_LEVEL_DEBUG ? level_names[level] : "?";
}

int log_level_parse(const char *s, enum log_level *out)
{
	for (unsigned int i = 0; i <= LOG_LEVEL_DEBUG; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(s, "warning") == 0) {
		*out = LOG_LEVEL_WARN;
		return 0;
	}
	return -EINVAL;
}

void log_set_file(FILE *f)
{
	log_file = f;
	log_sink = NULL;
}

void log_set_sink(log_sink_fn fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
	log_file = NULL;
}

/* "2026-11-03T12:34:56.789Z 8123.456 ident[pid] level: " */
static size_t log_prefix(char *buf, size_t size, enum log_level level)
{
	struct timespec wall, mono;
	struct tm tm;
	char date[32];
	int n;

	clock_gettime(CLOCK_REALTIME, &wall);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	gmtime_r(&wall.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (!log_pid)
		log_pid = getpid();
	n = snprintf(buf, size, "%s.%03ldZ %lld.%03ld %s[%ld] %s: ", date,
		     wall.tv_nsec / 1000000, (long long)mono.tv_sec, mono.tv_nsec / 1000000,
		     log_ident, (long)log_pid, log_level_name(level));
	return n < 0 ? 0 : ((size_t)n < size ? (size_t)n : size - 1);
}

static void log_emit(enum log_level level, char *line, size_t len)
{
	if (log_sink) {
		log_sink(log_sink_arg, level, line);
		return;
	}
	line[len++] = '\n';
	if (log_file) {
		fwrite(line, 1, len, log_file);
		fflush(log_file);
		return;
	}
	/* One write per line; a short write to a full pipe is not retried:
	 * logging must not hold the event loop. */
	while (write(STDERR_FILENO, line, len) < 0 && errno == EINTR)
		;
}

/* Formats prefix + message + suffix into one line and emits it.  The
 * suffix (a suppressed count) has its room reserved: it matters more than
 * the tail of a long message. */
static void log_line(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	/* +1 for the newline log_emit appends */
	char line[LOG_LINE_MAX + 1];
	size_t slen = suffix ? strlen(suffix) : 0;
	size_t room = LOG_LINE_MAX - slen, pre, len;
	int n;

	pre = log_prefix(line, room, level);
	n = vsnprintf(line + pre, room - pre, fmt, ap);
	if (n < 0)
		n = 0;
	len = pre + (size_t)n;
	if (len >= room) {
		len = room - 1;
		memcpy(line + len - 3, "...", 3);
	}
	/* Network-derived text must not start new lines or move the cursor. */
	for (size_t i = pre; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c < 0x20 || c == 0x7f)
			line[i] = '?';
	}
	memcpy(line + len, suffix ? suffix : "", slen + 1);
	len += slen;
	log_emit(level, line, len);
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	if (!log_enabled(level))
		return;
	log_line(level, NULL, fmt, ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	log_line(level, NULL, fmt, ap);
	va_end(ap);
}

static uint64_t coarse_now_ms(void)
{
	struct timespec ts;

	/* The coarse clock is a plain memory read (no vDSO hardware read):
	 * cheap enough to ask once per suppressed packet, and a 1-4 ms
	 * resolution is plenty for windows of a second. */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool log_ratelimited(struct log_ratelimit *rl, enum log_level level, const char *fmt, ...)
{
	char suffix[48];
	uint64_t now;
	va_list ap;

	if (!log_enabled(level))
		return false;
	now = coarse_now_ms();
	if (rl->printed == 0 || now - rl->window_start_ms >= rl->interval_ms) {
		rl->window_start_ms = now;
		rl->printed = 0;
	}
	if (rl->printed >= rl->burst) {
		rl->suppressed++;
		rl->suppressed_total++;
		return false;
	}
	rl->printed++;
	suffix[0] = '\0';
	if (rl->suppressed) {
		snprintf(suffix, sizeof(suffix), " (%llu similar suppressed)",
			 (unsigned long long)rl->suppressed);
		rl->suppressed = 0;
	}
	va_start(ap, fmt);
	log_line(level, suffix, fmt, ap);
	va_end(ap);
	return true;
}
