// SPDX-License-Identifier: LGPL-2.1-or-later
/* Loading a module the way modprobe does: the plan is
 * the module's dependencies in load order, each preceded by its softdep
 * "pre" modules and followed by its "post" ones, then the module itself;
 * every step carries its options and whether an install command replaces
 * it. The plan is data; probe_module walks it against the kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/wait.h>

#include "context.h"
#include "error.h"
#include "gate.h"
#include "growable_array.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "modprobe_config.h"
#include "privilege.h"
#include "probe.h"
#include "record.h"
#include "resolve.h"
#include "signing_gate.h"

/* One module as kmod's context knows it: the same name reached through
 * different aliases is a different object (the alias selects options). */
struct plan_node {
	struct pmod_resolved mod;
	bool visited;
	bool required;
	bool ignorecmd;		/* a softdep or -i: the install command is skipped */
	/* A demand load's softdep: the AutoLoadPolicy rule that let it in
	 * (empty: the request's rule, which covers its dependencies). */
	char autoload_rule[160];
};

/* One step's module and why it is there. */
struct plan_entry {
	struct plan_node *node;
	enum pmod_step_role role;
	struct plan_node *of;	/* NULL for the target */
};

struct plan {
	struct plan_node **nodes;
	size_t nnodes, cap_nodes;
	struct plan_entry *order;	/* the steps' modules, repeats allowed */
	size_t norder, cap_order;
	struct plan_node *target;
	struct pmod_step *steps;
	char **options;			/* owned strings of steps[i].options */
};

static void plan_free(struct plan *plan);

struct builder {
	struct pmod_ctx *ctx;
	const struct pmod_config *cfg;
	struct pmod_error *err;
	struct plan *plan;
	/* A demand load's request: every softdep it would bring in is
	 * judged by AutoLoadPolicy and the blacklist first (NULL: an
	 * explicit load or a plan, where kmod's rules alone apply). */
	const struct request *demand;
	bool dry_run;		/* skipped softdeps are not recorded */
};

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A node and its strings are one allocation (see intern). */
static void node_free(struct plan_node *n)
{
	free(n);
}

/* s (len bytes and its NUL) at *at, which moves past it. */
static char *place(char **at, const char *s, size_t len)
{
	char *here = *at;

	memcpy(here, s, len + 1);
	*at += len + 1;
	return here;
}

/* The node for (name, alias), created from m (whose strings are copied)
 * when it does not exist yet. */
static struct plan_node *intern(struct builder *b, const struct pmod_resolved *m)
{
	struct plan *p = b->plan;
	struct plan_node *n;

	for (size_t i = 0; i < p->nnodes; i++)
		if (strcmp(p->nodes[i]->mod.name, m->name) == 0 &&
		    same(p->nodes[i]->mod.alias, m->alias))
			return p->nodes[i];
	if (growable_array_reserve(&p->nodes, &p->cap_nodes, p->nnodes + 1, sizeof(*p->nodes)) < 0)
		return NULL;
	/* The node with its name, path and alias after it: one
	 * allocation for each module of the plan instead of four. */
	{
		size_t name_len = strlen(m->name);
		size_t path_len = m->path ? strlen(m->path) : 0;
		size_t alias_len = m->alias ? strlen(m->alias) : 0;
		char *at;

		n = calloc(1, sizeof(*n) + name_len + 1 + (m->path ? path_len + 1 : 0) +
				      (m->alias ? alias_len + 1 : 0));
		if (n == NULL)
			return NULL;
		at = (char *)(n + 1);
		n->mod.name = place(&at, m->name, name_len);
		n->mod.path = m->path ? place(&at, m->path, path_len) : NULL;
		n->mod.alias = m->alias ? place(&at, m->alias, alias_len) : NULL;
	}
	n->mod.builtin = m->builtin;
	p->nodes[p->nnodes++] = n;
	return n;
}

static int append(struct builder *b, struct plan_node *n, enum pmod_step_role role,
		  struct plan_node *of)
{
	struct plan *p = b->plan;
	struct plan_entry e = { .node = n, .role = role, .of = of };

