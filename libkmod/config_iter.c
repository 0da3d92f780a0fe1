// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_config_iter: the configuration's directives of one kind, walked in
 * the order they were read (what modprobe -c prints). Keys and values
 * come from libpmod's configuration as it holds them; the softdep value
 * keeps kmod's "pre: a bpost: c" spelling, which callers print as is. */
#include <stdlib.h>

#include "context.h"

struct kmod_config_iter {
	const struct pmod_config *config;
	enum pmod_config_kind kind;
	/* Before the first kmod_config_iter_next, and again after the last
	 * entry: not on an entry. */
	bool on_entry;
	size_t index;
};

static struct kmod_config_iter *iter_new(const struct kmod_ctx *ctx, enum pmod_config_kind kind)
{
	struct kmod_config_iter *iter;

	if (ctx == NULL)
		return NULL;
	iter = calloc(1, sizeof(*iter));
	if (iter == NULL)
		return NULL;
	iter->config = ctx_config(ctx);
	iter->kind = kind;
	return iter;
}

struct kmod_config_iter *kmod_config_get_blacklists(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_BLACKLIST);
}

struct kmod_config_iter *kmod_config_get_install_commands(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_INSTALL);
}

struct kmod_config_iter *kmod_config_get_remove_commands(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_REMOVE);
}

struct kmod_config_iter *kmod_config_get_aliases(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_ALIAS);
}

struct kmod_config_iter *kmod_config_get_options(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_OPTIONS);
}

struct kmod_config_iter *kmod_config_get_softdeps(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_SOFTDEP);
}

struct kmod_config_iter *kmod_config_get_weakdeps(const struct kmod_ctx *ctx)
{
	return iter_new(ctx, PMOD_CONFIG_WEAKDEP);
}

static const struct pmod_config_entry *current(const struct kmod_config_iter *iter)
{
	if (iter == NULL || !iter->on_entry)
		return NULL;
	return pmod_config_get(iter->config, iter->kind, iter->index);
}

const char *kmod_config_iter_get_key(const struct kmod_config_iter *iter)
{
	const struct pmod_config_entry *e = current(iter);

	return e ? e->name : NULL;
}

/* NULL for a blacklist entry, which has no value. */
const char *kmod_config_iter_get_value(const struct kmod_config_iter *iter)
{
	const struct pmod_config_entry *e = current(iter);

	return e ? e->value : NULL;
}

/* As in kmod, a walk that has ended starts again from the first entry. */
bool kmod_config_iter_next(struct kmod_config_iter *iter)
{
	if (iter == NULL)
		return false;
	if (!iter->on_entry)
		iter->index = 0;
	else
		iter->index++;
	iter->on_entry = iter->index < pmod_config_count(iter->config, iter->kind);
	return iter->on_entry;
}

void kmod_config_iter_free_iter(struct kmod_config_iter *iter)
{
	free(iter);
}
