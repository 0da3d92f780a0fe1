// SPDX-License-Identifier: GPL-2.0-or-later
/* index-checker DIR_A DIR_B: do two module directories' .bin indexes answer
 * every question the same way through libkmod (the reference reader)?
 *
 * DIR_A and DIR_B are module directories (.../lib/modules/ABI). The requests
 * come from DIR_A's text files: every module name (modules.dep), every alias
 * key as written and made concrete (modules.alias), every symbol
 * (modules.symbols), every built-in module (modules.builtin) and every
 * built-in alias (modules.builtin.modinfo), plus a few names that exist
 * nowhere. Each request goes through kmod_module_new_from_lookup() in a
 * libkmod context for each directory (empty configuration), and the answers
 * must match: return value, module names in order, paths (relative to the
 * directory), and for every module the first time it is seen its
 * dependencies (names and paths, in order) and soft dependencies.
 *
 * libkmod has two index readers: mmap after kmod_load_resources(), and a
 * stdio reader otherwise. Every request is made with both ("mm" and "file"
 * passes), or with the first only (--mm-only, for a tree whose indexes
 * differ from one already read both ways only in the modules' paths). kmod_dump_index() output for all five indexes is compared byte
 * for byte with both readers too.
 *
 * Prints the request and mismatch counts, the first 10 mismatches in
 * detail; exits 1 on any mismatch, 2 on a usage or setup error. */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MAX_DETAILS
#define MAX_DETAILS 10
#endif

enum kind { K_NAME, K_ALIAS, K_CONCRETE, K_SYMBOL, K_BUILTIN, K_BUILTIN_ALIAS,
	    K_MISSING };
static const char *const kind_names[] = {
	"name", "alias", "modalias", "symbol", "builtin", "builtin-alias",
	"missing",
};

struct request {
	char *key;
	enum kind kind;
};

