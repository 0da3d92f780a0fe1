/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* modprobe's configuration as parsed: one list per directive kind, in
 * parse order (files by basename, then the kernel command line), which
 * decides the first match and how options join; see doc/configuration.md.
 * Shared by the parser, the kernel command line tokenizer and resolution. */
#ifndef PMOD_MODPROBE_CONFIG_H
#define PMOD_MODPROBE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

struct config_entry {
	struct pmod_config_entry pub;	/* name and -c value */
	/* softdep: targets before "pre:"/"post:" ([0] pre, [1] post);
	 * weakdep: [0] only. Strings point into the same allocation. */
	const char **list[2];
	size_t nlist[2];
	void *storage;			/* owns name, value and list strings */
	/* The name holds a character fnmatch treats specially (* ? [ \\):
	 * it is matched as a pattern; any other name only by comparison. */
	bool pattern;
};

struct pmod_config {
	struct config_entry *entries[PMOD_CONFIG_KIND_COUNT];
	size_t count[PMOD_CONFIG_KIND_COUNT];
	size_t cap[PMOD_CONFIG_KIND_COUNT];
	/* The directories and files it was read from, as pmod_config_source
	 * gives them. */
	char **sources;
	size_t nsources;
};

/* One logical line of a modprobe.d file (modified in place). Bad lines are
 * logged with kmod's message and skipped (0); -ENOMEM is the only error. */
int modprobe_config_parse_line(const struct log_sink *log, struct pmod_config *cfg, char *line,
			       const char *path, unsigned lineno);

/* Adds name (and value, may be NULL) to a kind's list. */
int modprobe_config_add(struct pmod_config *cfg, enum pmod_config_kind kind, const char *name,
			const char *value);

/* The kernel command line, modified in place: MODULE.PARAM[=VALUE] tokens
 * as options and modprobe.blacklist= entries, appended to cfg after every
 * file's (doc/configuration.md). */
int kernel_cmdline_parse(const struct log_sink *log, struct pmod_config *cfg, char *text);

/* modprobe.d under root (or the caller's paths), with modules.softdep and
 * modules.weakdep of module_dir, then the kernel command line. */
int modprobe_config_load(const struct log_sink *log, const char *root, const char *module_dir,
			 const struct pmod_config_options *opts, struct pmod_config **cfg,
			 struct pmod_error *err);

#endif
