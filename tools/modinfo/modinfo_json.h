/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modinfo --json: the run's records as one document,
 *     {"schema_version": 1, "command": "modinfo", "modules": [...]}
 * one object per module shown, in the order the text output shows them.
 * modinfo.c finds the modules and decides what a record holds (the -F
 * selection); this file only gives it JSON's shape. pmod-json(7) describes
 * every member. */
#ifndef PMOD_MODINFO_JSON_H
#define PMOD_MODINFO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pmod.h"

struct modinfo_json;

/* Loads json-c and starts the document on out. NULL when json-c cannot
 * be loaded (already said through tool_log). field is -F's (NULL: all).
 * Without verify, records are written to out as they come; with it, they
 * are kept until modinfo_json_finish, for their verdicts. */
struct modinfo_json *modinfo_json_new(const char *field, bool verify, FILE *out);

/* The command-line argument the next records come from. */
void modinfo_json_set_argument(struct modinfo_json *j, const char *argument);

/* One module's record: name is given for a built-in module (filename is
 * then "(builtin)"), sig is NULL when unsigned or not asked for. */
void modinfo_json_record(struct modinfo_json *j, const char *name, const char *filename,
			 const struct pmod_modinfo *e, size_t n, const struct pmod_signature *sig);

/* --verify: the module files recorded so far, in order (built-in modules
 * have none), and the verdict on the i-th of them. */
size_t modinfo_json_files(const struct modinfo_json *j, const char *const **paths);
void modinfo_json_verdict(struct modinfo_json *j, size_t i, const struct pmod_verify_result *res);

/* Writes the rest of the document to out (the out given to
 * modinfo_json_new) and frees everything. 0 or -errno. */
int modinfo_json_finish(struct modinfo_json *j, FILE *out);

#endif
