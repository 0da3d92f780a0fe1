// SPDX-License-Identifier: GPL-2.0-or-later
/* modprobe: load or unload modules with everything they need, or show
 * what that would take. Decisions (lookup, plans, the kernel) are
 * libpmod's; this parses options, prints and picks the exit status, in
 * kmod 30's words where a script may read them. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "json_output.h"
#include "pmod.h"
#include "tool_mains.h"
#include "tool_output.h"

static const char *progname = "modprobe";

enum mode {
	MODE_INSERT,
	MODE_INSERT_ALL,	/* -a */
	MODE_REMOVE,		/* -r */
	MODE_SHOW_CONFIG,	/* -c */
	MODE_SHOW_MODVERSIONS,
	MODE_SHOW_EXPORTS,
};

struct options {
	bool all, remove, show_config, show_modversions, show_exports;
	bool resolve_only;	/* -R */
	bool show_depends;	/* -D */
	bool dry_run;		/* -n */
	bool first_time, ignore_commands, use_blacklist, remove_holders, force;
	bool force_modversion, force_vermagic;
	/* A kernel demand load (pmod_demand_invocation) or --demand:
	 * AutoLoadPolicy applies and so does the blacklist. */
	bool demand;
	bool json;		/* --json: -c and -D as one document */
	bool verify;		/* --verify: -D --json gives signature verdicts */
	unsigned wait_ms;
	const char **config_paths;	/* -C, NULL-terminated */
	size_t nconfig_paths;
};

struct run {
	struct pmod_ctx *ctx;
	struct pmod_config *cfg;
	const struct options *o;
	bool show;		/* print the actions (-D, -v) */
	/* --json: the document's first members, until the stream of its
	 * long array (-D's requests, -c's indexes) takes them and writes
	 * each element as it is complete. */
	struct json_object *doc;
	struct json_stream *stream;
};

/* ---------------------------------------------------------------- output */

static void show_step(void *data, const struct pmod_step *s)
{
	(void)data;
	switch (s->kind) {
	case PMOD_STEP_INSERT:
		printf("insmod %s %s\n", s->path, s->options);
		break;
	case PMOD_STEP_COMMAND:
		printf("install %s %s\n", s->command, s->options);
		break;
	case PMOD_STEP_BUILTIN:
		printf("builtin %s\n", s->name);
		break;
	case PMOD_STEP_REMOVE:
		printf("rmmod %s\n", s->name);
		break;
	case PMOD_STEP_REMOVE_COMMAND:
		printf("remove %s\n", s->command);
		break;
	case PMOD_STEP_NOTHING:
		break;
	}
	/* Install commands print too: keep the order on a shared terminal. */
	fflush(stdout);
}

/* ---------------------------------------------------------------- --json plans */

static const char *step_kind_name(enum pmod_step_kind kind)
{
	switch (kind) {
	case PMOD_STEP_INSERT: return "insmod";
	case PMOD_STEP_COMMAND: return "install";
	case PMOD_STEP_BUILTIN: return "builtin";
	case PMOD_STEP_REMOVE: return "rmmod";
	case PMOD_STEP_REMOVE_COMMAND: return "remove";
	case PMOD_STEP_NOTHING: break;
	}
	return "nothing";
}

static void json_add_hex(struct json_object *o, const char *key, const unsigned char *bytes,
			 size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char hex[2 * PMOD_SIGNER_KEY_ID_MAX + 1];
	size_t k = 0;

	for (size_t i = 0; i < len && i < PMOD_SIGNER_KEY_ID_MAX; i++) {
		hex[k++] = digits[bytes[i] >> 4];
		hex[k++] = digits[bytes[i] & 15];
	}
	json_add_string_len(o, key, hex, k);
}

static struct json_object *json_gate(const struct pmod_gate_answer *a)
{
	struct json_object *o = json_new_object();

	json_add_string(o, "gate", pmod_gate_name(a->gate));
	json_add_string(o, "decision", a->refused ? "refuse" : a->reason ? "warn" : "pass");
	json_add_bool(o, "applied", a->applied);
	json_add_string(o, "module", a->module);
	json_add_string(o, "path", a->path);
	json_add_string(o, "rule", a->rule);
	json_add_string(o, "reason", a->reason);
	if (a->verdict != NULL) {
		const struct pmod_verify_result *v = a->verdict;
		struct json_object *vo = json_new_object();

		json_add_string(vo, "verdict", pmod_verdict_name(v->verdict));
		if (v->verdict != PMOD_VERDICT_UNSIGNED && v->verdict != PMOD_VERDICT_MALFORMED) {
			json_add_string_len(vo, "signer", v->signer.name, strlen(v->signer.name));
			json_add_hex(vo, "key_id", v->signer.key_id, v->signer.key_id_len);
			json_add_string(vo, "hash", v->signer.hash_algo[0] ? v->signer.hash_algo : NULL);
		}
		json_add_string(vo, "certificate", v->certificate);
		json_add_string(vo, "reason", v->reason[0] ? v->reason : NULL);
		json_add(o, "signature", vo);
	}
	return o;
}

