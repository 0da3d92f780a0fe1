// SPDX-License-Identifier: LGPL-2.1-or-later
/* modprobe.d: which files are read, in which order, and what every
 * directive means (alias, options, install, remove, blacklist, softdep,
 * weakdep), with kmod's semantics. The parsed result is plain lists
 * in parse order; the questions resolution asks are answered here too. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config_files.h"
#include "error.h"
#include "growable_array.h"
#include "modprobe_config.h"
#include "log.h"

/* ---------------------------------------------------------------- storage */

static struct config_entry *entry_new(struct pmod_config *cfg, enum pmod_config_kind kind)
{
	struct config_entry *e;

	if (growable_array_reserve(&cfg->entries[kind], &cfg->cap[kind], cfg->count[kind] + 1,
				   sizeof(*e)) < 0)
		return NULL;
	e = &cfg->entries[kind][cfg->count[kind]];
	memset(e, 0, sizeof(*e));
	return e;
}

int modprobe_config_add(struct pmod_config *cfg, enum pmod_config_kind kind, const char *name,
			const char *value)
{
	struct config_entry *e = entry_new(cfg, kind);
	size_t nlen = strlen(name) + 1, vlen = value ? strlen(value) + 1 : 0;
	char *s;

	if (e == NULL)
		return -ENOMEM;
	s = malloc(nlen + vlen);
	if (s == NULL)
		return -ENOMEM;
	memcpy(s, name, nlen);
	e->pub.name = s;
	e->pattern = strpbrk(s, "*?[\\") != NULL;
	if (value != NULL) {
		memcpy(s + nlen, value, vlen);
		e->pub.value = s + nlen;
	}
	e->storage = s;
	cfg->count[kind]++;
	return 0;
}

/* softdep and weakdep: the targets are kept as pointers into one block
 * after the name and the -c text. */
static int add_dep_lists(struct pmod_config *cfg, enum pmod_config_kind kind, const char *name,
			 char **targets[2], size_t n[2])
{
	struct config_entry *e = entry_new(cfg, kind);
	size_t size = strlen(name) + 1 + 1, ptrs = n[0] + n[1];
	char *s, *text;

	if (e == NULL)
		return -ENOMEM;
	for (int k = 0; k < 2; k++) {
		if (n[k] > 0 && kind == PMOD_CONFIG_SOFTDEP)
			size += 5;	/* "post:" */
		for (size_t i = 0; i < n[k]; i++)
			size += 2 * (strlen(targets[k][i]) + 1);	/* text and list */
	}
	e->storage = malloc(ptrs * sizeof(char *) + size);
	if (e->storage == NULL)
		return -ENOMEM;
	e->list[0] = e->storage;
	e->list[1] = e->list[0] + n[0];
	s = (char *)(e->list[0] + ptrs);
	e->pub.name = strcpy(s, name);
	e->pattern = strpbrk(s, "*?[\\") != NULL;
	s += strlen(name) + 1;
	/* kmod prints "pre: a b" and "post: c" with nothing between the two
	 * (the missing separator is kept: scripts compare -c output). */
	text = s;
	*s = '\0';
	for (int k = 0; k < 2; k++) {
		if (n[k] > 0 && kind == PMOD_CONFIG_SOFTDEP)
			s = stpcpy(s, k == 0 ? "pre:" : "post:");
		for (size_t i = 0; i < n[k]; i++) {
			if (s != text || kind == PMOD_CONFIG_SOFTDEP)
				*s++ = ' ';
			s = stpcpy(s, targets[k][i]);
		}
	}
	e->pub.value = text;
	s++;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < n[k]; i++) {
			e->list[k][i] = s;
			s = stpcpy(s, targets[k][i]) + 1;
		}
		e->nlist[k] = n[k];
	}
	cfg->count[kind]++;
	return 0;
}

void pmod_config_free(struct pmod_config *cfg)
{
	if (cfg == NULL)
		return;
	for (int k = 0; k < PMOD_CONFIG_KIND_COUNT; k++) {
		for (size_t i = 0; i < cfg->count[k]; i++)
			free(cfg->entries[k][i].storage);
		free(cfg->entries[k]);
	}
	for (size_t i = 0; i < cfg->nsources; i++)
		free(cfg->sources[i]);
	free(cfg->sources);
	free(cfg);
}

const char *pmod_config_source(const struct pmod_config *cfg, size_t i)
{
	if (cfg == NULL || i >= cfg->nsources)
		return NULL;
	return cfg->sources[i];
}

/* ---------------------------------------------------------------- parsing */

/* '-' to '_' outside [...] in place; false for an unbalanced bracket. */
static bool normalize_in_place(char *s)
{
	size_t len = strlen(s);

	return pmod_alias_normalize(s, s, len + 1) >= 0;
}

/* softdep MOD [pre: A ...] [post: B ...] and weakdep MOD A ...: tokens
 * before the first marker of a softdep are ignored, as kmod does. The
 * tokens are split in place in rest. */
