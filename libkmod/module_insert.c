// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_insert_module and kmod_module_probe_insert_module: kmod's
 * way of asking for a load, handed to pmod_load, the one gated path.
 * Every gate is libpmod's (lockdown, privilege, AutoLoadPolicy and the
 * blacklist for automatic loads, which libpmod recognises itself when
 * the caller is systemd-udevd, the forced-load rule, the signature of
 * the bytes the kernel receives); this file only translates kmod's
 * flags, callbacks and return values. A refusal comes back as the errno
 * libpmod chose: -EPERM for lockdown, privilege and policy, -EKEYREJECTED
 * for a signature. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "module.h"

int kmod_module_insert_module(struct kmod_module *mod, unsigned int flags, const char *options)
{
	struct pmod_load_options o = {
		.size = sizeof(o),
		.flags = PMOD_LOAD_FILE_ONLY,
		.params = options ? options : "",
	};
	struct pmod_error err = { 0 };
	struct kmod_ctx *ctx;
	const char *path;
	int r;

	if (mod == NULL)
		return -ENOENT;
	ctx = module_ctx(mod);
	path = kmod_module_get_path(mod);
	if (path == NULL) {
		ctx_log_message(ctx, LOG_ERR, __func__, "could not find module by name='%s'\n",
			kmod_module_get_name(mod));
		return -ENOENT;
	}
	if (flags & KMOD_INSERT_FORCE_MODVERSION)
		o.flags |= PMOD_LOAD_FORCE_MODVERSION;
	if (flags & KMOD_INSERT_FORCE_VERMAGIC)
		o.flags |= PMOD_LOAD_FORCE_VERMAGIC;
	r = pmod_load(ctx_pmod(ctx), path, &o, &err);
	if (r < 0)
		ctx_log_message(ctx, LOG_INFO, __func__, "Failed to insert module '%s': %s\n", path,
			err.text);
	return r < 0 ? r : 0;
}

/* One probe call: what the callbacks need. */
struct probe_call {
	struct kmod_module *target;
	int (*run_install)(struct kmod_module *m, const char *cmdline, void *data);
	void *data;
	void (*print_action)(struct kmod_module *m, bool install, const char *options);
};

/* kmod hands its callbacks module objects: the context's object for that
 * name (the caller's own one for the target). */
static struct kmod_module *step_module(struct probe_call *call, const char *name)
{
	struct kmod_module *m = NULL;

	if (strcmp(name, kmod_module_get_name(call->target)) == 0)
		return kmod_module_ref(call->target);
	if (kmod_module_new_from_name(module_ctx(call->target), name, &m) < 0)
		return NULL;
	return m;
}

/* print_action as kmod calls it: before each insert (install false) or
 * install command (true), with the options the module gets. */
static void show_step(void *data, const struct pmod_step *s)
{
	struct probe_call *call = data;
	struct kmod_module *m;

	if (call->print_action == NULL)
		return;
	if (s->kind != PMOD_STEP_INSERT && s->kind != PMOD_STEP_COMMAND)
		return;
	m = step_module(call, s->name);
	if (m == NULL)
		return;
	call->print_action(m, s->kind == PMOD_STEP_COMMAND, s->options ? s->options : "");
	kmod_module_unref(m);
}

static int run_install(void *data, const char *name, const char *command)
{
	struct probe_call *call = data;
	struct kmod_module *m = step_module(call, name);
	int r;

	if (m == NULL)
		return -ENOMEM;
	r = call->run_install(m, command, call->data);
	kmod_module_unref(m);
	return r;
}

static void show_unknown(struct kmod_module *mod, const char *extra,
			 void (*print_action)(struct kmod_module *m, bool install,
					      const char *options))
{
	const char *configured = kmod_module_get_options(mod);
	char *both = NULL;

	if (configured != NULL && extra != NULL &&
	    asprintf(&both, "%s %s", configured, extra) < 0)
		both = NULL;
	print_action(mod, false, both ? both : configured ? configured : extra ? extra : "");
	free(both);
}

