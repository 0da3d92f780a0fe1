// SPDX-License-Identifier: LGPL-2.1-or-later
/* The reader of modules.devname. The file decides which device nodes are
 * created under /dev at boot, as root, before any module is loaded, so a
 * line is used only when every field has exactly the shape depmod writes:
 * a device path that could leave /dev, a number that wraps, or a field
 * that is not what it seems is refused with the reason, and the other
 * lines are still read. depmod never writes a file anywhere near the cap;
 * it keeps a corrupt or hostile one from costing unbounded memory. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devname_file.h"
#include "error.h"
#include "field_shape.h"
#include "growable_array.h"
#include "mapped_file.h"

#define DEVNAME_FILE_MAX (1u << 20)
/* Longest part of a refused line kept to show. */
#define SHOWN_MAX 200

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A decimal number of at most 32 bits, digits only. */
static bool parse_number(const char *s, size_t len, unsigned *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*out = (unsigned)v;
	return true;
}

/* "c10:200": the type and the numbers, nothing else. */
static const char *device_number_problem(const char *s, size_t len, struct pmod_static_node *n)
{
	const char *colon;

	if (len < 4 || (s[0] != 'c' && s[0] != 'b'))
		return "the device type is neither 'c' (character) nor 'b' (block)";
	colon = memchr(s, ':', len);
	if (colon == NULL ||
	    !parse_number(s + 1, (size_t)(colon - s - 1), &n->major) ||
	    !parse_number(colon + 1, len - (size_t)(colon - s) - 1, &n->minor))
		return "the device numbers are not MAJOR:MINOR in decimal, each of 32 bits at most";
	n->type = s[0];
	return NULL;
}

/* Splits line[0..len) into its three fields and checks them; the fields'
 * text is copied into block (room for len + 2 bytes) so the node can
 * point into it. */
static const char *line_problem(const char *line, size_t len, char *block,
				struct pmod_static_node *n)
{
	const char *field[4];
	size_t flen[4], count = 0, i = 0;
	const char *why;

	if (memchr(line, '\0', len) != NULL)
		return "it holds a NUL byte";
	while (i < len && count < 4) {
		while (i < len && blank(line[i]))
			i++;
		if (i == len)
			break;
		field[count] = line + i;
		while (i < len && !blank(line[i]))
			i++;
		flen[count] = (size_t)(line + i - field[count]);
		count++;
	}
	if (count != 3)
		return "it is not 'MODULE DEVICE TYPEMAJOR:MINOR'";
	if ((why = field_token_problem(field[0], flen[0])) != NULL ||
	    (why = field_token_problem(field[1], flen[1])) != NULL)
		return why;
	memcpy(block, field[0], flen[0]);
	block[flen[0]] = '\0';
	memcpy(block + flen[0] + 1, field[1], flen[1]);
	block[flen[0] + 1 + flen[1]] = '\0';
	if ((why = field_device_path_problem(block + flen[0] + 1)) != NULL)
		return why;
	if ((why = device_number_problem(field[2], flen[2], n)) != NULL)
		return why;
	n->module = block;
	n->device = block + flen[0] + 1;
	return NULL;
}

/* One node (usable or refused) for line[0..len). */
static int add_line(struct pmod_static_nodes *out, size_t *capacity, unsigned number,
		    const char *line, size_t len)
{
	struct pmod_static_node n = { .line = number };
	size_t shown_size, fields_size = len + 2;
	char *copy, *block;
	int r;

	copy = strndup(line, len);
	if (copy == NULL)
		return -ENOMEM;
	shown_size = pmod_escape(copy, 0, SHOWN_MAX, NULL, 0) + 1;
	block = malloc(shown_size + fields_size);
	if (block == NULL) {
		free(copy);
		return -ENOMEM;
	}
	pmod_escape(copy, 0, SHOWN_MAX, block, shown_size);
	free(copy);
	n.text = block;
	n.problem = line_problem(line, len, block + shown_size, &n);
	if (n.problem != NULL) {
		n.module = n.device = NULL;
		n.type = '\0';
		n.major = n.minor = 0;
	}
	r = growable_array_append(&out->nodes, &out->count, capacity, sizeof(n), &n);
	if (r < 0)
		free(block);
	return r;
}

void devname_file_free_nodes(struct pmod_static_nodes *nodes)
{
	for (size_t i = 0; i < nodes->count; i++)
		free((char *)nodes->nodes[i].text);
	free(nodes->nodes);
	nodes->nodes = NULL;
	nodes->count = 0;
}

static bool skipped(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && blank(line[i]))
		i++;
	return i == len || line[0] == '#';
}

int devname_file_read(const char *path, struct pmod_static_nodes *out, struct pmod_error *err)
{
	struct mapped_file mf;
	size_t capacity = 0, pos = 0;
	unsigned number = 0;
	int r;

	out->nodes = NULL;
	out->count = 0;
	r = mapped_file_map(path, &mf, err);
	if (r < 0)
		return r;
	if (mf.size > DEVNAME_FILE_MAX) {
		mapped_file_unmap(&mf);
		return pmod_fail(err, -EFBIG, "it is larger than %u bytes, far more than depmod writes",
				 DEVNAME_FILE_MAX);
	}
	while (pos < mf.size) {
		const char *line = (const char *)mf.data + pos;
		const char *nl = memchr(line, '\n', mf.size - pos);
		size_t len = nl ? (size_t)(nl - line) : mf.size - pos;

		pos += len + (nl != NULL);
		number++;
		if (skipped(line, len))
			continue;
		r = add_line(out, &capacity, number, line, len);
		if (r < 0) {
			mapped_file_unmap(&mf);
			devname_file_free_nodes(out);
			return pmod_fail(err, r, "out of memory");
		}
	}
	mapped_file_unmap(&mf);
	return 0;
}
