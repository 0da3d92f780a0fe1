/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One function per format. Each decodes the whole input into a malloc'ed
 * buffer (*out, owned by the caller), refuses to produce more than max_out
 * bytes (a decompression bomb stops there), and fails on a stream that ends
 * early or carries trailing garbage. */
#ifndef PMOD_DECOMPRESS_H
#define PMOD_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "pmod.h"

int decompress_zstd(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		    size_t *out_size, struct pmod_error *err);
int decompress_xz(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		  size_t *out_size, struct pmod_error *err);
int decompress_gzip(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		    size_t *out_size, struct pmod_error *err);

/* Shared by the three: grow *buf (capacity *cap) so that it can hold at
 * least one more byte, never beyond max_out. -EFBIG at the cap. */
int decompress_grow(uint8_t **buf, size_t *cap, size_t used, size_t max_out);

#endif
