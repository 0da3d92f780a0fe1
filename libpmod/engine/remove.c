// SPDX-License-Identifier: LGPL-2.1-or-later
/* Unloading a module the way modprobe -r does: post
 * softdeps, holders (on request), the module or its remove command, the
 * dependencies nothing uses any more, pre softdeps. Unlike kmod, the
 * dependency clean-up repeats until no dependency of the module is left
 * unused, nearest dependencies first, so a dependency held only by another
 * dependency is freed too (kmod leaves stp and llc after removing 8021q).
 * Nothing is forced but in development builds made with
 * -Dforced_unload=true. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "error.h"
#include "kernel_errors.h"
#include "growable_array.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "modprobe_config.h"
#include "probe.h"
#include "resolve.h"

/* softdep chains that name each other would otherwise recurse forever. */
#define MAX_REMOVE_DEPTH 16

struct remover {
	struct pmod_ctx *ctx;
	const struct request *req;
	const struct pmod_config *cfg;
	struct remove_options *opts;
	struct timespec deadline;
	/* Removed so far (or, in a dry run, would have been): a dry run
	 * counts them as gone when it decides what else is unused. */
	char **removed;
	size_t nremoved, capremoved;
};

static bool dry_run(const struct remover *rm)
{
	return rm->opts->flags & REMOVE_DRY_RUN;
}

static void show(struct remover *rm, enum pmod_step_kind kind, const char *name,
		 const char *command)
{
	struct pmod_step s = {
		.kind = kind, .name = name, .command = command, .options = "",
		.target = false, .required = true,
	};

	if (rm->opts->show != NULL)
		rm->opts->show(rm->opts->data, &s);
}

static bool was_removed(const struct remover *rm, const char *name)
{
	for (size_t i = 0; i < rm->nremoved; i++)
		if (strcmp(rm->removed[i], name) == 0)
			return true;
	return false;
}

static void note_removed(struct remover *rm, const char *name)
{
	/* Only the dry run's picture suffers if this fails. */
	if (growable_array_reserve(&rm->removed, &rm->capremoved, rm->nremoved + 1,
				   sizeof(*rm->removed)) < 0)
		return;
	rm->removed[rm->nremoved] = strdup(name);
	if (rm->removed[rm->nremoved] != NULL)
		rm->nremoved++;
}

static bool before_deadline(const struct remover *rm, struct timespec *now)
{
	clock_gettime(CLOCK_MONOTONIC, now);
	return now->tv_sec < rm->deadline.tv_sec ||
	       (now->tv_sec == rm->deadline.tv_sec && now->tv_nsec < rm->deadline.tv_nsec);
}

/* delete_module, retried on EAGAIN until the -w deadline with a delay
 * that starts at 1 ms and doubles, cut to fit what is left. */
static int remove_with_retry(struct remover *rm, const char *name, struct pmod_error *err)
{
	long delay_ns = 1000000;
	struct timespec now;
	int r;

	for (;;) {
		r = kernel_remove(rm->ctx, rm->req, name,
				  (rm->opts->flags & REMOVE_FORCE) ? PMOD_KERNEL_REMOVE_FORCE : 0,
				  err);
		if (r != -EAGAIN || rm->opts->wait_ms == 0 || !before_deadline(rm, &now))
			return r;
		{
			long left = (rm->deadline.tv_sec - now.tv_sec) * 1000000000L +
				    (rm->deadline.tv_nsec - now.tv_nsec);
			struct timespec d;

			while (delay_ns > left && delay_ns > 1)
				delay_ns /= 2;
			d.tv_sec = delay_ns / 1000000000L;
			d.tv_nsec = delay_ns % 1000000000L;
			nanosleep(&d, NULL);
			if (delay_ns < 1000000000L)
				delay_ns *= 2;
		}
	}
}

/* One module by delete_module: shown, then done unless a dry run. A
 * module the kernel has no refcount for cannot be unloaded (no
 * CONFIG_MODULE_UNLOAD) and is skipped silently, as kmod does. */
