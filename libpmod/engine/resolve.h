/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What probe and remove need from resolution besides the public calls. */
#ifndef PMOD_RESOLVE_H
#define PMOD_RESOLVE_H

#include <stdbool.h>

#include "context.h"

/* The module's file from modules.dep.bin: 1 and *path (malloc'ed), 0 when
 * the name is not there, < 0 for a corrupt index. */
int resolve_dep_path(struct pmod_ctx *ctx, const char *name, char **path,
		     struct pmod_error *err);

/* A key of modules.builtin.bin: built into the kernel image. */
bool resolve_is_builtin(struct pmod_ctx *ctx, const char *name);

#endif
