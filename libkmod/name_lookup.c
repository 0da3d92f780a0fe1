// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_new_from_name_lookup: a module by its name only, as
 * modules.dep or the built-in index know it (no alias, no symbol, no
 * configuration). kmod 30 exported it under LIBKMOD_5 and later kmods
 * under LIBKMOD_30; programs linked against either must find it, so both
 * versions are defined here, the newer one the default for new links. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "module.h"

int name_lookup_libkmod_5(struct kmod_ctx *ctx, const char *modname, struct kmod_module **mod);
int name_lookup_libkmod_30(struct kmod_ctx *ctx, const char *modname, struct kmod_module **mod);

__asm__(".symver name_lookup_libkmod_5, kmod_module_new_from_name_lookup@LIBKMOD_5");
__asm__(".symver name_lookup_libkmod_30, kmod_module_new_from_name_lookup@@LIBKMOD_30");

/* kmod's spelling of a module name: '-' read as '_', cut at the first '.'. */
static void normalize_name(const char *name, char buf[PATH_MAX])
{
	size_t i;

	for (i = 0; i < PATH_MAX - 1 && name[i] != '\0' && name[i] != '.'; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
}

/* *mod is set only when the name is found; 0 either way. */
static int name_lookup(struct kmod_ctx *ctx, const char *modname, struct kmod_module **mod)
{
	char normalized[PATH_MAX];
	struct pmod_error err = { 0 };
	struct pmod_found *found = NULL;
	size_t count = 0;
	int r;

	if (ctx == NULL || modname == NULL || mod == NULL)
		return -ENOENT;
	normalize_name(modname, normalized);
	r = pmod_lookup(ctx_pmod(ctx), normalized, PMOD_LOOKUP_NAME_ONLY, &found, &count, &err);
	if (r < 0) {
		ctx_log_message(ctx, LOG_ERR, __func__, "%s: %s\n", modname, err.text);
		return r;
	}
	/* Only the name itself: modules.builtin.alias, which a name-only
	 * lookup also reads, stands for other names. */
	for (size_t i = 0; i < count; i++) {
		if (strcmp(found[i].name, normalized) != 0)
			continue;
		r = module_new(ctx, normalized, NULL, mod);
		if (r == 0 && found[i].builtin)
			module_set_builtin(*mod, true);
		break;
	}
	pmod_found_free(found, count);
	return r;
}

int name_lookup_libkmod_5(struct kmod_ctx *ctx, const char *modname, struct kmod_module **mod)
{
	return name_lookup(ctx, modname, mod);
}

int name_lookup_libkmod_30(struct kmod_ctx *ctx, const char *modname, struct kmod_module **mod)
{
	return name_lookup(ctx, modname, mod);
}
