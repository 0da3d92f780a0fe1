/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The gates of pmod_load and pmod_unload (gate.c, lockdown.c,
 * demand_load.c, signing_gate.c). Internal: the only public way to a
 * kernel call is through those two functions, which apply these in order. */
#ifndef PMOD_GATE_H
#define PMOD_GATE_H

#include <stdbool.h>

#include "lockdown.h"
#include "pmod.h"
#include "record.h"

/* Lockdown, then (when privilege is true) the caller's authority; a
 * refusal is recorded with rule "lockdown" or "privilege". */
int gate_request(struct pmod_ctx *ctx, const struct request *req, enum pmod_operation op,
		 bool privilege, struct pmod_error *err);

/* Forced loads (PMOD_INSERT_FORCE_*) strip or bypass the kernel's checks,
 * and the kernel treats such a module as unsigned: refused (-EPERM,
 * recorded, naming module and path when known) when the signing policy
 * is enforce. */
int gate_forced_load(struct pmod_ctx *ctx, const struct request *req, unsigned insert_flags,
		     const char *module, const char *path, struct pmod_error *err);

/* The signing policy the gates apply: the effective one, or enforce when
 * the policy cannot be read at all (a gate fails closed). */
enum pmod_signing_policy gate_signing_policy(struct pmod_ctx *ctx);

/* AutoLoadPolicy for a demand load (demand_load.c). module is what the
 * request resolved to, or NULL before resolving (then only "disabled"
 * refuses). 0: allowed, and req->rule names the rule that allowed it;
 * -EPERM: refused (err names the request and the rule; recorded). A
 * policy that cannot be read refuses. */
int demand_check(struct pmod_ctx *ctx, struct request *req, const struct pmod_resolved *module,
		 struct pmod_error *err);
/* The rule demand_check last refused with (static text), for a gate
 * answer; NULL when the policy could not be read. */
const char *demand_refusing_rule(struct pmod_ctx *ctx, const struct request *req,
				 const struct pmod_resolved *module);
/* A module a demand load would bring in beside its target (a softdep,
 * named asked in the configuration): 0 when AutoLoadPolicy allows it and
 * the blacklist does not name it; -EPERM when it must be skipped, with a
 * refusal recorded (unless record is false: a dry run). */
int demand_check_extra(struct pmod_ctx *ctx, const struct request *req,
		       const struct pmod_config *cfg, const char *asked,
		       const struct pmod_resolved *module, bool record);
/* The rule that lets such a module in (for its step's gate answer), into
 * rule (size bytes). */
void demand_allowing_rule(struct pmod_ctx *ctx, const char *asked,
			  const struct pmod_resolved *module, char *rule, size_t size);

/* Hands answer to the request's gate function, when it judges and has
 * one. */
void gate_tell(const struct request *req, const struct pmod_gate_answer *answer);

/* Whether the calling process is systemd-udevd (or one of its workers),
 * whose loads are automatic loads (automatic_caller.c). */
enum automatic_caller_answer {
	CALLER_EXPLICIT,	/* not udevd */
	CALLER_UDEVD,		/* udevd by its name or its executable */
	CALLER_UNKNOWN,		/* its executable cannot be read: treated as udevd */
};
enum automatic_caller_answer automatic_caller(void);

#endif
