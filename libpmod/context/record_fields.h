/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A record's content as a list of fields, and its text line (record_fields.c).
 *
 * The library decides once what a record says: an action and a list of
 * (key, value) fields. Both forms are made from that one list: the text
 * line (" key=value", values escaped and quoted, for syslog and for a
 * caller's record function) and the journal's fields (PMOD_KEY=value,
 * raw), so the two can never say different things. */
#ifndef PMOD_RECORD_FIELDS_H
#define PMOD_RECORD_FIELDS_H

#include <stddef.h>
#include <string.h>

/* In the order the text line names them. */
enum record_key {
	RECORD_REQUEST,
	RECORD_MODULE,
	RECORD_PATH,
	RECORD_SIGNATURE,
	RECORD_SIGNER,
	RECORD_KEY_ID,
	RECORD_HASH,
	RECORD_CERTIFICATE,
	RECORD_SIGNING_POLICY,
	RECORD_AUTOLOAD_POLICY,
	RECORD_POLICY_SOURCE,
	RECORD_DEMAND,
	RECORD_RULE,
	RECORD_UID,
	RECORD_EUID,
	RECORD_PID,
	RECORD_PPID,
	RECORD_PARENT,
	RECORD_PARENT_KTHREAD,
	RECORD_AUTHORITY,
	RECORD_RESULT,
	/* A policy warning's text (its journal record carries it as
	 * MESSAGE only). */
	RECORD_WARNING,
	RECORD_KEY_COUNT
};

struct record_field {
	enum record_key key;
	/* NULL: not known; the text line says "-", the journal omits it. */
	const char *value;
};

/* Most fields a record has (every key once). */
#define RECORD_FIELDS_MAX RECORD_KEY_COUNT

struct record_key_name {
	const char *text;	/* " key=", as the text line writes it */
	size_t text_len;
	const char *journal;	/* "PMOD_KEY=", NULL: not a journal field */
	size_t journal_len;
	/* A value is cut at this many characters of its text form (escapes
	 * counted as written) and of its raw form, so that hostile values
	 * (a request, a path, a signer, a parent's name) fill at most their
	 * share of a record and never push the fields after them, the result
	 * above all, off its end. */
	size_t cap;
};

extern const struct record_key_name record_key_names[RECORD_KEY_COUNT];

/* What a record is: the action ("load", "refuse-load", ...), the priority
 * (LOG_NOTICE for what happened, LOG_WARNING for failures and refusals)
 * and the fields. */
struct record {
	const char *action;
	int priority;
	const struct record_field *fields;
	size_t count;
};

/* A text line being written into buf: len counts what was needed, like
 * snprintf, and buf stays NUL-terminated when size > 0. */
struct record_text {
	char *buf;
	size_t size, len;
};

/* s[0..n) appended (inline: a record is a dozen of these and is written
 * for every module loaded). */
static inline void record_text_put(struct record_text *o, const char *s, size_t n)
{
	if (o->len < o->size) {
		size_t room = o->size - o->len - 1;

		memcpy(o->buf + o->len, s, n < room ? n : room);
		o->buf[o->len + (n < room ? n : room)] = '\0';
	}
	o->len += n;
}

/* " key=value" for each field, each value through pmod_escape's quoted
 * form, cut at its key's cap. */
void record_text_fields(struct record_text *o, const struct record_field *fields, size_t count);

/* The journal's MESSAGE_ID of an action, 32 lower-case hex digits; NULL
 * for an action without one. */
const char *record_message_id(const char *action);

#endif
