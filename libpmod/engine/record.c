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
#include <stddef.h>
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

/* Whether the kept signature text was made from what v says. */
static bool same_signature(const struct record_signature_source *kept,
			   const struct pmod_verify_result *v)
{
	return kept->verdict == v->verdict && kept->key_id_len == v->signer.key_id_len &&
	       kept->has_certificate == (v->certificate != NULL) &&
	       strncmp(kept->name, v->signer.name, sizeof(kept->name)) == 0 &&
	       memcmp(kept->key_id, v->signer.key_id,
		      v->signer.key_id_len < sizeof(kept->key_id) ? v->signer.key_id_len
								 : sizeof(kept->key_id)) == 0 &&
	       strncmp(kept->hash_algo, v->signer.hash_algo, sizeof(kept->hash_algo)) == 0 &&
	       (v->certificate == NULL || strcmp(kept->certificate, v->certificate) == 0);
}

/* The verdict's fields into the record: the memo's copy when they are
 * the kept ones, else formatted (and kept when there is a memo and the
 * certificate's path fits its copy). */
static void signature_into(struct out *o, const struct pmod_record *rec, struct record_memo *memo)
{
	const struct pmod_verify_result *v = rec->verdict;
	struct record_signature_source *kept;
	struct out text;

	if (memo == NULL || v == NULL) {
		signature_fields(o, rec);
		return;
	}
	kept = &memo->signature_source;
	if (memo->signature_kept && same_signature(kept, v)) {
		put(o, memo->signature, memo->signature_len);
		return;
	}
	memo->signature_kept = false;
	if (v->certificate != NULL && strlen(v->certificate) >= sizeof(kept->certificate)) {
		signature_fields(o, rec);
		return;
	}
	text = (struct out){ .buf = memo->signature, .size = sizeof(memo->signature) };
	signature_fields(&text, rec);
	if (text.len >= text.size) {
		signature_fields(o, rec);
		return;
	}
	kept->verdict = v->verdict;
	memcpy(kept->name, v->signer.name, sizeof(kept->name));
	kept->key_id_len = v->signer.key_id_len;
	memcpy(kept->key_id, v->signer.key_id, sizeof(kept->key_id));
	memcpy(kept->hash_algo, v->signer.hash_algo, sizeof(kept->hash_algo));
	kept->has_certificate = v->certificate != NULL;
	if (v->certificate != NULL)
		strcpy(kept->certificate, v->certificate);
	memo->signature_len = text.len;
	memo->signature_kept = true;
	put(o, memo->signature, memo->signature_len);
}

/* The parent's line: from the call's memo when it is still the
 * parent's, else read now (and kept, when there is a memo). *reread says
 * whether it was read now. */
static const struct kernel_process *parent_of(pid_t ppid, struct record_parent *memo,
					      struct record_parent *local, bool *reread)
{
	struct record_parent *p = memo != NULL ? memo : local;

	*reread = memo == NULL || memo->ppid != ppid || ppid == 0;
	if (*reread) {
		p->ppid = ppid;
		p->found = kernel_process_read(ppid, &p->process);
	}
	return p->found == 0 ? &p->process : NULL;
}

/* Everything the fields from signing-policy= to result= are made of,
 * but the rule's text and the parent's line. */
static void tail_source(struct pmod_ctx *ctx, const struct pmod_record *rec,
			struct record_tail_source *src)
{
	const struct pmod_policy *policy = NULL;
	uid_t saved;

	memset(src, 0, offsetof(struct record_tail_source, rule));
	src->rule[0] = '\0';
	src->policy_known = pmod_ctx_policy(ctx, &policy) == 0;
	if (src->policy_known) {
		src->signing = pmod_policy_signing(policy);
		src->autoload = pmod_policy_autoload(policy);
		src->source = pmod_policy_source(policy);
	}
	src->demand = rec->demand;
	src->has_rule = rec->rule != NULL;
	/* The caller: who, and what started it (cheap to read here; the
	 * token's owner is whoever the uid maps to on Peios). */
	if (getresuid(&src->uid, &src->euid, &saved) < 0) {	/* both in one call */
		src->uid = getuid();
		src->euid = geteuid();
	}
	src->pid = getpid();
	src->ppid = getppid();
	src->authority = privilege_authority_name(ctx_privilege(ctx));
	src->result = rec->result;
}

