/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One growable array for the whole library: the caller keeps a typed
 * pointer and its capacity (in elements) in its own struct, and these
 * functions grow them with every size_t product checked. Zero pointer and
 * zero capacity are an empty array. No global state.
 *
 * items_ptr is the address of the caller's element pointer (a `T **`, any
 * object type T); it is read and written with memcpy, which relies on all
 * object pointers sharing one representation, as they do on every system
 * this library builds for. */
#ifndef PMOD_GROWABLE_ARRAY_H
#define PMOD_GROWABLE_ARRAY_H

#include <stddef.h>

/* Room for at least `need` elements of elem_size bytes, growing the
 * capacity geometrically so that appending one at a time stays linear.
 * 0 (also when nothing had to change, or when need or elem_size is 0),
 * -EOVERFLOW when need * elem_size does not fit a size_t, -ENOMEM. On
 * failure the array is untouched. */
int growable_array_reserve(void *items_ptr, size_t *capacity, size_t need, size_t elem_size);

/* Exactly `capacity_wanted` elements, for buffers whose final size is known
 * (or capped) by the caller. Same returns as growable_array_reserve; 0
 * elements frees the array. */
int growable_array_resize(void *items_ptr, size_t *capacity, size_t capacity_wanted,
			  size_t elem_size);

/* Copies one element of elem_size bytes to the end (index *count) and
 * counts it. Same returns as growable_array_reserve. */
int growable_array_append(void *items_ptr, size_t *count, size_t *capacity, size_t elem_size,
			  const void *elem);

/* Frees the elements' storage (not what they point to) and leaves an
 * empty array: pointer NULL, capacity 0. */
void growable_array_free(void *items_ptr, size_t *capacity);

#endif
