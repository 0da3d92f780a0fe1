/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Leaving a record of a load, unload or refusal (record.c). */
#ifndef PMOD_RECORD_H
#define PMOD_RECORD_H

#include "pmod.h"

/* signature= where no verification ran (unloads, install commands). */
#define RECORD_SIGNATURE_NOT_CHECKED "not-checked"
/* signature= where verification ran and reached no verdict (not a module,
 * libcrypto missing). */
#define RECORD_SIGNATURE_UNVERIFIABLE "unverifiable"

/* Formats the record and hands it to the context's record function
 * (syslog by default). */
void record_emit(struct pmod_ctx *ctx, const struct pmod_record *record);
/* A refusal before the kernel: "refuse-load"/"refuse-unload" with the
 * rule and the error. */
/* The AutoLoadPolicy rule that let a demand load go ahead, named by the
 * records that follow (a copy is kept; NULL forgets it). */
int record_set_demand_rule(struct pmod_ctx *ctx, const char *rule);
void record_refusal(struct pmod_ctx *ctx, enum pmod_operation op, const char *module,
		    const char *path, const char *rule, int code);

#endif
