// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "growable_array.h"

struct pair {
	uint64_t a;
	uint32_t b;
};

/* Appending keeps every earlier element and grows the capacity
 * geometrically: far fewer reallocations than elements. */
static void growth_keeps_elements(void **state)
{
	struct pair *items = NULL;
	size_t count = 0, cap = 0, capacity_changes = 0, last_cap = 0;

	(void)state;
	for (uint32_t i = 0; i < 10000; i++) {
		struct pair p = { .a = (uint64_t)i * 3, .b = i };

		assert_int_equal(growable_array_append(&items, &count, &cap, sizeof(*items), &p), 0);
		assert_true(cap >= count);
		if (cap != last_cap) {
			capacity_changes++;
			last_cap = cap;
		}
	}
	assert_int_equal(count, 10000);
	assert_true(capacity_changes <= 20);
	for (uint32_t i = 0; i < 10000; i++) {
		assert_int_equal(items[i].a, (uint64_t)i * 3);
		assert_int_equal(items[i].b, i);
	}
	growable_array_free(&items, &cap);
	assert_null(items);
	assert_int_equal(cap, 0);
}

/* Reserving gives at least the room asked for and keeps the contents;
 * asking for no more than the capacity changes nothing. */
static void reserve_and_resize(void **state)
{
	char *buf = NULL;
	size_t cap = 0;
	char *before;

	(void)state;
	assert_int_equal(growable_array_reserve(&buf, &cap, 100, 1), 0);
	assert_non_null(buf);
	assert_true(cap >= 100);
	memset(buf, 'x', 100);
	before = buf;
	assert_int_equal(growable_array_reserve(&buf, &cap, 50, 1), 0);
	assert_ptr_equal(buf, before);
	assert_int_equal(growable_array_resize(&buf, &cap, 3000, 1), 0);
	assert_int_equal(cap, 3000);
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf[i], 'x');
	assert_int_equal(growable_array_resize(&buf, &cap, 0, 1), 0);
	assert_null(buf);
	assert_int_equal(cap, 0);
}

/* A count whose byte size does not fit a size_t is refused before any
 * allocation, and the array stays as it was. */
static void overflow_refused(void **state)
{
	struct pair *items = NULL;
	size_t count = 0, cap = 0;
	struct pair p = { 1, 2 };

	(void)state;
	assert_int_equal(growable_array_append(&items, &count, &cap, sizeof(*items), &p), 0);
	assert_int_equal(growable_array_reserve(&items, &cap, SIZE_MAX / sizeof(*items) + 1,
						sizeof(*items)), -EOVERFLOW);
	assert_int_equal(growable_array_resize(&items, &cap, SIZE_MAX / 2, sizeof(*items)),
			 -EOVERFLOW);
	assert_int_equal(growable_array_reserve(&items, &cap, SIZE_MAX, 2), -EOVERFLOW);
	assert_non_null(items);
	assert_int_equal(items[0].a, 1);
	assert_int_equal(items[0].b, 2);
	assert_true(cap >= 1);
	/* A full count cannot take one more. */
	count = SIZE_MAX;
	assert_int_equal(growable_array_append(&items, &count, &cap, sizeof(*items), &p),
			 -EOVERFLOW);
	growable_array_free(&items, &cap);
}

/* Zero elements or zero-sized elements allocate nothing. */
static void zero_size(void **state)
{
	int *items = NULL;
	size_t count = 0, cap = 0;

	(void)state;
	assert_int_equal(growable_array_reserve(&items, &cap, 0, sizeof(*items)), 0);
	assert_null(items);
	assert_int_equal(cap, 0);
	assert_int_equal(growable_array_reserve(&items, &cap, 1000, 0), 0);
	assert_null(items);
	assert_int_equal(cap, 0);
	assert_int_equal(growable_array_append(&items, &count, &cap, 0, NULL), 0);
	assert_int_equal(count, 1);
	assert_null(items);
	assert_int_equal(growable_array_resize(&items, &cap, 0, sizeof(*items)), 0);
	assert_null(items);
	growable_array_free(&items, &cap);
	assert_null(items);
}

/* Freeing an empty array is harmless, and a freed array can grow again. */
static void free_and_reuse(void **state)
{
	int *items = NULL;
	size_t count = 0, cap = 0;
	int v = 7;

	(void)state;
	growable_array_free(&items, &cap);
	assert_int_equal(growable_array_append(&items, &count, &cap, sizeof(*items), &v), 0);
	growable_array_free(&items, &cap);
	assert_null(items);
	assert_int_equal(cap, 0);
	count = 0;
	assert_int_equal(growable_array_append(&items, &count, &cap, sizeof(*items), &v), 0);
	assert_int_equal(items[0], 7);
	growable_array_free(&items, &cap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(growth_keeps_elements),
		cmocka_unit_test(reserve_and_resize),
		cmocka_unit_test(overflow_refused),
		cmocka_unit_test(zero_size),
		cmocka_unit_test(free_and_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
