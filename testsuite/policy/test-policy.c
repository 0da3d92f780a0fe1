// SPDX-License-Identifier: GPL-2.0-or-later
/* The policy knobs from /etc/pmod/policy.conf (policy_file.c, policy.c),
 * hostile files included, and how every doubt about them fails closed;
 * the escaper every log line goes through (escape.c); the stat-line parser behind demand-load
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
#include "escape.h"
#include "gate.h"
#include "kernel.h"
#include "kernel_calls.h"
#include "policy.h"
#include "pmod.h"
#include "record_fields.h"
#include "record_parse.h"

static char root[] = "/tmp/pmod-policy-test.XXXXXX";
static char logbuf[16384];
static char recbuf[16384];

static void capture(void *data, int priority, const char *message)
{
	size_t used = strlen(logbuf);

	(void)data;
	(void)priority;
	snprintf(logbuf + used, sizeof(logbuf) - used, "%s\n", message);
}

/* Records (policy warnings among them) as the default sink would get
 * them, one per line. */
static void capture_record(void *data, int priority, const char *record)
{
	size_t used = strlen(recbuf);

	(void)data;
	(void)priority;
	snprintf(recbuf + used, sizeof(recbuf) - used, "%s\n", record);
}

static void write_policy(const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/pmod/policy.conf", root);
	/* Whatever a failed test left there (a FIFO would block the open). */
	unlink(path);
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
	/* Records are kept here, never sent to the system log. */
	pmod_ctx_set_record_fn(ctx, capture_record, NULL);
	logbuf[0] = '\0';
	recbuf[0] = '\0';
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

/* Every knob at its strictest: what a policy that cannot be read means. */
static void assert_all_strictest(const struct pmod_policy *p)
{
	assert_int_equal(p->signing_knob, PMOD_SIGNING_ENFORCE);
	assert_int_equal(pmod_policy_signing(p), PMOD_SIGNING_ENFORCE);
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_DISABLED);
	assert_int_equal(pmod_policy_allow_list_count(p), 0);
	assert_true(pmod_policy_lock_after_boot(p));
}

/* want is in the log, and in a policy-warning record (escaped as a
 * record value: the test's strings need no escaping there). */
static void assert_warned(const char *want)
{
	if (strstr(logbuf, want) == NULL)
		fail_msg("'%s' not in the log:\n%s", want, logbuf);
	if (strstr(recbuf, "policy-warning message=\"") == NULL)
		fail_msg("no policy-warning record:\n%s", recbuf);
}

/* A value that is present but not understood (unknown, misspelt, quoted,
 * truncated, with stray characters, control bytes, bytes that are not
 * UTF-8, overlong, empty) means the knob's strictest setting, with a
 * warning naming the file, the line and the value, escaped. */
