// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>

#include "decompress.h"
#include "error.h"
#include "lazy_zstd.h"

/* One-shot decode when the frame header states its size (what zstd writes
 * by default): one allocation of exactly the right size. */
static int decode_known_size(const struct lazy_zstd *z, const uint8_t *in, size_t in_size,
			     unsigned long long content, uint8_t **out, size_t *out_size,
			     struct pmod_error *err)
{
	uint8_t *buf = malloc(content ? content : 1);
	size_t r;

	if (buf == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory decompressing zstd");
	r = z->ZSTD_decompress(buf, content, in, in_size);
	if (z->ZSTD_isError(r) || r != content) {
		free(buf);
		return pmod_fail(err, -EBADMSG, "corrupt zstd stream: %s",
				 z->ZSTD_isError(r) ? z->ZSTD_getErrorName(r)
						    : "size differs from header");
	}
	*out = buf;
	*out_size = content;
	return 0;
}

int decompress_zstd(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		    size_t *out_size, struct pmod_error *err)
{
	const struct lazy_zstd *z = lazy_zstd(err);
	unsigned long long content;
	ZSTD_inBuffer input = { in, in_size, 0 };
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0;
	ZSTD_DStream *ds;
	int r = 0;

	if (z == NULL)
		return -ELIBACC;
	content = z->ZSTD_getFrameContentSize(in, in_size);
	if (content == ZSTD_CONTENTSIZE_ERROR)
		return pmod_fail(err, -EBADMSG, "corrupt zstd frame header");
	if (content != ZSTD_CONTENTSIZE_UNKNOWN) {
		if (content > max_out)
			return pmod_fail(err, -EFBIG,
					 "zstd stream declares %llu bytes, over the %zu-byte limit",
					 content, max_out);
		/* A single frame that is the whole input: decode it in one go. */
		if (z->ZSTD_findFrameCompressedSize(in, in_size) == in_size)
			return decode_known_size(z, in, in_size, content, out, out_size, err);
	}

	ds = z->ZSTD_createDStream();
	if (ds == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory decompressing zstd");
	for (;;) {
		ZSTD_outBuffer output;
		size_t ret;

		r = decompress_grow(&buf, &cap, used, max_out);
		if (r < 0)
			break;
		output = (ZSTD_outBuffer){ buf + used, cap - used, 0 };
		ret = z->ZSTD_decompressStream(ds, &output, &input);
		used += output.pos;
		if (z->ZSTD_isError(ret)) {
			r = pmod_fail(err, -EBADMSG, "corrupt zstd stream: %s",
				      z->ZSTD_getErrorName(ret));
			break;
		}
		/* 0: every frame is complete and flushed. */
		if (ret == 0 && input.pos == input.size)
			break;
		/* The decoder wants more input and there is none. */
		if (input.pos == input.size && output.pos < output.size) {
			r = pmod_fail(err, -EBADMSG, "zstd stream ends early (truncated)");
			break;
		}
	}
	z->ZSTD_freeDStream(ds);
	if (r == -EFBIG)
		r = pmod_fail(err, -EFBIG, "zstd stream inflates beyond the %zu-byte limit", max_out);
	else if (r == -ENOMEM)
		r = pmod_fail(err, -ENOMEM, "out of memory decompressing zstd");
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*out_size = used;
	return 0;
}
