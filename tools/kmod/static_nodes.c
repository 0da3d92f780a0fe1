// SPDX-License-Identifier: GPL-2.0-or-later
/* kmod static-nodes: the device nodes listed in modules.devname of the
 * running kernel's module directory, for whoever creates them at boot
 * (systemd's kmod-static-nodes.service asks for the tmpfiles format). The
 * file is read and checked by libpmod; this prints what it found. Output
 * and messages are kmod's, byte for byte where scripts read them: a
 * missing file is a warning and success, since a kernel without such
 * nodes is normal. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "json_output.h"
#include "kmod_commands.h"
#include "pmod.h"
#include "tool_output.h"

enum format { FORMAT_HUMAN, FORMAT_TMPFILES, FORMAT_DEVNAME };

static const char *const format_names[] = {
	[FORMAT_HUMAN] = "human",
	[FORMAT_TMPFILES] = "tmpfiles",
	[FORMAT_DEVNAME] = "devname",
};

static void usage(void)
{
	printf("Usage:\n"
	       "\tkmod static-nodes [options]\n"
	       "\n"
	       "Lists the device nodes that load a module of the running kernel when\n"
	       "opened, from modules.devname of its module directory.\n"
	       "\n"
	       "Options:\n"
	       "\t-f, --format=FORMAT  human (the default), tmpfiles or devname\n"
	       "\t    --json           one JSON document instead (pmod-json(7))\n"
	       "\t-o, --output=FILE    write to FILE (its directories are created)\n"
	       "\t    --root=DIR       take the module directory under DIR instead of /\n"
	       "\t-h, --help           show this help\n"
	       "\n"
	       "Formats:\n"
	       "\thuman        for people to read; do not parse it\n"
	       "\ttmpfiles     lines for systemd-tmpfiles (tmpfiles.d(5))\n"
	       "\tdevname      lines as modules.devname has them\n");
}

static void print_node(FILE *out, enum format format, const struct pmod_static_node *n)
{
	const char *last_slash;

	switch (format) {
	case FORMAT_HUMAN:
		fprintf(out, "Module: %s\n\tDevice node: /dev/%s\n\t\tType: %s device\n"
			"\t\tMajor: %u\n\t\tMinor: %u\n",
			n->module, n->device, n->type == 'c' ? "character" : "block",
			n->major, n->minor);
		break;
	case FORMAT_TMPFILES:
		/* A node in a subdirectory needs the directory first. */
		last_slash = strrchr(n->device, '/');
		if (last_slash != NULL)
			fprintf(out, "d /dev/%.*s 0755 - - -\n", (int)(last_slash - n->device),
				n->device);
		fprintf(out, "%c! /dev/%s 0600 - - - %u:%u\n", n->type, n->device, n->major,
			n->minor);
		break;
	case FORMAT_DEVNAME:
		fprintf(out, "%s %s %c%u:%u\n", n->module, n->device, n->type, n->major, n->minor);
		break;
	}
}

/* --json: what the three formats carry, node by node, and the lines that
 * were left out with the reason (said on standard error as well). */
static struct json_object *json_nodes(const struct pmod_static_nodes *nodes)
{
	struct json_object *doc = json_document("kmod static-nodes");
	struct json_object *list = json_new_array(), *problems = NULL;

	json_add_string(doc, "file", nodes->path);
	for (size_t i = 0; i < nodes->count; i++) {
		const struct pmod_static_node *n = &nodes->nodes[i];
		struct json_object *o = json_new_object();
		const char *last_slash;
		char type[2] = { n->type, '\0' };

		if (n->problem != NULL) {
			json_add_int(o, "line", n->line);
			json_add_string(o, "problem", n->problem);
			json_add_string(o, "text", n->text);
			if (problems == NULL)
				problems = json_new_array();
			json_append(problems, o);
			continue;
		}
		json_add_string(o, "module", n->module);
		json_add_string(o, "device", n->device);
		{
			char *path;

			if (asprintf(&path, "/dev/%s", n->device) < 0)
				abort();
			json_add_string(o, "path", path);
			free(path);
		}
		/* The directory tmpfiles creates first, for a node below /dev. */
		last_slash = strrchr(n->device, '/');
		if (last_slash != NULL) {
			char *dir;

			if (asprintf(&dir, "/dev/%.*s", (int)(last_slash - n->device), n->device) < 0)
				abort();
			json_add_string(o, "directory", dir);
			free(dir);
		}
		json_add_string(o, "type", type);
		json_add_int(o, "major", n->major);
		json_add_int(o, "minor", n->minor);
		json_add_int(o, "line", n->line);
		json_append(list, o);
	}
	json_add(doc, "nodes", list);
	json_add(doc, "problems", problems);
	return doc;
}