static void test_bad_values_fail_closed(void **state)
{
	static const struct {
		const char *line, *shown;
	} signing[] = {
		{ "SigningPolicy = enforcing", "value enforcing (expected" },
		{ "SigningPolicy = \"warn\"", "value \"\\\"warn\\\"\" (expected" },
		{ "SigningPolicy = 'warn'", "value \"'warn'\" (expected" },
		{ "SigningPolicy = warn x", "value \"warn x\" (expected" },
		{ "SigningPolicy = warn;", "value \"warn;\" (expected" },
		{ "SigningPolicy = wa", "value wa (expected" },
		{ "SigningPolicy = warn\001", "value \"warn\\x01\" (expected" },
		{ "SigningPolicy = \033[31mwarn", "value \"\\x1b[31mwarn\" (expected" },
		{ "SigningPolicy = w\xc3\xa4rn", "value \"w\\xc3\\xa4rn\" (expected" },
		{ "SigningPolicy = \xffwarn", "value \"\\xffwarn\" (expected" },
		{ "SigningPolicy =", "SigningPolicy has no value" },
	};
	static const struct {
		const char *line, *shown;
	} autoload[] = {
		{ "AutoLoadPolicy = disable", "value disable (expected" },
		{ "AutoLoadPolicy = enable", "value enable (expected" },
		{ "AutoLoadPolicy = \"enabled\"", "value \"\\\"enabled\\\"\" (expected" },
		{ "AutoLoadPolicy = enabled,", "value enabled, (expected" },
		{ "AutoLoadPolicy = allowlist", "value allowlist (expected" },
		{ "AutoLoadPolicy = enabled\r\r x", "value \"enabled\\x0d\\x0d x\" (expected" },
		{ "AutoLoadPolicy =", "AutoLoadPolicy has no value" },
	};
	struct pmod_ctx *ctx;
	const struct pmod_policy *p;
	char text[512], want[600], *longv;

	(void)state;
	for (size_t i = 0; i < sizeof(signing) / sizeof(signing[0]); i++) {
		/* AutoLoadPolicy is set too, and must stay as it is. */
		snprintf(text, sizeof(text), "AutoLoadPolicy = allow-list\n%s\n", signing[i].line);
		ctx = ctx_with(text);
		p = policy_of(ctx);
		if (p->signing_knob != PMOD_SIGNING_ENFORCE)
			fail_msg("'%s' did not fail closed", signing[i].line);
		assert_int_equal(pmod_policy_signing(p), PMOD_SIGNING_ENFORCE);
		assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_ALLOW_LIST);
		snprintf(want, sizeof(want), "%s/etc/pmod/policy.conf line 2: ", root);
		assert_warned(want);
		assert_warned(signing[i].shown);
		assert_warned("; using the strictest setting, SigningPolicy = enforce");
		pmod_ctx_free(ctx);
	}
	for (size_t i = 0; i < sizeof(autoload) / sizeof(autoload[0]); i++) {
		snprintf(text, sizeof(text), "SigningPolicy = warn\n%s\n", autoload[i].line);
		ctx = ctx_with(text);
		p = policy_of(ctx);
		if (pmod_policy_autoload(p) != PMOD_AUTOLOAD_DISABLED)
			fail_msg("'%s' did not fail closed", autoload[i].line);
		assert_int_equal(p->signing_knob, PMOD_SIGNING_WARN);
		assert_warned("policy.conf line 2: ");
		assert_warned(autoload[i].shown);
		assert_warned("; using the strictest setting, AutoLoadPolicy = disabled");
		pmod_ctx_free(ctx);
	}
	/* LockAfterBoot is read by the same rules. */
	ctx = ctx_with("LockAfterBoot = yes\n");
	assert_true(pmod_policy_lock_after_boot(policy_of(ctx)));
	assert_warned("line 1: LockAfterBoot value yes is not 0 or 1; using the strictest "
		      "setting, LockAfterBoot = 1");
	pmod_ctx_free(ctx);
	/* An overlong value is shown cut, never whole. */
	longv = malloc(20000);
	assert_non_null(longv);
	strcpy(longv, "SigningPolicy = ");
	memset(longv + 16, 'w', 19000);
	strcpy(longv + 19016, "\n");
	ctx = ctx_with(longv);
	free(longv);
	assert_int_equal(pmod_policy_signing(policy_of(ctx)), PMOD_SIGNING_ENFORCE);
	assert_warned("value \"wwwwwwww");
	assert_warned("www...\" (expected");
	assert_true(strlen(logbuf) < 1024);
	pmod_ctx_free(ctx);
}

/* The strictest wins: a bad value anywhere makes its knob strictest, and
 * neither an earlier nor a later good line undoes that. */
