// SPDX-License-Identifier: LGPL-2.1-or-later
/* Options structs that carry their own size, and depmod's callbacks that
 * replace printing from the library. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "options_size.h"
#include "pmod.h"

/* A caller built against a newer pmod.h: one more field after ours. */
struct newer_ctx_options {
	struct pmod_ctx_options known;
	uint64_t future_field;
};

static void ctx_options_size_checked(void **state)
{
	struct newer_ctx_options newer = { .known = { .size = sizeof(newer) } };
	struct pmod_ctx_options unset = { .kernel_release = "1.0" };
	struct pmod_ctx *ctx = NULL;

	(void)state;
	/* The size was never set: refused, not guessed. */
	assert_int_equal(pmod_ctx_new(&unset, &ctx), -EINVAL);
	assert_null(ctx);
	/* Larger than this library knows, unknown tail zero: accepted. */
	newer.known.kernel_release = "1.0";
	assert_int_equal(pmod_ctx_new(&newer.known, &ctx), 0);
	pmod_ctx_free(ctx);
	ctx = NULL;
	/* The unknown field set: the library cannot do what was asked. */
	newer.future_field = 1;
	assert_int_equal(pmod_ctx_new(&newer.known, &ctx), -E2BIG);
	assert_null(ctx);
}

/* An older caller's struct that ends before fields added since: what it
 * does not have is zero, even when bytes follow it in memory. */
static void smaller_size_zero_fills(void **state)
{
	struct pmod_ctx_options full;
	struct pmod_ctx_options copy;

	(void)state;
	memset(&full, 0xff, sizeof(full));
	full.size = offsetof(struct pmod_ctx_options, basedir);
	full.root = "/somewhere";
	assert_int_equal(options_copy(&copy, sizeof(copy), &full), 0);
	assert_string_equal(copy.root, "/somewhere");
	assert_null(copy.basedir);
	assert_null(copy.kernel_release);
	assert_null(copy.module_directory);
	/* NULL options: every default. */
	memset(&copy, 0xff, sizeof(copy));
	assert_int_equal(options_copy(&copy, sizeof(copy), NULL), 0);
	assert_int_equal(copy.size, sizeof(copy));
	assert_null(copy.root);
	/* Too small to hold the size member. */
	full.size = sizeof(size_t) - 1;
	assert_int_equal(options_copy(&copy, sizeof(copy), &full), -EINVAL);
}

struct seen {
	char names[8][32];
	size_t count;
	size_t stop_at;		/* fail on this call (1-based), 0 never */
};

static int collect(void *data, const char *file_name, const char *bytes, size_t len)
{
	struct seen *s = data;

	assert_non_null(bytes);
	(void)len;
	if (s->count < 8)
		snprintf(s->names[s->count], sizeof(s->names[0]), "%s", file_name);
	s->count++;
	return s->count == s->stop_at ? -EPIPE : 0;
}

struct tree {
	char root[64];
	struct pmod_ctx *ctx;
};

static int tree_setup(void **state)
{
	static struct tree t;
	struct pmod_ctx_options o = { .size = sizeof(o), .kernel_release = "1.0" };
	char path[128];

	snprintf(t.root, sizeof(t.root), "/tmp/pmod-options-XXXXXX");
	if (mkdtemp(t.root) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/lib", t.root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/modules", t.root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/modules/1.0", t.root);
	mkdir(path, 0755);
	o.root = t.root;
	if (pmod_ctx_new(&o, &t.ctx) < 0)
		return -1;
	*state = &t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	pmod_ctx_free(t->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	return system(cmd) == 0 ? 0 : -1;
}

/* A dry run hands every text output to the callback, in the order depmod
 * -n prints them, and writes no file. */
static void depmod_dry_run_output(void **state)
{
	struct tree *t = *state;
	struct seen s = { .stop_at = 0 };
	struct pmod_depmod_options o = {
		.size = sizeof(o), .dry_run = true, .dry_run_output = collect, .dry_run_data = &s,
	};
	static const char *const expected[] = {
		"modules.dep", "modules.alias", "modules.softdep", "modules.weakdep",
		"modules.symbols", "modules.devname",
	};
	struct pmod_error err = { 0 };
	char path[128];

	assert_int_equal(pmod_depmod(t->ctx, &o, &err), 0);
	assert_int_equal(s.count, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(s.names[i], expected[i]);
	snprintf(path, sizeof(path), "%s/lib/modules/1.0/modules.dep", t->root);
	assert_int_equal(access(path, F_OK), -1);
}

/* The callback's error stops depmod and comes back as its result. */
static void depmod_output_error_stops(void **state)
{
	struct tree *t = *state;
	struct seen s = { .stop_at = 2 };
	struct pmod_depmod_options o = {
		.size = sizeof(o), .dry_run = true, .dry_run_output = collect, .dry_run_data = &s,
	};
	struct pmod_error err = { 0 };

	assert_int_equal(pmod_depmod(t->ctx, &o, &err), -EPIPE);
	assert_int_equal(err.code, -EPIPE);
	assert_int_equal(s.count, 2);
}

/* depmod's options are checked like the others, before any work. */
static void depmod_options_size_checked(void **state)
{
	struct tree *t = *state;
	struct {
		struct pmod_depmod_options known;
		uint32_t future_field;
	} newer = { .known = { .size = sizeof(newer), .dry_run = true }, .future_field = 7 };
	struct pmod_depmod_options unset = { .dry_run = true };
	struct pmod_error err = { 0 };

	assert_int_equal(pmod_depmod(t->ctx, &newer.known, &err), -E2BIG);
	assert_int_equal(err.code, -E2BIG);
	assert_true(strlen(err.text) > 0);
	assert_int_equal(pmod_depmod(t->ctx, &unset, &err), -EINVAL);
	newer.future_field = 0;
	assert_int_equal(pmod_depmod(t->ctx, &newer.known, &err), 0);
}

static void config_options_size_checked(void **state)
{
	struct tree *t = *state;
	struct {
		struct pmod_config_options known;
		uint64_t future_field;
	} newer = { .known = { .size = sizeof(newer), .kernel_cmdline = "" }, .future_field = 1 };
	struct pmod_config *cfg = NULL;
	struct pmod_error err = { 0 };

	assert_int_equal(pmod_config_load(t->ctx, &newer.known, &cfg, &err), -E2BIG);
	assert_null(cfg);
	newer.future_field = 0;
	assert_int_equal(pmod_config_load(t->ctx, &newer.known, &cfg, &err), 0);
	pmod_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctx_options_size_checked),
		cmocka_unit_test(smaller_size_zero_fills),
		cmocka_unit_test(depmod_dry_run_output),
		cmocka_unit_test(depmod_output_error_stops),
		cmocka_unit_test(depmod_options_size_checked),
		cmocka_unit_test(config_options_size_checked),
	};

	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
