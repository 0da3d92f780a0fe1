/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every pmod tool prints the same way: kmod's message format
 * ("PROG: PRIO: message", as kmod's tools print them), optional syslog, the verbosity
 * filter, and the version lines. The library's log messages go through
 * tool_log_fn so they look like the tool's own. */
#ifndef PMOD_TOOL_OUTPUT_H
#define PMOD_TOOL_OUTPUT_H

#include <stdbool.h>

struct pmod_ctx;

/* Set once in main: the name messages start with, and the least important
 * priority printed (syslog's LOG_*; kmod's tools start at LOG_ERR for
 * modinfo/depmod and LOG_WARNING for the loaders). */
void tool_output_init(const char *progname, int max_priority);
/* -s: messages go to syslog (LOG_DAEMON) instead of stderr. Also used
 * when stderr is closed. */
void tool_output_use_syslog(void);
/* Every message becomes exactly one line: control bytes in it (a newline
 * in a module name, a file name or an argument) and bytes that are not
 * UTF-8 are written as \xNN (pmod_escape), on the terminal too. The
 * loaders turn it on; their messages never mean to span lines. Messages
 * sent to syslog are escaped so in every tool. */
void tool_output_escape_messages(void);
/* -v raises the level by one, -q sets LOG_EMERG (nothing but the exit
 * status). */
void tool_output_set_priority(int max_priority);
int tool_output_priority(void);

/* One message at a priority; FATAL (LOG_CRIT or more severe) is printed
 * and is the caller's cue to exit 1 (the function itself never exits). */
void tool_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For pmod_ctx_set_log_fn: the library's messages, same format. */
void tool_log_fn(void *data, int priority, const char *message);
/* Wires tool_log_fn into a context at the tool's current level. */
void tool_output_attach(struct pmod_ctx *ctx);

/* rmmod -f, modprobe -r -f: the one-line notice that the force is
 * ignored (Peios has no forced unload). Shown at every verbosity but -q's: the user asked
 * for something that does not happen and must know. */
void tool_notice_no_forced_unload(void);

/* -V: two lines, like kmod's: "pmod-VERSION kmod-version N", N the kmod
 * release the tools follow (where kmod prints its own), then the build
 * features. */
void tool_print_version(void);

#endif
