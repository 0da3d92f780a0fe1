/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* FNV-1a: the string hash of depmod's tables (names, symbols, order keys).
 * Fast on short keys and good enough for open addressing over them. */
#ifndef PMOD_FNV_HASH_H
#define PMOD_FNV_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t fnv1a_mem(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static inline uint64_t fnv1a_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

#endif
