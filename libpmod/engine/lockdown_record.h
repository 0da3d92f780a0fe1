/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pmod's own note of the post-boot lock (lockdown_record.c): when it was
 * turned and by which setting, kept in a small file under /run so that
 * every later refusal can say so. /run is emptied at every boot, as the
 * lock itself is. */
#ifndef PMOD_LOCKDOWN_RECORD_H
#define PMOD_LOCKDOWN_RECORD_H

#include <stdbool.h>
#include <time.h>

#include "pmod.h"

/* The file, under the context's root. */
#define LOCKDOWN_RECORD_PATH "/run/pmod/lockdown"

struct lockdown_record {
	time_t since;				/* when the lock was turned */
	enum pmod_policy_source source;		/* where LockAfterBoot was read */
	bool unreadable;			/* LockAfterBoot could not be read: taken as 1 */
};

/* The setting as a person reads it: "LockAfterBoot = 1 in
 * /etc/pmod/policy.conf", "... in the registry", or the unreadable form. */
void lockdown_setting_text(const struct lockdown_record *rec, char *buf, size_t size);
/* The time as a person reads it, in local time with its zone. */
void lockdown_since_text(time_t since, char *buf, size_t size);

/* Written whole (a new file renamed over the old), its directories made.
 * 0 or a negative errno with err naming the file. */
int lockdown_record_write(const char *root, const struct lockdown_record *rec,
			  struct pmod_error *err);
/* 0 with *rec filled; -ENOENT when there is none; any other negative
 * errno (-EINVAL for a file that is not one pmod wrote) with err saying
 * what is wrong, the file named. */
int lockdown_record_read(const char *root, struct lockdown_record *rec, struct pmod_error *err);

#endif
