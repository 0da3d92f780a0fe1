/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Built-in modules: which names modules.builtin.bin lists. The one test of
 * "is this module built into the kernel image", shared by name lookup,
 * modprobe's resolution and the kernel state queries. */
#ifndef PMOD_BUILTIN_MODINFO_H
#define PMOD_BUILTIN_MODINFO_H

#include "context.h"

/* 1 when name is a key of modules.builtin.bin, 0 when it is not or the
 * index is missing or empty, < 0 (err filled) when the index is corrupt:
 * each caller decides whether that stops it. */
int builtin_index_has(struct pmod_ctx *ctx, const char *name, struct pmod_error *err);

#endif
