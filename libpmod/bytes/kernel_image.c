// SPDX-License-Identifier: LGPL-2.1-or-later
/* An x86 boot image (bzImage) starts with the real-mode setup code, whose
 * header ("HdrS" at 0x202, boot protocol 2.08 or later) says where the
 * compressed kernel lies: payload_offset and payload_length, counted from
 * the protected-mode code, which follows the setup sectors. The kernel's
 * build appends the decoded size as four bytes after an xz, zstd, lzma,
 * lzo, lz4 or bzip2 stream but not after gzip (whose trailer has it), so
 * a stream that does not decode whole is tried once more without them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "decompress.h"
#include "error.h"
#include "kernel_image.h"

#define SETUP_SECTS_AT 0x1f1
#define HEADER_MAGIC_AT 0x202
#define PROTOCOL_AT 0x206
#define PAYLOAD_OFFSET_AT 0x248
#define PAYLOAD_LENGTH_AT 0x24c
#define PROTOCOL_WITH_PAYLOAD 0x208
#define APPENDED_SIZE 4

typedef int (*decoder_fn)(const uint8_t *in, size_t in_size, size_t max_out, uint8_t **out,
			  size_t *out_size, struct pmod_error *err);

/* The payload's format by its magic; NULL with *name set for a format
 * the kernel can boot from but pmod has no library to read. */
static decoder_fn payload_decoder(const uint8_t *p, size_t n, const char **name)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *name;
		decoder_fn fn;
	} formats[] = {
		{ "\x1f\x8b", 2, "gzip", decompress_gzip },
		{ "\xfd" "7zXZ\0", 6, "xz", decompress_xz },
		{ "\x28\xb5\x2f\xfd", 4, "zstd", decompress_zstd },
		{ "\x5d\x00\x00", 3, "lzma", NULL },
		{ "BZh", 3, "bzip2", NULL },
		{ "\x02\x21\x4c\x18", 4, "lz4", NULL },
		{ "\x89LZO", 4, "lzo", NULL },
	};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (n >= formats[i].len && memcmp(p, formats[i].magic, formats[i].len) == 0) {
			*name = formats[i].name;
			return formats[i].fn;
		}
	*name = NULL;
	return NULL;
}

static int decode_payload(const uint8_t *p, size_t n, size_t max_out, uint8_t **out,
			  size_t *out_size, struct pmod_error *err)
{
	const char *name;
	decoder_fn decode = payload_decoder(p, n, &name);
	int r;

	if (decode == NULL && name != NULL)
		return pmod_fail(err, -EPROTONOSUPPORT,
				 "its kernel is compressed with %s, which pmod cannot decompress "
				 "(gzip, xz and zstd are read)", name);
	if (decode == NULL)
		return pmod_fail(err, -EBADMSG, "its payload is in no compression format known");
	r = decode(p, n, max_out, out, out_size, err);
	if (r == -EBADMSG && n > APPENDED_SIZE)
		r = decode(p, n - APPENDED_SIZE, max_out, out, out_size, err);
	if (r < 0)
		return r;
	if (*out_size < 4 || memcmp(*out, "\x7f" "ELF", 4) != 0) {
		free(*out);
		*out = NULL;
		return pmod_fail(err, -EBADMSG, "its %s payload does not decode to an ELF kernel",
				 name);
	}
	return 0;
}

int kernel_image_decode(const uint8_t *data, size_t size, size_t max_out, uint8_t **out,
			size_t *out_size, struct pmod_error *err)
{
	size_t setup_sects, start, offset, length;

	*out = NULL;
	*out_size = 0;
	if (size >= 4 && memcmp(data, "\x7f" "ELF", 4) == 0) {
		if (size > max_out)
			return pmod_fail(err, -EFBIG, "it is larger than %zu bytes", max_out);
		*out = malloc(size ? size : 1);
		if (*out == NULL)
			return pmod_fail(err, -ENOMEM, "out of memory");
		memcpy(*out, data, size);
		*out_size = size;
		return 0;
	}
	if (size < PAYLOAD_LENGTH_AT + 4 || memcmp(data + HEADER_MAGIC_AT, "HdrS", 4) != 0)
		return pmod_fail(err, -ENOEXEC, "it is neither an x86 boot image (bzImage) nor an "
				 "ELF kernel");
	if ((data[PROTOCOL_AT] | data[PROTOCOL_AT + 1] << 8) < PROTOCOL_WITH_PAYLOAD)
		return pmod_fail(err, -ENOEXEC, "its boot protocol %u.%02u is older than 2.08 and "
				 "does not say where the kernel lies", data[PROTOCOL_AT + 1],
				 data[PROTOCOL_AT]);
	setup_sects = data[SETUP_SECTS_AT] ? data[SETUP_SECTS_AT] : 4;
	start = (setup_sects + 1) * 512;
	offset = load_u32(data + PAYLOAD_OFFSET_AT, false);
	length = load_u32(data + PAYLOAD_LENGTH_AT, false);
	if (start > size || offset > size - start || length > size - start - offset ||
	    length == 0)
		return pmod_fail(err, -EBADMSG, "its header places the kernel (%zu bytes at %zu) "
				 "outside the file's %zu bytes", length, start + offset, size);
	return decode_payload(data + start + offset, length, max_out, out, out_size, err);
}
