// SPDX-License-Identifier: LGPL-2.1-or-later
#include "lazy_library.h"
#include "lazy_zstd.h"

/* The soname below must be the library these headers describe. */
_Static_assert(ZSTD_VERSION_MAJOR == 1, "zstd.h is the ABI of libzstd.so.1");

#define SYM(fn) LAZY_SYMBOL(struct lazy_zstd, fn)
static const struct lazy_symbol symbols[] = {
	SYM(ZSTD_createDStream), SYM(ZSTD_decompress), SYM(ZSTD_decompressStream),
	SYM(ZSTD_findFrameCompressedSize), SYM(ZSTD_freeDStream), SYM(ZSTD_getErrorName),
	SYM(ZSTD_getFrameContentSize), SYM(ZSTD_isError),
};
_Static_assert(sizeof(symbols) / sizeof(symbols[0]) * sizeof(void (*)(void)) ==
		       sizeof(struct lazy_zstd), "every member of struct lazy_zstd is resolved");

static struct lazy_zstd table;
static struct lazy_library library = {
	.soname = "libzstd.so.1",
	.needed_for = "zstd-compressed module",
	.symbols = symbols,
	.nsymbols = sizeof(symbols) / sizeof(symbols[0]),
	.table = &table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_library(void)
{
	lazy_library_open(&library);
}

const struct lazy_zstd *lazy_zstd(struct pmod_error *err)
{
	return lazy_library_get(&library, open_library, err);
}
