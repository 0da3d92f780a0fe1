// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "context.h"
#include "builtin_modinfo.h"
#include "error.h"
#include "mapped_file.h"
#include "policy.h"
#include "options_size.h"
#include "record_sink.h"

struct pmod_ctx {
	char *root;			/* "" for "/" */
	char *basedir;			/* absolute, "" when none */
	char *moddir;			/* "/lib/modules" or depmod -m's */
	char *module_dir;
	char *kernel_release;
	struct log_sink log;
	struct index_reader *indexes[CTX_INDEX_COUNT];
	bool index_tried[CTX_INDEX_COUNT];
	struct mapped_file builtin_modinfo;
	bool builtin_modinfo_tried;
	/* Trust store, signer memo and the module size cap (trust layer). */
	struct trust_context trust;
	/* policy.c: read on first use. */
	struct pmod_policy *policy;
	/* The caller's authority, asked on first use. */
	struct privilege privilege;
	/* Judged listings' gates, asked by the first (ctx_listing_gates). */
	struct ctx_listing_gates listing_gates;
	/* record.c: where records go (NULL: syslog). What a record names
	 * about its request is the request's own (struct request), not the
	 * context's: callers share a context. */
	pmod_record_fn record_fn;
	void *record_data;
};

static const char *const index_file_names[CTX_INDEX_COUNT] = {
	[CTX_INDEX_DEP] = "modules.dep.bin",
	[CTX_INDEX_ALIAS] = "modules.alias.bin",
	[CTX_INDEX_SYMBOLS] = "modules.symbols.bin",
	[CTX_INDEX_BUILTIN] = "modules.builtin.bin",
	[CTX_INDEX_BUILTIN_ALIAS] = "modules.builtin.alias.bin",
};

/* "/" and "" both mean no root; a trailing slash is dropped so that
 * root + "/etc/..." never doubles it. */
static char *normalize_root(const char *root)
{
	size_t len;

	if (root == NULL)
		return strdup("");
	len = strlen(root);
	while (len > 0 && root[len - 1] == '/')
		len--;
	return strndup(root, len);
}

/* kmod makes a relative -b, and libkmod a relative module directory,
 * absolute against the working directory. */
static char *absolute_against_cwd(const char *basedir)
{
	char cwd[PATH_MAX];
	char *out;

	if (basedir == NULL)
		return strdup("");
	if (basedir[0] == '/')
		return strdup(basedir);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	if (asprintf(&out, "%s/%s", cwd, basedir) < 0)
		return NULL;
	return out;
}

/* depmod -m strips leading slashes and takes the rest under the base;
 * the result always starts with exactly one '/'. */
static char *module_directory(const char *dir)
{
	char *out;

	if (dir == NULL)
		return strdup(PMOD_MODULE_DIRECTORY);
	while (*dir == '/')
		dir++;
	if (asprintf(&out, "/%s", dir) < 0)
		return NULL;
	return out;
}

int pmod_ctx_new(const struct pmod_ctx_options *caller_opts, struct pmod_ctx **out)
{
	struct pmod_ctx_options o;
	const struct pmod_ctx_options *opts = &o;
	struct pmod_ctx *ctx;
	struct utsname u;
	char *basedir;
	int r;

	r = options_copy(&o, sizeof(o), caller_opts);
	if (r < 0)
		return r;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return -ENOMEM;
	ctx->log.priority = LOG_ERR;
	ctx->trust.max_module_size = PMOD_DEFAULT_MAX_MODULE_SIZE;
	ctx->trust.log = &ctx->log;
	privilege_init(&ctx->privilege, &ctx->log);
	ctx->root = normalize_root(opts->root);
	if (opts->kernel_release != NULL) {
		ctx->kernel_release = strdup(opts->kernel_release);
	} else if (uname(&u) == 0) {
		ctx->kernel_release = strdup(u.release);
	}
	basedir = absolute_against_cwd(opts->basedir);
	ctx->moddir = module_directory(opts->module_directory);
	if (ctx->root == NULL || ctx->kernel_release == NULL || basedir == NULL ||
	    ctx->moddir == NULL ||
	    (opts->module_dir != NULL ?
		     (ctx->module_dir = absolute_against_cwd(opts->module_dir)) == NULL :
		     asprintf(&ctx->module_dir, "%s%s%s/%s", ctx->root, basedir, ctx->moddir,
			      ctx->kernel_release) < 0)) {
		ctx->module_dir = NULL;
		free(basedir);
		pmod_ctx_free(ctx);
		return -ENOMEM;
	}
	ctx->basedir = basedir;
	ctx->trust.root = ctx->root;
	*out = ctx;
	return 0;
}

