/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounds-checked cursors over untrusted bytes.  Every getter returns 0 or -1
 * when the buffer is short and never reads past the end; nothing in the
 * codecs casts a packed struct over packet memory.  Writers are the mirror
 * image for encoders.  All values are network byte order on the wire.
 */
#ifndef LISPGW_WIRE_H
#define LISPGW_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wire_rd {
	const uint8_t *base;	/* start of the message, for offsets */
	const uint8_t *p;
	const uint8_t *end;
};

struct wire_wr {
	uint8_t *base;
	uint8_t *p;
	uint8_t *end;
};

static inline void wire_rd_init(struct wire_rd *r, const void *buf, size_t len)
{
	r->base = buf;
	r->p = buf;
	r->end = r->p + len;
}

static inline size_t wire_rd_left(const struct wire_rd *r)
{
	return (size_t)(r->end - r->p);
}

static inline size_t wire_rd_off(const struct wire_rd *r)
{
	return (size_t)(r->p - r->base);
}

static inline int wire_get_u8(struct wire_rd *r, uint8_t *v)
{
	if (wire_rd_left(r) < 1)
		return -1;
	*v = *r->p++;
	return 0;
}

static inline int wire_get_u16(struct wire_rd *r, uint16_t *v)
{
	if (wire_rd_left(r) < 2)
		return -1;
	*v = (uint16_t)((uint16_t)r->p[0] << 8 | r->p[1]);
	r->p += 2;
	return 0;
}

static inline int wire_get_u24(struct wire_rd *r, uint32_t *v)
{
	if (wire_rd_left(r) < 3)
		return -1;
	*v = (uint32_t)r->p[0] << 16 | (uint32_t)r->p[1] << 8 | r->p[2];
	r->p += 3;
	return 0;
}

static inline int wire_get_u32(struct wire_rd *r, uint32_t *v)
{
	if (wire_rd_left(r) < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	     (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return 0;
}

static inline int wire_get_u64(struct wire_rd *r, uint64_t *v)
{
	uint32_t hi = 0, lo = 0;

	if (wire_rd_left(r) < 8)
		return -1;
	wire_get_u32(r, &hi);
	wire_get_u32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

static inline int wire_get_bytes(struct wire_rd *r, void *dst, size_t n)
{
	if (wire_rd_left(r) < n)
		return -1;
	memcpy(dst, r->p, n);
	r->p += n;
	return 0;
}

/* Returns a pointer to the next n bytes and advances, or NULL if short. */
static inline const uint8_t *wire_get_span(struct wire_rd *r, size_t n)
{
	const uint8_t *s = r->p;

	if (wire_rd_left(r) < n)
		return NULL;
	r->p += n;
	return s;
}

/* A sub-cursor over the next n bytes (an LCAF body, an inner message). */
static inline int wire_rd_sub(struct wire_rd *r, size_t n, struct wire_rd *sub)
{
	if (wire_rd_left(r) < n)
		return -1;
	sub->base = r->base;
	sub->p = r->p;
	sub->end = r->p + n;
	r->p += n;
	return 0;
}

static inline void wire_wr_init(struct wire_wr *w, void *buf, size_t cap)
{
	w->base = buf;
	w->p = buf;
	w->end = w->p + cap;
}

static inline size_t wire_wr_len(const struct wire_wr *w)
{
	return (size_t)(w->p - w->base);
}

static inline size_t wire_wr_left(const struct wire_wr *w)
{
	return (size_t)(w->end - w->p);
}

static inline int wire_put_u8(struct wire_wr *w, uint8_t v)
{
	if (wire_wr_left(w) < 1)
		return -1;
	*w->p++ = v;
	return 0;
}

static inline int wire_put_u16(struct wire_wr *w, uint16_t v)
{
	if (wire_wr_left(w) < 2)
		return -1;
	w->p[0] = (uint8_t)(v >> 8);
	w->p[1] = (uint8_t)v;
	w->p += 2;
	return 0;
}

static inline int wire_put_u24(struct wire_wr *w, uint32_t v)
{
	if (wire_wr_left(w) < 3)
		return -1;
	w->p[0] = (uint8_t)(v >> 16);
	w->p[1] = (uint8_t)(v >> 8);
	w->p[2] = (uint8_t)v;
	w->p += 3;
	return 0;
}

static inline int wire_put_u32(struct wire_wr *w, uint32_t v)
{
	if (wire_wr_left(w) < 4)
		return -1;
	w->p[0] = (uint8_t)(v >> 24);
	w->p[1] = (uint8_t)(v >> 16);
	w->p[2] = (uint8_t)(v >> 8);
	w->p[3] = (uint8_t)v;
	w->p += 4;
	return 0;
}

static inline int wire_put_u64(struct wire_wr *w, uint64_t v)
{
	if (wire_wr_left(w) < 8)
		return -1;
	wire_put_u32(w, (uint32_t)(v >> 32));
	wire_put_u32(w, (uint32_t)v);
	return 0;
}

static inline int wire_put_bytes(struct wire_wr *w, const void *src, size_t n)
{
	if (wire_wr_left(w) < n)
		return -1;
	if (n)
		memcpy(w->p, src, n);
	w->p += n;
	return 0;
}

/* Patches a 16-bit field written earlier (lengths known only at the end). */
static inline void wire_patch_u16(uint8_t *at, uint16_t v)
{
	at[0] = (uint8_t)(v >> 8);
	at[1] = (uint8_t)v;
}

#endif
