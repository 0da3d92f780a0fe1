/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkmod.h: kmod's library interface, provided by pmod.
 *
 * Programs written for kmod's libkmod.so.2 (systemd-udevd, dracut-install,
 * lspci -k, ...) build against this header and run against pmod's
 * libkmod.so.2 unchanged: the names, types, enum values, flags and
 * behaviour are kmod's. Underneath, every answer comes from libpmod.
 *
 * The interface in brief:
 *  - struct kmod_ctx, struct kmod_module: opaque and reference counted.
 *    The ref functions return their argument, the unref functions NULL
 *    once the last reference is gone (the object otherwise). Every module
 *    holds a reference to its context.
 *  - struct kmod_list: a list handed out by the library. A list is named
 *    by its first entry; walk it with kmod_list_foreach (or the _reverse
 *    form), never by following pointers.
 *  - Calls taking a pointer accept NULL and do nothing (or return NULL, or
 *    a negative errno), as kmod's do.
 *
 * Only the functions this version of the library implements are declared
 * below; doc/libkmod.md lists the ones still to come.
 */
#ifndef PMOD_LIBKMOD_H
#define PMOD_LIBKMOD_H

#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- context */

struct kmod_ctx;

/* dirname: the module directory (NULL: /lib/modules/`uname -r`; a relative
 * one is taken from the working directory). config_paths: NULL-terminated
 * files or directories of modprobe configuration; NULL for the standard
 * modprobe.d directories, an empty array for none. NULL on failure. */
struct kmod_ctx *kmod_new(const char *dirname, const char *const *config_paths);
struct kmod_ctx *kmod_ref(struct kmod_ctx *ctx);
struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx);

/* The log function receives syslog priorities. By default messages go to
 * standard error; the initial priority is LOG_ERR, or what the KMOD_LOG
 * environment variable says (a number, "err", "info" or "debug"). */
void kmod_set_log_fn(struct kmod_ctx *ctx,
		     void (*log_fn)(void *data, int priority, const char *file, int line,
				    const char *fn, const char *format, va_list args),
		     const void *data);
int kmod_get_log_priority(const struct kmod_ctx *ctx);	/* -1 for NULL */
void kmod_set_log_priority(struct kmod_ctx *ctx, int priority);
void *kmod_get_userdata(const struct kmod_ctx *ctx);
void kmod_set_userdata(struct kmod_ctx *ctx, const void *userdata);
/* The module directory in use, absolute. */
const char *kmod_get_dirname(const struct kmod_ctx *ctx);

/* What kmod_validate_resources answers. */
enum kmod_resources {
	KMOD_RESOURCES_OK = 0,
	KMOD_RESOURCES_MUST_RELOAD = 1,
	KMOD_RESOURCES_MUST_RECREATE = 2,
};

/* The indexes kmod_dump_index writes out. The last value only keeps the
 * enum as wide as an int. */
enum kmod_index {
	KMOD_INDEX_MODULES_DEP = 0,
	KMOD_INDEX_MODULES_ALIAS = 1,
	KMOD_INDEX_MODULES_SYMBOL = 2,
	KMOD_INDEX_MODULES_BUILTIN_ALIAS = 3,
	KMOD_INDEX_MODULES_BUILTIN = 4,
	_KMOD_INDEX_PAD = 1U << 31,
};

/* ---------------------------------------------------------------- lists */

struct kmod_list;

/* The entry after curr in the list whose first entry is list; NULL after
 * the last one or when either is NULL. */
struct kmod_list *kmod_list_next(const struct kmod_list *list, const struct kmod_list *curr);
/* The entry before curr; NULL for the first one or when either is NULL. */
struct kmod_list *kmod_list_prev(const struct kmod_list *list, const struct kmod_list *curr);
/* The last entry; NULL for an empty (NULL) list. */
struct kmod_list *kmod_list_last(const struct kmod_list *list);

#define kmod_list_foreach(entry, first)					\
	for ((entry) = (first); (entry) != NULL;			\
	     (entry) = kmod_list_next((first), (entry)))

#define kmod_list_foreach_reverse(entry, first)				\
	for ((entry) = kmod_list_last(first); (entry) != NULL;		\
	     (entry) = kmod_list_prev((first), (entry)))

/* ---------------------------------------------------------------- modules */

struct kmod_module;

/* A module by name ('-' read as '_', cut at the first '.'), whether or
 * not such a module exists. Asking twice for the same name gives the same
 * object with one more reference. 0, or -ENOENT for a NULL argument. */
int kmod_module_new_from_name(struct kmod_ctx *ctx, const char *name, struct kmod_module **mod);
/* A module by file: its name from the file name. The file must exist
 * (-errno of stat otherwise); -EEXIST when a module of that name is
 * already known with another file. */
int kmod_module_new_from_path(struct kmod_ctx *ctx, const char *path, struct kmod_module **mod);
/* Every module a name, alias (with wildcards in the index) or
 * "symbol:NAME" stands for, in kmod's lookup order: configured aliases,
 * modules.dep, modules.symbols, install/remove commands, modules.alias,
 * built-in modules. *list must be NULL on entry (-ENOSYS otherwise); it
 * stays NULL when nothing matches, which is not an error. -EINVAL for an
 * alias that cannot be normalised. */
int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
				struct kmod_list **list);

struct kmod_module *kmod_module_ref(struct kmod_module *mod);
struct kmod_module *kmod_module_unref(struct kmod_module *mod);
/* Drops one reference to every module of the list and frees the list. */
int kmod_module_unref_list(struct kmod_list *list);
/* The module of a list entry, with a new reference the caller owns. */
struct kmod_module *kmod_module_get_module(const struct kmod_list *entry);

