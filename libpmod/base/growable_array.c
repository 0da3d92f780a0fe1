// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "growable_array.h"

/* Small arrays start with this many elements instead of 1, 2, 4...: most
 * arrays in the library hold a handful of entries. */
#define FIRST_CAPACITY 8

int growable_array_resize(void *items_ptr, size_t *capacity, size_t capacity_wanted,
			  size_t elem_size)
{
	void *items, *p;

	if (capacity_wanted == *capacity)
		return 0;
	if (elem_size != 0 && capacity_wanted > SIZE_MAX / elem_size)
		return -EOVERFLOW;
	memcpy(&items, items_ptr, sizeof(items));
	if (capacity_wanted == 0 || elem_size == 0) {
		/* realloc(p, 0) may or may not free: never ask it. */
		free(items);
		items = NULL;
		capacity_wanted = 0;
	} else {
		p = realloc(items, capacity_wanted * elem_size);
		if (p == NULL)
			return -ENOMEM;
		items = p;
	}
	memcpy(items_ptr, &items, sizeof(items));
	*capacity = capacity_wanted;
	return 0;
}

int growable_array_reserve(void *items_ptr, size_t *capacity, size_t need, size_t elem_size)
{
	size_t max, cap;

	if (need <= *capacity || elem_size == 0)
		return 0;
	max = SIZE_MAX / elem_size;
	if (need > max)
		return -EOVERFLOW;
	cap = *capacity < FIRST_CAPACITY ? FIRST_CAPACITY : *capacity;
	if (cap > max)
		cap = max;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	return growable_array_resize(items_ptr, capacity, cap, elem_size);
}

int growable_array_append(void *items_ptr, size_t *count, size_t *capacity, size_t elem_size,
			  const void *elem)
{
	void *items;
	int r;

	if (*count == SIZE_MAX)
		return -EOVERFLOW;
	r = growable_array_reserve(items_ptr, capacity, *count + 1, elem_size);
	if (r < 0)
		return r;
	memcpy(&items, items_ptr, sizeof(items));
	if (elem_size != 0)
		memcpy((char *)items + *count * elem_size, elem, elem_size);
	(*count)++;
	return 0;
}

void growable_array_free(void *items_ptr, size_t *capacity)
{
	void *items;

	memcpy(&items, items_ptr, sizeof(items));
	free(items);
	items = NULL;
	memcpy(items_ptr, &items, sizeof(items));
	*capacity = 0;
}
