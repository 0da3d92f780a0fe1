/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Kernel errors in words a person can act on (kernel_errors.c): what the
 * gated path puts in its error after the kernel refused a load or an
 * unload, and the in-use sentence the unload checks share. */
#ifndef PMOD_KERNEL_ERRORS_H
#define PMOD_KERNEL_ERRORS_H

#include <stddef.h>

#include "pmod.h"

/* Who holds a module in use, to follow "Module NAME is in use": " by: a b
 * (refcount 2)" when modules hold it, " (refcount 1: open files, devices or
 * mounts hold it)" otherwise. Always NUL-terminated, cut to size. */
void describe_usage(const struct pmod_loaded_module *usage, char *buf, size_t size);

/* Words a person can act on for a kernel error, one sentence without the
 * module name: EEXIST already loaded, ENOENT unknown symbol or parameter
 * (and where to look), EAGAIN/EBUSY in use (holders and refcount), EINVAL
 * which parameter, ENOEXEC format or vermagic, EKEYREJECTED/ENOKEY
 * signature, EPERM privilege or lockdown. data and size are the module
 * bytes the kernel was sent (decoded; NULL when there are none to read):
 * what is said about the module is read from them, never from its path,
 * which may name another file by now. params are the ones that were
 * passed. */
void explain_insert(struct pmod_ctx *ctx, const void *data, size_t size, const char *params,
		    int error, struct pmod_error *err);
void explain_remove(struct pmod_ctx *ctx, const char *name, int error, struct pmod_error *err);

#endif
