/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A module file opened once for a load and decoded once. The signing gate
 * judges the bytes read (and decompressed) from this descriptor, and the
 * kernel boundary hands the kernel a sealed copy of those same bytes,
 * never the descriptor: a path replaced, or a file written, between the
 * verdict and the load cannot bring in code that was never judged.
 * Opening the path a second time anywhere on the way from gate to kernel
 * would reopen that hole. */
#ifndef PMOD_MODULE_FILE_H
#define PMOD_MODULE_FILE_H

#include <stdbool.h>
#include <sys/stat.h>

#include "module_bytes.h"
#include "pmod.h"

struct module_file {
	int fd;				/* -1 when not open */
	const char *path;		/* the caller's; for messages and records */
	struct stat st;			/* at open: identity and times */
	enum pmod_compression compression;	/* by magic */
	bool bytes_ready;
	struct module_bytes bytes;	/* decoded from fd on first use */
};

/* open(O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), a regular file, its
 * format from the magic. A negative errno with err saying why. */
int module_file_open(struct module_file *mf, const char *path, struct pmod_error *err);
/* The module as the kernel will see it, decompressed, read from fd (so
 * never from whatever the path names now). Cached: every caller gets the
 * same bytes. */
int module_file_bytes(struct module_file *mf, size_t max_size, const struct module_bytes **bytes,
		      struct pmod_error *err);
/* -ESTALE when the open file was written in place since it was opened
 * (size, mtime or ctime moved): the bytes read may be part one file and
 * part another, which nobody meant to load. Not what keeps unjudged bytes
 * out of the kernel (the kernel gets a copy of the bytes judged); a
 * path renamed over or unlinked is not a change. */
int module_file_check_unchanged(const struct module_file *mf, struct pmod_error *err);
void module_file_close(struct module_file *mf);

#endif
