/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The signing gate (signing_gate.c): the kernel boundary judges the very
 * bytes it then hands the kernel; a dry run judges the file the same way. */
#ifndef PMOD_SIGNING_GATE_H
#define PMOD_SIGNING_GATE_H

#include <stdbool.h>

#include "module_file.h"
#include "pmod.h"
#include "record.h"

/* The signing policy's verdict on mf's bytes (decoded from its
 * descriptor, cached in mf for the load that follows). 0: the load may go
 * on (valid, or the policy is warn, which logs a warning naming the file,
 * the verdict and the policy). -EKEYREJECTED under enforce for anything
 * but valid, with err naming the module, the verdict and the policy.
 * *judged is true when *res holds a verdict; false when none could be
 * reached (not a module, libcrypto missing), which warn lets through and
 * enforce refuses. Refusals are recorded here with the verdict. */
int signing_gate_file(struct pmod_ctx *ctx, const struct request *req, struct module_file *mf,
		      struct pmod_verify_result *res, bool *judged, struct pmod_error *err);
/* The same on a file opened here (dry runs: the judgement a load would
 * get); result may be NULL. A file that cannot be opened is refused under
 * enforce and let through under warn (the load would then fail). */
int signing_gate_path(struct pmod_ctx *ctx, const struct request *req, const char *path,
		      struct pmod_verify_result *result, struct pmod_error *err);

/* What the gate makes of a file, before it acts: code < 0 refuses
 * (enforce), warn says something and lets it go, else it passes. rule
 * names the rule as records do; text is the refusal (err's words) or the
 * warning. judged: res holds a verdict. */
struct signing_judgement {
	bool judged;
	bool warn;
	int code;
	char rule[96];
	char text[600];
};
/* The judgement alone, with no record and no message: what a plan
 * reports (always 0). */
int signing_gate_judge_path(struct pmod_ctx *ctx, const struct request *req, const char *path,
			    struct pmod_verify_result *res, struct signing_judgement *j);
/* Acts on a judgement as signing_gate_path does (refuse and record, or
 * warn). */
int signing_gate_apply(struct pmod_ctx *ctx, const struct request *req, const char *path,
		       const struct pmod_verify_result *res, const struct signing_judgement *j,
		       struct pmod_error *err);

#endif
