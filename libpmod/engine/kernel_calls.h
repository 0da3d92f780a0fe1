/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last steps of the gated path before the kernel boundary
 * (kernel_calls.c), and the module state query that shares its view of
 * built-in modules. Internal: pmod_load and pmod_unload call these after
 * the request-level gates. */
#ifndef PMOD_KERNEL_CALLS_H
#define PMOD_KERNEL_CALLS_H

#include <stdbool.h>

#include "pmod.h"
#include "record.h"

enum kernel_insert_flags {
	PMOD_INSERT_FORCE_MODVERSION = 1 << 0,	/* the kernel ignores symbol versions */
	PMOD_INSERT_FORCE_VERMAGIC = 1 << 1,	/* the kernel ignores the version magic */
};
/* Load a module file with its parameter string (NULL or "" for none),
 * after the request-level gates of pmod_load. The file is opened once and
 * decoded once (decompressed when its magic says so); the forced-load rule
 * and the signing gate judge those bytes, and the kernel gets a sealed
 * copy of exactly them (finit_module on a sealed memory file, or
 * init_module where that is not available), never the file itself nor
 * the path opened again. A file written in place while it was read is
 * refused (-ESTALE). Returns 0 or a negative errno; *kernel_answered (may
 * be NULL) says whether it is the kernel's (err explains it from the
 * bytes that were sent, explain_insert) or the file, a gate or the
 * privilege stopped it first (err says why). The load's record names the
 * signature verdict. */
int kernel_insert(struct pmod_ctx *ctx, const struct request *req, const char *path,
		  const char *params, unsigned flags, bool *kernel_answered, struct pmod_error *err);

enum kernel_remove_flags {
	/* Forced unload: only in builds with -Dforced_unload=true; elsewhere
	 * -EOPNOTSUPP before the kernel is asked. */
	PMOD_KERNEL_REMOVE_FORCE = 1 << 0,
};
/* Unload a module by name, after the request-level gates of pmod_unload:
 * the kernel's answer explained (explain_remove) and recorded. */
int kernel_remove(struct pmod_ctx *ctx, const struct request *req, const char *name,
		  unsigned flags, struct pmod_error *err);

#endif