static int parse_deps(struct pmod_config *cfg, enum pmod_config_kind kind, const char *name,
		      char *rest)
{
	/* A line of L bytes has at most L/2 + 1 tokens. Short lines (all
	 * of modules.softdep, read for every context) need no allocation. */
	size_t max = strlen(rest) / 2 + 1, n[2] = { 0, 0 };
	char *on_stack[64];
	char **all = 2 * max <= sizeof(on_stack) / sizeof(on_stack[0]) ? on_stack
								       : malloc(2 * max * sizeof(*all));
	char **targets[2];
	int list = kind == PMOD_CONFIG_WEAKDEP ? 0 : -1, r;
	char *tok;

	if (all == NULL)
		return -ENOMEM;
	targets[0] = all;
	targets[1] = all + max;
	while ((tok = config_next_token(&rest)) != NULL) {
		if (kind == PMOD_CONFIG_SOFTDEP && tok[0] == 'p' && strcmp(tok, "pre:") == 0)
			list = 0;
		else if (kind == PMOD_CONFIG_SOFTDEP && tok[0] == 'p' && strcmp(tok, "post:") == 0)
			list = 1;
		else if (list >= 0)
			targets[list][n[list]++] = tok;
	}
	r = add_dep_lists(cfg, kind, name, targets, n);
	if (all != on_stack)
		free(all);
	return r;
}

enum command {
	COMMAND_UNKNOWN,
	COMMAND_ALIAS,
	COMMAND_BLACKLIST,
	COMMAND_OPTIONS,
	COMMAND_INSTALL,
	COMMAND_REMOVE,
	COMMAND_SOFTDEP,
	COMMAND_WEAKDEP,
	COMMAND_DEPRECATED,	/* include, config */
};

/* The command a line starts with. Its first letter leaves one or two
 * words it can be: every line of the configuration and of
 * modules.softdep is read this way for every context. */
static enum command command_of(const char *word)
{
	switch (word[0]) {
	case 'a':
		return strcmp(word, "alias") == 0 ? COMMAND_ALIAS : COMMAND_UNKNOWN;
	case 'b':
		return strcmp(word, "blacklist") == 0 ? COMMAND_BLACKLIST : COMMAND_UNKNOWN;
	case 'c':
		return strcmp(word, "config") == 0 ? COMMAND_DEPRECATED : COMMAND_UNKNOWN;
	case 'i':
		return strcmp(word, "install") == 0   ? COMMAND_INSTALL :
		       strcmp(word, "include") == 0 ? COMMAND_DEPRECATED : COMMAND_UNKNOWN;
	case 'o':
		return strcmp(word, "options") == 0 ? COMMAND_OPTIONS : COMMAND_UNKNOWN;
	case 'r':
		return strcmp(word, "remove") == 0 ? COMMAND_REMOVE : COMMAND_UNKNOWN;
	case 's':
		return strcmp(word, "softdep") == 0 ? COMMAND_SOFTDEP : COMMAND_UNKNOWN;
	case 'w':
		return strcmp(word, "weakdep") == 0 ? COMMAND_WEAKDEP : COMMAND_UNKNOWN;
	default:
		return COMMAND_UNKNOWN;
	}
}

int modprobe_config_parse_line(const struct log_sink *log, struct pmod_config *cfg, char *line,
			       const char *path, unsigned lineno)
{
	char *cursor = line;
	char *cmd = config_next_token(&cursor);
	char *a, *b;
	enum pmod_config_kind kind;
	enum command command;
	bool ok = false;
	int r = 0;

	if (cmd == NULL)
		return 0;	/* blanks only */
	command = command_of(cmd);
	if (command == COMMAND_ALIAS) {
		a = config_next_token(&cursor);
		b = config_next_token(&cursor);
		ok = a && b && normalize_in_place(a) && normalize_in_place(b);
		if (ok)
			r = modprobe_config_add(cfg, PMOD_CONFIG_ALIAS, a, b);
	} else if (command == COMMAND_BLACKLIST) {
		a = config_next_token(&cursor);
		ok = a && normalize_in_place(a);
		if (ok)
			r = modprobe_config_add(cfg, PMOD_CONFIG_BLACKLIST, a, NULL);
	} else if (command == COMMAND_OPTIONS || command == COMMAND_INSTALL ||
		   command == COMMAND_REMOVE) {
		kind = command == COMMAND_OPTIONS ? PMOD_CONFIG_OPTIONS :
		       command == COMMAND_INSTALL ? PMOD_CONFIG_INSTALL : PMOD_CONFIG_REMOVE;
		a = config_next_token(&cursor);
		/* The rest of the line after the one blank that ends MOD,
		 * further blanks included. */
		ok = a && *cursor != '\0' && normalize_in_place(a);
		if (ok && kind == PMOD_CONFIG_OPTIONS)
			for (char *p = cursor; *p; p++)
				if (*p == '\t')
					*p = ' ';
		if (ok)
			r = modprobe_config_add(cfg, kind, a, cursor);
	} else if (command == COMMAND_SOFTDEP || command == COMMAND_WEAKDEP) {
		kind = command == COMMAND_SOFTDEP ? PMOD_CONFIG_SOFTDEP : PMOD_CONFIG_WEAKDEP;
		a = config_next_token(&cursor);
		/* softdep needs something after MOD; an empty weakdep list is
		 * valid (kmod 33). */
		ok = a && (kind == PMOD_CONFIG_WEAKDEP || *cursor != '\0') &&
		     normalize_in_place(a);
		if (ok)
			r = parse_deps(cfg, kind, a, cursor);
	} else if (command == COMMAND_DEPRECATED) {
		log_write(log, LOG_ERR, "%s: command %s is deprecated and not parsed anymore",
			path, cmd);
		return 0;
	}
	if (!ok)
		log_write(log, LOG_ERR, "%s line %u: ignoring bad line starting with '%s'",
			path, lineno, cmd);
	return r;
}

