// SPDX-License-Identifier: LGPL-2.1-or-later
/* What depmod takes from a module into its text outputs is data chosen by
 * whoever built the module, and modprobe later reads some of those outputs
 * (modules.softdep, modules.weakdep) as configuration. A value that could
 * end a line, continue one, or split differently than its field allows
 * would let an unsigned module write configuration of its choosing, such
 * as an `install` command that modprobe runs as root before any signature
 * is checked. So every value is checked against the shape of its field
 * before it is written, and one that does not fit is left out, with a
 * warning naming the module file and the field. Well-formed values pass
 * unchanged, so the outputs stay byte for byte what kmod writes.
 *
 * The shapes, all printable ASCII:
 *   file path and name  no blank, no ':' (modules.dep's separator), no
 *                       backslash; the name also no glob character, since
 *                       modprobe matches softdep and weakdep names as
 *                       patterns;
 *   alias, symbol       one token: no blank, no backslash (configuration
 *                       syntax uses it to escape and to join lines);
 *   devname:NAME        also a relative device path: no leading or
 *                       trailing '/', no empty, '.' or '..' component;
 *   softdep             tokens separated by blanks: "pre:", "post:" and
 *                       names (tokens as above), at least one;
 *   weakdep             names only, at least one.
 * The major and minor numbers of char-major-M-m and block-major-M-m are
 * read as numbers and written with %u, as kmod does: they cannot carry
 * text into modules.devname. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include "depmod_internal.h"
#include "field_shape.h"

/* Longest part of a refused value shown in the warning. */
#define SHOWN_MAX 120

/* softdep (with the markers) or weakdep (names only): blank-separated. */
static const char *dep_list_problem(const char *value, bool markers)
{
	const char *p = value;
	size_t tokens = 0;

	for (;;) {
		size_t len;
		const char *why;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, " \t");
		if ((len == 4 && memcmp(p, "pre:", 4) == 0) ||
		    (len == 5 && memcmp(p, "post:", 5) == 0)) {
			if (!markers)
				return "only module names may follow weakdep";
		} else {
			why = field_token_problem(p, len);
			if (why != NULL)
				return why;
			tokens++;
		}
		p += len;
	}
	if (tokens == 0)
		return "it names no module";
	return NULL;
}

static const char *path_problem(const char *path, const char *name)
{
	const char *why = field_token_problem(path, strlen(path));

	if (why == NULL && strchr(path, ':') != NULL)
		why = "a ':' would end the path in modules.dep";
	if (why == NULL && strpbrk(name, "*?[]") != NULL)
		why = "the name holds a glob character, which modprobe would match as a pattern";
	return why;
}

static void refuse(struct pmod_ctx *ctx, const struct depmod_module *m, const char *field,
		   const char *value, const char *why)
{
	char path[PATH_MAX], shown[4 * SHOWN_MAX + 8];

	pmod_escape(m->path, PMOD_ESCAPE_QUOTE, 0, path, sizeof(path));
	if (value == NULL) {
		ctx_log(ctx, LOG_WARNING, "%s: skipped: its file name is refused: %s", path, why);
		return;
	}
	pmod_escape(value, PMOD_ESCAPE_QUOTE, SHOWN_MAX, shown, sizeof(shown));
	ctx_log(ctx, LOG_WARNING, "%s: %s %s refused: %s", path, field, shown, why);
}

/* Keeps the entries of list[0..*count) that fit, in order. */
static void filter(struct pmod_ctx *ctx, const struct depmod_module *m, const char *field,
		   const char **list, size_t *count, const char *(*problem)(const char *))
{
	size_t kept = 0;

	for (size_t i = 0; i < *count; i++) {
		const char *why = problem(list[i]);

		if (why != NULL)
			refuse(ctx, m, field, list[i], why);
		else
			list[kept++] = list[i];
	}
	*count = kept;
}

static const char *softdep_problem(const char *value)
{
	return dep_list_problem(value, true);
}

static const char *weakdep_problem(const char *value)
{
	return dep_list_problem(value, false);
}

bool depmod_metadata_check(struct pmod_ctx *ctx, struct depmod_module *m)
{
	const char *why = path_problem(depmod_module_path(m), m->name);
	size_t kept = 0;

	if (why != NULL) {
		refuse(ctx, m, "file name", NULL, why);
		return false;
	}
	for (size_t i = 0; i < m->naliases; i++) {
		const char *alias = m->aliases[i];

		why = field_token_problem(alias, strlen(alias));
		if (why != NULL) {
			refuse(ctx, m, "alias", alias, why);
		} else if (strncmp(alias, "devname:", 8) == 0 &&
			   (why = field_device_path_problem(alias + 8)) != NULL) {
			refuse(ctx, m, "devname", alias, why);
		} else {
			m->aliases[kept++] = alias;
		}
	}
	m->naliases = kept;
	kept = 0;
	filter(ctx, m, "softdep", m->softdeps, &m->nsoftdeps, softdep_problem);
	filter(ctx, m, "weakdep", m->weakdeps, &m->nweakdeps, weakdep_problem);
	for (size_t i = 0; i < m->nexports; i++) {
		const char *name = m->exports[i].name;

		why = field_token_problem(name, strlen(name));
		if (why != NULL)
			refuse(ctx, m, "symbol", name, why);
		else
			m->exports[kept++] = m->exports[i];
	}
	m->nexports = kept;
	return true;
}