static void test_bad_line_never_undone(void **state)
{
	static const char list_nul[] = "AutoLoadAllowList = loop\n"
				       "AutoLoadAllowList = lo\0op\n"
				       "AutoLoadAllowList = loop\n";
	struct pmod_ctx *ctx;

	(void)state;
	ctx = ctx_with("SigningPolicy = warn\nSigningPolicy = bogus\n");
	assert_int_equal(policy_of(ctx)->signing_knob, PMOD_SIGNING_ENFORCE);
	pmod_ctx_free(ctx);
	ctx = ctx_with("SigningPolicy = bogus\nSigningPolicy = warn\n");
	assert_int_equal(policy_of(ctx)->signing_knob, PMOD_SIGNING_ENFORCE);
	assert_non_null(strstr(logbuf, "line 2: SigningPolicy ignored: an earlier value could not "
					"be understood"));
	pmod_ctx_free(ctx);
	ctx = ctx_with("AutoLoadPolicy = enabled\nAutoLoadPolicy = nonsense\n");
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_DISABLED);
	pmod_ctx_free(ctx);
	ctx = ctx_with("AutoLoadPolicy = nonsense\nAutoLoadPolicy = enabled\n");
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_DISABLED);
	pmod_ctx_free(ctx);
	ctx = ctx_with("LockAfterBoot = 0\nLockAfterBoot = 2\nLockAfterBoot = 0\n");
	assert_true(pmod_policy_lock_after_boot(policy_of(ctx)));
	pmod_ctx_free(ctx);
	/* A garbled allow-list allows nothing, whatever else says. */
	write_policy(list_nul, sizeof(list_nul) - 1);
	ctx = ctx_with(NULL);
	assert_int_equal(pmod_policy_allow_list_count(policy_of(ctx)), 0);
	assert_warned("line 2: AutoLoadAllowList holds a NUL byte; using the strictest setting, "
		      "AutoLoadAllowList empty");
	pmod_ctx_free(ctx);
	/* Good lines after good lines: the last one counts. */
	ctx = ctx_with("AutoLoadPolicy = disabled\nAutoLoadPolicy = Enabled\n");
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_ENABLED);
	assert_string_equal(logbuf, "");
	pmod_ctx_free(ctx);
}

/* A line that cannot be tied to one knob may be a mangled one (a misspelt
 * or truncated name, a lost '='): every knob takes its strictest setting,
 * good lines before and after notwithstanding. */
static void test_unattributable_line(void **state)
{
	static const struct {
		const char *line, *warning;
	} lines[] = {
		{ "Colour = blue\n", "line 2: unknown setting Colour (known: " },
		{ "SigingPolicy = enforce\n", "line 2: unknown setting SigingPolicy (known: " },
		{ "just some words\n", "line 2: \"just some words\" is not 'Name = value'" },
		{ "= enforce\n", "line 2: unknown setting (empty)" },
		{ "AutoLoadPol", "line 2: AutoLoadPol is not 'Name = value'" },
		{ "Sign\001ingPolicy = warn\n", "line 2: unknown setting \"Sign\\x01ingPolicy\"" },
	};
	static const char nul_name[] = "AutoLoadPolicy = enabled\nSign\0ingPolicy = warn\n";
	struct pmod_ctx *ctx;
	char text[256];

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(text, sizeof(text), "SigningPolicy = warn\n%sAutoLoadPolicy = enabled\n"
			 "LockAfterBoot = 0\n", lines[i].line);
		/* The truncated name is the file's last line. */
		if (strchr(lines[i].line, '\n') == NULL)
			snprintf(text, sizeof(text), "SigningPolicy = warn\n%s", lines[i].line);
		ctx = ctx_with(text);
		assert_all_strictest(policy_of(ctx));
		assert_warned(lines[i].warning);
		assert_warned("using the strictest setting of every knob (SigningPolicy = enforce, "
			      "AutoLoadPolicy = disabled, AutoLoadAllowList empty, LockAfterBoot = 1)");
		pmod_ctx_free(ctx);
	}
	write_policy(nul_name, sizeof(nul_name) - 1);
	ctx = ctx_with(NULL);
	assert_all_strictest(policy_of(ctx));
	assert_warned("line 2: holds a NUL byte; using the strictest setting of every knob");
	pmod_ctx_free(ctx);
	/* A comment is never a doubt, whatever it holds. */
	ctx = ctx_with("# Colour = blue \001\n   # just words\n\n");
	assert_int_equal(pmod_policy_autoload(policy_of(ctx)), PMOD_AUTOLOAD_ENABLED);
	assert_string_equal(logbuf, "");
	pmod_ctx_free(ctx);
}

