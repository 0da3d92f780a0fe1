// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer target for pmod's libkmod, driven only through its public
 * header as a client program would. The input is a whole module directory:
 * five parts, each a 32-bit little-endian length and that many bytes (a
 * length past the end takes what is left; missing parts are empty):
 *   modules.dep.bin, modules.alias.bin, modules.dep, modprobe.d/fuzz.conf,
 *   m.ko (a module file)
 * They are written into a private temporary directory, a context is made
 * on it, and every reading call of the interface is made on what it
 * answers; nothing is ever loaded or unloaded (no insert, no remove).
 *   fuzz-libkmod -max_total_time=30 CORPUS_DIR
 * make-libkmod-seeds.sh builds a corpus from a real module tree. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libkmod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { PART_DEP_BIN, PART_ALIAS_BIN, PART_DEP_TEXT, PART_CONFIG, PART_MODULE, PART_COUNT };

static const char *const part_files[PART_COUNT] = {
	"modules.dep.bin", "modules.alias.bin", "modules.dep", "modprobe.d/fuzz.conf", "m.ko",
};

static char module_dir[PATH_MAX];
static char config_dir[PATH_MAX];
static int null_fd = -1;
static volatile unsigned long sink;

static void touch(const char *s)
{
	if (s == NULL)
		return;
	for (; *s; s++)
		sink += (unsigned char)*s;
}

/* One private directory for the whole run, removed at exit, so that parallel
 * fuzzers never share files. */
static void remove_module_dir(void)
{
	char path[PATH_MAX + 32];

	for (int i = 0; i < PART_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", module_dir, part_files[i]);
		unlink(path);
	}
	rmdir(config_dir);
	rmdir(module_dir);
}

static void make_module_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(module_dir, sizeof(module_dir), "%s/fuzz-libkmod.XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(module_dir) == NULL) {
		perror("fuzz-libkmod: mkdtemp");
		abort();
	}
	snprintf(config_dir, sizeof(config_dir), "%s/modprobe.d", module_dir);
	if (mkdir(config_dir, 0700) < 0) {
		perror("fuzz-libkmod: mkdir");
		abort();
	}
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		abort();
	atexit(remove_module_dir);
}

static void write_part(int part, const uint8_t *bytes, size_t length)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", module_dir, part_files[part]);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	while (length > 0) {
		ssize_t n = write(fd, bytes, length);

		if (n <= 0) {
			perror(path);
			abort();
		}
		bytes += n;
		length -= (size_t)n;
	}
	close(fd);
}

static void split_input(const uint8_t *data, size_t size)
{
	for (int part = 0; part < PART_COUNT; part++) {
		size_t length = 0;

		if (size >= 4) {
			length = (size_t)data[0] | (size_t)data[1] << 8 |
				 (size_t)data[2] << 16 | (size_t)data[3] << 24;
			data += 4;
			size -= 4;
		} else {
			size = 0;
		}
		if (length > size)
			length = size;
		write_part(part, data, length);
		data += length;
		size -= length;
	}
}

static void walk_modules(struct kmod_list *list);

static void use_module(struct kmod_module *mod, int depth)
{
	struct kmod_list *list = NULL, *pre = NULL, *post = NULL, *l;

	touch(kmod_module_get_name(mod));
	touch(kmod_module_get_path(mod));
	touch(kmod_module_get_options(mod));
	touch(kmod_module_get_install_commands(mod));
	touch(kmod_module_get_remove_commands(mod));
	if (kmod_module_get_softdeps(mod, &pre, &post) == 0) {
		walk_modules(pre);
		walk_modules(post);
		kmod_module_unref_list(pre);
		kmod_module_unref_list(post);
	}
	if (kmod_module_get_weakdeps(mod, &list) == 0) {
		walk_modules(list);
		kmod_module_unref_list(list);
		list = NULL;
	}
	/* The module's own dependencies, one level further (a loop in
	 * modules.dep must not make this recurse without end). */
	list = kmod_module_get_dependencies(mod);
	kmod_list_foreach(l, list) {
		struct kmod_module *dep = kmod_module_get_module(l);

		if (depth < 2)
			use_module(dep, depth + 1);
		else
			touch(kmod_module_get_name(dep));
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(list);
	list = NULL;

	if (depth > 0)
		return;
	if (kmod_module_get_info(mod, &list) >= 0) {
		kmod_list_foreach(l, list) {
			touch(kmod_module_info_get_key(l));
			touch(kmod_module_info_get_value(l));
		}
		kmod_module_info_free_list(list);
	}
	list = NULL;
	if (kmod_module_get_versions(mod, &list) >= 0) {
		kmod_list_foreach(l, list) {
			touch(kmod_module_version_get_symbol(l));
			sink += kmod_module_version_get_crc(l);
		}
		kmod_module_versions_free_list(list);
	}
	list = NULL;
	if (kmod_module_get_symbols(mod, &list) >= 0) {
		kmod_list_foreach(l, list) {
			touch(kmod_module_symbol_get_symbol(l));
			sink += kmod_module_symbol_get_crc(l);
		}
		kmod_module_symbols_free_list(list);
	}
	list = NULL;
	if (kmod_module_get_dependency_symbols(mod, &list) >= 0) {
		kmod_list_foreach(l, list) {
			touch(kmod_module_dependency_symbol_get_symbol(l));
			sink += kmod_module_dependency_symbol_get_crc(l);
			sink += (unsigned)kmod_module_dependency_symbol_get_bind(l);
		}
		kmod_module_dependency_symbols_free_list(list);
	}
}

static void walk_modules(struct kmod_list *list)
{
	struct kmod_list *l;

	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);

		touch(kmod_module_get_name(mod));
		touch(kmod_module_get_path(mod));
		kmod_module_unref(mod);
	}
	/* Backwards too: callers walk kmod's lists both ways. */
	for (l = kmod_list_last(list); l != NULL; l = kmod_list_prev(list, l))
		sink++;
}

