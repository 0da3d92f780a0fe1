// SPDX-License-Identifier: LGPL-2.1-or-later
/* pmod_load and pmod_unload: the one gated path from a request to the
 * kernel. Whoever calls the library (modprobe, insmod, rmmod, or a
 * service loading a device's driver) gets the same gates in the same
 * order, decided here rather than by each caller:
 *   lockdown, privilege, AutoLoadPolicy and the blacklist (demand and
 *   automatic loads), the forced-load rule, then each module's signature
 *   on the bytes the kernel receives (kernel_calls.c).
 * A dry run takes every gate but the privilege (it changes nothing) and
 * stops short of the kernel; a listing (-D) asks the kernel nothing at
 * all, so neither lockdown nor signatures apply to it.
 * What a record names about the request (as asked, demand or not, the
 * rule that let it in) lives in this call's struct request. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "context.h"
#include "error.h"
#include "kernel_errors.h"
#include "gate.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "probe.h"
#include "resolve.h"
#include "signature_verify.h"
#include "signing_gate.h"

#define LOAD_KNOWN_FLAGS                                                                   \
	(PMOD_LOAD_DRY_RUN | PMOD_LOAD_FIRST_TIME | PMOD_LOAD_IGNORE_COMMANDS |            \
	 PMOD_LOAD_USE_BLACKLIST | PMOD_LOAD_FORCE_MODVERSION | PMOD_LOAD_FORCE_VERMAGIC | \
	 PMOD_LOAD_DEMAND | PMOD_LOAD_AUTOMATIC | PMOD_LOAD_FILE_ONLY | PMOD_LOAD_LIST_ONLY |  \
	 PMOD_LOAD_JUDGE | PMOD_LOAD_VERIFY)
/* pmod_load_options before gate and gate_data were added. */
#define LOAD_OPTIONS_FIRST_SIZE offsetof(struct pmod_load_options, gate)
#define UNLOAD_KNOWN_FLAGS                                                        \
	(PMOD_UNLOAD_DRY_RUN | PMOD_UNLOAD_IGNORE_COMMANDS | PMOD_UNLOAD_REMOVE_HOLDERS | \
	 PMOD_UNLOAD_FIRST_TIME | PMOD_UNLOAD_FORCE | PMOD_UNLOAD_MODULE_ONLY)

/* ---------------------------------------------------------------- shared rules */

bool pmod_demand_invocation(int argc, char *const argv[])
{
	/* The kernel's request_module runs exactly "modprobe -q -- NAME"
	 * and sets no MODPROBE_OPTIONS; anyone can type that shape, so the
	 * parent decides: a kernel thread, or one that cannot be examined. */
	if (argc != 4 || argv == NULL || argv[1] == NULL || argv[2] == NULL || argv[3] == NULL)
		return false;
	if (strcmp(argv[1], "-q") != 0 || strcmp(argv[2], "--") != 0)
		return false;
	return kernel_parent_may_be_kernel_thread();
}

/* An argument starting with '/' or "./" is a module file; anything else is
 * a name, an alias or "symbol:NAME". */
static bool names_a_file(const char *request)
{
	return request[0] == '/' || strncmp(request, "./", 2) == 0;
}

int pmod_resolve_request(struct pmod_ctx *ctx, const struct pmod_config *cfg,
			 const char *request, struct pmod_resolved **found, size_t *count,
			 struct pmod_error *err)
{
	int r;

	if (request == NULL || request[0] == '\0')
		return pmod_fail(err, -EINVAL, "an empty module name");
	if (names_a_file(request)) {
		r = resolve_path(ctx, request, found, err);
		*count = r < 0 ? 0 : 1;
		return r;
	}
	return pmod_resolve(ctx, cfg, request, found, count, err);
}

/* The configuration a call uses: the caller's, or the defaults read for
 * this call (*owned then holds it). */
static int call_config(struct pmod_ctx *ctx, const struct pmod_config *given,
		       const struct pmod_config **cfg, struct pmod_config **owned,
		       struct pmod_error *err)
{
	*owned = NULL;
	if (given != NULL) {
		*cfg = given;
		return 0;
	}
	*cfg = NULL;
	if (pmod_config_load(ctx, NULL, owned, err) < 0)
		return err->code;
	*cfg = *owned;
	return 0;
}

