// SPDX-License-Identifier: LGPL-2.1-or-later
/* The note pmod keeps of the post-boot lock. The file is short and plain:
 *   since=SECONDS-SINCE-THE-EPOCH
 *   source=registry|policy.conf
 *   value=1|unreadable
 * It is read as hostile like everything else: anything but exactly these
 * three lines (a comment line aside) makes it not pmod's, and the lock is
 * then reported as set by someone else rather than with made-up words. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file_write.h"
#include "lockdown_record.h"
#include "policy.h"

/* Far more than the three lines need; a larger file is not pmod's. */
#define RECORD_MAX_SIZE 512

static const char *source_word(enum pmod_policy_source source)
{
	return source == PMOD_POLICY_SOURCE_REGISTRY ? "registry" : "policy.conf";
}

void lockdown_setting_text(const struct lockdown_record *rec, char *buf, size_t size)
{
	const char *where = rec->source == PMOD_POLICY_SOURCE_REGISTRY
				    ? "the registry (" POLICY_REGISTRY_KEY ")"
				    : POLICY_FILE_PATH;

	if (rec->unreadable)
		snprintf(buf, size, "LockAfterBoot in %s, unreadable and so taken as 1", where);
	else
		snprintf(buf, size, "LockAfterBoot = 1 in %s", where);
}

void lockdown_since_text(time_t since, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&since, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, size, "%lld seconds after the epoch", (long long)since);
}

static int record_path(const char *root, const char *suffix, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", root ? root : "", LOCKDOWN_RECORD_PATH, suffix);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int lockdown_record_write(const char *root, const struct lockdown_record *rec,
			  struct pmod_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX], text[128];
	const char *slash;
	int fd, n, r;

	r = record_path(root, "", path, sizeof(path));
	if (r == 0)
		r = record_path(root, ".new", tmp, sizeof(tmp));
	if (r < 0)
		return pmod_fail(err, r, "the root is too long for %s", LOCKDOWN_RECORD_PATH);
	slash = strrchr(path, '/');
	{
		char dir[PATH_MAX];

		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		r = file_make_dirs(dir, root ? strlen(root) : 0);
		if (r < 0)
			return pmod_fail(err, r, "cannot make %s: %s", dir, strerror(-r));
	}
	n = snprintf(text, sizeof(text), "since=%lld\nsource=%s\nvalue=%s\n", (long long)rec->since,
		     source_word(rec->source), rec->unreadable ? "unreadable" : "1");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return pmod_fail(err, -errno, "cannot create %s: %s", tmp, strerror(errno));
	r = file_write_all(fd, text, (size_t)n);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return pmod_fail(err, r, "cannot write %s: %s", path, strerror(-r));
	}
	return 0;
}

/* A decimal of at most 19 digits, nothing else. */
static bool parse_seconds(const char *s, time_t *out)
{
	long long v = 0;
	size_t len = strlen(s);

	if (len == 0 || len > 18)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = (time_t)v;
	return true;
}

static int parse(char *text, struct lockdown_record *rec, const char **problem)
{
	bool have_since = false, have_source = false, have_value = false;
	char *save, *line;

	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (strncmp(line, "since=", 6) == 0 && !have_since) {
			if (!parse_seconds(line + 6, &rec->since))
				return *problem = "since= is not a time", -EINVAL;
			have_since = true;
		} else if (strncmp(line, "source=", 7) == 0 && !have_source) {
			if (strcmp(line + 7, "registry") == 0)
				rec->source = PMOD_POLICY_SOURCE_REGISTRY;
			else if (strcmp(line + 7, "policy.conf") == 0)
				rec->source = PMOD_POLICY_SOURCE_FILE;
			else
				return *problem = "source= names no policy source", -EINVAL;
			have_source = true;
		} else if (strncmp(line, "value=", 6) == 0 && !have_value) {
			if (strcmp(line + 6, "1") != 0 && strcmp(line + 6, "unreadable") != 0)
				return *problem = "value= is neither 1 nor unreadable", -EINVAL;
			rec->unreadable = line[6] == 'u';
			have_value = true;
		} else {
			return *problem = "a line that is not since=, source= or value=, or one twice",
			       -EINVAL;
		}
	}
	if (!have_since || !have_source || !have_value)
		return *problem = "since=, source= or value= is missing", -EINVAL;
	return 0;
}

int lockdown_record_read(const char *root, struct lockdown_record *rec, struct pmod_error *err)
{
	char path[PATH_MAX], text[RECORD_MAX_SIZE + 1];
	const char *problem = NULL;
	size_t used = 0;
	ssize_t n;
	int fd, r;

	memset(rec, 0, sizeof(*rec));
	r = record_path(root, "", path, sizeof(path));
	if (r < 0)
		return pmod_fail(err, r, "the root is too long for %s", LOCKDOWN_RECORD_PATH);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : pmod_fail(err, -errno, "%s: %s", path,
							     strerror(errno));
	{
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			return pmod_fail(err, -EINVAL, "%s: not a regular file", path);
		}
	}
	while (used < sizeof(text)) {
		n = read(fd, text + used, sizeof(text) - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : 0;
			break;
		}
		used += (size_t)n;
	}
	close(fd);
	if (r < 0)
		return pmod_fail(err, r, "%s: %s", path, strerror(-r));
	if (used > RECORD_MAX_SIZE)
		return pmod_fail(err, -EINVAL, "%s: larger than pmod writes it", path);
	if (memchr(text, '\0', used) != NULL)
		return pmod_fail(err, -EINVAL, "%s: holds a NUL byte", path);
	text[used] = '\0';
	r = parse(text, rec, &problem);
	if (r < 0)
		return pmod_fail(err, r, "%s: %s", path, problem);
	return 0;
}
