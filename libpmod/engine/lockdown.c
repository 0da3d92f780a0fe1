// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lockdown: once module operations are locked, nothing
 * loads or unloads until reboot, and the tools say so plainly rather
 * than blaming a missing privilege.
 *
 * Two signs, read as follows (pmod-policy.conf(5) says the same):
 *  - /proc/sys/kernel/modules_disabled = 1 is the kernel's ratchet: locked,
 *    refused before any work.
 *  - LockAfterBoot = 1 is the administrator's request that the kernel lock
 *    module operations once boot has finished. The knob alone cannot say
 *    whether boot has finished (boot-time loads run through this same
 *    modprobe and must work), so it does not refuse anything by itself;
 *    but when it is set, an EPERM from the kernel (to a caller whose
 *    privilege was checked) is the lock, and is reported as lockdown. */
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "error.h"
#include "kernel.h"
#include "lockdown.h"
#include "policy.h"

static const char *verb(enum pmod_operation op)
{
	return op == PMOD_OPERATION_LOAD ? "loading" : "unloading";
}

static bool lock_after_boot(struct pmod_ctx *ctx)
{
	const struct pmod_policy *p;

	return pmod_ctx_policy(ctx, &p) == 0 && pmod_policy_lock_after_boot(p);
}

bool lockdown_explain(struct pmod_ctx *ctx, enum pmod_operation op, bool kernel_said_eperm,
		      int code, struct pmod_error *err)
{
	bool peios_lock = lock_after_boot(ctx);
	int disabled = kernel_modules_disabled();

	/* Unreadable is not "unlocked" in silence, nor "locked": the lock is
	 * the kernel's, and it refuses the call itself when set, so going on
	 * opens nothing, while refusing would stop every load on a system
	 * whose /proc is merely odd. Said once, before the work. */
	if (disabled < 0 && !kernel_said_eperm)
		ctx_log(ctx, LOG_WARNING,
			"cannot tell whether module %s is locked (/proc/sys/kernel/modules_disabled: "
			"%s); going on, the kernel refuses the call itself if it is",
			verb(op), strerror(-disabled));
	if (disabled > 0) {
		pmod_fail(err, code,
			  "module %s is locked until reboot (/proc/sys/kernel/modules_disabled is 1%s)",
			  verb(op), peios_lock ? "; the Peios post-boot lock, LockAfterBoot = 1" : "");
		return true;
	}
	if (peios_lock && kernel_said_eperm) {
		pmod_fail(err, code,
			  "module %s is locked until reboot (the Peios post-boot lock: "
			  "LockAfterBoot = 1)", verb(op));
		return true;
	}
	return false;
}

int lockdown_check(struct pmod_ctx *ctx, enum pmod_operation op, struct pmod_error *err)
{
	if (lockdown_explain(ctx, op, false, -EPERM, err))
		return -EPERM;
	return 0;
}
