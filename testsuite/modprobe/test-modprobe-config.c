// SPDX-License-Identifier: LGPL-2.1-or-later
/* modprobe.d parsing and the kernel command line tokenizer, against what
 * kmod 30 does with the same input (the expected values were observed with
 * kmod 30's modprobe -c). */
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

#include "modprobe_config.h"

struct fixture {
	char root[64];
	struct pmod_ctx *ctx;
	char log[8192];
};

static void capture(void *data, int priority, const char *message)
{
	struct fixture *f = data;
	size_t len = strlen(f->log);

	(void)priority;
	snprintf(f->log + len, sizeof(f->log) - len, "%s\n", message);
}

static void write_file(const char *root, const char *rel, const char *text)
{
	char path[512], dir[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	/* mkdir -p of the parent */
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pmod_ctx_options o = { .size = sizeof(o), .kernel_release = "9.9.9" };

	strcpy(f->root, "/tmp/pmod-modprobe-config.XXXXXX");
	if (mkdtemp(f->root) == NULL)
		return -1;
	o.root = f->root;
	if (pmod_ctx_new(&o, &f->ctx) < 0)
		return -1;
	pmod_ctx_set_log_fn(f->ctx, capture, f);
	pmod_ctx_set_log_priority(f->ctx, LOG_DEBUG);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	pmod_ctx_free(f->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Loads ROOT/etc/modprobe.d (the default list, under the root) with the
 * given kernel command line. */
static struct pmod_config *load(struct fixture *f, const char *cmdline)
{
	struct pmod_config_options o = { .size = sizeof(o), .kernel_cmdline = cmdline };
	struct pmod_config *cfg = NULL;
	struct pmod_error err;

	assert_int_equal(pmod_config_load(f->ctx, &o, &cfg, &err), 0);
	return cfg;
}

/* The -c line of entry i of a kind. */
static const char *line(const struct pmod_config *cfg, enum pmod_config_kind kind, size_t i)
{
	static char buf[1024];
	const struct pmod_config_entry *e = pmod_config_get(cfg, kind, i);

	assert_non_null(e);
	if (e->value)
		snprintf(buf, sizeof(buf), "%s %s", e->name, e->value);
	else
		snprintf(buf, sizeof(buf), "%s", e->name);
	return buf;
}

static void every_directive(void **state)
{
	struct fixture *f = *state;
	struct pmod_config *cfg;
	const char *const *pre, *const *post, *const *wd;
	size_t npre, npost, nwd;
	char *opts;

	write_file(f->root, "etc/modprobe.d/a.conf",
		   "alias my-alias snd-hda-intel\n"
		   "alias pat[a-c]-x* e1000-e\n"
		   "options snd-hda-intel   index=1\tfoo=2\n"
		   "options my-alias via_alias=1\n"
		   "install foo-bar /bin/echo hi   there $CMDLINE_OPTS\n"
		   "remove foo-* /bin/echo bye\n"
		   "softdep a-b pre: x-y z post: q-r\n"
		   "softdep c-d post: e pre: f\n"
		   "softdep a-* pre: never\n"
		   "softdep cifs gcm\n"
		   "weakdep g-h i-j k\n"
		   "weakdep w-e\n"
		   "blacklist bl-x\n");
	cfg = load(f, "");
	assert_string_equal(f->log, "");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_ALIAS), 2);
	assert_string_equal(line(cfg, PMOD_CONFIG_ALIAS, 0), "my_alias snd_hda_intel");
	/* '-' is kept inside [...] so that ranges work */
	assert_string_equal(line(cfg, PMOD_CONFIG_ALIAS, 1), "pat[a-c]_x* e1000_e");
	/* the rest after one blank, extra blanks kept, tabs made spaces */
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 0), "snd_hda_intel   index=1 foo=2");
	assert_string_equal(line(cfg, PMOD_CONFIG_INSTALL, 0),
			    "foo_bar /bin/echo hi   there $CMDLINE_OPTS");
	assert_string_equal(line(cfg, PMOD_CONFIG_REMOVE, 0), "foo_* /bin/echo bye");
	/* kmod's -c quirk: no separator between the lists; targets raw */
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 0), "a_b pre: x-y zpost: q-r");
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 1), "c_d pre: fpost: e");
	/* tokens before the first marker are ignored */
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 3), "cifs ");
	assert_string_equal(line(cfg, PMOD_CONFIG_WEAKDEP, 0), "g_h i-j k");
	assert_string_equal(line(cfg, PMOD_CONFIG_WEAKDEP, 1), "w_e ");
	assert_string_equal(line(cfg, PMOD_CONFIG_BLACKLIST, 0), "bl_x");
	assert_null(pmod_config_get(cfg, PMOD_CONFIG_BLACKLIST, 1));

	/* queries */
	assert_true(pmod_config_blacklisted(cfg, "bl_x"));
	assert_false(pmod_config_blacklisted(cfg, "bl-x"));
	assert_string_equal(pmod_config_install_command(cfg, "foo_bar"),
			    "/bin/echo hi   there $CMDLINE_OPTS");
	assert_null(pmod_config_install_command(cfg, "foo_baz"));
	assert_string_equal(pmod_config_remove_command(cfg, "foo_baz"), "/bin/echo bye");
	assert_true(pmod_config_softdeps(cfg, "a_b", &pre, &npre, &post, &npost));
	assert_int_equal(npre, 2);
	assert_string_equal(pre[0], "x-y");
	assert_string_equal(pre[1], "z");
	assert_int_equal(npost, 1);
	assert_string_equal(post[0], "q-r");
	/* the first matching line wins, even when a later one also matches */
	assert_true(pmod_config_softdeps(cfg, "a_c", &pre, &npre, &post, &npost));
	assert_string_equal(pre[0], "never");
	assert_false(pmod_config_softdeps(cfg, "zzz", &pre, &npre, &post, &npost));
	assert_true(pmod_config_weakdeps(cfg, "g_h", &wd, &nwd));
	assert_int_equal(nwd, 2);
	assert_string_equal(wd[1], "k");
	/* options: by name and by the alias a module was reached through */
	assert_int_equal(pmod_config_module_options(cfg, "snd_hda_intel", "my_alias", &opts), 0);
	assert_string_equal(opts, "  index=1 foo=2 via_alias=1");
	pmod_free(opts);
	assert_int_equal(pmod_config_module_options(cfg, "nothing", NULL, &opts), 0);
	assert_string_equal(opts, "");
	pmod_free(opts);
	pmod_config_free(cfg);
}