/* ---------------------------------------------------------------- queries */

size_t pmod_config_count(const struct pmod_config *cfg, enum pmod_config_kind kind)
{
	return (unsigned)kind < PMOD_CONFIG_KIND_COUNT ? cfg->count[kind] : 0;
}

const struct pmod_config_entry *pmod_config_get(const struct pmod_config *cfg,
						enum pmod_config_kind kind, size_t i)
{
	if ((unsigned)kind >= PMOD_CONFIG_KIND_COUNT || i >= cfg->count[kind])
		return NULL;
	return &cfg->entries[kind][i].pub;
}

bool pmod_config_get_targets(const struct pmod_config *cfg, enum pmod_config_kind kind,
			     size_t i, const char *const **pre, size_t *npre,
			     const char *const **post, size_t *npost)
{
	const struct config_entry *e;

	if ((kind != PMOD_CONFIG_SOFTDEP && kind != PMOD_CONFIG_WEAKDEP) || i >= cfg->count[kind])
		return false;
	e = &cfg->entries[kind][i];
	*pre = e->list[0];
	*npre = e->nlist[0];
	*post = e->list[1];
	*npost = kind == PMOD_CONFIG_SOFTDEP ? e->nlist[1] : 0;
	return true;
}

bool pmod_config_blacklisted(const struct pmod_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->count[PMOD_CONFIG_BLACKLIST]; i++)
		if (strcmp(cfg->entries[PMOD_CONFIG_BLACKLIST][i].pub.name, name) == 0)
			return true;
	return false;
}

static const struct config_entry *first_match(const struct pmod_config *cfg,
					      enum pmod_config_kind kind, const char *name)
{
	/* fnmatch costs a hundred instructions even for a name without a
	 * wildcard, and modules.softdep alone has dozens of entries, each
	 * tried for every module loaded. */
	for (size_t i = 0; i < cfg->count[kind]; i++) {
		const struct config_entry *e = &cfg->entries[kind][i];

		if (e->pattern ? fnmatch(e->pub.name, name, 0) == 0
			       : e->pub.name[0] == name[0] && strcmp(e->pub.name, name) == 0)
			return e;
	}
	return NULL;
}

const char *pmod_config_install_command(const struct pmod_config *cfg, const char *name)
{
	const struct config_entry *e = first_match(cfg, PMOD_CONFIG_INSTALL, name);

	return e ? e->pub.value : NULL;
}

const char *pmod_config_remove_command(const struct pmod_config *cfg, const char *name)
{
	const struct config_entry *e = first_match(cfg, PMOD_CONFIG_REMOVE, name);

	return e ? e->pub.value : NULL;
}

int pmod_config_module_options(const struct pmod_config *cfg, const char *name,
			       const char *alias, char **options)
{
	const struct config_entry *opt = cfg->entries[PMOD_CONFIG_OPTIONS];
	size_t len = 0;
	char *out = NULL, *p = NULL;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cfg->count[PMOD_CONFIG_OPTIONS]; i++) {
			const char *n = opt[i].pub.name;

			if (strcmp(n, name) != 0 && (alias == NULL || strcmp(n, alias) != 0))
				continue;
			if (pass == 0) {
				len += strlen(opt[i].pub.value) + 1;
				continue;
			}
			if (p != out)
				*p++ = ' ';
			p = stpcpy(p, opt[i].pub.value);
		}
		if (pass == 0) {
			out = malloc(len + 1);
			if (out == NULL)
				return -ENOMEM;
			p = out;
			*p = '\0';
		}
	}
	*options = out;
	return 0;
}

bool pmod_config_softdeps(const struct pmod_config *cfg, const char *name,
			  const char *const **pre, size_t *npre,
			  const char *const **post, size_t *npost)
{
	const struct config_entry *e = first_match(cfg, PMOD_CONFIG_SOFTDEP, name);

	if (e == NULL)
		return false;
	*pre = e->list[0];
	*npre = e->nlist[0];
	*post = e->list[1];
	*npost = e->nlist[1];
	return true;
}

bool pmod_config_weakdeps(const struct pmod_config *cfg, const char *name,
			  const char *const **deps, size_t *ndeps)
{
	const struct config_entry *e = first_match(cfg, PMOD_CONFIG_WEAKDEP, name);

	if (e == NULL)
		return false;
	*deps = e->list[0];
	*ndeps = e->nlist[0];
	return true;
}