void pmod_ctx_free(struct pmod_ctx *ctx)
{
	if (ctx == NULL)
		return;
	for (int i = 0; i < CTX_INDEX_COUNT; i++)
		index_reader_close(ctx->indexes[i]);
	mapped_file_unmap(&ctx->builtin_modinfo);
	trust_context_release(&ctx->trust);
	policy_free(ctx->policy);
	privilege_release(&ctx->privilege);
	free(ctx->root);
	free(ctx->moddir);
	free(ctx->basedir);
	free(ctx->module_dir);
	free(ctx->kernel_release);
	free(ctx);
}

void pmod_ctx_set_log_fn(struct pmod_ctx *ctx, pmod_log_fn fn, void *data)
{
	ctx->log.fn = fn;
	ctx->log.data = data;
}

void pmod_ctx_set_log_priority(struct pmod_ctx *ctx, int priority)
{
	ctx->log.priority = priority;
}

const char *pmod_ctx_module_dir(const struct pmod_ctx *ctx)
{
	return ctx->module_dir;
}

const char *pmod_ctx_kernel_release(const struct pmod_ctx *ctx)
{
	return ctx->kernel_release;
}

const char *pmod_ctx_root(const struct pmod_ctx *ctx)
{
	return ctx->root;
}

void ctx_log(struct pmod_ctx *ctx, int priority, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (ctx->log.fn == NULL || priority > ctx->log.priority)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_write(&ctx->log, priority, "%s", msg);
}

const struct log_sink *ctx_log_sink(const struct pmod_ctx *ctx)
{
	return &ctx->log;
}

const char *ctx_moddir(const struct pmod_ctx *ctx)
{
	return ctx->moddir;
}

size_t ctx_max_module_size(const struct pmod_ctx *ctx)
{
	return ctx->trust.max_module_size;
}

struct trust_context *ctx_trust(struct pmod_ctx *ctx)
{
	return &ctx->trust;
}

struct privilege *ctx_privilege(struct pmod_ctx *ctx)
{
	return &ctx->privilege;
}

struct ctx_listing_gates *ctx_listing_gates(struct pmod_ctx *ctx)
{
	return &ctx->listing_gates;
}

int ctx_index(struct pmod_ctx *ctx, enum ctx_index which, struct index_reader **idx,
	      struct pmod_error *err)
{
	char path[PATH_MAX];
	int r;

	if (!ctx->index_tried[which]) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", ctx->module_dir,
				     index_file_names[which]) >= sizeof(path))
			return pmod_fail(err, -ENAMETOOLONG, "index path is too long");
		r = index_reader_open(path, &ctx->indexes[which], err);
		/* Missing and empty indexes are "no match", as for kmod. */
		if (r < 0 && r != -ENOENT && r != -ENODATA)
			return r;
		ctx->index_tried[which] = true;
	}
	*idx = ctx->indexes[which];
	return 0;
}

/* DIR/NAME into path (PATH_MAX bytes), by copying: every context opens
 * its indexes this way. false when it does not fit. */
static bool join_path(char path[PATH_MAX], const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);

	if (d + 1 + n >= PATH_MAX)
		return false;
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, name, n + 1);
	return true;
}

int pmod_index_open(struct pmod_ctx *ctx, enum pmod_index which, struct pmod_error *err)
{
	char path[PATH_MAX];
	int r;

	if (ctx == NULL || (unsigned)which >= CTX_INDEX_COUNT)
		return pmod_fail(err, -EINVAL, "no such index");
	if (!join_path(path, ctx->module_dir, index_file_names[which]))
		return pmod_fail(err, -ENAMETOOLONG, "index path is too long");
	pmod_index_close(ctx, (enum pmod_index)which);
	r = index_reader_open(path, &ctx->indexes[which], err);
	if (r < 0) {
		ctx->indexes[which] = NULL;
		return r;
	}
	ctx->index_tried[which] = true;
	return 0;
}