static void bad_lines_and_continuations(void **state)
{
	struct fixture *f = *state;
	struct pmod_config *cfg;
	char expected[4096];

	write_file(f->root, "etc/modprobe.d/b.conf",
		   "options e1000e\n"		/* 1: no options */
		   "softdep e-f\n"		/* 2: nothing after the name */
		   "blacklist\n"		/* 3 */
		   " # not a comment\n"		/* 4 */
		   "bogus line\n"		/* 5 */
		   "include foo\n"		/* 6 */
		   "config bar\n"		/* 7 */
		   "alias bad[ x\n"		/* 8: unbalanced bracket */
		   "alias onlyone\n"		/* 9 */
		   "options x\\\n"		/* 10-11: continued */
		   "  continued\n"
		   "   \n"			/* blanks only: nothing */
		   "\t\n"
		   "# comment\n"
		   "options y a\\b\\\\c\n"	/* escapes: the backslash goes */
		   "options z\n");		/* 16 */
	cfg = load(f, "");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_OPTIONS), 2);
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 0), "x  continued");
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 1), "y ab\\c");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_ALIAS), 0);
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_SOFTDEP), 0);
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_BLACKLIST), 0);
	snprintf(expected, sizeof(expected),
		 "%1$s/etc/modprobe.d/b.conf line 1: ignoring bad line starting with 'options'\n"
		 "%1$s/etc/modprobe.d/b.conf line 2: ignoring bad line starting with 'softdep'\n"
		 "%1$s/etc/modprobe.d/b.conf line 3: ignoring bad line starting with 'blacklist'\n"
		 "%1$s/etc/modprobe.d/b.conf line 4: ignoring bad line starting with '#'\n"
		 "%1$s/etc/modprobe.d/b.conf line 5: ignoring bad line starting with 'bogus'\n"
		 "%1$s/etc/modprobe.d/b.conf: command include is deprecated and not parsed anymore\n"
		 "%1$s/etc/modprobe.d/b.conf: command config is deprecated and not parsed anymore\n"
		 "%1$s/etc/modprobe.d/b.conf line 8: ignoring bad line starting with 'alias'\n"
		 "%1$s/etc/modprobe.d/b.conf line 9: ignoring bad line starting with 'alias'\n"
		 "%1$s/etc/modprobe.d/b.conf line 16: ignoring bad line starting with 'options'\n",
		 f->root);
	assert_string_equal(f->log, expected);
	pmod_config_free(cfg);
}

