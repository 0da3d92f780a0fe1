// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module: one module as libkmod's callers see it. Everything is
 * learnt from libpmod on first use and kept, as kmod does, so that a
 * module's answers do not change while a caller holds it. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>

#include "context.h"
#include "list.h"
#include "module.h"
#include "module_pool.h"

enum builtin_state { BUILTIN_UNKNOWN, BUILTIN_NO, BUILTIN_YES };

struct kmod_module {
	struct pool_entry pool;		/* keyed by hashkey */
	struct kmod_ctx *ctx;
	int refcount;
	char *name;
	char *alias;			/* what it was found through; NULL by name */
	char *hashkey;			/* name, or "name\alias" */
	char *path;
	/* modules.dep has been read for it (and its dependencies made). */
	bool dep_known;
	struct kmod_list *deps;
	bool options_known;
	char *options;
	bool install_known;
	const char *install;
	bool remove_known;
	const char *remove;
	enum builtin_state builtin;
};

static struct kmod_module *from_pool_entry(struct pool_entry *e)
{
	return (struct kmod_module *)((char *)e - offsetof(struct kmod_module, pool));
}

int module_new(struct kmod_ctx *ctx, const char *name, const char *alias,
	       struct kmod_module **out)
{
	struct kmod_module *mod;
	struct pool_entry *known;
	size_t name_len = strlen(name), alias_len = alias ? strlen(alias) : 0;
	char *key;

	/* NAME, or NAME\ALIAS: copied, not printed (one per module object,
	 * and a lookup or a probe makes one for every module it names). */
	key = malloc(name_len + (alias ? 1 + alias_len : 0) + 1);
	if (key == NULL)
		return -ENOMEM;
	memcpy(key, name, name_len);
	if (alias) {
		key[name_len] = '\\';
		memcpy(key + name_len + 1, alias, alias_len);
	}
	key[name_len + (alias ? 1 + alias_len : 0)] = '\0';
	known = module_pool_find(ctx_pool(ctx), key);
	if (known != NULL) {
		free(key);
		*out = kmod_module_ref(from_pool_entry(known));
		return 0;
	}
	mod = calloc(1, sizeof(*mod));
	if (mod == NULL || (mod->name = strdup(name)) == NULL ||
	    (alias != NULL && (mod->alias = strdup(alias)) == NULL)) {
		if (mod != NULL)
			free(mod->name);
		free(mod);
		free(key);
		return -ENOMEM;
	}
	mod->hashkey = key;
	mod->pool.key = key;
	mod->refcount = 1;
	mod->ctx = kmod_ref(ctx);
	module_pool_add(ctx_pool(ctx), &mod->pool);
	*out = mod;
	return 0;
}

struct kmod_ctx *module_ctx(const struct kmod_module *mod)
{
	return mod->ctx;
}

void module_set_builtin(struct kmod_module *mod, bool builtin)
{
	mod->builtin = builtin ? BUILTIN_YES : BUILTIN_NO;
}

void module_set_install_command(struct kmod_module *mod, const char *command)
{
	mod->install_known = true;
	mod->install = command;
}

void module_set_remove_command(struct kmod_module *mod, const char *command)
{
	mod->remove_known = true;
	mod->remove = command;
}

/* kmod's spelling of a module name: '-' read as '_', cut at the first
 * '.'; nothing else is changed (a '/' stays). */
static void normalize_name(const char *name, char buf[PATH_MAX])
{
	size_t i;

	for (i = 0; i < PATH_MAX - 1 && name[i] != '\0' && name[i] != '.'; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
}

int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name, struct kmod_module **mod)
{
	char normalized[PATH_MAX];

	if (ctx == NULL || name == NULL || mod == NULL)
		return -ENOENT;
	normalize_name(name, normalized);
	return module_new(ctx, normalized, NULL, mod);
}

static char *absolute_path(const char *path)
{
	char cwd[PATH_MAX];
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	return asprintf(&out, "%s/%s", cwd, path) < 0 ? NULL : out;
}

int kmod_module_new_from_path(struct kmod_ctx *ctx, const char *path, struct kmod_module **out)
{
	char name[PATH_MAX];
	struct kmod_module *mod;
	struct stat st;
	char *abs;
	int r;

	if (ctx == NULL || path == NULL || out == NULL)
		return -ENOENT;
	abs = absolute_path(path);
	if (abs == NULL)
		return -ENOMEM;
	if (stat(abs, &st) < 0) {
		r = -errno;
		free(abs);
		return r;
	}
	if (pmod_module_name(path, name, sizeof(name)) <= 0) {
		free(abs);
		return -ENOENT;
	}
	r = module_new(ctx, name, NULL, &mod);
	if (r < 0) {
		free(abs);
		return r;
	}
	if (mod->path == NULL) {
		mod->path = abs;
	} else if (strcmp(mod->path, abs) == 0) {
		free(abs);
	} else {
		ctx_log_message(ctx, LOG_ERR, __func__,
			"kmod_module '%s' already exists with different path: new-path='%s' old-path='%s'\n",
			name, abs, mod->path);
		free(abs);
		kmod_module_unref(mod);
		return -EEXIST;
	}
	mod->builtin = BUILTIN_NO;
	*out = mod;
	return 0;
}

