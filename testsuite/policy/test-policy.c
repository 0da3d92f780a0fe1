// SPDX-License-Identifier: GPL-2.0-or-later
/* The policy knobs from /etc/pmod/policy.conf (policy_file.c, policy.c),
 * hostile files included; the stat-line parser behind demand-load
 * detection (kernel_process.c); the record's format (record.c); and the
 * AutoLoadPolicy decision (demand_load.c). The registry path is covered
 * under the fake kernel (policy-cli.sh). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "context.h"
#include "gate.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "policy.h"
#include "pmod.h"

static char root[] = "/tmp/pmod-policy-test.XXXXXX";
static char logbuf[16384];

static void capture(void *data, int priority, const char *message)
{
	size_t used = strlen(logbuf);

	(void)data;
	(void)priority;
	snprintf(logbuf + used, sizeof(logbuf) - used, "%s\n", message);
}

static void write_policy(const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/pmod/policy.conf", root);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* A fresh context reading the file just written (no registry here: the
 * test does not preload the fake kernel, so syscall 1100 is ENOSYS). */
static struct pmod_ctx *ctx_with(const char *text)
{
	struct pmod_ctx_options o = { .size = sizeof(o), .root = root, .kernel_release = "0.0-test" };
	struct pmod_ctx *ctx;

	if (text != NULL)
		write_policy(text, strlen(text));
	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);
	pmod_ctx_set_log_fn(ctx, capture, NULL);
	pmod_ctx_set_log_priority(ctx, LOG_DEBUG);
	/* Records go nowhere in unit tests. */
	logbuf[0] = '\0';
	return ctx;
}

static const struct pmod_policy *policy_of(struct pmod_ctx *ctx)
{
	const struct pmod_policy *p;

	assert_int_equal(pmod_ctx_policy(ctx, &p), 0);
	return p;
}

static int setup(void **state)
{
	char path[512];

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/etc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/etc/pmod", root);
	mkdir(path, 0755);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_defaults_without_file(void **state)
{
	char path[512];
	struct pmod_ctx *ctx;
	const struct pmod_policy *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/pmod/policy.conf", root);
	unlink(path);
	ctx = ctx_with(NULL);
	p = policy_of(ctx);
	assert_int_equal(pmod_policy_source(p), PMOD_POLICY_SOURCE_DEFAULTS);
	assert_int_equal(pmod_policy_signing(p), pmod_signing_floor());
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_ENABLED);
	assert_int_equal(pmod_policy_allow_list_count(p), 0);
	assert_false(pmod_policy_lock_after_boot(p));
	assert_string_equal(logbuf, "");
	pmod_ctx_free(ctx);
}

static void test_every_knob(void **state)
{
	struct pmod_ctx *ctx;
	const struct pmod_policy *p;

	(void)state;
	ctx = ctx_with("# the Peios module policy\n"
		       "  signingpolicy = enforce   # names are case-insensitive\n"
		       "AUTOLOADPOLICY=allow-list\n"
		       "AutoLoadAllowList = fs-*, net-pf-10\tdummy,,loop\n"
		       "\n"
		       "LockAfterBoot = 1\n");
	p = policy_of(ctx);
	assert_int_equal(pmod_policy_source(p), PMOD_POLICY_SOURCE_FILE);
	assert_int_equal(pmod_policy_signing(p), PMOD_SIGNING_ENFORCE);
	assert_int_equal(pmod_ctx_signing_policy(ctx), PMOD_SIGNING_ENFORCE);
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_ALLOW_LIST);
	assert_int_equal(pmod_policy_allow_list_count(p), 4);
	assert_string_equal(pmod_policy_allow_list_entry(p, 0), "fs-*");
	assert_string_equal(pmod_policy_allow_list_entry(p, 1), "net-pf-10");
	assert_string_equal(pmod_policy_allow_list_entry(p, 2), "dummy");
	assert_string_equal(pmod_policy_allow_list_entry(p, 3), "loop");
	assert_null(pmod_policy_allow_list_entry(p, 4));
	assert_true(pmod_policy_lock_after_boot(p));
	assert_string_equal(logbuf, "");
	pmod_ctx_free(ctx);
}

/* The knob tightens, never loosens: "warn" under an enforce floor stays
 * enforce. */
