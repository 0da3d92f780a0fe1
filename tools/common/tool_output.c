// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "pmod.h"
#include "tool_output.h"

static const char *progname = "pmod";
static int max_priority = LOG_ERR;
static bool to_syslog;
static bool escape_messages;

void tool_output_init(const char *name, int priority)
{
	progname = name;
	max_priority = priority;
	/* The library's records (loads, unloads, refusals) go to syslog with
	 * facility LOG_AUTHPRIV under the tool's name; opening names the
	 * ident only, nothing is connected until the first record. */
	openlog(progname, LOG_PID, LOG_AUTHPRIV);
	/* kmod falls back to syslog when there is nowhere else to write: the
	 * kernel's demand loads may run with stderr closed. */
	if (fcntl(STDERR_FILENO, F_GETFL) < 0 && errno == EBADF)
		tool_output_use_syslog();
}

void tool_output_use_syslog(void)
{
	/* Messages default to LOG_DAEMON (kmod's); records name their own
	 * facility, so reopening does not move them. */
	if (!to_syslog)
		openlog(progname, LOG_CONS | LOG_PID, LOG_DAEMON);
	to_syslog = true;
}

void tool_output_set_priority(int priority)
{
	max_priority = priority;
}

int tool_output_priority(void)
{
	return max_priority;
}

static const char *priority_label(int priority)
{
	switch (priority) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT: return "FATAL";
	case LOG_ERR: return "ERROR";
	case LOG_WARNING: return "WARNING";
	case LOG_NOTICE: return "NOTICE";
	case LOG_INFO: return "INFO";
	default: return "DEBUG";
	}
}

void tool_output_escape_messages(void)
{
	escape_messages = true;
}

static void emit(int priority, const char *message)
{
	/* Room for every byte of a full message escaped as \xNN. */
	char safe[4 * 2048 + 8];

	if (priority > max_priority)
		return;
	/* The system log gets every message as exactly one line, whatever
	 * the tool: a name holding a newline must not forge a second entry
	 * (a record, say) under our name. */
	if (escape_messages || to_syslog) {
		pmod_escape(message, 0, 0, safe, sizeof(safe));
		message = safe;
	}
	if (to_syslog)
		syslog(priority, "%s: %s", priority_label(priority), message);
	else
		fprintf(stderr, "%s: %s: %s\n", progname, priority_label(priority), message);
}

void tool_log(int priority, const char *fmt, ...)
{
	char message[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	emit(priority, message);
}

void tool_log_fn(void *data, int priority, const char *message)
{
	(void)data;
	emit(priority, message);
}

void tool_output_attach(struct pmod_ctx *ctx)
{
	pmod_ctx_set_log_fn(ctx, tool_log_fn, NULL);
	pmod_ctx_set_log_priority(ctx, max_priority);
}

void tool_notice_no_forced_unload(void)
{
	int saved = max_priority;

	if (max_priority == LOG_EMERG)
		return;
	if (max_priority < LOG_NOTICE)
		max_priority = LOG_NOTICE;
	tool_log(LOG_NOTICE, "forced unload is not available on Peios; removing normally");
	max_priority = saved;
}

void tool_print_version(void)
{
	/* Scripts take kmod's release from the third blank-separated field
	 * of the first line (dracut compares it with 3.7, the kernel's kmod
	 * selftest wants more than 19), so that field is the kmod release
	 * whose behaviour the tools follow, and the first says what this is. */
	printf("pmod-%s kmod-version %s\n+ZSTD +XZ +ZLIB +OPENSSL\n", PMOD_VERSION,
	       PMOD_KMOD_COMPAT_VERSION);
}
