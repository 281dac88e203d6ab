/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "lisp_msg.h"
#include "msg_priv.h"

const char *lisp_msg_type_name(uint8_t type)
{
	switch (type) {
	case LISP_MAP_REQUEST:
		return "Map-Request";
	case LISP_MAP_REPLY:
		return "Map-Reply";
	case LISP_MAP_REGISTER:
		return "Map-Register";
	case LISP_MAP_NOTIFY:
		return "Map-Notify";
	case LISP_MAP_NOTIFY_ACK:
		return "Map-Notify-Ack";
	case LISP_MAP_REFERRAL:
		return "Map-Referral";
	case LISP_ECM:
		return "Encapsulated-Control-Message";
	default:
		return "unknown";
	}
}

const char *lisp_action_name(uint8_t act)
{
	static const char *const names[] = {
		"no-action", "native-forward", "send-map-request",
		"drop",	     "drop-policy",    "drop-auth-failure",
	};

	return act < sizeof(names) / sizeof(names[0]) ? names[act] : "unassigned";
}

const char *lisp_auth_alg_name(uint8_t alg)
{
	switch (alg) {
	case LISP_AUTH_NONE:
		return "none";
	case LISP_AUTH_HMAC_SHA1_96:
		return "hmac-sha1-96";
	case LISP_AUTH_HMAC_SHA256_128:
		return "hmac-sha256-128";
	default:
		return "unknown";
	}
}

int lisp_msg_head_decode(struct wire_rd *r, uint8_t type, uint32_t *w0, uint64_t *nonce,
			 struct lisp_err *err)
{
	if (wire_get_u32(r, w0) < 0 || wire_get_u64(r, nonce) < 0)
		return lisp_err_set(err, EBADMSG, "%s header needs 12 bytes, got %zu",
				    lisp_msg_type_name(type), (size_t)(r->end - r->base));
	if (*w0 >> 28 != type)
		return lisp_err_set(err, EPROTO, "type %u is not a %s", *w0 >> 28,
				    lisp_msg_type_name(type));
	return 0;
}

int lisp_msg_end_check(const struct wire_rd *r, const char *what, struct lisp_err *err)
{
	if (wire_rd_left(r))
		return lisp_err_set(err, EBADMSG, "%s has %zu trailing bytes after its last field",
				    what, wire_rd_left(r));
	return 0;
}

int lisp_ctrl_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
		     struct lisp_ctrl_msg *out, struct lisp_err *err)
{
	memset(out, 0, sizeof(*out));
	if (len < 1)
		return lisp_err_set(err, EBADMSG, "empty control message");
	out->type = buf[0] >> 4;
	switch (out->type) {
	case LISP_MAP_REQUEST:
		return lisp_map_request_decode(buf, len, a, &out->request, err);
	case LISP_MAP_REPLY:
		return lisp_map_reply_decode(buf, len, a, &out->reply, err);
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		return lisp_map_register_decode(buf, len, a, &out->reg, err);
	case LISP_ECM:
		return lisp_ecm_decode(buf, len, &out->ecm, err);
	case LISP_MAP_REFERRAL:
		return lisp_map_referral_decode(buf, len, a, &out->referral, err);
	default:
		return lisp_err_set(err, EPROTONOSUPPORT, "unsupported control message type %u",
				    out->type);
	}
}