/* mkdir -p of everything before the last '/'. */
static int make_parents(const char *path)
{
	char *copy = strdup(path);
	int r = 0;

	if (copy == NULL)
		return -ENOMEM;
	for (char *p = strchr(copy + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			break;
		}
		*p = '/';
	}
	free(copy);
	return r;
}

static FILE *open_output(const char *path)
{
	FILE *f;
	int r;

	if (path == NULL)
		return stdout;
	r = make_parents(path);
	if (r < 0) {
		fprintf(stderr, "Error: could not create the directories of %s: %s\n", path,
			strerror(-r));
		return NULL;
	}
	f = fopen(path, "we");
	if (f == NULL)
		fprintf(stderr, "Error: could not create %s: %s\n", path, strerror(errno));
	return f;
}

static int finish_output(FILE *out, const char *path)
{
	const char *shown = path ? path : "standard output";
	int failed = fflush(out) != 0 || ferror(out);
	int saved = errno;

	if (out != stdout && fclose(out) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	if (failed) {
		fprintf(stderr, "Error: could not write %s: %s\n", shown, strerror(saved));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

/* Options. 0: go on; 1: done, success (-h); -1: a usage error, already
 * said. */
static int parse_args(int argc, char *argv[], enum format *format, bool *json,
		      const char **output, struct pmod_ctx_options *copts)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "f:o:h", longopts, NULL)) != -1) {
		size_t i;

		switch (c) {
		case 'f':
			for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
				if (strcmp(optarg, format_names[i]) == 0)
					break;
			if (i == sizeof(format_names) / sizeof(format_names[0])) {
				fprintf(stderr, "Unknown format: '%s'.\n", optarg);
				usage();
				return -1;
			}
			*format = (enum format)i;
			break;
		case 'o': *output = optarg; break;
		case 'J': *json = true; break;
		case 'R': copts->root = optarg; break;
		case 'h':
			usage();
			return 1;
		default:
			/* getopt has said what is wrong. */
			return -1;
		}
	}
	/* Arguments after the options are ignored, as kmod ignores them. */
	return 0;
}

int static_nodes_main(int argc, char *argv[])
{
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	enum format format = FORMAT_HUMAN;
	struct pmod_static_nodes *nodes = NULL;
	struct pmod_error err = { 0 };
	const char *output = NULL;
	struct json_object *doc = NULL;
	struct pmod_ctx *ctx;
	int status = EXIT_SUCCESS, r;
	bool json = false;
	FILE *out;

	r = parse_args(argc, argv, &format, &json, &output, &copts);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	if (json) {
		tool_output_init("kmod static-nodes", LOG_WARNING);
		if (!json_output_load())
			return EXIT_FAILURE;
	}
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		fprintf(stderr, "Error: cannot set up: %s\n", strerror(-r));
		return EXIT_FAILURE;
	}
	r = pmod_static_nodes_read(ctx, &nodes, &err);
	if (r == -ENOENT) {
		/* Nothing to create; the output is left as it was. A
		 * document says so to a script: no nodes. */
		fprintf(stderr, "Warning: %s not found - ignoring\n", nodes->path);
		if (!json)
			goto done;
	} else if (r < 0) {
		fprintf(stderr, "Error: could not read %s: %s\n",
			nodes && nodes->path ? nodes->path : "modules.devname", err.text);
		status = EXIT_FAILURE;
		goto done;
	}
	out = open_output(output);
	if (out == NULL) {
		status = EXIT_FAILURE;
		goto done;
	}
	for (size_t i = 0; i < nodes->count; i++) {
		const struct pmod_static_node *n = &nodes->nodes[i];

		if (n->problem != NULL) {
			fprintf(stderr, "Error: %s line %u: %s, so it is left out: %s\n",
				nodes->path, n->line, n->problem, n->text);
			status = EXIT_FAILURE;
			continue;
		}
		if (!json)
			print_node(out, format, n);
	}
	if (json)
		doc = json_nodes(nodes);
	/* A failed write leaves the stream in error: finish_output says so. */
	if (doc != NULL)
		(void)json_print(doc, out);
	if (finish_output(out, output) != EXIT_SUCCESS)
		status = EXIT_FAILURE;
done:
	pmod_static_nodes_free(nodes);
	pmod_ctx_free(ctx);
	return status;
}
