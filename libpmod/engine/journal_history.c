// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading pmod's records back from the journal. Every value is whatever
 * the sender wrote (the journal keeps bytes): it is copied up to its
 * first NUL and never interpreted here; the caller escapes it before
 * showing it. The journal's own fields of the sender (_COMM, _PID, _UID)
 * are the journal's word, which the sender could not choose, and are
 * what says who loaded a module. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "journal_history.h"
#include "lazy_systemd.h"
#include "record_fields.h"
#include "record_parse.h"

void journal_record_release(struct pmod_journal_record *r)
{
	if (r == NULL)
		return;
	free(r->action);
	free(r->module);
	free(r->request);
	free(r->path);
	free(r->signature);
	free(r->signer);
	free(r->key_id);
	free(r->signing_policy);
	free(r->autoload_policy);
	free(r->policy_source);
	free(r->demand);
	free(r->rule);
	free(r->result);
	free(r->parent);
	free(r->comm);
	free(r->pid);
	free(r->uid);
	free(r->identifier);
	memset(r, 0, sizeof(*r));
}

/* The journal field a record member is read from. */
struct field_source {
	const char *field;
	size_t offset;
};
#define FIELD(name, member) { name, offsetof(struct pmod_journal_record, member) }
static const struct field_source field_sources[] = {
	FIELD("PMOD_ACTION", action),
	FIELD("PMOD_MODULE", module),
	FIELD("PMOD_REQUEST", request),
	FIELD("PMOD_PATH", path),
	FIELD("PMOD_SIGNATURE", signature),
	FIELD("PMOD_SIGNER", signer),
	FIELD("PMOD_KEY_ID", key_id),
	FIELD("PMOD_SIGNING_POLICY", signing_policy),
	FIELD("PMOD_AUTOLOAD_POLICY", autoload_policy),
	FIELD("PMOD_POLICY_SOURCE", policy_source),
	FIELD("PMOD_DEMAND", demand),
	FIELD("PMOD_RULE", rule),
	FIELD("PMOD_RESULT", result),
	FIELD("PMOD_PARENT", parent),
	FIELD("_COMM", comm),
	FIELD("_PID", pid),
	FIELD("_UID", uid),
	FIELD("SYSLOG_IDENTIFIER", identifier),
};

/* One field of the current entry, the value after "NAME=", or NULL when
 * the entry has none. -ENOMEM only. */
static int read_field(const struct lazy_systemd *J, sd_journal *j, const char *name,
		      char **value)
{
	size_t nlen = strlen(name), len;
	const void *data;

	*value = NULL;
	if (J->sd_journal_get_data(j, name, &data, &len) < 0)
		return 0;
	if (len <= nlen || memcmp(data, name, nlen) != 0 || ((const char *)data)[nlen] != '=')
		return 0;
	*value = strndup((const char *)data + nlen + 1, len - nlen - 1);
	return *value != NULL ? 0 : -ENOMEM;
}

static int read_entry(const struct lazy_systemd *J, sd_journal *j,
		      struct pmod_journal_record *rec)
{
	uint64_t usec;

	memset(rec, 0, sizeof(*rec));
	if (J->sd_journal_get_realtime_usec(j, &usec) >= 0)
		rec->realtime_usec = usec;
	for (size_t i = 0; i < sizeof(field_sources) / sizeof(field_sources[0]); i++) {
		char **member = (char **)((char *)rec + field_sources[i].offset);

		if (read_field(J, j, field_sources[i].field, member) < 0) {
			journal_record_release(rec);
			return -ENOMEM;
		}
	}
	return 0;
}

static int add_match(const struct lazy_systemd *J, sd_journal *j, const char *field,
		     const char *value)
{
	char match[128];
	int n = snprintf(match, sizeof(match), "%s=%s", field, value);

	if (n < 0 || (size_t)n >= sizeof(match))
		return -EINVAL;
	return J->sd_journal_add_match(j, match, (size_t)n);
}

/* A text key of the record's line and the member it fills. */
struct text_source {
	const char *key;
	size_t offset;
};
#define TEXT(key, member) { key, offsetof(struct pmod_journal_record, member) }
static const struct text_source text_sources[] = {
	TEXT("module", module),
	TEXT("request", request),
	TEXT("path", path),
	TEXT("signature", signature),
	TEXT("signer", signer),
	TEXT("key", key_id),
	TEXT("signing-policy", signing_policy),
	TEXT("autoload-policy", autoload_policy),
	TEXT("policy-source", policy_source),
	TEXT("demand", demand),
	TEXT("rule", rule),
	TEXT("result", result),
	TEXT("parent", parent),
	TEXT("uid", uid),
	TEXT("pid", pid),
};

