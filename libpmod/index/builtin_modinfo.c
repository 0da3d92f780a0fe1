// SPDX-License-Identifier: LGPL-2.1-or-later
/* Built-in modules: modules.builtin.bin names them, and
 * modules.builtin.modinfo holds the .modinfo of every one of them, as
 * NUL-terminated "MODNAME.key=value" strings, one module's run contiguous. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_modinfo.h"
#include "context.h"
#include "error.h"

int builtin_index_has(struct pmod_ctx *ctx, const char *name, struct pmod_error *err)
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
	return r < 0 ? r : 1;
}

static int builtin_file(struct pmod_ctx *ctx, struct pmod_error *err)
{
	char path[PATH_MAX];
	int r;

	if (ctx->builtin_modinfo_tried)
		return ctx->builtin_modinfo.data ? 0 : -ENOENT;
	if ((size_t)snprintf(path, sizeof(path), "%s/modules.builtin.modinfo",
			     ctx->module_dir) >= sizeof(path))
		return pmod_fail(err, -ENAMETOOLONG, "path too long");
	r = mapped_file_map(path, &ctx->builtin_modinfo, err);
	if (r < 0 && r != -ENOENT)
		return r;
	ctx->builtin_modinfo_tried = true;
	if (ctx->builtin_modinfo.data == NULL)
		return -ENOENT;
	/* A last string without its NUL is dropped rather than overrun. */
	while (ctx->builtin_modinfo.size > 0 &&
	       ctx->builtin_modinfo.data[ctx->builtin_modinfo.size - 1] != '\0')
		ctx->builtin_modinfo.size--;
	return 0;
}

int pmod_builtin_modinfo(struct pmod_ctx *ctx, const char *name,
			 struct pmod_modinfo **entries, size_t *count, struct pmod_error *err)
{
	const char *p, *end, *run_start = NULL;
	size_t name_len = strlen(name), n = 0;
	struct pmod_modinfo *out;
	int r;

	r = builtin_file(ctx, err);
	if (r < 0)
		return r;
	p = (const char *)ctx->builtin_modinfo.data;
	end = p + ctx->builtin_modinfo.size;
	/* Find this module's run, and count it. */
	for (const char *s = p; s < end; s += strlen(s) + 1) {
		bool mine = strncmp(s, name, name_len) == 0 && s[name_len] == '.';

		if (mine) {
			if (run_start == NULL)
				run_start = s;
			n++;
		} else if (run_start != NULL) {
			break;
		}
	}
	if (run_start == NULL)
		return -ENOENT;
	out = calloc(n, sizeof(*out));
	if (out == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; run_start += strlen(run_start) + 1) {
		const char *key = run_start + name_len + 1;
		const char *eq = strchr(key, '=');

		out[i].key = key;
		out[i].key_len = eq ? (size_t)(eq - key) : strlen(key);
		out[i].value = eq ? eq + 1 : key + out[i].key_len;
		i++;
	}
	*entries = out;
	*count = n;
	return 0;
}
