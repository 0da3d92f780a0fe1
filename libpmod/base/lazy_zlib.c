// SPDX-License-Identifier: LGPL-2.1-or-later
#include "lazy_library.h"
#include "lazy_zlib.h"

/* The soname below must be the library these headers describe. */
_Static_assert(ZLIB_VERNUM >= 0x1000 && ZLIB_VERNUM < 0x2000, "zlib.h is the ABI of libz.so.1");

#define SYM(fn) LAZY_SYMBOL(struct lazy_zlib, fn)
static const struct lazy_symbol symbols[] = {
	SYM(inflate),
	SYM(inflateEnd),
	SYM(inflateInit2_),
	SYM(inflateReset),
};
_Static_assert(sizeof(symbols) / sizeof(symbols[0]) * sizeof(void (*)(void)) ==
		       sizeof(struct lazy_zlib), "every member of struct lazy_zlib is resolved");

static struct lazy_zlib table;
static struct lazy_library library = {
	.soname = "libz.so.1",
	.needed_for = "gzip-compressed module",
	.symbols = symbols,
	.nsymbols = sizeof(symbols) / sizeof(symbols[0]),
	.table = &table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_library(void)
{
	lazy_library_open(&library);
}

const struct lazy_zlib *lazy_zlib(struct pmod_error *err)
{
	return lazy_library_get(&library, open_library, err);
}