static void test_floor_wins(void **state)
{
	struct pmod_ctx *ctx;

	(void)state;
	ctx = ctx_with("SigningPolicy = warn\n");
	assert_int_equal(pmod_ctx_signing_policy(ctx), pmod_signing_floor());
	pmod_ctx_free(ctx);
}

static void test_bad_values_fall_back(void **state)
{
	struct pmod_ctx *ctx;
	const struct pmod_policy *p;
	char want[600];

	(void)state;
	ctx = ctx_with("SigningPolicy = enforcing\n"
		       "AutoLoadPolicy = disable\n"
		       "LockAfterBoot = yes\n"
		       "Colour = blue\n"
		       "just some words\n"
		       "= enforce\n"
		       "SigningPolicy =\n");
	p = policy_of(ctx);
	assert_int_equal(pmod_policy_signing(p), pmod_signing_floor());
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_ENABLED);
	assert_false(pmod_policy_lock_after_boot(p));
	/* Each warning names the file and the line. */
	snprintf(want, sizeof(want), "%s/etc/pmod/policy.conf line 1: unknown SigningPolicy 'enforcing'",
		 root);
	assert_non_null(strstr(logbuf, want));
	snprintf(want, sizeof(want), "policy.conf line 2: unknown AutoLoadPolicy 'disable'");
	assert_non_null(strstr(logbuf, want));
	assert_non_null(strstr(logbuf, "line 3: LockAfterBoot must be 0 or 1, not 'yes'"));
	assert_non_null(strstr(logbuf, "line 4: unknown setting 'Colour'"));
	assert_non_null(strstr(logbuf, "line 5: expected 'Name = value'"));
	assert_non_null(strstr(logbuf, "line 6: unknown setting '(empty)'"));
	assert_non_null(strstr(logbuf, "line 7: SigningPolicy has no value"));
	pmod_ctx_free(ctx);
}

/* A later good line still counts after a bad one; a bad value does not
 * keep an earlier good one (it falls back, as documented). */
static void test_last_line_counts(void **state)
{
	struct pmod_ctx *ctx;

	(void)state;
	ctx = ctx_with("AutoLoadPolicy = disabled\nAutoLoadPolicy = nonsense\n");
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_ENABLED);
	pmod_ctx_free(ctx);
	ctx = ctx_with("AutoLoadPolicy = nonsense\nAutoLoadPolicy = Disabled\n");
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_DISABLED);
	pmod_ctx_free(ctx);
}

static void test_hostile_bytes(void **state)
{
	static const char nul[] = "SigningPolicy = enf\0orce\nAutoLoadPolicy = disabled\n";
	struct pmod_ctx *ctx;
	const struct pmod_policy *p;
	char *big;

	(void)state;
	/* A NUL inside a line: that line is ignored, the next one counts. */
	write_policy(nul, sizeof(nul) - 1);
	ctx = ctx_with(NULL);
	p = policy_of(ctx);
	assert_int_equal(pmod_policy_signing(p), pmod_signing_floor());
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_DISABLED);
	assert_non_null(strstr(logbuf, "line 1: holds a NUL byte"));
	pmod_ctx_free(ctx);

	/* Control characters in a value are not echoed raw. */
	ctx = ctx_with("SigningPolicy = \033[31mred\n");
	policy_of(ctx);
	assert_null(strchr(logbuf, '\033'));
	pmod_ctx_free(ctx);

	/* Allow-list entries that are not names are skipped. */
	ctx = ctx_with("AutoLoadAllowList = ok \001bad\n");
	p = policy_of(ctx);
	assert_int_equal(pmod_policy_allow_list_count(p), 1);
	assert_non_null(strstr(logbuf, "is not a module name or pattern"));
	pmod_ctx_free(ctx);

	/* An overlong file is refused as a whole, with defaults. */
	big = malloc(POLICY_MAX_FILE_SIZE + 100);
	assert_non_null(big);
	memset(big, '#', POLICY_MAX_FILE_SIZE + 99);
	memcpy(big, "AutoLoadPolicy = disabled\n", 26);
	write_policy(big, POLICY_MAX_FILE_SIZE + 99);
	free(big);
	ctx = ctx_with(NULL);
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_ENABLED);
	assert_non_null(strstr(logbuf, "larger than"));
	pmod_ctx_free(ctx);

	/* No final newline, CRLF endings. */
	ctx = ctx_with("LockAfterBoot = 1\r\nAutoLoadPolicy = disabled");
	p = policy_of(ctx);
	assert_true(pmod_policy_lock_after_boot(p));
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_DISABLED);
	pmod_ctx_free(ctx);
}

