// SPDX-License-Identifier: GPL-2.0-or-later
/* modinfo: show what a kernel module says about itself. The output is
 * byte-identical to kmod's modinfo; see modinfo(8) for where it differs. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <syslog.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "modinfo_json.h"
#include "pmod.h"
#include "tool_mains.h"
#include "tool_output.h"

static const char *progname = "modinfo";

struct options {
	const char *field;		/* NULL: everything */
	char separator;
	bool name_only;			/* -m */
	bool verify;			/* --verify */
	bool json;			/* --json */
	/* --json: the document the records go to, instead of stdout. */
	struct modinfo_json *json_out;
};

/* ---------------------------------------------------------------- output */

static void put_str(const char *s, size_t len)
{
	fwrite_unlocked(s, 1, len, stdout);
}

/* Spaces after "key:". kmod pads to 16 columns with a printf width of
 * 15 - keylen; a negative width is left-justification in printf, so a key
 * longer than 15 characters gets keylen - 15 spaces. Kept for byte-identity. */
static size_t key_padding(size_t key_len)
{
	return key_len <= 15 ? 15 - key_len : key_len - 15;
}

/* kmod's layout: "key:" padded to 16 columns, or "key=value" with -0.
 * Assembled in one buffer and written with one call: a whole-tree run
 * prints a quarter of a million of these lines. */
static void put_entry(const struct options *o, const char *key, size_t key_len,
		      const char *value, size_t value_len)
{
	char line[512];
	size_t pad = o->separator == '\0' ? 0 : key_padding(key_len);
	size_t n = key_len + 1 + pad;

	if (n + value_len + 1 > sizeof(line)) {
		put_str(key, key_len);
		putchar(o->separator == '\0' ? '=' : ':');
		for (size_t i = pad; i > 0; i--)
			putchar(' ');
		put_str(value, value_len);
		putchar(o->separator);
		return;
	}
	memcpy(line, key, key_len);
	line[key_len] = o->separator == '\0' ? '=' : ':';
	memset(line + key_len + 1, ' ', pad);
	memcpy(line + n, value, value_len);
	n += value_len;
	line[n++] = o->separator;
	put_str(line, n);
}

/* Byte strings as uppercase hex pairs joined by ':', a line break and two
 * tabs after every 20 bytes. Formatted by table: signatures are long and
 * this runs for every module. */
static void put_hex(const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char buf[4 * 20 + 8];

	for (size_t i = 0; i < n;) {
		size_t k = 0;

		for (size_t j = 0; j < 20 && i < n; j++, i++) {
			buf[k++] = digits[b[i] >> 4];
			buf[k++] = digits[b[i] & 15];
			if (i + 1 < n)
				buf[k++] = ':';
		}
		if (i < n) {
			buf[k++] = '\n';
			buf[k++] = '\t';
			buf[k++] = '\t';
		}
		put_str(buf, k);
	}
}

static void put_hex_entry(const struct options *o, const char *key, const unsigned char *b,
			  size_t n)
{
	size_t key_len = strlen(key);

	if (o->field != NULL) {
		put_hex(b, n);
		putchar(o->separator);
		return;
	}
	if (o->separator == '\0')
		printf("%s=", key);
	else
		printf("%s:%*s", key, (int)key_padding(key_len), "");
	put_hex(b, n);
	putchar(o->separator);
}

static void put_text_entry(const struct options *o, const char *key, const char *value,
			   size_t len)
{
	if (o->field != NULL) {
		put_str(value, len);
		putchar(o->separator);
		return;
	}
	put_entry(o, key, strlen(key), value, len);
}

static bool wants(const struct options *o, const char *key)
{
	return o->field == NULL || strcmp(o->field, key) == 0;
}

/* The full listing prints a type-only parameter as "name:type"; -F parm
 * prints it as "name: (type)". kmod does both; scripts read both. */
static void put_param(const struct options *o, const struct pmod_param *p, bool with_key)
{
	if (with_key)
		printf("%-16s", "parm:");
	printf("%.*s:", (int)p->name_len, p->name);
	if (p->desc == NULL && with_key)
		printf("%.*s", (int)p->type_len, p->type);
	else if (p->desc == NULL)
		printf(" (%.*s)", (int)p->type_len, p->type);
	else if (p->type != NULL)
		printf("%.*s (%.*s)", (int)p->desc_len, p->desc, (int)p->type_len, p->type);
	else
		printf("%.*s", (int)p->desc_len, p->desc);
	putchar(o->separator);
}

