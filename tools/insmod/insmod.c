// SPDX-License-Identifier: GPL-2.0-or-later
/* insmod: load one module file with its parameters, nothing else (no
 * dependencies, no configuration). kmod 30's messages for the common
 * failures; for an errno from the kernel, kmod's line followed by ": " and
 * the library's explanation. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "config.h"
#include "pmod.h"
#include "tool_output.h"

static const char *progname = "insmod";

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s [options] filename [args]\n"
	       "Options:\n"
	       "\t-f, --force           Ignore the module's version magic and symbol\n"
	       "\t                      versions (the kernel taints itself)\n"
	       "\t    --force-modversion  Ignore only the symbol versions\n"
	       "\t    --force-vermagic    Ignore only the version magic\n"
	       "\t    --root=DIR        Take the module file under DIR instead of /\n"
	       "\t-s, --syslog          print to syslog, not stderr\n"
	       "\t-v, --verbose         enables more messages\n"
	       "\t-V, --version         show version\n"
	       "\t-h, --help            show this help\n",
	       progname);
}

/* kmod's words for the errors the kernel gives a load (kmod-facts §1.2). */
static const char *insert_strerror(int error)
{
	switch (-error) {
	case ENOEXEC: return "Invalid module format";
	case ENOENT: return "Unknown symbol in module";
	case ESRCH: return "Module has wrong symbol version";
	case EINVAL: return "Invalid parameters";
	default: return strerror(-error);
	}
}

/* The arguments joined with spaces; a value holding a space that is not
 * already quoted is quoted, so that the kernel keeps it whole
 * (kmod-facts §1.2). NULL when out of memory. */
static char *join_params(int argc, char *argv[])
{
	size_t len = 1;
	char *out, *p;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	out = malloc(len);
	if (out == NULL)
		return NULL;
	p = out;
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (i > 0)
			*p++ = ' ';
		if (eq != NULL && eq[1] != '"' && strchr(eq + 1, ' ') != NULL)
			p += sprintf(p, "%.*s=\"%s\"", (int)(eq - argv[i]), argv[i], eq + 1);
		else
			p += sprintf(p, "%s", argv[i]);
	}
	*p = '\0';
	return out;
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "force-modversion", no_argument, NULL, 'M' },
		{ "force-vermagic", no_argument, NULL, 'G' },
		{ "root", required_argument, NULL, 'R' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_error err = { 0 };
	struct pmod_ctx *ctx;
	const char *filename;
	char *params, *path = NULL;
	unsigned flags = 0;
	bool answered = false;
	struct stat st;
	int c, r;

	tool_output_init(progname, LOG_WARNING);
	/* -p: accepted and ignored, as kmod 30 does (an old option). */
	while ((c = getopt_long(argc, argv, "fpsvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			flags |= PMOD_INSERT_FORCE_MODVERSION | PMOD_INSERT_FORCE_VERMAGIC;
			break;
		case 'M': flags |= PMOD_INSERT_FORCE_MODVERSION; break;
		case 'G': flags |= PMOD_INSERT_FORCE_VERMAGIC; break;
		case 'R': copts.root = optarg; break;
		case 'p': break;
		case 's': tool_output_use_syslog(); break;
		case 'v': tool_output_set_priority(tool_output_priority() + 1); break;
		case 'V':
			tool_print_version();
			return EXIT_SUCCESS;
		case 'h':
			usage();
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		tool_log(LOG_ERR, "missing filename.");
		return EXIT_FAILURE;
	}
	filename = argv[optind];
	if (strcmp(filename, "-") == 0) {
		tool_log(LOG_ERR, "this tool does not support loading from stdin!");
		return EXIT_FAILURE;
	}
	params = join_params(argc - optind - 1, argv + optind + 1);
	if (params == NULL) {
		tool_log(LOG_ERR, "out of memory");
		return EXIT_FAILURE;
	}
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		free(params);
		return EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	pmod_ctx_set_request(ctx, filename, false);
	/* Lockdown, then the privilege, then what the signing policy says
	 * about forcing: all before the file is even looked at. */
	r = pmod_gate(ctx, PMOD_OPERATION_LOAD, &err);
	if (r == 0)
		r = pmod_check_forced_load(ctx, flags, &err);
	if (r < 0) {
		tool_log(LOG_ERR, "could not insert module %s: %s", filename, err.text);
		goto out;
	}
	/* --root moves an absolute FILE; a relative one stays relative to
	 * the working directory. */
	if (filename[0] == '/' && pmod_ctx_root(ctx)[0] != '\0') {
		if (asprintf(&path, "%s%s", pmod_ctx_root(ctx), filename) < 0)
			path = NULL;
	} else {
		path = strdup(filename);
	}
	if (path == NULL) {
		tool_log(LOG_ERR, "out of memory");
		r = -ENOMEM;
		goto out;
	}
	/* Nothing reaches the kernel for a file that is not there. */
	if (stat(path, &st) < 0) {
		r = -errno;
		tool_log(LOG_ERR, "could not load module %s: %s", filename, strerror(errno));
		goto out;
	}
	/* The signing policy's verdict comes from the library's kernel
	 * boundary, on the file it loads (a refusal is not the kernel's
	 * answer: the second message below). */
	tool_log(LOG_INFO, "inserting %s with parameters \"%s\"", path, params);
	r = pmod_kernel_insert_ex(ctx, path, params, flags, &answered, &err);
	if (r < 0 && answered)
		tool_log(LOG_ERR, "could not insert module %s: %s: %s", filename,
			 insert_strerror(r), err.text);
	else if (r < 0)
		tool_log(LOG_ERR, "could not insert module %s: %s", filename, err.text);
out:
	free(path);
	free(params);
	pmod_ctx_free(ctx);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
