/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the stages of depmod: configuration and scan (depmod_scan.c),
 * reading modules in parallel (depmod_read.c), symbols and dependency
 * order (depmod_graph.c), and the outputs (depmod_write.c). */
#ifndef PMOD_DEPMOD_INTERNAL_H
#define PMOD_DEPMOD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "pmod.h"

enum search_kind { SEARCH_PATH, SEARCH_BUILTIN, SEARCH_EXTERNAL };

struct depmod_search {
	enum search_kind kind;
	char *path;			/* SEARCH_PATH: relative, no trailing '/' */
};

struct depmod_config {
	struct depmod_search *searches;
	size_t nsearches, capsearches;
	char **overrides;		/* "SUBDIR/MODNAME" relative paths */
	size_t noverrides, capoverrides;
	char **externals;		/* absolute directories, in order */
	size_t nexternals, capexternals;
	char **excludes;
	size_t nexcludes, capexcludes;
};

struct depmod_export {
	const char *name;
	uint64_t crc;
};

struct depmod_import {
	const char *name;
	uint64_t crc;
	bool weak;
};

struct depmod_module {
	char *path;			/* as opened */
	char *relpath;			/* under the module directory, or NULL */
	/* What the outputs call it: relpath, or for a module elsewhere its
	 * absolute path as seen inside the root. */
	const char *outpath;
	char *name;
	int rank;			/* search priority, lower is better */
	long order;			/* line in modules.order, or -1 */
	/* Read from the file; strings live in `strings`. */
	bool readable;
	char *strings;
	const char **aliases;
	size_t naliases;
	const char **softdeps;
	size_t nsoftdeps;
	const char **weakdeps;
	size_t nweakdeps;
	struct depmod_export *exports;
	size_t nexports;
	struct depmod_import *imports;
	size_t nimports;
	/* The graph. */
	size_t *deps;			/* direct dependencies, first use first */
	size_t ndeps, capdeps;
	unsigned users;
	size_t sort_idx;
};

struct depmod_modules {
	struct depmod_module *items;
	size_t count, cap;
};

/* The path a module is known by in the outputs. */
static inline const char *depmod_module_path(const struct depmod_module *m)
{
	return m->outpath;
}

int depmod_config_load(struct pmod_ctx *ctx, const char *const *paths,
		       struct depmod_config *cfg, struct pmod_error *err);
void depmod_config_free(struct depmod_config *cfg);

/* Every module file under the module directory and the external ones,
 * duplicates resolved by the configuration, sorted by modules.order. */
int depmod_scan(struct pmod_ctx *ctx, const struct depmod_config *cfg,
		struct depmod_modules *mods, struct pmod_error *err);
/* Only the given absolute files. */
int depmod_scan_files(struct pmod_ctx *ctx, const char *const *files,
		      struct depmod_modules *mods, struct pmod_error *err);
void depmod_sort_by_order(struct pmod_ctx *ctx, struct depmod_modules *mods);
void depmod_module_release(struct depmod_module *m);
void depmod_modules_free(struct depmod_modules *mods);

/* Reads every module on `jobs` threads; unreadable ones are logged and
 * dropped from the list. */
int depmod_read(struct pmod_ctx *ctx, struct depmod_modules *mods, unsigned jobs,
		struct pmod_error *err);

/* Leaves out, with a warning naming the module file and the field, every
 * alias, softdep, weakdep, devname and exported symbol whose value does
 * not fit its field in the text outputs (depmod_metadata.c says which);
 * false when the module's own path or name cannot be written at all. */
bool depmod_metadata_check(struct pmod_ctx *ctx, struct depmod_module *m);

struct depmod_symbols;
struct depmod_graph_options {
	char symbol_prefix;
	bool warn_unknown;
	bool check_crcs;
	pmod_depmod_dependency_fn dependency_fn;
	void *dependency_data;
};
int depmod_symbols_new(struct depmod_symbols **out);
void depmod_symbols_free(struct depmod_symbols *s);
/* Kernel symbols from Module.symvers (with CRCs) or System.map. */
int depmod_symbols_load_symvers(struct pmod_ctx *ctx, struct depmod_symbols *s,
				const char *path, struct pmod_error *err);
int depmod_symbols_load_system_map(struct pmod_ctx *ctx, struct depmod_symbols *s,
				   const char *path, char prefix, struct pmod_error *err);
/* Resolve symbols to dependency edges and give every module its
 * topological index; -ELOOP (with the cycles logged) on a cycle. */
int depmod_graph_build(struct pmod_ctx *ctx, struct depmod_modules *mods,
		       struct depmod_symbols *syms, const struct depmod_graph_options *o,
		       struct pmod_error *err);
/* Every symbol with a module owner, sorted by name: (name, owner index). */
struct depmod_owned_symbol {
	const char *name;
	size_t owner;
};
int depmod_symbols_owned(const struct depmod_symbols *s, struct depmod_owned_symbol **out,
			 size_t *count);
/* The transitive dependencies of module i in modules.dep order. *out is
 * malloc'ed. */
int depmod_closure(const struct depmod_modules *mods, size_t i, size_t **out, size_t *count);

int depmod_write(struct pmod_ctx *ctx, const struct depmod_modules *mods,
		 const struct depmod_symbols *syms, const char *outdir,
		 const struct pmod_depmod_options *o, struct pmod_error *err);

#endif
