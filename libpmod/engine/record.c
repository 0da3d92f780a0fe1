// SPDX-License-Identifier: LGPL-2.1-or-later
/* Records: one line per load, unload and refusal, for the people who
 * audit a machine. The content is decided here so that every caller of
 * the library leaves the same record; where it goes is the context's record function, syslog by
 * default with facility LOG_AUTHPRIV: these are security records (who put
 * code into the kernel), and authpriv is the facility whose log is
 * readable by administrators only. The library still never prints: a
 * record is not a message to the user.
 *
 * Form: ACTION key=value ..., values quoted and escaped unless they are
 * plain (pmod_escape), so that a module name, a path or a parent's command
 * name (all chosen by someone else) cannot add fields or lines.
 *
 * The request a record names (as asked, demand or not, and the
 * AutoLoadPolicy rule that let a demand load in) belongs to one call of
 * pmod_load or pmod_unload: it is that call's struct request, handed down
 * to whatever leaves a record, never state of the shared context. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "context.h"
#include "kernel.h"
#include "kernel_calls.h"
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

/* " key=value", the value through pmod_escape's quoted form. A value is
 * cut at MAX_VALUE characters of output (escapes counted as written), so
 * that hostile values (a request, a path, a signer, a parent's name) can
 * fill at most their share of the record and never push the fields after
 * them, the result above all, off its end. */
#define MAX_VALUE 400
/* Every variable field at its cap still fits, with the fixed ones. */
#define RECORD_MAX 4096

static void field(struct out *o, const char *key_text, size_t key_len, const char *value)
{
	bool room;

	put(o, key_text, key_len);
	/* Escaped straight into the record, cut and terminated as put()
	 * would; once the record is full only the length is counted. */
	room = o->len < o->size;
	o->len += pmod_escape(value, PMOD_ESCAPE_QUOTE, MAX_VALUE, room ? o->buf + o->len : NULL,
			      room ? o->size - o->len : 0);
}

/* " key=" is a literal, its length known to the compiler: a record has
 * twenty fields and is written for every module loaded. */
#define FIELD(o, key, value) field((o), " " key "=", sizeof(" " key "=") - 1, (value))

