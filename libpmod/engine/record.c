// SPDX-License-Identifier: LGPL-2.1-or-later
/* Records: one line per load, unload and refusal, for the people who
 * audit a machine (seeds: "Tainting and observability"). The content is
 * decided here so that every caller of the library leaves the same
 * record; where it goes is the context's record function, syslog by
 * default with facility LOG_AUTHPRIV: these are security records (who put
 * code into the kernel), and authpriv is the facility whose log is
 * readable by administrators only. The library still never prints: a
 * record is not a message to the user.
 *
 * Form: ACTION key=value ..., values quoted and escaped unless they are
 * plain, so that a module name, a path or a parent's command name (all
 * chosen by someone else) cannot add fields or lines. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "context.h"
#include "kernel.h"
#include "privilege.h"
#include "record.h"

struct out {
	char *buf;
	size_t size, len;	/* len counts what was needed, like snprintf */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len - 1;

		memcpy(o->buf + o->len, s, n < room ? n : room);
		o->buf[o->len + (n < room ? n : room)] = '\0';
	}
	o->len += n;
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static bool plain(const char *v)
{
	if (v[0] == '\0')
		return false;
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("._/:+,-@*?[]", c) != NULL))
			return false;
	}
	return true;
}

/* " key=value", the value quoted with \" \\ and \xNN escapes when it is
 * not plain. A value is cut at MAX_VALUE characters of output (escapes
 * counted as written), so that hostile values (a request, a path, a
 * signer, a parent's name) can fill at most their share of the record and
 * never push the fields after them, the result above all, off its end. */
#define MAX_VALUE 400
/* Every variable field at its cap still fits, with the fixed ones. */
#define RECORD_MAX 4096

