/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the escaper (pmod_escape, escape.c) offers the library beyond its
 * public form. */
#ifndef PMOD_ESCAPE_H
#define PMOD_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

/* Whether s is printable ASCII throughout (0x20 to 0x7e), text that
 * pmod_escape's message form copies unchanged; *len is then its length.
 * Thirty-two bytes a step, as vectors: far cheaper than the escape it
 * spares. */
bool escape_unneeded(const char *s, size_t *len);

#endif
