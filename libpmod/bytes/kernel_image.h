/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel proper inside a boot image, so that what is built into it
 * (its certificates) can be read: an x86 bzImage's compressed payload,
 * decoded, or an ELF vmlinux as it is. */
#ifndef PMOD_KERNEL_IMAGE_H
#define PMOD_KERNEL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pmod.h"

/* Largest decoded kernel accepted: Debian's amd64 vmlinux is about 60 MiB. */
#define KERNEL_IMAGE_MAX_DECODED ((size_t)512 << 20)

/* *out is malloc'ed (the caller frees it) and holds the kernel's ELF
 * image. Errors name what is wrong with the image, never its path (the
 * caller knows it): not a kernel image, a payload outside the file, a
 * compression pmod cannot read, a corrupt stream. */
int kernel_image_decode(const uint8_t *data, size_t size, size_t max_out, uint8_t **out,
			size_t *out_size, struct pmod_error *err);

#endif
