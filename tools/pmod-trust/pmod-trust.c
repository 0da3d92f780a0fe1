// SPDX-License-Identifier: GPL-2.0-or-later
/* pmod-trust: the trust store's copy of what a kernel trusts. A kernel
 * package's modules are signed by a key that kernel carries built in; for
 * pmod to judge them as the kernel will, the store must hold the same
 * certificates. The kernel packaging hooks run `import-kernel` when a
 * kernel is installed and `remove-kernel` when it is removed; an
 * administrator can run both by hand, and `kernel-certs` shows what an
 * image holds without changing anything. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "pmod.h"
#include "tool_output.h"

static const char *progname = "pmod-trust";

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s [options] import-kernel RELEASE [IMAGE]\n"
	       "\t%s [options] remove-kernel RELEASE\n"
	       "\t%s [options] kernel-certs IMAGE\n"
	       "Commands:\n"
	       "\timport-kernel   trust the certificates built into the kernel RELEASE\n"
	       "\t                (IMAGE, by default /boot/vmlinuz-RELEASE): they replace\n"
	       "\t                the release's files kernel-RELEASE-N.der in /usr/lib/pmod/keys\n"
	       "\tremove-kernel   remove the release's files from /usr/lib/pmod/keys\n"
	       "\tkernel-certs    list the certificates built into IMAGE\n"
	       "Options:\n"
	       "\t    --root=DIR    every file under DIR (the image default and the store)\n"
	       "\t-q, --quiet       print nothing but errors\n"
	       "\t-V, --version     show version\n"
	       "\t-h, --help        show this help\n",
	       progname, progname, progname);
}

static void print_subject(const char *prefix, const char *cn)
{
	char shown[512];

	pmod_escape(cn, 0, 200, shown, sizeof(shown));
	printf("%s%s\n", prefix, cn[0] ? shown : "(no commonName)");
}

static int kernel_certs(struct pmod_ctx *ctx, const char *image)
{
	struct pmod_kernel_certificate *certs;
	struct pmod_error err = { 0 };
	size_t n;
	int r = pmod_kernel_image_certificates(ctx, image, &certs, &n, &err);

	if (r < 0) {
		tool_log(LOG_ERR, "%s: %s", image, err.text);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "%zu: %zu bytes: ", i + 1, certs[i].der_size);
		print_subject(prefix, certs[i].subject_cn);
	}
	pmod_kernel_certificates_free(certs, n);
	return 0;
}

static int import_kernel(struct pmod_ctx *ctx, const char *release, const char *image,
			 bool quiet)
{
	struct pmod_error err = { 0 };
	char *default_image = NULL;
	size_t n;
	int r;

	if (image == NULL) {
		if (asprintf(&default_image, "%s/boot/vmlinuz-%s", pmod_ctx_root(ctx), release) < 0)
			return 1;
		image = default_image;
	}
	r = pmod_trust_import_kernel(ctx, release, image, &n, &err);
	if (r == -ENODATA) {
		/* A kernel built without module signing trusts no key:
		 * there is nothing to import, and nothing is wrong. */
		if (!quiet)
			printf("%s: %s; nothing imported for %s\n", image, err.text, release);
		r = 0;
		n = 0;
	} else if (r < 0) {
		tool_log(LOG_ERR, "%s: %s", r == -EINVAL ? release : image, err.text);
	} else if (!quiet) {
		printf("kernel %s: %zu certificate%s from %s trusted (%s%s/kernel-%s-N.der)\n",
		       release, n, n == 1 ? "" : "s", image, pmod_ctx_root(ctx),
		       "/usr/lib/pmod/keys", release);
	}
	free(default_image);
	return r < 0 ? 1 : 0;
}

static int remove_kernel(struct pmod_ctx *ctx, const char *release, bool quiet)
{
	struct pmod_error err = { 0 };
	size_t n;
	int r = pmod_trust_remove_kernel(ctx, release, &n, &err);

	if (r < 0) {
		if (r == -EINVAL)
			tool_log(LOG_ERR, "%s: %s", release, err.text);
		else
			tool_log(LOG_ERR, "%s/usr/lib/pmod/keys: %s", pmod_ctx_root(ctx), err.text);
		return 1;
	}
	if (!quiet)
		printf("kernel %s: %zu certificate%s removed from the trust store\n", release, n,
		       n == 1 ? "" : "s");
	return 0;
}

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_ctx *ctx;
	const char *cmd;
	bool quiet = false;
	int c, nargs, r;

	tool_output_init(progname, LOG_WARNING);
	while ((c = getopt_long(argc, argv, "qVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'R': copts.root = optarg; break;
		case 'q': quiet = true; break;
		case 'V':
			tool_print_version();
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			fprintf(stderr, "Usage: %s COMMAND ... (see --help)\n", progname);
			return 1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s: a command is needed (see --help)\n", progname);
		return 1;
	}
	cmd = argv[optind++];
	nargs = argc - optind;
	if (!((strcmp(cmd, "import-kernel") == 0 && (nargs == 1 || nargs == 2)) ||
	      (strcmp(cmd, "remove-kernel") == 0 && nargs == 1) ||
	      (strcmp(cmd, "kernel-certs") == 0 && nargs == 1))) {
		fprintf(stderr, "%s: unknown command or wrong arguments: %s (see --help)\n",
			progname, cmd);
		return 1;
	}
	/* The release names files only: the context is not tied to it, nor
	 * to the running kernel's module directory. */
	copts.kernel_release = strcmp(cmd, "kernel-certs") == 0 ? "none" : argv[optind];
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		tool_log(LOG_ERR, "cannot set up: %s", strerror(-r));
		return 1;
	}
	tool_output_attach(ctx);
	if (strcmp(cmd, "kernel-certs") == 0)
		r = kernel_certs(ctx, argv[optind]);
	else if (strcmp(cmd, "import-kernel") == 0)
		r = import_kernel(ctx, argv[optind], nargs == 2 ? argv[optind + 1] : NULL, quiet);
	else
		r = remove_kernel(ctx, argv[optind], quiet);
	pmod_ctx_free(ctx);
	return r;
}
