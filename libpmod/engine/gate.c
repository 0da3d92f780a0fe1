// SPDX-License-Identifier: LGPL-2.1-or-later
/* The gates a load or unload passes before the kernel is asked, in the
 * order a person needs the answers: a locked system first (nothing else
 * matters until reboot), then the caller's authority, then what the
 * policies say (demand loads, forced loads, signatures). Each refusal
 * leaves a record naming the request it refused. */
#include <errno.h>
#include <stdio.h>

#include "context.h"
#include "error.h"
#include "gate.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "policy.h"
#include "privilege.h"
#include "record.h"

const char *pmod_gate_name(enum pmod_gate gate)
{
	switch (gate) {
	case PMOD_GATE_LOCKDOWN: return "lockdown";
	case PMOD_GATE_PRIVILEGE: return "privilege";
	case PMOD_GATE_AUTOLOAD: return "autoload-policy";
	case PMOD_GATE_BLACKLIST: return "blacklist";
	case PMOD_GATE_FORCED_LOAD: return "forced-load";
	case PMOD_GATE_SIGNATURE: return "signature";
	}
	return "unknown";
}

void gate_tell(const struct request *req, const struct pmod_gate_answer *answer)
{
	if (req != NULL && req->judge && req->gate != NULL)
		req->gate(req->gate_data, answer);
}

int gate_request(struct pmod_ctx *ctx, const struct request *req, enum pmod_operation op,
		 bool privilege, struct pmod_error *err)
{
	int r;

	r = lockdown_check(ctx, op, err);
	if (r < 0) {
		record_refusal(ctx, req, op, NULL, NULL, "lockdown", r);
		return r;
	}
	if (!privilege)
		return 0;
	r = privilege_check(ctx_privilege(ctx), op, err);
	if (r < 0) {
		record_refusal(ctx, req, op, NULL, NULL, "privilege", r);
		return r;
	}
	return 0;
}

enum pmod_signing_policy gate_signing_policy(struct pmod_ctx *ctx)
{
	const struct pmod_policy *p;

	/* The policy could not be read (out of memory): nobody can say the
	 * administrator did not ask for enforce, so enforce it is. */
	if (pmod_ctx_policy(ctx, &p) < 0)
		return PMOD_SIGNING_ENFORCE;
	return pmod_ctx_signing_policy(ctx);
}

int gate_forced_load(struct pmod_ctx *ctx, const struct request *req, unsigned insert_flags,
		     const char *module, const char *path, struct pmod_error *err)
{
	const char *which;

	struct pmod_gate_answer answer = {
		.gate = PMOD_GATE_FORCED_LOAD, .applied = true, .module = module, .path = path,
	};

	if (!(insert_flags & (PMOD_INSERT_FORCE_MODVERSION | PMOD_INSERT_FORCE_VERMAGIC)))
		return 0;
	if (gate_signing_policy(ctx) != PMOD_SIGNING_ENFORCE) {
		answer.rule = "SigningPolicy=warn";
		gate_tell(req, &answer);
		return 0;
	}
	if ((insert_flags & PMOD_INSERT_FORCE_MODVERSION) &&
	    (insert_flags & PMOD_INSERT_FORCE_VERMAGIC))
		which = "its version magic and symbol versions";
	else if (insert_flags & PMOD_INSERT_FORCE_VERMAGIC)
		which = "its version magic";
	else
		which = "its symbol versions";
	/* Said in terms of what the load would do, not of a tool's option:
	 * the library serves callers that have no command line. */
	pmod_fail(err, -EPERM,
		  "forced loads are refused: the signing policy is enforce, and loading a module "
		  "while ignoring %s bypasses the kernel's checks so the kernel treats it as "
		  "unsigned", which);
	record_refusal(ctx, req, PMOD_OPERATION_LOAD, module, path,
		       "SigningPolicy=enforce: forced load", -EPERM);
	answer.refused = true;
	answer.rule = "SigningPolicy=enforce: forced load";
	answer.reason = err != NULL ? err->text : NULL;
	gate_tell(req, &answer);
	return -EPERM;
}
