// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading a whole modprobe configuration: which files, in which order
 * (doc/configuration.md), each parsed line by line, then the kernel
 * command line's module options and blacklist. */
#include <errno.h>
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

static int parse_file(const struct log_sink *log, struct pmod_config *cfg, const char *path)
{
	struct config_reader rd;
	char *line;
	int r;

	if (config_reader_open(&rd, path) < 0) {
		log_write(log, LOG_ERR, "%s: cannot read: %s", path, strerror(errno));
		return 0;
	}
	while ((r = config_reader_next(&rd, &line)) > 0) {
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
	if (asprintf(&owned[n++], "%s/modules.softdep", module_dir) < 0 ||
	    asprintf(&owned[n++], "%s/modules.weakdep", module_dir) < 0) {
		n--;
		r = -ENOMEM;
	}
	if (opts->paths == NULL) {
		for (size_t i = 0; r == 0 && i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++)
			if (asprintf(&owned[n++], "%s%s", root, default_dirs[i]) < 0) {
				n--;
				r = -ENOMEM;
			}
	} else {
		for (size_t i = 0; r == 0 && opts->paths[i] != NULL; i++) {
			if (i >= MAX_CONFIG_PATHS) {
				r = -E2BIG;
				break;
			}
			if (asprintf(&owned[n++], "%s%s", opts->paths[i][0] == '/' ? root : "",
				     opts->paths[i]) < 0) {
				n--;
				r = -ENOMEM;
			}
		}
	}
	if (r == 0)
		r = config_files_list(log, (const char *const *)owned, n, &files, &nfiles);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	for (size_t i = 0; r == 0 && i < nfiles; i++)
		r = parse_file(log, cfg, files[i].path);
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

