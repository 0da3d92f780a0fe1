// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "decompress.h"
#include "error.h"
#include "lazy_zlib.h"

int decompress_gzip(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
		    size_t *out_size, struct pmod_error *err)
{
	const struct lazy_zlib *zl = lazy_zlib(err);
	z_stream zs = { 0 };
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0;
	int ret, r = 0;

	if (zl == NULL)
		return -ELIBACC;
	if (in_size > UINT_MAX)
		return pmod_fail(err, -EFBIG, "gzip file too large");
	/* 16 + MAX_WBITS: gzip framing only. inflateInit2() is a macro for
	 * this call, which lets zlib check our z_stream against its own. */
	if (zl->inflateInit2_(&zs, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(z_stream)) != Z_OK)
		return pmod_fail(err, -ENOMEM, "cannot start gzip decoder");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_size;
	for (;;) {
		size_t room;

		r = decompress_grow(&buf, &cap, used, max_out);
		if (r < 0)
			break;
		room = cap - used;
		zs.next_out = buf + used;
		zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		ret = zl->inflate(&zs, Z_NO_FLUSH);
		used = (size_t)(zs.next_out - buf);
		if (ret == Z_STREAM_END) {
			if (zs.avail_in == 0)
				break;
			/* Concatenated members, as gzip(1) reads them. */
			if (zs.avail_in >= 2 && zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
				zl->inflateReset(&zs);
				continue;
			}
			r = pmod_fail(err, -EBADMSG, "trailing garbage after gzip stream");
			break;
		}
		if (ret == Z_BUF_ERROR && zs.avail_in == 0) {
			r = pmod_fail(err, -EBADMSG, "gzip stream ends early (truncated)");
			break;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			r = pmod_fail(err, ret == Z_MEM_ERROR ? -ENOMEM : -EBADMSG,
				      "corrupt gzip stream: %s", zs.msg ? zs.msg : "bad data");
			break;
		}
	}
	zl->inflateEnd(&zs);
	if (r == -EFBIG)
		r = pmod_fail(err, -EFBIG, "gzip stream inflates beyond the %zu-byte limit", max_out);
	else if (r == -ENOMEM && (err == NULL || err->code != -ENOMEM))
		r = pmod_fail(err, -ENOMEM, "out of memory decompressing gzip");
	if (r < 0) {
		free(buf);
		return r;
	}
	*out = buf;
	*out_size = used;
	return 0;
}
