/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A shared library opened by soname on first use, its functions resolved
 * into a table of pointers. libpmod links none of libcrypto, libzstd,
 * liblzma or zlib: a run that verifies nothing and decompresses nothing
 * never maps them, so it pays neither their load time nor their
 * constructors. Each user (lazy_crypto.c, lazy_zstd.c, lazy_xz.c,
 * lazy_zlib.c) declares its table with the real headers' prototypes
 * (typeof), so every call is still checked by the compiler. */
#ifndef PMOD_LAZY_LIBRARY_H
#define PMOD_LAZY_LIBRARY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "pmod.h"

struct lazy_symbol {
	const char *name;
	size_t offset;		/* of the pointer in the table */
};

/* Fills the table entry of that name: the member is named after the
 * function, so the table and the symbol list cannot disagree. */
#define LAZY_SYMBOL(table_type, fn) { #fn, offsetof(table_type, fn) }

struct lazy_library {
	/* Set by the user. */
	const char *soname;		/* "libzstd.so.1": the ABI we compiled against */
	const char *needed_for;		/* "zstd-compressed module", for the message */
	const struct lazy_symbol *symbols;
	size_t nsymbols;
	void *table;
	pthread_once_t once;		/* PTHREAD_ONCE_INIT */

	/* Written once, under `once`; read-only afterwards. */
	bool loaded;
	char failure[200];		/* dlerror() of the failed attempt */
};

/* The table after the first call has loaded it (once per process, whatever
 * the number of threads asking at the same time), or NULL with *err set to
 * -ELIBACC and "<needed_for>, but <soname> cannot be loaded: <reason>".
 * A failed attempt is not retried: every later call fails the same way.
 * `open` is the user's pthread_once routine, which calls
 * lazy_library_open(lib) (pthread_once routines take no argument). */
const void *lazy_library_get(struct lazy_library *lib, void (*open)(void),
			     struct pmod_error *err);
void lazy_library_open(struct lazy_library *lib);

#endif