/* The request being planned: its steps, its gate answers and what went
 * wrong, as they come. */
struct json_request {
	struct json_object *obj, *steps, *gates, *errors;
};

static void json_step(void *data, const struct pmod_step *s)
{
	struct json_request *jr = data;
	struct json_object *o = json_new_object(), *gates;

	json_add_string(o, "kind", step_kind_name(s->kind));
	json_add_string(o, "module", s->name);
	json_add_string(o, "path", s->kind == PMOD_STEP_INSERT ? s->path : NULL);
	json_add_string(o, "command", s->kind == PMOD_STEP_COMMAND ? s->command : NULL);
	json_add_string(o, "options", s->options);
	json_add_string(o, "role", pmod_step_role_name(s->role));
	json_add_string(o, "of", s->role_of);
	json_add_bool(o, "required", s->required);
	gates = json_new_array();
	for (size_t i = 0; i < s->ngates; i++)
		json_append(gates, json_gate(&s->gates[i]));
	json_add(o, "gates", gates);
	json_append(jr->steps, o);
}

static void json_request_gate(void *data, const struct pmod_gate_answer *a)
{
	struct json_request *jr = data;

	json_append(jr->gates, json_gate(a));
}

static void json_error(struct json_request *jr, const char *module, const char *text)
{
	struct json_object *o = json_new_object();

	json_add_string(o, "module", module);
	json_add_string(o, "message", text);
	json_append(jr->errors, o);
}

/* --json: the document being written, closed before a fatal error ends
 * the run so that a script still reads what was planned up to it. */
static struct json_stream *stream_in_progress;

/* kmod's FATAL ends the process at once; -a lowers these to warnings so
 * that the other names are still processed. */
