// SPDX-License-Identifier: LGPL-2.1-or-later
/* /etc/pmod/policy.conf: the policy knobs where there is no registry
 * (the same knob names as in the registry). One "Name = value" per line, '#' starts a comment, names
 * case-insensitive, the allow-list as a whitespace- or comma-separated
 * list. The file is hostile input, and every doubt fails closed: a value
 * that is not understood makes its knob strictest (with a warning naming
 * the file, the line and the value); a line that cannot be tied to one
 * knob (no '=', an unknown name, a NUL byte before the '=') may be a
 * mangled knob, so it makes every knob strictest; a file that is there but
 * cannot be read whole (not a regular file, unreadable, unreasonably
 * large) does the same. Only a missing file means the defaults. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* [start, end) without the spaces around it, NUL-terminated in place. */
static char *trim(char *start, char *end)
{
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	*end = '\0';
	return start;
}

/* The knob a line is about, from the text before its '=' (NULL-safe:
 * -1 when there is no '=' or the name is none of the knobs). */
static int line_knob(char *line, char *eq)
{
	char *name;

	if (eq == NULL)
		return -1;
	name = trim(line, eq);
	return policy_knob_lookup(name, strlen(name));
}

static int parse_line(const struct log_sink *log, struct pmod_policy *p, const char *path,
		      unsigned lineno, char *line, size_t len)
{
	char where[4200], shown[96], *hash, *eq, *value, *nul;
	int knob;

	snprintf(where, sizeof(where), "%s line %u", path, lineno);
	nul = memchr(line, '\0', len);
	if (nul != NULL) {
		/* The line cannot be read as text. The knob is known only
		 * when its name and '=' come before the NUL. */
		eq = memchr(line, '=', (size_t)(nul - line));
		hash = memchr(line, '#', (size_t)(nul - line));
		if (hash != NULL && (eq == NULL || hash < eq))
			return 0;	/* a comment holding a NUL */
		knob = line_knob(line, eq);
		if (knob < 0)
			policy_fail_closed_all(log, p, where, "holds a NUL byte");
		else
			policy_fail_closed(log, p, where, knob, "%s holds a NUL byte",
					   policy_knob_name(knob));
		return 0;
	}
	line[len] = '\0';
	hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	eq = strchr(line, '=');
	if (eq == NULL) {
		value = trim(line, line + strlen(line));
		if (*value != '\0')
			policy_fail_closed_all(log, p, where,
					       "%s is not 'Name = value' and may be a damaged setting",
					       policy_shown(value, shown, sizeof(shown)));
		return 0;
	}
	value = trim(eq + 1, eq + 1 + strlen(eq + 1));
	knob = line_knob(line, eq);
	if (knob < 0) {
		/* trim() cut the line at the end of the name. */
		char *name = trim(line, line + strlen(line));

		policy_fail_closed_all(log, p, where,
				       "unknown setting %s (known: SigningPolicy, AutoLoadPolicy, "
				       "AutoLoadAllowList, LockAfterBoot) may be a misspelt one",
				       name[0] ? policy_shown(name, shown, sizeof(shown)) : "(empty)");
		return 0;
	}
	if (value[0] == '\0' && knob != POLICY_KNOB_ALLOW_LIST) {
		policy_fail_closed(log, p, where, knob, "%s has no value", policy_knob_name(knob));
		return 0;
	}
	return policy_set_text(log, p, where, knob, value);
}

int policy_file_read(const struct log_sink *log, struct pmod_policy *p, const char *path)
{
	struct stat st;
	size_t used = 0;
	unsigned lineno = 0;
	char *buf, *line;
	int fd, r = 0;

	/* O_NONBLOCK: a FIFO planted at the path must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		/* Missing (or a path that cannot hold it): no knob is set. */
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		p->source = PMOD_POLICY_SOURCE_FILE;
		policy_fail_closed_all(log, p, path, "cannot read it (%s)", strerror(errno));
		return 0;
	}
	p->source = PMOD_POLICY_SOURCE_FILE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		policy_fail_closed_all(log, p, path, "not a regular file");
		close(fd);
		return 0;
	}
	if ((size_t)st.st_size > POLICY_MAX_FILE_SIZE) {
		policy_fail_closed_all(log, p, path, "larger than %zu bytes", POLICY_MAX_FILE_SIZE);
		close(fd);
		return 0;
	}
	buf = malloc(POLICY_MAX_FILE_SIZE + 2);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	/* The size is read again: the file may have grown since fstat. */
	for (;;) {
		ssize_t n = read(fd, buf + used, POLICY_MAX_FILE_SIZE + 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			policy_fail_closed_all(log, p, path, "cannot read it (%s)", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > POLICY_MAX_FILE_SIZE) {
			policy_fail_closed_all(log, p, path, "larger than %zu bytes",
					       POLICY_MAX_FILE_SIZE);
			goto out;
		}
	}
	for (line = buf; line < buf + used && r == 0;) {
		char *nl = memchr(line, '\n', (size_t)(buf + used - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(buf + used - line);

		r = parse_line(log, p, path, ++lineno, line, len);
		line += len + 1;
	}
out:
	free(buf);
	close(fd);
	return r;
}
