// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading pmod's records back from the journal. Every value is whatever
 * the sender wrote (the journal keeps bytes): it is copied up to its
 * first NUL and never interpreted here; the caller escapes it before
 * showing it. The journal's own fields of the sender (_COMM, _PID, _UID)
 * are the journal's word, which the sender could not choose, and are
 * what says who loaded a module. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "journal_history.h"
#include "lazy_journal_reader.h"

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
static int read_field(const struct lazy_journal_reader *J, sd_journal *j, const char *name,
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

static int read_entry(const struct lazy_journal_reader *J, sd_journal *j,
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

static int add_match(const struct lazy_journal_reader *J, sd_journal *j, const char *field,
		     const char *value)
{
	char match[128];
	int n = snprintf(match, sizeof(match), "%s=%s", field, value);

	if (n < 0 || (size_t)n >= sizeof(match))
		return -EINVAL;
	return J->sd_journal_add_match(j, match, (size_t)n);
}

int journal_history_read(const char *const *ids, size_t nids, journal_record_fn fn, void *data,
			 struct pmod_error *err)
{
	const struct lazy_journal_reader *J = lazy_journal_reader(err);
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
	/* Matches on one field are alternatives; on different fields, all
	 * must hold. */
	for (size_t i = 0; i < nids && r >= 0; i++)
		r = add_match(J, j, "MESSAGE_ID", ids[i]);
	if (r >= 0)
		r = add_match(J, j, "_BOOT_ID", boot_hex);
	if (r < 0) {
		J->sd_journal_close(j);
		return pmod_fail(err, r, "cannot select records in the journal: %s", strerror(-r));
	}
	while ((r = J->sd_journal_next(j)) > 0) {
		struct pmod_journal_record rec;

		r = read_entry(J, j, &rec);
		if (r == 0)
			r = fn(data, &rec);
		if (r < 0)
			break;
	}
	J->sd_journal_close(j);
	if (r < 0)
		return pmod_fail(err, r, "reading the journal failed: %s", strerror(-r));
	return 0;
}