static void field(struct out *o, const char *key, const char *value)
{
	size_t len = strlen(value), used = 0;
	const unsigned char *p;

	putf(o, " %s=", key);
	if (len <= MAX_VALUE && plain(value)) {
		put(o, value, len);
		return;
	}
	/* A value cut to fit stays a whole quoted field. */
	put(o, "\"", 1);
	for (p = (const unsigned char *)value; *p; p++) {
		char esc[8];
		int n;

		if (*p == '"' || *p == '\\')
			n = snprintf(esc, sizeof(esc), "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			n = snprintf(esc, sizeof(esc), "\\x%02x", *p);
		else
			n = snprintf(esc, sizeof(esc), "%c", *p);
		if (used + (size_t)n > MAX_VALUE)
			break;
		put(o, esc, (size_t)n);
		used += (size_t)n;
	}
	if (*p != '\0')
		put(o, "...", 3);
	put(o, "\"", 1);
}

static void result_field(struct out *o, int result)
{
	const char *name;

	if (result >= 0) {
		field(o, "result", "ok");
		return;
	}
	name = strerrorname_np(-result);
	if (name != NULL) {
		field(o, "result", name);
	} else {
		char num[32];

		snprintf(num, sizeof(num), "errno-%d", -result);
		field(o, "result", num);
	}
}

/* signature=VERDICT, then what the signature says about its signer. The
 * signer is the signature's text (anyone's choice): field() escapes it. */
static void signature_fields(struct out *o, const struct pmod_record *rec)
{
	static const char digits[] = "0123456789abcdef";
	const struct pmod_verify_result *v = rec->verdict;
	char key[2 * sizeof(v->signer.key_id) + 1];
	size_t len, k = 0;

	if (v == NULL) {
		field(o, "signature", rec->signature ? rec->signature : RECORD_SIGNATURE_NOT_CHECKED);
		return;
	}
	field(o, "signature", pmod_verdict_name(v->verdict));
	if (v->verdict == PMOD_VERDICT_UNSIGNED || v->verdict == PMOD_VERDICT_MALFORMED)
		return;
	/* signer_len may be cut or hold NULs: what precedes the first NUL
	 * is what modinfo shows too. */
	len = strnlen(v->signer.name, sizeof(v->signer.name));
	if (len > 0 && len < sizeof(v->signer.name))
		field(o, "signer", v->signer.name);
	for (size_t i = 0; i < v->signer.key_id_len && i < sizeof(v->signer.key_id); i++) {
		key[k++] = digits[v->signer.key_id[i] >> 4];
		key[k++] = digits[v->signer.key_id[i] & 15];
	}
	key[k] = '\0';
	if (k > 0)
		field(o, "key", key);
	if (strnlen(v->signer.hash_algo, sizeof(v->signer.hash_algo)) < sizeof(v->signer.hash_algo) &&
	    v->signer.hash_algo[0] != '\0')
		field(o, "hash", v->signer.hash_algo);
	/* The trust-store file whose key judged it. */
	if (v->certificate != NULL)
		field(o, "certificate", v->certificate);
}

int pmod_record_format(struct pmod_ctx *ctx, const struct pmod_record *rec, char *buf,
		       size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const struct pmod_policy *policy = NULL;
	struct kernel_process parent;
	char num[64];

	if (size > 0)
		buf[0] = '\0';
	put(&o, rec->action ? rec->action : "?", strlen(rec->action ? rec->action : "?"));
	if (ctx->request != NULL)
		field(&o, "request", ctx->request);
	field(&o, "module", rec->module ? rec->module : "-");
	field(&o, "path", rec->path ? rec->path : "-");
	signature_fields(&o, rec);
	if (pmod_ctx_policy(ctx, &policy) == 0) {
		field(&o, "signing-policy", pmod_signing_policy_name(pmod_policy_signing(policy)));
		field(&o, "autoload-policy", pmod_autoload_policy_name(pmod_policy_autoload(policy)));
		field(&o, "policy-source", pmod_policy_source_name(pmod_policy_source(policy)));
	}
	field(&o, "demand", ctx->demand ? "yes" : "no");
	if (rec->rule != NULL)
		field(&o, "rule", rec->rule);
	else if (ctx->demand && ctx->demand_rule != NULL)
		field(&o, "rule", ctx->demand_rule);
	/* The caller: who, and what started it (cheap to read here; the
	 * token's owner is whoever the uid maps to on Peios). */
	snprintf(num, sizeof(num), "%u", (unsigned)getuid());
	field(&o, "uid", num);
	if (geteuid() != getuid()) {
		snprintf(num, sizeof(num), "%u", (unsigned)geteuid());
		field(&o, "euid", num);
	}
	snprintf(num, sizeof(num), "%d", (int)getpid());
	field(&o, "pid", num);
	snprintf(num, sizeof(num), "%d", (int)getppid());
	field(&o, "ppid", num);
	if (kernel_process_read(getppid(), &parent) == 0) {
		field(&o, "parent", parent.comm);
		if (kernel_process_is_kernel_thread(&parent))
			field(&o, "parent-kthread", "yes");
	}
	field(&o, "authority", privilege_authority_name(ctx_privilege(ctx)));
	result_field(&o, rec->result);
	return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

static void syslog_record(void *data, int priority, const char *record)
{
	(void)data;
	syslog(LOG_AUTHPRIV | priority, "%s", record);
}

void pmod_ctx_set_record_fn(struct pmod_ctx *ctx, pmod_record_fn fn, void *data)
{
	ctx->record_fn = fn;
	ctx->record_data = data;
}

int pmod_ctx_set_request(struct pmod_ctx *ctx, const char *request, bool demand)
{
	char *copy = NULL;

	if (request != NULL && (copy = strdup(request)) == NULL)
		return -ENOMEM;
	free(ctx->request);
	ctx->request = copy;
	ctx->demand = demand;
	/* A new request has not been judged yet. */
	record_set_demand_rule(ctx, NULL);
	return 0;
}

int record_set_demand_rule(struct pmod_ctx *ctx, const char *rule)
{
	char *copy = NULL;

	if (rule != NULL && (copy = strdup(rule)) == NULL)
		return -ENOMEM;
	free(ctx->demand_rule);
	ctx->demand_rule = copy;
	return 0;
}

void record_emit(struct pmod_ctx *ctx, const struct pmod_record *rec)
{
	char text[RECORD_MAX];
	pmod_record_fn fn = ctx->record_fn ? ctx->record_fn : syslog_record;

	pmod_record_format(ctx, rec, text, sizeof(text));
	fn(ctx->record_data, rec->result < 0 ? LOG_WARNING : LOG_NOTICE, text);
}

void record_refusal(struct pmod_ctx *ctx, enum pmod_operation op, const char *module,
		    const char *path, const char *rule, int code)
{
	struct pmod_record rec = {
		.action = op == PMOD_OPERATION_LOAD ? "refuse-load" : "refuse-unload",
		.module = module,
		.path = path,
		.rule = rule,
		.result = code < 0 ? code : -EPERM,
	};

	record_emit(ctx, &rec);
}
