// SPDX-License-Identifier: GPL-2.0-or-later
/* kmod: the one program the module tools can also be, as kmod's is. Started
 * under a tool's name (a symlink modprobe -> kmod) it is that tool;
 * started as anything else it takes a command: list (lsmod's output),
 * static-nodes, audit, lockdown, help. Scripts and services call it by either form, so
 * both must keep working when pmod replaces kmod. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod_commands.h"
#include "tool_mains.h"
#include "tool_output.h"

struct named_main {
	const char *name;
	int (*main)(int argc, char *argv[]);
	const char *summary;
};

static const struct named_main tools[] = {
	{ "lsmod", lsmod_main, "list the loaded modules" },
	{ "rmmod", rmmod_main, "unload modules" },
	{ "insmod", insmod_main, "load a module file" },
	{ "modinfo", modinfo_main, "show what a module file says about itself" },
	{ "modprobe", modprobe_main, "load or unload modules with their dependencies" },
	{ "depmod", depmod_main, "write the indexes of a module directory" },
};

static int help_main(int argc, char *argv[]);

static const struct named_main commands[] = {
	{ "audit", audit_main,
	  "every loaded module: taint, file, signature verdict, who loaded it" },
	{ "help", help_main, "show this help" },
	{ "list", lsmod_main, "list the loaded modules, as lsmod does" },
	{ "lockdown", lockdown_main,
	  "lock module loading until reboot when LockAfterBoot asks (--status: is it locked)" },
	{ "static-nodes", static_nodes_main,
	  "list the device nodes that load a module of the running kernel when opened" },
};

static void usage(void)
{
	printf("kmod (pmod): kernel module commands\n"
	       "Usage:\n"
	       "\tkmod [options] command [command options]\n"
	       "\n"
	       "Options:\n"
	       "\t-V, --version     show the version\n"
	       "\t-h, --help        show this help\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		printf("  %-13s%s\n", commands[i].name, commands[i].summary);
	printf("\nStarted under one of these names (a symlink to kmod), it is that tool:\n");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		printf("  %-13s%s\n", tools[i].name, tools[i].summary);
}

static int help_main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	usage();
	return EXIT_SUCCESS;
}

static const struct named_main *find(const struct named_main *list, size_t count,
				     const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

static int kmod_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct named_main *command;
	int c;

	/* '+': options stop at the command, whose own options follow it. */
	while ((c = getopt_long(argc, argv, "+Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tool_print_version();
			return EXIT_SUCCESS;
		case 'h':
			usage();
			return EXIT_SUCCESS;
		default:
			return EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		fputs("kmod: missing command\n", stderr);
		usage();
		return EXIT_FAILURE;
	}
	command = find(commands, sizeof(commands) / sizeof(commands[0]), argv[optind]);
	if (command == NULL) {
		fprintf(stderr, "kmod: invalid command '%s'\n", argv[optind]);
		usage();
		return EXIT_FAILURE;
	}
	/* The command sees itself as argv[0] and parses its options anew. */
	argc -= optind;
	argv += optind;
	optind = 0;
	return command->main(argc, argv);
}

int main(int argc, char *argv[])
{
	const char *name = argc > 0 && argv[0] != NULL ? argv[0] : "kmod";
	const char *slash = strrchr(name, '/');
	const struct named_main *tool;

	tool = find(tools, sizeof(tools) / sizeof(tools[0]), slash ? slash + 1 : name);
	if (tool != NULL)
		return tool->main(argc, argv);
	return kmod_main(argc, argv);
}
