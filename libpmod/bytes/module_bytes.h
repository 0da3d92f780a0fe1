/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bytes in: a module file as one immutable byte range, decompressed when
 * its magic says it is compressed (never judged by its name). */
#ifndef PMOD_MODULE_BYTES_H
#define PMOD_MODULE_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "mapped_file.h"
#include "pmod.h"

struct module_bytes {
	const uint8_t *data;
	size_t size;
	enum pmod_compression compression;
	struct mapped_file map;		/* the file as it is on disk */
	uint8_t *decompressed;		/* owned when compression != NONE */
	uint8_t *owned;			/* an uncompressed file read from an fd */
};

/* A buffer one thread reuses from file to file. */
struct byte_buffer {
	uint8_t *data;
	size_t cap;
};

enum pmod_compression module_bytes_detect(const uint8_t *data, size_t size);
/* Like module_bytes_open, but an uncompressed file is read into scratch
 * (which must outlive out) instead of being mapped: a thread that reads
 * thousands of modules while others do the same pays less for a copy than
 * for mapping and unmapping (each munmap interrupts every other CPU). */
int module_bytes_read(const char *path, size_t max_size, struct byte_buffer *scratch,
		      struct module_bytes *out, struct pmod_error *err);
int module_bytes_open(const char *path, size_t max_size, struct module_bytes *out,
		      struct pmod_error *err);
/* A file already open, read into memory (not mapped): what is decoded is
 * what fd holds, whatever its path names by now. */
int module_bytes_open_fd(int fd, size_t max_size, struct module_bytes *out,
			 struct pmod_error *err);
/* data must outlive out unless it is compressed (then it is decoded). */
int module_bytes_from_memory(const void *data, size_t size, size_t max_size,
			     struct module_bytes *out, struct pmod_error *err);
void module_bytes_release(struct module_bytes *mb);

#endif