	if (growable_array_append(&p->order, &p->norder, &p->cap_order, sizeof(e), &e) < 0)
		return pmod_fail(b->err, -ENOMEM, "out of memory");
	return 0;
}

/* The softdep targets of a module, each resolved through the full lookup
 * (they may be aliases), as nodes. A target that resolves to nothing is
 * skipped, as kmod does; so is, in a demand load, every module a target
 * resolves to that AutoLoadPolicy or the blacklist does not let in (with
 * its own dependencies and softdeps: they never enter the plan). */
static int softdep_nodes(struct builder *b, const char *const *names, size_t count,
			 struct plan_node ***out, size_t *nout)
{
	struct plan_node **nodes = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	for (size_t i = 0; i < count && r == 0; i++) {
		struct pmod_resolved *found;
		size_t nfound;
		struct pmod_error lookup_err;

		if (pmod_resolve(b->ctx, b->cfg, names[i], &found, &nfound, &lookup_err) < 0) {
			ctx_log(b->ctx, LOG_ERR,
				"failed to lookup soft dependency '%s', continuing anyway.", names[i]);
			continue;
		}
		for (size_t k = 0; k < nfound && r == 0; k++) {
			if (b->demand != NULL &&
			    demand_check_extra(b->ctx, b->demand, b->cfg, names[i], &found[k],
					       !b->dry_run) < 0)
				continue;
			if (growable_array_reserve(&nodes, &cap, n + 1, sizeof(*nodes)) < 0) {
				r = pmod_fail(b->err, -ENOMEM, "out of memory");
				break;
			}
			nodes[n] = intern(b, &found[k]);
			if (nodes[n] == NULL) {
				r = pmod_fail(b->err, -ENOMEM, "out of memory");
				break;
			}
			if (b->demand != NULL && b->demand->judge && nodes[n]->autoload_rule[0] == '\0')
				demand_allowing_rule(b->ctx, names[i], &found[k],
						     nodes[n]->autoload_rule,
						     sizeof(nodes[n]->autoload_rule));
			n++;
		}
		pmod_resolved_free(found, nfound);
	}
	if (r < 0) {
		free(nodes);
		return r;
	}
	*out = nodes;
	*nout = n;
	return 0;
}

static int visit(struct builder *b, struct plan_node *n, bool required, bool ignorecmd,
		 enum pmod_step_role role, struct plan_node *of);

/* pre softdeps, the module, post softdeps. The module itself is appended
 * without a visited check: kmod lists a dependency that is also a softdep
 * twice, and the second insert is a harmless EEXIST. */
static int with_softdeps(struct builder *b, struct plan_node *n, enum pmod_step_role role,
			 struct plan_node *of)
{
	const char *const *pre_names, *const *post_names;
	size_t npre_names, npost_names, npre = 0, npost = 0;
	struct plan_node **pre = NULL, **post = NULL;
	int r = 0;

	if (pmod_config_softdeps(b->cfg, n->mod.name, &pre_names, &npre_names, &post_names,
				 &npost_names)) {
		r = softdep_nodes(b, pre_names, npre_names, &pre, &npre);
		if (r == 0)
			r = softdep_nodes(b, post_names, npost_names, &post, &npost);
	}
	for (size_t i = 0; i < npre && r == 0; i++)
		r = visit(b, pre[i], false, false, PMOD_ROLE_SOFTDEP_PRE, n);
	if (r == 0)
		r = append(b, n, role, of);
	/* A module with softdeps is loaded by insmod even if it has an
	 * install command: the softdep wins (kmod's rule). */
	n->ignorecmd = npre > 0 || npost > 0;
	for (size_t i = 0; i < npost && r == 0; i++)
		r = visit(b, post[i], false, false, PMOD_ROLE_SOFTDEP_POST, n);
	free(pre);
	free(post);
	return r;
}

static int visit(struct builder *b, struct plan_node *n, bool required, bool ignorecmd,
		 enum pmod_step_role role, struct plan_node *of)
{
	struct pmod_resolved *deps;
	struct plan_node **dep_nodes;
	size_t ndeps;
	int r;

