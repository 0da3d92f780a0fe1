// SPDX-License-Identifier: LGPL-2.1-or-later
/* Part of the kernel boundary: what /proc/PID/stat says about a process,
 * for telling a kernel demand load (the parent is a kernel thread) from
 * anyone else's modprobe, and for naming the caller in records. The
 * line is hostile: the command name (field 2) is in parentheses but may
 * itself hold spaces and parentheses, so the fields are counted from
 * the LAST ')' on the line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel.h"

/* include/linux/sched.h */
#define PF_KTHREAD 0x00200000UL

static int parse_field(const char *s, size_t len, unsigned long *value)
{
	char buf[24], *end;

	if (len == 0 || len >= sizeof(buf) || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*value = strtoul(buf, &end, 10);
	return errno != 0 || *end != '\0' ? -EINVAL : 0;
}

int kernel_process_parse_stat(const char *line, struct kernel_process *proc)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')'), *p;
	unsigned long value;
	size_t comm_len;
	int field = 3;		/* the first field after the command is 3 (state) */

	memset(proc, 0, sizeof(*proc));
	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return -EINVAL;
	comm_len = (size_t)(close - open - 1);
	if (comm_len >= sizeof(proc->comm))
		comm_len = sizeof(proc->comm) - 1;
	memcpy(proc->comm, open + 1, comm_len);
	proc->comm[comm_len] = '\0';
	p = close + 2;
	while (*p != '\0' && field <= 9) {
		size_t len = strcspn(p, " ");

		if (field == 4) {
			if (parse_field(p, len, &value) < 0 || value > INT_MAX)
				return -EINVAL;
			proc->ppid = (pid_t)value;
		} else if (field == 9) {
			if (parse_field(p, len, &value) < 0)
				return -EINVAL;
			proc->flags = value;
			return 0;
		}
		p += len;
		if (*p == ' ')
			p++;
		field++;
	}
	return -EINVAL;
}

int kernel_process_read(pid_t pid, struct kernel_process *proc)
{
	char path[64], line[1024];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	r = kernel_read_line(path, line, sizeof(line));
	if (r < 0)
		return r;
	return kernel_process_parse_stat(line, proc);
}

bool kernel_process_is_kernel_thread(const struct kernel_process *proc)
{
	return (proc->flags & PF_KTHREAD) != 0;
}

bool pmod_kernel_parent_is_kernel_thread(struct pmod_ctx *ctx)
{
	struct kernel_process parent;

	(void)ctx;
	/* An unreadable or garbled line is "not a kernel thread": the
	 * caller is then treated as an administrator, whose explicit
	 * request the demand-load policy does not restrict. */
	return kernel_process_read(getppid(), &parent) == 0 &&
	       kernel_process_is_kernel_thread(&parent);
}
