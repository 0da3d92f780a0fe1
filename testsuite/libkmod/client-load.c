// SPDX-License-Identifier: GPL-2.0-or-later
/* One libkmod client for loads and unloads, built twice: against kmod's
 * libkmod.so.2 and against pmod's. Run under the fake kernel, it prints
 * each call's result and every print_action/run_install callback, so that
 * libkmod-load.sh can compare both outputs and both calls.log.
 *
 * usage: client-load DIRNAME CONFIGDIR STEP...
 *   probe:NAME:FLAGS[:EXTRA]   kmod_module_probe_insert_module, print_action
 *   probe-run:NAME:FLAGS       the same with a run_install callback
 *   insert:NAME:FLAGS[:OPTS]   kmod_module_insert_module
 *   remove:NAME:FLAGS          kmod_module_remove_module
 *   comm:NAME                  prctl(PR_SET_NAME): what the process calls itself
 * FLAGS is a number (0x.. allowed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <libkmod.h>

static const char *rc_name(int rc)
{
	static char buf[32];

	if (rc >= 0) {
		snprintf(buf, sizeof(buf), "%d", rc);
		return buf;
	}
	switch (-rc) {
	case ENOENT: return "-ENOENT";
	case EEXIST: return "-EEXIST";
	case EPERM: return "-EPERM";
	case EKEYREJECTED: return "-EKEYREJECTED";
	case EAGAIN: return "-EAGAIN";
	case EBUSY: return "-EBUSY";
	case EINVAL: return "-EINVAL";
	case EOPNOTSUPP: return "-EOPNOTSUPP";
	}
	snprintf(buf, sizeof(buf), "-errno%d", -rc);
	return buf;
}

static void print_action(struct kmod_module *m, bool install, const char *options)
{
	printf("  action %s %s [%s]\n", install ? "install" : "insmod",
	       kmod_module_get_name(m), options);
}

static int run_install(struct kmod_module *m, const char *cmdline, void *data)
{
	printf("  run_install %s [%s] %s\n", kmod_module_get_name(m), cmdline, (char *)data);
	return 0;
}

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn; (void)format; (void)args;
}

int main(int argc, char *argv[])
{
	const char *config[] = { NULL, NULL };
	struct kmod_ctx *ctx;

	if (argc < 3) {
		fprintf(stderr, "usage: client-load DIRNAME CONFIGDIR STEP...\n");
		return 2;
	}
	config[0] = argv[2];
	ctx = kmod_new(argv[1], config);
	if (ctx == NULL) {
		fprintf(stderr, "kmod_new failed\n");
		return 1;
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	for (int i = 3; i < argc; i++) {
		char *step = strdup(argv[i]);
		char *verb = strtok(step, ":"), *name = strtok(NULL, ":");
		char *flags_text = strtok(NULL, ":"), *extra = strtok(NULL, "");
		unsigned flags = flags_text ? (unsigned)strtoul(flags_text, NULL, 0) : 0;
		struct kmod_module *mod = NULL;
		int r;

		if (strcmp(verb, "comm") == 0) {
			prctl(PR_SET_NAME, name, 0, 0, 0);
			printf("comm %s\n", name);
			free(step);
			continue;
		}
		r = kmod_module_new_from_name(ctx, name, &mod);
		if (r < 0) {
			printf("%s %s: new %s\n", verb, name, rc_name(r));
			free(step);
			continue;
		}
		printf("%s %s flags=0x%x\n", verb, name, flags);
		fflush(stdout);
		if (strcmp(verb, "probe") == 0)
			r = kmod_module_probe_insert_module(mod, flags, extra, NULL, NULL, print_action);
		else if (strcmp(verb, "probe-run") == 0)
			r = kmod_module_probe_insert_module(mod, flags, extra, run_install, "data",
							    print_action);
		else if (strcmp(verb, "insert") == 0)
			r = kmod_module_insert_module(mod, flags, extra);
		else if (strcmp(verb, "remove") == 0)
			r = kmod_module_remove_module(mod, flags);
		else
			r = -EINVAL;
		printf("  = %s\n", rc_name(r));
		fflush(stdout);
		kmod_module_unref(mod);
		free(step);
	}
	kmod_unref(ctx);
	return 0;
}
