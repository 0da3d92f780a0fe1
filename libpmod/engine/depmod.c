// SPDX-License-Identifier: LGPL-2.1-or-later
/* depmod: scan the module tree, read every module, resolve symbols into
 * dependencies, order them, and write the indexes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depmod_internal.h"
#include "error.h"
#include "options_size.h"

/* -A: true when modules.dep exists and no module file is newer. */
static bool up_to_date(struct pmod_ctx *ctx, const struct depmod_modules *mods)
{
	char path[PATH_MAX];
	struct stat dep, st;

	snprintf(path, sizeof(path), "%s/modules.dep", pmod_ctx_module_dir(ctx));
	if (stat(path, &dep) < 0)
		return false;
	for (size_t i = 0; i < mods->count; i++)
		if (stat(mods->items[i].path, &st) < 0 || st.st_mtime > dep.st_mtime)
			return false;
	return true;
}

static char *output_dir(struct pmod_ctx *ctx, const char *outdir)
{
	char cwd[PATH_MAX], *out;

	if (outdir == NULL)
		return strdup(pmod_ctx_module_dir(ctx));
	if (outdir[0] == '/') {
		if (asprintf(&out, "%s%s%s/%s", pmod_ctx_root(ctx), outdir, ctx_moddir(ctx),
			     pmod_ctx_kernel_release(ctx)) < 0)
			return NULL;
	} else {
		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    asprintf(&out, "%s/%s%s/%s", cwd, outdir, ctx_moddir(ctx), pmod_ctx_kernel_release(ctx)) < 0)
			return NULL;
	}
	return out;
}

int pmod_depmod(struct pmod_ctx *ctx, const struct pmod_depmod_options *caller_opts,
		struct pmod_error *err)
{
	struct pmod_depmod_options opts;
	const struct pmod_depmod_options *o = &opts;
	struct depmod_graph_options g;
	struct depmod_config cfg = { 0 };
	struct depmod_modules mods = { 0 };
	struct depmod_symbols *syms = NULL;
	char *outdir = NULL;
	int r;

	r = options_copy(&opts, sizeof(opts), caller_opts);
	if (r < 0)
		return pmod_fail(err, r, "%s", options_copy_error(r));
	g = (struct depmod_graph_options){
		.symbol_prefix = o->symbol_prefix,
		.warn_unknown = o->warn_unknown_symbols && (o->symvers || o->system_map),
		.check_crcs = o->symvers != NULL,
		.dependency_fn = o->dependency_fn,
		.dependency_data = o->dependency_data,
	};
	if (o->files != NULL) {
		r = depmod_scan_files(ctx, o->files, &mods, err);
	} else {
		r = depmod_config_load(ctx, o->config_paths, &cfg, err);
		if (r == 0)
			r = depmod_scan(ctx, &cfg, &mods, err);
	}
	if (r < 0)
		goto out;
	if (o->quick && (o->dry_run || up_to_date(ctx, &mods)))
		goto out;
	if (mods.count >= 65535) {
		r = pmod_fail(err, -ERANGE, "too many modules (%zu)", mods.count);
		goto out;
	}
	r = depmod_read(ctx, &mods, o->jobs, err);
	if (r < 0)
		goto out;
	r = depmod_symbols_new(&syms);
	if (r < 0) {
		pmod_fail(err, r, "out of memory");
		goto out;
	}
	if (o->symvers)
		r = depmod_symbols_load_symvers(ctx, syms, o->symvers, err);
	else if (o->system_map)
		r = depmod_symbols_load_system_map(ctx, syms, o->system_map, o->symbol_prefix, err);
	if (r < 0)
		goto out;
	r = depmod_graph_build(ctx, &mods, syms, &g, err);
	if (r < 0)
		goto out;
	outdir = output_dir(ctx, o->outdir);
	if (outdir == NULL) {
		r = pmod_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	r = depmod_write(ctx, &mods, syms, outdir, o, err);
out:
	free(outdir);
	depmod_symbols_free(syms);
	depmod_modules_free(&mods);
	depmod_config_free(&cfg);
	return r;
}
