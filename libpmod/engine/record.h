/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Leaving a record of a load, unload or refusal (record.c). */
#ifndef PMOD_RECORD_H
#define PMOD_RECORD_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel.h"
#include "pmod.h"

/* signature= where no verification ran (unloads, install commands). */
#define RECORD_SIGNATURE_NOT_CHECKED "not-checked"
/* signature= where verification ran and reached no verdict (not a module,
 * libcrypto missing). */
#define RECORD_SIGNATURE_UNVERIFIABLE "unverifiable"

/* The caller's parent as the records of one call name it: read from
 * /proc for the call's first record and again only when the parent has
 * changed since (it died and the caller was reparented), so that a chain
 * of modules costs one read, not one per module. */
struct record_parent {
	pid_t ppid;		/* whose line `found` is; 0: none read yet */
	int found;		/* kernel_process_read's result */
	struct kernel_process process;
};

/* One call of pmod_load or pmod_unload: what its records name. It lives
 * on that call's stack and is handed to everything below that leaves a
 * record, so that two requests on one context never mix. */
struct request {
	const char *text;	/* the request as asked (a name, an alias, a path) */
	bool demand;		/* a demand or automatic load */
	/* The AutoLoadPolicy rule that let the demand load in ("" until
	 * one did); named by the records of what it then loads. */
	char rule[320];
	/* pmod_load's run_command: runs install commands instead of the
	 * shell (NULL: the shell). */
	pmod_command_fn run_command;
	void *run_command_data;
	/* The call's own memo of its caller's parent (may be NULL). */
	struct record_parent *parent;
};

/* Formats the record, with what req says about the request (req may be
 * NULL: no request), and hands it to the context's record function
 * (syslog by default). */
void record_emit(struct pmod_ctx *ctx, const struct request *req, const struct pmod_record *record);
/* A refusal before the kernel: "refuse-load"/"refuse-unload" with the
 * rule and the error. */
void record_refusal(struct pmod_ctx *ctx, const struct request *req, enum pmod_operation op,
		    const char *module, const char *path, const char *rule, int code);

#endif
