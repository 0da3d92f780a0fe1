// SPDX-License-Identifier: GPL-2.0-or-later
/* depmod: write the module indexes of a kernel's module directory. The
 * work is libpmod's; this parses options and prints messages. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "pmod.h"
#include "tool_mains.h"
#include "tool_output.h"

static const char *progname = "depmod";

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s -[aA] [options] [forced_version]\n"
	       "\n"
	       "If no arguments (except options) are given, \"depmod -a\" is assumed.\n"
	       "\n"
	       "depmod writes modules.dep and the other indexes of the module directory of a\n"
	       "kernel release, from the modules found there.\n"
	       "\n"
	       "Options:\n"
	       "\t-a, --all            Scan every module (the default)\n"
	       "\t-A, --quick          Do nothing when no module is newer than modules.dep\n"
	       "\t-e, --errsyms        Report symbols no module or kernel provides (needs -E or -F)\n"
	       "\t-n, --show, --dry-run\n"
	       "\t                     Print the text indexes instead of writing them\n"
	       "\t-P, --symbol-prefix=C  Strip the character C from symbol names\n"
	       "\t-w, --warn           Warn about duplicate index entries\n"
	       "\t-j, --jobs=N         Read modules on N threads (default: every CPU)\n"
	       "\t-v, --verbose        Print every dependency found\n"
	       "\t-V, --version        Show the version\n"
	       "\t-h, --help           Show this help\n"
	       "\n"
	       "Locations:\n"
	       "\t-b, --basedir=DIR    Use DIR as the root of the module directory\n"
	       "\t-m, --moduledir=DIR  The directory of module trees (default %s)\n"
	       "\t-o, --outdir=DIR     Write the indexes under DIR instead\n"
	       "\t-C, --config=PATH    Read depmod configuration from PATH (repeatable)\n"
	       "\t-E, --symvers=FILE   Kernel symbols and CRCs from Module.symvers\n"
	       "\t-F, --filesyms=FILE  Kernel symbols from System.map\n"
	       "\t    --root=DIR       Take every file under DIR instead of /\n",
	       progname, PMOD_MODULE_DIRECTORY);
}

/* kmod takes the first argument as the release when it reads as N.M. */
static bool looks_like_release(const char *s)
{
	unsigned a, b;
	return sscanf(s, "%u.%u", &a, &b) == 2;
}

/* -n: the library hands over each text index; print it as it is. */
static int print_output(void *data, const char *file_name, const char *bytes, size_t len)
{
	(void)data;
	(void)file_name;
	if (len > 0 && fwrite(bytes, 1, len, stdout) != len)
		return errno ? -errno : -EIO;
	return 0;
}

/* -v: one line per dependency found. */
static void print_dependency(void *data, const char *module_path, const char *symbol,
			     const char *provider_path)
{
	(void)data;
	printf("%s needs \"%s\": %s\n", module_path, symbol, provider_path);
}

/* configs has room for every argument and the terminating NULL. */
static int run(int argc, char *argv[], const char **configs)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quick", no_argument, NULL, 'A' },
		{ "basedir", required_argument, NULL, 'b' },
		{ "moduledir", required_argument, NULL, 'm' },
		{ "outdir", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'C' },
		{ "symvers", required_argument, NULL, 'E' },
		{ "filesyms", required_argument, NULL, 'F' },
		{ "errsyms", no_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "show", no_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "symbol-prefix", required_argument, NULL, 'P' },
		{ "warn", no_argument, NULL, 'w' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'R' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pmod_depmod_options o = { .size = sizeof(o) };
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	size_t nconfigs = 0;
	struct pmod_ctx *ctx;
	struct pmod_error err;
	bool errsyms = false;
	int c, r;

	tool_output_init(progname, LOG_WARNING);
	while ((c = getopt_long(argc, argv, "aAb:m:o:C:E:F:evnP:wj:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': break;
		case 'A': o.quick = true; break;
		case 'b': copts.basedir = optarg; break;
		case 'm': copts.module_directory = optarg; break;
		case 'o': o.outdir = optarg; break;
		case 'C':
			configs[nconfigs++] = optarg;
			break;
		case 'E': o.symvers = optarg; break;
		case 'F': o.system_map = optarg; break;
		case 'e': errsyms = true; break;
		case 'v': o.dependency_fn = print_dependency; break;
		case 'n': o.dry_run = true; o.dry_run_output = print_output; break;
		case 'P':
			if (optarg[0] == '\0' || optarg[1] != '\0') {
				fprintf(stderr, "%s: FATAL: -P only takes a single char\n", progname);
				return EXIT_FAILURE;
			}
			o.symbol_prefix = optarg[0];
			break;
		case 'w': o.warn_duplicates = true; break;
		case 'j': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || n == 0 || n > 256) {
				fprintf(stderr, "%s: ERROR: bad number of jobs '%s'\n", progname, optarg);
				return EXIT_FAILURE;
			}
			o.jobs = (unsigned)n;
			break;
		}
		case 'R': copts.root = optarg; break;
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
	o.config_paths = nconfigs ? configs : NULL;
	if (errsyms && !o.symvers && !o.system_map)
		fprintf(stderr, "%s: WARNING: -e needs -E or -F\n", progname);
	o.warn_unknown_symbols = errsyms;
	if (optind < argc && looks_like_release(argv[optind]))
		copts.kernel_release = argv[optind++];
	else if (optind < argc && argv[optind][0] != '/') {
		fprintf(stderr, "%s: ERROR: Bad version passed %s\n", progname, argv[optind]);
		return EXIT_FAILURE;
	}
	if (optind < argc) {
		for (int i = optind; i < argc; i++) {
			if (argv[i][0] != '/') {
				fprintf(stderr, "%s: FATAL: %s: not absolute path.\n", progname, argv[i]);
				return EXIT_FAILURE;
			}
		}
		o.files = (const char *const *)(argv + optind);
	}
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		fprintf(stderr, "%s: ERROR: cannot set up: %s\n", progname, strerror(-r));
		return EXIT_FAILURE;
	}
	tool_output_attach(ctx);
	r = pmod_depmod(ctx, &o, &err);
	if (r < 0 && r != -ELOOP)
		fprintf(stderr, "%s: ERROR: %s\n", progname, err.text);
	pmod_ctx_free(ctx);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "%s: ERROR: writing output: %s\n", progname, strerror(errno));
		return EXIT_FAILURE;
	}
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int depmod_main(int argc, char *argv[])
{
	/* Every -C is an argument: argc entries and the NULL are enough. */
	const char **configs = calloc((size_t)argc + 1, sizeof(*configs));
	int status;

	if (configs == NULL) {
		fprintf(stderr, "%s: ERROR: out of memory\n", progname);
		return EXIT_FAILURE;
	}
	status = run(argc, argv, configs);
	free(configs);
	return status;
}
