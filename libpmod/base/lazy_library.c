// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "lazy_library.h"

static void note_failure(struct lazy_library *lib, const char *what)
{
	const char *why = dlerror();

	snprintf(lib->failure, sizeof(lib->failure), "%s%s", what, why ? why : "unknown error");
}

void lazy_library_open(struct lazy_library *lib)
{
	/* RTLD_LOCAL: the symbols are reached only through the table, and
	 * must not start resolving anybody else's undefined references.
	 * RTLD_NOW: a broken install fails here, once, not in the middle of
	 * a decode. The handle is never closed: the table points into it. */
	void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (handle == NULL) {
		note_failure(lib, "");
		return;
	}
	for (i = 0; i < lib->nsymbols; i++) {
		void *fn;

		dlerror();
		fn = dlsym(handle, lib->symbols[i].name);
		if (fn == NULL) {
			char what[120];

			snprintf(what, sizeof(what), "no %s: ", lib->symbols[i].name);
			note_failure(lib, what);
			dlclose(handle);
			return;
		}
		/* POSIX guarantees a function's address survives void *. */
		memcpy((char *)lib->table + lib->symbols[i].offset, &fn, sizeof(fn));
	}
	lib->loaded = true;
}

const void *lazy_library_get(struct lazy_library *lib, void (*open)(void),
			     struct pmod_error *err)
{
	/* pthread_once also orders every write of the opener before this
	 * thread's reads of the table. */
	pthread_once(&lib->once, open);
	if (!lib->loaded) {
		pmod_fail(err, -ELIBACC, "%s, but %s cannot be loaded: %s", lib->needed_for,
			  lib->soname, lib->failure);
		return NULL;
	}
	return lib->table;
}