static void report(pmod_report_fn fn, void *data, struct pmod_ctx *ctx, const char *verb,
		   const char *module, const struct pmod_error *err, bool fatal)
{
	if (fn != NULL)
		fn(data, module, err, fatal);
	else if (verb != NULL)
		ctx_log(ctx, LOG_ERR, "could not %s '%s': %s", verb, module, err->text);
	else
		ctx_log(ctx, LOG_ERR, "%s", err->text);
}

/* ---------------------------------------------------------------- load */

static unsigned insert_flags(unsigned flags)
{
	unsigned k = 0;

	if (flags & PMOD_LOAD_FORCE_MODVERSION)
		k |= PMOD_INSERT_FORCE_MODVERSION;
	if (flags & PMOD_LOAD_FORCE_VERMAGIC)
		k |= PMOD_INSERT_FORCE_VERMAGIC;
	return k;
}

static unsigned probe_flags(unsigned flags, bool demand)
{
	unsigned p = 0;

	/* A listing loads nothing: it pays for no signature verification
	 * either, and shows what is loaded already too. */
	if (flags & PMOD_LOAD_LIST_ONLY)
		p |= PROBE_DRY_RUN | PROBE_IGNORE_LOADED | PROBE_NO_SIGNATURE_CHECK;
	if (flags & PMOD_LOAD_VERIFY)
		p |= PROBE_JUDGE_SIGNATURES;
	if (flags & PMOD_LOAD_DRY_RUN)
		p |= PROBE_DRY_RUN;
	if (flags & PMOD_LOAD_FIRST_TIME)
		p |= PROBE_FIRST_TIME;
	if (flags & PMOD_LOAD_IGNORE_COMMANDS)
		p |= PROBE_IGNORE_COMMANDS;
	/* A demand load never reaches a blacklisted module, even by its
	 * real name. */
	if ((flags & PMOD_LOAD_USE_BLACKLIST) || demand)
		p |= PROBE_BLACKLIST_NAMES;
	if (flags & PMOD_LOAD_FORCE_MODVERSION)
		p |= PROBE_FORCE_MODVERSION;
	if (flags & PMOD_LOAD_FORCE_VERMAGIC)
		p |= PROBE_FORCE_VERMAGIC;
	return p;
}

/* insmod: exactly this file. An absolute path is taken under the root; a
 * relative one stays relative to the working directory. */
static int load_file(struct pmod_ctx *ctx, struct request *req, struct pmod_load_options *o,
		     struct pmod_error *err)
{
	const char *root = pmod_ctx_root(ctx);
	const char *params = o->params ? o->params : "";
	char *path = NULL, name[NAME_MAX + 1];
	bool answered = false;
	struct stat st;
	int r;

