// SPDX-License-Identifier: GPL-2.0-or-later
/* A program that knows only pmod.h and the shared library: whatever it
 * asks for, the gates apply. It prints one line per request:
 *   NAME rc=ERRNO-NAME outcome=N
 * and the script (load-api.sh) checks them and the fake kernel's log.
 * usage: load-api ROOT RELEASE MODULE-FILE */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pmod.h"

static void quiet(void *data, int priority, const char *message)
{
	(void)data;
	(void)priority;
	(void)message;
}

static void say(const char *what, int r, enum pmod_outcome outcome)
{
	const char *name = r < 0 ? strerrorname_np(-r) : "ok";

	printf("%s rc=%s outcome=%d\n", what, name ? name : "?", (int)outcome);
}

static void load(struct pmod_ctx *ctx, const char *what, const char *request, unsigned flags)
{
	struct pmod_load_options o = { .size = sizeof(o), .flags = flags, .report = NULL };
	struct pmod_error err = { 0 };
	int r = pmod_load(ctx, request, &o, &err);

	say(what, r, o.outcome);
}

int main(int argc, char *argv[])
{
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_ctx *ctx;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: load-api ROOT RELEASE MODULE-FILE\n");
		return 2;
	}
	copts.root = argv[1];
	copts.kernel_release = argv[2];
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		fprintf(stderr, "pmod_ctx_new: %s\n", strerror(-r));
		return 1;
	}
	pmod_ctx_set_log_fn(ctx, quiet, NULL);
	/* The file exactly, as insmod would: its signature is judged. */
	load(ctx, "file", argv[3], PMOD_LOAD_FILE_ONLY);
	load(ctx, "file-dry", argv[3], PMOD_LOAD_FILE_ONLY | PMOD_LOAD_DRY_RUN);
	/* Forcing under enforce: refused before the file is opened. */
	load(ctx, "forced", argv[3], PMOD_LOAD_FILE_ONLY | PMOD_LOAD_FORCE_VERMAGIC);
	load(ctx, "forced-dry", argv[3],
	     PMOD_LOAD_FILE_ONLY | PMOD_LOAD_FORCE_VERMAGIC | PMOD_LOAD_DRY_RUN);
	/* By name with its dependencies, and as a device's driver would be
	 * loaded (the demand policy). */
	load(ctx, "name", "loop", 0);
	load(ctx, "automatic", "loop", PMOD_LOAD_AUTOMATIC);
	/* Nor by file: that would pass by the blacklist. */
	load(ctx, "file-automatic", argv[3], PMOD_LOAD_FILE_ONLY | PMOD_LOAD_AUTOMATIC);
	/* A flag the library does not know is not silently ignored. */
	load(ctx, "unknown-flag", "loop", 1u << 30);
	{
		struct pmod_unload_options u = { .size = sizeof(u), .flags = PMOD_UNLOAD_MODULE_ONLY };
		struct pmod_error err = { 0 };

		r = pmod_unload(ctx, "loop", &u, &err);
		say("unload", r, u.outcome);
	}
	pmod_ctx_free(ctx);
	return 0;
}
