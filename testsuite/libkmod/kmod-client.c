// SPDX-License-Identifier: GPL-2.0-or-later
/* One libkmod client, built twice: against kmod's libkmod.so.2 and against
 * pmod's. It prints what the library answers, in a form that must be the
 * same byte for byte from both (libkmod-differential.sh compares).
 *
 * usage: kmod-client DIRNAME CONFIG REQUESTS
 *   CONFIG: a modprobe.d directory, or "-" for no configuration at all.
 *   REQUESTS: one per line:
 *     lookup ALIAS   kmod_module_new_from_lookup, everything about each module
 *     match ALIAS    kmod_module_new_from_lookup, the names found only (cheap
 *                    enough for every alias and symbol of a tree)
 *     name NAME      kmod_module_new_from_name, everything about the module
 *     path FILE      kmod_module_new_from_path, everything about the module
 *     load resources kmod_load_resources: the indexes kept open from then on
 * Standard error names the libkmod.so.2 actually loaded ("library: PATH"),
 * so that the test can check that each build ran against its own. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libkmod.h>

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

static const char *rc_name(int rc)
{
	static char buf[32];

	if (rc >= 0)
		return "ok";
	switch (-rc) {
	case ENOENT: return "ENOENT";
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	case ENOSYS: return "ENOSYS";
	case ENOMEM: return "ENOMEM";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	}
	snprintf(buf, sizeof(buf), "errno%d", -rc);
	return buf;
}

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn; (void)format; (void)args;
}

/* The length of a list walked forwards and backwards, which must agree. */
static size_t list_length(struct kmod_list *list)
{
	struct kmod_list *l;
	size_t forward = 0, backward = 0;

	kmod_list_foreach(l, list)
		forward++;
	kmod_list_foreach_reverse(l, list)
		backward++;
	if (forward != backward)
		printf("  LIST MISMATCH forward=%zu backward=%zu\n", forward, backward);
	return forward;
}

static void print_names(const char *label, struct kmod_list *list)
{
	struct kmod_list *l;

	printf("    %s %zu", label, list_length(list));
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);

		printf(" %s", show(kmod_module_get_name(m)));
		kmod_module_unref(m);
	}
	printf("\n");
}

/* Soft dependencies come from the configuration and from modules.softdep,
 * each name resolved through a lookup of its own. */
static void print_softdeps(struct kmod_module *mod)
{
	struct kmod_list *pre = NULL, *post = NULL;
	int rc = kmod_module_get_softdeps(mod, &pre, &post);

	if (rc < 0) {
		printf("    softdeps %s\n", rc_name(rc));
		return;
	}
	if (pre == NULL && post == NULL)
		return;
	print_names("softdep-pre", pre);
	print_names("softdep-post", post);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
}

static void print_module(struct kmod_module *mod)
{
	struct kmod_list *deps, *l;

	printf("  module %s\n", show(kmod_module_get_name(mod)));
	printf("    path %s\n", show(kmod_module_get_path(mod)));
	deps = kmod_module_get_dependencies(mod);
	printf("    deps %zu\n", list_length(deps));
	kmod_list_foreach(l, deps) {
		struct kmod_module *d = kmod_module_get_module(l);

		printf("      %s %s\n", show(kmod_module_get_name(d)),
		       show(kmod_module_get_path(d)));
		kmod_module_unref(d);
	}
	/* Backwards, the last dependency comes first. */
	l = kmod_list_last(deps);
	if (l != NULL) {
		struct kmod_module *d = kmod_module_get_module(l);

		printf("    last-dep %s\n", show(kmod_module_get_name(d)));
		kmod_module_unref(d);
	}
	kmod_module_unref_list(deps);
	printf("    options %s\n", show(kmod_module_get_options(mod)));
	printf("    install %s\n", show(kmod_module_get_install_commands(mod)));
	printf("    remove %s\n", show(kmod_module_get_remove_commands(mod)));
	print_softdeps(mod);
}

static void lookup(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *list = NULL, *l;
	int rc = kmod_module_new_from_lookup(ctx, alias, &list);

	printf("lookup %s: %s %zu\n", alias, rc_name(rc), list_length(list));
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		print_module(mod);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
}

/* Only which modules an alias or a symbol resolves to, in order. */
static void match(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *list = NULL, *l;
	int rc = kmod_module_new_from_lookup(ctx, alias, &list);

	printf("match %s: %s", alias, rc_name(rc));
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		printf(" %s", show(kmod_module_get_name(mod)));
		kmod_module_unref(mod);
	}
	printf("\n");
	kmod_module_unref_list(list);
}

/* By name: the same object twice, and the reference counts that say so. */
static void by_name(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *a = NULL, *b = NULL;
	int rc = kmod_module_new_from_name(ctx, name, &a);

	printf("name %s: %s\n", name, rc_name(rc));
	if (rc < 0)
		return;
	rc = kmod_module_new_from_name(ctx, name, &b);
	printf("  again %s same=%d\n", rc_name(rc), rc == 0 && a == b);
	print_module(a);
	if (rc == 0)
		printf("  unref-one-left %d\n", kmod_module_unref(b) == a);
	printf("  unref-last %d\n", kmod_module_unref(a) == NULL);
}

static void by_path(struct kmod_ctx *ctx, const char *path)
{
	struct kmod_module *mod = NULL;
	int rc = kmod_module_new_from_path(ctx, path, &mod);

	printf("path %s: %s\n", path, rc_name(rc));
	if (rc < 0)
		return;
	print_module(mod);
	kmod_module_unref(mod);
}

