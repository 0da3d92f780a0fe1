// SPDX-License-Identifier: GPL-2.0-or-later
/* rmmod: unload modules by name or path. Each module is checked first
 * (built in, not loaded, in use) with kmod 30's messages; then the kernel
 * is asked with delete_module(name, O_NONBLOCK). There is no forced unload
 * on Peios (peios.md §4): -f prints a notice and changes nothing else,
 * except in development builds made with -Dforced_unload=true. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "config.h"
#include "pmod.h"
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

/* The module name of an argument: from the file name when the argument is
 * an existing path (kmod's rule), else the argument with '-' made '_' up
 * to its first '.'. */
static int argument_name(struct pmod_ctx *ctx, const char *arg, char *name, size_t size)
{
	const char *root = pmod_ctx_root(ctx);
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	if (arg[0] == '/' && root[0] != '\0')
		snprintf(path, sizeof(path), "%s%s", root, arg);
	else
		snprintf(path, sizeof(path), "%s", arg);
	if (stat(path, &st) == 0)
		return pmod_module_name(arg, name, size);
	for (i = 0; arg[i] != '\0' && arg[i] != '.'; i++) {
		if (i + 1 >= size)
			return -ENAMETOOLONG;
		name[i] = arg[i] == '-' ? '_' : arg[i];
	}
	name[i] = '\0';
	return (int)i;
}

/* kmod's checks before unloading; 0 when the module may be removed. */
static int check_module(struct pmod_ctx *ctx, const char *name)
{
	struct pmod_loaded_module usage;
	int state, r;

	state = pmod_kernel_module_state(ctx, name);
	if (state == PMOD_STATE_BUILTIN) {
		tool_log(LOG_ERR, "Module %s is builtin.", name);
		return -ENOENT;
	}
	if (state < 0 || state == PMOD_STATE_ABSENT) {
		tool_log(LOG_ERR, "Module %s is not currently loaded", name);
		return -ENOENT;
	}
	r = pmod_kernel_module_usage(ctx, name, &usage, NULL);
	if (r < 0) {
		tool_log(LOG_ERR, "Module %s is not currently loaded", name);
		return -ENOENT;
	}
	if (usage.nholders > 0 || usage.refcnt > 0) {
		char who[2048];

		/* kmod's words, then who holds it and how often. */
		pmod_describe_usage(&usage, who, sizeof(who));
		tool_log(LOG_ERR, "Module %s is in use%s", name, who);
		r = -EBUSY;
	} else if (usage.refcnt == -ENOENT) {
		tool_log(LOG_ERR, "Module unloading is not supported");
		r = -ENOENT;
	} else {
		r = 0;
	}
	pmod_loaded_module_release(&usage);
	return r;
}

int main(int argc, char *argv[])
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
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_ctx *ctx;
	bool force = false;
	int c, r, failed = 0;

	tool_output_init(progname, LOG_ERR);
	while ((c = getopt_long(argc, argv, "fsvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'R': copts.root = optarg; break;
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
		tool_log(LOG_ERR, "missing module name.");
		return EXIT_FAILURE;
	}
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
	/* Lockdown and privilege before any module is looked at. */
	{
		struct pmod_error err = { 0 };

		if (pmod_gate(ctx, PMOD_OPERATION_UNLOAD, &err) < 0) {
			tool_log(LOG_ERR, "could not remove module %s%s: %s", argv[optind],
				 argc - optind > 1 ? " (and the others)" : "", err.text);
			pmod_ctx_free(ctx);
			return EXIT_FAILURE;
		}
	}
	for (int i = optind; i < argc; i++) {
		struct pmod_error err = { 0 };
		char name[PATH_MAX];

		r = argument_name(ctx, argv[i], name, sizeof(name));
		if (r < 0) {
			/* kmod stops at a name it cannot even make. */
			tool_log(LOG_ERR, "could not use module %.80s%s: %s", argv[i],
				 strlen(argv[i]) > 80 ? "..." : "", strerror(-r));
			failed = 1;
			break;
		}
		/* kmod skips its checks when forcing: the kernel decides. */
		if (!force && check_module(ctx, name) < 0) {
			failed = 1;
			continue;
		}
		tool_log(LOG_INFO, "removing %s", name);
		pmod_ctx_set_request(ctx, argv[i], false);
		r = pmod_kernel_remove_ex(ctx, name, force ? PMOD_KERNEL_REMOVE_FORCE : 0, &err);
		if (r < 0) {
			tool_log(LOG_ERR, "could not remove module %s: %s: %s", argv[i],
				 strerror(-r), err.text);
			failed = 1;
		}
	}
	pmod_ctx_free(ctx);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
