// SPDX-License-Identifier: LGPL-2.1-or-later
/* Built-in modules: modules.builtin.bin names them, and
 * modules.builtin.modinfo holds the .modinfo of every one of them, as
 * NUL-terminated "MODNAME.key=value" strings, one module's run contiguous. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_modinfo.h"
#include "index_reader.h"
#include "mapped_file.h"
#include "error.h"

int builtin_index_has(struct index_reader *idx, const char *name, struct pmod_error *err)
{
	const char *value;
	int r;

	if (idx == NULL)
		return 0;
	r = index_reader_lookup(idx, name, &value, err);
	if (r == -ENODATA)
		return 0;
	return r < 0 ? r : 1;
}

void builtin_modinfo_trim(struct mapped_file *file)
{
	/* A last string without its NUL is dropped rather than overrun. */
	while (file->size > 0 && file->data[file->size - 1] != '\0')
		file->size--;
}

int builtin_modinfo_find(const struct mapped_file *file, const char *name,
			 struct pmod_modinfo **entries, size_t *count, struct pmod_error *err)
{
	const char *p, *end, *run_start = NULL;
	size_t name_len = strlen(name), n = 0;
	struct pmod_modinfo *out;

	if (file->data == NULL)
		return -ENOENT;
	p = (const char *)file->data;
	end = p + file->size;
	/* Find this module's run, and count it. */
	for (const char *s = p; s < end; s += strlen(s) + 1) {
		bool mine = strncmp(s, name, name_len) == 0 && s[name_len] == '.';

		if (mine) {
			if (run_start == NULL)
				run_start = s;
			n++;
		} else if (run_start != NULL) {
			break;
		}
	}
	if (run_start == NULL)
		return -ENOENT;
	out = calloc(n, sizeof(*out));
	if (out == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; run_start += strlen(run_start) + 1) {
		const char *key = run_start + name_len + 1;
		const char *eq = strchr(key, '=');

		out[i].key = key;
		out[i].key_len = eq ? (size_t)(eq - key) : strlen(key);
		out[i].value = eq ? eq + 1 : key + out[i].key_len;
		i++;
	}
	*entries = out;
	*count = n;
	return 0;
}
