// SPDX-License-Identifier: GPL-2.0-or-later
/* libpmod's kernel boundary (kernel.c, kernel_errors.c) against hostile
 * /proc and /sys contents, run under the fake kernel (LD_PRELOAD set by
 * meson). Each test writes its own fake directory. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "kernel.h"
#include "kernel_calls.h"
#include "kernel_errors.h"
#include "pmod.h"

static char fake[256];
static struct pmod_ctx *ctx;

static void put(const char *rel, const char *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void puts_file(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", fake, rel);
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static int setup(void **state)
{
	struct pmod_ctx_options o = { .size = sizeof(o), .root = "/nonexistent-pmod-root" };

	(void)state;
	snprintf(fake, sizeof(fake), "/tmp/pmod-kb.XXXXXX");
	assert_non_null(mkdtemp(fake));
	setenv("PMOD_FAKE_KERNEL", fake, 1);
	dir("proc");
	dir("proc/sys");
	dir("proc/sys/kernel");
	dir("sys");
	dir("sys/module");
	puts_file("proc/modules", "");
	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	pmod_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void module(const char *name, const char *initstate, const char *refcnt)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/module/%s", name);
	dir(rel);
	snprintf(rel, sizeof(rel), "sys/module/%s/holders", name);
	dir(rel);
	if (initstate) {
		snprintf(rel, sizeof(rel), "sys/module/%s/initstate", name);
		puts_file(rel, initstate);
	}
	if (refcnt) {
		snprintf(rel, sizeof(rel), "sys/module/%s/refcnt", name);
		puts_file(rel, refcnt);
	}
}

static void holder(const char *name, const char *h)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/module/%s/holders/%s", name, h);
	puts_file(rel, "");
}

static void test_state(void **state)
{
	char longname[300];

	(void)state;
	module("a", "live\n", "0\n");
	module("b", "coming\n", "0\n");
	module("c", "going", "0\n");
	module("d", "bogus\n", "0\n");
	module("e", NULL, NULL);		/* built in, not indexed */
	module("f", "live\nand more lines\n", "0\n");
	assert_int_equal(pmod_kernel_module_state(ctx, "a"), PMOD_STATE_LIVE);
	assert_int_equal(pmod_kernel_module_state(ctx, "b"), PMOD_STATE_COMING);
	assert_int_equal(pmod_kernel_module_state(ctx, "c"), PMOD_STATE_GOING);
	assert_int_equal(pmod_kernel_module_state(ctx, "d"), -EINVAL);
	assert_int_equal(pmod_kernel_module_state(ctx, "e"), PMOD_STATE_COMING);
	assert_int_equal(pmod_kernel_module_state(ctx, "f"), PMOD_STATE_LIVE);
	assert_int_equal(pmod_kernel_module_state(ctx, "absent"), PMOD_STATE_ABSENT);
	assert_int_equal(pmod_kernel_module_state(ctx, "../a"), -EINVAL);
	assert_int_equal(pmod_kernel_module_state(ctx, ".."), -EINVAL);
	assert_int_equal(pmod_kernel_module_state(ctx, ""), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(pmod_kernel_module_state(ctx, longname), -ENAMETOOLONG);
}

static void test_fifo_does_not_hang(void **state)
{
	char path[512];

	(void)state;
	module("g", NULL, "0\n");
	snprintf(path, sizeof(path), "%s/sys/module/g/initstate", fake);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_true(pmod_kernel_module_state(ctx, "g") < 0);
}

static void test_garbage_sysfs_values(void **state)
{
	struct pmod_loaded_module u;

	(void)state;
	module("h", "live\n", "lots\n");
	puts_file("sys/module/h/coresize", "99999999999999999999999999\n");
	assert_int_equal(pmod_kernel_module_usage(ctx, "h", &u, NULL), 0);
	assert_int_equal(u.refcnt, -EINVAL);
	assert_int_equal(u.size, -EINVAL);
	pmod_loaded_module_release(&u);
	put("sys/module/h/refcnt", "1\0002\n", 4);	/* a NUL inside */
	assert_int_equal(pmod_kernel_module_usage(ctx, "h", &u, NULL), 0);
	assert_int_equal(u.refcnt, -EINVAL);
	pmod_loaded_module_release(&u);
}

static void expect_proc_error(const char *data, size_t len, const char *words)
{
	struct pmod_loaded_module *mods = NULL;
	struct pmod_error err = { 0 };
	size_t n = 99;

	put("proc/modules", data, len);
	assert_true(pmod_kernel_loaded_modules(ctx, &mods, &n, &err) < 0);
	assert_null(mods);
	assert_int_equal(n, 0);
	assert_non_null(strstr(err.text, "/proc/modules"));
	if (strstr(err.text, words) == NULL)
		fail_msg("'%s' does not say '%s'", err.text, words);
}

static void test_hostile_proc_modules(void **state)
{
	char big[200];
	size_t len;
	char *many;

	(void)state;
#define EXPECT(lit, words) expect_proc_error(lit, sizeof(lit) - 1, words)
	EXPECT("ok 1 0 - Live 0\nnosize\n", "line 2: nosize has no valid size");
	EXPECT("ok x 0 - Live 0\n", "no valid size");
	EXPECT("a\0b 1 0 - Live 0\n", "NUL");
	EXPECT("../../etc 1 0 - Live 0\n", "not a module name");
	EXPECT("\xff\xfe\x01garbage\x7f 1\n", "not a module name");
	memset(big, 'n', 100);
	snprintf(big + 100, sizeof(big) - 100, " 1 0 - Live 0\n");
	expect_proc_error(big, strlen(big), "longer than 55");
	/* 70,000 lines: bounded, not swallowed. */
	len = 70000 * 6;
	many = malloc(len);
	assert_non_null(many);
	for (size_t i = 0; i < 70000; i++)
		memcpy(many + i * 6, "m 1 0\n", 6);
	expect_proc_error(many, len, "more than 65536 lines");
	free(many);
}

