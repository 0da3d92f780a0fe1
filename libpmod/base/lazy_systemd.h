/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libsystemd's journal, opened the first time a record goes to the
 * journal or a caller asks what the journal recorded (lazy_library.h): a
 * process that does neither, or runs where no journal is, never maps it.
 * Members are named after the functions: sd->sd_journal_next(...). */
#ifndef PMOD_LAZY_SYSTEMD_H
#define PMOD_LAZY_SYSTEMD_H

/* Without it the header turns sd_journal_sendv into a call that adds the
 * caller's source file and line: a record's fields are what it says, not
 * where in the library it was written. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>

#include "pmod.h"

struct lazy_systemd {
	/* Writing records. */
	typeof(sd_journal_sendv) *sd_journal_sendv;
	/* Reading them back. */
	typeof(sd_id128_get_boot) *sd_id128_get_boot;
	typeof(sd_journal_add_match) *sd_journal_add_match;
	typeof(sd_journal_close) *sd_journal_close;
	typeof(sd_journal_flush_matches) *sd_journal_flush_matches;
	typeof(sd_journal_get_data) *sd_journal_get_data;
	typeof(sd_journal_get_realtime_usec) *sd_journal_get_realtime_usec;
	typeof(sd_journal_next) *sd_journal_next;
	typeof(sd_journal_open) *sd_journal_open;
	typeof(sd_journal_seek_head) *sd_journal_seek_head;
};

/* NULL with *err set (-ELIBACC) when libsystemd.so.0 cannot be loaded. */
const struct lazy_systemd *lazy_systemd(struct pmod_error *err);

#endif