static int take_text_field(void *data, const char *key, const char *value)
{
	struct pmod_journal_record *rec = data;

	for (size_t i = 0; i < sizeof(text_sources) / sizeof(text_sources[0]); i++) {
		char **member = (char **)((char *)rec + text_sources[i].offset);

		if (strcmp(key, text_sources[i].key) != 0 || *member != NULL)
			continue;
		*member = strdup(value);
		return *member != NULL ? 0 : -ENOMEM;
	}
	return 0;
}

/* A record that reached the journal through the kernel log: only its
 * line, parsed back. Who sent it is the sender's own word (the name and
 * pid it put before the line; only root can write the kernel log), so
 * comm stays unknown and identifier carries the name. 1: a record of one
 * of the wanted ids; 0: not one (skipped); negative: -ENOMEM. */
static int read_kernel_entry(const struct lazy_systemd *J, sd_journal *j,
			     const char *const *ids, size_t nids, struct pmod_journal_record *rec)
{
	char action[32], *line = NULL;
	const char *id;
	bool wanted = false;
	uint64_t usec;
	int r;

	memset(rec, 0, sizeof(*rec));
	r = read_field(J, j, "MESSAGE", &line);
	if (r < 0 || line == NULL)
		return r;
	r = record_text_parse(line, strlen(line), action, sizeof(action), take_text_field, rec);
	free(line);
	id = r == 0 ? record_message_id(action) : NULL;
	for (size_t i = 0; id != NULL && i < nids; i++)
		wanted = wanted || strcmp(ids[i], id) == 0;
	if (r == -ENOMEM || !wanted) {
		journal_record_release(rec);
		return r == -ENOMEM ? r : 0;
	}
	rec->action = strdup(action);
	if (rec->action == NULL || read_field(J, j, "SYSLOG_IDENTIFIER", &rec->identifier) < 0) {
		journal_record_release(rec);
		return -ENOMEM;
	}
	if (J->sd_journal_get_realtime_usec(j, &usec) >= 0)
		rec->realtime_usec = usec;
	return 1;
}

static int select_boot(const struct lazy_systemd *J, sd_journal *j, const char *boot_hex)
{
	return add_match(J, j, "_BOOT_ID", boot_hex);
}

int journal_history_read(const char *const *ids, size_t nids, journal_record_fn fn, void *data,
			 struct pmod_error *err)
{
	const struct lazy_systemd *J = lazy_systemd(err);
	char boot_hex[33];
	sd_id128_t boot;
	sd_journal *j;
	int r;

	if (J == NULL)
		return -ELIBACC;
	r = J->sd_id128_get_boot(&boot);
	if (r < 0)
		return pmod_fail(err, r, "cannot tell which boot this is: %s", strerror(-r));
	for (size_t i = 0; i < 16; i++)
		snprintf(boot_hex + 2 * i, 3, "%02x", boot.bytes[i]);
	r = J->sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0)
		return pmod_fail(err, r, "cannot open the journal: %s", strerror(-r));
	/* First the records written before journald ran, through the kernel
	 * log (authpriv lines of this boot): they are older than any record
	 * the journal received itself, and a later load or unload must
	 * override them. Matches on one field are alternatives; on
	 * different fields, all must hold. */
	r = add_match(J, j, "_TRANSPORT", "kernel");
	if (r >= 0)
		r = add_match(J, j, "SYSLOG_FACILITY", "10");
	if (r >= 0)
		r = select_boot(J, j, boot_hex);
	while (r >= 0 && (r = J->sd_journal_next(j)) > 0) {
		struct pmod_journal_record rec;

		r = read_kernel_entry(J, j, ids, nids, &rec);
		if (r > 0)
			r = fn(data, &rec);
	}
	/* Then the records the journal received with their fields. */
	if (r >= 0) {
		J->sd_journal_flush_matches(j);
		r = 0;
		for (size_t i = 0; i < nids && r >= 0; i++)
			r = add_match(J, j, "MESSAGE_ID", ids[i]);
		if (r >= 0)
			r = select_boot(J, j, boot_hex);
		if (r >= 0)
			r = J->sd_journal_seek_head(j);
	}
	while (r >= 0 && (r = J->sd_journal_next(j)) > 0) {
		struct pmod_journal_record rec;

		r = read_entry(J, j, &rec);
		if (r == 0)
			r = fn(data, &rec);
	}
	J->sd_journal_close(j);
	if (r < 0)
		return pmod_fail(err, r, "reading the journal failed: %s", strerror(-r));
	return 0;
}
