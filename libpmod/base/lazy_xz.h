/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* liblzma, opened on the first xz-compressed module (lazy_library.h).
 * Members are named after the functions: the table's pointer has the
 * real header's prototype (typeof). */
#ifndef PMOD_LAZY_XZ_H
#define PMOD_LAZY_XZ_H

#include <lzma.h>

#include "pmod.h"

struct lazy_xz {
	typeof(lzma_code) *lzma_code;
	typeof(lzma_end) *lzma_end;
	typeof(lzma_stream_decoder) *lzma_stream_decoder;
};

/* NULL with *err set (-ELIBACC) when liblzma.so.5 cannot be loaded. */
const struct lazy_xz *lazy_xz(struct pmod_error *err);

#endif
