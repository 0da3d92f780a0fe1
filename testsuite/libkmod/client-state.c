// SPDX-License-Identifier: GPL-2.0-or-later
/* A libkmod client for what the library says of the running kernel and of
 * module files, built twice: against kmod's libkmod.so.2 and against
 * pmod's. It prints every answer in a form that must be the same byte for
 * byte from both (libkmod-state-differential.sh compares).
 *
 * usage: client-state DIRNAME REQUESTS
 *   REQUESTS: one per line:
 *     "loaded"       every module of /proc/modules, with its state
 *     "state NAME"   the kernel's state of one module by name
 *     "file PATH"    a module file: modinfo, versions, symbols, imports
 *     "info NAME"    the modinfo of a module by name (built-in ones too)
 *     "misuse"       NULL arguments and out-of-range values
 * Standard error names the libkmod.so.2 actually loaded ("library: PATH"). */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A value on one line: newlines and tabs inside it made visible, so that
 * one line of output is one answer. */
static void print_value(const char *s)
{
	if (s == NULL) {
		fputs("(null)", stdout);
		return;
	}
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\t')
			fputs("\\t", stdout);
		else
			putchar(*s);
	}
}

static void print_kernel_state(struct kmod_module *mod)
{
	struct kmod_list *holders, *sections, *l;
	int state = kmod_module_get_initstate(mod);

	printf("  initstate %d %s\n", state, show(kmod_module_initstate_str(state)));
	printf("  refcnt %d\n", kmod_module_get_refcnt(mod));
	printf("  size %ld\n", kmod_module_get_size(mod));
	holders = kmod_module_get_holders(mod);
	printf("  holders");
	kmod_list_foreach(l, holders) {
		struct kmod_module *h = kmod_module_get_module(l);

		printf(" %s", kmod_module_get_name(h));
		kmod_module_unref(h);
	}
	printf("\n");
	kmod_module_unref_list(holders);
	sections = kmod_module_get_sections(mod);
	printf("  sections%s\n", sections ? "" : " (none)");
	kmod_list_foreach(l, sections)
		printf("    %s %#lx\n", kmod_module_section_get_name(l),
		       kmod_module_section_get_address(l));
	l = kmod_list_last(sections);
	if (l != NULL)
		printf("  last section %s\n", kmod_module_section_get_name(l));
	kmod_module_section_free_list(sections);
}

static void request_loaded(struct kmod_ctx *ctx)
{
	struct kmod_list *list = NULL, *l;
	int rc = kmod_module_new_from_loaded(ctx, &list);

	printf("loaded: %d\n", rc);
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		printf(" %s\n", kmod_module_get_name(mod));
		print_kernel_state(mod);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
}

static void request_state(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod;
	int rc = kmod_module_new_from_name(ctx, name, &mod);

	printf("state %s: %d\n", name, rc);
	if (rc < 0)
		return;
	print_kernel_state(mod);
	kmod_module_unref(mod);
}

static void print_info(struct kmod_module *mod)
{
	struct kmod_list *info = NULL, *l;
	int rc = kmod_module_get_info(mod, &info);

	printf("  info %d\n", rc);
	kmod_list_foreach(l, info) {
		printf("    %s=", show(kmod_module_info_get_key(l)));
		print_value(kmod_module_info_get_value(l));
		printf("\n");
	}
	kmod_module_info_free_list(info);
}

static void print_file(struct kmod_module *mod)
{
	struct kmod_list *list = NULL, *l;
	int rc;

	print_info(mod);
	rc = kmod_module_get_versions(mod, &list);
	printf("  versions %d\n", rc);
	kmod_list_foreach(l, list)
		printf("    %#" PRIx64 " %s\n", kmod_module_version_get_crc(l),
		       show(kmod_module_version_get_symbol(l)));
	kmod_module_versions_free_list(list);
	list = NULL;
	rc = kmod_module_get_symbols(mod, &list);
	printf("  symbols %d\n", rc);
	kmod_list_foreach(l, list)
		printf("    %#" PRIx64 " %s\n", kmod_module_symbol_get_crc(l),
		       show(kmod_module_symbol_get_symbol(l)));
	kmod_module_symbols_free_list(list);
	list = NULL;
	rc = kmod_module_get_dependency_symbols(mod, &list);
	printf("  dependency symbols %d\n", rc);
	kmod_list_foreach(l, list) {
		int bind = kmod_module_dependency_symbol_get_bind(l);

		printf("    %#" PRIx64 " %c %s\n", kmod_module_dependency_symbol_get_crc(l),
		       bind ? bind : '-', show(kmod_module_dependency_symbol_get_symbol(l)));
	}
	kmod_module_dependency_symbols_free_list(list);
}

