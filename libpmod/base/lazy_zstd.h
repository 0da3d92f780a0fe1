/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libzstd, opened on the first zstd-compressed module (lazy_library.h).
 * Members are named after the functions: z->ZSTD_decompress(...). */
#ifndef PMOD_LAZY_ZSTD_H
#define PMOD_LAZY_ZSTD_H

#include <zstd.h>

#include "pmod.h"

struct lazy_zstd {
	typeof(ZSTD_createDStream) *ZSTD_createDStream;
	typeof(ZSTD_decompress) *ZSTD_decompress;
	typeof(ZSTD_decompressStream) *ZSTD_decompressStream;
	typeof(ZSTD_findFrameCompressedSize) *ZSTD_findFrameCompressedSize;
	typeof(ZSTD_freeDStream) *ZSTD_freeDStream;
	typeof(ZSTD_getErrorName) *ZSTD_getErrorName;
	typeof(ZSTD_getFrameContentSize) *ZSTD_getFrameContentSize;
	typeof(ZSTD_isError) *ZSTD_isError;
};

/* NULL with *err set (-ELIBACC) when libzstd.so.1 cannot be loaded. */
const struct lazy_zstd *lazy_zstd(struct pmod_error *err);

#endif
