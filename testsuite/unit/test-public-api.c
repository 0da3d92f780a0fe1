// SPDX-License-Identifier: LGPL-2.1-or-later
/* The small public calls no tool happens to use, through the shared
 * library as a client links it: the context's paths as the caller gave
 * them, an image's path, and the exact words the policy enums print as
 * (administrators' scripts and the records match on them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "elf_builder.h"
#include "pmod.h"

static void context_paths(void **state)
{
	struct pmod_ctx_options o = {
		.size = sizeof(o), .root = "/srv/test-root//", .kernel_release = "9.9.9-api",
	};
	struct pmod_ctx *ctx;
	const char *dir;

	(void)state;
	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);
	/* Trailing slashes go: root + "/etc/..." never doubles them. */
	assert_string_equal(pmod_ctx_root(ctx), "/srv/test-root");
	assert_string_equal(pmod_ctx_kernel_release(ctx), "9.9.9-api");
	dir = pmod_ctx_module_dir(ctx);
	assert_true(strncmp(dir, "/srv/test-root/", 15) == 0);
	assert_true(strlen(dir) > 10 && strcmp(dir + strlen(dir) - 10, "/9.9.9-api") == 0);
	pmod_ctx_free(ctx);

	/* No root: "" (every path is taken as it is). */
	o.root = NULL;
	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);
	assert_string_equal(pmod_ctx_root(ctx), "");
	pmod_ctx_free(ctx);
}

static void image_path(void **state)
{
	static const char modinfo[] = "license=GPL\0name=apitest\0vermagic=9.9.9-api SMP\0";
	struct fixture_spec spec = { .is64 = true, .modinfo = modinfo,
				     .modinfo_len = sizeof(modinfo) };
	struct pmod_ctx_options o = { .size = sizeof(o) };
	char path[] = "/tmp/pmod-public-api-XXXXXX";
	struct pmod_image *img;
	struct pmod_error err;
	struct pmod_ctx *ctx;
	uint8_t *bytes;
	size_t len;
	int fd;

	(void)state;
	assert_int_equal(fixture_build(&spec, &bytes, &len), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);

	assert_int_equal(pmod_image_open(ctx, path, &img, &err), 0);
	assert_string_equal(pmod_image_path(img), path);
	pmod_image_free(img);
	/* An image made from memory has no path. */
	assert_int_equal(pmod_image_new_from_memory(ctx, bytes, len, &img, &err), 0);
	assert_null(pmod_image_path(img));
	pmod_image_free(img);

	pmod_ctx_free(ctx);
	unlink(path);
	free(bytes);
}

static void policy_words(void **state)
{
	(void)state;
	assert_string_equal(pmod_signing_policy_name(PMOD_SIGNING_WARN), "warn");
	assert_string_equal(pmod_signing_policy_name(PMOD_SIGNING_ENFORCE), "enforce");
	assert_string_equal(pmod_autoload_policy_name(PMOD_AUTOLOAD_ENABLED), "enabled");
	assert_string_equal(pmod_autoload_policy_name(PMOD_AUTOLOAD_ALLOW_LIST), "allow-list");
	assert_string_equal(pmod_autoload_policy_name(PMOD_AUTOLOAD_DISABLED), "disabled");
	assert_string_equal(pmod_policy_source_name(PMOD_POLICY_SOURCE_DEFAULTS), "defaults");
	assert_string_equal(pmod_policy_source_name(PMOD_POLICY_SOURCE_REGISTRY), "registry");
	assert_string_equal(pmod_policy_source_name(PMOD_POLICY_SOURCE_FILE), "policy.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(context_paths),
		cmocka_unit_test(image_path),
		cmocka_unit_test(policy_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