static struct request *reqs;
static size_t nreqs, reqs_cap;
static unsigned long mismatches;
static const char *cur_pass = "";

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("index-checker: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

__attribute__((format(printf, 1, 2)))
static void mismatch(const char *fmt, ...)
{
	va_list ap;

	mismatches++;
	if (mismatches > MAX_DETAILS)
		return;
	va_start(ap, fmt);
	printf("MISMATCH [%s] ", cur_pass);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* ------------------------------------------------------------ inputs */

static char *read_file(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("out of memory");
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void add_req(char *key, enum kind kind)
{
	if (nreqs == reqs_cap) {
		reqs_cap = reqs_cap ? reqs_cap * 2 : 4096;
		reqs = realloc(reqs, reqs_cap * sizeof(*reqs));
		if (!reqs)
			die("out of memory");
	}
	reqs[nreqs].key = key;
	reqs[nreqs].kind = kind;
	nreqs++;
}

/* kmod's module name for a path: basename up to the first '.', '-' -> '_'. */
static char *modname_of_path(const char *p, size_t len)
{
	const char *base = p, *end = p + len, *q;
	char *name;

	for (q = p; q < end; q++)
		if (*q == '/')
			base = q + 1;
	for (q = base; q < end && *q != '.'; q++)
		;
	name = xstrndup(base, (size_t)(q - base));
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	return name;
}

/* Calls fn(line, len) for each non-empty line of a text buffer. */
static void for_each_line(char *buf, size_t len, void (*fn)(char *, size_t))
{
	char *p = buf, *end = buf + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0) {
			p[n] = '\0';
			fn(p, n);
		}
		p += n + 1;
	}
}

static void dep_line(char *line, size_t len)
{
	char *colon = memchr(line, ':', len);

	if (colon)
		add_req(modname_of_path(line, (size_t)(colon - line)), K_NAME);
}

/* "alias KEY MODNAME" lines (modules.alias and modules.symbols). */
static void alias_line(char *line, size_t len)
{
	char *key, *sp;

	if (strncmp(line, "alias ", 6) != 0)
		return;
	key = line + 6;
	sp = strchr(key, ' ');
	if (!sp || sp == key)
		return;
	if (strncmp(key, "symbol:", 7) == 0) {
		add_req(xstrndup(key, (size_t)(sp - key)), K_SYMBOL);
		return;
	}
	add_req(xstrndup(key, (size_t)(sp - key)), K_ALIAS);
	/* The same alias as a device would request it: wildcards filled. */
	if (memchr(key, '[', (size_t)(sp - key)) == NULL &&
	    (memchr(key, '*', (size_t)(sp - key)) || memchr(key, '?', (size_t)(sp - key)))) {
		char *c = xmalloc((size_t)(sp - key) + 1), *o = c;

		for (const char *i = key; i < sp; i++) {
			if (*i == '*')
				continue;
			*o++ = *i == '?' ? 'X' : *i;
		}
		*o = '\0';
		add_req(c, K_CONCRETE);
	}
	(void)len;
}

static void builtin_line(char *line, size_t len)
{
	add_req(modname_of_path(line, len), K_BUILTIN);
}

/* modules.builtin.modinfo: NUL-terminated "MODNAME.KEY=VALUE" strings. */
static void load_builtin_modinfo(const char *dir)
{
	size_t len, i = 0;
	char *buf = read_file(dir, "modules.builtin.modinfo", &len);

	if (!buf)
		return;
	while (i < len) {
		const char *s = buf + i, *dot, *eq;
		size_t n = strnlen(s, len - i);

		dot = memchr(s, '.', n);
		eq = memchr(s, '=', n);
		if (dot && eq && dot < eq && (size_t)(eq - dot) == 6 &&
		    strncmp(dot + 1, "alias", 5) == 0 && eq + 1 < s + n)
			add_req(xstrndup(eq + 1, (size_t)(s + n - eq - 1)), K_BUILTIN_ALIAS);
		i += n + 1;
	}
	free(buf);
}

static int cmp_req(const void *a, const void *b)
{
	const struct request *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	return r ? r : (int)x->kind - (int)y->kind;
}

static void load_requests(const char *dir)
{
	static const struct {
		const char *file;
		void (*fn)(char *, size_t);
		bool required;
	} inputs[] = {
		{ "modules.dep", dep_line, true },
		{ "modules.alias", alias_line, true },
		{ "modules.symbols", alias_line, true },
		{ "modules.builtin", builtin_line, false },
	};
	size_t len, out = 0;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *buf = read_file(dir, inputs[i].file, &len);

		if (!buf) {
			if (inputs[i].required)
				die("%s/%s: %s", dir, inputs[i].file, strerror(errno));
			fprintf(stderr, "index-checker: note: no %s/%s\n", dir, inputs[i].file);
			continue;
		}
		for_each_line(buf, len, inputs[i].fn);
		free(buf);
	}
	load_builtin_modinfo(dir);
	add_req(strdup("pmod_no_such_module"), K_MISSING);
	add_req(strdup("pci:v0000FFFFd0000FFFFsv0000FFFFsd0000FFFFbcFFscFFiFF"), K_MISSING);
	add_req(strdup("symbol:pmod_no_such_symbol"), K_MISSING);

	/* One request per distinct key (the first kind wins: a module name
	 * that is also an alias is looked up once). */
	qsort(reqs, nreqs, sizeof(*reqs), cmp_req);
	for (size_t i = 0; i < nreqs; i++) {
		if (out > 0 && strcmp(reqs[out - 1].key, reqs[i].key) == 0) {
			free(reqs[i].key);
			continue;
		}
		reqs[out++] = reqs[i];
	}
	nreqs = out;
}

/* ------------------------------------------------------------ name set */

