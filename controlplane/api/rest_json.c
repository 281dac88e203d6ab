/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON pieces the REST resources share: EID prefixes in their "[iid]addr/len"
 * text, locators with their flags and attributes, times.  Times inside the
 * daemon are monotonic (the loop's clock); the API shows wall-clock RFC 3339
 * instants, converted at the moment of the answer.
 */
#include <time.h>

#include "rest_priv.h"

json_t *rest_json_prefix(const struct lisp_prefix *p)
{
	char s[LISP_ADDR_STR_MAX + 16];

	if (lisp_prefix_format(p, s, sizeof(s)) < 0)
		return json_string("?");
	return json_string(s);
}

json_t *rest_json_addr(const struct lisp_addr *a)
{
	char s[LISP_ADDR_STR_MAX];

	if (lisp_addr_format(a, s, sizeof(s)) < 0)
		return json_string("?");
	return json_string(s);
}

json_t *rest_json_hex(const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char s[129];

	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = '\0';
	return json_string(s);
}

const char *rest_action_name(uint8_t action)
{
	/* The configuration's words (docs/config.md) where it has them. */
	return action == LISP_ACT_NO_ACTION ? "encapsulate" : lisp_action_name(action);
}

const char *rest_msg_type_name(unsigned int type)
{
	switch (type) {
	case LISP_MAP_REQUEST:
		return "map-request";
	case LISP_MAP_REPLY:
		return "map-reply";
	case LISP_MAP_REGISTER:
		return "map-register";
	case LISP_MAP_NOTIFY:
		return "map-notify";
	case LISP_MAP_NOTIFY_ACK:
		return "map-notify-ack";
	case LISP_ECM:
		return "ecm";
	default:
		return NULL;
	}
}

/* The locator's address: the plain RLOC (also inside a JSON, Geo or IID
 * LCAF), else the LCAF's type. */
static json_t *locator_address(const struct lisp_waddr *w)
{
	const struct lisp_addr *a = lisp_waddr_rloc(w);
	char s[64];

	if (a)
		return rest_json_addr(a);
	if (w->afi == LISP_AFI_LCAF) {
		snprintf(s, sizeof(s), "lcaf:%s", lcaf_type_name(w->lcaf.type));
		return json_string(s);
	}
	return json_string(lisp_afi_name(w->afi));
}

json_t *rest_json_locator(const struct lisp_locator *l)
{
	const struct lisp_lcaf *jl = lisp_waddr_json(&l->addr);
	json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i, s:b, s:b, s:b}",
			      "address", locator_address(&l->addr),
			      "priority", (int)l->priority,
			      "weight", (int)l->weight,
			      "mpriority", (int)l->mpriority,
			      "mweight", (int)l->mweight,
			      "local", (l->flags & LISP_LOC_F_LOCAL) != 0,
			      "probed", (l->flags & LISP_LOC_F_PROBED) != 0,
			      "reachable", (l->flags & LISP_LOC_F_REACH) != 0);

	if (o && jl && jl->json.text) {
		json_t *attrs = json_loadb(jl->json.text, jl->json.len, JSON_DECODE_ANY, NULL);

		/* Attributes come from the network: what does not parse as an
		 * object is shown as text rather than dropped. */
		if (json_is_object(attrs))
			json_object_set_new(o, "attributes", attrs);
		else {
			json_t *t = json_stringn(jl->json.text, jl->json.len);

			json_decref(attrs);
			json_object_set_new(o, "attributes_text",
					    t ? t : json_string("(not UTF-8)"));
		}
	}
	return o;
}

json_t *rest_json_locators(const struct lisp_locator *locs, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, rest_json_locator(&locs[i]));
	return a;
}

json_t *rest_json_record_locators(const uint8_t *buf, size_t len)
{
	static uint8_t arena_buf[REST_ARENA_BYTES];
	struct lisp_arena arena;
	struct lisp_record rec;
	struct wire_rd rd;

	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	wire_rd_init(&rd, buf, len);
	if (lisp_record_decode(&rd, &arena, &rec, NULL) < 0)
		return json_array();
	return rest_json_locators(rec.locs, rec.loc_count);
}

uint64_t rest_uptime_s(const struct cp *cp)
{
	return (evloop_now_ms(cp->loop) - cp->started_ms) / 1000;
}

json_t *rest_json_time(const struct cp *cp, uint64_t mono_ms)
{
	uint64_t now = evloop_now_ms(cp->loop);
	struct timespec ts;
	char s[80];
	struct tm tm;
	int64_t wall_ms;
	time_t sec;

	clock_gettime(CLOCK_REALTIME, &ts);
	wall_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - (int64_t)(now - mono_ms);
	sec = (time_t)(wall_ms / 1000);
	gmtime_r(&sec, &tm);
	snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(wall_ms % 1000));
	return json_string(s);
}
