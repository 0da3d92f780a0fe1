/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Public options structs start with `size_t size`, which the caller sets
 * to sizeof the struct as its copy of pmod.h declares it. Fields are only
 * ever added at the end, so a program built against an older pmod.h passes
 * a smaller size (the fields it does not know are zero: their defaults),
 * and one built against a newer pmod.h passes a larger one, which is fine
 * as long as every byte this library does not know is zero (the caller
 * asked for nothing it cannot do). */
#ifndef PMOD_OPTIONS_SIZE_H
#define PMOD_OPTIONS_SIZE_H

#include <stddef.h>

/* Copies the caller's options (src, its size in its first member) into
 * dst, this library's struct of known_size bytes, zero-filling what the
 * caller's struct does not have. src NULL gives all defaults (and
 * dst's size set to known_size). 0; -EINVAL when the size does not even
 * cover the size member (it was not set); -E2BIG when a byte past
 * known_size is not zero. dst is zeroed on failure. */
int options_copy(void *dst, size_t known_size, const void *src);
/* The sentence for options_copy's failure r. */
const char *options_copy_error(int r);

#endif
