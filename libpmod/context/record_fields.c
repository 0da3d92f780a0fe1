// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "pmod.h"
#include "record_fields.h"

/* Every variable field at this cap still fits a record, with the fixed
 * ones. */
#define VALUE_CAP 400
/* A policy warning is one message: its whole share of the record. */
#define WARNING_CAP 1024

/* The key's two spellings and its cap; the literals' lengths are the
 * compiler's, as a record is written for every module loaded. */
#define KEY(text_key, journal_key, value_cap)                                              \
	{ " " text_key "=", sizeof(" " text_key "=") - 1, journal_key "=",                 \
	  sizeof(journal_key "=") - 1, value_cap }

const struct record_key_name record_key_names[RECORD_KEY_COUNT] = {
	[RECORD_REQUEST] = KEY("request", "PMOD_REQUEST", VALUE_CAP),
	[RECORD_MODULE] = KEY("module", "PMOD_MODULE", VALUE_CAP),
	[RECORD_PATH] = KEY("path", "PMOD_PATH", VALUE_CAP),
	[RECORD_SIGNATURE] = KEY("signature", "PMOD_SIGNATURE", VALUE_CAP),
	[RECORD_SIGNER] = KEY("signer", "PMOD_SIGNER", VALUE_CAP),
	[RECORD_KEY_ID] = KEY("key", "PMOD_KEY_ID", VALUE_CAP),
	[RECORD_HASH] = KEY("hash", "PMOD_HASH", VALUE_CAP),
	[RECORD_CERTIFICATE] = KEY("certificate", "PMOD_CERTIFICATE", VALUE_CAP),
	[RECORD_SIGNING_POLICY] = KEY("signing-policy", "PMOD_SIGNING_POLICY", VALUE_CAP),
	[RECORD_AUTOLOAD_POLICY] = KEY("autoload-policy", "PMOD_AUTOLOAD_POLICY", VALUE_CAP),
	[RECORD_POLICY_SOURCE] = KEY("policy-source", "PMOD_POLICY_SOURCE", VALUE_CAP),
	[RECORD_DEMAND] = KEY("demand", "PMOD_DEMAND", VALUE_CAP),
	[RECORD_RULE] = KEY("rule", "PMOD_RULE", VALUE_CAP),
	[RECORD_UID] = KEY("uid", "PMOD_UID", VALUE_CAP),
	[RECORD_EUID] = KEY("euid", "PMOD_EUID", VALUE_CAP),
	[RECORD_PID] = KEY("pid", "PMOD_PID", VALUE_CAP),
	[RECORD_PPID] = KEY("ppid", "PMOD_PPID", VALUE_CAP),
	[RECORD_PARENT] = KEY("parent", "PMOD_PARENT", VALUE_CAP),
	[RECORD_PARENT_KTHREAD] = KEY("parent-kthread", "PMOD_PARENT_KTHREAD", VALUE_CAP),
	[RECORD_AUTHORITY] = KEY("authority", "PMOD_AUTHORITY", VALUE_CAP),
	[RECORD_RESULT] = KEY("result", "PMOD_RESULT", VALUE_CAP),
	/* The journal's MESSAGE is the whole text line already. */
	[RECORD_WARNING] = { " message=", sizeof(" message=") - 1, NULL, 0, WARNING_CAP },
};

void record_text_fields(struct record_text *o, const struct record_field *fields, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct record_key_name *name = &record_key_names[fields[i].key];
		bool room;

		record_text_put(o, name->text, name->text_len);
		/* Escaped straight into the line, cut and terminated as
		 * record_text_put would; once the line is full only the length
		 * is counted. */
		room = o->len < o->size;
		o->len += pmod_escape(fields[i].value != NULL ? fields[i].value : "-",
				      PMOD_ESCAPE_QUOTE, name->cap, room ? o->buf + o->len : NULL,
				      room ? o->size - o->len : 0);
	}
}

/* Stable for ever: an administrator's saved queries and the journal's
 * catalog name them. */
static const struct {
	const char *action;
	const char *id;
} message_ids[] = {
	{ "load", "6c7ec6f2bcba41f3bd825c7768f79439" },
	{ "unload", "a2d77a20f9a542b5a6e8cf5256118e1b" },
	{ "refuse-load", "d2aea6815f034a149c34e29e73cbe940" },
	{ "refuse-unload", "65ad46f7642b4fc684a0baec3eb6fcbf" },
	{ "install-command", "317bfbd8581343dd909193ef3ad43873" },
	{ "remove-command", "0401dd41159141829ef9ba90e5a960a7" },
	{ "policy-warning", "d756ace22f154cd1800c8429fab6e479" },
	{ "lockdown", "160d261ebdb141518c3a5cdb14588187" },
};

const char *record_message_id(const char *action)
{
	if (action == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(message_ids) / sizeof(message_ids[0]); i++)
		if (strcmp(message_ids[i].action, action) == 0)
			return message_ids[i].id;
	return NULL;
}
