/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers of the kernel boundary that kernel_errors.c shares with
 * kernel.c: reading the small files the kernel publishes. */
#ifndef PMOD_KERNEL_H
#define PMOD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pmod.h"
#include "record.h"

/* Longest module name the kernel accepts (MODULE_NAME_LEN - 1). */
#define KERNEL_MODULE_NAME_MAX 55

/* A name that is safe to put into a /sys/module path: not empty, no '/',
 * not "." or "..", no control characters, at most NAME_MAX bytes. Names
 * longer than the kernel's limit pass (they are simply never loaded).
 * 0, -EINVAL or -ENAMETOOLONG. */
int kernel_name_check(const char *name);

/* The first line of a small file (at most size - 1 bytes, the newline
 * dropped). 0 or a negative errno from open/read; -EFBIG when the file
 * holds more than one short line. */
int kernel_read_line(const char *path, char *buf, size_t size);

/* A non-negative decimal read from a file; -EINVAL when it is not one. */
int kernel_read_long(const char *path, long *value);

/* What /proc/PID/stat says (kernel_process.c). */
struct kernel_process {
	char comm[64];		/* field 2, cut to fit */
	pid_t ppid;		/* field 4 */
	unsigned long flags;	/* field 9: PF_* bits */
};
/* One stat line; -EINVAL when it is not one. */
int kernel_process_parse_stat(const char *line, struct kernel_process *proc);
int kernel_process_read(pid_t pid, struct kernel_process *proc);
bool kernel_process_is_kernel_thread(const struct kernel_process *proc);

/* The kernel's request_module shape seen from the parent: a kernel thread
 * (PF_KTHREAD), or a parent that cannot be examined (the stricter
 * reading). */
bool kernel_parent_may_be_kernel_thread(void);

enum kernel_insert_flags {
	PMOD_INSERT_FORCE_MODVERSION = 1 << 0,	/* MODULE_INIT_IGNORE_MODVERSIONS */
	PMOD_INSERT_FORCE_VERMAGIC = 1 << 1,	/* MODULE_INIT_IGNORE_VERMAGIC */
};
/* Load a module file with its parameter string (NULL or "" for none),
 * after the request-level gates of pmod_load. The file is opened once;
 * the forced-load rule and the signing gate judge what that descriptor
 * holds, and the kernel gets the same descriptor (finit_module) or the
 * same decoded bytes (init_module), never the path opened again. A file
 * written in place meanwhile is refused (-ESTALE). A compressed file goes
 * to the kernel compressed only when /sys/module/compression names its
 * format; otherwise it is decompressed here and passed with init_module.
 * Returns 0 or a negative errno; *kernel_answered (may be NULL) says
 * whether it is the kernel's (err explains it, pmod_explain_insert) or the
 * file, a gate or the privilege stopped it first (err says why). The
 * load's record names the signature verdict. */
int kernel_insert(struct pmod_ctx *ctx, const struct request *req, const char *path,
		  const char *params, unsigned flags, bool *kernel_answered, struct pmod_error *err);

enum kernel_remove_flags {
	/* O_TRUNC: only in builds with -Dforced_unload=true (development
	 * variants); elsewhere -EOPNOTSUPP before the kernel is asked, and
	 * no code that could send O_TRUNC is compiled in. */
	PMOD_KERNEL_REMOVE_FORCE = 1 << 0,
};
/* Unload a module by name: delete_module(name, O_NONBLOCK), after the
 * request-level gates of pmod_unload. */
int kernel_remove(struct pmod_ctx *ctx, const struct request *req, const char *name,
		  unsigned flags, struct pmod_error *err);

#endif
