// SPDX-License-Identifier: GPL-2.0-or-later
/* A libkmod client for hostile files and hostile arguments, built against
 * kmod's libkmod.so.2 and against pmod's (libkmod-hostile.sh compares).
 * Every step runs in a child process of its own, so that a crash is seen
 * as one ("STEP: CRASH signal N", or "STEP: HANG" after
 * $CLIENT_STEP_SECONDS, 20 by default,) and the
 * steps after it still run.
 *
 * usage: client-hostile DIRNAME CONFIG|- MODULE_FILE NAME...
 *   Steps on a context over DIRNAME with the modprobe.d directory CONFIG:
 *   kmod_new; each NAME looked up (before and after kmod_load_resources);
 *   the indexes dumped to /dev/null; MODULE_FILE opened by path and read
 *   (info, versions, symbols, dependency symbols); every configuration
 *   iterator.
 * usage: client-hostile --null DIRNAME CONFIG|-
 *   Calls with NULL and with list positions outside a list, each in its
 *   own child (a context over DIRNAME and its module "loop" at hand). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libkmod.h>

static const char *dirname_arg;
static const char *const *config_arg;

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

static void quiet_log(void *data, int priority, const char *file, int line, const char *fn,
		      const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn; (void)format; (void)args;
}

/* Runs fn(arg) in a child and says how the child ended. */
static void step(const char *label, void (*fn)(const void *), const void *arg)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		/* A library caught in a loop on a corrupt file is reported,
		 * not waited for. */
		const char *seconds = getenv("CLIENT_STEP_SECONDS");

		alarm(seconds != NULL ? (unsigned)atoi(seconds) : 20);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(1);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("%s: HANG\n", label);
	else if (WIFSIGNALED(status))
		printf("%s: CRASH signal %d\n", label, WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		printf("%s: EXIT %d\n", label, WEXITSTATUS(status));
}

static struct kmod_ctx *context(void)
{
	struct kmod_ctx *ctx = kmod_new(dirname_arg, config_arg);

	if (ctx != NULL)
		kmod_set_log_fn(ctx, quiet_log, NULL);
	return ctx;
}

static size_t length(struct kmod_list *list)
{
	struct kmod_list *l;
	size_t n = 0;

	kmod_list_foreach(l, list)
		n++;
	return n;
}

static void print_lookup(struct kmod_ctx *ctx, const char *name, const char *when)
{
	struct kmod_list *list = NULL, *l;
	int rc = kmod_module_new_from_lookup(ctx, name, &list);

	printf("lookup %s %s: rc=%d count=%zu\n", when, name, rc, length(list));
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		struct kmod_list *deps = kmod_module_get_dependencies(mod), *d;

		printf("  %s path=%s deps=%zu options=%s\n", show(kmod_module_get_name(mod)),
		       show(kmod_module_get_path(mod)), length(deps),
		       show(kmod_module_get_options(mod)));
		kmod_list_foreach(d, deps) {
			struct kmod_module *dep = kmod_module_get_module(d);

			printf("    dep %s\n", show(kmod_module_get_name(dep)));
			kmod_module_unref(dep);
		}
		kmod_module_unref_list(deps);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
}

static void step_new(const void *arg)
{
	struct kmod_ctx *ctx = context();

	(void)arg;
	printf("kmod_new: %s\n", ctx != NULL ? "ok" : "NULL");
	kmod_unref(ctx);
}

static void step_lookup(const void *arg)
{
	struct kmod_ctx *ctx = context();

	if (ctx != NULL)
		print_lookup(ctx, arg, "files");
	kmod_unref(ctx);
}

static void step_resources(const void *arg)
{
	const char *const *names = arg;
	struct kmod_ctx *ctx = context();
	int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (ctx == NULL)
		return;
	printf("load_resources: rc=%d\n", kmod_load_resources(ctx));
	for (; *names != NULL; names++)
		print_lookup(ctx, *names, "loaded");
	printf("validate_resources: %d\n", kmod_validate_resources(ctx));
	for (int type = KMOD_INDEX_MODULES_DEP; type <= KMOD_INDEX_MODULES_BUILTIN; type++)
		printf("dump_index %d: rc=%d\n", type,
		       kmod_dump_index(ctx, (enum kmod_index)type, null_fd));
	kmod_unload_resources(ctx);
	close(null_fd);
	kmod_unref(ctx);
}

