/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Peios token interface (KACS, x86_64) as Peios publishes it,
 * spelled here because no installed header has it. */
#ifndef PMOD_KACS_H
#define PMOD_KACS_H

#include <stdint.h>
#include <sys/ioctl.h>

#define PEIOS_SYS_KACS_OPEN_SELF_TOKEN 1000	/* (flags = 0, access mask) -> token fd */
#define KACS_TOKEN_QUERY 0x0008
#define KACS_TOKEN_ADJUST_PRIVS 0x0020

#define KACS_TOKEN_CLASS_PRIVILEGES 3

/* The privilege bits (their LUIDs): SeLoadDriverPrivilege, and
 * SeTcbPrivilege, which turns the post-boot module lock. Peios numbers
 * privileges as Windows does (SeLoadDriverPrivilege is 10 in both), so
 * SeTcbPrivilege is 7. */
#define KACS_SE_TCB_PRIVILEGE 7
#define KACS_SE_LOAD_DRIVER_PRIVILEGE 10
#define KACS_PRIVILEGE_ENABLED 0x02

struct kacs_query_args {
	uint32_t token_class;
	uint32_t buf_len;
	uint64_t buf_ptr;
};
_Static_assert(sizeof(struct kacs_query_args) == 16, "KACS_IOC_QUERY takes 16 bytes");

/* Class 3's answer: four little-endian u64 bit sets. */
struct kacs_privileges {
	uint64_t present;
	uint64_t enabled;
	uint64_t enabled_by_default;
	uint64_t used;
};
_Static_assert(sizeof(struct kacs_privileges) == 32, "class 3 answers 32 bytes");

struct kacs_privilege_entry {
	uint32_t luid;
	uint32_t attributes;
};

struct kacs_adjust_privs_args {
	uint32_t count;
	uint32_t _pad;
	uint64_t data_ptr;		/* count kacs_privilege_entry */
	uint64_t previous_enabled;	/* out: the enabled set before */
};
_Static_assert(sizeof(struct kacs_adjust_privs_args) == 24, "KACS_IOC_ADJUST_PRIVS takes 24 bytes");

#define KACS_IOC_QUERY _IOWR('K', 0, struct kacs_query_args)
#define KACS_IOC_ADJUST_PRIVS _IOW('K', 1, struct kacs_adjust_privs_args)

#endif
