// SPDX-License-Identifier: LGPL-2.1-or-later
/* Module parameters: parm=NAME:DESC and parmtype=NAME:TYPE merged by name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmod.h"

static bool key_is(const struct pmod_modinfo *e, const char *key)
{
	size_t n = strlen(key);
	return e->key_len == n && memcmp(e->key, key, n) == 0;
}

int pmod_params_from_modinfo(const struct pmod_modinfo *entries, size_t count,
			     struct pmod_param **out, size_t *nout, size_t *skipped)
{
	struct pmod_param *params;
	size_t n = 0, bad = 0;

	params = calloc(count ? count : 1, sizeof(*params));
	if (params == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		const struct pmod_modinfo *e = &entries[i];
		bool is_desc = key_is(e, "parm");
		const char *colon, *rest;
		struct pmod_param *p = NULL;
		size_t name_len;

		if (!is_desc && !key_is(e, "parmtype"))
			continue;
		colon = strchr(e->value, ':');
		if (colon == NULL) {
			bad++;
			continue;
		}
		name_len = (size_t)(colon - e->value);
		rest = colon + 1;
		for (size_t j = 0; j < n; j++) {
			if (params[j].name_len == name_len &&
			    memcmp(params[j].name, e->value, name_len) == 0) {
				p = &params[j];
				break;
			}
		}
		if (p == NULL) {
			p = &params[n++];
			p->name = e->value;
			p->name_len = name_len;
		}
		/* A repeated parm or parmtype replaces the earlier one. */
		if (is_desc) {
			p->desc = rest;
			p->desc_len = strlen(rest);
		} else {
			p->type = rest;
			p->type_len = strlen(rest);
		}
	}
	/* kmod lists parameters newest-first: reverse order of first sight. */
	for (size_t i = 0; i < n / 2; i++) {
		struct pmod_param tmp = params[i];
		params[i] = params[n - 1 - i];
		params[n - 1 - i] = tmp;
	}
	*out = params;
	*nout = n;
	if (skipped != NULL)
		*skipped = bad;
	return 0;
}
