/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The signing gate on a module file already open (signing_gate.c): the
 * kernel boundary judges the very descriptor it then loads from. */
#ifndef PMOD_SIGNING_GATE_H
#define PMOD_SIGNING_GATE_H

#include <stdbool.h>

#include "module_file.h"
#include "pmod.h"

/* pmod_signing_gate on mf's bytes (decoded from its descriptor, cached in
 * mf for the load that follows). *judged is true when *res holds a
 * verdict; false when none could be reached (not a module, libcrypto
 * missing), which warn lets through. Refusals are recorded here with the
 * verdict. */
int signing_gate_file(struct pmod_ctx *ctx, struct module_file *mf,
		      struct pmod_verify_result *res, bool *judged, struct pmod_error *err);

#endif