static void step_module(const void *arg)
{
	struct kmod_ctx *ctx = context();
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	int rc;

	if (ctx == NULL)
		return;
	rc = kmod_module_new_from_path(ctx, arg, &mod);
	printf("new_from_path: rc=%d\n", rc);
	if (rc < 0) {
		kmod_unref(ctx);
		return;
	}
	rc = kmod_module_get_info(mod, &list);
	printf("get_info: rc=%d\n", rc);
	kmod_list_foreach(l, list)
		printf("  %s=%s\n", show(kmod_module_info_get_key(l)),
		       show(kmod_module_info_get_value(l)));
	kmod_module_info_free_list(list);
	list = NULL;
	rc = kmod_module_get_versions(mod, &list);
	printf("get_versions: rc=%d count=%zu\n", rc, length(list));
	kmod_module_versions_free_list(list);
	list = NULL;
	rc = kmod_module_get_symbols(mod, &list);
	printf("get_symbols: rc=%d count=%zu\n", rc, length(list));
	kmod_module_symbols_free_list(list);
	list = NULL;
	rc = kmod_module_get_dependency_symbols(mod, &list);
	printf("get_dependency_symbols: rc=%d count=%zu\n", rc, length(list));
	kmod_module_dependency_symbols_free_list(list);
	kmod_module_unref(mod);
	kmod_unref(ctx);
}

static void print_iter(const char *what, struct kmod_config_iter *iter)
{
	printf("config %s:%s\n", what, iter == NULL ? " NULL" : "");
	if (iter == NULL)
		return;
	while (kmod_config_iter_next(iter))
		printf("  [%s] [%s]\n", show(kmod_config_iter_get_key(iter)),
		       show(kmod_config_iter_get_value(iter)));
	kmod_config_iter_free_iter(iter);
}

static void step_config(const void *arg)
{
	struct kmod_ctx *ctx = context();

	(void)arg;
	if (ctx == NULL)
		return;
	print_iter("blacklists", kmod_config_get_blacklists(ctx));
	print_iter("install", kmod_config_get_install_commands(ctx));
	print_iter("remove", kmod_config_get_remove_commands(ctx));
	print_iter("aliases", kmod_config_get_aliases(ctx));
	print_iter("options", kmod_config_get_options(ctx));
	print_iter("softdeps", kmod_config_get_softdeps(ctx));
	kmod_unref(ctx);
}

/* ---- NULL and positions outside a list ---------------------------------
 * Each probe answers a number: 1 for "NULL came back" where a pointer is
 * returned, the return value otherwise. */
static struct kmod_ctx *null_ctx;
static struct kmod_module *null_mod;
static struct kmod_list *null_list;