static void precedence(void **state)
{
	struct fixture *f = *state;
	struct pmod_config *cfg;

	/* Sorted by basename over every directory; for equal names the
	 * earlier directory wins; only *.conf of 6+ characters, no dot files;
	 * depmod's modules.softdep takes part in the sort. */
	write_file(f->root, "etc/modprobe.d/b.conf", "options m etc_b\n");
	write_file(f->root, "lib/modprobe.d/b.conf", "options m lib_b\n");
	write_file(f->root, "lib/modprobe.d/a.conf", "options m lib_a\n");
	write_file(f->root, "run/modprobe.d/c.conf", "options m run_c\n");
	write_file(f->root, "usr/lib/modprobe.d/n.conf", "options m usr_n\n");
	write_file(f->root, "usr/local/lib/modprobe.d/z.conf", "options m local_z\n");
	write_file(f->root, "etc/modprobe.d/x.txt", "options m never\n");
	write_file(f->root, "etc/modprobe.d/.h.conf", "options m never\n");
	write_file(f->root, "etc/modprobe.d/.conf", "options m never\n");
	write_file(f->root, "lib/modules/9.9.9/modules.softdep", "softdep m pre: from_depmod\n");
	write_file(f->root, "etc/modprobe.d/l.conf", "softdep m pre: from_l\n");
	write_file(f->root, "etc/modprobe.d/modules.softdep.conf", "softdep m pre: later\n");
	cfg = load(f, "m.from_cmdline=1");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_OPTIONS), 6);
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 0), "m lib_a");
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 1), "m etc_b");
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 2), "m run_c");
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 3), "m usr_n");
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 4), "m local_z");
	/* the kernel command line comes after every file */
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 5), "m from_cmdline=1");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_SOFTDEP), 3);
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 0), "m pre: from_l");
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 1), "m pre: from_depmod");
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 2), "m pre: later");
	pmod_config_free(cfg);
}

static void explicit_paths(void **state)
{
	struct fixture *f = *state;
	struct pmod_config_options o = { .size = sizeof(o), .kernel_cmdline = "" };
	const char *paths[] = { "/only", "/single.conf.any", NULL };
	struct pmod_config *cfg;
	struct pmod_error err;

	/* -C replaces the default list; absolute paths are under the root;
	 * a file is read whatever its name. */
	write_file(f->root, "etc/modprobe.d/a.conf", "options m never\n");
	write_file(f->root, "only/a.conf", "options m only\n");
	write_file(f->root, "single.conf.any", "options m single\n");
	o.paths = paths;
	assert_int_equal(pmod_config_load(f->ctx, &o, &cfg, &err), 0);
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_OPTIONS), 2);
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 0), "m only");
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 1), "m single");
	pmod_config_free(cfg);
}

struct cmdline_case {
	const char *text;
	const char *expected;	/* -c lines of blacklist then options */
	const char *log;
};

/* Expected values are kmod 30's modprobe -c with that /proc/cmdline. */
static const struct cmdline_case cmdline_cases[] = {
	{ "psmouse.foo psmouse.bar=1 psmouse.foobar=\"test 1\" psmouse.\"invalid option\" "
	  "\" notamodule\" quiet",
	  "options psmouse foo\noptions psmouse bar=1\noptions psmouse foobar=\"test 1\"\n", "" },
	{ "last.p\n", "options last p\n", "" },
	{ "a.b=1\tc.d=2\n", "options a b=1\noptions c d=2\n", "" },
	{ "\"x.y=1 2\" z.w", "options x y=\"1 2\"\noptions z w\n", "" },
	{ "x.\"y\"=1 z.w=\"3\".4", "options z w=\"3\".4\n", "" },
	{ "x.y=a\"b c\"d q.q", "options x y=a\"b c\"d\noptions q q\n", "" },
	{ "x.=1 .y=2 x.y==3", "options x =1\noptions  y=2\noptions x y==3\n", "" },
	{ "a-b.c=1 a.b-c=2", "options a_b c=1\noptions a b-c=2\n", "" },
	{ "a.b.c=1 root=/dev/sda BOOT_IMAGE=/x/vmlinuz-3.1 testmodule.testparam=1.5G",
	  "options testmodule testparam=1.5G\n", "" },
	{ "\"parport.dyndbg=file x +p\" parport.dyndbg=\"file y +p\"",
	  "options parport dyndbg=\"file x +p\"\noptions parport dyndbg=\"file y +p\"\n", "" },
	{ "modprobe.blacklist= modprobe.blacklist=x-1,,y modprobe.foo=1 a.b=c\td",
	  "blacklist \nblacklist x-1\nblacklist \nblacklist y\noptions modprobe foo=1\noptions a b=c\n",
	  "" },
	{ "\"a.b=1\"x c.d", "options a b=\"1\"x\noptions c d\n", "" },
	{ "a\"b.c=1 s\"t.u=1 last.p", "options last p\n", "" },
	{ "m[x.p=1 ok.p=2", "options ok p=2\n",
	  "Ignoring bad option on kernel command line while parsing module name: 'm[x'\n" },
	{ "", "", "" },
	{ "\"", "", "" },
	{ ". = \" .\"", "options  \n", "" },
};

