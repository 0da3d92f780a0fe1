// SPDX-License-Identifier: LGPL-2.1-or-later
/* Part of the kernel boundary: what /proc/PID/stat says about a process,
 * for telling a kernel demand load (the parent is a kernel thread) from
 * anyone else's modprobe, and for naming the caller in records. The
 * line is hostile: the command name (field 2) is in parentheses but may
 * itself hold spaces and parentheses, so the fields are counted from
 * the LAST ')' on the line. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

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

/* The whole file, not its first line: a command name may hold a newline
 * (prctl(PR_SET_NAME) takes any byte but NUL), and cutting there would
 * lose the fields after it. The kernel writes a few hundred bytes. */
static int read_stat(const char *path, char *buf, size_t size)
{
	size_t used = 0;
	int fd, r = 0;

	/* O_NONBLOCK: whatever sits at the path must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (used < size - 1) {
		ssize_t n = read(fd, buf + used, size - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	if (r < 0)
		return r;
	buf[used] = '\0';
	/* A NUL inside, or more than fits: not a line the kernel wrote. */
	if (memchr(buf, '\0', used) != NULL || used == size - 1)
		return -EINVAL;
	if (used > 0 && buf[used - 1] == '\n')
		buf[used - 1] = '\0';
	return 0;
}

int kernel_process_read(pid_t pid, struct kernel_process *proc)
{
	char path[64], digits[16], *d = digits + sizeof(digits);
	char line[4096];
	unsigned v = pid < 0 ? 0u - (unsigned)pid : (unsigned)pid;
	size_t n;
	int r;

	/* "/proc/PID/stat", the number written here rather than printed:
	 * every load call reads its caller's parent. */
	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (pid < 0)
		*--d = '-';
	n = (size_t)(digits + sizeof(digits) - d);
	memcpy(path, "/proc/", 6);
	memcpy(path + 6, d, n);
	memcpy(path + 6 + n, "/stat", sizeof("/stat"));
	r = read_stat(path, line, sizeof(line));
	if (r < 0)
		return r;
	return kernel_process_parse_stat(line, proc);
}

bool kernel_process_is_kernel_thread(const struct kernel_process *proc)
{
	return (proc->flags & PF_KTHREAD) != 0;
}

bool kernel_parent_may_be_kernel_thread(void)
{
	struct kernel_process parent;

	/* An unreadable or garbled line cannot prove the parent is not the
	 * kernel: the demand-load policy, the stricter reading, applies. */
	if (kernel_process_read(getppid(), &parent) < 0)
		return true;
	return kernel_process_is_kernel_thread(&parent);
}

int kernel_process_self_comm(char *buf, size_t size)
{
	char comm[17] = { 0 };	/* TASK_COMM_LEN, plus a terminator of our own */
	size_t n;

	if (size == 0)
		return -EINVAL;
	if (prctl(PR_GET_NAME, (unsigned long)comm, 0, 0, 0) < 0)
		return -errno;
	n = strlen(comm);
	if (n > size - 1)
		n = size - 1;
	memcpy(buf, comm, n);
	buf[n] = '\0';
	return 0;
}

int kernel_process_self_exe(char *buf, size_t size)
{
	ssize_t n;

	if (size < 2)
		return -EINVAL;
	n = readlink("/proc/self/exe", buf, size - 1);
	if (n < 0)
		return -errno;
	/* A path that fills the buffer may have been cut: not a name to trust. */
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}