/* A process or user id, without printf's machinery. */
static const char *decimal(long long value, char digits[24])
{
	size_t at = 23;
	unsigned long long v = value < 0 ? 0 - (unsigned long long)value : (unsigned long long)value;

	digits[at] = '\0';
	do {
		digits[--at] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (value < 0)
		digits[--at] = '-';
	return digits + at;
}

static void result_field(struct out *o, int result)
{
	const char *name;

	if (result >= 0) {
		FIELD(o, "result", "ok");
		return;
	}
	name = strerrorname_np(-result);
	if (name != NULL) {
		FIELD(o, "result", name);
	} else {
		char num[32];

		snprintf(num, sizeof(num), "errno-%d", -result);
		FIELD(o, "result", num);
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
		FIELD(o, "signature", rec->signature ? rec->signature : RECORD_SIGNATURE_NOT_CHECKED);
		return;
	}
	FIELD(o, "signature", pmod_verdict_name(v->verdict));
	if (v->verdict == PMOD_VERDICT_UNSIGNED || v->verdict == PMOD_VERDICT_MALFORMED)
		return;
	/* signer_len may be cut or hold NULs: what precedes the first NUL
	 * is what modinfo shows too. */
	len = strnlen(v->signer.name, sizeof(v->signer.name));
	if (len > 0 && len < sizeof(v->signer.name))
		FIELD(o, "signer", v->signer.name);
	for (size_t i = 0; i < v->signer.key_id_len && i < sizeof(v->signer.key_id); i++) {
		key[k++] = digits[v->signer.key_id[i] >> 4];
		key[k++] = digits[v->signer.key_id[i] & 15];
	}
	key[k] = '\0';
	if (k > 0)
		FIELD(o, "key", key);
	if (strnlen(v->signer.hash_algo, sizeof(v->signer.hash_algo)) < sizeof(v->signer.hash_algo) &&
	    v->signer.hash_algo[0] != '\0')
		FIELD(o, "hash", v->signer.hash_algo);
	/* The trust-store file whose key judged it. */
	if (v->certificate != NULL)
		FIELD(o, "certificate", v->certificate);
}

/* The parent's line: from the call's memo when it is still the
 * parent's, else read now (and kept, when there is a memo). */
static const struct kernel_process *parent_of(pid_t ppid, struct record_parent *memo,
					      struct record_parent *local)
{
	struct record_parent *p = memo != NULL ? memo : local;

	if (memo == NULL || memo->ppid != ppid || ppid == 0) {
		p->ppid = ppid;
		p->found = kernel_process_read(ppid, &p->process);
	}
	return p->found == 0 ? &p->process : NULL;
}

static int record_format(struct pmod_ctx *ctx, const struct pmod_record *rec,
			 struct record_parent *memo, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	const struct pmod_policy *policy = NULL;
	const struct kernel_process *parent;
	struct record_parent local;
	uid_t uid, euid;
	pid_t ppid;
	char digits[24];

	if (size > 0)
		buf[0] = '\0';
	put(&o, rec->action ? rec->action : "?", strlen(rec->action ? rec->action : "?"));
	if (rec->request != NULL)
		FIELD(&o, "request", rec->request);
	FIELD(&o, "module", rec->module ? rec->module : "-");
	FIELD(&o, "path", rec->path ? rec->path : "-");
	signature_fields(&o, rec);
	if (pmod_ctx_policy(ctx, &policy) == 0) {
		FIELD(&o, "signing-policy", pmod_signing_policy_name(pmod_policy_signing(policy)));
		FIELD(&o, "autoload-policy", pmod_autoload_policy_name(pmod_policy_autoload(policy)));
		FIELD(&o, "policy-source", pmod_policy_source_name(pmod_policy_source(policy)));
	}
	FIELD(&o, "demand", rec->demand ? "yes" : "no");
	if (rec->rule != NULL)
		FIELD(&o, "rule", rec->rule);
	/* The caller: who, and what started it (cheap to read here; the
	 * token's owner is whoever the uid maps to on Peios). */
	uid = getuid();
	euid = geteuid();
	ppid = getppid();
	FIELD(&o, "uid", decimal((unsigned)uid, digits));
	if (euid != uid)
		FIELD(&o, "euid", decimal((unsigned)euid, digits));
	FIELD(&o, "pid", decimal(getpid(), digits));
	FIELD(&o, "ppid", decimal(ppid, digits));
	parent = parent_of(ppid, memo, &local);
	if (parent != NULL) {
		FIELD(&o, "parent", parent->comm);
		if (kernel_process_is_kernel_thread(parent))
			FIELD(&o, "parent-kthread", "yes");
	}
	FIELD(&o, "authority", privilege_authority_name(ctx_privilege(ctx)));
	result_field(&o, rec->result);
	return o.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.len;
}

int pmod_record_format(struct pmod_ctx *ctx, const struct pmod_record *rec, char *buf,
		       size_t size)
{
	return record_format(ctx, rec, NULL, buf, size);
}

void record_emit(struct pmod_ctx *ctx, const struct request *req, const struct pmod_record *rec)
{
	char text[RECORD_MAX];
	void *data;
	pmod_record_fn fn = ctx_record_fn(ctx, &data);
	struct pmod_record full = *rec;

	if (req != NULL) {
		full.request = req->text;
		full.demand = req->demand;
		/* A demand load that goes ahead names the rule that let it. */
		if (full.rule == NULL && req->demand && req->rule[0] != '\0')
			full.rule = req->rule;
	}
	record_format(ctx, &full, req != NULL ? req->parent : NULL, text, sizeof(text));
	fn(data, rec->result < 0 ? LOG_WARNING : LOG_NOTICE, text);
}

void record_refusal(struct pmod_ctx *ctx, const struct request *req, enum pmod_operation op,
		    const char *module, const char *path, const char *rule, int code)
{
	struct pmod_record rec = {
		.action = op == PMOD_OPERATION_LOAD ? "refuse-load" : "refuse-unload",
		.module = module,
		.path = path,
		.rule = rule,
		.result = code < 0 ? code : -EPERM,
	};

	record_emit(ctx, req, &rec);
}
