/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers of the kernel boundary that kernel_errors.c shares with
 * kernel.c: reading the small files the kernel publishes. */
#ifndef PMOD_KERNEL_H
#define PMOD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pmod.h"

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

#endif