static char **seen;
static size_t seen_cap, seen_n;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* True if name was not in the set (and adds it). */
static bool seen_add(const char *name)
{
	size_t i;

	if (seen_n * 2 >= seen_cap) {
		char **old = seen;
		size_t old_cap = seen_cap;

		seen_cap = seen_cap ? seen_cap * 2 : 8192;
		seen = calloc(seen_cap, sizeof(*seen));
		if (!seen)
			die("out of memory");
		seen_n = 0;
		for (size_t j = 0; j < old_cap; j++)
			if (old[j]) {
				for (i = hash_str(old[j]) & (seen_cap - 1); seen[i];
				     i = (i + 1) & (seen_cap - 1))
					;
				seen[i] = old[j];
				seen_n++;
			}
		free(old);
	}
	for (i = hash_str(name) & (seen_cap - 1); seen[i]; i = (i + 1) & (seen_cap - 1))
		if (strcmp(seen[i], name) == 0)
			return false;
	seen[i] = strdup(name);
	seen_n++;
	return true;
}

static void seen_clear(void)
{
	for (size_t i = 0; i < seen_cap; i++)
		free(seen[i]);
	free(seen);
	seen = NULL;
	seen_cap = seen_n = 0;
}

/* ------------------------------------------------------------ comparing */

struct side {
	const char *dir;
	struct kmod_ctx *ctx;
	size_t dirlen;
};

/* A module's path relative to its context's directory. */
static const char *rel_path(const struct side *s, struct kmod_module *m)
{
	const char *p = kmod_module_get_path(m);

	if (!p)
		return "(no path)";
	if (strncmp(p, s->dir, s->dirlen) == 0 && p[s->dirlen] == '/')
		return p + s->dirlen + 1;
	return p;
}

static const char *str_or(const char *s)
{
	return s ? s : "(null)";
}

/* Compares two module lists; what names the list in messages. */
static void compare_lists(const struct side *a, struct kmod_list *la,
			  const struct side *b, struct kmod_list *lb,
			  const char *what, const char *key, bool with_paths)
{
	size_t na = 0, nb = 0, i = 0;
	struct kmod_list *ia, *ib;

	kmod_list_foreach(ia, la)
		na++;
	kmod_list_foreach(ib, lb)
		nb++;
	if (na != nb) {
		char first_a[256] = "", first_b[256] = "";

		if (la)
			snprintf(first_a, sizeof(first_a), " first %s",
				 kmod_module_get_name(kmod_module_get_module(la)));
		if (lb)
			snprintf(first_b, sizeof(first_b), " first %s",
				 kmod_module_get_name(kmod_module_get_module(lb)));
		mismatch("%s '%s': A has %zu modules%s, B has %zu%s", what, key,
			 na, first_a, nb, first_b);
		return;
	}
	for (ia = la, ib = lb; ia && ib;
	     ia = kmod_list_next(la, ia), ib = kmod_list_next(lb, ib), i++) {
		struct kmod_module *ma = kmod_module_get_module(ia);
		struct kmod_module *mb = kmod_module_get_module(ib);
		const char *na_ = str_or(kmod_module_get_name(ma));
		const char *nb_ = str_or(kmod_module_get_name(mb));

		if (strcmp(na_, nb_) != 0)
			mismatch("%s '%s' [%zu]: A %s, B %s", what, key, i, na_, nb_);
		else if (with_paths && strcmp(rel_path(a, ma), rel_path(b, mb)) != 0)
			mismatch("%s '%s' [%zu] %s: path A %s, B %s", what, key, i, na_,
				 rel_path(a, ma), rel_path(b, mb));
		kmod_module_unref(ma);
		kmod_module_unref(mb);
	}
}

static void compare_module_details(const struct side *a, struct kmod_module *ma,
				   const struct side *b, struct kmod_module *mb)
{
	const char *name = kmod_module_get_name(ma);
	struct kmod_list *da, *db, *pre_a = NULL, *post_a = NULL, *pre_b = NULL,
			 *post_b = NULL;
	int ra, rb;

	da = kmod_module_get_dependencies(ma);
	db = kmod_module_get_dependencies(mb);
	compare_lists(a, da, b, db, "dependencies of", name, true);
	kmod_module_unref_list(da);
	kmod_module_unref_list(db);

	ra = kmod_module_get_softdeps(ma, &pre_a, &post_a);
	rb = kmod_module_get_softdeps(mb, &pre_b, &post_b);
	if (ra != rb)
		mismatch("softdeps of '%s': A returns %d, B %d", name, ra, rb);
	compare_lists(a, pre_a, b, pre_b, "softdep pre of", name, false);
	compare_lists(a, post_a, b, post_b, "softdep post of", name, false);
	kmod_module_unref_list(pre_a);
	kmod_module_unref_list(post_a);
	kmod_module_unref_list(pre_b);
	kmod_module_unref_list(post_b);
}