/* kmod's module_is_inkernel: live, or built in. */
static bool in_kernel(struct kmod_module *mod)
{
	int state = pmod_kernel_module_state(ctx_pmod(module_ctx(mod)), kmod_module_get_name(mod));

	return state == PMOD_STATE_LIVE || state == PMOD_STATE_BUILTIN;
}

/* The caller's blacklist flags, checked on the module itself as kmod does
 * before planning: the flag that stopped it (kmod's positive return), or
 * 0. */
static int blacklist_stop(struct kmod_module *mod, unsigned flags)
{
	if (!pmod_config_blacklisted(ctx_config(module_ctx(mod)), kmod_module_get_name(mod)))
		return 0;
	if (module_alias(mod) != NULL && (flags & KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY))
		return KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY;
	if (flags & KMOD_PROBE_APPLY_BLACKLIST_ALL)
		return KMOD_PROBE_APPLY_BLACKLIST_ALL;
	if (flags & KMOD_PROBE_APPLY_BLACKLIST)
		return KMOD_PROBE_APPLY_BLACKLIST;
	return 0;
}

int kmod_module_probe_insert_module(struct kmod_module *mod, unsigned int flags,
				    const char *extra_options,
				    int (*run_install_fn)(struct kmod_module *m, const char *cmdline,
							  void *data),
				    const void *data,
				    void (*print_action)(struct kmod_module *m, bool install,
							 const char *options))
{
	struct probe_call call = {
		.target = mod, .run_install = run_install_fn,
		.data = (void *)data, .print_action = print_action,
	};
	struct pmod_load_options o = {
		.size = sizeof(o),
		.config = NULL,
		.params = extra_options,
		.show = show_step,
		.show_data = &call,
	};
	struct pmod_error err = { 0 };
	struct kmod_ctx *ctx;
	int r;

	if (mod == NULL)
		return -ENOENT;
	ctx = module_ctx(mod);
	o.config = ctx_config(ctx);
	if (!(flags & KMOD_PROBE_IGNORE_LOADED) && in_kernel(mod))
		return (flags & KMOD_PROBE_FAIL_ON_LOADED) ? -EEXIST : 0;
	r = blacklist_stop(mod, flags);
	if (r > 0)
		return r;
	if (run_install_fn != NULL) {
		o.run_command = run_install;
		o.run_command_data = &call;
	}
	if (flags & KMOD_PROBE_FORCE_VERMAGIC)
		o.flags |= PMOD_LOAD_FORCE_VERMAGIC;
	if (flags & KMOD_PROBE_FORCE_MODVERSION)
		o.flags |= PMOD_LOAD_FORCE_MODVERSION;
	if (flags & KMOD_PROBE_IGNORE_COMMAND)
		o.flags |= PMOD_LOAD_IGNORE_COMMANDS;
	if (flags & KMOD_PROBE_DRY_RUN)
		o.flags |= PMOD_LOAD_DRY_RUN;
	if (flags & KMOD_PROBE_FAIL_ON_LOADED)
		o.flags |= PMOD_LOAD_FIRST_TIME;
	/* kmod drops every blacklisted module of the plan: libpmod's
	 * blacklist by real name. */
	if (flags & KMOD_PROBE_APPLY_BLACKLIST_ALL)
		o.flags |= PMOD_LOAD_USE_BLACKLIST;
	r = pmod_load(ctx_pmod(ctx), kmod_module_get_name(mod), &o, &err);
	/* kmod plans a module it knows nothing about as an insert, shows it,
	 * and fails on the missing file: the same lines for its callers. */
	if (r == -ENOENT && o.outcome == PMOD_OUTCOME_NOT_FOUND && print_action != NULL)
		show_unknown(mod, extra_options, print_action);
	if (r < 0) {
		ctx_log_message(ctx, LOG_INFO, __func__, "%s\n", err.text);
		return r;
	}
	/* The whole plan was blacklisted away. */
	if (r > 0)
		return KMOD_PROBE_APPLY_BLACKLIST_ALL;
	return 0;
}
