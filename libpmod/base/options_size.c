// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "options_size.h"

int options_copy(void *dst, size_t known_size, const void *src)
{
	const unsigned char *tail;
	size_t size;

	memset(dst, 0, known_size);
	if (src == NULL) {
		memcpy(dst, &known_size, sizeof(known_size));
		return 0;
	}
	memcpy(&size, src, sizeof(size));
	if (size < sizeof(size))
		return -EINVAL;
	for (tail = (const unsigned char *)src + known_size; size > known_size; size--, tail++)
		if (*tail != 0)
			return -E2BIG;
	memcpy(&size, src, sizeof(size));
	memcpy(dst, src, size < known_size ? size : known_size);
	return 0;
}

const char *options_copy_error(int r)
{
	return r == -E2BIG ? "the options set fields this version of the library does not know"
			   : "the options' size is not set";
}
