/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A module image the kernel can read but nobody can change (sealed_image.c):
 * the bytes pmod verified, copied into an anonymous memory file and sealed
 * before finit_module reads them. The module file itself is never handed
 * to the kernel: whoever can write it could change it between the verdict
 * and the kernel's read, and a compressed file would be decoded a second
 * time by a decompressor that may read the stream differently. */
#ifndef PMOD_SEALED_IMAGE_H
#define PMOD_SEALED_IMAGE_H

#include <stddef.h>

#include "pmod.h"

/* memfd_create(MFD_CLOEXEC | MFD_ALLOW_SEALING) holding exactly size bytes
 * of data, sealed against writes, shrinking, growing and further seal
 * changes (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL). 0 and
 * *fd (the caller closes it); -ENOSYS when this kernel has no memory files
 * or cannot seal them (the caller then passes the bytes with init_module),
 * or another negative errno with err saying why. */
int sealed_image_create(const void *data, size_t size, int *fd, struct pmod_error *err);

#endif
