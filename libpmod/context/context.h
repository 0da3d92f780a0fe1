/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PMOD_CONTEXT_H
#define PMOD_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "pmod.h"
#include "index_reader.h"
#include "log.h"
#include "privilege.h"
#include "record_fields.h"
#include "trust_context.h"

struct pmod_policy;

/* The binary indexes of a module directory, opened on first use. */
enum ctx_index {
	CTX_INDEX_DEP,
	CTX_INDEX_ALIAS,
	CTX_INDEX_SYMBOLS,
	CTX_INDEX_BUILTIN,
	CTX_INDEX_BUILTIN_ALIAS,
	CTX_INDEX_COUNT,
};

/* The context's insides are context.c's alone; everything else uses the
 * accessors below. */
struct pmod_ctx;

#define PMOD_DEFAULT_MAX_MODULE_SIZE ((size_t)256 << 20)

void ctx_log(struct pmod_ctx *ctx, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The sink handed to the layers below the context (they never see it). */
const struct log_sink *ctx_log_sink(const struct pmod_ctx *ctx);
/* The directory holding one module tree per release ("/lib/modules" or
 * the one the caller chose), under no root. */
const char *ctx_moddir(const struct pmod_ctx *ctx);
/* Decompressed modules larger than this are refused. */
size_t ctx_max_module_size(const struct pmod_ctx *ctx);
/* 1 when name is built into the kernel (a key of modules.builtin.bin), 0
 * when not or without the index, < 0 (err filled) for a corrupt index. */
int ctx_builtin_has(struct pmod_ctx *ctx, const char *name, struct pmod_error *err);
/* The trust layer's state: images and verifiers carry it. */
struct trust_context *ctx_trust(struct pmod_ctx *ctx);
/* The caller's authority (SeLoadDriverPrivilege or CAP_SYS_MODULE). */
struct privilege *ctx_privilege(struct pmod_ctx *ctx);
/* What lockdown and the caller's authority answered the first judged
 * listing (PMOD_LOAD_LIST_ONLY with PMOD_LOAD_JUDGE) of this context, for
 * the next listings to tell again: a listing applies neither gate, only
 * shows them, and a listing of every module of a tree would otherwise
 * read /proc and the token once per module. A load or a dry run never
 * uses it: each asks the system afresh. */
struct ctx_listing_gates {
	bool asked;
	int lockdown;			/* 0, or lockdown_check's answer */
	struct pmod_error lockdown_why;
	int privilege;			/* 0, or privilege_check's answer */
	struct pmod_error privilege_why;
};
struct ctx_listing_gates *ctx_listing_gates(struct pmod_ctx *ctx);
/* A decision record, its content rec and its text line text (made from
 * rec's fields), to the function set with pmod_ctx_set_record_fn (the
 * text), or to the default place (record_sink.h: the journal, with the
 * fields, else syslog, else the kernel's log). */
void ctx_record_send(struct pmod_ctx *ctx, const struct record *rec, const char *text);

/* The index, opened on first use; NULL when it is missing or empty (which
 * lookups treat as "no match"). A corrupt index is an error. */
int ctx_index(struct pmod_ctx *ctx, enum ctx_index which, struct index_reader **idx,
	      struct pmod_error *err);

#endif
