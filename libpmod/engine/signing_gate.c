// SPDX-License-Identifier: LGPL-2.1-or-later
/* The signing gate: what the effective SigningPolicy says
 * about a module file before the kernel is asked to load it. enforce
 * refuses anything but a valid signature; warn says what is wrong and lets
 * the load go on (the kernel then decides, as on Linux). The policy itself
 * comes from policy.c (pmod_ctx_signing_policy); this file only judges.
 * A valid signature made with a hash weaker than sha256 is not valid
 * enough for enforce, and is warned about under warn.
 * What it judges is a module_file: the bytes decoded from its descriptor,
 * which the kernel boundary then copies, sealed, to the kernel
 * (module_file.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "elf_reader.h"
#include "error.h"
#include "gate.h"
#include "module_file.h"
#include "record.h"
#include "signature_verify.h"
#include "signing_gate.h"

/* What is wrong, in words, after the verdict's name. */
static void describe(const struct pmod_verify_result *res, char *buf, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	const struct pmod_signer *who = &res->signer;
	char key[2 * sizeof(who->key_id) + 1];
	size_t k = 0;

	for (size_t i = 0; i < who->key_id_len; i++) {
		key[k++] = digits[who->key_id[i] >> 4];
		key[k++] = digits[who->key_id[i] & 15];
	}
	key[k] = '\0';
	switch (res->verdict) {
	case PMOD_VERDICT_UNSIGNED:
		snprintf(buf, size, "the module carries no signature");
		break;
	case PMOD_VERDICT_UNTRUSTED:
		/* %.*s with the length: the name may hold anything; cut at
		 * the first control byte so it cannot forge a log line. A
		 * key id is shown up to 64 bytes, enough to name any real
		 * key. */
		snprintf(buf, size,
			 "signer \"%.*s\", key %.128s: no certificate in " TRUST_STORE_DISTRIBUTION_DIR
			 " or " TRUST_STORE_ADMIN_DIR " names it",
			 (int)strcspn(who->name, "\n\r\t\033\""), who->name, key);
		break;
	case PMOD_VERDICT_BAD_SIGNATURE:
		snprintf(buf, size, "%s, certificate %s", res->reason,
			 res->certificate ? res->certificate : "?");
		break;
	default:
		snprintf(buf, size, "%s", res->reason);
		break;
	}
}

/* The module's name for a refusal's words: worked out only when there
 * is one, since a module that passes needs none. */
static void name_of(const char *path, char *name, size_t size)
{
	if (pmod_module_name(path, name, size) < 0)
		snprintf(name, size, "(unnamed)");
}

/* A refusal, with the verdict when there is one. */
static void refuse(struct pmod_ctx *ctx, const struct request *req, const char *name,
		   const char *path, const char *rule, const struct pmod_verify_result *res, int code)
{
	struct pmod_record rec = {
		.action = "refuse-load",
		.module = name,
		.path = path,
		.signature = res ? NULL : RECORD_SIGNATURE_UNVERIFIABLE,
		.verdict = res,
		.rule = rule,
		.result = code,
	};

	record_emit(ctx, req, &rec);
}

/* The module's bytes as the kernel will get them, and whether they are an
 * ELF file at all: the verifier judges exactly those bytes (never decoded
 * a second time). */
static int module_elf(struct pmod_ctx *ctx, struct module_file *mf, const struct module_bytes **mb,
		      struct pmod_error *err)
{
	struct elf_reader elf;
	int r;

	r = module_file_bytes(mf, ctx_max_module_size(ctx), mb, err);
	if (r < 0)
		return r;
	return elf_reader_init(&elf, (*mb)->data, (*mb)->size, err);
}

/* Judges mf's bytes without a side effect beyond the verifier's work:
 * what the gate then does (refuse and record, or warn) is apply's. */
static void judge_file(struct pmod_ctx *ctx, const struct request *req, struct module_file *mf,
		       struct pmod_verify_result *res, struct signing_judgement *j)
{
	enum pmod_signing_policy policy = gate_signing_policy(ctx);
	const struct module_bytes *mb;
	struct verify_input in = { .fd = -1 };
	struct verifier local, *v = req != NULL && req->verifier != NULL ? req->verifier : &local;
	struct pmod_error why;
	char name[64], detail[400];
	int r;

