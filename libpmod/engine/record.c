// SPDX-License-Identifier: LGPL-2.1-or-later
/* Records: one per load, unload and refusal, for the people who audit a
 * machine. The content is decided here, once, as a list of fields, so that
 * every caller of the library leaves the same record; the text line and
 * the journal's fields are both made from that list (record_fields.h),
 * and where the record goes is the context's business (its record
 * function, else the journal, syslog or the kernel's log). The library
 * still never prints: a record is not a message to the user.
 *
 * Text form: ACTION key=value ..., values quoted and escaped unless they
 * are plain (pmod_escape), so that a module name, a path or a parent's
 * command name (all chosen by someone else) cannot add fields or lines.
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
#include "record_fields.h"

/* Every variable field at its cap still fits, with the fixed ones. */
#define RECORD_MAX 4096

_Static_assert(sizeof(((struct record_signature_source *)0)->name) ==
			       sizeof(((struct pmod_signer *)0)->name) &&
		       sizeof(((struct record_signature_source *)0)->key_id) ==
			       sizeof(((struct pmod_signer *)0)->key_id) &&
		       sizeof(((struct record_signature_source *)0)->hash_algo) ==
			       sizeof(((struct pmod_signer *)0)->hash_algo),
	       "the memo's copy of a signer is as large as the signer");

/* The record being made: its fields in order, and its text. */
struct content {
	struct record_field fields[RECORD_FIELDS_MAX];
	size_t count;
	struct record_text text;
};

static void add(struct content *c, enum record_key key, const char *value)
{
	if (c->count < RECORD_FIELDS_MAX)
		c->fields[c->count++] = (struct record_field){ key, value };
}

/* A run of fields made (or kept) elsewhere, appended. */
static void add_run(struct content *c, const struct record_field *run, size_t n)
{
	if (n > RECORD_FIELDS_MAX - c->count)
		n = RECORD_FIELDS_MAX - c->count;
	memcpy(c->fields + c->count, run, n * sizeof(*run));
	c->count += n;
}

/* One field, added and written into the text. */
static void add_written(struct content *c, enum record_key key, const char *value)
{
	add(c, key, value);
	record_text_fields(&c->text, &c->fields[c->count - 1], 1);
}

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

static const char *result_name(int result, char room[32])
{
	const char *name;

	if (result >= 0)
		return "ok";
	name = strerrorname_np(-result);
	if (name != NULL)
		return name;
	snprintf(room, 32, "errno-%d", -result);
	return room;
}

/* ---------------------------------------------------------------- the verdict */

/* What the verdict's fields are made of: a verdict's own signer, or the
 * memo's copy of one (the arrays are the same sizes). */
struct signer_view {
	enum pmod_verdict verdict;
	const char *name;		/* PMOD_SIGNER_NAME_MAX bytes */
	const unsigned char *key_id;
	size_t key_id_len;		/* at most PMOD_SIGNER_KEY_ID_MAX */
	const char *hash;		/* PMOD_SIGNER_HASH_MAX bytes */
	const char *certificate;	/* NULL: none */
};

static struct signer_view view_of_verdict(const struct pmod_verify_result *v)
{
	return (struct signer_view){
		.verdict = v->verdict,
		.name = v->signer.name,
		.key_id = v->signer.key_id,
		.key_id_len = v->signer.key_id_len < sizeof(v->signer.key_id)
				      ? v->signer.key_id_len
				      : sizeof(v->signer.key_id),
		.hash = v->signer.hash_algo,
		.certificate = v->certificate,
	};
}

static struct signer_view view_of_kept(const struct record_signature_source *kept)
{
	return (struct signer_view){
		.verdict = kept->verdict,
		.name = kept->name,
		.key_id = kept->key_id,
		.key_id_len = kept->key_id_len < sizeof(kept->key_id) ? kept->key_id_len
								     : sizeof(kept->key_id),
		.hash = kept->hash_algo,
		.certificate = kept->has_certificate ? kept->certificate : NULL,
	};
}

static void signature_run_add(struct record_signature_fields *run, enum record_key key,
			      const char *value)
{
	run->fields[run->count++] = (struct record_field){ key, value };
}

/* signature=VERDICT, then what the signature says about its signer. The
 * signer is the signature's text (anyone's choice): the text escapes it. */
