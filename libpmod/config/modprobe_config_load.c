// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading a whole modprobe configuration: which files, in which order
 * (doc/configuration.md), each parsed line by line, then the kernel
 * command line's module options and blacklist. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config_files.h"
#include "error.h"
#include "log.h"
#include "modprobe_config.h"
#include "options_size.h"

static const char *const default_dirs[] = {
	"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d", "/lib/modprobe.d",
};
#define MAX_CONFIG_PATHS 64
/* kmod reads at most this much of /proc/cmdline. */
#define KERNEL_CMDLINE_MAX 4095

/* The directive a line starts with, compared without splitting the line. */
static bool directive_is(const char *line, const char *directive, size_t *len)
{
	size_t n = strlen(directive);

	line += strspn(line, " \t");
	*len = strcspn(line, " \t");
	return *len == n && memcmp(line, directive, n) == 0;
}

/* only: NULL for a modprobe.d file (every directive), or the one
 * directive a file depmod generates exists for. Those files are written
 * from the modules' own metadata, so anything else in them (an install
 * command above all) is something a module or an older depmod smuggled in:
 * that line is ignored and the others still count, so a single bad line
 * does not take away the soft dependencies of every other module. */
static int parse_file(const struct log_sink *log, struct pmod_config *cfg, const char *path,
		      const char *only)
{
	struct config_reader rd;
	char *line;
	int r;

	if (config_reader_open(&rd, path) < 0) {
		log_write(log, LOG_ERR, "%s: cannot read: %s", path, strerror(errno));
		return 0;
	}
	while ((r = config_reader_next(&rd, &line)) > 0) {
		size_t len;

		if (only != NULL && !directive_is(line, only, &len)) {
			char word[33], shown[4 * sizeof(word)];

			if (len >= sizeof(word))
				len = sizeof(word) - 1;
			memcpy(word, line + strspn(line, " \t"), len);
			word[len] = '\0';
			pmod_escape(word, 0, 0, shown, sizeof(shown));
			log_write(log, LOG_WARNING,
				  "%s line %u: ignoring '%s': depmod writes only %s lines here",
				  path, rd.lineno, shown, only);
			continue;
		}
		r = modprobe_config_parse_line(log, cfg, line, path, rd.lineno);
		if (r < 0)
			break;
	}
	if (r == -EIO) {
		log_write(log, LOG_ERR, "%s: read error", path);
		r = 0;
	}
	config_reader_close(&rd);
	return r;
}

static int read_kernel_cmdline(const struct log_sink *log, struct pmod_config *cfg)
{
	char buf[KERNEL_CMDLINE_MAX + 1];
	ssize_t n;
	int fd;

	/* Plain open: /proc is never moved by the root, and a test shim can
	 * redirect the path. */
	fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* no /proc: nothing on the command line */
	do
		n = read(fd, buf, KERNEL_CMDLINE_MAX);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return kernel_cmdline_parse(log, cfg, buf);
}

int modprobe_config_load(const struct log_sink *log, const char *root, const char *module_dir,
			 const struct pmod_config_options *caller_opts, struct pmod_config **out,
			 struct pmod_error *err)
{
	struct pmod_config_options o;
	const struct pmod_config_options *opts = &o;
	char *owned[MAX_CONFIG_PATHS + 2];
	/* depmod's files: read for their one directive only. */
	static const char *const generated[] = { "softdep", "weakdep" };
	char *generated_path[2] = { NULL, NULL };
	struct config_file *files = NULL;
	struct pmod_config *cfg;
	size_t n = 0, nfiles = 0;
	int r = 0;

	r = options_copy(&o, sizeof(o), caller_opts);
	if (r < 0)
		return pmod_fail(err, r, "%s", options_copy_error(r));
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	/* depmod's files come first so that they win a basename tie. */
	if ((owned[n++] = config_path_concat(module_dir, "/", "modules.softdep")) == NULL ||
	    (owned[n++] = config_path_concat(module_dir, "/", "modules.weakdep")) == NULL) {
		n--;
		r = -ENOMEM;
	}
	if (opts->paths == NULL) {
		for (size_t i = 0; r == 0 && i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
			if ((owned[n++] = config_path_concat(root, "", default_dirs[i])) == NULL) {
				n--;
				r = -ENOMEM;
			}
	} else {
		for (size_t i = 0; r == 0 && opts->paths[i] != NULL; i++) {
			if (i >= MAX_CONFIG_PATHS) {
				r = -E2BIG;
				break;
			}
			if ((owned[n++] = config_path_concat(opts->paths[i][0] == '/' ? root : "", "",
							     opts->paths[i])) == NULL) {
				n--;
				r = -ENOMEM;
			}
		}
	}
	if (r == 0)
		r = config_files_list(log, (const char *const *)owned, n, &files, &nfiles);
	if (n >= 2) {
		generated_path[0] = owned[0];
		generated_path[1] = owned[1];
	}
	for (size_t i = 0; r == 0 && i < nfiles; i++) {
		const char *only = NULL;

		for (size_t k = 0; k < 2; k++)
			if (generated_path[k] != NULL && strcmp(files[i].path, generated_path[k]) == 0)
				only = generated[k];
		r = parse_file(log, cfg, files[i].path, only);
	}
	/* The caller's paths (or the default directories) stay with the
	 * configuration, for callers that want to know whether what it was
	 * read from has changed since. */
	if (r == 0 && n > 2) {
		cfg->sources = calloc(n - 2, sizeof(*cfg->sources));
		if (cfg->sources == NULL)
			r = -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (r == 0 && i >= 2) {
			cfg->sources[cfg->nsources++] = owned[i];
			continue;
		}
		free(owned[i]);
	}
	config_files_free(files, nfiles);
	if (r == 0) {
		if (opts->kernel_cmdline != NULL) {
			char *copy = strdup(opts->kernel_cmdline);

			r = copy ? kernel_cmdline_parse(log, cfg, copy) : -ENOMEM;
			free(copy);
		} else {
			r = read_kernel_cmdline(log, cfg);
		}
	}
	if (r < 0) {
		pmod_config_free(cfg);
		return pmod_fail(err, r, r == -E2BIG ? "too many configuration paths" :
				 "out of memory");
	}
	*out = cfg;
	return 0;
}

