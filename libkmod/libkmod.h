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

/* ------------------------------------ resources, configuration, filters */

/* Opens the module directory's indexes now and keeps them (they are
 * otherwise read when needed). 0, or the negative errno of the first
 * index that cannot be used (-ENOENT missing, -EINVAL a bad header;
 * modules.builtin.alias.bin may be missing); nothing stays open then. */
int kmod_load_resources(struct kmod_ctx *ctx);
void kmod_unload_resources(struct kmod_ctx *ctx);
/* KMOD_RESOURCES_MUST_RECREATE when a configuration path given to kmod_new
 * (or a default directory) changed its own modification time or cannot be
 * stat'ed: a file edited inside a directory does not count unless the
 * directory changed. KMOD_RESOURCES_MUST_RELOAD when an index opened by
 * kmod_load_resources changed. Else KMOD_RESOURCES_OK. */
int kmod_validate_resources(struct kmod_ctx *ctx);
/* Every key and value of an index, one "PREFIX KEY VALUE" line each ("alias "
 * for the alias and symbol indexes, none for the others), in key order, to
 * fd.
 * -ENOSYS for a NULL context or an index that cannot be read, -ENOENT for
 * an unknown type. */
int kmod_dump_index(struct kmod_ctx *ctx, enum kmod_index type, int fd);

/* The configuration's directives of one kind, in the order read. A new
 * iterator is before its first entry: kmod_config_iter_next moves to the
 * next one (false past the last, after which the walk starts again). */
struct kmod_config_iter;
struct kmod_config_iter *kmod_config_get_blacklists(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_install_commands(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_remove_commands(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_aliases(const struct kmod_ctx *ctx);
struct kmod_config_iter *kmod_config_get_options(const struct kmod_ctx *ctx);
/* Values "pre: A Bpost: C" as kmod spells them: no blank before "post:". */
struct kmod_config_iter *kmod_config_get_softdeps(const struct kmod_ctx *ctx);
/* Values: the names, separated by blanks. */
struct kmod_config_iter *kmod_config_get_weakdeps(const struct kmod_ctx *ctx);
/* The module name (an alias's name for aliases); the value: command,
 * module, options or dependencies; NULL for blacklists. */
const char *kmod_config_iter_get_key(const struct kmod_config_iter *iter);
const char *kmod_config_iter_get_value(const struct kmod_config_iter *iter);
bool kmod_config_iter_next(struct kmod_config_iter *iter);
void kmod_config_iter_free_iter(struct kmod_config_iter *iter);

/* A module by name as modules.dep or modules.builtin know it: no alias,
 * symbol or configuration. 0 with *mod set when found, 0 with *mod
 * untouched when not; -ENOENT for a NULL argument. */
int kmod_module_new_from_name_lookup(struct kmod_ctx *ctx, const char *modname,
				     struct kmod_module **mod);
/* The modules of the first softdep (weakdep) line matching the module's
 * name. The lists must be NULL on entry and are the caller's. */
int kmod_module_get_softdeps(const struct kmod_module *mod, struct kmod_list **pre,
			     struct kmod_list **post);
int kmod_module_get_weakdeps(const struct kmod_module *mod, struct kmod_list **weak);
/* A new list of the modules of input that pass the filter
 * (KMOD_FILTER_BLACKLIST drops blacklisted names, KMOD_FILTER_BUILTIN
 * built-in modules); the caller frees it. */
int kmod_module_apply_filter(const struct kmod_ctx *ctx, enum kmod_filter filter_type,
			     const struct kmod_list *input, struct kmod_list **output);
/* Deprecated: kmod_module_apply_filter with KMOD_FILTER_BLACKLIST. */
int kmod_module_get_filtered_blacklist(const struct kmod_ctx *ctx,
				       const struct kmod_list *input, struct kmod_list **output)
	__attribute__((deprecated));

/* ------------------------------------------- the running kernel's modules */

/* Every module of /proc/modules, in its order (the latest loaded first):
 * a new list in *list, freed with kmod_module_unref_list. 0, -ENOENT for
 * a NULL argument, or a negative errno when /proc/modules is unreadable. */
int kmod_module_new_from_loaded(struct kmod_ctx *ctx, struct kmod_list **list);
/* "builtin", "live", "coming", "going"; NULL for any other value. */
const char *kmod_module_initstate_str(enum kmod_module_initstate state);
/* KMOD_MODULE_BUILTIN when modules.builtin names the module, otherwise
 * what /sys/module/NAME/initstate says (COMING for a directory without
 * it); -ENOENT when the kernel does not know the module. */
int kmod_module_get_initstate(const struct kmod_module *mod);
/* /sys/module/NAME/refcnt; a negative errno when unreadable. */
int kmod_module_get_refcnt(const struct kmod_module *mod);
/* /sys/module/NAME/coresize, else the size column of /proc/modules;
 * a negative errno when the module is not loaded. */
long kmod_module_get_size(const struct kmod_module *mod);
/* The modules holding this one (/sys/module/NAME/holders): a new list,
 * freed with kmod_module_unref_list; NULL when there are none. */
struct kmod_list *kmod_module_get_holders(const struct kmod_module *mod);
/* The sections of /sys/module/NAME/sections with their addresses; NULL
 * when the directory or any of its files cannot be read. Freed with
 * kmod_module_section_free_list. */
struct kmod_list *kmod_module_get_sections(const struct kmod_module *mod);
const char *kmod_module_section_get_name(const struct kmod_list *entry);
/* (unsigned long)-1 for a NULL entry. */
unsigned long kmod_module_section_get_address(const struct kmod_list *entry);
void kmod_module_section_free_list(struct kmod_list *list);

/* ------------------------------------------------------ module files */

/* The module's modinfo as key/value entries, in the file's order, then
 * for a signed module sig_id, signer, sig_key, sig_hashalgo and
 * signature (binary values as upper-case hex bytes joined by ':', a line
 * break and two tabs after every 20 bytes). A built-in module's come from
 * modules.builtin.modinfo. *list must be NULL on entry. The number of
 * entries, or a negative errno (-ENOENT: no file, no such module). */
int kmod_module_get_info(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_info_get_key(const struct kmod_list *entry);
const char *kmod_module_info_get_value(const struct kmod_list *entry);
void kmod_module_info_free_list(struct kmod_list *list);

/* The CRCs the module expects of what it imports (__versions), in file
 * order. The number of entries or a negative errno. */
int kmod_module_get_versions(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_version_get_symbol(const struct kmod_list *entry);
uint64_t kmod_module_version_get_crc(const struct kmod_list *entry);
void kmod_module_versions_free_list(struct kmod_list *list);

/* The symbols the module exports, with their CRCs (0 without
 * modversions); -ENOENT when it exports none. */
int kmod_module_get_symbols(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_symbol_get_symbol(const struct kmod_list *entry);
uint64_t kmod_module_symbol_get_crc(const struct kmod_list *entry);
void kmod_module_symbols_free_list(struct kmod_list *list);

/* The symbols the module needs, in symbol-table order, each bound
 * KMOD_SYMBOL_WEAK or KMOD_SYMBOL_UNDEF with its expected CRC; then the
 * __versions entries no symbol uses (module_layout). */
int kmod_module_get_dependency_symbols(const struct kmod_module *mod, struct kmod_list **list);
const char *kmod_module_dependency_symbol_get_symbol(const struct kmod_list *entry);
int kmod_module_dependency_symbol_get_bind(const struct kmod_list *entry);
uint64_t kmod_module_dependency_symbol_get_crc(const struct kmod_list *entry);
void kmod_module_dependency_symbols_free_list(struct kmod_list *list);

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