#define PROBE(name, expr) static long name(void) { return (long)(expr); }
PROBE(p_list_next_null_entry, kmod_list_next(null_list, NULL) == NULL)
PROBE(p_list_prev_null_entry, kmod_list_prev(null_list, NULL) == NULL)
PROBE(p_list_prev_null_head, kmod_list_prev(NULL, null_list) == NULL)
PROBE(p_list_next_null_head, kmod_list_next(NULL, null_list) == NULL)
PROBE(p_get_module_null, kmod_module_get_module(NULL) == NULL)
PROBE(p_get_info_null_mod, kmod_module_get_info(NULL, &null_list))
PROBE(p_get_info_null_out, kmod_module_get_info(null_mod, NULL))
PROBE(p_get_versions_null_mod, kmod_module_get_versions(NULL, &null_list))
PROBE(p_get_versions_null_out, kmod_module_get_versions(null_mod, NULL))
PROBE(p_get_symbols_null_mod, kmod_module_get_symbols(NULL, &null_list))
PROBE(p_get_symbols_null_out, kmod_module_get_symbols(null_mod, NULL))
PROBE(p_get_depsyms_null_mod, kmod_module_get_dependency_symbols(NULL, &null_list))
PROBE(p_get_depsyms_null_out, kmod_module_get_dependency_symbols(null_mod, NULL))
PROBE(p_info_key_null, kmod_module_info_get_key(NULL) == NULL)
PROBE(p_info_value_null, kmod_module_info_get_value(NULL) == NULL)
PROBE(p_version_symbol_null, kmod_module_version_get_symbol(NULL) == NULL)
PROBE(p_version_crc_null, (long)kmod_module_version_get_crc(NULL))
PROBE(p_symbol_symbol_null, kmod_module_symbol_get_symbol(NULL) == NULL)
PROBE(p_symbol_crc_null, (long)kmod_module_symbol_get_crc(NULL))
PROBE(p_depsym_symbol_null, kmod_module_dependency_symbol_get_symbol(NULL) == NULL)
PROBE(p_depsym_crc_null, (long)kmod_module_dependency_symbol_get_crc(NULL))
PROBE(p_depsym_bind_null, kmod_module_dependency_symbol_get_bind(NULL))
PROBE(p_section_name_null, kmod_module_section_get_name(NULL) == NULL)
PROBE(p_section_address_null, (long)kmod_module_section_get_address(NULL))
PROBE(p_softdeps_null_mod, kmod_module_get_softdeps(NULL, &null_list, &null_list))
PROBE(p_softdeps_null_out, kmod_module_get_softdeps(null_mod, NULL, NULL))
PROBE(p_initstate_null, kmod_module_get_initstate(NULL))
PROBE(p_refcnt_null, kmod_module_get_refcnt(NULL))
PROBE(p_size_null, kmod_module_get_size(NULL))
PROBE(p_holders_null, kmod_module_get_holders(NULL) == NULL)
PROBE(p_sections_null, kmod_module_get_sections(NULL) == NULL)
PROBE(p_initstate_str_bogus, kmod_module_initstate_str((enum kmod_module_initstate)99) == NULL)
PROBE(p_filter_null_ctx, kmod_module_apply_filter(NULL, KMOD_FILTER_BLACKLIST, null_list, &null_list))
PROBE(p_filter_null_out, kmod_module_apply_filter(null_ctx, KMOD_FILTER_BLACKLIST, null_list, NULL))
PROBE(p_filter_empty_input, kmod_module_apply_filter(null_ctx, KMOD_FILTER_BLACKLIST, NULL, &null_list))
PROBE(p_new_from_name_lookup_null_ctx, kmod_module_new_from_name_lookup(NULL, "loop", &null_mod))
PROBE(p_new_from_name_lookup_null_name, kmod_module_new_from_name_lookup(null_ctx, NULL, &null_mod))
PROBE(p_new_from_name_lookup_null_out, kmod_module_new_from_name_lookup(null_ctx, "loop", NULL))
PROBE(p_new_from_loaded_null_ctx, kmod_module_new_from_loaded(NULL, &null_list))
PROBE(p_new_from_loaded_null_out, kmod_module_new_from_loaded(null_ctx, NULL))
PROBE(p_config_blacklists_null, kmod_config_get_blacklists(NULL) == NULL)
PROBE(p_config_install_null, kmod_config_get_install_commands(NULL) == NULL)
PROBE(p_config_remove_null, kmod_config_get_remove_commands(NULL) == NULL)
PROBE(p_config_aliases_null, kmod_config_get_aliases(NULL) == NULL)
PROBE(p_config_options_null, kmod_config_get_options(NULL) == NULL)
PROBE(p_config_softdeps_null, kmod_config_get_softdeps(NULL) == NULL)
PROBE(p_iter_key_null, kmod_config_iter_get_key(NULL) == NULL)
PROBE(p_iter_value_null, kmod_config_iter_get_value(NULL) == NULL)
PROBE(p_iter_next_null, kmod_config_iter_next(NULL))
PROBE(p_load_resources_null, kmod_load_resources(NULL))
PROBE(p_validate_resources_null, kmod_validate_resources(NULL))
PROBE(p_dump_index_null_ctx, kmod_dump_index(NULL, KMOD_INDEX_MODULES_DEP, 1))
PROBE(p_dump_index_bad_type, kmod_dump_index(null_ctx, (enum kmod_index)77, 1))
PROBE(p_dirname_null, kmod_get_dirname(NULL) == NULL)
PROBE(p_options_null, kmod_module_get_options(NULL) == NULL)

static long p_free_lists_null(void)
{
	kmod_module_info_free_list(NULL);
	kmod_module_versions_free_list(NULL);
	kmod_module_symbols_free_list(NULL);
	kmod_module_dependency_symbols_free_list(NULL);
	kmod_module_section_free_list(NULL);
	kmod_config_iter_free_iter(NULL);
	kmod_unload_resources(NULL);
	return 1;
}

