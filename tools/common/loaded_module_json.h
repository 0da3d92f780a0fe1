/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A loaded module as lsmod --json and kmod audit --json both give it, so
 * that the two documents describe a module with the same members. */
#ifndef PMOD_LOADED_MODULE_JSON_H
#define PMOD_LOADED_MODULE_JSON_H

#include "pmod.h"

struct json_object;

/* Adds name, size, use_count, holders, state, taint and taint_flags (each
 * letter with its name and meaning) to obj. A size or use count the
 * kernel did not give (a negative errno) is left out. */
void json_add_loaded_module(struct json_object *obj, const struct pmod_loaded_module *m);

#endif
