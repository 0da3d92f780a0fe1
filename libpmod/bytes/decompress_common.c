// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>

#include "decompress.h"
#include "growable_array.h"

int decompress_grow(uint8_t **buf, size_t *cap, size_t used, size_t max_out)
{
	size_t next;

	if (used < *cap)
		return 0;
	if (*cap >= max_out)
		return -EFBIG;
	/* Modules compress 3-5x: start near the final size, then double. */
	next = *cap == 0 ? 256 * 1024 : *cap * 2;
	if (next > max_out || next < *cap)
		next = max_out;
	return growable_array_resize(buf, cap, next, 1);
}
