// SPDX-License-Identifier: GPL-2.0-or-later
/* The configuration, resource, name-lookup, softdep and filter calls of
 * libkmod, asked of one library; built twice, against kmod's libkmod.so.2
 * and against pmod's, and compared byte for byte by
 * libkmod-config-differential.sh.
 *
 * usage: client-config DIRNAME CONFIG COMMANDS
 *   CONFIG: a modprobe.d directory or file, or "-" for none.
 *   COMMANDS, one a line:
 *     config               every configuration iterator, walked twice
 *     weakdeps-config      the weakdep iterator (pmod's build only)
 *     namelookup NAME      kmod_module_new_from_name_lookup
 *     softdeps NAME        kmod_module_get_softdeps of the named module
 *     weakdeps NAME        kmod_module_get_weakdeps (pmod's build only)
 *     filter REQUEST       a lookup, then every filter over it
 *     load | unload | validate | new
 *     dump N               kmod_dump_index(N) to standard output
 *     mtime PATH SECONDS   sets PATH's modification time
 *     create PATH | delete PATH
 * Standard error names the libkmod.so.2 loaded ("library: PATH"). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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

static void print_list(const char *what, struct kmod_list *list)
{
	struct kmod_list *l;

	printf("  %s:", what);
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		printf(" %s=%s", kmod_module_get_name(m), show(kmod_module_get_path(m)));
		kmod_module_unref(m);
	}
	printf("\n");
}

static void walk(const char *kind, struct kmod_config_iter *it)
{
	if (it == NULL) {
		printf("%s: no iterator\n", kind);
		return;
	}
	printf("%s: before first key=%s value=%s\n", kind, show(kmod_config_iter_get_key(it)),
	       show(kmod_config_iter_get_value(it)));
	/* Twice: a walk that ended starts again from the first entry. */
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0;

		while (kmod_config_iter_next(it)) {
			printf("%s %s %s\n", kind, show(kmod_config_iter_get_key(it)),
			       show(kmod_config_iter_get_value(it)));
			n++;
		}
		printf("%s: %zu entries, after last key=%s\n", kind, n,
		       show(kmod_config_iter_get_key(it)));
	}
	kmod_config_iter_free_iter(it);
}

static struct kmod_ctx *context(const char *dir, const char *config)
{
	static const char *none[] = { NULL };
	const char *paths[] = { config, NULL };
	struct kmod_ctx *ctx = kmod_new(dir, strcmp(config, "-") == 0 ? none : paths);

	if (ctx == NULL) {
		fprintf(stderr, "kmod_new failed\n");
		exit(2);
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	return ctx;
}

static void filter(struct kmod_ctx *ctx, const char *request)
{
	static const struct { const char *name; enum kmod_filter f; } filters[] = {
		{ "none", 0 }, { "blacklist", KMOD_FILTER_BLACKLIST },
		{ "builtin", KMOD_FILTER_BUILTIN },
		{ "both", KMOD_FILTER_BLACKLIST | KMOD_FILTER_BUILTIN },
	};
	struct kmod_list *list = NULL, *out;
	char label[64];
	int r = kmod_module_new_from_lookup(ctx, request, &list);

	printf("filter %s: lookup %d\n", request, r < 0 ? r : 0);
	print_list("input", list);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		out = (struct kmod_list *)1;
		r = kmod_module_apply_filter(ctx, filters[i].f, list, &out);
		snprintf(label, sizeof(label), "%s %d", filters[i].name, r);
		print_list(label, r == 0 ? out : NULL);
		if (r == 0)
			kmod_module_unref_list(out);
	}
	out = NULL;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	r = kmod_module_get_filtered_blacklist(ctx, list, &out);
#pragma GCC diagnostic pop
	snprintf(label, sizeof(label), "filtered_blacklist %d", r);
	print_list(label, out);
	kmod_module_unref_list(out);
	kmod_module_unref_list(list);
}

