/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Peios registry's user interface as Peios publishes it (LCS,
 * x86_64), spelled here because no installed header has it. */
#ifndef PMOD_REGISTRY_H
#define PMOD_REGISTRY_H

#include <stdint.h>
#include <sys/ioctl.h>

#define PEIOS_SYS_REG_OPEN_KEY 1100	/* reg_open_key(parent_fd, path, access, flags) */
#define REG_KEY_QUERY_VALUE 0x0001

#define REG_SZ 1
#define REG_DWORD 4
#define REG_MULTI_SZ 7

struct reg_query_value_args {
	uint32_t name_len;
	uint32_t _pad0;
	uint64_t name_ptr;
	uint32_t type;		/* out */
	uint32_t data_len;	/* in: buffer size; out: value size (also on ERANGE) */
	int32_t txn_fd;		/* -1: no transaction */
	uint32_t layer_buf_len;
	uint64_t data_ptr;
	uint64_t sequence;	/* out */
	uint32_t layer_len;	/* out */
	uint32_t _pad1;
	uint64_t layer_ptr;
};
_Static_assert(sizeof(struct reg_query_value_args) == 64, "REG_IOC_QUERY_VALUE takes 64 bytes");

#define REG_IOC_QUERY_VALUE _IOWR('R', 0, struct reg_query_value_args)

#endif
