// SPDX-License-Identifier: LGPL-2.1-or-later
/* Name lookup through a module directory's indexes alone: the walk of
 * resolve.c without configuration, as modinfo sees names; and one
 * module's line of modules.dep, as libkmod's callers see it. */
#include <errno.h>
#include <stdlib.h>

#include "error.h"
#include "resolve.h"

int pmod_lookup(struct pmod_ctx *ctx, const char *request, unsigned flags,
		struct pmod_found **found, size_t *count, struct pmod_error *err)
{
	struct pmod_resolved *walked;
	struct pmod_found *out = NULL;
	size_t n;
	int r;

	r = resolve_walk(ctx, NULL, request, flags & PMOD_LOOKUP_NAME_ONLY, &walked, &n, err);
	if (r < 0)
		return r;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL) {
		pmod_resolved_free(walked, n);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	/* The names and paths change hands; what it was reached through is
	 * not part of this view. */
	for (size_t i = 0; i < n; i++) {
		out[i].name = walked[i].name;
		out[i].path = walked[i].path;
		out[i].builtin = walked[i].builtin;
		free(walked[i].alias);
	}
	free(walked);
	*found = out;
	*count = n;
	return 0;
}

void pmod_found_free(struct pmod_found *found, size_t count)
{
	for (size_t i = 0; found && i < count; i++) {
		free(found[i].name);
		free(found[i].path);
	}
	free(found);
}

int pmod_module_dependencies(struct pmod_ctx *ctx, const char *name, char **path,
			     struct pmod_found **deps, size_t *count, struct pmod_error *err)
{
	struct pmod_resolved *walked;
	struct pmod_found *out = NULL;
	char *own_path = NULL;
	size_t n;
	int r;

	r = resolve_dep_path(ctx, name, &own_path, err);
	if (r <= 0)
		return r;
	r = resolve_dependencies(ctx, name, &walked, &n, err);
	if (r < 0) {
		free(own_path);
		return r;
	}
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL) {
		pmod_resolved_free(walked, n);
		free(own_path);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	/* A dependency is reached by its file, never through an alias. */
	for (size_t i = 0; i < n; i++) {
		out[i].name = walked[i].name;
		out[i].path = walked[i].path;
		free(walked[i].alias);
	}
	free(walked);
	*path = own_path;
	*deps = out;
	*count = n;
	return 1;
}