static int put_params(const struct options *o, const struct pmod_modinfo *e, size_t n,
		      bool with_key)
{
	struct pmod_param *params;
	size_t count, skipped;
	int r;

	r = pmod_params_from_modinfo(e, n, &params, &count, &skipped);
	if (r < 0)
		return r;
	for (size_t i = 0; i < count; i++)
		put_param(o, &params[i], with_key);
	pmod_free(params);
	return 0;
}

static bool is_key(const struct pmod_modinfo *e, const char *key)
{
	return e->key_len == strlen(key) && memcmp(e->key, key, e->key_len) == 0;
}

static void put_modinfo(const struct options *o, const struct pmod_modinfo *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (o->field != NULL) {
			if (strlen(o->field) == e[i].key_len &&
			    memcmp(o->field, e[i].key, e[i].key_len) == 0) {
				fputs(e[i].value, stdout);
				putchar(o->separator);
			}
			continue;
		}
		if (is_key(&e[i], "parm") || is_key(&e[i], "parmtype"))
			continue;
		put_entry(o, e[i].key, e[i].key_len, e[i].value, strlen(e[i].value));
	}
}

static void put_signature(const struct options *o, const struct pmod_signature *sig)
{
	const struct pmod_signer *who = &sig->signer;
	const char *hash = who->hash_algo[0] ? who->hash_algo : "unknown";

	if (wants(o, "sig_id"))
		put_text_entry(o, "sig_id", sig->id_type_name, strlen(sig->id_type_name));
	if (wants(o, "signer"))
		put_text_entry(o, "signer", who->name, strnlen(who->name, who->name_len));
	if (who->key_id_len > 0 && wants(o, "sig_key"))
		put_hex_entry(o, "sig_key", who->key_id, who->key_id_len);
	if (wants(o, "sig_hashalgo"))
		put_text_entry(o, "sig_hashalgo", hash, strlen(hash));
	if (sig->sig_len > 0 && wants(o, "signature"))
		put_hex_entry(o, "signature", sig->sig, sig->sig_len);
}

static bool field_is_signature(const char *field)
{
	static const char *const keys[] = {
		"sig_id", "signer", "sig_key", "sig_hashalgo", "signature",
	};

	if (field == NULL)
		return true;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(field, keys[i]) == 0)
			return true;
	return false;
}

/* One module's record, whatever the output mode. name is given for a
 * built-in module, whose record starts with it; filename is the path, or
 * "(builtin)". */
static int put_record(const struct options *o, const char *name, const char *filename,
		      const struct pmod_modinfo *e, size_t n, const struct pmod_signature *sig)
{
	if (o->json_out != NULL) {
		modinfo_json_record(o->json_out, name, filename, e, n, sig);
		return 0;
	}
	if (o->field != NULL && strcmp(o->field, "filename") == 0) {
		printf("%s%c", filename, o->separator);
		return 0;
	}
	if (o->field != NULL && strcmp(o->field, "parm") == 0)
		return put_params(o, e, n, false);
	if (o->field == NULL) {
		/* kmod pads these lines even with -0. */
		if (name != NULL)
			printf("%-16s%s%c", "name:", name, o->separator);
		printf("%-16s%s%c", "filename:", filename, o->separator);
	}
	put_modinfo(o, e, n);
	if (sig != NULL)
		put_signature(o, sig);
	return o->field == NULL ? put_params(o, e, n, true) : 0;
}

/* ---------------------------------------------------------------- modules */

static void report(const char *what, const struct pmod_error *err)
{
	fprintf(stderr, "%s: ERROR: %s: %s\n", progname, what, err->text);
}

static void report_builtin_unverifiable(const char *name)
{
	fprintf(stderr, "%s: ERROR: %s is built into the kernel: there is no module file to verify\n",
		progname, name);
}

