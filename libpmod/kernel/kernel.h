/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel boundary: the only code that calls finit_module, init_module
 * and delete_module, and that reads what the kernel publishes about its
 * modules (/proc/modules, /sys/module, modules_disabled, a process's
 * /proc/PID/stat). The engine's gated load and unload are its only
 * callers for the calls that change anything. */
#ifndef PMOD_KERNEL_H
#define PMOD_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pmod.h"
#include "privilege.h"

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

/* The calling process's own name (prctl PR_GET_NAME: the kernel's comm,
 * which the process may have set itself) and the file it runs
 * (readlink /proc/self/exe, as the kernel resolved it at exec; " (deleted)"
 * follows when that file was replaced since). 0 or a negative errno. */
int kernel_process_self_comm(char *buf, size_t size);
int kernel_process_self_exe(char *buf, size_t size);

/* finit_module's flags (linux/module.h), spelled here so the build does not
 * depend on kernel headers being installed. */
enum kernel_init_flags {
	KERNEL_INIT_IGNORE_MODVERSIONS = 1,
	KERNEL_INIT_IGNORE_VERMAGIC = 2,
};

/* /sys/module/NAME: PMOD_STATE_LIVE, _COMING or _GOING from initstate, or
 * _COMING for a directory without one (a built-in module that no index
 * names, or one half made), _ABSENT; a negative errno for a bad name or an
 * unreadable state. Whether the module is built in is not asked here. */
int kernel_module_sysfs_state(const char *name);

/* /proc/sys/kernel/modules_disabled: 1 when it reads 1 (nothing loads or
 * unloads until reboot), 0 when it reads 0 or does not exist (no /proc),
 * a negative errno when it is there but cannot be read or holds anything
 * else (-EINVAL). */
int kernel_modules_disabled(void);

/* Turn the kernel's one-way module lock: write 1 to
 * /proc/sys/kernel/modules_disabled inside the SeTcbPrivilege scope
 * (privilege_raise_lock). *asked as below; 0 or a negative errno with err
 * filled. Whether it took is for the caller to read back. */
int kernel_lock_modules(struct privilege *priv, bool *asked, struct pmod_error *err);

/* The three calls that change the kernel's modules, each inside the
 * privilege scope (privilege_raise and _restore around it). *asked false:
 * the privilege could not be raised (err says why) and the kernel was not
 * called; true: the result is the kernel's (0 or its negative errno).
 * Nothing here judges the module: the engine's gated path has done that
 * before it calls. */
int kernel_finit_module(struct privilege *priv, int fd, const char *params, int flags,
			bool *asked, struct pmod_error *err);
int kernel_init_module(struct privilege *priv, void *image, size_t len, const char *params,
		       bool *asked, struct pmod_error *err);
/* delete_module(name, O_NONBLOCK). force: O_TRUNC as well, only in builds
 * made with -Dforced_unload=true; elsewhere -EOPNOTSUPP before the kernel
 * is asked, and no code that could send O_TRUNC is compiled in. A name
 * that is not one is -EINVAL or -ENAMETOOLONG, unasked. */
int kernel_delete_module(struct privilege *priv, const char *name, bool force, bool *asked,
			 struct pmod_error *err);

#endif
