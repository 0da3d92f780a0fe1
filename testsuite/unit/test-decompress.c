// SPDX-License-Identifier: LGPL-2.1-or-later
/* Decompression: magic detection, round trips through each library, the
 * size cap, and streams that end early or carry garbage. */
#include <errno.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <cmocka.h>

#include "decompress.h"
#include "module_bytes.h"

#define PLAIN_SIZE (3u << 20)
static uint8_t *plain;

static int setup(void **state)
{
	plain = malloc(PLAIN_SIZE);
	/* Compressible but not trivial: text with a running counter. */
	for (size_t i = 0; i < PLAIN_SIZE; i++)
		plain[i] = (uint8_t)("kernel module "[i % 14] + (i / 4096) % 7);
	return 0;
}

static int teardown(void **state)
{
	free(plain);
	return 0;
}

static uint8_t *zstd_of(const uint8_t *in, size_t n, size_t *out_len, bool content_size)
{
	size_t cap = ZSTD_compressBound(n);
	uint8_t *out = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size);
	if (content_size) {
		*out_len = ZSTD_compress2(c, out, cap, in, n);
	} else {
		/* Streaming with no pledged size: the header carries none. */
		ZSTD_inBuffer ib = { in, n, 0 };
		ZSTD_outBuffer ob = { out, cap, 0 };
		while (ZSTD_compressStream2(c, &ob, &ib, ZSTD_e_end) != 0)
			;
		*out_len = ob.pos;
	}
	ZSTD_freeCCtx(c);
	assert_false(ZSTD_isError(*out_len));
	return out;
}

static uint8_t *xz_of(const uint8_t *in, size_t n, size_t *out_len)
{
	size_t cap = lzma_stream_buffer_bound(n);
	uint8_t *out = malloc(cap);

	*out_len = 0;
	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, n, out,
						 out_len, cap), LZMA_OK);
	return out;
}