static void check_request(const struct side *a, const struct side *b,
			  const struct request *r)
{
	struct kmod_list *la = NULL, *lb = NULL, *ia, *ib;
	int ra, rb;
	char what[64];

	ra = kmod_module_new_from_lookup(a->ctx, r->key, &la);
	rb = kmod_module_new_from_lookup(b->ctx, r->key, &lb);
	snprintf(what, sizeof(what), "lookup (%s)", kind_names[r->kind]);
	if (ra != rb)
		mismatch("%s '%s': A returns %d, B %d", what, r->key, ra, rb);
	else
		compare_lists(a, la, b, lb, what, r->key, true);

	/* Each module's dependencies and soft dependencies, once. */
	for (ia = la, ib = lb; ia && ib;
	     ia = kmod_list_next(la, ia), ib = kmod_list_next(lb, ib)) {
		struct kmod_module *ma = kmod_module_get_module(ia);
		struct kmod_module *mb = kmod_module_get_module(ib);

		if (strcmp(kmod_module_get_name(ma), kmod_module_get_name(mb)) == 0 &&
		    seen_add(kmod_module_get_name(ma)))
			compare_module_details(a, ma, b, mb);
		kmod_module_unref(ma);
		kmod_module_unref(mb);
	}
	kmod_module_unref_list(la);
	kmod_module_unref_list(lb);
}

/* ------------------------------------------------------------ index dumps */

static const struct {
	enum kmod_index type;
	const char *name;
} indexes[] = {
	{ KMOD_INDEX_MODULES_DEP, "modules.dep.bin" },
	{ KMOD_INDEX_MODULES_ALIAS, "modules.alias.bin" },
	{ KMOD_INDEX_MODULES_SYMBOL, "modules.symbols.bin" },
	{ KMOD_INDEX_MODULES_BUILTIN, "modules.builtin.bin" },
	{ KMOD_INDEX_MODULES_BUILTIN_ALIAS, "modules.builtin.alias.bin" },
};

/* Dumps one index into an anonymous temp file; returns its contents. */
static char *dump(struct kmod_ctx *ctx, enum kmod_index type, int *ret, size_t *len)
{
	char tmpl[] = "/tmp/index-checker.XXXXXX";
	int fd = mkstemp(tmpl);
	struct stat st;
	char *buf;
	size_t n = 0;

	if (fd < 0)
		die("mkstemp: %s", strerror(errno));
	unlink(tmpl);
	*ret = kmod_dump_index(ctx, type, fd);
	if (fstat(fd, &st) < 0)
		die("fstat: %s", strerror(errno));
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		ssize_t r = pread(fd, buf + n, (size_t)st.st_size - n, (off_t)n);

		if (r <= 0)
			die("reading a dump back: %s", r < 0 ? strerror(errno) : "short file");
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	*len = n;
	return buf;
}

/* Length of the line at s, at most 200. */
static int line_len(const char *s)
{
	size_t n = strcspn(s, "\n");

	return n > 200 ? 200 : (int)n;
}

