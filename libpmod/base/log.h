/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the library's diagnostics go. The library never prints: a caller
 * (a tool, a service) gives the context a function, and every layer below
 * the context is handed this sink instead of the context itself, so that
 * lower layers need nothing from above them. */
#ifndef PMOD_LOG_H
#define PMOD_LOG_H

#include "pmod.h"

struct log_sink {
	pmod_log_fn fn;		/* NULL: messages are dropped */
	void *data;
	int priority;		/* less important messages are dropped */
};

/* One message, printf-style; cut at 1023 bytes. A NULL sink drops it. */
void log_write(const struct log_sink *log, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
