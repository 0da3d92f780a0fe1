// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <zstd.h>

#include "decompress.h"
#include "error.h"

/* One-shot decode when the frame header states its size (what zstd writes
 * by default): one allocation of exactly the right size. */
static int decode_known_size(const uint8_t *in, size_t in_size, unsigned long long content,
			     uint8_t **out, size_t *out_size, struct pmod_error *err)
{
	uint8_t *buf = malloc(content ? content : 1);
	size_t r;

	if (buf == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory decompressing zstd");
	r = ZSTD_decompress(buf, content, in, in_size);
	if (ZSTD_isError(r) || r != content) {
		free(buf);
		return pmod_fail(err, -EBADMSG, "corrupt zstd stream: %s",
				 ZSTD_isError(r) ? ZSTD_getErrorName(r) : "size differs from header");
	}
	*out = buf;
	*out_size = content;
	return 0;
}

int decompress_zstd(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		    size_t *out_size, struct pmod_error *err)
{
	unsigned long long content = ZSTD_getFrameContentSize(in, in_size);
	ZSTD_inBuffer input = { in, in_size, 0 };
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0;
	ZSTD_DStream *ds;
	int r = 0;

	if (content == ZSTD_CONTENTSIZE_ERROR)
		return pmod_fail(err, -EBADMSG, "corrupt zstd frame header");
	if (content != ZSTD_CONTENTSIZE_UNKNOWN) {
		if (content > max_out)
			return pmod_fail(err, -EFBIG,
					 "zstd stream declares %llu bytes, over the %zu-byte limit",
					 content, max_out);
		/* A single frame that is the whole input: decode it in one go. */
		if (ZSTD_findFrameCompressedSize(in, in_size) == in_size)
			return decode_known_size(in, in_size, content, out, out_size, err);
	}

	ds = ZSTD_createDStream();
	if (ds == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory decompressing zstd");
	for (;;) {
		ZSTD_outBuffer output;
		size_t ret;

		r = decompress_grow(&buf, &cap, used, max_out);
		if (r < 0)
			break;
		output = (ZSTD_outBuffer){ buf + used, cap - used, 0 };
		ret = ZSTD_decompressStream(ds, &output, &input);
		used += output.pos;
		if (ZSTD_isError(ret)) {
			r = pmod_fail(err, -EBADMSG, "corrupt zstd stream: %s",
				      ZSTD_getErrorName(ret));
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
	ZSTD_freeDStream(ds);
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
