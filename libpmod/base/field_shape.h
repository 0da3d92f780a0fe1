/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shapes a value must have to be written into, or taken from, the
 * text files of a module directory (modules.dep, modules.alias,
 * modules.devname, ...): values there are chosen by whoever built a module,
 * and a value that could end a line, split a field or climb out of /dev
 * would say something its author must not be able to say. Each check
 * returns NULL when the value fits, else a sentence saying why not. */
#ifndef PMOD_FIELD_SHAPE_H
#define PMOD_FIELD_SHAPE_H

#include <stddef.h>

/* One token of configuration text (a module name, an alias, a symbol):
 * printable ASCII, no blank, no backslash, not empty. */
const char *field_token_problem(const char *s, size_t len);

/* A device path relative to /dev ("net/tun"): no leading or trailing '/',
 * no empty, "." or ".." component. Does not check the bytes themselves
 * (field_token_problem does). */
const char *field_device_path_problem(const char *name);

#endif
