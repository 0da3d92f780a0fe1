/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PMOD_MAPPED_FILE_H
#define PMOD_MAPPED_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "pmod.h"

/* A regular file mapped read-only. An empty file maps to data == NULL,
 * size == 0. */
struct mapped_file {
	const uint8_t *data;
	size_t size;
};

/* -ENOENT and friends from open(2); -EISDIR for a directory; -EINVAL for
 * anything else that is not a regular file (FIFOs are never opened in a
 * way that blocks). */
int mapped_file_map(const char *path, struct mapped_file *out, struct pmod_error *err);
/* The same for a file already open (the mapping outlives fd). */
int mapped_file_map_fd(int fd, struct mapped_file *out, struct pmod_error *err);
void mapped_file_unmap(struct mapped_file *mf);

#endif
