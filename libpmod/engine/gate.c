// SPDX-License-Identifier: LGPL-2.1-or-later
/* The gates a load or unload passes before the kernel is asked, in the
 * order a person needs the answers: a locked system first (nothing else
 * matters until reboot), then the caller's authority, then what the
 * signing policy says about forced loads. Each refusal leaves a record. */
#include <errno.h>
#include <stdio.h>

#include "context.h"
#include "error.h"
#include "policy.h"
#include "record.h"
#include "gate.h"

int pmod_gate(struct pmod_ctx *ctx, enum pmod_operation op, struct pmod_error *err)
{
	int r;

	r = pmod_check_lockdown(ctx, op, err);
	if (r < 0) {
		record_refusal(ctx, op, NULL, NULL, "lockdown", r);
		return r;
	}
	r = privilege_check(ctx_privilege(ctx), op, err);
	if (r < 0) {
		record_refusal(ctx, op, NULL, NULL, "privilege", r);
		return r;
	}
	return 0;
}

int gate_forced_load(struct pmod_ctx *ctx, unsigned insert_flags, const char *module,
		     const char *path, struct pmod_error *err)
{
	const char *which;

	if (!(insert_flags & (PMOD_INSERT_FORCE_MODVERSION | PMOD_INSERT_FORCE_VERMAGIC)))
		return 0;
	if (pmod_ctx_signing_policy(ctx) != PMOD_SIGNING_ENFORCE)
		return 0;
	if ((insert_flags & PMOD_INSERT_FORCE_MODVERSION) &&
	    (insert_flags & PMOD_INSERT_FORCE_VERMAGIC))
		which = "--force";
	else if (insert_flags & PMOD_INSERT_FORCE_VERMAGIC)
		which = "--force-vermagic";
	else
		which = "--force-modversion";
	pmod_fail(err, -EPERM,
		  "forced loads are refused: the signing policy is enforce, and %s bypasses the "
		  "kernel's checks so the kernel treats the module as unsigned", which);
	record_refusal(ctx, PMOD_OPERATION_LOAD, module, path, "SigningPolicy=enforce: forced load",
		       -EPERM);
	return -EPERM;
}

int pmod_check_forced_load(struct pmod_ctx *ctx, unsigned insert_flags, struct pmod_error *err)
{
	return gate_forced_load(ctx, insert_flags, NULL, NULL, err);
}

int pmod_check_privilege(struct pmod_ctx *ctx, enum pmod_operation op, struct pmod_error *err)
{
	return privilege_check(ctx_privilege(ctx), op, err);
}
