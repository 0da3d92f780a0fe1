// SPDX-License-Identifier: LGPL-2.1-or-later
/* A client built the way a program written for kmod is built: against
 * <libkmod.h> and -lkmod as pkg-config gives them. It prints the files its
 * libkmod.so.2 and libpmod.so.0 were mapped from, as the kernel names them
 * in /proc/self/maps, so the test can tell which library answered. */
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

/* Each file once, though it is mapped in several pieces. */
static void print_mapped(const char *name)
{
	char line[4096], last[4096] = "";
	FILE *maps = fopen("/proc/self/maps", "re");

	if (maps == NULL) {
		perror("/proc/self/maps");
		return;
	}
	while (fgets(line, sizeof(line), maps) != NULL) {
		char *path = strchr(line, '/');

		if (path == NULL || strstr(path, name) == NULL)
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (strcmp(path, last) != 0)
			printf("mapped %s\n", path);
		snprintf(last, sizeof(last), "%s", path);
	}
	fclose(maps);
}

int main(int argc, char **argv)
{
	const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx;

	if (argc != 2) {
		fprintf(stderr, "usage: client-installed MODULE-DIR\n");
		return 2;
	}
	ctx = kmod_new(argv[1], no_config);
	if (ctx == NULL) {
		fprintf(stderr, "kmod_new failed\n");
		return 1;
	}
	printf("dirname %s\n", kmod_get_dirname(ctx));
	print_mapped("libkmod.so");
	print_mapped("libpmod.so");
	kmod_unref(ctx);
	return 0;
}