static int remove_one(struct remover *rm, const char *name, struct pmod_error *err)
{
	struct pmod_loaded_module usage = { 0 };
	int r;

	r = pmod_kernel_module_usage(rm->ctx, name, &usage, NULL);
	if (r == 0 && usage.refcnt < 0)
		r = 1;
	pmod_loaded_module_release(&usage);
	if (r == -ENOENT || r == 1)
		return 0;
	show(rm, PMOD_STEP_REMOVE, name, NULL);
	note_removed(rm, name);
	if (dry_run(rm))
		return 0;
	return remove_with_retry(rm, name, err);
}

/* Would the module be unused once everything removed so far is gone? In a
 * real run the kernel's refcount already says so. */
static bool unused(struct remover *rm, const struct pmod_loaded_module *u)
{
	long refs = u->refcnt;

	if (!dry_run(rm))
		return refs == 0;
	for (size_t i = 0; i < u->nholders; i++) {
		if (!was_removed(rm, u->holders[i]))
			return false;
		refs--;
	}
	return refs <= 0;
}

/* Every dependency of name that nothing uses any more, nearest first,
 * again and again until a pass frees nothing: a dependency held by
 * another dependency is freed once that one is gone. Failures are logged
 * and skipped, as kmod does. */
static void remove_unused_dependencies(struct remover *rm, const char *name)
{
	struct pmod_resolved *deps;
	struct pmod_error err;
	size_t n;
	bool *done, progress = true;

	if (resolve_dependencies(rm->ctx, name, &deps, &n, &err) < 0 || n == 0)
		return;
	done = calloc(n, sizeof(*done));
	while (done != NULL && progress) {
		progress = false;
		for (size_t k = n; k-- > 0;) {
			struct pmod_loaded_module u = { 0 };
			int r;

			if (done[k])
				continue;
			r = pmod_kernel_module_usage(rm->ctx, deps[k].name, &u, NULL);
			if (r < 0 || u.refcnt < 0 || was_removed(rm, deps[k].name)) {
				done[k] = true;		/* not loaded, or cannot be unloaded */
			} else if (unused(rm, &u)) {
				done[k] = true;
				progress = true;
				if (remove_one(rm, deps[k].name, &err) < 0)
					ctx_log(rm->ctx, LOG_ERR, "could not remove '%s': %s",
						deps[k].name, err.text);
			}
			pmod_loaded_module_release(&u);
		}
	}
	free(done);
	pmod_resolved_free(deps, n);
}

static int remove_module(struct remover *rm, const char *name, bool nested, unsigned depth,
			 struct pmod_error *err);

/* Softdeps and holders: each name resolved and removed like a module of
 * its own, last first. Built-in ones are fine. */
static int remove_list(struct remover *rm, const char *const *names, size_t count,
		       bool stop_on_error, unsigned depth, struct pmod_error *err)
{
	for (size_t i = count; i-- > 0;) {
		struct pmod_resolved *found;
		size_t nfound;
		struct pmod_error sub;
		int r;

		if (pmod_resolve(rm->ctx, rm->cfg, names[i], &found, &nfound, &sub) < 0)
			continue;
		for (size_t k = nfound; k-- > 0;) {
			r = remove_module(rm, found[k].name, true, depth + 1, &sub);
			if (r < 0 && stop_on_error) {
				*err = sub;
				pmod_resolved_free(found, nfound);
				return r;
			}
			if (r < 0)
				ctx_log(rm->ctx, LOG_ERR, "%s", sub.text);
		}
		pmod_resolved_free(found, nfound);
	}
	return 0;
}

static int refuse(struct remover *rm, bool nested, struct pmod_error *err, int code,
		  const char *what, const char *name)
{
	if (!nested)
		rm->opts->refused = true;
	return pmod_fail(err, code, "Module %s %s.", name, what);
}

static int remove_module(struct remover *rm, const char *name, bool nested, unsigned depth,
			 struct pmod_error *err)
{
	const char *const *pre = NULL, *const *post = NULL;
	size_t npre = 0, npost = 0;
	const char *cmd = NULL;
	unsigned flags = rm->opts->flags;
	bool use_config = !(flags & REMOVE_IGNORE_COMMANDS);
	int state, r;