struct kmod_module *kmod_module_ref(struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	mod->refcount++;
	return mod;
}

struct kmod_module *kmod_module_unref(struct kmod_module *mod)
{
	struct kmod_ctx *ctx;

	if (mod == NULL)
		return NULL;
	if (--mod->refcount > 0)
		return mod;
	ctx = mod->ctx;
	module_pool_remove(ctx_pool(ctx), &mod->pool);
	list_release(mod->deps, module_release);
	pmod_free(mod->options);
	free(mod->path);
	free(mod->alias);
	free(mod->name);
	free(mod->hashkey);
	free(mod);
	kmod_unref(ctx);
	return NULL;
}

const char *module_alias(const struct kmod_module *mod)
{
	return mod->alias;
}

void module_release(void *mod)
{
	kmod_module_unref(mod);
}

int kmod_module_unref_list(struct kmod_list *list)
{
	list_release(list, module_release);
	return 0;
}

struct kmod_module *kmod_module_get_module(const struct kmod_list *entry)
{
	if (entry == NULL)
		return NULL;
	return kmod_module_ref(entry->data);
}

const char *kmod_module_get_name(const struct kmod_module *mod)
{
	return mod ? mod->name : NULL;
}

/* The module's line of modules.dep: its file (kept if one is known
 * already) and its dependencies, each made from its file as kmod does.
 * When a dependency cannot be made, the module has none for now and the
 * next question asks again. */
static void read_dependencies(struct kmod_module *mod)
{
	struct pmod_error err = { 0 };
	struct pmod_found *deps = NULL;
	struct kmod_list *list = NULL;
	char *path = NULL;
	size_t count = 0;
	int r;

	r = pmod_module_dependencies(ctx_pmod(mod->ctx), mod->name, &path, &deps, &count, &err);
	if (r < 0)
		ctx_log_message(mod->ctx, LOG_ERR, __func__, "%s: %s\n", mod->name, err.text);
	if (r <= 0)
		return;
	if (mod->path == NULL && (mod->path = strdup(path)) == NULL) {
		pmod_free(path);
		pmod_found_free(deps, count);
		return;
	}
	pmod_free(path);
	for (size_t i = 0; i < count; i++) {
		struct kmod_module *dep;
		struct kmod_list *longer;

		r = kmod_module_new_from_path(mod->ctx, deps[i].path, &dep);
		if (r < 0) {
			ctx_log_message(mod->ctx, LOG_ERR, __func__, "%s: dependency %s: %s\n",
				mod->name, deps[i].path, strerror(-r));
			break;
		}
		longer = list_append(list, dep);
		if (longer == NULL) {
			kmod_module_unref(dep);
			r = -ENOMEM;
			break;
		}
		list = longer;
	}
	pmod_found_free(deps, count);
	if (r < 0) {
		kmod_module_unref_list(list);
		return;
	}
	mod->deps = list;
	mod->dep_known = true;
}

const char *kmod_module_get_path(const struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	if (mod->path == NULL && !mod->dep_known)
		read_dependencies((struct kmod_module *)mod);
	return mod->path;
}

struct kmod_list *kmod_module_get_dependencies(const struct kmod_module *mod)
{
	struct kmod_list *copy = NULL, *longer;
	const struct kmod_list *l;

	if (mod == NULL)
		return NULL;
	if (!mod->dep_known)
		read_dependencies((struct kmod_module *)mod);
	kmod_list_foreach(l, mod->deps) {
		longer = list_append(copy, l->data);
		if (longer == NULL) {
			ctx_log_message(mod->ctx, LOG_ERR, __func__, "out of memory\n");
			kmod_module_unref_list(copy);
			return NULL;
		}
		kmod_module_ref(l->data);
		copy = longer;
	}
	return copy;
}

const char *kmod_module_get_options(const struct kmod_module *mod)
{
	struct kmod_module *m = (struct kmod_module *)mod;
	char *options = NULL;

	if (mod == NULL)
		return NULL;
	if (!mod->options_known) {
		if (pmod_config_module_options(ctx_config(mod->ctx), mod->name, mod->alias,
					       &options) < 0) {
			ctx_log_message(mod->ctx, LOG_ERR, __func__, "out of memory\n");
			return NULL;
		}
		/* None configured is NULL, not "". */
		if (options[0] == '\0') {
			pmod_free(options);
			options = NULL;
		}
		m->options = options;
		m->options_known = true;
	}
	return mod->options;
}

const char *kmod_module_get_install_commands(const struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	if (!mod->install_known)
		module_set_install_command((struct kmod_module *)mod,
			pmod_config_install_command(ctx_config(mod->ctx), mod->name));
	return mod->install;
}

const char *kmod_module_get_remove_commands(const struct kmod_module *mod)
{
	if (mod == NULL)
		return NULL;
	if (!mod->remove_known)
		module_set_remove_command((struct kmod_module *)mod,
			pmod_config_remove_command(ctx_config(mod->ctx), mod->name));
	return mod->remove;
}

bool module_is_builtin(struct kmod_module *mod)
{
	if (mod->builtin == BUILTIN_UNKNOWN)
		module_set_builtin(mod, pmod_kernel_module_state(ctx_pmod(mod->ctx), mod->name) ==
					PMOD_STATE_BUILTIN);
	return mod->builtin == BUILTIN_YES;
}
