/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PMOD_GATE_H
#define PMOD_GATE_H

#include "pmod.h"

/* pmod_check_forced_load naming the module and file in the record (the
 * kernel boundary's own check, in case a caller skipped the tools'). */
int gate_forced_load(struct pmod_ctx *ctx, unsigned insert_flags, const char *module,
		     const char *path, struct pmod_error *err);

#endif
