/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Peios parts of the fake kernel (fake_peios.c): the token (syscall
 * 1000, KACS ioctls), the registry (syscall 1100, REG_IOC_QUERY_VALUE),
 * syslog capture. */
#ifndef FAKE_PEIOS_H
#define FAKE_PEIOS_H

#include <stdbool.h>

/* Answers syscalls 1000 and 1100; false when number is neither. */
bool fake_peios_syscall(long number, const long *args, long *result);
/* The kernel's privilege check before a load or unload: 0, or EPERM when
 * SeLoadDriverPrivilege is not enabled in the fake token (or, with no
 * fake token, CAP_SYS_MODULE is not effective). */
int fake_peios_privilege_error(void);

#endif