static void signature_fields(struct record_signature_fields *run, const struct signer_view *v)
{
	static const char digits[] = "0123456789abcdef";
	size_t len, k = 0;

	run->count = 0;
	signature_run_add(run, RECORD_SIGNATURE, pmod_verdict_name(v->verdict));
	if (v->verdict == PMOD_VERDICT_UNSIGNED || v->verdict == PMOD_VERDICT_MALFORMED)
		return;
	/* The name may be cut or hold NULs: what precedes the first NUL is
	 * what modinfo shows too. */
	len = strnlen(v->name, PMOD_SIGNER_NAME_MAX);
	if (len > 0 && len < PMOD_SIGNER_NAME_MAX)
		signature_run_add(run, RECORD_SIGNER, v->name);
	for (size_t i = 0; i < v->key_id_len; i++) {
		run->key_id[k++] = digits[v->key_id[i] >> 4];
		run->key_id[k++] = digits[v->key_id[i] & 15];
	}
	run->key_id[k] = '\0';
	if (k > 0)
		signature_run_add(run, RECORD_KEY_ID, run->key_id);
	if (strnlen(v->hash, PMOD_SIGNER_HASH_MAX) < PMOD_SIGNER_HASH_MAX && v->hash[0] != '\0')
		signature_run_add(run, RECORD_HASH, v->hash);
	/* The trust-store file whose key judged it. */
	if (v->certificate != NULL)
		signature_run_add(run, RECORD_CERTIFICATE, v->certificate);
}

/* Whether the kept signature fields were made from what v says. */
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

/* The verdict's fields into the record: the memo's when they were made
 * from the same verdict (their text copied), else made now, their values
 * in the memo's copy of the verdict when there is a memo and the
 * certificate's path fits it, else in `local`. */
static void signature_into(struct content *c, const struct pmod_record *rec,
			   struct record_memo *memo, struct record_signature_fields *local)
{
	const struct pmod_verify_result *v = rec->verdict;
	struct record_signature_source *kept;
	struct record_signature_fields *run;
	struct signer_view view;
	struct record_text text;

	if (v == NULL) {
		add_written(c, RECORD_SIGNATURE,
			    rec->signature ? rec->signature : RECORD_SIGNATURE_NOT_CHECKED);
		return;
	}
	if (memo == NULL ||
	    (v->certificate != NULL &&
	     strlen(v->certificate) >= sizeof(memo->signature_source.certificate))) {
		if (memo != NULL)
			memo->signature_kept = false;
		view = view_of_verdict(v);
		signature_fields(local, &view);
		add_run(c, local->fields, local->count);
		record_text_fields(&c->text, local->fields, local->count);
		return;
	}
	kept = &memo->signature_source;
	run = &memo->signature_fields;
	if (memo->signature_kept && same_signature(kept, v)) {
		add_run(c, run->fields, run->count);
		record_text_put(&c->text, memo->signature, memo->signature_len);
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
	view = view_of_kept(kept);
	signature_fields(run, &view);
	add_run(c, run->fields, run->count);
	text = (struct record_text){ .buf = memo->signature, .size = sizeof(memo->signature) };
	record_text_fields(&text, run->fields, run->count);
	memo->signature_kept = text.len < text.size;
	if (!memo->signature_kept) {
		record_text_fields(&c->text, run->fields, run->count);
		return;
	}
	memo->signature_len = text.len;
	record_text_put(&c->text, memo->signature, memo->signature_len);
}

/* ---------------------------------------------------------------- the tail */

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

static void tail_run_add(struct record_tail_fields *run, enum record_key key, const char *value)
{
	run->fields[run->count++] = (struct record_field){ key, value };
}

/* signing-policy= to result=: the policy, the request's kind and rule,
 * the caller, the outcome; the numbers written into the run. */
static void tail_fields(struct record_tail_fields *run, const struct record_tail_source *src,
			const char *rule, const struct kernel_process *parent)
{
	run->count = 0;
	if (src->policy_known) {
		tail_run_add(run, RECORD_SIGNING_POLICY, pmod_signing_policy_name(src->signing));
		tail_run_add(run, RECORD_AUTOLOAD_POLICY, pmod_autoload_policy_name(src->autoload));
		tail_run_add(run, RECORD_POLICY_SOURCE, pmod_policy_source_name(src->source));
	}
	tail_run_add(run, RECORD_DEMAND, src->demand ? "yes" : "no");
	if (rule != NULL)
		tail_run_add(run, RECORD_RULE, rule);
	tail_run_add(run, RECORD_UID, decimal((unsigned)src->uid, run->uid));
	if (src->euid != src->uid)
		tail_run_add(run, RECORD_EUID, decimal((unsigned)src->euid, run->euid));
	tail_run_add(run, RECORD_PID, decimal(src->pid, run->pid));
	tail_run_add(run, RECORD_PPID, decimal(src->ppid, run->ppid));
	if (parent != NULL) {
		tail_run_add(run, RECORD_PARENT, parent->comm);
		if (kernel_process_is_kernel_thread(parent))
			tail_run_add(run, RECORD_PARENT_KTHREAD, "yes");
	}
	tail_run_add(run, RECORD_AUTHORITY, src->authority);
	tail_run_add(run, RECORD_RESULT, result_name(src->result, run->result));
}

/* The tail into the record: the memo's fields (their text copied) when
 * they were made from the same things, else made now (and kept, values
 * and all, when there is a memo and the rule fits its copy). The parent's
 * line is the memo's or *local_parent's. */
static void tail_into(struct content *c, struct pmod_ctx *ctx, const struct pmod_record *rec,
		      struct record_memo *memo, struct record_tail_fields *local,
		      struct record_parent *local_parent)
{
	struct record_tail_source src;
	struct record_tail_fields *run;
	const struct kernel_process *parent;
	struct record_text kept;
	bool reread;

