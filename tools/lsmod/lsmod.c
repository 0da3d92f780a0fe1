// SPDX-License-Identifier: GPL-2.0-or-later
/* lsmod: the loaded modules in /proc/modules order, in kmod's exact
 * layout. Size from /sys/module/NAME/coresize (else /proc/modules), use
 * count from refcnt (a negative errno when absent, as kmod prints it),
 * holders in readdir order. --taint adds each module's taint letters and
 * state as columns; --json gives all of it as data (pmod-json(7)). Needs
 * no privilege. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "json_output.h"
#include "loaded_module_json.h"
#include "pmod.h"
#include "tool_mains.h"
#include "tool_output.h"

static const char *progname = "lsmod";

enum layout { LAYOUT_KMOD, LAYOUT_TAINT, LAYOUT_JSON };

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s [options]\n"
	       "Options:\n"
	       "\t-t, --taint       add each module's taint letters and state\n"
	       "\t    --json        print a JSON document (pmod-json(7))\n"
	       "\t    --root=DIR    Accepted for symmetry (/proc and /sys never move)\n"
	       "\t-s, --syslog      print to syslog, not stderr\n"
	       "\t-v, --verbose     enables more messages\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n",
	       progname);
}

/* Options into copts. 0: go on; 1: done, success (-V, -h); -1: a usage
 * error, already said (kmod 30 answers anything unexpected with its one
 * usage line). */
static int parse_args(int argc, char *argv[], struct pmod_ctx_options *copts,
		      enum layout *layout)
{
	static const struct option longopts[] = {
		{ "taint", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "root", required_argument, NULL, 'R' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "tsvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (*layout == LAYOUT_KMOD)
				*layout = LAYOUT_TAINT;
			break;
		case 'J': *layout = LAYOUT_JSON; break;
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
			fprintf(stderr, "Usage: %s\n", argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "Usage: %s\n", argv[0]);
		return -1;
	}
	return 0;
}

static void print_modules(const struct pmod_loaded_module *mods, size_t count, enum layout layout)
{
	if (layout == LAYOUT_TAINT)
		fputs("Module                  Size  Taint    State      Used by\n", stdout);
	else
		fputs("Module                  Size  Used by\n", stdout);
	for (size_t i = 0; i < count; i++) {
		const struct pmod_loaded_module *m = &mods[i];

		printf("%-19s %8ld  ", m->name, m->size);
		if (layout == LAYOUT_TAINT)
			printf("%-8s %-9s  ", m->taint[0] != '\0' ? m->taint : "-",
			       pmod_module_state_name(m->state));
		printf("%ld", m->refcnt);
		for (size_t h = 0; h < m->nholders; h++)
			printf("%c%s", h == 0 ? ' ' : ',', m->holders[h]);
		putchar('\n');
	}
}

static int print_json(const struct pmod_loaded_module *mods, size_t count)
{
	struct json_object *doc = json_document("lsmod"), *list = json_new_array();

	for (size_t i = 0; i < count; i++) {
		struct json_object *m = json_new_object();

		json_add_loaded_module(m, &mods[i]);
		json_append(list, m);
	}
	json_add(doc, "modules", list);
	return json_print(doc, stdout);
}

int lsmod_main(int argc, char *argv[])
{
	enum layout layout = LAYOUT_KMOD;
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_error err = { 0 };
	struct pmod_loaded_module *mods;
	static char outbuf[1 << 16];
	struct pmod_ctx *ctx;
	size_t count;
	int r;

	tool_output_init(progname, LOG_ERR);
	r = parse_args(argc, argv, &copts, &layout);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (layout == LAYOUT_JSON && !json_output_load())
		return EXIT_FAILURE;
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	r = pmod_kernel_loaded_modules(ctx, &mods, &count, &err);
	if (r < 0) {
		tool_log(LOG_ERR, "could not get list of modules: %s", err.text);
		pmod_ctx_free(ctx);
		return EXIT_FAILURE;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (layout == LAYOUT_JSON)
		r = print_json(mods, count);
	else
		print_modules(mods, count, layout);
	pmod_loaded_modules_free(mods, count);
	pmod_ctx_free(ctx);
	if (r < 0 || fflush(stdout) != 0 || ferror(stdout)) {
		tool_log(LOG_ERR, "writing output: %s", strerror(r < 0 ? -r : errno));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
