// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_apply_filter: a list without the modules the caller does not
 * want to load: blacklisted ones (by their exact name, whatever they were
 * found through) and built-in ones. */
#include <errno.h>

#include "context.h"
#include "list.h"
#include "module.h"

int kmod_module_apply_filter(const struct kmod_ctx *ctx, enum kmod_filter filter_type,
			     const struct kmod_list *input, struct kmod_list **output)
{
	const struct kmod_list *l;

	if (ctx == NULL || output == NULL)
		return -ENOENT;
	*output = NULL;
	kmod_list_foreach(l, input) {
		struct kmod_module *mod = l->data;
		struct kmod_list *longer;

		if ((filter_type & KMOD_FILTER_BLACKLIST) &&
		    pmod_config_blacklisted(ctx_config(ctx), kmod_module_get_name(mod)))
			continue;
		if ((filter_type & KMOD_FILTER_BUILTIN) && module_is_builtin(mod))
			continue;
		longer = list_append(*output, mod);
		if (longer == NULL) {
			kmod_module_unref_list(*output);
			*output = NULL;
			return -ENOMEM;
		}
		kmod_module_ref(mod);
		*output = longer;
	}
	return 0;
}

int kmod_module_get_filtered_blacklist(const struct kmod_ctx *ctx,
				       const struct kmod_list *input, struct kmod_list **output)
{
	return kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST, input, output);
}
