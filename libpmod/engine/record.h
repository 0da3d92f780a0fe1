/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Leaving a record of a load, unload or refusal (record.c). */
#ifndef PMOD_RECORD_H
#define PMOD_RECORD_H

#include <stdbool.h>
#include <sys/types.h>

#include "kernel.h"
#include "pmod.h"
#include "record_fields.h"

struct verifier;

/* signature= where no verification ran (unloads, install commands). */
#define RECORD_SIGNATURE_NOT_CHECKED "not-checked"
/* signature= where verification ran and reached no verdict (not a module,
 * libcrypto missing). */
#define RECORD_SIGNATURE_UNVERIFIABLE "unverifiable"

/* The caller's parent as the records of one call name it: read from
 * /proc for the call's first record and again only when the parent has
 * changed since (it died and the caller was reparented), so that a chain
 * of modules costs one read, not one per module. */
struct record_parent {
	pid_t ppid;		/* whose line `found` is; 0: none read yet */
	int found;		/* kernel_process_read's result */
	struct kernel_process process;
};

/* The longest request whose escaped field is kept. */
#define RECORD_MEMO_REQUEST 256
/* The largest rule a kept tail can name (a request's rule fits). */
#define RECORD_MEMO_RULE 320
/* Room for the kept tail: every field of it at its cap. */
#define RECORD_MEMO_TAIL 2048

/* The longest certificate path a kept signature text can name. */
#define RECORD_MEMO_CERTIFICATE 512
/* Room for the kept signature text: every field of it at its cap. */
#define RECORD_MEMO_SIGNATURE 1536

/* The fields from signing-policy= to result=, with room for the values
 * made for them (numbers, the result's name). */
struct record_tail_fields {
	struct record_field fields[16];
	size_t count;
	char uid[24], euid[24], pid[24], ppid[24];
	char result[32];
};

/* The fields from signature= to certificate=, with room for the key id
 * in hex. */
struct record_signature_fields {
	struct record_field fields[6];
	size_t count;
	char key_id[2 * PMOD_SIGNER_KEY_ID_MAX + 1];
};

/* What the records of one call share, kept by that call: the parent, the
 * request's field, and the fields that name the policy, the caller and
 * the result (signing-policy= to result=) with their text, escaped once
 * and copied into each record after. They are kept with everything they
 * were made from; a record for which any of it differs (another rule, a
 * changed uid or parent, a policy read since) makes the fields anew, so a
 * record is byte for byte what it would be without the memo. */
struct record_memo {
	struct record_parent parent;
	bool request_kept;
	char request_source[RECORD_MEMO_REQUEST];
	size_t request_len;
	char request[2 * RECORD_MEMO_REQUEST];	/* " request=..." */
	bool tail_kept;
	struct record_tail_source {
		bool policy_known;
		enum pmod_signing_policy signing;
		enum pmod_autoload_policy autoload;
		enum pmod_policy_source source;
		bool demand;
		bool has_rule;
		uid_t uid, euid;
		pid_t pid, ppid;
		const char *authority;	/* one of privilege_authority_name's literals */
		int result;
		char rule[RECORD_MEMO_RULE];
	} source;
	struct record_tail_fields tail_fields;	/* values in this memo */
	size_t tail_len;
	char tail[RECORD_MEMO_TAIL];
	/* Likewise the verdict's fields (signature= to certificate=): the
	 * modules of a chain are signed by one key, so after the first
	 * only the comparison with what the kept text was made from is
	 * done. */
	bool signature_kept;
	struct record_signature_source {
		enum pmod_verdict verdict;
		char name[PMOD_SIGNER_NAME_MAX];
		unsigned char key_id[PMOD_SIGNER_KEY_ID_MAX];
		size_t key_id_len;
		char hash_algo[PMOD_SIGNER_HASH_MAX];
		bool has_certificate;
		char certificate[RECORD_MEMO_CERTIFICATE];
	} signature_source;
	struct record_signature_fields signature_fields;	/* values in this memo */
	size_t signature_len;
	char signature[RECORD_MEMO_SIGNATURE];
};

/* One call of pmod_load or pmod_unload: what its records name. It lives
 * on that call's stack and is handed to everything below that leaves a
 * record, so that two requests on one context never mix. */
struct request {
	const char *text;	/* the request as asked (a name, an alias, a path) */
	bool demand;		/* a demand or automatic load */
	/* The AutoLoadPolicy rule that let the demand load in ("" until
	 * one did); named by the records of what it then loads. */
	char rule[320];
	/* pmod_load's run_command: runs install commands instead of the
	 * shell (NULL: the shell). */
	pmod_command_fn run_command;
	void *run_command_data;
	/* The call's own memo of what its records share (may be NULL). */
	struct record_memo *memo;
	/* PMOD_LOAD_JUDGE: gates tell their answers (gate_tell), and the
	 * answers that are not a step's go to gate (may be NULL). */
	bool judge;
	pmod_gate_fn gate;
	void *gate_data;
	/* The call's verifier: one for all the modules the call loads, so
	 * that a chain signed by one key decodes the signature and
	 * prepares the key once (may be NULL: one per module). */
	struct verifier *verifier;
};

/* Formats the record, with what req says about the request (req may be
 * NULL: no request), and hands it to the context's record function
 * (syslog by default). */
void record_emit(struct pmod_ctx *ctx, const struct request *req, const struct pmod_record *record);
/* A refusal before the kernel: "refuse-load"/"refuse-unload" with the
 * rule and the error. */
void record_refusal(struct pmod_ctx *ctx, const struct request *req, enum pmod_operation op,
		    const char *module, const char *path, const char *rule, int code);

#endif