/* Prints one module file and frees img. */
static int show_image(const struct options *o, struct pmod_image *img, const char *path)
{
	const struct pmod_signature *sig = NULL;
	const struct pmod_modinfo *e;
	struct pmod_error err;
	size_t n;
	int r;

	r = pmod_image_modinfo(img, &e, &n, &err);
	/* Parse all the output needs before printing any of it, so a damaged
	 * module gives one error line and no half-printed record. Signature
	 * bytes are decoded only when the output shows them. */
	if (r == 0 && field_is_signature(o->field)) {
		r = pmod_image_signature(img, &sig, &err);
		/* With --verify a signature that cannot be parsed is the
		 * verdict "malformed", which the record then carries. */
		if (r == -ENODATA || (r == -EBADMSG && o->verify)) {
			sig = NULL;
			r = 0;
		}
	}
	if (r < 0) {
		report(path, &err);
		pmod_image_free(img);
		return r;
	}

	r = put_record(o, NULL, path, e, n, sig);
	pmod_image_free(img);
	return r;
}

static int show_file(struct pmod_ctx *ctx, const struct options *o, const char *path)
{
	struct pmod_image *img;
	struct pmod_error err;
	int r;

	r = pmod_image_open(ctx, path, &img, &err);
	if (r < 0) {
		report(path, &err);
		return r;
	}
	return show_image(o, img, path);
}

static int show_builtin(struct pmod_ctx *ctx, const struct options *o, const char *name)
{
	struct pmod_modinfo *e = NULL;
	struct pmod_error err;
	size_t n = 0;
	int r;

	r = pmod_builtin_modinfo(ctx, name, &e, &n, &err);
	/* A kernel without modules.builtin.modinfo: name and filename only. */
	if (r < 0 && r != -ENOENT) {
		report(name, &err);
		return r;
	}
	r = put_record(o, name, "(builtin)", e, n, NULL);
	pmod_free(e);
	if (r == 0 && o->verify) {
		/* --json --verify: shown like any module, but not judged. */
		report_builtin_unverifiable(name);
		r = -ENOENT;
	}
	return r;
}

static int show_lookup(struct pmod_ctx *ctx, const struct options *o, const char *request)
{
	struct pmod_found *found;
	struct pmod_error err;
	size_t n;
	int r, ret = 0;

	r = pmod_lookup(ctx, request, o->name_only ? PMOD_LOOKUP_NAME_ONLY : 0, &found, &n,
			&err);
	if (r < 0) {
		report(request, &err);
		return r;
	}
	if (n == 0) {
		fprintf(stderr, "%s: ERROR: Module %s%s not found.\n", progname,
			o->name_only ? "name " : "", request);
		pmod_found_free(found, n);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		if (found[i].path != NULL)
			r = show_file(ctx, o, found[i].path);
		else
			r = show_builtin(ctx, o, found[i].name);
		if (r < 0)
			ret = r;
	}
	pmod_found_free(found, n);
	return ret;
}

/* kmod's rule: a path when it names an existing file with a module
 * extension. pmod also takes anything with a '/' that exists, so that a
 * directory or FIFO given as a path is reported as such. */
static bool looks_like_path(const char *arg)
{
	return pmod_path_has_module_extension(arg) || strchr(arg, '/') != NULL;
}

/* A path argument is opened directly (one path walk, no stat first); only
 * when nothing exists there is it looked up as a name, as kmod does. The
 * path printed is made absolute against the working directory, as kmod's. */
static int show_argument(struct pmod_ctx *ctx, const struct options *o, const char *arg)
{
	struct pmod_image *img;
	struct pmod_error err;
	char cwd[PATH_MAX];
	char *abs = NULL;
	const char *path = arg;
	int r;

	if (!looks_like_path(arg))
		return show_lookup(ctx, o, arg);
	if (arg[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL || asprintf(&abs, "%s/%s", cwd, arg) < 0) {
			r = -errno;
			fprintf(stderr, "%s: ERROR: %s: cannot make the path absolute: %s\n",
				progname, arg, strerror(errno));
			return r;
		}
		path = abs;
	}
	r = pmod_image_open(ctx, path, &img, &err);
	if (r == -ENOENT || r == -ENOTDIR) {
		r = show_lookup(ctx, o, arg);
	} else if (r < 0) {
		report(path, &err);
	} else {
		r = show_image(o, img, path);
	}
	free(abs);
	return r;
}

/* ---------------------------------------------------------------- --verify */

/* The module files --verify is given, in argument order. */
struct verify_list {
	char **paths;
	size_t count, cap;
};