static void lookup(struct kmod_ctx *ctx, const char *alias)
{
	struct kmod_list *list = NULL, *filtered = NULL, *l;
	struct kmod_module *mod = NULL;

	if (kmod_module_new_from_lookup(ctx, alias, &list) >= 0) {
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);

			use_module(m, 0);
			kmod_module_unref(m);
		}
		if (kmod_module_apply_filter(ctx, KMOD_FILTER_BLACKLIST | KMOD_FILTER_BUILTIN,
					     list, &filtered) >= 0) {
			walk_modules(filtered);
			kmod_module_unref_list(filtered);
		}
		filtered = NULL;
		/* Deprecated, but still exported and still called by old clients. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
		if (kmod_module_get_filtered_blacklist(ctx, list, &filtered) >= 0) {
#pragma GCC diagnostic pop
			walk_modules(filtered);
			kmod_module_unref_list(filtered);
		}
		kmod_module_unref_list(list);
	}
	if (kmod_module_new_from_name_lookup(ctx, alias, &mod) >= 0 && mod != NULL) {
		use_module(mod, 0);
		kmod_module_unref(mod);
	}
}

static void walk_config(struct kmod_config_iter *iter)
{
	if (iter == NULL)
		return;
	while (kmod_config_iter_next(iter)) {
		touch(kmod_config_iter_get_key(iter));
		touch(kmod_config_iter_get_value(iter));
	}
	kmod_config_iter_free_iter(iter);
}

/* Names to ask for: fixed ones that real trees and the seed corpus use,
 * and the first module named by modules.dep, whatever the input made it. */
static void lookups(struct kmod_ctx *ctx)
{
	static const char *const fixed[] = {
		"m", "loop", "dummy", "crc7", "fuzz-alias", "pci:v00008086d00001234sv*",
		"symbol:crc7_be", "", "*", "a[b",
	};
	char first[64] = "";

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		lookup(ctx, fixed[i]);
	{
		char path[PATH_MAX + 32];
		FILE *dep;

		snprintf(path, sizeof(path), "%s/modules.dep", module_dir);
		dep = fopen(path, "re");
		if (dep != NULL) {
			if (fscanf(dep, "%63[^:\n]", first) == 1) {
				char *base = strrchr(first, '/');
				char *dot;

				base = base != NULL ? base + 1 : first;
				dot = strchr(base, '.');
				if (dot != NULL)
					*dot = '\0';
				lookup(ctx, base);
			}
			fclose(dep);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *config_paths[] = { config_dir, NULL };
	char path[PATH_MAX + 32];
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;

	if (module_dir[0] == '\0')
		make_module_dir();
	split_input(data, size);

	ctx = kmod_new(module_dir, config_paths);
	if (ctx == NULL)
		return 0;
	kmod_set_log_priority(ctx, 0);
	touch(kmod_get_dirname(ctx));

	/* Through the files as found, then once more with the indexes loaded. */
	lookups(ctx);
	snprintf(path, sizeof(path), "%s/m.ko", module_dir);
	if (kmod_module_new_from_path(ctx, path, &mod) >= 0) {
		use_module(mod, 0);
		kmod_module_unref(mod);
	}
	walk_config(kmod_config_get_blacklists(ctx));
	walk_config(kmod_config_get_install_commands(ctx));
	walk_config(kmod_config_get_remove_commands(ctx));
	walk_config(kmod_config_get_aliases(ctx));
	walk_config(kmod_config_get_options(ctx));
	walk_config(kmod_config_get_softdeps(ctx));
	walk_config(kmod_config_get_weakdeps(ctx));
	for (int type = KMOD_INDEX_MODULES_DEP; type <= KMOD_INDEX_MODULES_BUILTIN; type++)
		kmod_dump_index(ctx, (enum kmod_index)type, null_fd);

	if (kmod_load_resources(ctx) >= 0) {
		lookups(ctx);
		sink += (unsigned)kmod_validate_resources(ctx);
		for (int type = KMOD_INDEX_MODULES_DEP; type <= KMOD_INDEX_MODULES_BUILTIN; type++)
			kmod_dump_index(ctx, (enum kmod_index)type, null_fd);
		kmod_unload_resources(ctx);
	}
	sink += (unsigned)kmod_validate_resources(ctx);
	if (kmod_unref(ctx) != NULL)
		abort(); /* every module was released: the context must go too */
	return 0;
}
