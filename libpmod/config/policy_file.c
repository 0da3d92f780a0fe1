// SPDX-License-Identifier: LGPL-2.1-or-later
/* /etc/pmod/policy.conf: the policy knobs where there is no registry
 * (the same knob names as in the registry). One "Name = value" per line, '#' starts a comment, names
 * case-insensitive, the allow-list as a whitespace- or comma-separated
 * list. The file is hostile input: a line that is not understood is
 * warned about with the file and line and skipped; the file as a whole
 * is refused (defaults kept) only when it is not a regular file or is
 * unreasonably large. */
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

static int parse_line(const struct log_sink *log, struct pmod_policy *p, const char *path,
		      unsigned lineno, char *line, size_t len)
{
	char where[4200], *hash, *eq, *name, *value;
	int knob;

	snprintf(where, sizeof(where), "%s line %u", path, lineno);
	if (memchr(line, '\0', len) != NULL) {
		log_write(log, LOG_WARNING, "%s: holds a NUL byte; line ignored", where);
		return 0;
	}
	line[len] = '\0';
	hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	eq = strchr(line, '=');
	if (eq == NULL) {
		if (*trim(line, line + strlen(line)) != '\0')
			log_write(log, LOG_WARNING, "%s: expected 'Name = value'; line ignored", where);
		return 0;
	}
	name = trim(line, eq);
	value = trim(eq + 1, eq + 1 + strlen(eq + 1));
	knob = policy_knob_lookup(name, strlen(name));
	if (knob < 0) {
		log_write(log, LOG_WARNING,
			"%s: unknown setting '%.64s' (known: SigningPolicy, AutoLoadPolicy, "
			"AutoLoadAllowList, LockAfterBoot); line ignored", where,
			name[0] ? name : "(empty)");
		return 0;
	}
	if (value[0] == '\0' && knob != POLICY_KNOB_ALLOW_LIST) {
		log_write(log, LOG_WARNING, "%s: %s has no value; line ignored", where,
			policy_knob_name(knob));
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
		if (errno != ENOENT && errno != ENOTDIR)
			log_write(log, LOG_WARNING, "%s: cannot read it (%s); using the defaults",
				path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_write(log, LOG_WARNING, "%s: not a regular file; using the defaults", path);
		close(fd);
		return 0;
	}
	if ((size_t)st.st_size > POLICY_MAX_FILE_SIZE) {
		log_write(log, LOG_WARNING, "%s: larger than %zu bytes; using the defaults", path,
			POLICY_MAX_FILE_SIZE);
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
			log_write(log, LOG_WARNING, "%s: cannot read it (%s); using the defaults",
				path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > POLICY_MAX_FILE_SIZE) {
			log_write(log, LOG_WARNING, "%s: larger than %zu bytes; using the defaults",
				path, POLICY_MAX_FILE_SIZE);
			goto out;
		}
	}
	p->source = PMOD_POLICY_SOURCE_FILE;
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
