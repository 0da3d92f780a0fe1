// SPDX-License-Identifier: LGPL-2.1-or-later
/* The default place of a record. These are security records (who put code
 * into the kernel), so they go where the administrators' log is, with
 * facility LOG_AUTHPRIV, whose log only administrators read:
 *
 *  1. the journal, where systemd-journald runs: the record's fields as the
 *     journal's own (PMOD_MODULE=..., a MESSAGE_ID per action), so that
 *     journalctl selects records by what they say instead of by parsing
 *     text, and the text line as MESSAGE;
 *  2. else syslog, the text line;
 *  3. else (neither socket exists) the kernel's log. That is early boot:
 *     systemd loads modules (autofs4, ...) before journald or any syslog
 *     daemon runs, and syslog() would drop the record without a word.
 *     The kernel keeps it, and journald imports the kernel's log when it
 *     starts, so the record still reaches the journal.
 *
 * Each record looks again (a socket's existence costs one system call):
 * a long-lived process, systemd itself above all, starts before the
 * journal and outlives many of its restarts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include "escape.h"
#include "lazy_systemd.h"
#include "record_sink.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define KERNEL_LOG "/dev/kmsg"
/* The text line's longest form: every byte escaped as \xNN. */
#define LINE_MAX_SAFE (4 * 4096 + 8)
/* The journal's fields, each "KEY=value" in one piece as sd_journal_sendv
 * wants them: the line, the fixed fields, and every field at the largest
 * cap with its key. */
#define JOURNAL_BYTES (LINE_MAX_SAFE + 512 + RECORD_FIELDS_MAX * (32 + 1024))

/* The line as it may reach a log: a record arrives as printable ASCII (its
 * keys and actions are this library's words, and every value went through
 * the escaper's quoted form, which writes nothing else), so it is only
 * checked, which is cheaper than escaping it again; a record that held
 * any other byte all the same is escaped whole, so that no control byte
 * reaches a log from here and the record stays one line. */
static const char *safe_line(const char *text, char safe[LINE_MAX_SAFE])
{
	size_t len;

	if (escape_unneeded(text, &len) && len <= LINE_MAX_SAFE - 8)
		return text;
	pmod_escape(text, 0, LINE_MAX_SAFE - 8, safe, LINE_MAX_SAFE);
	return safe;
}

struct journal_fields {
	struct iovec iov[8 + RECORD_FIELDS_MAX];
	size_t count;
	char bytes[JOURNAL_BYTES];
	size_t used;
};

/* "KEY=value" as one field, the value cut at cap bytes (ending "...")
 * as its text form is. Raw: the journal carries any byte, and a newline
 * or '=' in a value stays inside that value (sd_journal_sendv sends a
 * value holding a newline with its length). */
static void journal_add(struct journal_fields *j, const char *key, size_t key_len,
			const char *value, size_t cap)
{
	size_t len = strlen(value), cut = len > cap ? (cap > 3 ? cap - 3 : 0) : len;
	size_t need = key_len + cut + (cut < len ? 3 : 0);
	char *at = j->bytes + j->used;

	if (need > sizeof(j->bytes) - j->used || j->count >= sizeof(j->iov) / sizeof(j->iov[0]))
		return;
	memcpy(at, key, key_len);
	memcpy(at + key_len, value, cut);
	if (cut < len)
		memcpy(at + key_len + cut, "...", 3);
	j->iov[j->count++] = (struct iovec){ .iov_base = at, .iov_len = need };
	j->used += need;
}

#define JOURNAL_ADD(j, key, value, cap) journal_add((j), key "=", sizeof(key "=") - 1, (value), (cap))

/* 0 when the journal took the record; < 0 when there is no journal or
 * it refused (the caller then tries syslog). */
static int journal_send(const struct record *rec, const char *line)
{
	struct journal_fields j;
	const struct lazy_systemd *sd;
	const char *id;
	char priority[2] = { (char)('0' + (rec->priority & 7)), '\0' };

	/* Without the socket the library would drop the record and say it
	 * was sent; and a process that never meets a journal never loads
	 * libsystemd. */
	if (access(JOURNAL_SOCKET, F_OK) != 0)
		return -errno;
	sd = lazy_systemd(NULL);
	if (sd == NULL)
		return -ELIBACC;
	j.count = 0;
	j.used = 0;
	JOURNAL_ADD(&j, "MESSAGE", line, LINE_MAX_SAFE);
	id = record_message_id(rec->action);
	if (id != NULL)
		JOURNAL_ADD(&j, "MESSAGE_ID", id, 32);
	JOURNAL_ADD(&j, "PRIORITY", priority, 1);
	/* LOG_AUTHPRIV >> 3, as journald writes it for syslog's records. */
	JOURNAL_ADD(&j, "SYSLOG_FACILITY", "10", 2);
	if (program_invocation_short_name != NULL && program_invocation_short_name[0] != '\0')
		JOURNAL_ADD(&j, "SYSLOG_IDENTIFIER", program_invocation_short_name, 64);
	JOURNAL_ADD(&j, "PMOD_ACTION", rec->action != NULL ? rec->action : "?", 64);
	for (size_t i = 0; i < rec->count; i++) {
		const struct record_key_name *name = &record_key_names[rec->fields[i].key];

		if (name->journal != NULL && rec->fields[i].value != NULL)
			journal_add(&j, name->journal, name->journal_len, rec->fields[i].value,
				    name->cap);
	}
	return sd->sd_journal_sendv(j.iov, (int)j.count);
}

/* "<PRI>IDENT[PID]: LINE" in one write: the kernel takes the facility and
 * priority from the prefix, and journald the identifier from the text. */
static int kernel_log_send(const struct record *rec, const char *line)
{
	char buf[4096 + 128];
	int fd, n;
	ssize_t w;

	fd = open(KERNEL_LOG, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "<%d>%s[%d]: %s\n", LOG_AUTHPRIV | (rec->priority & 7),
		     program_invocation_short_name != NULL ? program_invocation_short_name : "pmod",
		     (int)getpid(), line);
	if (n < 0) {
		close(fd);
		return -EINVAL;
	}
	if ((size_t)n >= sizeof(buf)) {
		/* Cut, but still one line. */
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	w = write(fd, buf, (size_t)n);
	close(fd);
	return w == n ? 0 : -EIO;
}

void record_sink_default(const struct record *rec, const char *text)
{
	char safe[LINE_MAX_SAFE];
	const char *line = safe_line(text, safe);

	if (journal_send(rec, line) == 0)
		return;
	if (access(_PATH_LOG, F_OK) != 0 && kernel_log_send(rec, line) == 0)
		return;
	syslog(LOG_AUTHPRIV | (rec->priority & 7), "%s", line);
}
