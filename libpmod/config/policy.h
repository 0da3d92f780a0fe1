/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The module policy knobs (doc/policy-knobs.md) inside the library: where
 * they are read from (policy_registry.c, policy_file.c) and how a value is
 * checked and applied (policy.c). A missing value means the knob's default.
 * A value that is present but cannot be read or understood never fails a
 * run and never loosens anything: it is logged as a warning naming the
 * value and where it came from, and the knob takes its strictest setting
 * for the rest of the reading (a later good value does not undo it),
 * because the gates exist to say no and must not say yes when they cannot
 * tell what the administrator meant. */
#ifndef PMOD_POLICY_H
#define PMOD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmod.h"
#include "log.h"

/* Caps on what a hostile source can make us hold. */
#define POLICY_MAX_ALLOW_ENTRIES 1024
#define POLICY_MAX_ENTRY_LEN 255
#define POLICY_MAX_FILE_SIZE ((size_t)64 << 10)
#define POLICY_MAX_VALUE_SIZE ((uint32_t)64 << 10)

/* The path of the fallback file under the context's root. */
#define POLICY_FILE_PATH "/etc/pmod/policy.conf"
/* The registry key, hive included (Peios documents often omit it). */
#define POLICY_REGISTRY_KEY "Machine\\System\\Modules"

enum policy_knob {
	POLICY_KNOB_SIGNING,		/* SigningPolicy, REG_SZ */
	POLICY_KNOB_AUTOLOAD,		/* AutoLoadPolicy, REG_SZ */
	POLICY_KNOB_ALLOW_LIST,		/* AutoLoadAllowList, REG_MULTI_SZ */
	POLICY_KNOB_LOCK_AFTER_BOOT,	/* LockAfterBoot, REG_DWORD */
	POLICY_KNOB_COUNT,
};

struct pmod_policy {
	enum pmod_signing_policy signing_knob;	/* as configured; the floor when unset */
	enum pmod_autoload_policy autoload;
	char **allow_list;
	size_t nallow;
	bool lock_after_boot;
	enum pmod_policy_source source;
	/* A value of this knob could not be read or understood: it stays at
	 * its strictest setting whatever is read after. */
	bool fail_closed[POLICY_KNOB_COUNT];
};

/* The value's name as Peios spells it. */
const char *policy_knob_name(enum policy_knob knob);
/* A name compared case-insensitively; -1 when it is none of the knobs. */
int policy_knob_lookup(const char *name, size_t len);

/* Defaults: the floor, enabled, an empty list, unlocked. */
void policy_init(struct pmod_policy *p);
void policy_release(struct pmod_policy *p);

/* Apply one value; where says where it came from for warnings ("FILE line
 * N", "registry value KEY\NAME"). A bad value is warned about and sets the
 * knob to its strictest for good; a good value after that is ignored.
 * -ENOMEM is the only failure. */
int policy_set_text(const struct log_sink *log, struct pmod_policy *p, const char *where,
		    enum policy_knob knob, const char *value);
int policy_set_dword(const struct log_sink *log, struct pmod_policy *p, const char *where,
		     enum policy_knob knob, uint32_t value);
/* The allow-list from separate strings (REG_MULTI_SZ). */
int policy_set_list(const struct log_sink *log, struct pmod_policy *p, const char *where,
		    const char *const *items, size_t count);
/* The allow-list from one line: entries separated by whitespace or ','. */
int policy_set_list_text(const struct log_sink *log, struct pmod_policy *p, const char *where,
			 const char *value);

/* A value of knob that cannot be read or understood: the warning ("WHERE:
 * PROBLEM; using the strictest setting, ...") and the strictest setting,
 * kept whatever comes later. problem is printf-style. */
void policy_fail_closed(const struct log_sink *log, struct pmod_policy *p, const char *where,
			enum policy_knob knob, const char *problem, ...)
	__attribute__((format(printf, 5, 6)));
/* The same for a source that cannot be read at all, or a line that cannot
 * be tied to one knob: every knob takes its strictest setting. */
void policy_fail_closed_all(const struct log_sink *log, struct pmod_policy *p, const char *where,
			    const char *problem, ...) __attribute__((format(printf, 4, 5)));
/* value escaped and cut for a warning: quoted unless plain, every byte
 * outside printable ASCII as \xNN. */
const char *policy_shown(const char *value, char *buf, size_t size);

/* Sources. Both leave knobs they do not find at their defaults. */
/* -ENOSYS when the system has no registry (not Peios: the system call
 * answers ENOSYS, or EPERM from a seccomp filter); 0 otherwise. A missing
 * key or value is the default; any other error fails closed (warned). */
int policy_registry_read(const struct log_sink *log, struct pmod_policy *p);
/* The Name = value file at path (already under the root). 0 also when it
 * is missing (every knob its default); a file that is there but cannot be
 * read fails closed as a whole, a bad line fails closed for its knob (or
 * for all, when the line cannot be tied to one). */
int policy_file_read(const struct log_sink *log, struct pmod_policy *p, const char *path);

/* The knobs from the registry, or from POLICY_FILE_PATH under root where
 * there is no registry (a root too long to make that path fails closed).
 * *policy is the caller's (policy_free). Fails only for -ENOMEM. */
int policy_read(const struct log_sink *log, const char *root, struct pmod_policy **policy);
void policy_free(struct pmod_policy *policy);

#endif
