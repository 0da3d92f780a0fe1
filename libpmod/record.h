/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Leaving a record of a load, unload or refusal (record.c). */
#ifndef PMOD_RECORD_H
#define PMOD_RECORD_H

#include "pmod.h"

/* Until signature verification lands, every record says so. */
#define RECORD_SIGNATURE_NOT_CHECKED "not-checked"

/* Formats the record and hands it to the context's record function
 * (syslog by default). */
void record_emit(struct pmod_ctx *ctx, const struct pmod_record *record);
/* A refusal before the kernel: "refuse-load"/"refuse-unload" with the
 * rule and the error. */
void record_refusal(struct pmod_ctx *ctx, enum pmod_operation op, const char *module,
		    const char *path, const char *rule, int code);

#endif
