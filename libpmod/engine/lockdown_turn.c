// SPDX-License-Identifier: LGPL-2.1-or-later
/* Turning the post-boot lock (pmod_lockdown): when LockAfterBoot asks for
 * it, the caller's authority is checked (SeTcbPrivilege: the lock takes
 * module loading away from everyone until reboot), 1 is written to the
 * kernel's one-way switch and read back, the time and setting are noted
 * for later refusals, and a "lockdown" record says it was done (or why it
 * could not be). */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "context.h"
#include "error.h"
#include "kernel.h"
#include "lockdown.h"
#include "lockdown_record.h"
#include "privilege.h"
#include "record.h"

static void leave_record(struct pmod_ctx *ctx, const char *setting, int result)
{
	struct pmod_record rec = {
		.action = "lockdown",
		.rule = setting,
		.result = result,
	};

	record_emit(ctx, NULL, &rec);
}

int pmod_lockdown(struct pmod_ctx *ctx, enum pmod_lockdown_outcome *outcome,
		  struct pmod_lock_status *status, struct pmod_error *err)
{
	struct pmod_lock_status before = { .size = sizeof(before) };
	struct lockdown_record note;
	struct pmod_error local, why = { 0 };
	char setting[sizeof(before.setting)];
	bool asked;
	int r;

	if (err == NULL)
		err = &local;
	if (ctx == NULL || outcome == NULL || (status != NULL && status->size < sizeof(*status)))
		return pmod_fail(err, -EINVAL, "pmod_lockdown needs a context and an outcome");
	*outcome = PMOD_LOCKDOWN_NOT_ASKED;
	lockdown_status(ctx, &before);
	if (status != NULL)
		*status = before;
	if (!before.lock_after_boot)
		return 0;
	if (before.state == PMOD_LOCK_BY_PMOD || before.state == PMOD_LOCK_BY_OTHER) {
		*outcome = PMOD_LOCKDOWN_ALREADY;
		return 0;
	}
	note.since = time(NULL);
	note.source = before.policy_source;
	note.unreadable = before.lock_after_boot_unreadable;
	lockdown_setting_text(&note, setting, sizeof(setting));
	r = privilege_check_lock(ctx_privilege(ctx), err);
	if (r < 0) {
		leave_record(ctx, setting, r);
		return r;
	}
	r = kernel_lock_modules(ctx_privilege(ctx), &asked, err);
	if (r < 0) {
		leave_record(ctx, setting, r);
		return r;
	}
	/* The write succeeding is not the lock: only the kernel's own answer
	 * afterwards is. */
	r = kernel_modules_disabled();
	if (r != 1) {
		r = r < 0 ? r : -EIO;
		pmod_fail(err, r, "wrote 1 to /proc/sys/kernel/modules_disabled, but it does not "
			  "read back 1 (%s)", r == -EIO ? "it reads 0" : strerror(-r));
		leave_record(ctx, setting, r);
		return r;
	}
	*outcome = PMOD_LOCKDOWN_LOCKED;
	/* The lock holds whether or not the note can be written; without it
	 * refusals only cannot say since when. */
	r = lockdown_record_write(pmod_ctx_root(ctx), &note, &why);
	if (r < 0)
		ctx_log(ctx, LOG_WARNING, "%s; refusals will not say since when the lock holds",
			why.text);
	leave_record(ctx, setting, 0);
	if (status != NULL)
		lockdown_status(ctx, status);
	return 0;
}
