// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_new_from_lookup: libpmod's resolution walk (the one modprobe
 * uses, in kmod's order), each result made into the module object kmod
 * would hand out for it. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "list.h"
#include "module.h"

/* kmod keeps the exact install (else remove) line a command-only name was
 * found through, rather than the first pattern that matches the name. */
static void keep_found_command(const struct pmod_config *cfg, struct kmod_module *mod,
			       const char *name)
{
	static const enum pmod_config_kind kinds[] = { PMOD_CONFIG_INSTALL, PMOD_CONFIG_REMOVE };

	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < pmod_config_count(cfg, kinds[k]); i++) {
			const struct pmod_config_entry *e = pmod_config_get(cfg, kinds[k], i);

			if (strcmp(e->name, name) != 0)
				continue;
			if (kinds[k] == PMOD_CONFIG_INSTALL)
				module_set_install_command(mod, e->value);
			else
				module_set_remove_command(mod, e->value);
			return;
		}
	}
}

static int module_for(struct kmod_ctx *ctx, const struct pmod_resolved *found,
		      struct kmod_module **mod)
{
	int r = module_new(ctx, found->name, found->alias, mod);

	if (r < 0)
		return r;
	if (found->builtin)
		module_set_builtin(*mod, true);
	/* Neither a file, nor built in, nor reached through an alias: the
	 * name came from an install or remove line. */
	else if (found->path == NULL && found->alias == NULL)
		keep_found_command(ctx_config(ctx), *mod, found->name);
	return 0;
}

int kmod_module_new_from_lookup(struct kmod_ctx *ctx, const char *given_alias,
				struct kmod_list **list)
{
	char normalized[PATH_MAX];
	struct pmod_resolved *found = NULL;
	struct pmod_error err = { 0 };
	struct kmod_list *out = NULL;
	size_t count = 0;
	int r;

	if (ctx == NULL || given_alias == NULL)
		return -ENOENT;
	if (list == NULL || *list != NULL) {
		ctx_log_message(ctx, LOG_ERR, __func__, "An empty list is needed to create lookup\n");
		return -ENOSYS;
	}
	if (pmod_alias_normalize(given_alias, normalized, sizeof(normalized)) < 0)
		return -EINVAL;
	r = pmod_resolve(ctx_pmod(ctx), ctx_config(ctx), normalized, &found, &count, &err);
	if (r < 0) {
		ctx_log_message(ctx, LOG_ERR, __func__, "%s: %s\n", given_alias, err.text);
		return r;
	}
	for (size_t i = 0; i < count; i++) {
		struct kmod_module *mod;
		struct kmod_list *longer;

		r = module_for(ctx, &found[i], &mod);
		if (r < 0)
			break;
		longer = list_append(out, mod);
		if (longer == NULL) {
			kmod_module_unref(mod);
			r = -ENOMEM;
			break;
		}
		out = longer;
	}
	pmod_resolved_free(found, count);
	if (r < 0) {
		ctx_log_message(ctx, LOG_ERR, __func__, "%s\n", strerror(-r));
		kmod_module_unref_list(out);
		return r;
	}
	*list = out;
	return 0;
}
