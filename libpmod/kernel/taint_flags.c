// SPDX-License-Identifier: LGPL-2.1-or-later
/* What the kernel's per-module taint letters mean. The kernel marks a
 * module (and itself, once such a module is in) with a letter for each
 * way the module departs from what the kernel's own build vouches for; an
 * administrator reading "OE" wants to know which departure that is
 * without a trip to the kernel's documentation. Only the letters a module
 * can carry are listed: the others describe the whole kernel (a machine
 * check, a warning) and never appear in /proc/modules. */
#include <stddef.h>

#include "pmod.h"

struct taint_flag {
	char letter;
	const char *name;
	const char *description;
};

static const struct taint_flag taint_flags[] = {
	{ 'P', "proprietary",
	  "its licence is not compatible with the GPL: the kernel's developers cannot read or support its code" },
	{ 'F', "forced",
	  "it was loaded with its version checks overridden (a forced load)" },
	{ 'C', "staging",
	  "it comes from the kernel's staging area: code kept apart until it meets the kernel's standards" },
	{ 'O', "out-of-tree",
	  "it was built outside the kernel's source tree" },
	{ 'E', "unsigned",
	  "the kernel found no signature it could verify (the kernel checks signatures but does not require them)" },
	{ 'K', "livepatch",
	  "it is a live patch: it changes the running kernel's code" },
	{ 'X', "auxiliary",
	  "a mark left to distributions (some use it for modules their vendor supports, not the kernel's)" },
	{ 'T', "randstruct",
	  "it was built with a different structure-layout randomisation seed than the kernel" },
	{ 'N', "test",
	  "it is a kernel test module (an in-kernel test suite such as KUnit)" },
};

static const struct taint_flag *find(char letter)
{
	for (size_t i = 0; i < sizeof(taint_flags) / sizeof(taint_flags[0]); i++)
		if (taint_flags[i].letter == letter)
			return &taint_flags[i];
	return NULL;
}

const char *pmod_taint_flag_name(char letter)
{
	const struct taint_flag *f = find(letter);

	return f != NULL ? f->name : NULL;
}

const char *pmod_taint_flag_description(char letter)
{
	const struct taint_flag *f = find(letter);

	return f != NULL ? f->description : NULL;
}

const char *pmod_module_state_name(enum pmod_module_state state)
{
	switch (state) {
	case PMOD_STATE_BUILTIN: return "built-in";
	case PMOD_STATE_LIVE: return "Live";
	case PMOD_STATE_COMING: return "Loading";
	case PMOD_STATE_GOING: return "Unloading";
	case PMOD_STATE_ABSENT: break;
	}
	return "unknown";
}
