/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a record goes when the caller set no record function
 * (record_sink.c). */
#ifndef PMOD_RECORD_SINK_H
#define PMOD_RECORD_SINK_H

#include "record_fields.h"

/* The journal (its fields and text as MESSAGE) where systemd-journald
 * runs, else syslog (facility LOG_AUTHPRIV), else the kernel's log. text
 * is rec's text line. */
void record_sink_default(const struct record *rec, const char *text);

#endif