	memset(j, 0, sizeof(*j));
	memset(res, 0, sizeof(*res));
	r = module_elf(ctx, mf, &mb, &why);
	if (r < 0) {
		/* Not readable as a module: under warn the load goes on and
		 * fails with the loader's own words; enforce cannot let an
		 * unjudged file reach the kernel. */
		if (policy != PMOD_SIGNING_ENFORCE)
			return;
		j->code = r;
		name_of(mf->path, name, sizeof(name));
		snprintf(j->rule, sizeof(j->rule), "SigningPolicy enforce: not verified");
		snprintf(j->text, sizeof(j->text),
			 "module %s: signature not verified; refused: SigningPolicy is enforce (%s)",
			 name, why.text);
		return;
	}
	in.data = mb->data;
	in.size = mb->size;
	/* The call's verifier when it has one: the modules of a chain are
	 * signed alike, so the signature is decoded and the key prepared
	 * for the first and only the digest and key operation are done for
	 * each after it (the verifier tells a different signature apart). */
	if (v == &local)
		verifier_init(v, ctx_trust(ctx));
	r = verifier_check(v, &in, res, &why);
	if (v == &local)
		verifier_release(v);
	if (r < 0) {
		/* No verdict at all (libcrypto missing, no memory): enforce
		 * cannot let the module through unjudged. */
		if (policy == PMOD_SIGNING_ENFORCE) {
			j->code = r;
			name_of(mf->path, name, sizeof(name));
			snprintf(j->rule, sizeof(j->rule), "SigningPolicy enforce: not verified");
			snprintf(j->text, sizeof(j->text),
				 "module %s: signature not verified; refused: SigningPolicy is enforce (%s)",
				 name, why.text);
			return;
		}
		j->warn = true;
		snprintf(j->rule, sizeof(j->rule), "SigningPolicy warn: not verified");
		snprintf(j->text, sizeof(j->text),
			 "%s: signature not verified; loading anyway: SigningPolicy is warn (%s)",
			 mf->path, why.text);
		return;
	}
	j->judged = true;
	if (res->verdict == PMOD_VERDICT_VALID && !res->signer.weak_hash) {
		snprintf(j->rule, sizeof(j->rule), "SigningPolicy %s: signature valid",
			 pmod_signing_policy_name(policy));
		return;
	}
	if (res->verdict == PMOD_VERDICT_VALID) {
		/* It verifies, but with a hash weaker than sha256 a forger
		 * may find other bytes with the same digest: enforce does
		 * not count that as a signature. */
		const char *hash = res->signer.hash_algo[0] ? res->signer.hash_algo : "unknown";

		if (policy == PMOD_SIGNING_ENFORCE) {
			j->code = -EKEYREJECTED;
			name_of(mf->path, name, sizeof(name));
			snprintf(j->rule, sizeof(j->rule), "SigningPolicy enforce: weak hash %.32s", hash);
			snprintf(j->text, sizeof(j->text),
				 "module %s: signature made with the weak hash %s; refused: "
				 "SigningPolicy is enforce (sha256 or stronger is required)", name, hash);
			return;
		}
		j->warn = true;
		snprintf(j->rule, sizeof(j->rule), "SigningPolicy warn: weak hash %.32s", hash);
		snprintf(j->text, sizeof(j->text),
			 "%s: signature valid but made with the weak hash %s; loading anyway: "
			 "SigningPolicy is warn", mf->path, hash);
		return;
	}
	describe(res, detail, sizeof(detail));
	if (policy == PMOD_SIGNING_ENFORCE) {
		j->code = -EKEYREJECTED;
		name_of(mf->path, name, sizeof(name));
		snprintf(j->rule, sizeof(j->rule), "SigningPolicy enforce: signature %s",
			 pmod_verdict_name(res->verdict));
		snprintf(j->text, sizeof(j->text),
			 "module %s: signature %s; refused: SigningPolicy is enforce (%s)", name,
			 pmod_verdict_name(res->verdict), detail);
		return;
	}
	j->warn = true;
	snprintf(j->rule, sizeof(j->rule), "SigningPolicy warn: signature %s",
		 pmod_verdict_name(res->verdict));
	snprintf(j->text, sizeof(j->text), "%s: signature %s; loading anyway: SigningPolicy is warn (%s)",
		 mf->path, pmod_verdict_name(res->verdict), detail);
}

/* What the gate does with a judgement: refuse (recorded, with the
 * verdict when there is one) or warn, or nothing. */
static int apply(struct pmod_ctx *ctx, const struct request *req, const char *path,
		 const struct pmod_verify_result *res, const struct signing_judgement *j,
		 struct pmod_error *err)
{
	char name[64];

	if (j->code < 0) {
		name_of(path, name, sizeof(name));
		refuse(ctx, req, name, path, j->rule, j->judged ? res : NULL, j->code);
		return pmod_fail(err, j->code, "%s", j->text);
	}
	if (j->warn)
		ctx_log(ctx, LOG_WARNING, "%s", j->text);
	return 0;
}

int signing_gate_file(struct pmod_ctx *ctx, const struct request *req, struct module_file *mf,
		      struct pmod_verify_result *res, bool *judged, struct pmod_error *err)
{
	struct signing_judgement j;

	judge_file(ctx, req, mf, res, &j);
	*judged = j.judged;
	return apply(ctx, req, mf->path, res, &j, err);
}

int signing_gate_judge_path(struct pmod_ctx *ctx, const struct request *req, const char *path,
			    struct pmod_verify_result *res, struct signing_judgement *j)
{
	struct module_file mf;
	struct pmod_error why;
	char name[64];
	int r;

	r = module_file_open(&mf, path, &why);
	if (r < 0) {
		memset(res, 0, sizeof(*res));
		memset(j, 0, sizeof(*j));
		if (gate_signing_policy(ctx) != PMOD_SIGNING_ENFORCE)
			return 0;
		name_of(path, name, sizeof(name));
		j->code = r;
		snprintf(j->rule, sizeof(j->rule), "SigningPolicy enforce: not verified");
		snprintf(j->text, sizeof(j->text),
			 "module %s: signature not verified; refused: SigningPolicy is enforce (%s)",
			 name, why.text);
		return 0;
	}
	judge_file(ctx, req, &mf, res, j);
	module_file_close(&mf);
	return 0;
}

int signing_gate_path(struct pmod_ctx *ctx, const struct request *req, const char *path,
		      struct pmod_verify_result *result, struct pmod_error *err)
{
	struct pmod_verify_result local, *res = result ? result : &local;
	struct signing_judgement j;

	signing_gate_judge_path(ctx, req, path, res, &j);
	return signing_gate_apply(ctx, req, path, res, &j, err);
}

int signing_gate_apply(struct pmod_ctx *ctx, const struct request *req, const char *path,
		       const struct pmod_verify_result *res, const struct signing_judgement *j,
		       struct pmod_error *err)
{
	return apply(ctx, req, path, res, j, err);
}
