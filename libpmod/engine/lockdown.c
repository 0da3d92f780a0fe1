// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lockdown: once module operations are locked, nothing loads or unloads
 * until reboot, and every tool says so plainly, with since when and by
 * which setting, rather than blaming a missing privilege.
 *
 * Two signs, read as follows (pmod-policy.conf(5) says the same):
 *  - /proc/sys/kernel/modules_disabled = 1 is the kernel's ratchet: locked,
 *    refused before any work. When pmod turned it (pmod_lockdown), its
 *    note under /run says when and by which setting; without that note
 *    someone else did.
 *  - LockAfterBoot = 1 is the administrator's request that pmod turn that
 *    ratchet once boot has finished (`kmod lockdown`, run by a unit at the
 *    end of boot). The knob alone cannot say whether boot has finished
 *    (boot-time loads run through this same modprobe and must work), so it
 *    does not refuse anything by itself; but when it is set, an EPERM from
 *    the kernel (to a caller whose privilege was checked) is the lock, and
 *    is reported as lockdown. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "error.h"
#include "kernel.h"
#include "lockdown.h"
#include "lockdown_record.h"
#include "policy.h"

static const char *verb(enum pmod_operation op)
{
	return op == PMOD_OPERATION_LOAD ? "loading" : "unloading";
}

void lockdown_status(struct pmod_ctx *ctx, struct pmod_lock_status *st)
{
	const struct pmod_policy *p;
	struct lockdown_record rec;
	struct pmod_error why = { 0 };
	int disabled, r;

	st->state = PMOD_LOCK_OPEN;
	st->since = -1;
	st->since_text[0] = '\0';
	st->setting[0] = '\0';
	st->problem = 0;
	/* The policy cannot be read only for want of memory: nobody can say
	 * the administrator did not ask for the lock. */
	st->lock_after_boot = true;
	st->lock_after_boot_unreadable = true;
	st->policy_source = PMOD_POLICY_SOURCE_DEFAULTS;
	if (pmod_ctx_policy(ctx, &p) == 0) {
		st->lock_after_boot = pmod_policy_lock_after_boot(p);
		st->lock_after_boot_unreadable = p->fail_closed[POLICY_KNOB_LOCK_AFTER_BOOT];
		st->policy_source = pmod_policy_source(p);
	}
	disabled = kernel_modules_disabled();
	if (disabled < 0) {
		st->state = PMOD_LOCK_UNKNOWN;
		st->problem = disabled;
		return;
	}
	if (disabled == 0)
		return;
	st->state = PMOD_LOCK_BY_OTHER;
	r = lockdown_record_read(pmod_ctx_root(ctx), &rec, &why);
	if (r < 0) {
		/* A note that is there but not pmod's is worth a word: someone
		 * may be trying to put words in pmod's mouth. */
		if (r != -ENOENT)
			ctx_log(ctx, LOG_WARNING, "%s; the lock is reported as set by someone "
				"other than pmod", why.text);
		return;
	}
	st->state = PMOD_LOCK_BY_PMOD;
	st->since = (long long)rec.since;
	lockdown_since_text(rec.since, st->since_text, sizeof(st->since_text));
	lockdown_setting_text(&rec, st->setting, sizeof(st->setting));
}

int pmod_lock_status(struct pmod_ctx *ctx, struct pmod_lock_status *status,
		     struct pmod_error *err)
{
	struct pmod_error local;

	if (err == NULL)
		err = &local;
	if (ctx == NULL || status == NULL || status->size < sizeof(*status))
		return pmod_fail(err, -EINVAL, "pmod_lock_status needs a context and its status");
	lockdown_status(ctx, status);
	return 0;
}

bool lockdown_explain(struct pmod_ctx *ctx, enum pmod_operation op, bool kernel_said_eperm,
		      int code, struct pmod_error *err)
{
	struct pmod_lock_status st = { .size = sizeof(st) };

	lockdown_status(ctx, &st);
	/* Unreadable is not "unlocked" in silence, nor "locked": the lock is
	 * the kernel's, and it refuses the call itself when set, so going on
	 * opens nothing, while refusing would stop every load on a system
	 * whose /proc is merely odd. Said once, before the work. */
	if (st.state == PMOD_LOCK_UNKNOWN && !kernel_said_eperm)
		ctx_log(ctx, LOG_WARNING,
			"cannot tell whether module %s is locked (/proc/sys/kernel/modules_disabled: "
			"%s); going on, the kernel refuses the call itself if it is",
			verb(op), strerror(-st.problem));
	if (st.state == PMOD_LOCK_BY_PMOD) {
		pmod_fail(err, code,
			  "module %s is locked until reboot (since %s, by %s; "
			  "/proc/sys/kernel/modules_disabled is 1)",
			  verb(op), st.since_text, st.setting);
		return true;
	}
	if (st.state == PMOD_LOCK_BY_OTHER) {
		pmod_fail(err, code,
			  "module %s is locked until reboot (by someone other than pmod, since a "
			  "time pmod does not know; /proc/sys/kernel/modules_disabled is 1)",
			  verb(op));
		return true;
	}
	if (st.lock_after_boot && kernel_said_eperm) {
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
