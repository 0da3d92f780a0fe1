/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unaligned, byte-order-explicit loads and overflow-checked range tests:
 * every value taken from a file goes through these. */
#ifndef PMOD_BYTES_H
#define PMOD_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t load_u16(const void *p, bool msb)
{
	const uint8_t *b = p;
	return msb ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static inline uint32_t load_u32(const void *p, bool msb)
{
	const uint8_t *b = p;
	if (msb)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static inline uint64_t load_u64(const void *p, bool msb)
{
	const uint8_t *b = p;
	uint64_t hi = load_u32(msb ? b : b + 4, msb);
	uint64_t lo = load_u32(msb ? b + 4 : b, msb);
	return hi << 32 | lo;
}

static inline uint32_t load_be32(const void *p)
{
	return load_u32(p, true);
}

/* True when [offset, offset + length) lies inside a buffer of `size` bytes,
 * without overflowing. */
static inline bool range_fits(uint64_t offset, uint64_t length, uint64_t size)
{
	return offset <= size && length <= size - offset;
}

#endif
