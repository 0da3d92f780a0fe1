/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Writing files whole: what depmod's outputs, the trust store's kernel
 * keys and the sealed image the kernel receives all need. */
#ifndef PMOD_FILE_WRITE_H
#define PMOD_FILE_WRITE_H

#include <stddef.h>

/* Every byte written (short writes continued, EINTR retried); 0 or a
 * negative errno (-EIO if the file takes nothing more). */
int file_write_all(int fd, const void *data, size_t size);

/* The directory path and its parents, mode 0755, each made if missing.
 * The first `existing` characters name a directory that must already be
 * there (a root the caller was given): nothing up to it is made. 0 or a
 * negative errno (-ENAMETOOLONG for a path beyond PATH_MAX). */
int file_make_dirs(const char *path, size_t existing);

#endif
