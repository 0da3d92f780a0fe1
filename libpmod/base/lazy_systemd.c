// SPDX-License-Identifier: LGPL-2.1-or-later
#include "lazy_library.h"
#include "lazy_systemd.h"

#define SYM(fn) LAZY_SYMBOL(struct lazy_systemd, fn)
static const struct lazy_symbol symbols[] = {
	SYM(sd_journal_sendv), SYM(sd_id128_get_boot), SYM(sd_journal_add_match),
	SYM(sd_journal_close), SYM(sd_journal_flush_matches), SYM(sd_journal_get_data),
	SYM(sd_journal_get_realtime_usec), SYM(sd_journal_next), SYM(sd_journal_open),
	SYM(sd_journal_seek_head),
};
_Static_assert(sizeof(symbols) / sizeof(symbols[0]) * sizeof(void (*)(void)) ==
		       sizeof(struct lazy_systemd), "every member of struct lazy_systemd is resolved");

static struct lazy_systemd table;
static struct lazy_library library = {
	/* The journal's functions have been in libsystemd.so.0 since the
	 * library was made out of libsystemd-journal: its soname never
	 * changed. */
	.soname = "libsystemd.so.0",
	.needed_for = "the journal",
	.symbols = symbols,
	.nsymbols = sizeof(symbols) / sizeof(symbols[0]),
	.table = &table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_library(void)
{
	lazy_library_open(&library);
}

const struct lazy_systemd *lazy_systemd(struct pmod_error *err)
{
	return lazy_library_get(&library, open_library, err);
}