const char *kmod_module_get_name(const struct kmod_module *mod);
/* The module's file; NULL when modules.dep does not know it (a built-in
 * module, a name that is no module). */
const char *kmod_module_get_path(const struct kmod_module *mod);
/* The options configured for the module (by name, or by the alias it was
 * found through), joined by spaces; NULL when there are none. */
const char *kmod_module_get_options(const struct kmod_module *mod);
/* The first configured install / remove command whose pattern matches the
 * module's name; NULL when none does. */
const char *kmod_module_get_install_commands(const struct kmod_module *mod);
const char *kmod_module_get_remove_commands(const struct kmod_module *mod);
/* The modules this one needs (modules.dep), in the order they must be
 * loaded: a new list the caller frees with kmod_module_unref_list. */
struct kmod_list *kmod_module_get_dependencies(const struct kmod_module *mod);

/* Flags of kmod_module_remove_module. FORCE and NOWAIT are the kernel's
 * delete_module flags; NOLOG is the library's own. */
enum kmod_remove {
	KMOD_REMOVE_FORCE = O_TRUNC,
	KMOD_REMOVE_NOWAIT = O_NONBLOCK,
	KMOD_REMOVE_NOLOG = 1,
};

/* Flags of kmod_module_insert_module. */
enum kmod_insert {
	KMOD_INSERT_FORCE_VERMAGIC = 0x1,
	KMOD_INSERT_FORCE_MODVERSION = 0x2,
};

/* Flags of kmod_module_probe_insert_module; the APPLY_BLACKLIST values
 * are also what it returns when the blacklist stopped it. */
enum kmod_probe {
	KMOD_PROBE_FORCE_VERMAGIC = 0x00001,
	KMOD_PROBE_FORCE_MODVERSION = 0x00002,
	KMOD_PROBE_IGNORE_COMMAND = 0x00004,
	KMOD_PROBE_IGNORE_LOADED = 0x00008,
	KMOD_PROBE_DRY_RUN = 0x00010,
	KMOD_PROBE_FAIL_ON_LOADED = 0x00020,
	KMOD_PROBE_APPLY_BLACKLIST_ALL = 0x10000,
	KMOD_PROBE_APPLY_BLACKLIST = 0x20000,
	KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY = 0x40000,
};

/* Filters of kmod_module_apply_filter. */
enum kmod_filter {
	KMOD_FILTER_BLACKLIST = 0x00001,
	KMOD_FILTER_BUILTIN = 0x00002,
};

/* A module's state in the running kernel. The last value only keeps the
 * enum as wide as an int. */
enum kmod_module_initstate {
	KMOD_MODULE_BUILTIN = 0,
	KMOD_MODULE_LIVE = 1,
	KMOD_MODULE_COMING = 2,
	KMOD_MODULE_GOING = 3,
	_KMOD_MODULE_PAD = 1U << 31,
};

/* How a module refers to a symbol it needs (ELF binding letters). */
enum kmod_symbol_bind {
	KMOD_SYMBOL_NONE = '\0',
	KMOD_SYMBOL_LOCAL = 'L',
	KMOD_SYMBOL_GLOBAL = 'G',
	KMOD_SYMBOL_WEAK = 'W',
	KMOD_SYMBOL_UNDEF = 'U',
};

/* ---------------------------------------------------------------- loading and unloading */
/* Every load and unload goes through libpmod's gated path: lockdown, the
 * caller's privilege, AutoLoadPolicy and the blacklist for automatic
 * loads (any load made by systemd-udevd: libpmod recognises the caller),
 * the forced-load rule, and the signature of the exact bytes the kernel
 * receives. A refusal is -EPERM (lockdown, privilege, policy, forced
 * load under SigningPolicy=enforce) or -EKEYREJECTED (the signature);
 * nothing reaches the kernel then. */

/* Insert the module's file alone, with exactly these options (NULL: none;
 * configured options are not added). flags: enum kmod_insert. -ENOENT
 * when the module has no file, the kernel's errno (-EEXIST when loaded)
 * otherwise. */
int kmod_module_insert_module(struct kmod_module *mod, unsigned int flags, const char *options);
/* Load the module with its dependencies, softdeps and install command,
 * as modprobe does. flags: enum kmod_probe. Returns 0, a negative errno,
 * or the KMOD_PROBE_APPLY_BLACKLIST* flag that stopped a blacklisted
 * module. run_install (NULL: /bin/sh -c) runs install commands, their
 * $CMDLINE_OPTS already replaced; print_action is called before each
 * insert (install false) or install command (true) with the options it
 * gets. */
int kmod_module_probe_insert_module(struct kmod_module *mod, unsigned int flags,
				    const char *extra_options,
				    int (*run_install)(struct kmod_module *m, const char *cmdline,
						       void *data),
				    const void *data,
				    void (*print_action)(struct kmod_module *m, bool install,
							 const char *options));
/* Unload the module alone, never waiting for it (O_NONBLOCK). flags:
 * enum kmod_remove. KMOD_REMOVE_FORCE is a forced unload, refused with
 * -EOPNOTSUPP before the kernel is asked unless pmod was built with
 * forced unload. -EAGAIN when the module is in use, -ENOENT when it is
 * not loaded. */
int kmod_module_remove_module(struct kmod_module *mod, unsigned int flags);

#ifdef __cplusplus
}
#endif

#endif /* PMOD_LIBKMOD_H */
