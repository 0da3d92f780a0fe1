// SPDX-License-Identifier: LGPL-2.1-or-later
/* The text line parsed as strictly as it is written: a key is lower-case
 * letters, digits and '-'; a plain value runs to the next space; a quoted
 * value ends at the first unescaped quote, and only the three escapes the
 * writer makes are accepted. Anything else ends the parse with -EINVAL,
 * so that a line that only looks like a record is not half-believed. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "record_parse.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* The value starting at line[*at], unescaped into out (room for len + 1
 * bytes: unescaping never lengthens). */
static int read_value(const char *line, size_t len, size_t *at, char *out)
{
	size_t i = *at, o = 0;

	if (i < len && line[i] == '"') {
		for (i++;; i++) {
			if (i >= len)
				return -EINVAL;	/* no closing quote */
			if (line[i] == '"')
				break;
			if (line[i] != '\\') {
				out[o++] = line[i];
				continue;
			}
			if (i + 1 < len && (line[i + 1] == '"' || line[i + 1] == '\\')) {
				out[o++] = line[++i];
			} else if (i + 3 < len && line[i + 1] == 'x' && hex_digit(line[i + 2]) >= 0 &&
				   hex_digit(line[i + 3]) >= 0) {
				int byte = hex_digit(line[i + 2]) << 4 | hex_digit(line[i + 3]);

				if (byte == 0)
					return -EINVAL;	/* would cut the value short */
				out[o++] = (char)byte;
				i += 3;
			} else {
				return -EINVAL;
			}
		}
		i++;
	} else {
		while (i < len && line[i] != ' ' && line[i] != '"')
			out[o++] = line[i++];
	}
	if (i < len && line[i] != ' ')
		return -EINVAL;
	out[o] = '\0';
	*at = i;
	return 0;
}

int record_text_parse(const char *line, size_t len, char *action, size_t action_size,
		      record_parse_fn fn, void *data)
{
	size_t at = 0, n;
	char *value;
	int r = 0;

	while (at < len && key_char(line[at]))
		at++;
	if (at == 0 || at >= action_size || (at < len && line[at] != ' '))
		return -EINVAL;
	memcpy(action, line, at);
	action[at] = '\0';
	value = malloc(len + 1);
	if (value == NULL)
		return -ENOMEM;
	while (at < len && r == 0) {
		char key[32];

		at++;	/* the space */
		for (n = 0; at + n < len && key_char(line[at + n]); n++)
			;
		if (n == 0 || n >= sizeof(key) || at + n >= len || line[at + n] != '=') {
			r = -EINVAL;
			break;
		}
		memcpy(key, line + at, n);
		key[n] = '\0';
		at += n + 1;
		r = read_value(line, len, &at, value);
		if (r == 0)
			r = fn(data, key, value);
	}
	free(value);
	return r;
}