static void test_hostile_bytes(void **state)
{
	static const char nul[] = "SigningPolicy = enf\0orce\nAutoLoadPolicy = enabled\n";
	struct pmod_ctx *ctx;
	const struct pmod_policy *p;
	char *big;

	(void)state;
	/* A NUL inside a value: that knob is strictest, the next line counts. */
	write_policy(nul, sizeof(nul) - 1);
	ctx = ctx_with(NULL);
	p = policy_of(ctx);
	assert_int_equal(pmod_policy_signing(p), PMOD_SIGNING_ENFORCE);
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_ENABLED);
	assert_warned("line 1: SigningPolicy holds a NUL byte; using the strictest setting, "
		      "SigningPolicy = enforce");
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

	/* An overlong file cannot be read whole: every knob strictest. */
	big = malloc(POLICY_MAX_FILE_SIZE + 100);
	assert_non_null(big);
	memset(big, '#', POLICY_MAX_FILE_SIZE + 99);
	memcpy(big, "AutoLoadPolicy = enabled\n", 25);
	write_policy(big, POLICY_MAX_FILE_SIZE + 99);
	free(big);
	ctx = ctx_with(NULL);
	assert_all_strictest(policy_of(ctx));
	assert_warned("larger than");
	pmod_ctx_free(ctx);

	/* No final newline, CRLF endings. */
	ctx = ctx_with("LockAfterBoot = 1\r\nAutoLoadPolicy = disabled");
	p = policy_of(ctx);
	assert_true(pmod_policy_lock_after_boot(p));
	assert_int_equal(pmod_policy_autoload(p), PMOD_AUTOLOAD_DISABLED);
	pmod_ctx_free(ctx);
}

/* A file that is there but cannot be read (a FIFO, a directory, no
 * permission) leaves nothing known: every knob strictest. Only a missing
 * file means the defaults. */
static void test_unreadable_file(void **state)
{
	char path[512];
	struct pmod_ctx *ctx;

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/pmod/policy.conf", root);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	ctx = ctx_with(NULL);
	assert_all_strictest(policy_of(ctx));
	assert_warned("policy.conf: not a regular file; using the strictest setting of every knob");
	pmod_ctx_free(ctx);
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	ctx = ctx_with(NULL);
	assert_all_strictest(policy_of(ctx));
	assert_warned("policy.conf: ");
	pmod_ctx_free(ctx);
	rmdir(path);
	/* Without permission (root reads anything: not tried as root). */
	if (geteuid() != 0) {
		write_policy("AutoLoadPolicy = enabled\n", 25);
		assert_int_equal(chmod(path, 0), 0);
		ctx = ctx_with(NULL);
		assert_all_strictest(policy_of(ctx));
		assert_warned("policy.conf: cannot read it (Permission denied)");
		pmod_ctx_free(ctx);
	}
	unlink(path);
}

/* A root so long that the policy file under it cannot be named: the file
 * may be there, so nothing is known. */
static void test_policy_path_too_long(void **state)
{
	struct pmod_ctx_options o = { .size = sizeof(o), .kernel_release = "0.0-test" };
	struct pmod_ctx *ctx;
	char longroot[4200];

	(void)state;
	memset(longroot, 'r', sizeof(longroot) - 1);
	longroot[0] = '/';
	longroot[sizeof(longroot) - 1] = '\0';
	o.root = longroot;
	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);
	pmod_ctx_set_log_fn(ctx, capture, NULL);
	pmod_ctx_set_log_priority(ctx, LOG_DEBUG);
	pmod_ctx_set_record_fn(ctx, capture_record, NULL);
	logbuf[0] = recbuf[0] = '\0';
	assert_all_strictest(policy_of(ctx));
	assert_warned("/etc/pmod/policy.conf: under the root \"/rrrr");
	assert_warned("the path is longer than 4095 bytes; using the strictest setting of every knob");
	pmod_ctx_free(ctx);
}