static void test_missing_proc_modules(void **state)
{
	struct pmod_loaded_module *mods;
	struct pmod_error err = { 0 };
	char path[512];
	size_t n;

	(void)state;
	snprintf(path, sizeof(path), "%s/proc/modules", fake);
	unlink(path);
	assert_int_equal(pmod_kernel_loaded_modules(ctx, &mods, &n, &err), -ENOENT);
	assert_non_null(strstr(err.text, "cannot read /proc/modules"));
}

static void test_long_line(void **state)
{
	struct pmod_loaded_module *mods;
	struct pmod_error err = { 0 };
	size_t n, len = 0;
	char *text = malloc(20000);

	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text, "hub 4096 500 ");
	for (int i = 0; i < 1000; i++)
		len += (size_t)sprintf(text + len, "h%04d,", i);
	len += (size_t)sprintf(text + len, " Live 0x0\nnext 10 0 - Live 0x0\n");
	put("proc/modules", text, len);
	free(text);
	assert_int_equal(pmod_kernel_loaded_modules(ctx, &mods, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(mods[0].name, "hub");
	assert_int_equal(mods[0].size, -ENOENT);	/* no /sys/module/hub */
	assert_string_equal(mods[1].name, "next");
	pmod_loaded_modules_free(mods, n);
}

static void test_explain_remove(void **state)
{
	struct pmod_error err = { 0 };

	(void)state;
	module("used", "live\n", "2\n");
	holder("used", "user_a");
	holder("used", "user_b");
	explain_remove(ctx, "used", -EAGAIN, &err);
	assert_int_equal(err.code, -EAGAIN);
	assert_non_null(strstr(err.text, "the module is in use by "));
	assert_non_null(strstr(err.text, "user_a"));
	assert_non_null(strstr(err.text, "user_b"));
	assert_non_null(strstr(err.text, "(refcount 2)"));

	module("open", "live\n", "2\n");
	explain_remove(ctx, "open", EBUSY, &err);	/* either sign */
	assert_int_equal(err.code, -EBUSY);
	assert_string_equal(err.text, "the module is held by 2 references (open devices or files)");

	module("idle", "live\n", "0\n");
	explain_remove(ctx, "idle", -EBUSY, &err);
	assert_non_null(strstr(err.text, "not live"));

	explain_remove(ctx, "gone", -ENOENT, &err);
	assert_string_equal(err.text, "the module is not loaded");

	puts_file("proc/sys/kernel/modules_disabled", "1\n");
	explain_remove(ctx, "idle", -EPERM, &err);
	assert_non_null(strstr(err.text, "locked until reboot"));
	puts_file("proc/sys/kernel/modules_disabled", "0\n");
	explain_remove(ctx, "idle", -EPERM, &err);
	assert_non_null(strstr(err.text, "SeLoadDriverPrivilege (CAP_SYS_MODULE)"));
}

static void test_remove_refuses_bad_names(void **state)
{
	struct pmod_error err = { 0 };
	char path[512];
	struct stat st;

	(void)state;
	assert_int_equal(kernel_remove(ctx, NULL, "a/b", 0, &err), -EINVAL);
	assert_int_equal(kernel_remove(ctx, NULL, "", 0, &err), -EINVAL);
	snprintf(path, sizeof(path), "%s/calls.log", fake);
	assert_int_not_equal(stat(path, &st), 0);	/* nothing reached the kernel */
	assert_int_equal(kernel_remove(ctx, NULL, "notloaded", 0, &err), -ENOENT);
	assert_string_equal(err.text, "the module is not loaded");
	assert_int_equal(stat(path, &st), 0);
}

static void test_insert_bad_files(void **state)
{
	struct pmod_error err = { 0 };
	char path[512];
	bool answered = true;

	(void)state;
	snprintf(path, sizeof(path), "%s/sys", fake);
	assert_int_equal(kernel_insert(ctx, NULL, path, NULL, 0, &answered, &err), -EISDIR);
	assert_false(answered);
	snprintf(path, sizeof(path), "%s/none.ko", fake);
	assert_int_equal(kernel_insert(ctx, NULL, path, NULL, 0, &answered, &err), -ENOENT);
	assert_false(answered);
	/* Not an ELF file: the (fake) kernel says ENOEXEC, explained. */
	put("garbage.ko", "this is not a module", 20);
	snprintf(path, sizeof(path), "%s/garbage.ko", fake);
	assert_int_equal(kernel_insert(ctx, NULL, path, "", 0, &answered, &err), -ENOEXEC);
	assert_true(answered);
	assert_non_null(strstr(err.text, "not a valid module file"));
	/* A zstd magic with nothing behind it: a read error, nothing sent. */
	put("trunc.ko.zst", "\x28\xb5\x2f\xfd\x00", 5);
	snprintf(path, sizeof(path), "%s/trunc.ko.zst", fake);
	assert_true(kernel_insert(ctx, NULL, path, "", 0, &answered, &err) < 0);
	assert_false(answered);
	assert_true(err.text[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_does_not_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_sysfs_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_proc_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_proc_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explain_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove_refuses_bad_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_bad_files, setup, teardown),
	};

	if (getenv("LD_PRELOAD") == NULL || strstr(getenv("LD_PRELOAD"), "fake-kernel") == NULL) {
		fprintf(stderr, "needs the fake kernel in LD_PRELOAD\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
