// SPDX-License-Identifier: LGPL-2.1-or-later
/* Module-name and alias normalisation, the rules every lookup, index and
 * configuration file relies on: '-' becomes '_' (not inside [...] in an
 * alias) and a name ends at its first dot (doc/configuration.md). */
#include <errno.h>
#include <string.h>

#include "pmod.h"

int pmod_module_name(const char *name_or_path, char *buf, size_t size)
{
	const char *base = strrchr(name_or_path, '/');
	size_t i;

	base = base ? base + 1 : name_or_path;
	for (i = 0; base[i] != '\0' && base[i] != '.'; i++) {
		if (i + 1 >= size)
			return -ENAMETOOLONG;
		buf[i] = base[i] == '-' ? '_' : base[i];
	}
	if (size == 0)
		return -ENAMETOOLONG;
	buf[i] = '\0';
	return (int)i;
}

int pmod_alias_normalize(const char *alias, char *buf, size_t size)
{
	bool in_bracket = false;
	size_t i;

	for (i = 0; alias[i] != '\0'; i++) {
		char c = alias[i];

		if (i + 1 >= size)
			return -ENAMETOOLONG;
		/* Inside [...] everything is kept as is, '[' included: only ']'
		 * closes the set. */
		if (in_bracket) {
			if (c == ']')
				in_bracket = false;
		} else if (c == '[') {
			in_bracket = true;
		} else if (c == ']') {
			return -EINVAL;
		} else if (c == '-') {
			c = '_';
		}
		buf[i] = c;
	}
	if (in_bracket || size == 0)
		return size == 0 ? -ENAMETOOLONG : -EINVAL;
	buf[i] = '\0';
	return (int)i;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

bool pmod_path_has_module_extension(const char *path)
{
	size_t len = strlen(path);

	return ends_with(path, len, ".ko") || ends_with(path, len, ".ko.gz") ||
	       ends_with(path, len, ".ko.xz") || ends_with(path, len, ".ko.zst");
}
