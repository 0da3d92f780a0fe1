// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_ctx: a libpmod context and configuration behind kmod's interface.
 * libpmod decides where the module directory is and what the
 * configuration says; this file only keeps kmod's reference counting,
 * log and user data around them. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "context.h"

typedef void (*log_function)(void *data, int priority, const char *file, int line,
			     const char *fn, const char *format, va_list args);

struct kmod_ctx {
	int refcount;
	int log_priority;
	log_function log_fn;
	void *log_data;
	const void *userdata;
	struct pmod_ctx *pmod;
	struct pmod_config *config;
	struct module_pool pool;
	struct resource_stamps stamps;
};

/* kmod's default: every message on standard error, prefixed. */
static void log_to_stderr(void *data, int priority, const char *file, int line,
			  const char *fn, const char *format, va_list args)
{
	(void)priority;
	(void)file;
	(void)line;
	fprintf(data, "libkmod: %s: ", fn);
	vfprintf(data, format, args);
}

void ctx_log_message(const struct kmod_ctx *ctx, int priority, const char *function,
		     const char *format, ...)
{
	va_list args;

	if (ctx->log_fn == NULL || priority > ctx->log_priority)
		return;
	va_start(args, format);
	ctx->log_fn(ctx->log_data, priority, __FILE__, __LINE__, function, format, args);
	va_end(args);
}

/* What libpmod has to say (a bad configuration line, a corrupt index)
 * reaches the caller's log function like kmod's own messages. */
static void relay_pmod_message(void *data, int priority, const char *message)
{
	ctx_log_message(data, priority, "libpmod", "%s\n", message);
}

/* KMOD_LOG: a number, or a priority's name as kmod reads it. */
static int priority_from_environment(const char *value)
{
	char *end;
	long n = strtol(value, &end, 10);

	if (end[0] == '\0' || isspace((unsigned char)end[0]))
		return (int)n;
	if (strncmp(value, "err", 3) == 0)
		return LOG_ERR;
	if (strncmp(value, "info", 4) == 0)
		return LOG_INFO;
	if (strncmp(value, "debug", 5) == 0)
		return LOG_DEBUG;
	return 0;
}

struct kmod_ctx *kmod_new(const char *dirname, const char *const *config_paths)
{
	struct pmod_ctx_options opts = { .size = sizeof(opts), .module_dir = dirname };
	struct pmod_config_options copts = { .size = sizeof(copts), .paths = config_paths };
	struct pmod_error err = { 0 };
	struct kmod_ctx *ctx;
	const char *env;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return NULL;
	ctx->refcount = 1;
	ctx->log_fn = log_to_stderr;
	ctx->log_data = stderr;
	ctx->log_priority = LOG_ERR;
	env = getenv("KMOD_LOG");
	if (env != NULL)
		ctx->log_priority = priority_from_environment(env);
	if (pmod_ctx_new(&opts, &ctx->pmod) < 0) {
		free(ctx);
		return NULL;
	}
	pmod_ctx_set_log_fn(ctx->pmod, relay_pmod_message, ctx);
	pmod_ctx_set_log_priority(ctx->pmod, ctx->log_priority);
	if (pmod_config_load(ctx->pmod, &copts, &ctx->config, &err) < 0) {
		ctx_log_message(ctx, LOG_ERR, __func__, "could not read the configuration: %s\n",
			err.text);
		pmod_ctx_free(ctx->pmod);
		free(ctx);
		return NULL;
	}
	if (resources_record_config(ctx) < 0) {
		pmod_config_free(ctx->config);
		pmod_ctx_free(ctx->pmod);
		free(ctx);
		return NULL;
	}
	return ctx;
}

struct kmod_ctx *kmod_ref(struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	ctx->refcount++;
	return ctx;
}

struct kmod_ctx *kmod_unref(struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	if (--ctx->refcount > 0)
		return ctx;
	resources_release(ctx);
	pmod_config_free(ctx->config);
	pmod_ctx_free(ctx->pmod);
	free(ctx);
	return NULL;
}

void kmod_set_log_fn(struct kmod_ctx *ctx,
		     void (*log_fn)(void *data, int priority, const char *file, int line,
				    const char *fn, const char *format, va_list args),
		     const void *data)
{
	if (ctx == NULL)
		return;
	ctx->log_fn = log_fn;
	ctx->log_data = (void *)data;
}

int kmod_get_log_priority(const struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return -1;
	return ctx->log_priority;
}

void kmod_set_log_priority(struct kmod_ctx *ctx, int priority)
{
	if (ctx == NULL)
		return;
	ctx->log_priority = priority;
	pmod_ctx_set_log_priority(ctx->pmod, priority);
}

void *kmod_get_userdata(const struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	return (void *)ctx->userdata;
}

void kmod_set_userdata(struct kmod_ctx *ctx, const void *userdata)
{
	if (ctx == NULL)
		return;
	ctx->userdata = userdata;
}

const char *kmod_get_dirname(const struct kmod_ctx *ctx)
{
	if (ctx == NULL)
		return NULL;
	return pmod_ctx_module_dir(ctx->pmod);
}

struct pmod_ctx *ctx_pmod(const struct kmod_ctx *ctx)
{
	return ctx->pmod;
}

const struct pmod_config *ctx_config(const struct kmod_ctx *ctx)
{
	return ctx->config;
}

struct module_pool *ctx_pool(const struct kmod_ctx *ctx)
{
	return (struct module_pool *)&ctx->pool;
}

struct resource_stamps *ctx_stamps(const struct kmod_ctx *ctx)
{
	return (struct resource_stamps *)&ctx->stamps;
}