static void request_file(struct kmod_ctx *ctx, const char *path)
{
	struct kmod_module *mod;
	int rc = kmod_module_new_from_path(ctx, path, &mod);

	printf("file %s: %d\n", path, rc);
	if (rc < 0)
		return;
	print_file(mod);
	kmod_module_unref(mod);
}

static void request_info(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod;
	int rc = kmod_module_new_from_name(ctx, name, &mod);

	printf("info %s: %d\n", name, rc);
	if (rc < 0)
		return;
	print_file(mod);
	kmod_module_unref(mod);
}

static void request_misuse(void)
{
	struct kmod_list *list = NULL;

	printf("misuse\n");
	for (int s = -2; s <= 5; s++)
		printf("  initstate_str %d %s\n", s, show(kmod_module_initstate_str(s)));
	printf("  initstate %d refcnt %d size %ld\n", kmod_module_get_initstate(NULL),
	       kmod_module_get_refcnt(NULL), kmod_module_get_size(NULL));
	printf("  holders %p sections %p\n", (void *)kmod_module_get_holders(NULL),
	       (void *)kmod_module_get_sections(NULL));
	printf("  section name %s address %#lx\n", show(kmod_module_section_get_name(NULL)),
	       kmod_module_section_get_address(NULL));
	printf("  info %d versions %d symbols %d dependency symbols %d\n",
	       kmod_module_get_info(NULL, &list), kmod_module_get_versions(NULL, &list),
	       kmod_module_get_symbols(NULL, &list),
	       kmod_module_get_dependency_symbols(NULL, &list));
	printf("  loaded %d\n", kmod_module_new_from_loaded(NULL, &list));
	printf("  info key %s value %s\n", show(kmod_module_info_get_key(NULL)),
	       show(kmod_module_info_get_value(NULL)));
	printf("  version %s %" PRIu64 " symbol %s %" PRIu64 "\n",
	       show(kmod_module_version_get_symbol(NULL)), kmod_module_version_get_crc(NULL),
	       show(kmod_module_symbol_get_symbol(NULL)), kmod_module_symbol_get_crc(NULL));
	printf("  dependency symbol %s %" PRIu64 " %d\n",
	       show(kmod_module_dependency_symbol_get_symbol(NULL)),
	       kmod_module_dependency_symbol_get_crc(NULL),
	       kmod_module_dependency_symbol_get_bind(NULL));
	kmod_module_info_free_list(NULL);
	kmod_module_versions_free_list(NULL);
	kmod_module_symbols_free_list(NULL);
	kmod_module_dependency_symbols_free_list(NULL);
	kmod_module_section_free_list(NULL);
}

static void name_library(void)
{
	Dl_info info;

	if (dladdr((void *)kmod_new, &info) != 0 && info.dli_fname != NULL)
		fprintf(stderr, "library: %s\n", info.dli_fname);
}

int main(int argc, char **argv)
{
	static const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx;
	char line[8192];
	FILE *requests;

	if (argc != 3) {
		fprintf(stderr, "usage: %s DIRNAME REQUESTS\n", argv[0]);
		return 2;
	}
	name_library();
	requests = fopen(argv[2], "re");
	if (requests == NULL) {
		perror(argv[2]);
		return 2;
	}
	ctx = kmod_new(argv[1], no_config);
	if (ctx == NULL) {
		fprintf(stderr, "kmod_new failed\n");
		return 1;
	}
	kmod_set_log_fn(ctx, quiet_log, NULL);
	while (fgets(line, sizeof(line), requests) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "loaded") == 0)
			request_loaded(ctx);
		else if (strncmp(line, "state ", 6) == 0)
			request_state(ctx, line + 6);
		else if (strncmp(line, "file ", 5) == 0)
			request_file(ctx, line + 5);
		else if (strncmp(line, "info ", 5) == 0)
			request_info(ctx, line + 5);
		else if (strcmp(line, "misuse") == 0)
			request_misuse();
		else
			printf("? %s\n", line);
	}
	fclose(requests);
	printf("context released %d\n", kmod_unref(ctx) == NULL);
	return 0;
}
