/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Configuration directories the way kmod reads them (doc/configuration.md):
 * *.conf files from a list of directories, merged and sorted by basename,
 * the first directory winning for equal names; logical lines joined at a
 * trailing backslash, '#' comments at the start of a line. Shared by
 * depmod.d and modprobe.d. */
#ifndef PMOD_CONFIG_FILES_H
#define PMOD_CONFIG_FILES_H

#include <stddef.h>
#include <stdio.h>

#include "log.h"

struct config_file {
	char *path;
	const char *name;		/* basename, within path */
	size_t seq;			/* order found: directory precedence */
};

/* paths: directories or single files, already under the context's root.
 * Missing directories are skipped. *files is malloc'ed; free with
 * config_files_free. Problems with single entries are logged. */
int config_files_list(const struct log_sink *log, const char *const *paths, size_t npaths,
		      struct config_file **files, size_t *count);
void config_files_free(struct config_file *files, size_t count);
/* a, sep and b in one new string; NULL when out of memory. By copying:
 * every context builds its configuration paths this way. */
char *config_path_concat(const char *a, const char *sep, const char *b);

struct config_reader {
	FILE *f;
	const char *path;
	char *line;			/* the current logical line */
	size_t cap;
	char *raw;			/* the current physical line (getline) */
	size_t raw_cap;
	unsigned lineno;		/* of the line's first physical line */
	unsigned next_lineno;
};

int config_reader_open(struct config_reader *r, const char *path);
/* The next non-empty, non-comment logical line with escapes resolved:
 * 1 and *line set, 0 at the end, < 0 on a read error. */
int config_reader_next(struct config_reader *r, char **line);
void config_reader_close(struct config_reader *r);

/* Splits the line in place at spaces and tabs: the next token or NULL. */
char *config_next_token(char **cursor);

#endif