static void fatal_or_warn(const struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fatal_or_warn(const struct run *run, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	tool_log(run->o->all ? LOG_WARNING : LOG_CRIT, "%s", message);
	if (!run->o->all) {
		if (stream_in_progress != NULL)
			(void)json_stream_end(stream_in_progress);
		exit(EXIT_FAILURE);
	}
}

/* ---------------------------------------------------------------- -c */

static int print_index_entry(void *data, const char *key, const char *value)
{
	(void)data;
	printf("alias %s %s\n", key, value);
	return 0;
}

/* -c --json: each configuration line as an object, then the indexes,
 * whose tens of thousands of entries are all one object rewritten. */
struct json_index_writer {
	struct json_stream *stream;
	struct json_entry *entry;
};

static int json_index_entry(void *data, const char *key, const char *value)
{
	struct json_index_writer *w = data;

	json_entry_set(w->entry, 0, key);
	json_entry_set(w->entry, 1, value);
	json_stream_append_entry(w->stream, w->entry);
	return 0;
}

static struct json_object *json_string_array(const char *const *items, size_t count)
{
	struct json_object *a = json_new_array();

	for (size_t i = 0; i < count; i++)
		json_append_string(a, items[i]);
	return a;
}

static struct json_object *json_config_entry(const struct pmod_config *cfg,
					     enum pmod_config_kind kind, size_t i)
{
	const struct pmod_config_entry *e = pmod_config_get(cfg, kind, i);
	const char *const *pre, *const *post;
	size_t npre, npost;
	struct json_object *o;

	if (kind == PMOD_CONFIG_BLACKLIST)
		return NULL;
	o = json_new_object();
	json_add_string(o, kind == PMOD_CONFIG_ALIAS ? "alias" : "module", e->name);
	switch (kind) {
	case PMOD_CONFIG_INSTALL:
	case PMOD_CONFIG_REMOVE:
		json_add_string(o, "command", e->value);
		break;
	case PMOD_CONFIG_ALIAS:
		json_add_string(o, "module", e->value);
		break;
	case PMOD_CONFIG_OPTIONS:
		json_add_string(o, "options", e->value);
		break;
	case PMOD_CONFIG_SOFTDEP:
		if (pmod_config_get_targets(cfg, kind, i, &pre, &npre, &post, &npost)) {
			json_add(o, "pre", json_string_array(pre, npre));
			json_add(o, "post", json_string_array(post, npost));
		}
		break;
	case PMOD_CONFIG_WEAKDEP:
		if (pmod_config_get_targets(cfg, kind, i, &pre, &npre, &post, &npost))
			json_add(o, "modules", json_string_array(pre, npre));
		break;
	default:
		break;
	}
	return o;
}

static int show_config_json(struct run *run)
{
	static const char *const members[PMOD_CONFIG_KIND_COUNT] = {
		[PMOD_CONFIG_BLACKLIST] = "blacklist", [PMOD_CONFIG_INSTALL] = "install",
		[PMOD_CONFIG_REMOVE] = "remove", [PMOD_CONFIG_ALIAS] = "aliases",
		[PMOD_CONFIG_OPTIONS] = "options", [PMOD_CONFIG_SOFTDEP] = "softdeps",
		[PMOD_CONFIG_WEAKDEP] = "weakdeps",
	};
	static const char *const entry_keys[] = { "alias", "module" };
	struct json_object *sources = json_new_array();
	struct json_index_writer writer;
	struct pmod_error err;
	const char *source;
	int r;

	for (size_t i = 0; (source = pmod_config_source(run->cfg, i)) != NULL; i++)
		json_append_string(sources, source);
	json_add(run->doc, "sources", sources);
	for (int k = 0; k < PMOD_CONFIG_KIND_COUNT; k++) {
		struct json_object *list = json_new_array();

		for (size_t i = 0; i < pmod_config_count(run->cfg, k); i++) {
			if (k == PMOD_CONFIG_BLACKLIST)
				json_append_string(list, pmod_config_get(run->cfg, k, i)->name);
			else
				json_append(list, json_config_entry(run->cfg, k, i));
		}
		json_add(run->doc, members[k], list);
	}
	/* The indexes hold tens of thousands of entries: each is written
	 * as it is read. */
	run->stream = stream_in_progress = json_stream_begin_in(run->doc, "indexes", "aliases", stdout);
	run->doc = NULL;
	writer.stream = run->stream;
	writer.entry = json_entry_new(entry_keys, 2);
	r = pmod_index_dump(run->ctx, PMOD_INDEX_ALIAS, json_index_entry, &writer, &err);
	json_stream_next(run->stream, "symbols");
	if (r == 0)
		r = pmod_index_dump(run->ctx, PMOD_INDEX_SYMBOLS, json_index_entry, &writer, &err);
	json_entry_free(writer.entry);
	if (r < 0)
		tool_log(LOG_ERR, "%s: %s", pmod_ctx_module_dir(run->ctx), err.text);
	return r;
}

static int show_config(struct run *run)
{
	static const char *const labels[PMOD_CONFIG_KIND_COUNT] = {
		[PMOD_CONFIG_BLACKLIST] = "blacklist", [PMOD_CONFIG_INSTALL] = "install",
		[PMOD_CONFIG_REMOVE] = "remove", [PMOD_CONFIG_ALIAS] = "alias",
		[PMOD_CONFIG_OPTIONS] = "options", [PMOD_CONFIG_SOFTDEP] = "softdep",
		[PMOD_CONFIG_WEAKDEP] = "weakdep",
	};
	struct pmod_error err;
	int r;

	for (int k = 0; k < PMOD_CONFIG_KIND_COUNT; k++) {
		for (size_t i = 0; i < pmod_config_count(run->cfg, k); i++) {
			const struct pmod_config_entry *e = pmod_config_get(run->cfg, k, i);

			if (e->value != NULL)
				printf("%s %s %s\n", labels[k], e->name, e->value);
			else
				printf("%s %s\n", labels[k], e->name);
		}
	}
	fputs("\n# End of configuration files. Dumping indexes now:\n\n", stdout);
	r = pmod_index_dump(run->ctx, PMOD_INDEX_ALIAS, print_index_entry, NULL, &err);
	if (r == 0)
		r = pmod_index_dump(run->ctx, PMOD_INDEX_SYMBOLS, print_index_entry, NULL, &err);
	if (r < 0)
		tool_log(LOG_ERR, "%s: %s", pmod_ctx_module_dir(run->ctx), err.text);
	return r;
}

/* ---------------------------------------------------------------- lookup */

/* 0 with *found set (maybe *count 0), or < 0 after saying why. The
 * path-or-name rule is the library's. */
static int lookup(struct run *run, const char *arg, struct pmod_resolved **found,
		  size_t *count)
{
	struct pmod_error err;
	int r;

	r = pmod_resolve_request(run->ctx, run->cfg, arg, found, count, &err);
	if (r < 0)
		tool_log(LOG_ERR, "%s: %s", arg, err.text);
	return r;
}

/* ---------------------------------------------------------------- --show-modversions/--show-exports */

static int fail_with(struct pmod_error *err, int code, const char *text)
{
	err->code = code;
	snprintf(err->text, sizeof(err->text), "%s", text);
	return code;
}

static int show_symbols(struct run *run, const char *arg, bool exports)
{
	struct pmod_resolved *found = NULL;
	struct pmod_image *img = NULL;
	struct pmod_error err;
	size_t count = 0;
	int r;

	r = lookup(run, arg, &found, &count);
	if (r < 0)
		return r;
	if (count == 0 || found[0].path == NULL) {
		tool_log(LOG_CRIT, "Module %s not found.", arg);
		pmod_resolved_free(found, count);
		return -ENOENT;
	}
	r = pmod_image_open(run->ctx, found[0].path, &img, &err);
	if (r == 0 && exports) {
		const struct pmod_export *e;
		size_t n;

		r = pmod_image_exports(img, &e, &n, &err);
		/* kmod fails (exit 1) on a module that exports nothing. */
		if (r == 0 && n == 0)
			r = fail_with(&err, -ENOENT, "the module exports no symbols");
		for (size_t i = 0; r == 0 && i < n; i++)
			printf("0x%08llx\t%s\n", (unsigned long long)e[i].crc, e[i].symbol);
	} else if (r == 0) {
		const struct pmod_version *v;
		size_t n;

		r = pmod_image_versions(img, &v, &n, &err);
		if (r == 0 && n == 0)
			r = fail_with(&err, -ENOENT, "the module has no symbol versions");
		for (size_t i = 0; r == 0 && i < n; i++)
			printf("0x%08llx\t%s\n", (unsigned long long)v[i].crc, v[i].symbol);
	}
	if (r < 0)
		tool_log(LOG_CRIT, "could not get %s of %s: %s", exports ? "symbols" : "modversions",
			 found[0].path, err.text);
	pmod_image_free(img);
	pmod_resolved_free(found, count);
	return r;
}

/* ---------------------------------------------------------------- insert */

static unsigned load_flags(const struct options *o)
{
	unsigned flags = 0;

	if (o->show_depends)
		flags |= PMOD_LOAD_LIST_ONLY;
	if (o->dry_run)
		flags |= PMOD_LOAD_DRY_RUN;
	if (o->first_time)
		flags |= PMOD_LOAD_FIRST_TIME;
	if (o->ignore_commands)
		flags |= PMOD_LOAD_IGNORE_COMMANDS;
	if (o->use_blacklist)
		flags |= PMOD_LOAD_USE_BLACKLIST;
	if (o->force || o->force_modversion)
		flags |= PMOD_LOAD_FORCE_MODVERSION;
	if (o->force || o->force_vermagic)
		flags |= PMOD_LOAD_FORCE_VERMAGIC;
	if (o->demand)
		flags |= PMOD_LOAD_DEMAND;
	return flags;
}

static void report_insert(void *data, const char *module, const struct pmod_error *err,
			  bool fatal)
{
	(void)fatal;
	if (data != NULL)
		json_error(data, module, err->text);
	tool_log(LOG_ERR, "could not insert '%s': %s", module, err->text);
}

static void report_remove(void *data, const char *module, const struct pmod_error *err,
			  bool fatal)
{
	const struct run *run = data;

	(void)module;
	if (fatal)
		fatal_or_warn(run, "%s", err->text);
	else
		tool_log(LOG_ERR, "%s", err->text);
}

/* -R: the modules a name resolves to; reads only. */
static int resolve_only(struct run *run, const char *arg)
{
	struct pmod_resolved *found;
	size_t count;
	int r;

	r = lookup(run, arg, &found, &count);
	if (r < 0)
		return r;
	if (count == 0) {
		pmod_resolved_free(found, count);
		fatal_or_warn(run, "Module %s not found in directory %s", arg,
			      pmod_ctx_module_dir(run->ctx));
		return -ENOENT;
	}
	for (size_t i = 0; i < count; i++)
		printf("%s\n", found[i].name);
	pmod_resolved_free(found, count);
	return 0;
}

/* The words for a request the library did not carry out; what failed
 * module by module was said as it happened (report_*). A gate refused the
 * whole run: REFUSED stops here (*stop). */
static void say_outcome(struct run *run, const char *verb, const char *arg, const char *gated,
			enum pmod_outcome outcome, const struct pmod_error *err, bool *stop)
{
	switch (outcome) {
	case PMOD_OUTCOME_REFUSED:
		tool_log(LOG_ERR, "could not %s '%s': %s", verb, gated, err->text);
		*stop = true;
		break;
	case PMOD_OUTCOME_LOOKUP_FAILED:
		tool_log(LOG_ERR, "%s: %s", arg, err->text);
		break;
	case PMOD_OUTCOME_NOT_FOUND:
		fatal_or_warn(run, "%s", err->text);
		break;
	case PMOD_OUTCOME_MODULE_FAILED:
	case PMOD_OUTCOME_DONE:
		break;
	default:
		tool_log(LOG_ERR, "%s", err->text);
		break;
	}
}

/* Every module the argument resolves to is tried, through every gate, by
 * the library; as in kmod, the result is the last one's. */
static int insert(struct run *run, const char *arg, const char *params, const char *gated,
		  bool *stop)
{
	struct pmod_load_options lo = {
		.size = sizeof(lo),
		.flags = load_flags(run->o),
		.params = params,
		.config = run->cfg,
		.show = run->show ? show_step : NULL,
		.report = report_insert,
		.report_data = NULL,
	};
	struct pmod_error err = { 0 };
	struct json_request jr = { 0 };
	int r;

	if (run->o->resolve_only)
		return resolve_only(run, arg);
	if (run->o->json) {
		jr.obj = json_new_object();
		jr.steps = json_new_array();
		jr.gates = json_new_array();
		jr.errors = json_new_array();
		json_add_string(jr.obj, "request", arg);
		json_add_string(jr.obj, "parameters", params && params[0] ? params : NULL);
		lo.flags |= PMOD_LOAD_JUDGE | (run->o->verify ? PMOD_LOAD_VERIFY : 0);
		lo.show = json_step;
		lo.show_data = &jr;
		lo.report_data = &jr;
		lo.gate = json_request_gate;
		lo.gate_data = &jr;
	}
	r = pmod_load(run->ctx, arg, &lo, &err);
	if (run->o->json) {
		/* The failure of the request as a whole, when no module's
		 * own report said it already. */
		if (r < 0 && lo.outcome != PMOD_OUTCOME_MODULE_FAILED)
			json_error(&jr, NULL, err.text);
		json_add_string(jr.obj, "result", r < 0 ? "failed" : r == 1 ? "skipped" : "ok");
		json_add(jr.obj, "gates", jr.gates);
		json_add(jr.obj, "steps", jr.steps);
		json_add(jr.obj, "errors", jr.errors);
		json_stream_append(run->stream, jr.obj);
	}
	if (r < 0)
		say_outcome(run, "insert", arg, gated, lo.outcome, &err, stop);
	return r < 0 ? r : 0;	/* blacklisted is a quiet success */
}

/* ---------------------------------------------------------------- remove */

static int remove_one(struct run *run, const char *arg, const char *gated, bool *stop)
{
	const struct options *o = run->o;
	struct pmod_unload_options uo = {
		.size = sizeof(uo),
		.wait_ms = o->wait_ms,
		.config = run->cfg,
		.show = run->show ? show_step : NULL,
		.report = report_remove,
		.report_data = run,
	};
	struct pmod_error err = { 0 };
	int r;

	if (o->force)
		uo.flags |= PMOD_UNLOAD_FORCE;
	if (o->dry_run || o->show_depends)
		uo.flags |= PMOD_UNLOAD_DRY_RUN;
	if (o->ignore_commands)
		uo.flags |= PMOD_UNLOAD_IGNORE_COMMANDS;
	if (o->remove_holders)
		uo.flags |= PMOD_UNLOAD_REMOVE_HOLDERS;
	if (o->first_time)
		uo.flags |= PMOD_UNLOAD_FIRST_TIME;
	r = pmod_unload(run->ctx, arg, &uo, &err);
	if (r < 0)
		say_outcome(run, "remove", arg, gated, uo.outcome, &err, stop);
	return r;
}

/* ---------------------------------------------------------------- arguments */

/* Module parameters after the name, joined by single spaces. */
static char *join_params(char **args, int n)
{
	size_t len = 1;
	char *out, *p;

	for (int i = 0; i < n; i++)
		len += strlen(args[i]) + 1;
	out = malloc(len);
	if (out == NULL)
		return NULL;
	p = out;
	*p = '\0';
	for (int i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ' ';
		p = stpcpy(p, args[i]);
	}
	return out;
}

/* MODPROBE_OPTIONS: words split at spaces, quotes grouping and removed,
 * put before the real arguments. The strings live until exit and are
 * freed then. */
static char **env_argv;
static char *env_words;

static void free_env_options(void)
{
	free(env_argv);
	free(env_words);
}

static int prepend_env_options(int *argc, char ***argv)
{
	const char *env = getenv("MODPROBE_OPTIONS");
	char **nargv, *buf, *w;
	size_t nwords = 0;
	int n;

	if (env == NULL || env[0] == '\0')
		return 0;
	atexit(free_env_options);
	env_words = buf = malloc(strlen(env) + 1);
	env_argv = nargv = malloc((strlen(env) / 2 + 2 + (size_t)*argc) * sizeof(*nargv));
	if (buf == NULL || nargv == NULL)
		return -ENOMEM;
	nargv[0] = (*argv)[0];
	n = 1;
	w = buf;
	for (const char *p = env; *p;) {
		char quote = 0;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		nargv[n++] = w;
		for (; *p && (quote || *p != ' '); p++) {
			if (quote == 0 && (*p == '"' || *p == '\'')) {
				quote = *p;
			} else if (quote != 0 && *p == quote) {
				quote = 0;
			} else {
				*w++ = *p;
			}
		}
		*w++ = '\0';
		nwords++;
	}
	for (int i = 1; i < *argc; i++)
		nargv[n++] = (*argv)[i];
	nargv[n] = NULL;
	*argc = n;
	*argv = nargv;
	return 0;
}

/* modprobe passes some options on to the modprobe processes its install
 * and remove commands start. */
static void append_env_option(const char *opt, const char *value)
{
	const char *old = getenv("MODPROBE_OPTIONS");
	char *s;

	if (asprintf(&s, "%s%s%s%s%s", old ? old : "", old && old[0] ? " " : "", opt,
		     value ? " " : "", value ? value : "") < 0)
		return;
	if (setenv("MODPROBE_OPTIONS", s, 1) < 0)
		tool_log(LOG_ERR, "could not setenv(MODPROBE_OPTIONS, \"%s\")", s);
	free(s);
}

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s [options] [-i] [-b] modulename [parameters...]\n"
	       "\t%s [options] -a [-i] [-b] modulename [modulename...]\n"
	       "\t%s [options] -r [-i] modulename [modulename...]\n"
	       "\t%s [options] -c\n"
	       "\t%s [options] --show-modversions|--show-exports module\n"
	       "\n"
	       "Management:\n"
	       "\t-a, --all                 Every argument is a module to load (or remove with -r)\n"
	       "\t-r, --remove              Remove modules, then the dependencies nothing uses\n"
	       "\t    --remove-holders      Also remove the modules that use it (implies -r)\n"
	       "\t-w, --wait=MSEC           With -r, retry a busy module for up to MSEC\n"
	       "\t    --first-time          Fail if the module is already loaded (or removed)\n"
	       "\t-i, --ignore-install, --ignore-remove\n"
	       "\t                          Ignore install/remove commands and softdeps\n"
	       "\t-b, --use-blacklist       Apply the blacklist to names too, not only aliases\n"
	       "\t-f, --force               --force-modversion and --force-vermagic (loading only:\n"
	       "\t                          there is no forced unload)\n"
	       "\t    --force-modversion    Ignore symbol versions\n"
	       "\t    --force-vermagic      Ignore the version magic\n"
	       "\t    --demand              Treat the request as the kernel's demand load\n"
	       "\t                          (AutoLoadPolicy and the blacklist apply)\n"
	       "\n"
	       "Query:\n"
	       "\t-R, --resolve-alias       Print the modules a name resolves to\n"
	       "\t-D, --show-depends        Print what loading would do, even if loaded\n"
	       "\t-c, --show-config         Print the configuration and the alias indexes\n"
	       "\t    --json                With -D or -c: one JSON document (pmod-json(7))\n"
	       "\t    --verify              With -D --json: each file's signature verdict too\n"
	       "\t    --show-modversions    Print a module's symbol versions\n"
	       "\t    --show-exports        Print a module's exported symbols\n"
	       "\n"
	       "General:\n"
	       "\t-n, --dry-run             Do nothing (with -v: print what would be done)\n"
	       "\t-C, --config=PATH         Read configuration from PATH instead (repeatable)\n"
	       "\t-d, --dirname=DIR         Look for the module directory under DIR\n"
	       "\t-S, --set-version=VER     Use VER instead of `uname -r`\n"
	       "\t    --root=DIR            Take every file under DIR instead of /\n"
	       "\t-s, --syslog              Log to syslog\n"
	       "\t-q, --quiet               No messages\n"
	       "\t-v, --verbose             More messages; print the actions\n"
	       "\t-V, --version             Show the version\n"
	       "\t-h, --help                Show this help\n",
	       progname, progname, progname, progname, progname);
}

