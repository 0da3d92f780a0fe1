// SPDX-License-Identifier: LGPL-2.1-or-later
#include "lazy_library.h"
#include "lazy_xz.h"

/* The soname below must be the library these headers describe. */
_Static_assert(LZMA_VERSION_MAJOR == 5, "lzma.h is the ABI of liblzma.so.5");

#define SYM(fn) LAZY_SYMBOL(struct lazy_xz, fn)
static const struct lazy_symbol symbols[] = {
	SYM(lzma_code),
	SYM(lzma_end),
	SYM(lzma_stream_decoder),
};
_Static_assert(sizeof(symbols) / sizeof(symbols[0]) * sizeof(void (*)(void)) ==
		       sizeof(struct lazy_xz), "every member of struct lazy_xz is resolved");

static struct lazy_xz table;
static struct lazy_library library = {
	.soname = "liblzma.so.5",
	.needed_for = "xz-compressed module",
	.symbols = symbols,
	.nsymbols = sizeof(symbols) / sizeof(symbols[0]),
	.table = &table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_library(void)
{
	lazy_library_open(&library);
}

const struct lazy_xz *lazy_xz(struct pmod_error *err)
{
	return lazy_library_get(&library, open_library, err);
}