static uint8_t *gzip_of(const uint8_t *in, size_t n, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = compressBound((uLong)n) + 64;
	uint8_t *out = malloc(cap);

	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void expect_round_trip(const uint8_t *comp, size_t n, enum pmod_compression kind,
			      size_t expect_len)
{
	struct module_bytes mb;
	struct pmod_error err;

	assert_int_equal(module_bytes_from_memory(comp, n, 64u << 20, &mb, &err), 0);
	assert_int_equal(mb.compression, kind);
	assert_int_equal(mb.size, expect_len);
	assert_memory_equal(mb.data, plain, expect_len < PLAIN_SIZE ? expect_len : PLAIN_SIZE);
	module_bytes_release(&mb);
}

static void expect_failure(const uint8_t *comp, size_t n, size_t cap, int code,
			   const char *text_part)
{
	struct module_bytes mb;
	struct pmod_error err = { 0 };

	assert_int_equal(module_bytes_from_memory(comp, n, cap, &mb, &err), code);
	assert_int_equal(err.code, code);
	if (strstr(err.text, text_part) == NULL)
		fail_msg("error '%s' lacks '%s'", err.text, text_part);
}

static void round_trips(void **state)
{
	size_t n;
	uint8_t *c;

	c = zstd_of(plain, PLAIN_SIZE, &n, true);
	expect_round_trip(c, n, PMOD_COMPRESSION_ZSTD, PLAIN_SIZE);
	free(c);
	c = zstd_of(plain, PLAIN_SIZE, &n, false);	/* kmod 30 refuses this one */
	expect_round_trip(c, n, PMOD_COMPRESSION_ZSTD, PLAIN_SIZE);
	free(c);
	c = xz_of(plain, PLAIN_SIZE, &n);
	expect_round_trip(c, n, PMOD_COMPRESSION_XZ, PLAIN_SIZE);
	free(c);
	c = gzip_of(plain, PLAIN_SIZE, &n);
	expect_round_trip(c, n, PMOD_COMPRESSION_GZIP, PLAIN_SIZE);
	free(c);
	/* Not compressed: the same bytes, not copied. */
	{
		struct module_bytes mb;
		assert_int_equal(module_bytes_from_memory(plain, 100, 1000, &mb, NULL), 0);
		assert_int_equal(mb.compression, PMOD_COMPRESSION_NONE);
		assert_ptr_equal(mb.data, plain);
		module_bytes_release(&mb);
	}
}

static void detection_is_by_magic(void **state)
{
	assert_int_equal(module_bytes_detect((const uint8_t *)"\x28\xb5\x2f\xfd", 4),
			 PMOD_COMPRESSION_ZSTD);
	assert_int_equal(module_bytes_detect((const uint8_t *)"\xfd" "7zXZ\0", 6),
			 PMOD_COMPRESSION_XZ);
	assert_int_equal(module_bytes_detect((const uint8_t *)"\xfd" "7zXZ", 5),
			 PMOD_COMPRESSION_NONE);	/* too short to be xz */
	assert_int_equal(module_bytes_detect((const uint8_t *)"\x1f\x8b", 2),
			 PMOD_COMPRESSION_GZIP);
	assert_int_equal(module_bytes_detect((const uint8_t *)"\x7f" "ELF", 4),
			 PMOD_COMPRESSION_NONE);
}

static void concatenated_streams(void **state)
{
	size_t n1, n2;
	uint8_t *a = xz_of(plain, 1000, &n1), *b = xz_of(plain + 1000, 2000, &n2);
	uint8_t *both = malloc(n1 + n2);

	memcpy(both, a, n1);
	memcpy(both + n1, b, n2);
	expect_round_trip(both, n1 + n2, PMOD_COMPRESSION_XZ, 3000);
	free(a); free(b); free(both);

	a = gzip_of(plain, 1000, &n1);
	b = gzip_of(plain + 1000, 2000, &n2);
	both = malloc(n1 + n2);
	memcpy(both, a, n1);
	memcpy(both + n1, b, n2);
	expect_round_trip(both, n1 + n2, PMOD_COMPRESSION_GZIP, 3000);
	free(a); free(b); free(both);
}

static void bombs_stop_at_the_cap(void **state)
{
	size_t n;
	uint8_t *c;

	c = zstd_of(plain, PLAIN_SIZE, &n, true);
	expect_failure(c, n, 1u << 20, -EFBIG, "limit");	/* refused from the header */
	free(c);
	c = zstd_of(plain, PLAIN_SIZE, &n, false);
	expect_failure(c, n, 1u << 20, -EFBIG, "limit");	/* refused while inflating */
	free(c);
	c = xz_of(plain, PLAIN_SIZE, &n);
	expect_failure(c, n, 1u << 20, -EFBIG, "limit");
	free(c);
	c = gzip_of(plain, PLAIN_SIZE, &n);
	expect_failure(c, n, 1u << 20, -EFBIG, "limit");
	free(c);
	/* Exactly at the cap is fine. */
	c = gzip_of(plain, 1u << 20, &n);
	{
		struct module_bytes mb;
		assert_int_equal(module_bytes_from_memory(c, n, 1u << 20, &mb, NULL), 0);
		assert_int_equal(mb.size, 1u << 20);
		module_bytes_release(&mb);
	}
	free(c);
}

static void truncated_streams(void **state)
{
	uint8_t *(*makers[3])(const uint8_t *, size_t, size_t *) = { xz_of, gzip_of, NULL };
	size_t n;
	uint8_t *c;

	for (int m = 0; m < 3; m++) {
		c = makers[m] ? makers[m](plain, 200000, &n) : zstd_of(plain, 200000, &n, m == 2);
		for (size_t cut = n - 1; cut > 8; cut = cut * 2 / 3) {
			struct module_bytes mb;
			struct pmod_error err = { 0 };
			/* An exact-size copy so that an overread is caught. */
			uint8_t *t = malloc(cut);

			memcpy(t, c, cut);
			assert_true(module_bytes_from_memory(t, cut, 64u << 20, &mb, &err) < 0);
			assert_true(err.text[0] != '\0');
			free(t);
		}
		free(c);
	}
	/* zstd without a size in its header, cut short. */
	c = zstd_of(plain, 200000, &n, false);
	expect_failure(c, n - 3, 64u << 20, -EBADMSG, "zstd");
	free(c);
}

static void garbage(void **state)
{
	size_t n;
	uint8_t *c = gzip_of(plain, 5000, &n);
	uint8_t *g = malloc(n + 4);

	memcpy(g, c, n);
	memcpy(g + n, "JUNK", 4);
	expect_failure(g, n + 4, 64u << 20, -EBADMSG, "trailing");
	c[n / 2] ^= 0xff;
	expect_failure(c, n, 64u << 20, -EBADMSG, "gzip");
	free(c);
	free(g);

	c = xz_of(plain, 5000, &n);
	c[n / 2] ^= 0xff;
	expect_failure(c, n, 64u << 20, -EBADMSG, "xz");
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips),
		cmocka_unit_test(detection_is_by_magic),
		cmocka_unit_test(concatenated_streams),
		cmocka_unit_test(bombs_stop_at_the_cap),
		cmocka_unit_test(truncated_streams),
		cmocka_unit_test(garbage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
