/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lockdown's sentence, shared by the early check and the explanation of a
 * kernel EPERM (kernel_errors.c) so both say the same. */
#ifndef PMOD_LOCKDOWN_H
#define PMOD_LOCKDOWN_H

#include <stdbool.h>

#include "pmod.h"

/* The lock as it stands: the kernel's switch, pmod's note of turning it,
 * and what LockAfterBoot asks (st->size is not looked at). */
void lockdown_status(struct pmod_ctx *ctx, struct pmod_lock_status *st);

/* True (err filled with code) when module operations are locked;
 * kernel_said_eperm: the kernel refused with EPERM, which with
 * LockAfterBoot = 1 is the post-boot lock. */
bool lockdown_explain(struct pmod_ctx *ctx, enum pmod_operation op, bool kernel_said_eperm,
		      int code, struct pmod_error *err);

/* Lockdown: /proc/sys/kernel/modules_disabled is 1 (the kernel's
 * ratchet, which the Peios post-boot lock also sets): nothing loads or
 * unloads until reboot. -EPERM with err saying so; records nothing
 * (gate_request does). */
int lockdown_check(struct pmod_ctx *ctx, enum pmod_operation op, struct pmod_error *err);

#endif
