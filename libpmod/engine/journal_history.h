/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pmod's own records of the running boot, read back from systemd's
 * journal: the records the library's record writer sent there, selected
 * by their message id and the boot id. */
#ifndef PMOD_JOURNAL_HISTORY_H
#define PMOD_JOURNAL_HISTORY_H

#include "pmod.h"

/* Receives each record, oldest first; it owns *record (release it with
 * journal_record_release). A negative errno stops the walk. */
typedef int (*journal_record_fn)(void *data, struct pmod_journal_record *record);

/* Every record of this boot whose MESSAGE_ID is one of ids[0..nids)
 * (record_message_id: the ids the record writer gives them).
 * 0, or a negative errno (err filled) when the journal cannot be read at
 * all: libsystemd missing, no journal, or what fn returned. */
int journal_history_read(const char *const *ids, size_t nids, journal_record_fn fn, void *data,
			 struct pmod_error *err);

void journal_record_release(struct pmod_journal_record *record);

#endif