static int verify_add(struct verify_list *l, const char *path)
{
	char *copy;

	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **n = realloc(l->paths, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		l->paths = n;
		l->cap = cap;
	}
	copy = strdup(path);
	if (copy == NULL)
		return -ENOMEM;
	l->paths[l->count++] = copy;
	return 0;
}

/* A name or alias: every module file it resolves to. A built-in module
 * has no file and so no signature: it cannot be "valid". */
static int verify_lookup(struct pmod_ctx *ctx, const struct options *o, const char *request,
			 struct verify_list *l)
{
	struct pmod_found *found;
	struct pmod_error err;
	size_t n;
	int r, ret = 0;

	r = pmod_lookup(ctx, request, o->name_only ? PMOD_LOOKUP_NAME_ONLY : 0, &found, &n,
			&err);
	if (r < 0) {
		report(request, &err);
		return r;
	}
	if (n == 0) {
		fprintf(stderr, "%s: ERROR: Module %s%s not found.\n", progname,
			o->name_only ? "name " : "", request);
		ret = -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		if (found[i].path == NULL) {
			report_builtin_unverifiable(found[i].name);
			ret = -ENOENT;
		} else if (verify_add(l, found[i].path) < 0) {
			ret = -ENOMEM;
		}
	}
	pmod_found_free(found, n);
	return ret;
}

/* Paths are taken as they are (made absolute, like modinfo's); anything
 * else, or a path where nothing exists, is looked up as a name. */
static int verify_argument(struct pmod_ctx *ctx, const struct options *o, const char *arg,
			   struct verify_list *l)
{
	struct stat st;
	char cwd[PATH_MAX];
	char *abs = NULL;
	int r;

	if (!looks_like_path(arg) || stat(arg, &st) < 0)
		return verify_lookup(ctx, o, arg, l);
	if (arg[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL || asprintf(&abs, "%s/%s", cwd, arg) < 0) {
			r = -errno;
			fprintf(stderr, "%s: ERROR: %s: cannot make the path absolute: %s\n",
				progname, arg, strerror(errno));
			return r;
		}
	}
	r = verify_add(l, abs != NULL ? abs : arg);
	free(abs);
	return r;
}

/* A value from a certificate or a signature, quoted: a hostile name
 * cannot forge fields, lines or terminal controls. */