	if (n->visited)
		return 0;
	n->visited = true;
	r = resolve_dependencies(b->ctx, n->mod.name, &deps, &ndeps, b->err);
	if (r < 0)
		return r;
	dep_nodes = malloc((ndeps ? ndeps : 1) * sizeof(*dep_nodes));
	if (dep_nodes == NULL) {
		pmod_resolved_free(deps, ndeps);
		return pmod_fail(b->err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ndeps && r == 0; i++) {
		dep_nodes[i] = intern(b, &deps[i]);
		if (dep_nodes[i] == NULL)
			r = pmod_fail(b->err, -ENOMEM, "out of memory");
	}
	pmod_resolved_free(deps, ndeps);
	/* Marked before any softdep can reach them: a dependency of the
	 * target stays required even when a softdep names it too. */
	if (r == 0 && required) {
		n->required = true;
		for (size_t i = 0; i < ndeps; i++)
			dep_nodes[i]->required = true;
	}
	for (size_t i = 0; i < ndeps && r == 0; i++)
		r = with_softdeps(b, dep_nodes[i], PMOD_ROLE_DEPENDENCY, n);
	free(dep_nodes);
	if (r < 0)
		return r;
	if (ignorecmd) {
		r = append(b, n, role, of);
		n->ignorecmd = true;
		return r;
	}
	return with_softdeps(b, n, role, of);
}

/* kmod's concatenation: config options, a space, the parameters; the
 * space is there whenever config options are, so "opts " can end in one. */
static char *join_options(const char *config, const char *params)
{
	char *out;

	if (config[0] == '\0')
		return strdup(params ? params : "");
	if (asprintf(&out, "%s %s", config, params ? params : "") < 0)
		return NULL;
	return out;
}

static int make_steps(struct builder *b, const char *params)
{
	struct plan *p = b->plan;

	p->steps = calloc(p->norder ? p->norder : 1, sizeof(*p->steps));
	p->options = calloc(p->norder ? p->norder : 1, sizeof(*p->options));
	if (p->steps == NULL || p->options == NULL)
		return pmod_fail(b->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < p->norder; i++) {
		struct plan_node *n = p->order[i].node;
		struct pmod_step *s = &p->steps[i];
		const char *cmd = pmod_config_install_command(b->cfg, n->mod.name);
		char *config;

		if (pmod_config_module_options(b->cfg, n->mod.name, n->mod.alias, &config) < 0)
			return pmod_fail(b->err, -ENOMEM, "out of memory");
		p->options[i] = join_options(config, n == p->target ? params : NULL);
		free(config);
		if (p->options[i] == NULL)
			return pmod_fail(b->err, -ENOMEM, "out of memory");
		s->name = n->mod.name;
		s->options = p->options[i];
		s->target = n == p->target;
		s->required = n->required;
		s->role = p->order[i].role;
		s->role_of = p->order[i].of ? p->order[i].of->mod.name : NULL;
		if (cmd != NULL && !n->ignorecmd) {
			s->kind = PMOD_STEP_COMMAND;
			s->command = cmd;
		} else if (n->mod.path != NULL) {
			s->kind = PMOD_STEP_INSERT;
			s->path = n->mod.path;
		} else if (n->mod.builtin || resolve_is_builtin(b->ctx, n->mod.name)) {
			s->kind = PMOD_STEP_BUILTIN;
		} else {
			s->kind = PMOD_STEP_NOTHING;
		}
	}
	return 0;
}

static int build_plan(struct pmod_ctx *ctx, const struct request *req,
		      const struct pmod_config *cfg, const struct pmod_resolved *module,
		      const char *params, unsigned flags, struct plan **out,
		      struct pmod_error *err)
{
	struct builder b = {
		.ctx = ctx, .cfg = cfg, .err = err,
		.demand = req != NULL && req->demand ? req : NULL,
		.dry_run = flags & PROBE_DRY_RUN,
	};
	int r;

