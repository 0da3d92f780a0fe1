// SPDX-License-Identifier: LGPL-2.1-or-later
/* Name resolution through a module directory's indexes, in kmod's order:
 * the first source that yields anything wins (kmod-facts §7.1). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "error.h"

struct found_list {
	struct pmod_found *items;
	size_t count, cap;
};

static int found_add(struct found_list *l, const char *name, const char *path, bool builtin,
		     struct pmod_error *err)
{
	struct pmod_found *f;

	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;

		f = realloc(l->items, cap * sizeof(*f));
		if (f == NULL)
			return pmod_fail(err, -ENOMEM, "out of memory");
		l->items = f;
		l->cap = cap;
	}
	f = &l->items[l->count];
	f->name = strdup(name);
	f->path = path ? strdup(path) : NULL;
	f->builtin = builtin;
	if (f->name == NULL || (path && f->path == NULL)) {
		free(f->name);
		free(f->path);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	l->count++;
	return 0;
}

/* The module file named by a modules.dep line ("rel/path.ko: deps..."). */
static int path_from_depline(struct pmod_ctx *ctx, const char *name, const char *line,
			     char *path, size_t size, struct pmod_error *err)
{
	const char *colon = strchr(line, ':');
	size_t len;
	int n;

	if (colon == NULL || colon == line)
		return pmod_fail(err, -EBADMSG, "modules.dep.bin entry for %s has no path", name);
	len = (size_t)(colon - line);
	if (line[0] == '/')
		n = snprintf(path, size, "%.*s", (int)len, line);
	else
		n = snprintf(path, size, "%s/%.*s", pmod_ctx_module_dir(ctx), (int)len, line);
	if (n < 0 || (size_t)n >= size)
		return pmod_fail(err, -ENAMETOOLONG, "path of %s is too long", name);
	return 0;
}

/* Find a module by name in modules.dep.bin: 1 found, 0 not, < 0 error. */
static int dep_path(struct pmod_ctx *ctx, const char *name, char *path, size_t size,
		    struct pmod_error *err)
{
	struct index_reader *idx;
	const char *line;
	int r;

	r = ctx_index(ctx, CTX_INDEX_DEP, &idx, err);
	if (r < 0 || idx == NULL)
		return r;
	r = index_reader_lookup(idx, name, &line, err);
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	r = path_from_depline(ctx, name, line, path, size, err);
	return r < 0 ? r : 1;
}

static int from_dep(struct pmod_ctx *ctx, const char *name, struct found_list *l,
		    struct pmod_error *err)
{
	char path[PATH_MAX];
	int r;

	if (strchr(name, ':') != NULL)
		return 0;
	r = dep_path(ctx, name, path, sizeof(path), err);
	if (r <= 0)
		return r;
	return found_add(l, name, path, false, err);
}

/* Wildcard index whose values are module names. */
static int from_wild_index(struct pmod_ctx *ctx, enum ctx_index which, const char *key,
			   bool builtin, struct found_list *l, struct pmod_error *err)
{
	struct index_reader *idx;
	struct index_value *values;
	char path[PATH_MAX];
	size_t n;
	int r;

	r = ctx_index(ctx, which, &idx, err);
	if (r < 0 || idx == NULL)
		return r;
	r = index_reader_search(idx, key, &values, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		int found = 0;

		if (!builtin) {
			found = dep_path(ctx, values[i].value, path, sizeof(path), err);
			if (found < 0) {
				r = found;
				break;
			}
		}
		r = found_add(l, values[i].value, found ? path : NULL, builtin, err);
	}
	free(values);
	return r;
}

static int from_builtin(struct pmod_ctx *ctx, const char *name, struct found_list *l,
			struct pmod_error *err)
{
	struct index_reader *idx;
	const char *value;
	int r;

	r = ctx_index(ctx, CTX_INDEX_BUILTIN, &idx, err);
	if (r < 0 || idx == NULL)
		return r;
	r = index_reader_lookup(idx, name, &value, err);
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	return found_add(l, name, NULL, true, err);
}

int pmod_lookup(struct pmod_ctx *ctx, const char *request, unsigned flags,
		struct pmod_found **found, size_t *count, struct pmod_error *err)
{
	struct found_list l = { 0 };
	char key[PATH_MAX];
	bool name_only = flags & PMOD_LOOKUP_NAME_ONLY;
	int r;

	r = pmod_alias_normalize(request, key, sizeof(key));
	if (r == -EINVAL)
		return pmod_fail(err, r, "unbalanced bracket in '%s'", request);
	if (r < 0)
		return pmod_fail(err, r, "name too long");

	r = from_dep(ctx, key, &l, err);
	if (r >= 0 && l.count == 0 && !name_only && strncmp(key, "symbol:", 7) == 0)
		r = from_wild_index(ctx, CTX_INDEX_SYMBOLS, key, false, &l, err);
	if (r >= 0 && l.count == 0 && !name_only)
		r = from_wild_index(ctx, CTX_INDEX_ALIAS, key, false, &l, err);
	if (r >= 0 && l.count == 0)
		r = from_builtin(ctx, key, &l, err);
	if (r >= 0 && l.count == 0)
		r = from_wild_index(ctx, CTX_INDEX_BUILTIN_ALIAS, key, true, &l, err);
	if (r < 0) {
		pmod_found_free(l.items, l.count);
		return r;
	}
	*found = l.items;
	*count = l.count;
	return 0;
}

void pmod_found_free(struct pmod_found *found, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(found[i].name);
		free(found[i].path);
	}
	free(found);
}
