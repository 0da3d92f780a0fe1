// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_get_softdeps and kmod_module_get_weakdeps: the first softdep
 * (weakdep) line whose pattern matches the module's name, each of its
 * names looked up as kmod_module_new_from_lookup does, the modules of all
 * of them in one list. A name that cannot be looked up is skipped. */
#include <errno.h>
#include <syslog.h>

#include "context.h"
#include "list.h"
#include "module.h"

static int lookup_all(struct kmod_ctx *ctx, const char *const *names, size_t count,
		      struct kmod_list **out)
{
	struct kmod_list *all = NULL;

	for (size_t i = 0; i < count; i++) {
		struct kmod_list *found = NULL, *l;

		if (kmod_module_new_from_lookup(ctx, names[i], &found) < 0) {
			ctx_log_message(ctx, LOG_ERR, __func__,
				"failed to lookup soft dependency '%s', continuing anyway.\n",
				names[i]);
			continue;
		}
		kmod_list_foreach(l, found) {
			struct kmod_list *longer = list_append(all, l->data);

			if (longer == NULL) {
				kmod_module_unref_list(found);
				kmod_module_unref_list(all);
				return -ENOMEM;
			}
			kmod_module_ref(l->data);
			all = longer;
		}
		kmod_module_unref_list(found);
	}
	*out = all;
	return 0;
}

int kmod_module_get_softdeps(const struct kmod_module *mod, struct kmod_list **pre,
			     struct kmod_list **post)
{
	const char *const *pre_names, *const *post_names;
	size_t npre, npost;
	struct kmod_ctx *ctx;
	int r;

	if (mod == NULL || pre == NULL || post == NULL)
		return -ENOENT;
	/* kmod asserts empty lists; filling a list the caller still holds
	 * would lose it. */
	if (*pre != NULL || *post != NULL)
		return -EINVAL;
	ctx = module_ctx(mod);
	if (!pmod_config_softdeps(ctx_config(ctx), kmod_module_get_name(mod), &pre_names, &npre,
				  &post_names, &npost))
		return 0;
	r = lookup_all(ctx, pre_names, npre, pre);
	if (r == 0)
		r = lookup_all(ctx, post_names, npost, post);
	if (r < 0) {
		kmod_module_unref_list(*pre);
		*pre = NULL;
	}
	return r;
}

int kmod_module_get_weakdeps(const struct kmod_module *mod, struct kmod_list **weak)
{
	const char *const *names;
	struct kmod_ctx *ctx;
	size_t count;

	if (mod == NULL || weak == NULL)
		return -ENOENT;
	if (*weak != NULL)
		return -EINVAL;
	ctx = module_ctx(mod);
	if (!pmod_config_weakdeps(ctx_config(ctx), kmod_module_get_name(mod), &names, &count))
		return 0;
	return lookup_all(ctx, names, count, weak);
}
