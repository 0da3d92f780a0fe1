// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>

#include "decompress.h"
#include "error.h"
#include "lazy_xz.h"

/* The decoder's own memory is bounded too: kernel modules use a 1 MiB
 * dictionary; 64 MiB admits any sane xz file and refuses an absurd one. */
#define XZ_MEMLIMIT ((uint64_t)64 << 20)

static const char *xz_strerror(lzma_ret ret)
{
	switch (ret) {
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "needs more decoder memory than allowed";
	case LZMA_FORMAT_ERROR: return "not an xz stream";
	case LZMA_OPTIONS_ERROR: return "unsupported xz options";
	case LZMA_DATA_ERROR: return "corrupt xz data";
	case LZMA_BUF_ERROR: return "xz stream ends early (truncated)";
	default: return "xz decoder error";
	}
}

int decompress_xz(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		  size_t *out_size, struct pmod_error *err)
{
	const struct lazy_xz *x = lazy_xz(err);
	lzma_stream strm = LZMA_STREAM_INIT;
	uint8_t *buf = NULL;
	size_t cap = 0;
	lzma_ret ret;
	int r = 0;

	if (x == NULL)
		return -ELIBACC;
	ret = x->lzma_stream_decoder(&strm, XZ_MEMLIMIT, LZMA_CONCATENATED);
	if (ret != LZMA_OK)
		return pmod_fail(err, -ENOMEM, "cannot start xz decoder: %s", xz_strerror(ret));
	strm.next_in = in;
	strm.avail_in = in_size;
	for (;;) {
		if (strm.avail_out == 0) {
			size_t used = (size_t)strm.total_out;

			r = decompress_grow(&buf, &cap, used, max_out);
			if (r < 0)
				break;
			strm.next_out = buf + used;
			strm.avail_out = cap - used;
		}
		ret = x->lzma_code(&strm, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK) {
			r = pmod_fail(err, -EBADMSG, "%s", xz_strerror(ret));
			break;
		}
	}
	if (r == -EFBIG)
		r = pmod_fail(err, -EFBIG, "xz stream inflates beyond the %zu-byte limit", max_out);
	else if (r == -ENOMEM)
		r = pmod_fail(err, -ENOMEM, "out of memory decompressing xz");
	if (r == 0) {
		*out = buf;
		*out_size = (size_t)strm.total_out;
	} else {
		free(buf);
	}
	x->lzma_end(&strm);
	return r;
}