enum {
	OPT_REMOVE_HOLDERS = 256,
	OPT_REMOVE_DEPENDENCIES,
	OPT_FIRST_TIME,
	OPT_FORCE_MODVERSION,
	OPT_FORCE_VERMAGIC,
	OPT_SHOW_MODVERSIONS,
	OPT_SHOW_EXPORTS,
	OPT_ROOT,
	OPT_DEMAND,
	OPT_JSON,
	OPT_VERIFY,
};

static bool parse_wait(const char *s, unsigned *ms)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (s[0] == '\0' || *end != '\0' || errno != 0 || v > UINT_MAX)
		return false;
	*ms = (unsigned)v;
	return true;
}

/* Options and MODPROBE_OPTIONS into o, copts and *verbosity. 0 to go on,
 * 1 for a successful early exit (-V, -h), -1 for an error (already said). */
static int parse_options(int *argcp, char ***argvp, struct options *o,
			 struct pmod_ctx_options *copts, int *verbosity)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "remove", no_argument, NULL, 'r' },
		{ "remove-holders", no_argument, NULL, OPT_REMOVE_HOLDERS },
		{ "remove-dependencies", no_argument, NULL, OPT_REMOVE_DEPENDENCIES },
		{ "wait", required_argument, NULL, 'w' },
		{ "first-time", no_argument, NULL, OPT_FIRST_TIME },
		{ "ignore-install", no_argument, NULL, 'i' },
		{ "ignore-remove", no_argument, NULL, 'i' },
		{ "use-blacklist", no_argument, NULL, 'b' },
		{ "force", no_argument, NULL, 'f' },
		{ "force-modversion", no_argument, NULL, OPT_FORCE_MODVERSION },
		{ "force-vermagic", no_argument, NULL, OPT_FORCE_VERMAGIC },
		{ "resolve-alias", no_argument, NULL, 'R' },
		{ "show-alias", no_argument, NULL, 'R' },
		{ "show-depends", no_argument, NULL, 'D' },
		{ "showconfig", no_argument, NULL, 'c' },
		{ "show-config", no_argument, NULL, 'c' },
		{ "show-modversions", no_argument, NULL, OPT_SHOW_MODVERSIONS },
		{ "dump-modversions", no_argument, NULL, OPT_SHOW_MODVERSIONS },
		{ "show-exports", no_argument, NULL, OPT_SHOW_EXPORTS },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "show", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'C' },
		{ "dirname", required_argument, NULL, 'd' },
		{ "set-version", required_argument, NULL, 'S' },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "demand", no_argument, NULL, OPT_DEMAND },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "syslog", no_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int argc, c;
	char **argv;

	if (prepend_env_options(argcp, argvp) < 0) {
		tool_log(LOG_ERR, "Could not prepend options from command line");
		return -1;
	}
	argc = *argcp;
	argv = *argvp;
	o->config_paths = calloc((size_t)argc + 1, sizeof(*o->config_paths));
	if (o->config_paths == NULL)
		return -1;
	while ((c = getopt_long(argc, argv, "arw:ibfRDcnC:d:S:sqvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o->all = true; break;
		case 'r': o->remove = true; break;
		case OPT_REMOVE_DEPENDENCIES:
			tool_log(LOG_WARNING, "--remove-dependencies is deprecated: use --remove-holders");
			/* fall through */
		case OPT_REMOVE_HOLDERS:
			o->remove = o->remove_holders = true;
			break;
		case 'w':
			if (!parse_wait(optarg, &o->wait_ms)) {
				tool_log(LOG_ERR, "unexpected wait value '%s'.", optarg);
				return -1;
			}
			break;
		case OPT_FIRST_TIME: o->first_time = true; break;
		case 'i': o->ignore_commands = true; break;
		case 'b': o->use_blacklist = true; break;
		case 'f': o->force = true; break;
		case OPT_FORCE_MODVERSION: o->force_modversion = true; break;
		case OPT_FORCE_VERMAGIC: o->force_vermagic = true; break;
		case 'R': o->resolve_only = true; break;
		case 'D': o->show_depends = true; break;
		case 'c': o->show_config = true; break;
		case OPT_SHOW_MODVERSIONS: o->show_modversions = true; break;
		case OPT_SHOW_EXPORTS: o->show_exports = true; break;
		case 'n': o->dry_run = true; break;
		case 'C':
			o->config_paths[o->nconfig_paths++] = optarg;
			append_env_option("-C", optarg);
			break;
		case 'd':
			/* An empty base is the root directory, as kmod reads it:
			 * dracut passes its sysroot, which is empty for the running
			 * system. (depmod -b "" is the working directory in kmod.) */
			copts->basedir = optarg[0] != '\0' ? optarg : NULL;
			break;
		case 'S': copts->kernel_release = optarg; break;
		case OPT_ROOT: copts->root = optarg; break;
		case OPT_DEMAND: o->demand = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_VERIFY: o->verify = true; break;
		case 's':
			tool_output_use_syslog();
			append_env_option("-s", NULL);
			break;
		case 'q':
			*verbosity = LOG_EMERG;
			append_env_option("-q", NULL);
			break;
		case 'v':
			if (*verbosity < LOG_DEBUG)
				(*verbosity)++;
			append_env_option("-v", NULL);
			break;
		case 'V':
			tool_print_version();
			return 1;
		case 'h':
			usage();
			return 1;
		default:
			return -1;
		}
	}
	if (optind >= argc && !o->show_config) {
		tool_log(LOG_ERR, "missing parameters. See -h.");
		return -1;
	}
	/* The documents are a load's plan and the configuration. */
	if (o->json && !o->show_config &&
	    (!o->show_depends || o->remove || o->resolve_only || o->show_modversions ||
	     o->show_exports)) {
		tool_log(LOG_ERR, "--json goes with --show-depends (without -r or -R) or -c");
		return -1;
	}
	if (o->verify && !(o->json && o->show_depends && !o->show_config)) {
		tool_log(LOG_ERR, "--verify goes with --show-depends --json");
		return -1;
	}
	return 0;
}