	tail_source(ctx, rec, &src);
	parent = parent_of(src.ppid, memo != NULL ? &memo->parent : NULL, local_parent, &reread);
	if (memo != NULL && memo->tail_kept && !reread && same_source(&memo->source, &src, rec->rule)) {
		add_run(c, memo->tail_fields.fields, memo->tail_fields.count);
		record_text_put(&c->text, memo->tail, memo->tail_len);
		return;
	}
	if (memo == NULL || (rec->rule != NULL && strlen(rec->rule) >= sizeof(src.rule))) {
		if (memo != NULL)
			memo->tail_kept = false;
		tail_fields(local, &src, rec->rule, parent);
		add_run(c, local->fields, local->count);
		record_text_fields(&c->text, local->fields, local->count);
		return;
	}
	if (rec->rule != NULL)
		strcpy(src.rule, rec->rule);
	memo->source = src;
	run = &memo->tail_fields;
	tail_fields(run, &memo->source, rec->rule != NULL ? memo->source.rule : NULL, parent);
	add_run(c, run->fields, run->count);
	kept = (struct record_text){ .buf = memo->tail, .size = sizeof(memo->tail) };
	record_text_fields(&kept, run->fields, run->count);
	memo->tail_kept = kept.len < kept.size;
	if (!memo->tail_kept) {
		record_text_fields(&c->text, run->fields, run->count);
		return;
	}
	memo->tail_len = kept.len;
	record_text_put(&c->text, memo->tail, memo->tail_len);
}

/* ---------------------------------------------------------------- the record */

/* " request=..." into the record: the memo's text when it was made from
 * the same request, else escaped (and kept when it fits the memo). */
static void request_into(struct content *c, const char *request, struct record_memo *memo)
{
	struct record_text text;

	add(c, RECORD_REQUEST, request);
	if (memo == NULL) {
		record_text_fields(&c->text, &c->fields[c->count - 1], 1);
		return;
	}
	if (memo->request_kept && strcmp(memo->request_source, request) == 0) {
		record_text_put(&c->text, memo->request, memo->request_len);
		return;
	}
	memo->request_kept = false;
	text = (struct record_text){ .buf = memo->request, .size = sizeof(memo->request) };
	record_text_fields(&text, &c->fields[c->count - 1], 1);
	if (strlen(request) >= sizeof(memo->request_source) || text.len >= text.size) {
		record_text_fields(&c->text, &c->fields[c->count - 1], 1);
		return;
	}
	strcpy(memo->request_source, request);
	memo->request_len = text.len;
	memo->request_kept = true;
	record_text_put(&c->text, memo->request, memo->request_len);
}

/* Room for the values a record makes when no memo keeps them. */
struct record_local {
	struct record_signature_fields signature;
	struct record_tail_fields tail;
	struct record_parent parent;
};

/* The record's fields into c, and its text into c->text. */
static void record_make(struct pmod_ctx *ctx, const struct pmod_record *rec,
			struct record_memo *memo, struct record_local *local, struct content *c)
{
	const char *action = rec->action ? rec->action : "?";

	c->count = 0;
	if (c->text.size > 0)
		c->text.buf[0] = '\0';
	record_text_put(&c->text, action, strlen(action));
	if (rec->request != NULL)
		request_into(c, rec->request, memo);
	add_written(c, RECORD_MODULE, rec->module);
	add_written(c, RECORD_PATH, rec->path);
	signature_into(c, rec, memo, &local->signature);
	tail_into(c, ctx, rec, memo, &local->tail, &local->parent);
}

int pmod_record_format(struct pmod_ctx *ctx, const struct pmod_record *rec, char *buf,
		       size_t size)
{
	struct record_local local;
	struct content c;

	c.text = (struct record_text){ .buf = buf, .size = size };

	record_make(ctx, rec, NULL, &local, &c);
	return c.text.len > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)c.text.len;
}

void record_emit(struct pmod_ctx *ctx, const struct request *req, const struct pmod_record *rec)
{
	char text[RECORD_MAX];
	struct record_local local;
	struct content c;
	struct pmod_record full = *rec;
	struct record out;

	c.text = (struct record_text){ .buf = text, .size = sizeof(text) };

	if (req != NULL) {
		full.request = req->text;
		full.demand = req->demand;
		/* A demand load that goes ahead names the rule that let it. */
		if (full.rule == NULL && req->demand && req->rule[0] != '\0')
			full.rule = req->rule;
	}
	record_make(ctx, &full, req != NULL ? req->memo : NULL, &local, &c);
	out = (struct record){
		.action = full.action ? full.action : "?",
		.priority = rec->result < 0 ? LOG_WARNING : LOG_NOTICE,
		.fields = c.fields,
		.count = c.count,
	};
	ctx_record_send(ctx, &out, text);
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
