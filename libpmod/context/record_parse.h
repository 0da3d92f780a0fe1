/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a record's text line back (record_parse.c): the form
 * record_fields.c writes, "ACTION key=value ...", each value plain or in
 * double quotes with \" \\ and \xNN escapes. Records that reached the
 * journal through the kernel log (written before journald ran: the
 * initramfs, PID 1's first loads) have only this line, no fields. */
#ifndef PMOD_RECORD_PARSE_H
#define PMOD_RECORD_PARSE_H

#include <stddef.h>

/* Receives each field: the key as written ("module", "signing-policy")
 * and the value unescaped, NUL-terminated. A negative errno stops the
 * parse, which returns it. */
typedef int (*record_parse_fn)(void *data, const char *key, const char *value);

/* line[0..len): the action (the first word) into action[0..action_size),
 * then fn for each field. -EINVAL when the line is not of that form
 * (fields before the bad spot have been handed over). */
int record_text_parse(const char *line, size_t len, char *action, size_t action_size,
		      record_parse_fn fn, void *data);

#endif
