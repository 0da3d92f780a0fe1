/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The caller's authority to load and unload modules (privilege.c):
 * SeLoadDriverPrivilege in a Peios token, CAP_SYS_MODULE elsewhere. */
#ifndef PMOD_PRIVILEGE_H
#define PMOD_PRIVILEGE_H

#include <stdbool.h>

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

/* What raising did, so that restoring puts back exactly that. */
struct privilege_scope {
	bool enabled_here;		/* we enabled it: disable it again */
};

/* The caller's authority: SeLoadDriverPrivilege in the Peios token
 * (present is enough: it is enabled around each kernel call and restored
 * after), or CAP_SYS_MODULE in the effective set where there is no token
 * (syscall 1000 answers ENOSYS). -EPERM with err saying so, or the
 * negative errno of a failure to ask. Internal: pmod_load and pmod_unload
 * apply it (gate.c). */
int pmod_check_privilege(struct pmod_ctx *ctx, enum pmod_operation op, struct pmod_error *err);
/* Where the authority comes from, asking the system the first time. */
enum privilege_authority privilege_authority(struct pmod_ctx *ctx);
/* Enable SeLoadDriverPrivilege just before a kernel call when it is
 * present but disabled. 0 (also when there is nothing to do), or a
 * negative errno with err filled: the kernel must then not be called. */
int privilege_raise(struct pmod_ctx *ctx, struct privilege_scope *scope, struct pmod_error *err);
/* Put back what privilege_raise changed; called whatever the kernel said. */
void privilege_restore(struct pmod_ctx *ctx, const struct privilege_scope *scope);
/* The sentence for a missing privilege, the same whether we found it
 * missing or the kernel answered EPERM. */
void privilege_explain(struct pmod_ctx *ctx, enum pmod_operation op, int code,
		       struct pmod_error *err);
/* "SeLoadDriverPrivilege" or "CAP_SYS_MODULE", for records. */
const char *privilege_authority_name(struct pmod_ctx *ctx);
/* Closes the token (pmod_ctx_free). */
void ctx_privilege_release(struct pmod_ctx *ctx);

#endif
