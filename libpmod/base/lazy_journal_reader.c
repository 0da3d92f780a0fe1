// SPDX-License-Identifier: LGPL-2.1-or-later
#include "lazy_journal_reader.h"
#include "lazy_library.h"

#define SYM(fn) LAZY_SYMBOL(struct lazy_journal_reader, fn)
static const struct lazy_symbol symbols[] = {
	SYM(sd_id128_get_boot), SYM(sd_journal_add_match), SYM(sd_journal_close),
	SYM(sd_journal_get_data), SYM(sd_journal_get_realtime_usec), SYM(sd_journal_next),
	SYM(sd_journal_open), SYM(sd_journal_flush_matches), SYM(sd_journal_seek_head),
};
_Static_assert(sizeof(symbols) / sizeof(symbols[0]) * sizeof(void (*)(void)) ==
		       sizeof(struct lazy_journal_reader),
	       "every member of struct lazy_journal_reader is resolved");

static struct lazy_journal_reader table;
static struct lazy_library library = {
	.soname = "libsystemd.so.0",
	.needed_for = "reading the journal",
	.symbols = symbols,
	.nsymbols = sizeof(symbols) / sizeof(symbols[0]),
	.table = &table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_library(void)
{
	lazy_library_open(&library);
}

const struct lazy_journal_reader *lazy_journal_reader(struct pmod_error *err)
{
	return lazy_library_get(&library, open_library, err);
}