static bool same_source(const struct record_tail_source *kept,
			const struct record_tail_source *now, const char *rule)
{
	return kept->policy_known == now->policy_known && kept->signing == now->signing &&
	       kept->autoload == now->autoload && kept->source == now->source &&
	       kept->demand == now->demand && kept->has_rule == now->has_rule &&
	       kept->uid == now->uid && kept->euid == now->euid && kept->pid == now->pid &&
	       kept->ppid == now->ppid && kept->authority == now->authority &&
	       kept->result == now->result &&
	       (rule == NULL || strcmp(kept->rule, rule) == 0);
}

/* signing-policy= to result=: the policy, the request's kind and rule,
 * the caller, the outcome. */
static void tail_fields(struct out *o, const struct record_tail_source *src, const char *rule,
			const struct kernel_process *parent)
{
	char digits[24];

	if (src->policy_known) {
		FIELD(o, "signing-policy", pmod_signing_policy_name(src->signing));
		FIELD(o, "autoload-policy", pmod_autoload_policy_name(src->autoload));
		FIELD(o, "policy-source", pmod_policy_source_name(src->source));
	}
	FIELD(o, "demand", src->demand ? "yes" : "no");
	if (rule != NULL)
		FIELD(o, "rule", rule);
	FIELD(o, "uid", decimal((unsigned)src->uid, digits));
	if (src->euid != src->uid)
		FIELD(o, "euid", decimal((unsigned)src->euid, digits));
	FIELD(o, "pid", decimal(src->pid, digits));
	FIELD(o, "ppid", decimal(src->ppid, digits));
	if (parent != NULL) {
		FIELD(o, "parent", parent->comm);
		if (kernel_process_is_kernel_thread(parent))
			FIELD(o, "parent-kthread", "yes");
	}
	FIELD(o, "authority", src->authority);
	result_field(o, src->result);
}

/* The tail into the record: the memo's copy when it was made from the
 * same things, else formatted (and kept when there is a memo and the
 * rule fits its copy). */
static void tail_into(struct out *o, struct pmod_ctx *ctx, const struct pmod_record *rec,
		      struct record_memo *memo)
{
	struct record_tail_source src;
	struct record_parent local;
	const struct kernel_process *parent;
	bool reread;

	tail_source(ctx, rec, &src);
	parent = parent_of(src.ppid, memo != NULL ? &memo->parent : NULL, &local, &reread);
	if (memo == NULL) {
		tail_fields(o, &src, rec->rule, parent);
		return;
	}
	if (memo->tail_kept && !reread && same_source(&memo->source, &src, rec->rule)) {
		put(o, memo->tail, memo->tail_len);
		return;
	}
	memo->tail_kept = false;
	if (rec->rule == NULL || strlen(rec->rule) < sizeof(src.rule)) {
		struct out kept = { .buf = memo->tail, .size = sizeof(memo->tail) };

		tail_fields(&kept, &src, rec->rule, parent);
		if (kept.len < kept.size) {
			if (rec->rule != NULL)
				strcpy(src.rule, rec->rule);
			memo->source = src;
			memo->tail_len = kept.len;
			memo->tail_kept = true;
			put(o, memo->tail, memo->tail_len);
			return;
		}
	}
	tail_fields(o, &src, rec->rule, parent);
}

/* " request=..." into the record: the memo's copy when it was made from
 * the same request, else escaped (and kept when it fits the memo). */
static void request_into(struct out *o, const char *request, struct record_memo *memo)
{
	struct out text;

	if (memo == NULL) {
		FIELD(o, "request", request);
		return;
	}
	if (memo->request_kept && strcmp(memo->request_source, request) == 0) {
		put(o, memo->request, memo->request_len);
		return;
	}
	memo->request_kept = false;
	text = (struct out){ .buf = memo->request, .size = sizeof(memo->request) };
	FIELD(&text, "request", request);
	if (strlen(request) >= sizeof(memo->request_source) || text.len >= text.size) {
		FIELD(o, "request", request);
		return;
	}
	strcpy(memo->request_source, request);
	memo->request_len = text.len;
	memo->request_kept = true;
	put(o, memo->request, memo->request_len);
}

static int record_format(struct pmod_ctx *ctx, const struct pmod_record *rec,
			 struct record_memo *memo, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };

	if (size > 0)
		buf[0] = '\0';
	put(&o, rec->action ? rec->action : "?", strlen(rec->action ? rec->action : "?"));
	if (rec->request != NULL)
		request_into(&o, rec->request, memo);
	FIELD(&o, "module", rec->module ? rec->module : "-");
	FIELD(&o, "path", rec->path ? rec->path : "-");
	signature_into(&o, rec, memo);
	tail_into(&o, ctx, rec, memo);
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
	record_format(ctx, &full, req != NULL ? req->memo : NULL, text, sizeof(text));
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