	b.plan = calloc(1, sizeof(*b.plan));
	if (b.plan == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	b.plan->target = intern(&b, module);
	if (b.plan->target == NULL)
		r = pmod_fail(err, -ENOMEM, "out of memory");
	else
		r = visit(&b, b.plan->target, true, flags & PROBE_IGNORE_COMMANDS, PMOD_ROLE_TARGET,
			  NULL);
	if (r == 0)
		r = make_steps(&b, params);
	if (r < 0) {
		plan_free(b.plan);
		return r;
	}
	*out = b.plan;
	return 0;
}

static void plan_free(struct plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->nnodes; i++)
		node_free(plan->nodes[i]);
	for (size_t i = 0; plan->options && i < plan->norder; i++)
		free(plan->options[i]);
	free(plan->options);
	free(plan->steps);
	free(plan->order);
	free(plan->nodes);
	free(plan);
}

/* ---------------------------------------------------------------- execution */

/* "$CMDLINE_OPTS" replaced by the options everywhere in the command. */
static char *expand_command(const char *command, const char *options)
{
	static const char var[] = "$CMDLINE_OPTS";
	size_t count = 0, len;
	const char *p;
	char *out, *o;

	for (p = command; (p = strstr(p, var)) != NULL; p += sizeof(var) - 1)
		count++;
	len = strlen(command) + count * strlen(options) + 1;
	out = malloc(len);
	if (out == NULL)
		return NULL;
	o = out;
	for (p = command;;) {
		const char *hit = strstr(p, var);

		if (hit == NULL) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(hit - p));
		o = stpcpy(o + (hit - p), options);
		p = hit + sizeof(var) - 1;
	}
	return out;
}

static int run_command(struct pmod_ctx *ctx, const struct request *req, const char *type,
		       const char *name, const char *command, const char *options,
		       struct pmod_error *err)
{
	char *cmd = expand_command(command, options);
	int status;