static void test_not_a_regular_file(void **state)
{
	char path[512];
	struct pmod_ctx *ctx;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/pmod/policy.conf", root);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	ctx = ctx_with(NULL);
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_ENABLED);
	assert_non_null(strstr(logbuf, "not a regular file"));
	pmod_ctx_free(ctx);
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	ctx = ctx_with(NULL);
	policy_of(ctx);
	assert_non_null(strstr(logbuf, "policy.conf"));
	pmod_ctx_free(ctx);
	rmdir(path);
}

/* Many entries: capped, with a warning, never unbounded. */
static void test_allow_list_cap(void **state)
{
	size_t n = POLICY_MAX_ALLOW_ENTRIES + 10, used = 0;
	char *text = malloc(n * 8 + 64);
	struct pmod_ctx *ctx;

	(void)state;
	assert_non_null(text);
	used += (size_t)sprintf(text, "AutoLoadAllowList =");
	for (size_t i = 0; i < n; i++)
		used += (size_t)sprintf(text + used, " m%zu", i);
	strcpy(text + used, "\n");
	ctx = ctx_with(text);
	free(text);
	assert_int_equal(pmod_policy_allow_list_count(policy_of(ctx)), POLICY_MAX_ALLOW_ENTRIES);
	assert_non_null(strstr(logbuf, "more than"));
	pmod_ctx_free(ctx);
}

/* ---------------------------------------------------------------- /proc/PID/stat */

static void test_stat_line(void **state)
{
	struct kernel_process p;

	(void)state;
	assert_int_equal(kernel_process_parse_stat(
		"2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0", &p), 0);
	assert_string_equal(p.comm, "kthreadd");
	assert_int_equal(p.ppid, 0);
	assert_true(kernel_process_is_kernel_thread(&p));
	/* A command name with spaces and parentheses cannot shift fields. */
	assert_int_equal(kernel_process_parse_stat(
		"77 (a) S 1 1 1 0 -1 2129984 (x) R 5 6 7 8 9 4194560 0 0", &p), 0);
	assert_string_equal(p.comm, "a) S 1 1 1 0 -1 2129984 (x");
	assert_int_equal(p.ppid, 5);
	assert_false(kernel_process_is_kernel_thread(&p));
	/* Garbage. */
	assert_int_equal(kernel_process_parse_stat("", &p), -EINVAL);
	assert_int_equal(kernel_process_parse_stat("1 (x", &p), -EINVAL);
	assert_int_equal(kernel_process_parse_stat("1 (x) S 1 2 3", &p), -EINVAL);
	assert_int_equal(kernel_process_parse_stat("1 (x) S 1 2 3 4 5 -7 0", &p), -EINVAL);
	assert_int_equal(kernel_process_parse_stat("1 (x) S 1 2 3 4 5 99999999999999999999999 0", &p),
			 -EINVAL);
	assert_int_equal(kernel_process_parse_stat("1 (x)S 1 2 3 4 5 6 0", &p), -EINVAL);
	/* A newline in the command name (PR_SET_NAME allows it) hides no
	 * field: the whole file is parsed, not its first line. */
	assert_int_equal(kernel_process_parse_stat(
		"9 (a\n) S 1 1 1 0 -1 4194560 0 0", &p), 0);
	assert_string_equal(p.comm, "a\n");
	assert_int_equal(p.ppid, 1);
}

/* ---------------------------------------------------------------- records */

