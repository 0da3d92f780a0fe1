// SPDX-License-Identifier: LGPL-2.1-or-later
/* Plain buffers the library returns (strings, arrays of plain structs) go
 * back through the library: a caller linked against another C library, or
 * a library built with another allocator, must not free them itself. */
#include <stdlib.h>

#include "pmod.h"

void pmod_free(void *ptr)
{
	free(ptr);
}
