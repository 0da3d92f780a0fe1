/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The caller's authority to load and unload modules (privilege.c):
 * SeLoadDriverPrivilege in a Peios token, CAP_SYS_MODULE elsewhere; and to
 * turn the post-boot module lock: SeTcbPrivilege, CAP_SYS_MODULE
 * elsewhere. */
#ifndef PMOD_PRIVILEGE_H
#define PMOD_PRIVILEGE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "pmod.h"

enum privilege_authority {
	PRIVILEGE_UNKNOWN = 0,		/* not asked yet */
	PRIVILEGE_PEIOS_TOKEN,		/* SeLoadDriverPrivilege in the token */
	PRIVILEGE_LINUX_CAPABILITY,	/* CAP_SYS_MODULE in the effective set */
};

enum privilege_state {
	PRIVILEGE_ABSENT,
	PRIVILEGE_PRESENT_DISABLED,	/* Peios only */
	PRIVILEGE_PRESENT_ENABLED,
};

/* The calling process's authority, asked once and kept: where it comes
 * from, and the token opened to query (and, when allowed, adjust) it. */
struct privilege {
	enum privilege_authority authority;
	int token_fd;			/* -1 until opened */
	bool token_can_adjust;
	unsigned raised;		/* scopes open that enabled the privilege */
	const struct log_sink *log;
};

void privilege_init(struct privilege *priv, const struct log_sink *log);
/* Closes the token. */
void privilege_release(struct privilege *priv);
/* Present (enabled, or disabled but adjustable) for op: 0; absent:
 * -EPERM with err naming the privilege; a failure to ask: its errno. */
int privilege_check(struct privilege *priv, enum pmod_operation op, struct pmod_error *err);

/* What raising did, so that restoring puts back exactly that. */
struct privilege_scope {
	bool enabled_here;		/* we enabled it: disable it again */
	uint32_t luid;			/* which privilege */
	sigset_t held_from;		/* the signal mask before, when enabled_here */
};

/* Where the authority comes from, asking the system the first time. */
enum privilege_authority privilege_authority(struct privilege *priv);
/* Enable SeLoadDriverPrivilege just before a kernel call when it is
 * present but disabled, holding the signals that would end the process
 * until privilege_restore. 0 (also when there is nothing to do), or a
 * negative errno with err filled: the kernel must then not be called. */
int privilege_raise(struct privilege *priv, struct privilege_scope *scope, struct pmod_error *err);
/* The same for turning the post-boot lock: SeTcbPrivilege. */
int privilege_raise_lock(struct privilege *priv, struct privilege_scope *scope,
			 struct pmod_error *err);
/* Whether the caller may turn the post-boot lock: SeTcbPrivilege present
 * (enabled, or disabled but adjustable) on Peios, CAP_SYS_MODULE
 * effective elsewhere. 0, or -EPERM (or the errno of asking) with err
 * naming what is missing. */
int privilege_check_lock(struct privilege *priv, struct pmod_error *err);
/* Put back what privilege_raise or privilege_raise_lock changed, then the signal mask (a held
 * signal is delivered then); called whatever the kernel said. */
void privilege_restore(struct privilege *priv, const struct privilege_scope *scope);
/* Whether a scope that enabled the privilege is open: nothing else (an
 * install command above all) may run then. */
bool privilege_raised(const struct privilege *priv);
/* The sentence for a missing privilege, the same whether we found it
 * missing or the kernel answered EPERM. */
void privilege_explain(struct privilege *priv, enum pmod_operation op, int code,
		       struct pmod_error *err);
/* "SeLoadDriverPrivilege" or "CAP_SYS_MODULE", for records. */
const char *privilege_authority_name(struct privilege *priv);

#endif
