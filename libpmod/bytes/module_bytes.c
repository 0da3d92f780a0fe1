// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "decompress.h"
#include "error.h"
#include "growable_array.h"
#include "module_bytes.h"

enum pmod_compression module_bytes_detect(const uint8_t *data, size_t size)
{
	if (size >= 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0)
		return PMOD_COMPRESSION_ZSTD;
	if (size >= 6 && memcmp(data, "\xfd" "7zXZ\0", 6) == 0)
		return PMOD_COMPRESSION_XZ;
	if (size >= 2 && memcmp(data, "\x1f\x8b", 2) == 0)
		return PMOD_COMPRESSION_GZIP;
	return PMOD_COMPRESSION_NONE;
}

static int decode(struct module_bytes *mb, const uint8_t *in, size_t in_size, size_t max_size,
		  struct pmod_error *err)
{
	int r;

	mb->compression = module_bytes_detect(in, in_size);
	switch (mb->compression) {
	case PMOD_COMPRESSION_NONE:
		mb->data = in;
		mb->size = in_size;
		return 0;
	case PMOD_COMPRESSION_ZSTD:
		r = decompress_zstd(in, in_size, max_size, &mb->decompressed, &mb->size, err);
		break;
	case PMOD_COMPRESSION_XZ:
		r = decompress_xz(in, in_size, max_size, &mb->decompressed, &mb->size, err);
		break;
	case PMOD_COMPRESSION_GZIP:
		r = decompress_gzip(in, in_size, max_size, &mb->decompressed, &mb->size, err);
		break;
	default:
		r = pmod_fail(err, -EINVAL, "unknown compression");
	}
	if (r < 0)
		return r;
	mb->data = mb->decompressed;
	return 0;
}

int module_bytes_open(const char *path, size_t max_size, struct module_bytes *out,
		      struct pmod_error *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = mapped_file_map(path, &out->map, err);
	if (r < 0)
		return r;
	r = decode(out, out->map.data, out->map.size, max_size, err);
	if (r < 0) {
		module_bytes_release(out);
		return r;
	}
	/* The compressed bytes are no longer needed once decoded. */
	if (out->compression != PMOD_COMPRESSION_NONE)
		mapped_file_unmap(&out->map);
	return 0;
}

/* Read, not mapped: these bytes are about to be judged and loaded, and a
 * writer truncating the file under a mapping would kill the tool with
 * SIGBUS instead of letting it say what happened. */
int module_bytes_open_fd(int fd, size_t max_size, struct module_bytes *out,
			 struct pmod_error *err)
{
	struct stat st;
	size_t size, done = 0;
	uint8_t *buf;
	int r;

	memset(out, 0, sizeof(*out));
	if (fstat(fd, &st) < 0)
		return pmod_fail(err, -errno, "cannot stat: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pmod_fail(err, -EINVAL, "not a regular file");
	if ((uint64_t)st.st_size > max_size)
		return pmod_fail(err, -EFBIG, "file too large");
	size = (size_t)st.st_size;
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	while (done < size) {
		ssize_t n = pread(fd, buf + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			free(buf);
			return pmod_fail(err, r, "cannot read: %s", n < 0 ? strerror(-r) : "file shrank");
		}
		done += (size_t)n;
	}
	r = decode(out, buf, size, max_size, err);
	if (r < 0 || out->compression != PMOD_COMPRESSION_NONE) {
		free(buf);
		if (r < 0)
			module_bytes_release(out);
		return r;
	}
	out->owned = buf;
	return 0;
}

int module_bytes_read(const char *path, size_t max_size, struct byte_buffer *scratch,
		      struct module_bytes *out, struct pmod_error *err)
{
	struct stat st;
	size_t size, done = 0;
	int fd, r;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		return pmod_fail(err, r, "cannot open: %s", strerror(-r));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max_size) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : !S_ISREG(st.st_mode) ? -EINVAL : -EFBIG;
		close(fd);
		return pmod_fail(err, r, r == -EISDIR ? "is a directory, not a file" :
					 r == -EINVAL ? "not a regular file" : "file too large");
	}
	size = (size_t)st.st_size;
	/* Exactly the file's size: the scratch buffer is kept for the next
	 * file, and doubling would keep up to twice the largest module. */
	if (size > scratch->cap && growable_array_resize(&scratch->data, &scratch->cap, size, 1) < 0) {
		close(fd);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	while (done < size) {
		ssize_t n = pread(fd, scratch->data + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			close(fd);
			return pmod_fail(err, r, "cannot read: %s", n < 0 ? strerror(-r) : "file shrank");
		}
		done += (size_t)n;
	}
	close(fd);
	r = decode(out, scratch->data, size, max_size, err);
	if (r < 0)
		module_bytes_release(out);
	return r;
}

int module_bytes_from_memory(const void *data, size_t size, size_t max_size,
			     struct module_bytes *out, struct pmod_error *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = decode(out, data, size, max_size, err);
	if (r < 0)
		module_bytes_release(out);
	return r;
}

void module_bytes_release(struct module_bytes *mb)
{
	mapped_file_unmap(&mb->map);
	free(mb->decompressed);
	free(mb->owned);
	memset(mb, 0, sizeof(*mb));
}
