// SPDX-License-Identifier: LGPL-2.1-or-later
/* Whether the process calling pmod_load is systemd-udevd, whose loads
 * are automatic: a device appeared, and its driver is loaded because of
 * what the device says about itself, not because an administrator asked.
 * Such loads follow AutoLoadPolicy and the blacklist like the kernel's
 * demand loads, whatever flags the caller passed: the library decides,
 * so that a program linked with libkmod.so.2 (which has no notion of
 * demand loads) cannot make them explicit.
 *
 * Two independent signs, either one enough:
 *  - the executable (/proc/self/exe): udevd is udevadm under another name
 *    on current systemd, so systemd-udevd, udevd and udevadm all count;
 *    a udevd that renames its process keeps its executable;
 *  - the process name (comm): "systemd-udevd", and "(udev-worker)" for
 *    the workers it forks (systemd 252 and later name them so), "udevd"
 *    and "udevadm" too.
 * Any process can give itself one of these names (prctl PR_SET_NAME) or
 * run a copy of udevadm: that only makes its own loads stricter, so the
 * signs fail safe. An executable that cannot be read (no /proc) cannot be
 * cleared of being udevd, and counts as automatic. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "gate.h"
#include "kernel.h"

static const char *const udev_names[] = {
	"systemd-udevd", "(udev-worker)", "udevd", "udevadm",
};

static bool is_udev_name(const char *name)
{
	for (size_t i = 0; i < sizeof(udev_names) / sizeof(udev_names[0]); i++)
		if (strcmp(name, udev_names[i]) == 0)
			return true;
	return false;
}

/* The executable's answer (CALLER_EXPLICIT or CALLER_UDEVD), once it has
 * been read: a process keeps its executable for its whole life, and a
 * child forked from it has the same one, so reading /proc/self/exe for
 * every request of a run (modprobe -a over a whole tree makes thousands)
 * would only repeat it. The name is asked every time: a process may
 * rename itself between loads (udevd's workers do after forking). An
 * executable that could not be read is asked again next time. Threads
 * that race here all store the same answer. */
static int exe_answer = -1;

static enum automatic_caller_answer executable_answer(void)
{
	static const char deleted[] = " (deleted)";
	int known = __atomic_load_n(&exe_answer, __ATOMIC_RELAXED);
	enum automatic_caller_answer answer;
	char exe[4096];
	const char *base;
	size_t len;

	if (known >= 0)
		return (enum automatic_caller_answer)known;
	if (kernel_process_self_exe(exe, sizeof(exe)) < 0)
		return CALLER_UNKNOWN;
	/* An executable replaced by an upgrade while running still names
	 * the process it was. */
	len = strlen(exe);
	if (len > sizeof(deleted) - 1 && strcmp(exe + len - (sizeof(deleted) - 1), deleted) == 0)
		exe[len - (sizeof(deleted) - 1)] = '\0';
	base = strrchr(exe, '/');
	base = base ? base + 1 : exe;
	answer = is_udev_name(base) ? CALLER_UDEVD : CALLER_EXPLICIT;
	__atomic_store_n(&exe_answer, (int)answer, __ATOMIC_RELAXED);
	return answer;
}

enum automatic_caller_answer automatic_caller(void)
{
	char comm[64];

	if (kernel_process_self_comm(comm, sizeof(comm)) == 0 && is_udev_name(comm))
		return CALLER_UDEVD;
	return executable_answer();
}
