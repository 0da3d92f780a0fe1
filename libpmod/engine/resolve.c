// SPDX-License-Identifier: LGPL-2.1-or-later
/* From a name to the modules it means. One walk serves both modinfo's
 * index-only lookup and modprobe's resolution: configuration aliases come
 * first, so that they can shadow real names, then the indexes, with the
 * install/remove commands in between; the first source that yields
 * anything wins. That is the order kmod follows, and both tools must
 * agree with it and with each other. */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "growable_array.h"
#include "modprobe_config.h"
#include "resolve.h"

struct resolved_list {
	struct pmod_resolved *items;
	size_t count, cap;
};

static int list_add(struct resolved_list *l, const char *name, char *path, const char *alias,
		    bool builtin, struct pmod_error *err)
{
	struct pmod_resolved *m;

	if (growable_array_reserve(&l->items, &l->cap, l->count + 1, sizeof(*l->items)) < 0) {
		free(path);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	m = &l->items[l->count];
	m->name = strdup(name);
	m->path = path;		/* taken over */
	m->alias = alias ? strdup(alias) : NULL;
	m->builtin = builtin;
	if (m->name == NULL || (alias && m->alias == NULL)) {
		free(m->name);
		free(m->path);
		free(m->alias);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	l->count++;
	return 0;
}

static int dep_line(struct pmod_ctx *ctx, const char *name, const char **line,
		    struct pmod_error *err)
{
	struct index_reader *idx;
	int r;

	r = ctx_index(ctx, CTX_INDEX_DEP, &idx, err);
	if (r < 0 || idx == NULL)
		return r;
	r = index_reader_lookup(idx, name, line, err);
	if (r == -ENODATA)
		return 0;
	return r < 0 ? r : 1;
}

/* A module path of modules.dep, relative to the module directory unless
 * absolute (depmod's external directories). */
static char *module_path(struct pmod_ctx *ctx, const char *rel, size_t len)
{
	const char *dir;
	size_t dlen;
	char *path;

	if (rel[0] == '/')
		return strndup(rel, len);
	/* Joined by copying (asprintf's formatting costs more than the rest
	 * of a path's handling, for every module of a chain). */
	dir = pmod_ctx_module_dir(ctx);
	dlen = strlen(dir);
	len = strnlen(rel, len);
	path = malloc(dlen + 1 + len + 1);
	if (path == NULL)
		return NULL;
	memcpy(path, dir, dlen);
	path[dlen] = '/';
	memcpy(path + dlen + 1, rel, len);
	path[dlen + 1 + len] = '\0';
	return path;
}

int resolve_dep_path(struct pmod_ctx *ctx, const char *name, char **path,
		     struct pmod_error *err)
{
	const char *line, *colon;
	int r;

	r = dep_line(ctx, name, &line, err);
	if (r <= 0)
		return r;
	colon = strchr(line, ':');
	if (colon == NULL || colon == line)
		return pmod_fail(err, -EBADMSG, "modules.dep.bin entry for %s has no path", name);
	*path = module_path(ctx, line, (size_t)(colon - line));
	if (*path == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	return 1;
}

/* A module reached by name through an alias: its file if modules.dep has
 * it, otherwise maybe built in. */
static int add_named(struct pmod_ctx *ctx, struct resolved_list *l, const char *name,
		     const char *alias, struct pmod_error *err)
{
	char *path = NULL;
	int r;

	r = resolve_dep_path(ctx, name, &path, err);
	if (r < 0)
		return r;
	return list_add(l, name, path, alias, r == 0 && resolve_is_builtin(ctx, name), err);
}

static int from_config_aliases(struct pmod_ctx *ctx, const struct pmod_config *cfg,
			       const char *key, struct resolved_list *l, struct pmod_error *err)
{
	const struct config_entry *a = cfg ? cfg->entries[PMOD_CONFIG_ALIAS] : NULL;
	int r = 0;

	for (size_t i = 0; cfg && i < cfg->count[PMOD_CONFIG_ALIAS] && r == 0; i++)
		if (fnmatch(a[i].pub.name, key, 0) == 0)
			r = add_named(ctx, l, a[i].pub.value, a[i].pub.name, err);
	return r;
}

static int from_wild_index(struct pmod_ctx *ctx, enum ctx_index which, const char *key,
			   bool builtin, struct resolved_list *l, struct pmod_error *err)
{
	struct index_reader *idx;
	struct index_value *values;
	size_t n;
	int r;

	r = ctx_index(ctx, which, &idx, err);
	if (r < 0 || idx == NULL)
		return r;
	r = index_reader_search(idx, key, &values, &n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (builtin)
			r = list_add(l, values[i].value, NULL, key, true, err);
		else
			r = add_named(ctx, l, values[i].value, key, err);
	}
	free(values);
	return r;
}

/* A name that only install or remove lines know: matched exactly, not as
 * a pattern. */
static int from_commands(const struct pmod_config *cfg, const char *key,
			 struct resolved_list *l, struct pmod_error *err)
{
	static const enum pmod_config_kind kinds[] = { PMOD_CONFIG_INSTALL, PMOD_CONFIG_REMOVE };

	for (size_t k = 0; cfg && k < 2; k++)
		for (size_t i = 0; i < cfg->count[kinds[k]]; i++)
			if (strcmp(cfg->entries[kinds[k]][i].pub.name, key) == 0)
				return list_add(l, key, NULL, NULL, false, err);
	return 0;
}

int resolve_walk(struct pmod_ctx *ctx, const struct pmod_config *cfg, const char *request,
		 bool name_only, struct pmod_resolved **found, size_t *count,
		 struct pmod_error *err)
{
	struct resolved_list l = { 0 };
	char key[PATH_MAX];
	char *path = NULL;
	int r;

	r = pmod_alias_normalize(request, key, sizeof(key));
	if (r == -EINVAL)
		return pmod_fail(err, r, "unbalanced bracket in '%s'", request);
	if (r < 0)
		return pmod_fail(err, r, "name too long");

	r = from_config_aliases(ctx, cfg, key, &l, err);
	if (r == 0 && l.count == 0 && strchr(key, ':') == NULL) {
		r = resolve_dep_path(ctx, key, &path, err);
		if (r > 0)
			r = list_add(&l, key, path, NULL, false, err);
	}
	if (r >= 0 && l.count == 0 && !name_only && strncmp(key, "symbol:", 7) == 0)
		r = from_wild_index(ctx, CTX_INDEX_SYMBOLS, key, false, &l, err);
	if (r >= 0 && l.count == 0)
		r = from_commands(cfg, key, &l, err);
	if (r >= 0 && l.count == 0 && !name_only)
		r = from_wild_index(ctx, CTX_INDEX_ALIAS, key, false, &l, err);
	if (r >= 0 && l.count == 0) {
		r = ctx_builtin_has(ctx, key, err);
		if (r > 0)
			r = list_add(&l, key, NULL, NULL, true, err);
	}
	if (r >= 0 && l.count == 0)
		r = from_wild_index(ctx, CTX_INDEX_BUILTIN_ALIAS, key, true, &l, err);
	if (r < 0) {
		pmod_resolved_free(l.items, l.count);
		return r;
	}
	*found = l.items;
	*count = l.count;
	return 0;
}

int pmod_resolve(struct pmod_ctx *ctx, const struct pmod_config *cfg, const char *request,
		 struct pmod_resolved **found, size_t *count, struct pmod_error *err)
{
	return resolve_walk(ctx, cfg, request, false, found, count, err);
}

int resolve_path(struct pmod_ctx *ctx, const char *path, struct pmod_resolved **found,
		      struct pmod_error *err)
{
	struct resolved_list l = { 0 };
	char name[NAME_MAX + 1], cwd[PATH_MAX];
	char *abs;
	int r;

	(void)ctx;
	if (pmod_module_name(path, name, sizeof(name)) <= 0)
		return pmod_fail(err, -EINVAL, "'%s' does not name a module file", path);
	if (path[0] == '/') {
		abs = strdup(path);
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return pmod_fail(err, -errno, "cannot find the working directory");
		if (asprintf(&abs, "%s/%s", cwd, path) < 0)
			abs = NULL;
	}
	if (abs == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	r = list_add(&l, name, abs, NULL, false, err);
	if (r < 0)
		return r;
	*found = l.items;
	return 0;
}

void pmod_resolved_free(struct pmod_resolved *found, size_t count)
{
	for (size_t i = 0; found && i < count; i++) {
		free(found[i].name);
		free(found[i].path);
		free(found[i].alias);
	}
	free(found);
}

int resolve_dependencies(struct pmod_ctx *ctx, const char *name,
			     struct pmod_resolved **deps, size_t *count, struct pmod_error *err)
{
	struct resolved_list l = { 0 };
	const char *line, *p, *end;
	char dep_name[NAME_MAX + 1];
	int r;

	*deps = NULL;
	*count = 0;
	r = dep_line(ctx, name, &line, err);
	if (r <= 0)
		return r;
	p = strchr(line, ':');
	if (p == NULL)
		return pmod_fail(err, -EBADMSG, "modules.dep.bin entry for %s has no path", name);
	/* The line lists the dependencies from the nearest to the most
	 * fundamental; load order is the reverse. Walk it backwards. */
	end = p + strlen(p);
	while (end > p + 1 && r >= 0) {
		const char *start = end;
		char *path;

		while (start > p + 1 && start[-1] != ' ' && start[-1] != '\t')
			start--;
		if (start < end) {
			size_t len = (size_t)(end - start);
			char tmp[PATH_MAX];

			if (len >= sizeof(tmp)) {
				r = pmod_fail(err, -ENAMETOOLONG, "dependency path of %s is too long", name);
				break;
			}
			memcpy(tmp, start, len);
			tmp[len] = '\0';
			if (pmod_module_name(tmp, dep_name, sizeof(dep_name)) <= 0) {
				r = pmod_fail(err, -EBADMSG, "bad dependency '%s' of %s", tmp, name);
				break;
			}
			path = module_path(ctx, start, len);
			r = path ? list_add(&l, dep_name, path, NULL, false, err) :
				   pmod_fail(err, -ENOMEM, "out of memory");
		}
		end = start;
		while (end > p + 1 && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
	}
	if (r < 0) {
		pmod_resolved_free(l.items, l.count);
		return r;
	}
	*deps = l.items;
	*count = l.count;
	return 0;
}

struct dump_adapter {
	pmod_index_fn fn;
	void *data;
};

static int dump_one(void *data, const char *key, const char *value)
{
	struct dump_adapter *a = data;

	return a->fn(a->data, key, value);
}

int pmod_index_dump(struct pmod_ctx *ctx, enum pmod_index which, pmod_index_fn fn,
		    void *data, struct pmod_error *err)
{
	struct dump_adapter a = { fn, data };
	struct index_reader *idx;
	int r;

	if ((unsigned)which >= CTX_INDEX_COUNT)
		return pmod_fail(err, -EINVAL, "no such index");
	r = ctx_index(ctx, (enum ctx_index)which, &idx, err);
	if (r < 0 || idx == NULL)
		return r;
	return index_reader_dump(idx, dump_one, &a, err);
}
