// SPDX-License-Identifier: LGPL-2.1-or-later
/* config_reader: logical lines the way kmod reads modprobe.d and depmod.d
 * (a backslash joins the next physical line or escapes the next byte,
 * '#' comments only at the very start of a logical line, blank lines
 * skipped), and the line number of each logical line's first line; and
 * config_next_token's splitting at spaces and tabs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config_files.h"

struct expected {
	const char *line;
	unsigned lineno;
};

static void expect_lines(const char *content, size_t size, const struct expected *want,
			 size_t nwant)
{
	char path[] = "/tmp/pmod-config-reader-XXXXXX";
	struct config_reader r;
	int fd = mkstemp(path);
	size_t n = 0;
	char *line;
	int ret;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, size), (ssize_t)size);
	close(fd);
	assert_int_equal(config_reader_open(&r, path), 0);
	while ((ret = config_reader_next(&r, &line)) == 1) {
		assert_true(n < nwant);
		assert_string_equal(line, want[n].line);
		assert_int_equal(r.lineno, want[n].lineno);
		n++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n, nwant);
	assert_int_equal(config_reader_next(&r, &line), 0);	/* stays at the end */
	config_reader_close(&r);
	unlink(path);
}

#define EXPECT(content, ...)                                                              \
	do {                                                                              \
		static const struct expected w[] = { __VA_ARGS__ };                       \
		expect_lines(content, sizeof(content) - 1, w, sizeof(w) / sizeof(w[0])); \
	} while (0)

#define EXPECT_NONE(content) expect_lines(content, sizeof(content) - 1, NULL, 0)

static void plain_lines(void **state)
{
	EXPECT("alias a b\n#comment\n\n  indented\nlast", { "alias a b", 1 }, { "  indented", 4 },
	       { "last", 5 });
	/* Only a '#' at the very start is a comment; \r is data. */
	EXPECT(" #not a comment\r\n", { " #not a comment\r", 1 });
	EXPECT_NONE("");
	EXPECT_NONE("\n\n#x\n");
}

static void continuations(void **state)
{
	EXPECT("one \\\ntwo\nthree\n", { "one two", 1 }, { "three", 3 });
	EXPECT("a\\\n\\\nb\nc", { "ab", 1 }, { "c", 4 });
	/* A continued comment is all comment. */
	EXPECT("#c \\\nstill comment\nreal\n", { "real", 3 });
	/* Continuation lines alone make an empty line: skipped. */
	EXPECT_NONE("\\\n\\\n");
	EXPECT("x\\\n", { "x", 1 });
}

static void escapes(void **state)
{
	EXPECT("a\\b\\\\c\n", { "ab\\c", 1 });
	/* The comment test is on the logical line, after escapes. */
	EXPECT_NONE("\\#still a comment\n");
	/* A backslash at the end of the file is dropped. */
	EXPECT("end\\", { "end", 1 });
	EXPECT("tab\\\tx\n", { "tab\tx", 1 });
}

static void long_lines(void **state)
{
	size_t n = 100000;
	char *content = malloc(n + 3), *want = malloc(n + 1);
	struct expected w[2];

	for (size_t i = 0; i < n; i++)
		content[i] = want[i] = (char)('a' + i % 26);
	want[n] = '\0';
	memcpy(content + n, "\nz", 3);
	w[0] = (struct expected){ want, 1 };
	w[1] = (struct expected){ "z", 2 };
	expect_lines(content, n + 2, w, 2);
	free(content);
	free(want);
}

static void tokens(void **state)
{
	char line[] = " \t alias\tname  value \t";
	char empty[] = "";
	char *cursor = line;

	assert_string_equal(config_next_token(&cursor), "alias");
	assert_string_equal(config_next_token(&cursor), "name");
	assert_string_equal(config_next_token(&cursor), "value");
	assert_null(config_next_token(&cursor));
	assert_null(config_next_token(&cursor));	/* stays at the end */
	cursor = empty;
	assert_null(config_next_token(&cursor));
	cursor = NULL;
	assert_null(config_next_token(&cursor));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_lines),
		cmocka_unit_test(continuations),
		cmocka_unit_test(escapes),
		cmocka_unit_test(long_lines),
		cmocka_unit_test(tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
