// SPDX-License-Identifier: LGPL-2.1-or-later
/* Shared by depmod, which refuses to write a value of the wrong shape, and
 * by the readers of the files it writes, which refuse to use one that
 * someone else put there. */
#include <stdbool.h>
#include <string.h>

#include "field_shape.h"

static bool printable(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

const char *field_token_problem(const char *s, size_t len)
{
	if (len == 0)
		return "it is empty";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r')
			return "a line break would start a line of its own";
		if (c == ' ' || c == '\t')
			return "a blank would split it into two fields";
		if (!printable(c))
			return "it holds a control or non-ASCII byte";
		if (c == '\\')
			return "a backslash escapes or joins lines in configuration syntax";
	}
	return NULL;
}

const char *field_device_path_problem(const char *name)
{
	const char *p = name;

	if (name[0] == '/')
		return "the device path is absolute";
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);

		if (len == 0)
			return "the device path has an empty component";
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return "the device path has a '.' or '..' component";
		if (slash == NULL)
			return NULL;
		p = slash + 1;
	}
}