/* ---------------------------------------------------------------- escaping */

static const char *esc(const char *s, size_t max)
{
	static char buf[256];

	pmod_escape(s, 0, max, buf, sizeof(buf));
	return buf;
}

/* The message form every log line and syslog entry goes through: control
 * bytes, C1 controls and bytes that are not UTF-8 escaped, UTF-8 text
 * kept whole (also where a cut falls), so no message can span lines or
 * hand a log reader a malformed sequence. */
static void test_escape_messages(void **state)
{
	(void)state;
	assert_string_equal(esc("plain /lib/x.ko", 0), "plain /lib/x.ko");
	assert_string_equal(esc("a\nFAKE RECORD\r\033[2J", 0), "a\\x0aFAKE RECORD\\x0d\\x1b[2J");
	assert_string_equal(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", 0),
			    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7");
	/* Not UTF-8: a lone byte, a continuation, a truncated sequence, an
	 * overlong '/', a surrogate, beyond U+10FFFF. */
	assert_string_equal(esc("\xff|\x80|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80", 0),
			    "\\xff|\\x80|\\xe2\\x82|\\xc0\\xaf|\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80");
	/* C1 controls (CSI as U+009B) are escaped like ESC. */
	assert_string_equal(esc("\xc2\x9b" "31m", 0), "\\xc2\\x9b31m");
	assert_string_equal(esc("\xc2\xa0", 0), "\xc2\xa0");
	/* A cut never splits a character. */
	assert_string_equal(esc("ab\xc3\xa9", 3), "ab...");
	assert_string_equal(esc("ab\xc3\xa9", 4), "ab\xc3\xa9");
}

/* The records' quoted form: plain values bare, anything else quoted with
 * " \\ and control bytes escaped, the cap counted on the escaped text,
 * a buffer too small cut and terminated with the needed length returned
 * (the plain case is copied in the pass that checks it). */
static void test_escape_records(void **state)
{
	char buf[256], small[10], word[120];

	(void)state;
	pmod_escape("snd_hda-intel/x.ko", PMOD_ESCAPE_QUOTE, 400, buf, sizeof(buf));
	assert_string_equal(buf, "snd_hda-intel/x.ko");
	pmod_escape("", PMOD_ESCAPE_QUOTE, 400, buf, sizeof(buf));
	assert_string_equal(buf, "\"\"");
	pmod_escape("a b", PMOD_ESCAPE_QUOTE, 400, buf, sizeof(buf));
	assert_string_equal(buf, "\"a b\"");
	pmod_escape("a\"b\\c\x01", PMOD_ESCAPE_QUOTE, 400, buf, sizeof(buf));
	assert_string_equal(buf, "\"a\\\"b\\\\c\\x01\"");
	/* A plain value over the cap is quoted and cut. */
	pmod_escape("abcdef", PMOD_ESCAPE_QUOTE, 3, buf, sizeof(buf));
	assert_string_equal(buf, "\"abc...\"");
	/* Long runs, eight bytes at a time, stop at the first byte to escape. */
	pmod_escape("0123456789abcdef\n0123456789abcdef", 0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0123456789abcdef\\x0a0123456789abcdef");
	pmod_escape("0123 5\"789abcdef", PMOD_ESCAPE_QUOTE, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\"0123 5\\\"789abcdef\"");
	pmod_escape("0123 5\\789abcdef", PMOD_ESCAPE_QUOTE, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\"0123 5\\\\789abcdef\"");
	memset(word, 'a', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	assert_int_equal(pmod_escape(word, PMOD_ESCAPE_QUOTE, 0, small, sizeof(small)),
			 sizeof(word) - 1);
	assert_string_equal(small, "aaaaaaaaa");
	assert_int_equal(pmod_escape(word, 0, 0, small, sizeof(small)), sizeof(word) - 1);
	assert_string_equal(small, "aaaaaaaaa");
}

/* The default record sink's check: printable ASCII passes (with its
 * length) and any other byte, wherever it stands (in the 32-byte steps
 * or the bytes after them), fails; what passes is exactly what the
 * message form copies unchanged. */
static void test_escape_unneeded(void **state)
{
	char text[46], out[200];
	size_t len = 0;

	(void)state;
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_true(escape_unneeded(text, &len));
	assert_int_equal(len, sizeof(text) - 1);
	assert_true(escape_unneeded("", &len));
	assert_int_equal(len, 0);
	for (unsigned b = 1; b < 256; b++) {
		for (size_t at = 0; at < sizeof(text) - 1; at++) {
			bool printable = b >= 0x20 && b <= 0x7e;

			text[at] = (char)b;
			assert_int_equal(escape_unneeded(text, &len), printable);
			pmod_escape(text, 0, 0, out, sizeof(out));
			assert_int_equal(strcmp(out, text) == 0, printable);
			text[at] = 'a';
		}
	}
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

/* The records of one load call read the caller's parent once: a chain of
 * modules names the memo's parent, and a changed parent (the caller was
 * reparented) is read again. */
static void test_record_parent_memo(void **state)
{
	struct record_memo memo = { .parent.ppid = getppid() };
	struct request req = { .text = "x", .memo = &memo };
	struct pmod_record rec = { .action = "load", .module = "m", .path = "/p" };
	struct pmod_ctx *ctx;

	(void)state;
	ctx = ctx_with("");
	pmod_ctx_set_record_fn(ctx, capture_record, NULL);
	strcpy(memo.parent.process.comm, "memo-parent");
	recbuf[0] = '\0';
	record_emit(ctx, &req, &rec);
	assert_non_null(strstr(recbuf, " parent=memo-parent "));
	memo.parent.ppid = getppid() + 1;
	recbuf[0] = '\0';
	record_emit(ctx, &req, &rec);
	assert_null(strstr(recbuf, "memo-parent"));
	assert_non_null(strstr(recbuf, " parent="));
	assert_int_equal(memo.parent.ppid, getppid());
	pmod_ctx_free(ctx);
}

/* The fields a call's records share are formatted once and copied after:
 * each record is byte for byte what it is without the memo, and one that
 * differs in what those fields say (another rule, a refusal's rule, a
 * load that is not a demand, another result or request) is formatted
 * anew, never given the kept text. */
static void test_record_memo_tail(void **state)
{
	struct record_memo memo = { 0 };
	struct request req = { .text = "fs-ext4", .demand = true, .memo = &memo };
	struct pmod_record rec = { .action = "load", .module = "ext4", .path = "/x/ext4.ko" };
	struct pmod_record bare = rec;
	const char *rules[] = { NULL, "AutoLoadPolicy=enabled", "lockdown", "lockdown",
				"AutoLoadPolicy=enabled", NULL };
	struct pmod_ctx *ctx;
	char want[4096];

	(void)state;
	ctx = ctx_with("AutoLoadPolicy = enabled\n");
	pmod_ctx_set_record_fn(ctx, capture_record, NULL);
	bare.request = req.text;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		/* A demand load's rule comes from the request, a refusal's
		 * from the record; the last one is not a demand at all. */
		req.demand = i + 1 < sizeof(rules) / sizeof(rules[0]);
		snprintf(req.rule, sizeof(req.rule), "%s", i == 1 || i == 4 ? rules[i] : "");
		rec.rule = i == 2 || i == 3 ? rules[i] : NULL;
		/* The result and the request, kept too, change as well. */
		rec.result = bare.result = i == 3 ? -EEXIST : 0;
		req.text = bare.request = i == 4 ? "fs-xfs" : "fs-ext4";
		bare.demand = req.demand;
		bare.rule = rules[i];
		recbuf[0] = '\0';
		record_emit(ctx, &req, &rec);
		pmod_record_format(ctx, &bare, want, sizeof(want));
		strcat(want, "\n");
		assert_string_equal(recbuf, want);
		/* Twice: the second record is the memo's copy. */
		recbuf[0] = '\0';
		record_emit(ctx, &req, &rec);
		assert_string_equal(recbuf, want);
		assert_true(memo.tail_kept);
	}
	assert_non_null(strstr(want, " demand=no uid="));
	assert_non_null(strstr(want, "load request=fs-ext4 "));
	/* The verdict's fields likewise: each verdict, signer, key, hash
	 * and certificate that differs from the kept one is formatted
	 * anew. */
	{
		struct pmod_verify_result v[] = {
			{ .verdict = PMOD_VERDICT_UNTRUSTED,
			  .signer = { .name = "Build key", .key_id = { 1, 2 }, .key_id_len = 2,
				      .hash_algo = "sha256" } },
			{ .verdict = PMOD_VERDICT_VALID, .certificate = "/etc/pmod/keys/a.der",
			  .signer = { .name = "Build key", .key_id = { 1, 2 }, .key_id_len = 2,
				      .hash_algo = "sha256" } },
			{ .verdict = PMOD_VERDICT_VALID, .certificate = "/etc/pmod/keys/b.der",
			  .signer = { .name = "Build key", .key_id = { 1, 2 }, .key_id_len = 2,
				      .hash_algo = "sha256" } },
			{ .verdict = PMOD_VERDICT_VALID, .certificate = "/etc/pmod/keys/b.der",
			  .signer = { .name = "Build key", .key_id = { 1, 3 }, .key_id_len = 2,
				      .hash_algo = "sha256" } },
			{ .verdict = PMOD_VERDICT_VALID, .certificate = "/etc/pmod/keys/b.der",
			  .signer = { .name = "Other\" key", .key_id = { 1, 3 }, .key_id_len = 2,
				      .hash_algo = "sha256" } },
			{ .verdict = PMOD_VERDICT_BAD_SIGNATURE, .certificate = "/etc/pmod/keys/b.der",
			  .signer = { .name = "Other\" key", .key_id = { 1, 3 }, .key_id_len = 2,
				      .hash_algo = "sha1" } },
			{ .verdict = PMOD_VERDICT_UNSIGNED },
		};

		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			rec.verdict = bare.verdict = &v[i];
			for (int twice = 0; twice < 2; twice++) {
				recbuf[0] = '\0';
				record_emit(ctx, &req, &rec);
				pmod_record_format(ctx, &bare, want, sizeof(want));
				strcat(want, "\n");
				assert_string_equal(recbuf, want);
				assert_true(memo.signature_kept);
			}
		}
		assert_non_null(strstr(want, " signature=unsigned "));
		rec.verdict = bare.verdict = NULL;
	}
	/* A rule too long for the memo's copy is formatted every time. */
	{
		char rule[RECORD_MEMO_RULE + 40];

		memset(rule, 'r', sizeof(rule) - 1);
		rule[sizeof(rule) - 1] = '\0';
		rec.rule = bare.rule = rule;
		/* Likewise a request too long for its copy. */
		req.text = bare.request = rule;
		recbuf[0] = '\0';
		record_emit(ctx, &req, &rec);
		pmod_record_format(ctx, &bare, want, sizeof(want));
		strcat(want, "\n");
		assert_string_equal(recbuf, want);
		assert_false(memo.tail_kept);
	}
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

/* Each action's journal MESSAGE_ID is the agreed one (queries and the
 * audit command select by them); an action without one gets none. */
static void test_record_message_ids(void **state)
{
	(void)state;
	assert_string_equal(record_message_id("load"), "6c7ec6f2bcba41f3bd825c7768f79439");
	assert_string_equal(record_message_id("refuse-load"), "d2aea6815f034a149c34e29e73cbe940");
	assert_string_equal(record_message_id("policy-warning"), "d756ace22f154cd1800c8429fab6e479");
	assert_string_equal(record_message_id("lockdown"), "160d261ebdb141518c3a5cdb14588187");
	assert_null(record_message_id("lockdown-x"));
	assert_null(record_message_id("?"));
	assert_null(record_message_id(NULL));
	/* Every key has a text spelling; every key but the warning's text
	 * (MESSAGE carries it) a PMOD_ journal name. */
	for (int k = 0; k < RECORD_KEY_COUNT; k++) {
		assert_non_null(record_key_names[k].text);
		if (k != RECORD_WARNING)
			assert_int_equal(strncmp(record_key_names[k].journal, "PMOD_", 5), 0);
	}
}

struct parsed_fields {
	int count;
	char keys[8][32];
	char values[8][64];
};

static int keep_field(void *data, const char *key, const char *value)
{
	struct parsed_fields *p = data;

	if (p->count >= 8)
		return -E2BIG;
	snprintf(p->keys[p->count], sizeof(p->keys[0]), "%s", key);
	snprintf(p->values[p->count], sizeof(p->values[0]), "%s", value);
	p->count++;
	return 0;
}

/* A record's text line read back gives the values that were written,
 * hostile ones included; a line that only looks like one is refused. */
static void test_record_text_parse(void **state)
{
	const char *hostile = "a b\"c\\d\ne=f";
	struct record_field fields[] = {
		{ RECORD_MODULE, "dummy" },
		{ RECORD_PATH, hostile },
		{ RECORD_RESULT, "ok" },
	};
	char line[512], action[32];
	struct record_text o = { .buf = line, .size = sizeof(line) };
	struct parsed_fields p = { 0 };
	static const char *const bad[] = {
		"", " load", "load module", "load module=\"x", "load module=\"\\q\"",
		"load module=\"\\x00\"", "load Module=x", "load module=x\"y", "load  module=x",
	};

	(void)state;
	record_text_put(&o, "load", 4);
	record_text_fields(&o, fields, 3);
	assert_int_equal(record_text_parse(line, strlen(line), action, sizeof(action), keep_field, &p), 0);
	assert_string_equal(action, "load");
	assert_int_equal(p.count, 3);
	assert_string_equal(p.keys[0], "module");
	assert_string_equal(p.values[0], "dummy");
	assert_string_equal(p.keys[1], "path");
	assert_string_equal(p.values[1], hostile);
	assert_string_equal(p.keys[2], "result");
	assert_string_equal(p.values[2], "ok");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.count = 0;
		assert_int_equal(record_text_parse(bad[i], strlen(bad[i]), action, sizeof(action),
						   keep_field, &p), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_file),
		cmocka_unit_test(test_every_knob),
		cmocka_unit_test(test_floor_wins),
		cmocka_unit_test(test_bad_values_fail_closed),
		cmocka_unit_test(test_bad_line_never_undone),
		cmocka_unit_test(test_unattributable_line),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_policy_path_too_long),
		cmocka_unit_test(test_escape_messages),
		cmocka_unit_test(test_escape_records),
		cmocka_unit_test(test_escape_unneeded),
		cmocka_unit_test(test_record_parent_memo),
		cmocka_unit_test(test_record_memo_tail),
		cmocka_unit_test(test_allow_list_cap),
		cmocka_unit_test(test_stat_line),
		cmocka_unit_test(test_record_format),
		cmocka_unit_test(test_demand_decisions),
		cmocka_unit_test(test_demand_rule_recorded),
		cmocka_unit_test(test_no_forced_unload),
		cmocka_unit_test(test_record_message_ids),
		cmocka_unit_test(test_record_text_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
