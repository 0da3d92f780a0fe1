// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

void log_write(const struct log_sink *log, int priority, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (log == NULL || log->fn == NULL || priority > log->priority)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->fn(log->data, priority, msg);
}