static unsigned long compare_dumps(const struct side *a, const struct side *b)
{
	unsigned long lines = 0;

	for (size_t i = 0; i < sizeof(indexes) / sizeof(indexes[0]); i++) {
		int ra, rb;
		size_t la, lb, off, line = 1;
		char *da = dump(a->ctx, indexes[i].type, &ra, &la);
		char *db = dump(b->ctx, indexes[i].type, &rb, &lb);

		for (size_t j = 0; j < la; j++)
			lines += da[j] == '\n';
		if (ra != rb) {
			mismatch("kmod_dump_index(%s): A returns %d, B %d",
				 indexes[i].name, ra, rb);
		} else if (la != lb || memcmp(da, db, la) != 0) {
			const char *sa, *sb;

			for (off = 0; off < la && off < lb && da[off] == db[off]; off++)
				if (da[off] == '\n')
					line++;
			sa = da + off;
			while (sa > da && sa[-1] != '\n')
				sa--;
			sb = db + (sa - da);
			mismatch("kmod_dump_index(%s): %zu bytes vs %zu, first difference "
				 "on line %zu:\n    A: %.*s\n    B: %.*s", indexes[i].name,
				 la, lb, line, line_len(sa), sa, line_len(sb), sb);
		}
		free(da);
		free(db);
	}
	return lines;
}

/* ------------------------------------------------------------ passes */

static struct kmod_ctx *new_ctx(const char *dir)
{
	static const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx = kmod_new(dir, no_config);

	if (!ctx)
		die("kmod_new(%s) failed", dir);
	return ctx;
}

static void run_pass(const char *name, const char *dir_a, const char *dir_b, bool mm)
{
	struct side a = { dir_a, new_ctx(dir_a), strlen(dir_a) };
	struct side b = { dir_b, new_ctx(dir_b), strlen(dir_b) };
	unsigned long before = mismatches, dump_lines;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	cur_pass = name;
	if (mm) {
		int ra = kmod_load_resources(a.ctx);
		int rb = kmod_load_resources(b.ctx);

		if (ra != rb)
			mismatch("kmod_load_resources: A returns %d, B %d", ra, rb);
		if (ra < 0)
			fprintf(stderr, "index-checker: kmod_load_resources(%s): %s\n",
				dir_a, strerror(-ra));
	}
	for (size_t i = 0; i < nreqs; i++)
		check_request(&a, &b, &reqs[i]);
	dump_lines = compare_dumps(&a, &b);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("index-checker: %s reader: %zu requests, 5 index dumps (%lu lines), "
	       "%lu mismatches (%.1f s)\n", name, nreqs, dump_lines, mismatches - before,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	seen_clear();
	kmod_unref(a.ctx);
	kmod_unref(b.ctx);
}

/* A module directory as libkmod will see it: absolute, no trailing '/'. */
static char *moddir_arg(const char *arg)
{
	char *p = realpath(arg, NULL);
	struct stat st;

	if (!p || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
		die("%s: not a directory", arg);
	return p;
}

int main(int argc, char **argv)
{
	size_t counts[K_MISSING + 1] = { 0 };
	char *dir_a, *dir_b;

	bool mm_only = argc == 4 && strcmp(argv[3], "--mm-only") == 0;

	if (argc != 3 && !mm_only) {
		fprintf(stderr, "usage: %s DIR_A DIR_B [--mm-only]\n"
			"  DIR_*: module directories (.../lib/modules/ABI); the requests "
			"come from DIR_A's text files\n", argv[0]);
		return 2;
	}
	dir_a = moddir_arg(argv[1]);
	dir_b = moddir_arg(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	load_requests(dir_a);
	for (size_t i = 0; i < nreqs; i++)
		counts[reqs[i].kind]++;
	printf("index-checker: A=%s B=%s: %zu distinct requests:", dir_a, dir_b, nreqs);
	for (int k = 0; k <= K_MISSING; k++)
		printf(" %zu %s", counts[k], kind_names[k]);
	putchar('\n');

	run_pass("mm", dir_a, dir_b, true);
	if (!mm_only)
		run_pass("file", dir_a, dir_b, false);

	if (mismatches > MAX_DETAILS)
		printf("(%lu more mismatches not shown)\n", mismatches - MAX_DETAILS);
	printf("index-checker: %zu requests, %lu mismatches\n", (mm_only ? 1 : 2) * nreqs,
	       mismatches);
	for (size_t i = 0; i < nreqs; i++)
		free(reqs[i].key);
	free(reqs);
	free(dir_a);
	free(dir_b);
	return mismatches ? 1 : 0;
}