void pmod_index_close(struct pmod_ctx *ctx, enum pmod_index which)
{
	if (ctx == NULL || (unsigned)which >= CTX_INDEX_COUNT)
		return;
	index_reader_close(ctx->indexes[which]);
	ctx->indexes[which] = NULL;
	ctx->index_tried[which] = false;
}

/* A policy warning goes to the caller's log, and also, whatever the log's
 * level, into the records: a value that cannot be read makes pmod refuse
 * what it would otherwise do, and the people who audit the machine must
 * see why even when nobody reads the messages (the kernel's demand loads
 * run quiet). */
static void policy_warning(void *data, int priority, const char *message)
{
	struct pmod_ctx *ctx = data;
	const struct record_field field = { RECORD_WARNING, message };
	const struct record rec = {
		.action = "policy-warning",
		.priority = LOG_WARNING,
		.fields = &field,
		.count = 1,
	};
	char text[1200];
	struct record_text line = { .buf = text, .size = sizeof(text) };

	if (ctx->log.fn != NULL && priority <= ctx->log.priority)
		ctx->log.fn(ctx->log.data, priority, message);
	if (priority > LOG_WARNING)
		return;
	record_text_put(&line, rec.action, strlen(rec.action));
	record_text_fields(&line, rec.fields, rec.count);
	ctx_record_send(ctx, &rec, text);
}

int pmod_ctx_policy(struct pmod_ctx *ctx, const struct pmod_policy **out)
{
	struct log_sink relay = {
		.fn = policy_warning,
		.data = ctx,
		.priority = ctx->log.priority > LOG_WARNING ? ctx->log.priority : LOG_WARNING,
	};
	int r;

	if (ctx->policy == NULL) {
		r = policy_read(&relay, ctx->root, &ctx->policy);
		if (r < 0)
			return r;
	}
	*out = ctx->policy;
	return 0;
}

enum pmod_signing_policy pmod_ctx_signing_policy(struct pmod_ctx *ctx)
{
	const struct pmod_policy *p;

	/* Not knowing the policy is no reason to be lenient. */
	if (pmod_ctx_policy(ctx, &p) < 0)
		return PMOD_SIGNING_ENFORCE;
	return pmod_policy_signing(p);
}

int ctx_builtin_has(struct pmod_ctx *ctx, const char *name, struct pmod_error *err)
{
	struct index_reader *idx;
	int r;

	r = ctx_index(ctx, CTX_INDEX_BUILTIN, &idx, err);
	if (r < 0)
		return r;
	return builtin_index_has(idx, name, err);
}

int pmod_builtin_modinfo(struct pmod_ctx *ctx, const char *name,
			 struct pmod_modinfo **entries, size_t *count, struct pmod_error *err)
{
	char path[PATH_MAX];
	int r;

	if (!ctx->builtin_modinfo_tried) {
		if ((size_t)snprintf(path, sizeof(path), "%s/modules.builtin.modinfo",
				     ctx->module_dir) >= sizeof(path))
			return pmod_fail(err, -ENAMETOOLONG, "path too long");
		r = mapped_file_map(path, &ctx->builtin_modinfo, err);
		if (r < 0 && r != -ENOENT)
			return r;
		ctx->builtin_modinfo_tried = true;
		builtin_modinfo_trim(&ctx->builtin_modinfo);
	}
	return builtin_modinfo_find(&ctx->builtin_modinfo, name, entries, count, err);
}

void pmod_ctx_set_record_fn(struct pmod_ctx *ctx, pmod_record_fn fn, void *data)
{
	ctx->record_fn = fn;
	ctx->record_data = data;
}

void ctx_record_send(struct pmod_ctx *ctx, const struct record *rec, const char *text)
{
	if (ctx->record_fn != NULL)
		ctx->record_fn(ctx->record_data, rec->priority, text);
	else
		record_sink_default(rec, text);
}