/* A demand load takes one name and nothing else: the kernel's shape. */
static bool demand_shape_ok(const struct options *o, int nargs)
{
	return !(o->remove || o->all || o->show_config || o->show_modversions ||
		 o->show_exports || nargs != 1);
}

/* What a gate refusal names: a load's one name, or every name of -a/-r. */
static char *gated_request(const struct options *o, char **args, int nargs)
{
	return join_params(args, o->remove || o->all || nargs == 0 ? nargs : 1);
}

/* The mode the options chose, on args (names, then a load's parameters). */
static int run_mode(struct run *run, char **args, int nargs)
{
	struct options *o = (struct options *)run->o;
	char *gated = gated_request(o, args, nargs), *params = NULL;
	bool stop = false;
	int r = 0;

	if (gated == NULL)
		return -ENOMEM;
	if (o->show_config) {
		r = o->json ? show_config_json(run) : show_config(run);
	} else if (o->show_modversions || o->show_exports) {
		r = show_symbols(run, args[0], !o->show_modversions);
	} else if (o->remove) {
		if (o->force && !pmod_forced_unload_available()) {
			tool_notice_no_forced_unload();
			o->force = false;
		}
		for (int i = 0; i < nargs && !stop; i++)
			if (remove_one(run, args[i], gated, &stop) < 0)
				r = -1;
	} else if (o->all) {
		for (int i = 0; i < nargs && !stop; i++)
			if (insert(run, args[i], NULL, gated, &stop) < 0)
				r = -1;
	} else {
		params = join_params(args + 1, nargs - 1);
		r = params ? insert(run, args[0], params, gated, &stop) : -ENOMEM;
	}
	free(params);
	free(gated);
	return r;
}

