/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Built-in modules: which names modules.builtin.bin lists (the one test of
 * "is this module built into the kernel image", shared by name lookup,
 * modprobe's resolution and the kernel state queries), and their .modinfo
 * from modules.builtin.modinfo. */
#ifndef PMOD_BUILTIN_MODINFO_H
#define PMOD_BUILTIN_MODINFO_H

#include "index_reader.h"
#include "mapped_file.h"
#include "pmod.h"

/* 1 when name is a key of modules.builtin.bin, 0 when it is not or the
 * index is missing or empty, < 0 (err filled) when the index is corrupt:
 * each caller decides whether that stops it. */
int builtin_index_has(struct index_reader *idx, const char *name, struct pmod_error *err);

/* modules.builtin.modinfo, mapped: a last string without its NUL is cut
 * off, so that every string of the file ends inside it. */
void builtin_modinfo_trim(struct mapped_file *file);
/* The .modinfo entries of one built-in module, from such a file. *entries
 * is malloc'ed (the strings point into the file); -ENOENT when the module
 * (or the file: data NULL) is absent. */
int builtin_modinfo_find(const struct mapped_file *file, const char *name,
			 struct pmod_modinfo **entries, size_t *count, struct pmod_error *err);

#endif
