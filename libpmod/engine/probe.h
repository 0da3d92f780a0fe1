/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading and unloading resolved modules (probe.c, remove.c): the work of
 * pmod_load and pmod_unload once their request-level gates have passed. */
#ifndef PMOD_PROBE_H
#define PMOD_PROBE_H

#include "context.h"
#include "record.h"

enum probe_flags {
	PROBE_DRY_RUN = 1 << 0,		/* -n/-D: execute nothing */
	PROBE_IGNORE_LOADED = 1 << 1,	/* -D: never ask the kernel what is loaded */
	PROBE_FIRST_TIME = 1 << 2,		/* -EEXIST when the target is in the kernel */
	PROBE_IGNORE_COMMANDS = 1 << 3,	/* -i: the target's commands and softdeps */
	PROBE_BLACKLIST_NAMES = 1 << 4,	/* -b: blacklist also by real name */
	PROBE_FORCE_MODVERSION = 1 << 5,
	PROBE_FORCE_VERMAGIC = 1 << 6,
	/* -D: no signature verdicts. */
	PROBE_NO_SIGNATURE_CHECK = 1 << 7,
	/* A judged listing (PMOD_LOAD_VERIFY): each file's signature is
	 * judged and told, not applied. */
	PROBE_JUDGE_SIGNATURES = 1 << 8,
};


/* An install or remove command through /bin/sh -c (system(3)), every
 * "$CMDLINE_OPTS" replaced by options, MODPROBE_MODULE=name set while it
 * runs. A non-zero exit is -EINVAL with err saying so. Leaves an
 * install-command/remove-command record (signature not-checked). */
int probe_run_command(struct pmod_ctx *ctx, const struct request *req, const char *type,
		      const char *name, const char *command, const char *options,
		      struct pmod_error *err);

/* probe_module's result for a module reached through an alias (or, with
 * PROBE_BLACKLIST_NAMES, by name) and blacklisted: skipped. */
#define PROBE_BLACKLISTED 1

/* Load one resolved module with everything it needs, in kmod's way:
 * already loaded or built in is success (-EEXIST with FIRST_TIME);
 * failures of softdeps are ignored; any other failure stops and is
 * returned with err saying why in words (explain_insert). params are
 * the caller's, appended to the target's options. Every module file
 * passes the signing gate (at the kernel boundary, or here in a dry run
 * unless PROBE_NO_SIGNATURE_CHECK); a demand request's softdeps pass
 * AutoLoadPolicy and the blacklist. */
int probe_module(struct pmod_ctx *ctx, const struct request *req, const struct pmod_config *cfg,
		 const struct pmod_resolved *module, const char *params, unsigned flags,
		 pmod_step_fn show, void *data, struct pmod_error *err);

enum remove_flags {
	REMOVE_DRY_RUN = 1 << 0,		/* execute nothing */
	REMOVE_IGNORE_COMMANDS = 1 << 1,	/* the target's remove command and softdeps */
	REMOVE_HOLDERS = 1 << 2,		/* holders first */
	REMOVE_FIRST_TIME = 1 << 3,		/* -ENOENT when the target is not loaded */
	REMOVE_FORCE = 1 << 4,			/* PMOD_KERNEL_REMOVE_FORCE for every module */
};

struct remove_options {
	unsigned flags;
	unsigned wait_ms;	/* retry a busy module until this many ms passed */
	pmod_step_fn show;
	void *data;
	/* Out: the library refused before asking the kernel (not loaded
	 * with FIRST_TIME, built in, in use); kmod reports those at FATAL
	 * level. */
	bool refused;
};

/* Unload one resolved module the way modprobe -r does, then every module
 * it depended on that nothing uses any more, repeated until none is left
 * (kmod stops after one pass and leaves some loaded). */
int remove_resolved(struct pmod_ctx *ctx, const struct request *req,
		    const struct pmod_config *cfg, const struct pmod_resolved *module,
		    struct remove_options *opts, struct pmod_error *err);

#endif
