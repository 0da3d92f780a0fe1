// SPDX-License-Identifier: LGPL-2.1-or-later
/* The audit of the running system: every loaded module, the file the
 * module directory names for it and that file's verdict now, and its last
 * load record of this boot from the journal. Nothing here fails for want
 * of one answer: a module whose file cannot be judged, or a system
 * without a journal, is reported as such, module by module, so that the
 * one command an administrator runs always lists everything loaded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "journal_history.h"
#include "record_fields.h"

static void release_module(struct pmod_audit_module *m)
{
	pmod_loaded_module_release(&m->loaded);
	free(m->path);
	if (m->last_load != NULL) {
		journal_record_release(m->last_load);
		free(m->last_load);
	}
}

void pmod_audit_free(struct pmod_audit *audit)
{
	if (audit == NULL)
		return;
	for (size_t i = 0; i < audit->count; i++)
		release_module(&audit->modules[i]);
	free(audit->modules);
	for (size_t i = 0; i < audit->nrefusals; i++)
		journal_record_release(&audit->refusals[i]);
	free(audit->refusals);
	free(audit);
}

static void no_verdict(struct pmod_audit_module *m, int error, const char *reason)
{
	m->verify_error = error;
	snprintf(m->verdict.reason, sizeof(m->verdict.reason), "%s", reason);
}

/* The file modules.dep names for each module (or that it is built in). */
static int locate_files(struct pmod_ctx *ctx, struct pmod_audit *a)
{
	for (size_t i = 0; i < a->count; i++) {
		struct pmod_audit_module *m = &a->modules[i];
		struct pmod_error lerr = { 0 };
		struct pmod_found *found = NULL;
		size_t n = 0;
		int r;

		r = pmod_lookup(ctx, m->loaded.name, PMOD_LOOKUP_NAME_ONLY, &found, &n, &lerr);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			no_verdict(m, r, lerr.text);
		else if (n == 0)
			no_verdict(m, -ENOENT, "the module directory names no file for it");
		else if (found[0].path == NULL) {
			m->builtin = found[0].builtin;
			no_verdict(m, -ENOENT, "the module directory says it is built in");
		} else {
			m->path = strdup(found[0].path);
			if (m->path == NULL) {
				pmod_found_free(found, n);
				return -ENOMEM;
			}
		}
		pmod_found_free(found, n);
	}
	return 0;
}

/* Each named file's verdict, all in one batch (the files are read in
 * parallel). A failure of the whole batch (libcrypto cannot be loaded)
 * becomes every module's reason. */
static int verify_files(struct pmod_ctx *ctx, struct pmod_audit *a)
{
	struct pmod_verify_result *results = NULL;
	struct pmod_error verr = { 0 };
	const char **paths = NULL;
	size_t *owner = NULL, n = 0;
	int r = -ENOMEM;

	paths = calloc(a->count + 1, sizeof(*paths));
	owner = calloc(a->count + 1, sizeof(*owner));
	results = calloc(a->count + 1, sizeof(*results));
	if (paths == NULL || owner == NULL || results == NULL)
		goto out;
	for (size_t i = 0; i < a->count; i++) {
		if (a->modules[i].path != NULL) {
			paths[n] = a->modules[i].path;
			owner[n++] = i;
		}
	}
	r = n > 0 ? pmod_verify_files(ctx, paths, n, 0, results, &verr) : 0;
	if (r == -ENOMEM)
		goto out;
	for (size_t k = 0; k < n; k++) {
		struct pmod_audit_module *m = &a->modules[owner[k]];

		if (r < 0)
			no_verdict(m, r, verr.text);
		else if (results[k].error < 0)
			no_verdict(m, results[k].error, results[k].reason);
		else
			m->verdict = results[k];
	}
	r = 0;
out:
	free(paths);
	free(owner);
	free(results);
	return r;
}

static struct pmod_audit_module *find_module(struct pmod_audit *a, const char *name)
{
	char normal[256];

	/* The record names the module as the loader did; the kernel's
	 * spelling has '_' where a file name may have '-'. */
	if (name == NULL || pmod_module_name(name, normal, sizeof(normal)) < 0)
		return NULL;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->modules[i].loaded.name, normal) == 0)
			return &a->modules[i];
	return NULL;
}

static bool succeeded(const struct pmod_journal_record *rec)
{
	return rec->result == NULL || strcmp(rec->result, "ok") == 0;
}

/* Walks the load, unload and refusal records in the order they were
 * written: a load sets a module's last load, an unload after it clears it
 * (the module now loaded came some other way), a refusal is kept when
 * asked for. */
static int take_record(void *data, struct pmod_journal_record *rec)
{
	struct pmod_audit *a = data;
	struct pmod_audit_module *m;

	if (rec->action != NULL && strcmp(rec->action, "refuse-load") == 0) {
		struct pmod_journal_record *grown;

		grown = realloc(a->refusals, (a->nrefusals + 1) * sizeof(*grown));
		if (grown == NULL) {
			journal_record_release(rec);
			return -ENOMEM;
		}
		a->refusals = grown;
		a->refusals[a->nrefusals++] = *rec;
		return 0;
	}
	m = find_module(a, rec->module);
	if (m == NULL || !succeeded(rec) || rec->action == NULL) {
		journal_record_release(rec);
		return 0;
	}
	if (m->last_load != NULL) {
		journal_record_release(m->last_load);
		free(m->last_load);
		m->last_load = NULL;
	}
	if (strcmp(rec->action, "load") == 0) {
		m->last_load = malloc(sizeof(*m->last_load));
		if (m->last_load == NULL) {
			journal_record_release(rec);
			return -ENOMEM;
		}
		*m->last_load = *rec;
		return 0;
	}
	journal_record_release(rec);
	return 0;
}

static void read_journal(struct pmod_audit *a, unsigned flags)
{
	const char *ids[] = {
		record_message_id("load"), record_message_id("unload"),
		record_message_id("refuse-load"),
	};
	struct pmod_error jerr = { 0 };
	int r;

	r = journal_history_read(ids, (flags & PMOD_AUDIT_REFUSALS) ? 3 : 2, take_record, a, &jerr);
	if (r < 0) {
		a->journal_error = r;
		snprintf(a->journal_problem, sizeof(a->journal_problem), "%s", jerr.text);
	}
}

int pmod_audit(struct pmod_ctx *ctx, unsigned flags, struct pmod_audit **audit,
	       struct pmod_error *err)
{
	struct pmod_loaded_module *mods = NULL;
	struct pmod_audit *a;
	size_t count = 0;
	int r;

	*audit = NULL;
	if (flags & ~(unsigned)PMOD_AUDIT_REFUSALS)
		return pmod_fail(err, -EINVAL, "unknown audit flags 0x%x", flags);
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	r = pmod_kernel_loaded_modules(ctx, &mods, &count, err);
	if (r < 0) {
		free(a);
		return r;
	}
	a->modules = calloc(count + 1, sizeof(*a->modules));
	if (a->modules == NULL) {
		pmod_loaded_modules_free(mods, count);
		free(a);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	/* The kernel's answers move into the audit's entries. */
	for (size_t i = 0; i < count; i++)
		a->modules[i].loaded = mods[i];
	a->count = count;
	free(mods);
	r = locate_files(ctx, a);
	if (r == 0)
		r = verify_files(ctx, a);
	if (r < 0) {
		pmod_audit_free(a);
		return pmod_fail(err, r, "out of memory");
	}
	read_journal(a, flags);
	*audit = a;
	return 0;
}
