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
#include <syslog.h>

#include "config.h"
#include "pmod.h"
#include "tool_mains.h"
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

/* kmod's words for the errors the kernel gives a load. */
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
 * (as kmod does). NULL when out of memory. */
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

struct args {
	unsigned flags;
	const char *filename;
	char *params;
};

/* 0 to go on, 1 for a successful early exit (-V, -h), -1 for a usage
 * error (already said). */
static int parse_args(int argc, char *argv[], struct pmod_ctx_options *copts, struct args *a)
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
	int c;

	/* -p: accepted and ignored, as kmod 30 does (an old option). */
	while ((c = getopt_long(argc, argv, "fpsvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a->flags |= PMOD_LOAD_FORCE_MODVERSION | PMOD_LOAD_FORCE_VERMAGIC;
			break;
		case 'M': a->flags |= PMOD_LOAD_FORCE_MODVERSION; break;
		case 'G': a->flags |= PMOD_LOAD_FORCE_VERMAGIC; break;
		case 'R': copts->root = optarg; break;
		case 'p': break;
		case 's': tool_output_use_syslog(); break;
		case 'v': tool_output_set_priority(tool_output_priority() + 1); break;
		case 'V':
			tool_print_version();
			return 1;
		case 'h':
			usage();
			return 1;
		default:
			return -1;
		}
	}
	if (optind >= argc) {
		tool_log(LOG_ERR, "missing filename.");
		return -1;
	}
	a->filename = argv[optind];
	if (strcmp(a->filename, "-") == 0) {
		tool_log(LOG_ERR, "this tool does not support loading from stdin!");
		return -1;
	}
	a->params = join_params(argc - optind - 1, argv + optind + 1);
	if (a->params == NULL) {
		tool_log(LOG_ERR, "out of memory");
		return -1;
	}
	return 0;
}

/* Just before the kernel is asked (-v). */
static void show_insert(void *data, const struct pmod_step *s)
{
	(void)data;
	tool_log(LOG_INFO, "inserting %s with parameters \"%s\"", s->path, s->options);
}

/* kmod's line for each way a load can end. */
static void say_failure(const char *filename, int r, const struct pmod_load_options *lo,
			const struct pmod_error *err)
{
	switch (lo->outcome) {
	case PMOD_OUTCOME_NOT_FOUND:
		tool_log(LOG_ERR, "could not load module %s: %s", filename, strerror(-r));
		break;
	case PMOD_OUTCOME_KERNEL:
		tool_log(LOG_ERR, "could not insert module %s: %s: %s", filename,
			 insert_strerror(r), err->text);
		break;
	default:
		tool_log(LOG_ERR, "could not insert module %s: %s", filename, err->text);
		break;
	}
}

int insmod_main(int argc, char *argv[])
{
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct args a = { 0 };
	struct pmod_error err = { 0 };
	struct pmod_ctx *ctx;
	int r;

	tool_output_init(progname, LOG_WARNING);
	tool_output_escape_messages();
	r = parse_args(argc, argv, &copts, &a);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		free(a.params);
		return EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	/* Every gate (lockdown, privilege, the forced-load rule, the
	 * module's signature on the bytes the kernel gets) is the library's. */
	{
		struct pmod_load_options lo = {
			.size = sizeof(lo),
			.flags = a.flags | PMOD_LOAD_FILE_ONLY,
			.params = a.params,
			.show = show_insert,
		};

		r = pmod_load(ctx, a.filename, &lo, &err);
		if (r < 0)
			say_failure(a.filename, r, &lo, &err);
	}
	free(a.params);
	pmod_ctx_free(ctx);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