int main(int argc, char **argv)
{
	char line[4096];
	struct kmod_ctx *ctx;
	Dl_info info;
	FILE *commands;

	if (argc != 4) {
		fprintf(stderr, "usage: %s DIRNAME CONFIG COMMANDS\n", argv[0]);
		return 2;
	}
	if (dladdr((void *)kmod_new, &info) != 0)
		fprintf(stderr, "library: %s\n", info.dli_fname);
	commands = fopen(argv[3], "r");
	if (commands == NULL) {
		perror(argv[3]);
		return 2;
	}
	ctx = context(argv[1], argv[2]);
	while (fgets(line, sizeof(line), commands) != NULL) {
		char *arg = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (arg != NULL)
			*arg++ = '\0';
		if (strcmp(line, "config") == 0) {
			walk("blacklist", kmod_config_get_blacklists(ctx));
			walk("install", kmod_config_get_install_commands(ctx));
			walk("remove", kmod_config_get_remove_commands(ctx));
			walk("alias", kmod_config_get_aliases(ctx));
			walk("options", kmod_config_get_options(ctx));
			walk("softdep", kmod_config_get_softdeps(ctx));
			walk("null", kmod_config_get_softdeps(NULL));
			printf("next(NULL)=%d key(NULL)=%s\n", kmod_config_iter_next(NULL),
			       show(kmod_config_iter_get_key(NULL)));
		} else if (strcmp(line, "weakdeps-config") == 0) {
#ifdef CLIENT_HAS_WEAKDEPS
			walk("weakdep", kmod_config_get_weakdeps(ctx));
#endif
		} else if (strcmp(line, "namelookup") == 0 && arg != NULL) {
			struct kmod_module *mod = NULL;
			int r = kmod_module_new_from_name_lookup(ctx, arg, &mod);

			printf("namelookup %s: %d %s %s\n", arg, r, show(kmod_module_get_name(mod)),
			       show(kmod_module_get_path(mod)));
			kmod_module_unref(mod);
		} else if ((strcmp(line, "softdeps") == 0 || strcmp(line, "weakdeps") == 0) &&
			   arg != NULL) {
			struct kmod_list *pre = NULL, *post = NULL;
			struct kmod_module *mod = NULL;
			int r;

			kmod_module_new_from_name(ctx, arg, &mod);
			if (line[0] == 's') {
				r = kmod_module_get_softdeps(mod, &pre, &post);
				printf("softdeps %s: %d\n", arg, r);
				print_list("pre", pre);
				print_list("post", post);
			} else {
#ifdef CLIENT_HAS_WEAKDEPS
				r = kmod_module_get_weakdeps(mod, &pre);
				printf("weakdeps %s: %d\n", arg, r);
				print_list("weak", pre);
#endif
			}
			kmod_module_unref_list(pre);
			kmod_module_unref_list(post);
			kmod_module_unref(mod);
		} else if (strcmp(line, "filter") == 0 && arg != NULL) {
			filter(ctx, arg);
		} else if (strcmp(line, "load") == 0) {
			printf("load %d\n", kmod_load_resources(ctx));
		} else if (strcmp(line, "unload") == 0) {
			kmod_unload_resources(ctx);
			printf("unload\n");
		} else if (strcmp(line, "validate") == 0) {
			printf("validate %d\n", kmod_validate_resources(ctx));
		} else if (strcmp(line, "new") == 0) {
			kmod_unref(ctx);
			ctx = context(argv[1], argv[2]);
			printf("new context\n");
		} else if (strcmp(line, "dump") == 0 && arg != NULL) {
			int r;

			printf("dump %s:\n", arg);
			fflush(stdout);
			r = kmod_dump_index(ctx, (enum kmod_index)atoi(arg), STDOUT_FILENO);
			printf("dump %s: %d\n", arg, r);
		} else if (strcmp(line, "mtime") == 0 && arg != NULL) {
			char *secs = strrchr(arg, ' ');
			struct timespec t[2];

			*secs++ = '\0';
			t[0].tv_sec = t[1].tv_sec = atol(secs);
			t[0].tv_nsec = t[1].tv_nsec = 0;
			printf("mtime %s %s: %d\n", arg, secs, utimensat(AT_FDCWD, arg, t, 0));
		} else if (strcmp(line, "create") == 0 && arg != NULL) {
			int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			printf("create %s: %d\n", arg, fd < 0 ? -1 : close(fd));
		} else if (strcmp(line, "delete") == 0 && arg != NULL) {
			printf("delete %s: %d\n", arg, unlink(arg));
		} else if (line[0] != '\0') {
			printf("unknown command '%s'\n", line);
		}
		fflush(stdout);
	}
	printf("validate(NULL) %d load(NULL) %d dump(NULL) %d dump(ctx, 5) %d\n",
	       kmod_validate_resources(NULL), kmod_load_resources(NULL),
	       kmod_dump_index(NULL, KMOD_INDEX_MODULES_DEP, STDOUT_FILENO),
	       kmod_dump_index(ctx, (enum kmod_index)5, STDOUT_FILENO));
	kmod_unload_resources(NULL);
	fclose(commands);
	printf("context released %d\n", kmod_unref(ctx) == NULL);
	return 0;
}
