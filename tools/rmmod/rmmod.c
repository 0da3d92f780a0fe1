// SPDX-License-Identifier: GPL-2.0-or-later
/* rmmod: unload modules by name or path. Each module is checked first
 * (built in, not loaded, in use) with kmod 30's messages; then the kernel
 * is asked with delete_module(name, O_NONBLOCK). There is no forced unload
 * on Peios: -f prints a notice and changes nothing else,
 * except in development builds made with -Dforced_unload=true. */
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

static const char *progname = "rmmod";

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s [options] modulename ...\n"
	       "Options:\n"
	       "\t-f, --force       accepted for compatibility: forced unload is not\n"
	       "\t                  available on Peios, modules are removed normally\n"
	       "\t    --root=DIR    Take files (module paths, indexes) under DIR\n"
	       "\t-s, --syslog      print to syslog, not stderr\n"
	       "\t-v, --verbose     enables more messages\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n",
	       progname);
}

/* 0 to go on, 1 for a successful early exit (-V, -h), -1 for a usage
 * error (already said). */
static int parse_args(int argc, char *argv[], struct pmod_ctx_options *copts, bool *force)
{
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'R' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "fsvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': *force = true; break;
		case 'R': copts->root = optarg; break;
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
		tool_log(LOG_ERR, "missing module name.");
		return -1;
	}
	return 0;
}

/* Just before the kernel is asked (-v). */
static void show_remove(void *data, const struct pmod_step *s)
{
	(void)data;
	tool_log(LOG_INFO, "removing %s", s->name);
}

/* One argument. 0 done, -1 failed, -2 stop here (kmod stops at a name it
 * cannot make, and a gate that refuses one refuses them all). */
static int remove_arg(struct pmod_ctx *ctx, char **args, int nargs, int i, bool force)
{
	struct pmod_unload_options uo = {
		.size = sizeof(uo),
		.flags = PMOD_UNLOAD_MODULE_ONLY | (force ? PMOD_UNLOAD_FORCE : 0),
		.show = show_remove,
	};
	struct pmod_error err = { 0 };
	const char *arg = args[i];
	int r;

	r = pmod_unload(ctx, arg, &uo, &err);
	if (r >= 0)
		return 0;
	switch (uo.outcome) {
	case PMOD_OUTCOME_REFUSED:
		tool_log(LOG_ERR, "could not remove module %s%s: %s", args[0],
			 nargs > 1 ? " (and the others)" : "", err.text);
		return -2;
	case PMOD_OUTCOME_LOOKUP_FAILED:
		tool_log(LOG_ERR, "could not use module %.80s%s: %s", arg,
			 strlen(arg) > 80 ? "..." : "", strerror(-r));
		return -2;
	case PMOD_OUTCOME_CHECK_FAILED:
		tool_log(LOG_ERR, "%s", err.text);
		return -1;
	default:
		tool_log(LOG_ERR, "could not remove module %s: %s: %s", arg, strerror(-r),
			 err.text);
		return -1;
	}
}

int rmmod_main(int argc, char *argv[])
{
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_ctx *ctx;
	bool force = false;
	int r, failed = 0;

	tool_output_init(progname, LOG_ERR);
	tool_output_escape_messages();
	r = parse_args(argc, argv, &copts, &force);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	/* Only a development build (-Dforced_unload=true) can force. */
	if (force && !pmod_forced_unload_available()) {
		tool_notice_no_forced_unload();
		force = false;
	}
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	/* Lockdown, privilege, kmod's checks (built in, not loaded, in use)
	 * and the unload itself are the library's. */
	for (int i = optind; i < argc; i++) {
		r = remove_arg(ctx, argv + optind, argc - optind, i - optind, force);
		if (r < 0)
			failed = 1;
		if (r == -2)
			break;
	}
	pmod_ctx_free(ctx);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