/* What libkmod does with NULL and with misuse, which callers rely on. */
static void misuse(struct kmod_ctx *ctx)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	int rc;

	printf("null: ref=%d unref=%d prio=%d userdata=%d\n", kmod_ref(NULL) == NULL,
	       kmod_unref(NULL) == NULL, kmod_get_log_priority(NULL),
	       kmod_get_userdata(NULL) == NULL);
	kmod_set_log_priority(NULL, 3);
	kmod_set_userdata(NULL, ctx);
	kmod_set_log_fn(NULL, quiet_log, NULL);
	printf("null: list next=%d prev=%d last=%d\n", kmod_list_next(NULL, NULL) == NULL,
	       kmod_list_prev(NULL, NULL) == NULL, kmod_list_last(NULL) == NULL);
	printf("null: module ref=%d unref=%d unref_list=%d get_module=%d\n",
	       kmod_module_ref(NULL) == NULL, kmod_module_unref(NULL) == NULL,
	       kmod_module_unref_list(NULL), kmod_module_get_module(NULL) == NULL);
	printf("null: name=%d path=%d deps=%d options=%d install=%d remove=%d\n",
	       kmod_module_get_name(NULL) == NULL, kmod_module_get_path(NULL) == NULL,
	       kmod_module_get_dependencies(NULL) == NULL, kmod_module_get_options(NULL) == NULL,
	       kmod_module_get_install_commands(NULL) == NULL,
	       kmod_module_get_remove_commands(NULL) == NULL);
	printf("null: new_from_name ctx=%s name=%s out=%s\n",
	       rc_name(kmod_module_new_from_name(NULL, "loop", &mod)),
	       rc_name(kmod_module_new_from_name(ctx, NULL, &mod)),
	       rc_name(kmod_module_new_from_name(ctx, "loop", NULL)));
	printf("null: new_from_path ctx=%s path=%s out=%s\n",
	       rc_name(kmod_module_new_from_path(NULL, "/", &mod)),
	       rc_name(kmod_module_new_from_path(ctx, NULL, &mod)),
	       rc_name(kmod_module_new_from_path(ctx, "/", NULL)));
	printf("null: lookup ctx=%s alias=%s list=%s\n",
	       rc_name(kmod_module_new_from_lookup(NULL, "loop", &list)),
	       rc_name(kmod_module_new_from_lookup(ctx, NULL, &list)),
	       rc_name(kmod_module_new_from_lookup(ctx, "loop", NULL)));
	/* A list that is not empty is refused and left alone. */
	rc = kmod_module_new_from_lookup(ctx, "loop", &list);
	if (rc == 0 && list != NULL) {
		struct kmod_list *kept = list;

		printf("lookup into a full list: %s kept=%d\n",
		       rc_name(kmod_module_new_from_lookup(ctx, "loop", &list)), list == kept);
		l = kmod_list_last(list);
		printf("list: last==first %d prev(first)=%d next(last)=%d\n", l == list,
		       kmod_list_prev(list, list) == NULL, kmod_list_next(list, l) == NULL);
		kmod_module_unref_list(list);
	}
	printf("unbalanced bracket: %s\n", rc_name(kmod_module_new_from_lookup(ctx, "a[b", &list)));
	printf("missing file: %s\n",
	       rc_name(kmod_module_new_from_path(ctx, "/nonexistent/x.ko", &mod)));
}

static void library_name(void)
{
	Dl_info info;

	if (dladdr((void *)kmod_new, &info) != 0 && info.dli_fname != NULL)
		fprintf(stderr, "library: %s\n", info.dli_fname);
}

int main(int argc, char **argv)
{
	static const char *const no_config[] = { NULL };
	const char *config_paths[] = { argv[2], NULL };
	struct kmod_ctx *ctx;
	char line[8192];
	int userdata, same;
	FILE *requests;

	if (argc != 4) {
		fprintf(stderr, "usage: kmod-client DIRNAME CONFIG|- REQUESTS\n");
		return 2;
	}
	library_name();
	unsetenv("KMOD_LOG");
	ctx = kmod_new(argv[1], strcmp(argv[2], "-") == 0 ? no_config : config_paths);
	if (ctx == NULL) {
		fprintf(stderr, "kmod-client: kmod_new failed\n");
		return 1;
	}
	printf("dirname %s\n", kmod_get_dirname(ctx));
	printf("log priority %d\n", kmod_get_log_priority(ctx));
	kmod_set_log_priority(ctx, LOG_DEBUG);
	printf("log priority now %d\n", kmod_get_log_priority(ctx));
	kmod_set_log_fn(ctx, quiet_log, NULL);
	kmod_set_userdata(ctx, &userdata);
	printf("userdata kept %d\n", kmod_get_userdata(ctx) == &userdata);
	same = kmod_ref(ctx) == ctx;
	printf("ref same %d", same);
	printf(" unref kept %d\n", kmod_unref(ctx) == ctx);
	misuse(ctx);

	requests = fopen(argv[3], "re");
	if (requests == NULL) {
		perror(argv[3]);
		return 1;
	}
	while (fgets(line, sizeof(line), requests) != NULL) {
		char *arg = strchr(line, ' ');

		line[strcspn(line, "\n")] = '\0';
		if (arg == NULL)
			continue;
		*arg++ = '\0';
		if (strcmp(line, "lookup") == 0)
			lookup(ctx, arg);
		else if (strcmp(line, "match") == 0)
			match(ctx, arg);
		else if (strcmp(line, "load") == 0 && strcmp(arg, "resources") == 0)
			printf("load resources: %s\n", rc_name(kmod_load_resources(ctx)));
		else if (strcmp(line, "name") == 0)
			by_name(ctx, arg);
		else if (strcmp(line, "path") == 0)
			by_path(ctx, arg);
	}
	fclose(requests);
	/* Every module released: the context goes with the last reference. */
	printf("context released %d\n", kmod_unref(ctx) == NULL);
	return 0;
}