	if (cmd == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	/* The caller runs install commands itself (libkmod's run_install):
	 * the same command, at the same point of the plan. */
	if (req != NULL && req->run_command != NULL && strcmp(type, "install") == 0) {
		status = req->run_command(req->run_command_data, name, cmd);
		free(cmd);
		if (status < 0)
			return pmod_fail(err, status, "its %s command failed: %s", type,
					 strerror(-status));
		return 0;
	}
	/* The privilege is enabled only inside the kernel calls
	 * (kernel.c), which run no command: a command must never run with
	 * it raised by pmod. Should that ever change, refuse. */
	if (privilege_raised(ctx_privilege(ctx))) {
		free(cmd);
		return pmod_fail(err, -EPERM,
				 "refusing to run the %s command for %s while SeLoadDriverPrivilege "
				 "is enabled", type, name);
	}
	if (setenv("MODPROBE_MODULE", name, 1) < 0) {
		free(cmd);
		return pmod_fail(err, -errno, "cannot set MODPROBE_MODULE");
	}
	status = system(cmd);
	unsetenv("MODPROBE_MODULE");
	if (status == -1) {
		free(cmd);
		return pmod_fail(err, -errno, "could not run the %s command: %s", type,
				 strerror(errno));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ctx_log(ctx, LOG_ERR, "Error running %s command '%s' for module %s: retcode %d",
			type, cmd, name, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		free(cmd);
		if (WIFEXITED(status))
			return pmod_fail(err, -EINVAL, "its %s command failed with exit status %d",
					 type, WEXITSTATUS(status));
		return pmod_fail(err, -EINVAL, "its %s command was killed by signal %d", type,
				 WTERMSIG(status));
	}
	free(cmd);
	return 0;
}

/* An install or remove command stands in for the kernel call, so it
 * leaves a record too; it checks no signature itself (what it runs, if
 * it is modprobe or insmod, leaves its own records with verdicts). */
static int record_command(struct pmod_ctx *ctx, const struct request *req, const char *type,
			  const char *name, int result)
{
	struct pmod_record rec = {
		.action = strcmp(type, "install") == 0 ? "install-command" : "remove-command",
		.module = name,
		.result = result,
	};

	record_emit(ctx, req, &rec);
	return result;
}

int probe_run_command(struct pmod_ctx *ctx, const struct request *req, const char *type,
		      const char *name, const char *command, const char *options,
		      struct pmod_error *err)
{
	return record_command(ctx, req, type, name,
			      run_command(ctx, req, type, name, command, options, err));
}

const char *pmod_step_role_name(enum pmod_step_role role)
{
	switch (role) {
	case PMOD_ROLE_TARGET: return "target";
	case PMOD_ROLE_DEPENDENCY: return "dependency";
	case PMOD_ROLE_SOFTDEP_PRE: return "softdep-pre";
	case PMOD_ROLE_SOFTDEP_POST: return "softdep-post";
	}
	return "unknown";
}

/* PMOD_LOAD_JUDGE: what the gates say of one step, kept while it is
 * shown. */
struct step_gates {
	struct pmod_gate_answer answers[3];
	size_t count;
	struct pmod_verify_result verdict;
	struct signing_judgement signing;
};

static void judge_step(struct pmod_ctx *ctx, const struct request *req, const struct plan *plan,
		       size_t i, bool blacklist_checked, bool judge_signature, bool apply_signature,
		       struct step_gates *g)
{
	const struct pmod_step *s = &plan->steps[i];
	const struct plan_node *n = plan->order[i].node;

	g->count = 0;
	/* AutoLoadPolicy let the request in (its rule covers the target and
	 * its dependencies); a softdep passed on its own rule. */
	if (req->demand)
		g->answers[g->count++] = (struct pmod_gate_answer){
			.gate = PMOD_GATE_AUTOLOAD, .applied = true, .module = s->name,
			.path = s->path,
			.rule = n->autoload_rule[0] ? n->autoload_rule : req->rule,
		};
	/* The blacklist judged the target (through an alias, -b or a demand
	 * load) and every softdep of a demand load. */
	if ((s->target && blacklist_checked) || (req->demand && n->autoload_rule[0]))
		g->answers[g->count++] = (struct pmod_gate_answer){
			.gate = PMOD_GATE_BLACKLIST, .applied = true, .module = s->name,
			.path = s->path,
		};
	if (s->kind == PMOD_STEP_INSERT && judge_signature) {
		signing_gate_judge_path(ctx, req, s->path, &g->verdict, &g->signing);
		g->answers[g->count++] = (struct pmod_gate_answer){
			.gate = PMOD_GATE_SIGNATURE, .refused = g->signing.code < 0,
			.applied = apply_signature, .module = s->name, .path = s->path,
			.rule = g->signing.rule[0] ? g->signing.rule : NULL,
			.reason = g->signing.text[0] ? g->signing.text : NULL,
			.verdict = g->signing.judged ? &g->verdict : NULL,
		};
	}
}

static bool in_kernel(struct pmod_ctx *ctx, const char *name)
{
	int state = pmod_kernel_module_state(ctx, name);

	return state == PMOD_STATE_LIVE || state == PMOD_STATE_BUILTIN;
}

/* kmod's words for a kernel answer come first, so scripts that match on
 * them keep working; pmod's explanation follows. */
static const char *kmod_insert_words(int error)
{
	switch (-error) {
	case ENOEXEC: return "Invalid module format";
	case ENOENT: return "Unknown symbol in module, or unknown parameter (see dmesg)";
	default: return strerror(-error);
	}
}

static int insert_file(struct pmod_ctx *ctx, const struct request *req, const struct pmod_step *s,
		       unsigned kflags, struct pmod_error *err)
{
	bool answered = false;
	int r = kernel_insert(ctx, req, s->path, s->options, kflags, &answered, err);

	if (r < 0 && answered && r != -EEXIST) {
		struct pmod_error why = *err;

		pmod_fail(err, r, "%s: %s", kmod_insert_words(r), why.text);
	}
	return r;
}

static int run_step(struct pmod_ctx *ctx, const struct request *req, const struct pmod_step *s,
		    unsigned flags, struct pmod_error *err)
{
	unsigned kflags = 0;

	switch (s->kind) {
	case PMOD_STEP_COMMAND:
		return probe_run_command(ctx, req, "install", s->name, s->command, s->options, err);
	case PMOD_STEP_INSERT:
		if (flags & PROBE_FORCE_MODVERSION)
			kflags |= PMOD_INSERT_FORCE_MODVERSION;
		if (flags & PROBE_FORCE_VERMAGIC)
			kflags |= PMOD_INSERT_FORCE_VERMAGIC;
		return insert_file(ctx, req, s, kflags, err);
	case PMOD_STEP_BUILTIN:
		return -EEXIST;
	default:
		return pmod_fail(err, -ENOENT,
				 "no module file is installed for it in %s (modules.dep has no entry)",
				 pmod_ctx_module_dir(ctx));
	}
}

int probe_module(struct pmod_ctx *ctx, const struct request *req, const struct pmod_config *cfg,
		 const struct pmod_resolved *module, const char *params, unsigned flags,
		 pmod_step_fn show, void *data, struct pmod_error *err)
{
	bool ask_kernel = !(flags & PROBE_IGNORE_LOADED);
	bool judge = req != NULL && req->judge, blacklist_checked;
	bool check_signature = (flags & PROBE_DRY_RUN) && !(flags & PROBE_NO_SIGNATURE_CHECK);
	struct step_gates *gates = NULL;
	struct plan *plan = NULL;
	int r = 0;

	if (ask_kernel && in_kernel(ctx, module->name)) {
		if (flags & PROBE_FIRST_TIME)
			return pmod_fail(err, -EEXIST, "Module already in kernel");
		return 0;
	}
	blacklist_checked = module->alias != NULL || (flags & PROBE_BLACKLIST_NAMES);
	if (blacklist_checked && pmod_config_blacklisted(cfg, module->name)) {
		struct pmod_gate_answer answer = {
			.gate = PMOD_GATE_BLACKLIST, .refused = true, .applied = true,
			.module = module->name, .path = module->path, .rule = "blacklist",
			.reason = module->alias ? "blacklisted, and reached through an alias"
						: "blacklisted",
		};

		/* A quiet success for modprobe (kmod's rule), but a refusal
		 * all the same: it is recorded. */
		if (!(flags & PROBE_DRY_RUN))
			record_refusal(ctx, req, PMOD_OPERATION_LOAD, module->name, module->path,
				       "blacklist", -EPERM);
		gate_tell(req, &answer);
		return PROBE_BLACKLISTED;
	}
	r = build_plan(ctx, req, cfg, module, params, flags, &plan, err);
	if (r < 0)
		return r;
	if (judge && (gates = malloc(sizeof(*gates))) == NULL) {
		plan_free(plan);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < plan->norder; i++) {
		struct pmod_step *s = &plan->steps[i];

		if (ask_kernel && in_kernel(ctx, s->name)) {
			r = -EEXIST;
		} else {
			if (judge) {
				judge_step(ctx, req, plan, i, blacklist_checked,
					   check_signature || (flags & PROBE_JUDGE_SIGNATURES),
					   check_signature, gates);
				s->gates = gates->answers;
				s->ngates = gates->count;
			}
			/* kmod shows nothing for a module that is neither a
			 * file nor built in. */
			if (show != NULL && s->kind != PMOD_STEP_NOTHING)
				show(data, s);
			s->gates = NULL;
			s->ngates = 0;
			/* A load passes the signing gate inside the kernel
			 * boundary, on the bytes it loads. A dry
			 * run judges the file here: -n stops only short of
			 * the kernel (with the judgement already made when
			 * the step was judged). */
			r = 0;
			if (!(flags & PROBE_DRY_RUN))
				r = run_step(ctx, req, s, flags, err);
			else if (s->kind == PMOD_STEP_INSERT && check_signature && judge)
				r = signing_gate_apply(ctx, req, s->path, &gates->verdict,
						       &gates->signing, err);
			else if (s->kind == PMOD_STEP_INSERT && check_signature)
				r = signing_gate_path(ctx, req, s->path, NULL, err);
		}
		if (r == -EEXIST && s->target && (flags & PROBE_FIRST_TIME)) {
			pmod_fail(err, -EEXIST, "Module already in kernel");
			break;
		}
		/* Already loaded is fine; a softdep's failure is not ours. */
		if (r == -EEXIST || !s->required) {
			r = 0;
		} else if (r < 0) {
			if (!s->target) {
				struct pmod_error why = *err;

				pmod_fail(err, r, "its dependency %s: %s", s->name, why.text);
			}
			break;
		}
	}
	free(gates);
	plan_free(plan);
	return r;
}
