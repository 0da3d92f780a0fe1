// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pmod.h"

static void module_names(void **state)
{
	char buf[64];

	assert_int_equal(pmod_module_name("snd-hda-intel", buf, sizeof(buf)), 13);
	assert_string_equal(buf, "snd_hda_intel");
	pmod_module_name("/lib/modules/6.1/kernel/foo-bar.ko.zst", buf, sizeof(buf));
	assert_string_equal(buf, "foo_bar");
	pmod_module_name("iTCO_wdt.ko", buf, sizeof(buf));
	assert_string_equal(buf, "iTCO_wdt");	/* case is kept */
	pmod_module_name("dir.d/name", buf, sizeof(buf));
	assert_string_equal(buf, "name");	/* only the basename counts */
	assert_int_equal(pmod_module_name("abcdef", buf, 4), -ENAMETOOLONG);
	assert_int_equal(pmod_module_name("abc", buf, 4), 3);
}

static void alias_normalisation(void **state)
{
	char buf[64];

	pmod_alias_normalize("char-major-10-200", buf, sizeof(buf));
	assert_string_equal(buf, "char_major_10_200");
	/* Dashes inside a bracket expression are ranges and stay. */
	pmod_alias_normalize("pci:v*d[0-9]x-y", buf, sizeof(buf));
	assert_string_equal(buf, "pci:v*d[0-9]x_y");
	/* Inside a set even '[' is literal; only ']' closes it. */
	pmod_alias_normalize("a[[-]-b", buf, sizeof(buf));
	assert_string_equal(buf, "a[[-]_b");
	assert_int_equal(pmod_alias_normalize("a[[-]]-b", buf, sizeof(buf)), -EINVAL);
	pmod_alias_normalize("ext4.foo-bar", buf, sizeof(buf));
	assert_string_equal(buf, "ext4.foo_bar");	/* dots kept */
	assert_int_equal(pmod_alias_normalize("a]b", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(pmod_alias_normalize("a[b", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(pmod_alias_normalize("abcdef", buf, 3), -ENAMETOOLONG);
}

static void module_extensions(void **state)
{
	assert_true(pmod_path_has_module_extension("a.ko"));
	assert_true(pmod_path_has_module_extension("/x/a.ko.gz"));
	assert_true(pmod_path_has_module_extension("a.ko.xz"));
	assert_true(pmod_path_has_module_extension("a.ko.zst"));
	assert_false(pmod_path_has_module_extension("a.ko.bz2"));
	assert_false(pmod_path_has_module_extension("ko"));
	assert_false(pmod_path_has_module_extension("a.o"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(module_names),
		cmocka_unit_test(alias_normalisation),
		cmocka_unit_test(module_extensions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