static void test_record_format(void **state)
{
	struct pmod_record rec = {
		.action = "load",
		.module = "evil\nmodule=x",
		.path = "/lib/modules/a b/\"q\".ko",
		.result = -EEXIST,
	};
	struct pmod_ctx *ctx;
	char buf[4096], small[40];
	int n;

	(void)state;
	ctx = ctx_with("AutoLoadPolicy = allow-list\n");
	rec.request = "fs-ext4";
	rec.demand = true;
	n = pmod_record_format(ctx, &rec, buf, sizeof(buf));
	assert_int_equal((size_t)n, strlen(buf));
	assert_non_null(strstr(buf, "load request=fs-ext4 module=\"evil\\x0amodule=x\""));
	assert_non_null(strstr(buf, " path=\"/lib/modules/a b/\\\"q\\\".ko\""));
	assert_non_null(strstr(buf, " signature=not-checked"));
	assert_non_null(strstr(buf, " autoload-policy=allow-list"));
	assert_non_null(strstr(buf, " demand=yes"));
	assert_non_null(strstr(buf, " uid="));
	assert_non_null(strstr(buf, " result=EEXIST"));
	assert_null(strchr(buf, '\n'));
	/* A verdict slots in. */
	rec.signature = "valid";
	rec.result = 0;
	pmod_record_format(ctx, &rec, buf, sizeof(buf));
	assert_non_null(strstr(buf, " signature=valid"));
	assert_non_null(strstr(buf, " result=ok"));
	/* A verdict from verification: its name, the signer (escaped, it
	 * is the signature's text), key id in hex, hash, certificate. */
	{
		struct pmod_verify_result v = {
			.verdict = PMOD_VERDICT_UNTRUSTED,
			.signer = { .name = "Evil\" signer=x", .key_id = { 0x0a, 0xbc },
				    .key_id_len = 2, .hash_algo = "sha256" },
		};

		rec.verdict = &v;
		pmod_record_format(ctx, &rec, buf, sizeof(buf));
		assert_non_null(strstr(buf, " signature=untrusted signer=\"Evil\\\" signer=x\" "
					    "key=0abc hash=sha256 signing-policy="));
		v.verdict = PMOD_VERDICT_VALID;
		v.certificate = "/etc/pmod/keys/admin.pem";
		pmod_record_format(ctx, &rec, buf, sizeof(buf));
		assert_non_null(strstr(buf, " signature=valid signer="));
		assert_non_null(strstr(buf, " certificate=/etc/pmod/keys/admin.pem "));
		v.verdict = PMOD_VERDICT_UNSIGNED;
		pmod_record_format(ctx, &rec, buf, sizeof(buf));
		assert_non_null(strstr(buf, " signature=unsigned signing-policy="));
		rec.verdict = NULL;
	}
	/* Hostile values at every variable field, each all escapes: each is
	 * cut at its share and the result still ends the record. */
	{
		char hostile[1200];
		char big[4096];

		memset(hostile, '\x01', sizeof(hostile) - 1);
		hostile[sizeof(hostile) - 1] = '\0';
		rec.module = rec.path = rec.rule = hostile;
		rec.request = hostile;
		n = pmod_record_format(ctx, &rec, big, sizeof(big));
		assert_true((size_t)n < sizeof(big));
		assert_non_null(strstr(big, " result=ok"));
		assert_non_null(strstr(big, "\\x01...\" path="));
		rec.module = "m";
		rec.path = "/p";
		rec.rule = NULL;
		rec.request = "fs-ext4";
	}
	/* Too small a buffer: cut, terminated, the needed length returned. */
	n = pmod_record_format(ctx, &rec, small, sizeof(small));
	assert_true((size_t)n > sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	pmod_ctx_free(ctx);
}

/* ---------------------------------------------------------------- AutoLoadPolicy */

static void discard(void *data, int priority, const char *record)
{
	int *count = data;

	(void)priority;
	(void)record;
	(*count)++;
}

/* AutoLoadPolicy's verdict on one demand request, as pmod_load asks it. */
static int demand(struct pmod_ctx *ctx, const char *request, const struct pmod_resolved *m,
		  struct pmod_error *err)
{
	struct request req = { .text = request, .demand = true };

	return demand_check(ctx, &req, m, err);
}

static void test_demand_decisions(void **state)
{
	struct pmod_resolved ext4 = { .name = "ext4", .path = "/x/ext4.ko", .alias = "fs-ext4" };
	struct pmod_resolved hda = { .name = "snd_hda_intel", .path = "/x/snd-hda-intel.ko" };
	struct pmod_error err;
	struct pmod_ctx *ctx;
	int records = 0;

	(void)state;
	ctx = ctx_with("AutoLoadPolicy = allow-list\nAutoLoadAllowList = fs-* snd-hda-intel\n");
	pmod_ctx_set_record_fn(ctx, discard, &records);
	assert_int_equal(demand(ctx, "fs-ext4", NULL, &err), 0);
	assert_int_equal(demand(ctx, "fs-ext4", &ext4, &err), 0);
	/* The module's name matches ('-' and '_' alike). */
	assert_int_equal(demand(ctx, "pci:v00008086d*", &hda, &err), 0);
	/* Neither the request nor the module matches. */
	records = 0;
	assert_int_equal(demand(ctx, "net-pf-10", &ext4, &err), -EPERM);
	assert_int_equal(records, 1);
	pmod_ctx_free(ctx);

	ctx = ctx_with("AutoLoadPolicy = allow-list\nAutoLoadAllowList = loop\n");
	pmod_ctx_set_record_fn(ctx, discard, &records);
	records = 0;
	assert_int_equal(demand(ctx, "net-pf-10", &ext4, &err), -EPERM);
	assert_non_null(strstr(err.text, "'net-pf-10'"));
	assert_non_null(strstr(err.text, "allow-list"));
	assert_int_equal(records, 1);
	pmod_ctx_free(ctx);

	ctx = ctx_with("AutoLoadPolicy = disabled\n");
	pmod_ctx_set_record_fn(ctx, discard, &records);
	records = 0;
	assert_int_equal(demand(ctx, "fs-ext4", NULL, &err), -EPERM);
	assert_non_null(strstr(err.text, "AutoLoadPolicy=disabled"));
	assert_int_equal(records, 1);
	pmod_ctx_free(ctx);

	ctx = ctx_with("AutoLoadPolicy = enabled\n");
	assert_int_equal(demand(ctx, "anything", &ext4, &err), 0);
	pmod_ctx_free(ctx);
}

/* A demand load that goes ahead: its records name the rule that let it.
 * The rule belongs to the request: another request on the same context
 * names none until it is judged. */
static void keep_last(void *data, int priority, const char *record)
{
	(void)priority;
	snprintf(data, 4096, "%s", record);
}

static void test_demand_rule_recorded(void **state)
{
	struct pmod_resolved ext4 = { .name = "ext4", .path = "/x/ext4.ko", .alias = "fs-ext4" };
	struct pmod_record rec = { .action = "load", .module = "ext4", .path = "/x/ext4.ko" };
	struct request first = { .text = "fs-ext4", .demand = true };
	struct request second = { .text = "fs-xfs", .demand = true };
	struct pmod_error err;
	struct pmod_ctx *ctx;
	char buf[4096];

	(void)state;
	ctx = ctx_with("AutoLoadPolicy = allow-list\nAutoLoadAllowList = fs-*\n");
	pmod_ctx_set_record_fn(ctx, keep_last, buf);
	assert_int_equal(demand_check(ctx, &first, &ext4, &err), 0);
	record_emit(ctx, &first, &rec);
	assert_non_null(strstr(buf, "load request=fs-ext4 "));
	assert_non_null(strstr(buf, " demand=yes rule=\"AutoLoadPolicy=allow-list "
				    "(AutoLoadAllowList entry fs-*)\" "));
	/* Another request, not judged yet, on the same context. */
	record_emit(ctx, &second, &rec);
	assert_non_null(strstr(buf, "load request=fs-xfs "));
	assert_null(strstr(buf, " rule="));
	pmod_ctx_free(ctx);

	ctx = ctx_with("AutoLoadPolicy = enabled\n");
	pmod_ctx_set_record_fn(ctx, keep_last, buf);
	first.rule[0] = '\0';
	assert_int_equal(demand_check(ctx, &first, &ext4, &err), 0);
	record_emit(ctx, &first, &rec);
	assert_non_null(strstr(buf, " rule=\"AutoLoadPolicy=enabled\" "));
	pmod_ctx_free(ctx);
}

/* The standard build has no forced unload: asking for it is refused
 * before the kernel (no delete_module at all). */
static void test_no_forced_unload(void **state)
{
	struct pmod_error err;
	struct pmod_ctx *ctx;

	(void)state;
	if (pmod_forced_unload_available())
		skip();
	ctx = ctx_with(NULL);
	assert_int_equal(kernel_remove(ctx, NULL, "a", PMOD_KERNEL_REMOVE_FORCE, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.text, "not available"));
	pmod_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_file),
		cmocka_unit_test(test_every_knob),
		cmocka_unit_test(test_floor_wins),
		cmocka_unit_test(test_bad_values_fall_back),
		cmocka_unit_test(test_last_line_counts),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_not_a_regular_file),
		cmocka_unit_test(test_allow_list_cap),
		cmocka_unit_test(test_stat_line),
		cmocka_unit_test(test_record_format),
		cmocka_unit_test(test_demand_decisions),
		cmocka_unit_test(test_demand_rule_recorded),
		cmocka_unit_test(test_no_forced_unload),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
