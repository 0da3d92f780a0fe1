/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What name lookup, probe and remove need from resolution besides the
 * public calls. */
#ifndef PMOD_RESOLVE_H
#define PMOD_RESOLVE_H

#include <stdbool.h>

#include "context.h"

/* The module's file from modules.dep.bin: 1 and *path (malloc'ed), 0 when
 * the name is not there, < 0 for a corrupt index. */
int resolve_dep_path(struct pmod_ctx *ctx, const char *name, char **path,
		     struct pmod_error *err);

/* A key of modules.builtin.bin: built into the kernel image. A corrupt
 * index answers "no" here: being built in only changes how a module that
 * is already known is treated. */
static inline bool resolve_is_builtin(struct pmod_ctx *ctx, const char *name)
{
	return ctx_builtin_has(ctx, name, NULL) > 0;
}

/* The one walk from a request to the modules it means; pmod_lookup and
 * pmod_resolve are views of it. The first step that yields anything wins:
 *   config aliases (cfg only), modules.dep (names without ':'),
 *   modules.symbols ("symbol:" requests), install/remove commands (cfg
 *   only), modules.alias, modules.builtin, modules.builtin.alias.
 * cfg NULL: the indexes alone. name_only: never aliases or symbols. A
 * missing or empty index is "no match"; a corrupt one is an error.
 * *found: pmod_resolved_free. */
int resolve_walk(struct pmod_ctx *ctx, const struct pmod_config *cfg, const char *request,
		 bool name_only, struct pmod_resolved **found, size_t *count,
		 struct pmod_error *err);

/* A module file given by path: its name from the file name, the file as
 * given (made absolute). */
int resolve_path(struct pmod_ctx *ctx, const char *path, struct pmod_resolved **found,
		 struct pmod_error *err);

/* The modules a module needs (modules.dep), in load order: the most
 * fundamental first. *deps: pmod_resolved_free. */
int resolve_dependencies(struct pmod_ctx *ctx, const char *name, struct pmod_resolved **deps,
			 size_t *count, struct pmod_error *err);

#endif
