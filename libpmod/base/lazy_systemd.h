/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libsystemd, opened the first time a record goes to the journal
 * (lazy_library.h): a process that leaves no record, or runs where no
 * journal is, never maps it. Members are named after the functions. */
#ifndef PMOD_LAZY_SYSTEMD_H
#define PMOD_LAZY_SYSTEMD_H

/* Without it the header turns sd_journal_sendv into a call that adds the
 * caller's source file and line: a record's fields are what it says, not
 * where in the library it was written. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-journal.h>

#include "pmod.h"

struct lazy_systemd {
	typeof(sd_journal_sendv) *sd_journal_sendv;
};

/* NULL with *err set (-ELIBACC) when libsystemd.so.0 cannot be loaded. */
const struct lazy_systemd *lazy_systemd(struct pmod_error *err);

#endif
