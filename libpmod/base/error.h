/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PMOD_ERROR_H
#define PMOD_ERROR_H

#include "pmod.h"

/* Fill *err (if not NULL) with code and a printf-style sentence; returns
 * code so that callers can write `return pmod_fail(err, -EINVAL, ...)`. */
int pmod_fail(struct pmod_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