/* depmod's files are read for their own directive only; the same lines in
 * a modprobe.d file keep their meaning. (kmod 30 obeys every directive in
 * modules.softdep: the one deliberate difference.) */
static void generated_files(void **state)
{
	struct fixture *f = *state;
	struct pmod_config *cfg;

	write_file(f->root, "lib/modules/9.9.9/modules.softdep",
		   "# Soft dependencies extracted from modules themselves.\n"
		   "softdep m pre: a\n"
		   "install m /bin/touch /tmp/pwned\n"
		   "  options m evil=1\n"
		   "weakdep m w\n"
		   "softdep n post: b\n");
	write_file(f->root, "lib/modules/9.9.9/modules.weakdep",
		   "weakdep m w2\nremove m /bin/true\nblacklist m\nalias x m\nsoftdep o pre: c\n");
	write_file(f->root, "etc/modprobe.d/ok.conf", "install k /bin/true\noptions k good=1\n");
	cfg = load(f, "");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_SOFTDEP), 2);
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 0), "m pre: a");
	assert_string_equal(line(cfg, PMOD_CONFIG_SOFTDEP, 1), "n post: b");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_WEAKDEP), 1);
	assert_string_equal(line(cfg, PMOD_CONFIG_WEAKDEP, 0), "m w2");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_INSTALL), 1);
	assert_string_equal(line(cfg, PMOD_CONFIG_INSTALL, 0), "k /bin/true");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_OPTIONS), 1);
	assert_string_equal(line(cfg, PMOD_CONFIG_OPTIONS, 0), "k good=1");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_REMOVE), 0);
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_BLACKLIST), 0);
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_ALIAS), 0);
	assert_non_null(strstr(f->log, "modules.softdep line 3: ignoring 'install': "
				      "depmod writes only softdep lines here"));
	assert_non_null(strstr(f->log, "modules.softdep line 4: ignoring 'options'"));
	assert_non_null(strstr(f->log, "modules.softdep line 5: ignoring 'weakdep'"));
	assert_non_null(strstr(f->log, "modules.weakdep line 2: ignoring 'remove'"));
	assert_non_null(strstr(f->log, "modules.weakdep line 5: ignoring 'softdep'"));
	pmod_config_free(cfg);
}

static void kernel_cmdline(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cmdline_cases) / sizeof(cmdline_cases[0]); i++) {
		const struct cmdline_case *c = &cmdline_cases[i];
		struct pmod_config *cfg;
		char out[2048] = "";
		size_t len = 0;

		f->log[0] = '\0';
		cfg = load(f, c->text);
		for (size_t k = 0; k < pmod_config_count(cfg, PMOD_CONFIG_BLACKLIST); k++)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "blacklist %s\n",
						line(cfg, PMOD_CONFIG_BLACKLIST, k));
		for (size_t k = 0; k < pmod_config_count(cfg, PMOD_CONFIG_OPTIONS); k++)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "options %s\n",
						line(cfg, PMOD_CONFIG_OPTIONS, k));
		if (strcmp(out, c->expected) != 0 || strcmp(f->log, c->log) != 0)
			fail_msg("cmdline '%s': got\n%s(log: %s), expected\n%s(log: %s)", c->text, out,
				 f->log, c->expected, c->log);
		pmod_config_free(cfg);
	}
}

static void hostile_lines(void **state)
{
	struct fixture *f = *state;
	struct pmod_config *cfg;
	char *big = malloc(200000);

	/* A huge logical line, a line with NULs, a dangling backslash: no
	 * crash, kmod's messages. */
	assert_non_null(big);
	strcpy(big, "softdep m pre:");
	for (size_t i = strlen(big); i < 199990; i += 2)
		memcpy(big + i, " a", 2);
	strcpy(big + 199990, "\n");
	write_file(f->root, "etc/modprobe.d/h.conf", big);
	write_file(f->root, "etc/modprobe.d/i.conf", "alias ]x y\noptions q \\");
	cfg = load(f, "");
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_SOFTDEP), 1);
	assert_int_equal(pmod_config_count(cfg, PMOD_CONFIG_ALIAS), 0);
	assert_non_null(strstr(f->log, "i.conf line 1: ignoring bad line starting with 'alias'"));
	pmod_config_free(cfg);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_directive, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_lines_and_continuations, setup, teardown),
		cmocka_unit_test_setup_teardown(precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(explicit_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(generated_files, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_cmdline, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