/* The last entry's next, the first entry's prev, and a list walked with
 * a head that is not its own: what callers walking kmod's circular lists
 * see at the ends. */
static long p_list_ends(void)
{
	struct kmod_list *list = NULL;
	long r;

	if (kmod_module_new_from_lookup(null_ctx, "loop", &list) < 0 || list == NULL)
		return -1000;
	r = (kmod_list_next(list, kmod_list_last(list)) == NULL) +
	    2 * (kmod_list_prev(list, list) == NULL) +
	    4 * (kmod_list_last(list) != NULL);
	kmod_module_unref_list(list);
	return r;
}

static const struct {
	const char *name;
	long (*fn)(void);
} probes[] = {
#define P(n) { #n, n }
	P(p_list_next_null_entry), P(p_list_prev_null_entry), P(p_list_prev_null_head),
	P(p_list_next_null_head), P(p_get_module_null),
	P(p_get_info_null_mod), P(p_get_info_null_out), P(p_get_versions_null_mod),
	P(p_get_versions_null_out), P(p_get_symbols_null_mod), P(p_get_symbols_null_out),
	P(p_get_depsyms_null_mod), P(p_get_depsyms_null_out), P(p_info_key_null),
	P(p_info_value_null), P(p_version_symbol_null), P(p_version_crc_null),
	P(p_symbol_symbol_null), P(p_symbol_crc_null), P(p_depsym_symbol_null),
	P(p_depsym_crc_null), P(p_depsym_bind_null), P(p_section_name_null),
	P(p_section_address_null), P(p_softdeps_null_mod), P(p_softdeps_null_out),
	P(p_initstate_null), P(p_refcnt_null), P(p_size_null), P(p_holders_null),
	P(p_sections_null), P(p_initstate_str_bogus), P(p_filter_null_ctx),
	P(p_filter_null_out), P(p_filter_empty_input), P(p_new_from_name_lookup_null_ctx),
	P(p_new_from_name_lookup_null_name), P(p_new_from_name_lookup_null_out),
	P(p_new_from_loaded_null_ctx), P(p_new_from_loaded_null_out),
	P(p_config_blacklists_null), P(p_config_install_null), P(p_config_remove_null),
	P(p_config_aliases_null), P(p_config_options_null), P(p_config_softdeps_null),
	P(p_iter_key_null), P(p_iter_value_null), P(p_iter_next_null),
	P(p_load_resources_null), P(p_validate_resources_null), P(p_dump_index_null_ctx),
	P(p_dump_index_bad_type), P(p_dirname_null), P(p_options_null),
	P(p_free_lists_null), P(p_list_ends),
#undef P
};

static void run_probe(const void *arg)
{
	size_t i = *(const size_t *)arg;

	null_ctx = context();
	if (null_ctx == NULL)
		_exit(3);
	if (kmod_module_new_from_name(null_ctx, "loop", &null_mod) < 0)
		_exit(4);
	null_list = NULL;
	printf("%s: %ld\n", probes[i].name, probes[i].fn());
}

int main(int argc, char **argv)
{
	static const char *const no_config[] = { NULL };
	static const char *config_paths[2];

	unsetenv("KMOD_LOG");
	if (argc == 4 && strcmp(argv[1], "--null") == 0) {
		/* --null DIRNAME CONFIG */
		dirname_arg = argv[2];
		config_paths[0] = argv[3];
		config_arg = strcmp(argv[3], "-") == 0 ? no_config : config_paths;
		for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			step(probes[i].name, run_probe, &i);
		return 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: client-hostile DIRNAME CONFIG|- MODULE_FILE NAME...\n"
				"       client-hostile --null DIRNAME CONFIG|-\n");
		return 2;
	}
	dirname_arg = argv[1];
	config_paths[0] = argv[2];
	config_arg = strcmp(argv[2], "-") == 0 ? no_config : config_paths;
	step("kmod_new", step_new, NULL);
	for (int i = 4; i < argc; i++)
		step(argv[i], step_lookup, argv[i]);
	step("resources", step_resources, (const void *)(argv + 4));
	step("module", step_module, argv[3]);
	step("config", step_config, NULL);
	return 0;
}
