/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libsystemd's journal reader, opened the first time a caller asks what
 * the journal recorded (lazy_library.h): a run that never reads the
 * journal never maps libsystemd. Members are named after the functions:
 * j->sd_journal_next(...). */
#ifndef PMOD_LAZY_JOURNAL_READER_H
#define PMOD_LAZY_JOURNAL_READER_H

#include <systemd/sd-journal.h>

#include "pmod.h"

struct lazy_journal_reader {
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
const struct lazy_journal_reader *lazy_journal_reader(struct pmod_error *err);

#endif