	if (req->text[0] == '/' && root[0] != '\0') {
		if (asprintf(&path, "%s%s", root, req->text) < 0)
			path = NULL;
	} else {
		path = strdup(req->text);
	}
	if (path == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	/* Nothing reaches the kernel for a file that is not there. */
	if (stat(path, &st) < 0) {
		r = pmod_fail(err, -errno, "%s", strerror(errno));
		o->outcome = PMOD_OUTCOME_NOT_FOUND;
		goto out;
	}
	if (pmod_module_name(path, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "?");
	if (req->demand) {
		struct pmod_resolved m = { .name = name, .path = path };

		r = demand_check(ctx, req, &m, err);
		if (r < 0) {
			o->outcome = PMOD_OUTCOME_FAILED;
			goto out;
		}
	}
	if (o->show != NULL) {
		struct pmod_step s = {
			.kind = PMOD_STEP_INSERT, .name = name, .path = path, .options = params,
			.target = true, .required = true,
		};

		o->show(o->show_data, &s);
	}
	if (o->flags & PMOD_LOAD_DRY_RUN) {
		r = signing_gate_path(ctx, req, path, NULL, err);
		if (r < 0)
			o->outcome = PMOD_OUTCOME_FAILED;
		goto out;
	}
	r = kernel_insert(ctx, req, path, params, insert_flags(o->flags), &answered, err);
	if (r < 0)
		o->outcome = answered ? PMOD_OUTCOME_KERNEL : PMOD_OUTCOME_FAILED;
out:
	free(path);
	return r;
}

/* Every module the request resolves to, each with what it needs; as in
 * kmod, the result is the last failure unless a later module succeeds. */
static int load_resolved(struct pmod_ctx *ctx, struct request *req,
			 const struct pmod_config *cfg, struct pmod_load_options *o,
			 struct pmod_error *err)
{
	struct pmod_resolved *found = NULL;
	struct pmod_error last = { 0 }, one;
	size_t count = 0;
	int r, ret = 0;

	r = pmod_resolve_request(ctx, cfg, req->text, &found, &count, err);
	if (r < 0) {
		o->outcome = PMOD_OUTCOME_LOOKUP_FAILED;
		return r;
	}
	if (count == 0) {
		pmod_resolved_free(found, count);
		o->outcome = PMOD_OUTCOME_NOT_FOUND;
		return pmod_fail(err, -ENOENT, "Module %s not found in directory %s", req->text,
				 pmod_ctx_module_dir(ctx));
	}
	for (size_t i = 0; i < count; i++) {
		/* Every module an alias resolves to is judged on its own. */
		if (req->demand) {
			r = demand_check(ctx, req, &found[i], &one);
			if (r < 0) {
				struct pmod_gate_answer answer = {
					.gate = PMOD_GATE_AUTOLOAD, .refused = true, .applied = true,
					.module = found[i].name, .path = found[i].path,
					.rule = demand_refusing_rule(ctx, req, &found[i]),
					.reason = one.text,
				};

				gate_tell(req, &answer);
				ret = r;
				last = one;
				report(o->report, o->report_data, ctx, "insert", found[i].name, &one,
				       false);
				continue;
			}
		}
		r = probe_module(ctx, req, cfg, &found[i], o->params,
				 probe_flags(o->flags, req->demand), o->show, o->show_data, &one);
		if (r >= 0) {
			ret = r;	/* blacklisted is a quiet success */
			continue;
		}
		ret = r;
		last = one;
		report(o->report, o->report_data, ctx, "insert", found[i].name, &one, false);
	}
	pmod_resolved_free(found, count);
	if (ret < 0) {
		*err = last;
		o->outcome = PMOD_OUTCOME_MODULE_FAILED;
	}
	return ret;
}

/* PMOD_LOAD_JUDGE: lockdown and the caller's authority, as a real load
 * would meet them, told whether or not this call applies them (a listing
 * applies neither, a dry run only lockdown). Asking changes nothing. A
 * listing tells what the context's first listing found (a listing of
 * every module asks once, not once a module); a dry run asks afresh, as
 * its own lockdown gate does. */
static void tell_request_gates(struct pmod_ctx *ctx, const struct request *req, bool list,
			       bool dry)
{
	struct ctx_listing_gates fresh = { 0 };
	struct ctx_listing_gates *g = list ? ctx_listing_gates(ctx) : &fresh;
	struct pmod_gate_answer answer;

	if (!g->asked) {
		g->lockdown = lockdown_check(ctx, PMOD_OPERATION_LOAD, &g->lockdown_why);
		g->privilege = privilege_check(ctx_privilege(ctx), PMOD_OPERATION_LOAD,
					       &g->privilege_why);
		g->asked = true;
	}
	answer = (struct pmod_gate_answer){
		.gate = PMOD_GATE_LOCKDOWN, .applied = !list, .refused = g->lockdown < 0,
		.rule = g->lockdown < 0 ? "lockdown" : NULL,
		.reason = g->lockdown < 0 ? g->lockdown_why.text : NULL,
	};
	gate_tell(req, &answer);
	answer = (struct pmod_gate_answer){
		.gate = PMOD_GATE_PRIVILEGE, .applied = !dry, .refused = g->privilege < 0,
		.rule = g->privilege < 0 ? "privilege" : NULL,
		.reason = g->privilege < 0 ? g->privilege_why.text : NULL,
	};
	gate_tell(req, &answer);
}

static int load_request(struct pmod_ctx *ctx, const char *request, struct request *call,
			struct pmod_load_options *o, struct pmod_error *err)
{
	struct request req = *call;
	struct pmod_error local;
	const struct pmod_config *cfg;
	struct pmod_config *owned;
	bool list, dry;
	int r;

	if (err == NULL)
		err = &local;
	if (ctx == NULL || o == NULL || o->size < LOAD_OPTIONS_FIRST_SIZE)
		return pmod_fail(err, -EINVAL, "pmod_load needs a context and its options");
	o->outcome = PMOD_OUTCOME_REFUSED;
	if (o->size >= sizeof(*o)) {
		req.gate = o->gate;
		req.gate_data = o->gate_data;
	}
	/* A flag this library does not know may be a restriction it cannot
	 * honour: refuse rather than load with less care than was asked. */
	if ((o->flags & ~(unsigned)LOAD_KNOWN_FLAGS) || request == NULL || request[0] == '\0')
		return pmod_fail(err, -EINVAL, "pmod_load: unknown flags or no request");
	list = o->flags & PMOD_LOAD_LIST_ONLY;
	dry = list || (o->flags & PMOD_LOAD_DRY_RUN);
	/* Judging runs the signing gate's verification beside the load's
	 * own: only where nothing is loaded. */
	if ((o->flags & PMOD_LOAD_JUDGE) && !dry)
		return pmod_fail(err, -EINVAL, "pmod_load: JUDGE is for a dry run or a listing");
	if ((o->flags & PMOD_LOAD_VERIFY) &&
	    (!list || !(o->flags & PMOD_LOAD_JUDGE)))
		return pmod_fail(err, -EINVAL, "pmod_load: VERIFY is for a judged listing");
	req.judge = o->flags & PMOD_LOAD_JUDGE;
	req.demand = o->flags & (PMOD_LOAD_DEMAND | PMOD_LOAD_AUTOMATIC);
	/* A demand or automatic load names a module, never a file: a file
	 * alone would skip the configuration, and with it the blacklist. */
	if (req.demand && (o->flags & PMOD_LOAD_FILE_ONLY))
		return pmod_fail(err, -EINVAL,
				 "a demand or automatic load names a module, not a file");
	/* systemd-udevd's loads are automatic whatever the caller asked
	 * for: the library decides, not the flags. A file from it would
	 * skip the blacklist and AutoLoadPolicy, so it is refused. */
	if (!req.demand) {
		enum automatic_caller_answer caller = automatic_caller();
		const char *who = caller == CALLER_UNKNOWN ?
			"this process's executable cannot be read (/proc/self/exe), so it may be "
			"systemd-udevd" : "the caller is systemd-udevd";

		if (caller != CALLER_EXPLICIT) {
			req.demand = true;
			if (caller == CALLER_UNKNOWN)
				ctx_log(ctx, LOG_WARNING, "%s: the load is treated as automatic", who);
		}
		if (caller != CALLER_EXPLICIT && (o->flags & PMOD_LOAD_FILE_ONLY)) {
			record_refusal(ctx, &req, PMOD_OPERATION_LOAD, NULL, request,
				       "automatic load of a file", -EPERM);
			return pmod_fail(err, -EPERM,
					 "an automatic load (%s) names a module, not a file", who);
		}
	}
	req.run_command = o->run_command;
	req.run_command_data = o->run_command_data;
	if (req.judge)
		tell_request_gates(ctx, &req, list, dry);
	if (!list) {
		r = gate_request(ctx, &req, PMOD_OPERATION_LOAD, !dry, err);
		if (r < 0)
			return r;
	}
	/* "disabled" refuses before anything is even looked up. */
	if (req.demand) {
		r = demand_check(ctx, &req, NULL, err);
		if (req.judge) {
			struct pmod_gate_answer answer = {
				.gate = PMOD_GATE_AUTOLOAD, .refused = r < 0, .applied = true,
				.rule = r < 0 ? demand_refusing_rule(ctx, &req, NULL)
					      : (req.rule[0] ? req.rule : NULL),
				.reason = r < 0 ? err->text : NULL,
			};

			gate_tell(&req, &answer);
		}
		if (r < 0)
			return r;
	}
	r = gate_forced_load(ctx, &req, insert_flags(o->flags), NULL, NULL, err);
	if (r < 0)
		return r;
	o->outcome = PMOD_OUTCOME_DONE;
	if (o->flags & PMOD_LOAD_FILE_ONLY)
		return load_file(ctx, &req, o, err);
	r = call_config(ctx, o->config, &cfg, &owned, err);
	if (r < 0) {
		o->outcome = PMOD_OUTCOME_FAILED;
		return r;
	}
	r = load_resolved(ctx, &req, cfg, o, err);
	pmod_config_free(owned);
	return r;
}

/* One call: its records' memo and its verifier live as long as it does
 * and serve every module it loads. */
int pmod_load(struct pmod_ctx *ctx, const char *request, struct pmod_load_options *o,
	      struct pmod_error *err)
{
	struct record_memo memo = { 0 };
	struct verifier verifier;
	struct request req = { .text = request, .memo = &memo, .verifier = &verifier };
	int r;

	verifier_init(&verifier, ctx != NULL ? ctx_trust(ctx) : NULL);
	r = load_request(ctx, request, &req, o, err);
	verifier_release(&verifier);
	return r;
}

/* ---------------------------------------------------------------- unload */

/* rmmod's name for an argument: from the file name when the argument is
 * an existing file, else the argument with '-' made '_' up to its first
 * '.'. */
static int argument_name(struct pmod_ctx *ctx, const char *arg, char *name, size_t size)
{
	const char *root = pmod_ctx_root(ctx);
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	if (arg[0] == '/' && root[0] != '\0')
		snprintf(path, sizeof(path), "%s%s", root, arg);
	else
		snprintf(path, sizeof(path), "%s", arg);
	if (stat(path, &st) == 0)
		return pmod_module_name(arg, name, size);
	for (i = 0; arg[i] != '\0' && arg[i] != '.'; i++) {
		if (i + 1 >= size)
			return -ENAMETOOLONG;
		name[i] = arg[i] == '-' ? '_' : arg[i];
	}
	name[i] = '\0';
	return (int)i;
}

/* The checks before unloading one module, in kmod's words. */
static int check_module(struct pmod_ctx *ctx, const char *name, struct pmod_error *err)
{
	struct pmod_loaded_module usage;
	int state, r;

	state = pmod_kernel_module_state(ctx, name);
	if (state == PMOD_STATE_BUILTIN)
		return pmod_fail(err, -ENOENT, "Module %s is builtin.", name);
	if (state < 0 || state == PMOD_STATE_ABSENT)
		return pmod_fail(err, -ENOENT, "Module %s is not currently loaded", name);
	if (pmod_kernel_module_usage(ctx, name, &usage, NULL) < 0)
		return pmod_fail(err, -ENOENT, "Module %s is not currently loaded", name);
	if (usage.nholders > 0 || usage.refcnt > 0) {
		char who[2048];

		/* kmod's words, then who holds it and how often. */
		describe_usage(&usage, who, sizeof(who));
		r = pmod_fail(err, -EBUSY, "Module %s is in use%s", name, who);
	} else if (usage.refcnt == -ENOENT) {
		r = pmod_fail(err, -ENOENT, "Module unloading is not supported");
	} else {
		r = 0;
	}
	pmod_loaded_module_release(&usage);
	return r;
}

static int unload_module_only(struct pmod_ctx *ctx, struct request *req,
			      struct pmod_unload_options *o, struct pmod_error *err)
{
	bool force = o->flags & PMOD_UNLOAD_FORCE;
	char name[PATH_MAX];
	int r;

	r = argument_name(ctx, req->text, name, sizeof(name));
	if (r < 0) {
		o->outcome = PMOD_OUTCOME_LOOKUP_FAILED;
		return pmod_fail(err, r, "%s", strerror(-r));
	}
	/* A forced unload skips the checks: the kernel decides. */
	if (!force) {
		r = check_module(ctx, name, err);
		if (r < 0) {
			o->outcome = PMOD_OUTCOME_CHECK_FAILED;
			return r;
		}
	}
	if (o->show != NULL) {
		struct pmod_step s = {
			.kind = PMOD_STEP_REMOVE, .name = name, .options = "",
			.target = true, .required = true,
		};

		o->show(o->show_data, &s);
	}
	if (o->flags & PMOD_UNLOAD_DRY_RUN)
		return 0;
	r = kernel_remove(ctx, req, name, force ? PMOD_KERNEL_REMOVE_FORCE : 0, err);
	if (r < 0)
		o->outcome = PMOD_OUTCOME_KERNEL;
	return r;
}

static int unload_resolved(struct pmod_ctx *ctx, struct request *req,
			   const struct pmod_config *cfg, struct pmod_unload_options *o,
			   struct pmod_error *err)
{
	struct remove_options ro = {
		.wait_ms = o->wait_ms, .show = o->show, .data = o->show_data,
	};
	struct pmod_resolved *found = NULL;
	struct pmod_error last = { 0 };
	size_t count = 0;
	int r, ret = 0;

	if (o->flags & PMOD_UNLOAD_FORCE)
		ro.flags |= REMOVE_FORCE;
	if (o->flags & PMOD_UNLOAD_DRY_RUN)
		ro.flags |= REMOVE_DRY_RUN;
	if (o->flags & PMOD_UNLOAD_IGNORE_COMMANDS)
		ro.flags |= REMOVE_IGNORE_COMMANDS;
	if (o->flags & PMOD_UNLOAD_REMOVE_HOLDERS)
		ro.flags |= REMOVE_HOLDERS;
	if (o->flags & PMOD_UNLOAD_FIRST_TIME)
		ro.flags |= REMOVE_FIRST_TIME;
	r = pmod_resolve_request(ctx, cfg, req->text, &found, &count, err);
	if (r < 0) {
		o->outcome = PMOD_OUTCOME_LOOKUP_FAILED;
		return r;
	}
	if (count == 0) {
		pmod_resolved_free(found, count);
		o->outcome = PMOD_OUTCOME_NOT_FOUND;
		return pmod_fail(err, -ENOENT, "Module %s not found.", req->text);
	}
	for (size_t i = 0; i < count; i++) {
		struct pmod_error one;

		r = remove_resolved(ctx, req, cfg, &found[i], &ro, &one);
		if (r >= 0)
			continue;
		ret = r;
		last = one;
		report(o->report, o->report_data, ctx, NULL, found[i].name, &one, ro.refused);
	}
	pmod_resolved_free(found, count);
	if (ret < 0) {
		*err = last;
		o->outcome = PMOD_OUTCOME_MODULE_FAILED;
	}
	return ret;
}

int pmod_unload(struct pmod_ctx *ctx, const char *request, struct pmod_unload_options *o,
		struct pmod_error *err)
{
	struct record_memo memo = { 0 };
	struct request req = { .text = request, .memo = &memo };
	struct pmod_error local;
	const struct pmod_config *cfg;
	struct pmod_config *owned;
	int r;

	if (err == NULL)
		err = &local;
	if (ctx == NULL || o == NULL || o->size < sizeof(*o))
		return pmod_fail(err, -EINVAL, "pmod_unload needs a context and its options");
	o->outcome = PMOD_OUTCOME_REFUSED;
	if ((o->flags & ~(unsigned)UNLOAD_KNOWN_FLAGS) || request == NULL || request[0] == '\0')
		return pmod_fail(err, -EINVAL, "pmod_unload: unknown flags or no request");
	r = gate_request(ctx, &req, PMOD_OPERATION_UNLOAD, !(o->flags & PMOD_UNLOAD_DRY_RUN), err);
	if (r < 0)
		return r;
	o->outcome = PMOD_OUTCOME_DONE;
	if (o->flags & PMOD_UNLOAD_MODULE_ONLY)
		return unload_module_only(ctx, &req, o, err);
	r = call_config(ctx, o->config, &cfg, &owned, err);
	if (r < 0) {
		o->outcome = PMOD_OUTCOME_FAILED;
		return r;
	}
	r = unload_resolved(ctx, &req, cfg, o, err);
	pmod_config_free(owned);
	return r;
}
