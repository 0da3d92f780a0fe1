// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_output.h"
#include "loaded_module_json.h"

void json_add_loaded_module(struct json_object *obj, const struct pmod_loaded_module *m)
{
	struct json_object *holders = json_new_array(), *flags = json_new_array();

	json_add_string(obj, "name", m->name);
	if (m->size >= 0)
		json_add_int(obj, "size", m->size);
	if (m->refcnt >= 0)
		json_add_int(obj, "use_count", m->refcnt);
	for (size_t h = 0; h < m->nholders; h++)
		json_append_string(holders, m->holders[h]);
	json_add(obj, "holders", holders);
	json_add_string(obj, "state", pmod_module_state_name(m->state));
	json_add_string(obj, "taint", m->taint);
	for (const char *t = m->taint; *t != '\0'; t++) {
		struct json_object *flag = json_new_object();

		json_add_string_len(flag, "letter", t, 1);
		/* A letter this pmod does not know (a newer kernel's) is
		 * still listed, without a meaning. */
		json_add_string(flag, "name", pmod_taint_flag_name(*t));
		json_add_string(flag, "description", pmod_taint_flag_description(*t));
		json_append(flags, flag);
	}
	json_add(obj, "taint_flags", flags);
}
