/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the rest of the compatibility layer needs of a kmod_ctx: the
 * libpmod context and configuration that answer for it, its module pool,
 * and its log. */
#ifndef PMOD_LIBKMOD_CONTEXT_H
#define PMOD_LIBKMOD_CONTEXT_H

#include <pmod.h>

#include "libkmod.h"
#include "module_pool.h"
#include "resources.h"

struct pmod_ctx *ctx_pmod(const struct kmod_ctx *ctx);
/* modprobe.d, modules.softdep and the kernel command line, read once by
 * kmod_new as kmod does; owned by the context. */
const struct pmod_config *ctx_config(const struct kmod_ctx *ctx);
struct module_pool *ctx_pool(const struct kmod_ctx *ctx);
/* What kmod_validate_resources compares against (resources.c). */
struct resource_stamps *ctx_stamps(const struct kmod_ctx *ctx);

/* A message for the caller's log function, when priority passes the
 * context's log priority. */
void ctx_log_message(const struct kmod_ctx *ctx, int priority, const char *function,
		     const char *format, ...) __attribute__((format(printf, 4, 5)));

#endif
