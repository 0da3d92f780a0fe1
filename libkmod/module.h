/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the lookup needs of module objects besides the public calls. */
#ifndef PMOD_LIBKMOD_MODULE_H
#define PMOD_LIBKMOD_MODULE_H

#include <stdbool.h>

#include "libkmod.h"

/* The context's object for name (already normalised), or for name found
 * through alias when alias is not NULL: a new one, or the known one with
 * one more reference. 0 or a negative errno. */
int module_new(struct kmod_ctx *ctx, const char *name, const char *alias,
	       struct kmod_module **mod);
/* What a lookup learnt about the module on the way: whether it is built
 * in, and the command it was found through (kmod keeps that one rather
 * than matching the patterns again). The command belongs to the
 * context's configuration. */
void module_set_builtin(struct kmod_module *mod, bool builtin);
void module_set_install_command(struct kmod_module *mod, const char *command);
void module_set_remove_command(struct kmod_module *mod, const char *command);
/* Whether the module is built into the kernel, as kmod answers it: what
 * a lookup or kmod_module_new_from_path learnt, else modules.builtin.bin
 * (asked once, then kept). */
bool module_is_builtin(struct kmod_module *mod);
/* The context the module belongs to (the module holds a reference). */
struct kmod_ctx *module_ctx(const struct kmod_module *mod);
/* The alias the module was found through; NULL when made by name. */
const char *module_alias(const struct kmod_module *mod);
/* kmod_module_unref with the signature list_release wants. */
void module_release(void *mod);

#endif