	if (depth > MAX_REMOVE_DEPTH) {
		ctx_log(rm->ctx, LOG_ERR, "softdeps of %s nest too deeply; not following them", name);
		return 0;
	}
	if (use_config) {
		pmod_config_softdeps(rm->cfg, name, &pre, &npre, &post, &npost);
		cmd = pmod_config_remove_command(rm->cfg, name);
	}
	if (cmd == NULL) {
		state = pmod_kernel_module_state(rm->ctx, name);
		if (state == PMOD_STATE_BUILTIN) {
			if (nested)
				return 0;
			return refuse(rm, nested, err, -ENOENT, "is builtin", name);
		}
		if (state < 0 || state == PMOD_STATE_ABSENT) {
			if ((flags & REMOVE_FIRST_TIME) && !nested)
				return refuse(rm, nested, err, -ENOENT, "is not in kernel", name);
			return 0;
		}
	}
	remove_list(rm, post, npost, false, depth, err);
	if (flags & REMOVE_HOLDERS) {
		struct pmod_loaded_module u = { 0 };

		if (pmod_kernel_module_usage(rm->ctx, name, &u, NULL) == 0)
			r = remove_list(rm, (const char *const *)u.holders, u.nholders, true, depth,
					err);
		else
			r = 0;
		pmod_loaded_module_release(&u);
		if (r < 0)
			return r;
	}
	if (cmd == NULL && rm->opts->wait_ms == 0 && !dry_run(rm)) {
		struct pmod_loaded_module u = { 0 };
		bool busy = pmod_kernel_module_usage(rm->ctx, name, &u, NULL) == 0 && u.refcnt > 0;
		char what[512];

		if (busy) {
			/* kmod's words, then who holds it and how often. */
			snprintf(what, sizeof(what), "is in use");
			describe_usage(&u, what + 9, sizeof(what) - 9);
		}
		pmod_loaded_module_release(&u);
		if (busy)
			return refuse(rm, nested, err, -EBUSY, what, name);
	}
	if (cmd != NULL) {
		/* A remove command gets no options: $CMDLINE_OPTS becomes "". */
		char *shown = strdup(cmd);

		if (shown == NULL)
			return pmod_fail(err, -ENOMEM, "out of memory");
		for (char *p; (p = strstr(shown, "$CMDLINE_OPTS")) != NULL;)
			memmove(p, p + 13, strlen(p + 13) + 1);
		show(rm, PMOD_STEP_REMOVE_COMMAND, name, shown);
		free(shown);
		r = dry_run(rm) ? 0 : probe_run_command(rm->ctx, rm->req, "remove", name, cmd, "", err);
	} else {
		r = remove_one(rm, name, err);
		if (r < 0) {
			struct pmod_error why = *err;

			pmod_fail(err, r, "could not remove '%s': %s", name, why.text);
		}
	}
	if (r < 0)
		return r;
	if (cmd == NULL)
		remove_unused_dependencies(rm, name);
	remove_list(rm, pre, npre, false, depth, err);
	return 0;
}

int remove_resolved(struct pmod_ctx *ctx, const struct request *req,
		    const struct pmod_config *cfg, const struct pmod_resolved *module,
		    struct remove_options *opts, struct pmod_error *err)
{
	struct remover rm = { .ctx = ctx, .req = req, .cfg = cfg, .opts = opts };
	int r;

	opts->refused = false;
	clock_gettime(CLOCK_MONOTONIC, &rm.deadline);
	rm.deadline.tv_sec += opts->wait_ms / 1000;
	rm.deadline.tv_nsec += (long)(opts->wait_ms % 1000) * 1000000L;
	if (rm.deadline.tv_nsec >= 1000000000L) {
		rm.deadline.tv_sec++;
		rm.deadline.tv_nsec -= 1000000000L;
	}
	r = remove_module(&rm, module->name, false, 0, err);
	for (size_t i = 0; i < rm.nremoved; i++)
		free(rm.removed[i]);
	free(rm.removed);
	return r;
}
