// SPDX-License-Identifier: LGPL-2.1-or-later
/* What the running kernel says of modules: which are loaded, their state,
 * reference count, holders, size and sections. libpmod reads /proc/modules
 * and /sys/module; this file only gives the answers kmod's shape. Nothing
 * is kept on the module object: the kernel's state changes under the
 * caller, and kmod reads it afresh at every call too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "list.h"
#include "module.h"

int kmod_module_new_from_loaded(struct kmod_ctx *ctx, struct kmod_list **list)
{
	struct pmod_error err = { 0 };
	struct pmod_loaded_module *mods;
	struct kmod_list *l = NULL;
	size_t count;
	int r;

	if (ctx == NULL || list == NULL)
		return -ENOENT;
	r = pmod_kernel_loaded_modules(ctx_pmod(ctx), &mods, &count, &err);
	if (r < 0) {
		ctx_log_message(ctx, LOG_ERR, __func__, "%s\n", err.text);
		return r;
	}
	for (size_t i = 0; i < count; i++) {
		struct kmod_module *mod;
		struct kmod_list *longer;

		/* As in kmod, a module that cannot be made is left out. */
		r = kmod_module_new_from_name(ctx, mods[i].name, &mod);
		if (r < 0) {
			ctx_log_message(ctx, LOG_ERR, __func__, "could not get module from name '%s': %s\n",
				mods[i].name, strerror(-r));
			continue;
		}
		longer = list_append(l, mod);
		if (longer == NULL) {
			ctx_log_message(ctx, LOG_ERR, __func__, "out of memory\n");
			kmod_module_unref(mod);
			continue;
		}
		l = longer;
	}
	pmod_loaded_modules_free(mods, count);
	*list = l;
	return 0;
}

const char *kmod_module_initstate_str(enum kmod_module_initstate state)
{
	switch (state) {
	case KMOD_MODULE_BUILTIN:
		return "builtin";
	case KMOD_MODULE_LIVE:
		return "live";
	case KMOD_MODULE_COMING:
		return "coming";
	case KMOD_MODULE_GOING:
		return "going";
	default:
		return NULL;
	}
}

int kmod_module_get_initstate(const struct kmod_module *mod)
{
	int state;

	if (mod == NULL)
		return -ENOENT;
	state = pmod_kernel_module_state(ctx_pmod(module_ctx(mod)), kmod_module_get_name(mod));
	switch (state) {
	case PMOD_STATE_BUILTIN:
		return KMOD_MODULE_BUILTIN;
	case PMOD_STATE_LIVE:
		return KMOD_MODULE_LIVE;
	case PMOD_STATE_COMING:
		return KMOD_MODULE_COMING;
	case PMOD_STATE_GOING:
		return KMOD_MODULE_GOING;
	case PMOD_STATE_ABSENT:
		return -ENOENT;
	default:
		return state < 0 ? state : -EINVAL;
	}
}

/* The module's line of the kernel's tables; -ENOENT when it is not loaded
 * (no /sys/module/NAME). */
static int usage_of(const struct kmod_module *mod, struct pmod_loaded_module *usage,
		    const char *function)
{
	struct pmod_error err = { 0 };
	int r;

	r = pmod_kernel_module_usage(ctx_pmod(module_ctx(mod)), kmod_module_get_name(mod),
				     usage, &err);
	if (r < 0 && r != -ENOENT)
		ctx_log_message(module_ctx(mod), LOG_ERR, function, "%s\n", err.text);
	return r;
}

int kmod_module_get_refcnt(const struct kmod_module *mod)
{
	struct pmod_loaded_module usage;
	long refcnt;
	int r;

	if (mod == NULL)
		return -ENOENT;
	r = usage_of(mod, &usage, __func__);
	if (r < 0)
		return r;
	refcnt = usage.refcnt;
	pmod_loaded_module_release(&usage);
	return (int)refcnt;
}

long kmod_module_get_size(const struct kmod_module *mod)
{
	struct pmod_loaded_module usage;
	long size;
	int r;

	if (mod == NULL)
		return -ENOENT;
	r = usage_of(mod, &usage, __func__);
	if (r < 0)
		return r;
	size = usage.size;
	pmod_loaded_module_release(&usage);
	return size;
}

struct kmod_list *kmod_module_get_holders(const struct kmod_module *mod)
{
	struct pmod_loaded_module usage;
	struct kmod_list *list = NULL;
	struct kmod_ctx *ctx;

	if (mod == NULL)
		return NULL;
	ctx = module_ctx(mod);
	if (usage_of(mod, &usage, __func__) < 0)
		return NULL;
	for (size_t i = 0; i < usage.nholders; i++) {
		struct kmod_module *holder;
		struct kmod_list *longer;
		int r = kmod_module_new_from_name(ctx, usage.holders[i], &holder);

		if (r < 0) {
			ctx_log_message(ctx, LOG_ERR, __func__, "could not create module for '%s': %s\n",
				usage.holders[i], strerror(-r));
			goto fail;
		}
		longer = list_append(list, holder);
		if (longer == NULL) {
			ctx_log_message(ctx, LOG_ERR, __func__, "out of memory\n");
			kmod_module_unref(holder);
			goto fail;
		}
		list = longer;
	}
	pmod_loaded_module_release(&usage);
	return list;
fail:
	pmod_loaded_module_release(&usage);
	kmod_module_unref_list(list);
	return NULL;
}

/* What a section entry of the list holds: the name follows the address
 * in the same allocation, so that one free releases it. */
struct module_section {
	unsigned long address;
	char name[];
};

struct kmod_list *kmod_module_get_sections(const struct kmod_module *mod)
{
	struct pmod_error err = { 0 };
	struct pmod_section *sections;
	struct kmod_list *list = NULL;
	size_t count;
	int r;

	if (mod == NULL)
		return NULL;
	r = pmod_kernel_module_sections(ctx_pmod(module_ctx(mod)), kmod_module_get_name(mod),
					&sections, &count, &err);
	if (r < 0) {
		ctx_log_message(module_ctx(mod), LOG_ERR, __func__, "%s\n", err.text);
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		size_t size = strlen(sections[i].name) + 1;
		struct module_section *section = malloc(sizeof(*section) + size);
		struct kmod_list *longer;

		if (section == NULL)
			goto fail;
		section->address = sections[i].address;
		memcpy(section->name, sections[i].name, size);
		longer = list_append(list, section);
		if (longer == NULL) {
			free(section);
			goto fail;
		}
		list = longer;
	}
	pmod_sections_free(sections, count);
	return list;
fail:
	ctx_log_message(module_ctx(mod), LOG_ERR, __func__, "out of memory\n");
	pmod_sections_free(sections, count);
	list_release(list, free);
	return NULL;
}

const char *kmod_module_section_get_name(const struct kmod_list *entry)
{
	if (entry == NULL)
		return NULL;
	return ((const struct module_section *)entry->data)->name;
}

unsigned long kmod_module_section_get_address(const struct kmod_list *entry)
{
	if (entry == NULL)
		return (unsigned long)-1;
	return ((const struct module_section *)entry->data)->address;
}

void kmod_module_section_free_list(struct kmod_list *list)
{
	list_release(list, free);
}
