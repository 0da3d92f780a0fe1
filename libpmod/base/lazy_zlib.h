/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zlib, opened on the first gzip-compressed module (lazy_library.h).
 * Members are named after the functions: the table's pointer has the
 * real header's prototype (typeof). */
#ifndef PMOD_LAZY_ZLIB_H
#define PMOD_LAZY_ZLIB_H

#include <zlib.h>

#include "pmod.h"

struct lazy_zlib {
	typeof(inflate) *inflate;
	typeof(inflateEnd) *inflateEnd;
	typeof(inflateInit2_) *inflateInit2_;
	typeof(inflateReset) *inflateReset;
};

/* NULL with *err set (-ELIBACC) when libz.so.1 cannot be loaded. */
const struct lazy_zlib *lazy_zlib(struct pmod_error *err);

#endif
