// SPDX-License-Identifier: GPL-2.0-or-later
/* The client of bench/libkmod-bench.sh, compiled twice from this one
 * source: against kmod's libkmod.so.2 and against pmod's. It does what
 * systemd-udevd's kmod builtin does with the library, and prints every
 * answer so that the two builds can be compared byte for byte before any
 * count is believed.
 *
 * usage: libkmod-bench-client DIRNAME CONFIGDIR MODE ARG...
 *   lookup ALIAS...      kmod_new, then for each ALIAS
 *                        kmod_module_new_from_lookup and, for every module
 *                        found, its name and path and those of each module
 *                        kmod_module_get_dependencies lists
 *   lookup-loaded ALIAS...  the same after kmod_load_resources (a daemon's
 *                        long-lived context, indexes opened once)
 *   probe ALIAS...       kmod_new, kmod_load_resources, the process named
 *                        systemd-udevd, and for each ALIAS what udev's
 *                        builtin does to load a device's driver: lookup,
 *                        initstate, kmod_module_probe_insert_module with
 *                        KMOD_PROBE_APPLY_BLACKLIST; prints each result */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <libkmod.h>

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn; (void)format; (void)args;
}

static void list_dependencies(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *found = NULL, *l, *d;
	int rc = kmod_module_new_from_lookup(ctx, alias, &found);

	printf("%s: %d\n", alias, rc);
	kmod_list_foreach(l, found) {
		struct kmod_module *mod = kmod_module_get_module(l);
		struct kmod_list *deps = kmod_module_get_dependencies(mod);

		printf("  %s %s\n", kmod_module_get_name(mod), show(kmod_module_get_path(mod)));
		kmod_list_foreach(d, deps) {
			struct kmod_module *dep = kmod_module_get_module(d);

			printf("    %s %s\n", kmod_module_get_name(dep),
			       show(kmod_module_get_path(dep)));
			kmod_module_unref(dep);
		}
		kmod_module_unref_list(deps);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(found);
}

static void probe(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *found = NULL, *l;
	int rc = kmod_module_new_from_lookup(ctx, alias, &found);

	printf("%s: %d\n", alias, rc);
	kmod_list_foreach(l, found) {
		struct kmod_module *mod = kmod_module_get_module(l);
		int state = kmod_module_get_initstate(mod);

		if (state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE)
			printf("  %s already %d\n", kmod_module_get_name(mod), state);
		else
			printf("  %s probe %d\n", kmod_module_get_name(mod),
			       kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST,
							       NULL, NULL, NULL, NULL));
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(found);
}

int main(int argc, char *argv[])
{
	const char *config[] = { NULL, NULL };
	struct kmod_ctx *ctx;
	const char *mode;

	if (argc < 4) {
		fprintf(stderr, "usage: libkmod-bench-client DIRNAME CONFIGDIR "
				"lookup|lookup-loaded|probe ARG...\n");
		return 2;
	}
	config[0] = argv[2];
	mode = argv[3];
	if (strcmp(mode, "probe") == 0)
		prctl(PR_SET_NAME, "systemd-udevd", 0, 0, 0);
	ctx = kmod_new(argv[1], config);
	if (ctx == NULL) {
		fprintf(stderr, "kmod_new failed\n");
		return 1;
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	if (strcmp(mode, "lookup-loaded") == 0 || strcmp(mode, "probe") == 0) {
		int rc = kmod_load_resources(ctx);

		if (rc < 0) {
			fprintf(stderr, "kmod_load_resources: %d\n", rc);
			return 1;
		}
	}
	for (int i = 4; i < argc; i++) {
		if (strcmp(mode, "probe") == 0)
			probe(ctx, argv[i]);
		else if (strcmp(mode, "lookup") == 0 || strcmp(mode, "lookup-loaded") == 0)
			list_dependencies(ctx, argv[i]);
		else {
			fprintf(stderr, "unknown mode %s\n", mode);
			return 2;
		}
	}
	kmod_unref(ctx);
	return 0;
}