int modprobe_main(int argc, char *argv[])
{
	struct options o = { 0 };
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_config_options cfg_opts = { .size = sizeof(cfg_opts) };
	struct run run = { .o = &o };
	struct pmod_error err;
	int verbosity = LOG_WARNING;
	int r;

	tool_output_init(progname, LOG_WARNING);
	tool_output_escape_messages();
	/* Asked of the command line exactly as the kernel would give it,
	 * before MODPROBE_OPTIONS is added. */
	o.demand = pmod_demand_invocation(argc, argv);
	r = parse_options(&argc, &argv, &o, &copts, &verbosity);
	if (r != 0)
		goto early_exit;
	tool_output_set_priority(verbosity);
	run.show = o.show_depends || verbosity > LOG_WARNING;
	r = pmod_ctx_new(&copts, &run.ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		goto early_exit;
	}
	tool_output_attach(run.ctx);
	if (o.demand && !demand_shape_ok(&o, argc - optind)) {
		tool_log(LOG_ERR, "a demand load takes exactly one module name and no other mode");
		r = -EINVAL;
	} else if (!o.show_modversions && !o.show_exports) {
		cfg_opts.paths = o.nconfig_paths ? o.config_paths : NULL;
		r = pmod_config_load(run.ctx, &cfg_opts, &run.cfg, &err);
		if (r < 0)
			tool_log(LOG_ERR, "%s", err.text);
	}
	if (r >= 0 && o.json) {
		/* Loaded before any work: without json-c nothing is printed. */
		if (!json_output_load()) {
			r = -ELIBACC;
		} else {
			run.doc = json_document(o.show_config ? "modprobe -c" : "modprobe --show-depends");
			/* Each request is written as soon as it is planned. */
			if (!o.show_config) {
				run.stream = stream_in_progress =
					json_stream_begin(run.doc, "requests", stdout);
				run.doc = NULL;
			}
		}
	}
	if (r >= 0)
		r = run_mode(&run, argv + optind, argc - optind);
	if (run.stream != NULL && json_stream_end(run.stream) < 0)
		r = -EIO;
	else if (run.doc != NULL && json_print(run.doc, stdout) < 0)
		r = -EIO;
	pmod_config_free(run.cfg);
	pmod_ctx_free(run.ctx);
	free(o.config_paths);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_log(LOG_ERR, "writing output: %s", strerror(errno));
		return EXIT_FAILURE;
	}
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

early_exit:
	/* -V and -h succeed (r == 1); anything else here is an error. */
	free(o.config_paths);
	return r == 1 ? EXIT_SUCCESS : EXIT_FAILURE;
}
