// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_module_remove_module: kmod's unload of one module, handed to
 * pmod_unload (lockdown, privilege, then the module alone, as rmmod).
 * The kernel is always asked without waiting (O_NONBLOCK), as kmod does.
 * KMOD_REMOVE_FORCE is passed on as a forced unload, which libpmod
 * refuses with -EOPNOTSUPP before the kernel is asked, except in builds
 * made with forced unload: it never becomes O_TRUNC here. */
#include <errno.h>
#include <syslog.h>

#include "context.h"
#include "module.h"

int kmod_module_remove_module(struct kmod_module *mod, unsigned int flags)
{
	struct pmod_unload_options o = { .size = sizeof(o), .flags = PMOD_UNLOAD_MODULE_ONLY };
	struct pmod_error err = { 0 };
	struct kmod_ctx *ctx;
	int r;

	if (mod == NULL)
		return -ENOENT;
	ctx = module_ctx(mod);
	if (flags & KMOD_REMOVE_FORCE)
		o.flags |= PMOD_UNLOAD_FORCE;
	r = pmod_unload(ctx_pmod(ctx), kmod_module_get_name(mod), &o, &err);
	if (r < 0 && !(flags & KMOD_REMOVE_NOLOG))
		ctx_log_message(ctx, LOG_ERR, __func__, "could not remove '%s': %s\n",
			kmod_module_get_name(mod), err.text);
	/* In use: libpmod refuses before the kernel with -EBUSY; kmod's
	 * callers get what the kernel answers for a busy module without
	 * waiting. */
	if (r == -EBUSY && o.outcome == PMOD_OUTCOME_CHECK_FAILED)
		return -EAGAIN;
	return r;
}