static void put_quoted(const char *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			printf("\\x%02x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* One line per module:
 *   PATH: VERDICT [signer="NAME" key=HEX hash=ALGO [weak-hash]] [cert="FILE"] [reason="WHY"]
 * signer, key and hash for every verdict that names a signer, weak-hash
 * after a hash weaker than sha256; cert for valid and bad-signature;
 * reason for bad-signature and malformed. */
static void put_verdict(const char *path, const struct pmod_verify_result *res)
{
	static const char digits[] = "0123456789abcdef";

	printf("%s: %s", path, pmod_verdict_name(res->verdict));
	if (res->verdict == PMOD_VERDICT_VALID || res->verdict == PMOD_VERDICT_UNTRUSTED ||
	    res->verdict == PMOD_VERDICT_BAD_SIGNATURE) {
		const struct pmod_signer *who = &res->signer;

		fputs(" signer=", stdout);
		put_quoted(who->name, who->name_len);
		fputs(" key=", stdout);
		for (size_t i = 0; i < who->key_id_len; i++) {
			putchar(digits[who->key_id[i] >> 4]);
			putchar(digits[who->key_id[i] & 15]);
		}
		printf(" hash=%s", who->hash_algo[0] ? who->hash_algo : "unknown");
		if (who->weak_hash)
			fputs(" weak-hash", stdout);
	}
	if (res->certificate != NULL) {
		fputs(" cert=", stdout);
		put_quoted(res->certificate, strlen(res->certificate));
	}
	if (res->verdict == PMOD_VERDICT_BAD_SIGNATURE || res->verdict == PMOD_VERDICT_MALFORMED) {
		fputs(" reason=", stdout);
		put_quoted(res->reason, strlen(res->reason));
	}
	putchar('\n');
}

/* Judges paths[0..count) and prints each verdict: a line, or with --json
 * a member of the file's record. false unless every module is valid with
 * a hash at least as strong as sha256, what SigningPolicy=enforce
 * accepts: anything else is a module the signing gate would question. */
static bool judge_files(struct pmod_ctx *ctx, const struct options *o, const char *const *paths,
			size_t count)
{
	struct pmod_verify_result *results;
	struct pmod_error err = { 0 };
	bool ok = true;

	if (count == 0)
		return true;
	results = calloc(count, sizeof(*results));
	if (results == NULL) {
		fprintf(stderr, "%s: ERROR: out of memory\n", progname);
		return false;
	}
	if (pmod_verify_files(ctx, paths, count, 0, results, &err) < 0) {
		fprintf(stderr, "%s: ERROR: cannot verify: %s\n", progname, err.text);
		free(results);
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		if (results[i].error < 0) {
			/* No verdict: the file is not a module we could read. */
			fflush(stdout);
			fprintf(stderr, "%s: ERROR: %s: %s\n", progname, paths[i],
				results[i].reason);
			ok = false;
			continue;
		}
		if (o->json_out != NULL)
			modinfo_json_verdict(o->json_out, i, &results[i]);
		else
			put_verdict(paths[i], &results[i]);
		if (results[i].verdict != PMOD_VERDICT_VALID || results[i].signer.weak_hash)
			ok = false;
	}
	free(results);
	return ok;
}

/* The text --verify: verdict lines only, for every module file the
 * arguments name. */
static int verify_modules(struct pmod_ctx *ctx, const struct options *o, char *const *args,
			  int nargs)
{
	struct verify_list l = { 0 };
	bool ok = true;
	int r;

	for (int i = 0; i < nargs; i++) {
		r = verify_argument(ctx, o, args[i], &l);
		if (r == -ENOMEM) {
			fprintf(stderr, "%s: ERROR: out of memory\n", progname);
			ok = false;
			goto out;
		}
		if (r < 0)
			ok = false;
	}
	if (!judge_files(ctx, o, (const char *const *)l.paths, l.count))
		ok = false;
out:
	for (size_t i = 0; i < l.count; i++)
		free(l.paths[i]);
	free(l.paths);
	return ok ? 0 : -1;
}

/* ---------------------------------------------------------------- --json */

/* Every record into one document, printed once the run is over; with
 * --verify, each module file's record also gets its verdict. -1 when
 * something failed (said on stderr), as the text output would. */
static int show_json(struct pmod_ctx *ctx, struct options *o, char *const *args, int nargs)
{
	const char *const *paths;
	size_t count;
	bool ok = true;
	int r;

	o->json_out = modinfo_json_new(o->field, o->verify, stdout);
	if (o->json_out == NULL)
		return -1;
	for (int i = 0; i < nargs; i++) {
		modinfo_json_set_argument(o->json_out, args[i]);
		if (show_argument(ctx, o, args[i]) < 0)
			ok = false;
	}
	if (o->verify) {
		count = modinfo_json_files(o->json_out, &paths);
		if (!judge_files(ctx, o, paths, count))
			ok = false;
	}
	r = modinfo_json_finish(o->json_out, stdout);
	o->json_out = NULL;
	if (r < 0) {
		fprintf(stderr, "%s: ERROR: writing output: %s\n", progname, strerror(-r));
		return -1;
	}
	return ok ? 0 : -1;
}

/* ---------------------------------------------------------------- main */

static void usage(void)
{
	printf("Usage:\n"
	       "\t%s [options] MODULE...\n"
	       "\n"
	       "MODULE is a module file (.ko, .ko.gz, .ko.xz, .ko.zst), a module name or an\n"
	       "alias, looked up in the module directory of the kernel release.\n"
	       "\n"
	       "Options:\n"
	       "\t-a, --author              Print only 'author'\n"
	       "\t-d, --description         Print only 'description'\n"
	       "\t-l, --license             Print only 'license'\n"
	       "\t-p, --parameters          Print only 'parm'\n"
	       "\t-n, --filename            Print only 'filename'\n"
	       "\t-0, --null                Separate values with NUL instead of newline\n"
	       "\t    --json                Write one JSON document for the run (pmod-json(7))\n"
	       "\t-m, --modname             MODULE is a module name, never an alias\n"
	       "\t-F, --field=FIELD         Print only the values of FIELD\n"
	       "\t    --verify              Check each module's signature against the trust\n"
	       "\t                          store: one verdict line per module; exit status 0\n"
	       "\t                          only when every one is valid\n"
	       "\t-k, --set-version=VERSION Use VERSION instead of `uname -r`\n"
	       "\t-b, --basedir=DIR         Look for the module directory under DIR\n"
	       "\t    --root=DIR            Take every file under DIR instead of /\n"
	       "\t-V, --version             Show the version\n"
	       "\t-h, --help                Show this help\n",
	       progname);
}

/* Options into o and copts. 0: go on; 1: done, success (-V, -h); -1: a
 * usage error, already said. */
static int parse_args(int argc, char *argv[], struct options *o, struct pmod_ctx_options *copts)
{
	static const struct option longopts[] = {
		{ "author", no_argument, NULL, 'a' },
		{ "description", no_argument, NULL, 'd' },
		{ "license", no_argument, NULL, 'l' },
		{ "parameters", no_argument, NULL, 'p' },
		{ "filename", no_argument, NULL, 'n' },
		{ "null", no_argument, NULL, '0' },
		{ "modname", no_argument, NULL, 'm' },
		{ "field", required_argument, NULL, 'F' },
		{ "set-version", required_argument, NULL, 'k' },
		{ "basedir", required_argument, NULL, 'b' },
		{ "root", required_argument, NULL, 'R' },
		{ "verify", no_argument, NULL, 'Y' },
		{ "json", no_argument, NULL, 'J' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "adlpn0mF:k:b:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o->field = "author"; break;
		case 'd': o->field = "description"; break;
		case 'l': o->field = "license"; break;
		case 'p': o->field = "parm"; break;
		case 'n': o->field = "filename"; break;
		case '0': o->separator = '\0'; break;
		case 'm': o->name_only = true; break;
		case 'F': o->field = optarg; break;
		case 'k': copts->kernel_release = optarg; break;
		case 'b':
			/* An empty base is the root directory, as kmod reads it:
			 * dracut passes its sysroot, which is empty for the running
			 * system. (depmod -b "" is the working directory in kmod.) */
			copts->basedir = optarg[0] != '\0' ? optarg : NULL;
			break;
		case 'R': copts->root = optarg; break;
		case 'Y': o->verify = true; break;
		case 'J': o->json = true; break;
		case 'V':
			tool_print_version();
			return 1;
		case 'h':
			usage();
			return 1;
		default:
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s: ERROR: missing module or filename.\n", progname);
		return -1;
	}
	if (o->json && o->separator != '\n') {
		fprintf(stderr, "%s: ERROR: --json writes one JSON document: it takes no -0\n",
			progname);
		return -1;
	}
	if (o->verify && (o->field != NULL || o->separator != '\n')) {
		fprintf(stderr, "%s: ERROR: --verify prints verdicts only: it takes no field or -0\n",
			progname);
		return -1;
	}
	return 0;
}

int modinfo_main(int argc, char *argv[])
{
	struct options o = { .separator = '\n' };
	struct pmod_ctx_options copts = { .size = sizeof(copts) };
	struct pmod_ctx *ctx;
	static char outbuf[1 << 16];
	int r, failed = 0;

	r = parse_args(argc, argv, &o, &copts);
	if (r != 0)
		return r > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	r = pmod_ctx_new(&copts, &ctx);
	if (r < 0) {
		fprintf(stderr, "%s: ERROR: cannot set up: %s\n", progname, strerror(-r));
		return EXIT_FAILURE;
	}
	/* One big buffer: a whole-tree run prints megabytes. */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (o.json) {
		tool_output_init(progname, o.verify ? LOG_WARNING : LOG_ERR);
		if (o.verify)
			tool_output_attach(ctx);
		failed = show_json(ctx, &o, argv + optind, argc - optind) < 0;
	} else if (o.verify) {
		/* Skipped trust-store files are warnings the user must see. */
		tool_output_init(progname, LOG_WARNING);
		tool_output_attach(ctx);
		failed = verify_modules(ctx, &o, argv + optind, argc - optind) < 0;
	} else {
		for (int i = optind; i < argc; i++)
			if (show_argument(ctx, &o, argv[i]) < 0)
				failed = 1;
	}
	pmod_ctx_free(ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: ERROR: writing output: %s\n", progname, strerror(errno));
		return EXIT_FAILURE;
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
