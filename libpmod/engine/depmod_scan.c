// SPDX-License-Identifier: LGPL-2.1-or-later
/* depmod's input: depmod.d, the module files found under the module
 * directory and the external directories, duplicates resolved by search
 * and override rules (the earliest search entry wins; an override names
 * the one file to take), ordered by modules.order.
 * Directories are read in sorted order, so the result never depends on
 * the order the file system returns entries in. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "config_files.h"
#include "depmod_internal.h"
#include "error.h"
#include "mapped_file.h"
#include "growable_array.h"
#include "fnv_hash.h"

static const char *const default_dirs[] = {
	"/etc/depmod.d", "/run/depmod.d", "/usr/local/lib/depmod.d", "/usr/lib/depmod.d",
	"/lib/depmod.d",
};

static int push_str(char ***arr, size_t *n, size_t *cap, const char *s)
{
	char *copy = strdup(s);
	int r;

	if (copy == NULL)
		return -ENOMEM;
	r = growable_array_append(arr, n, cap, sizeof(copy), &copy);
	if (r < 0)
		free(copy);
	return r;
}

static int push_search(struct depmod_config *cfg, enum search_kind kind, const char *path)
{
	struct depmod_search *s;
	size_t len;
	int r = growable_array_reserve(&cfg->searches, &cfg->capsearches, cfg->nsearches + 1,
				       sizeof(*s));

	if (r < 0)
		return r;
	s = &cfg->searches[cfg->nsearches];
	s->kind = kind;
	s->path = NULL;
	if (kind == SEARCH_PATH) {
		len = strlen(path);
		while (len > 1 && path[len - 1] == '/')
			len--;
		s->path = strndup(path, len);
		if (s->path == NULL)
			return -ENOMEM;
	}
	cfg->nsearches++;
	return 0;
}

/* KVER is "*" or an extended regular expression matched anywhere. */
static bool release_matches(const char *pattern, const char *release)
{
	regex_t re;
	bool match;

	if (strcmp(pattern, "*") == 0)
		return true;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	match = regexec(&re, release, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

static int parse_line(struct pmod_ctx *ctx, struct depmod_config *cfg, char *line,
		      const char *path, unsigned lineno)
{
	char *cur = line, *cmd = config_next_token(&cur), *tok;
	int r = 0;

	if (strcmp(cmd, "search") == 0) {
		while (r == 0 && (tok = config_next_token(&cur)) != NULL) {
			if (strcmp(tok, "built-in") == 0)
				r = push_search(cfg, SEARCH_BUILTIN, NULL);
			else if (strcmp(tok, "external") == 0)
				r = push_search(cfg, SEARCH_EXTERNAL, NULL);
			else
				r = push_search(cfg, SEARCH_PATH, tok);
		}
	} else if (strcmp(cmd, "override") == 0) {
		char *mod = config_next_token(&cur), *kver = config_next_token(&cur);
		char *subdir = config_next_token(&cur), *rel;

		if (subdir == NULL)
			goto bad;
		if (release_matches(kver, pmod_ctx_kernel_release(ctx))) {
			size_t len = strlen(subdir);

			while (len > 0 && subdir[len - 1] == '/')
				len--;
			if (asprintf(&rel, "%.*s/%s", (int)len, subdir, mod) < 0)
				return -ENOMEM;
			r = push_str(&cfg->overrides, &cfg->noverrides, &cfg->capoverrides, rel);
			free(rel);
		}
	} else if (strcmp(cmd, "external") == 0) {
		char *kver = config_next_token(&cur), *dir = config_next_token(&cur);

		if (dir == NULL)
			goto bad;
		if (release_matches(kver, pmod_ctx_kernel_release(ctx))) {
			char *rooted;

			/* Configuration names paths of the system it describes. */
			if (asprintf(&rooted, "%s%s", pmod_ctx_root(ctx), dir) < 0)
				return -ENOMEM;
			r = push_str(&cfg->externals, &cfg->nexternals, &cfg->capexternals, rooted);
			free(rooted);
		}
	} else if (strcmp(cmd, "exclude") == 0) {
		while (r == 0 && (tok = config_next_token(&cur)) != NULL)
			r = push_str(&cfg->excludes, &cfg->nexcludes, &cfg->capexcludes, tok);
	} else if (strcmp(cmd, "include") == 0 || strcmp(cmd, "make_map_files") == 0) {
		ctx_log(ctx, LOG_INFO, "%s:%u: %s is not implemented, ignored", path, lineno, cmd);
	} else {
		goto bad;
	}
	return r;
bad:
	ctx_log(ctx, LOG_ERR, "%s:%u: ignoring bad line starting with '%s'", path, lineno, cmd);
	return 0;
}

int depmod_config_load(struct pmod_ctx *ctx, const char *const *paths,
		       struct depmod_config *cfg, struct pmod_error *err)
{
	const char *rooted[64] = { NULL };
	char *owned[64];
	struct config_file *files;
	size_t nfiles, n = 0;
	int r = 0;

	memset(cfg, 0, sizeof(*cfg));
	if (paths == NULL) {
		for (size_t i = 0; i < sizeof(default_dirs) / sizeof(default_dirs[0]); i++) {
			if (asprintf(&owned[n], "%s%s", pmod_ctx_root(ctx), default_dirs[i]) < 0)
				return pmod_fail(err, -ENOMEM, "out of memory");
			rooted[n] = owned[n];
			n++;
		}
	} else {
		for (; paths[n] != NULL && n < 64; n++) {
			if (asprintf(&owned[n], "%s%s", paths[n][0] == '/' ? pmod_ctx_root(ctx) : "",
				     paths[n]) < 0)
				return pmod_fail(err, -ENOMEM, "out of memory");
			rooted[n] = owned[n];
		}
	}
	r = config_files_list(ctx_log_sink(ctx), rooted, n, &files, &nfiles);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	if (r < 0)
		return pmod_fail(err, r, "cannot list depmod.d: %s", strerror(-r));
	for (size_t i = 0; i < nfiles && r >= 0; i++) {
		struct config_reader rd;
		char *line;

		if (config_reader_open(&rd, files[i].path) < 0) {
			ctx_log(ctx, LOG_ERR, "%s: cannot read: %s", files[i].path, strerror(errno));
			continue;
		}
		while (r >= 0 && (r = config_reader_next(&rd, &line)) > 0)
			r = parse_line(ctx, cfg, line, files[i].path, rd.lineno);
		config_reader_close(&rd);
	}
	config_files_free(files, nfiles);
	if (r < 0) {
		depmod_config_free(cfg);
		return pmod_fail(err, r, "reading depmod.d: %s", strerror(-r));
	}
	/* No search line at all: updates first, then everything else. */
	if (cfg->nsearches == 0 &&
	    (push_search(cfg, SEARCH_PATH, "updates") < 0 ||
	     push_search(cfg, SEARCH_BUILTIN, NULL) < 0))
		return pmod_fail(err, -ENOMEM, "out of memory");
	return 0;
}

void depmod_config_free(struct depmod_config *cfg)
{
	for (size_t i = 0; i < cfg->nsearches; i++)
		free(cfg->searches[i].path);
	for (size_t i = 0; i < cfg->noverrides; i++)
		free(cfg->overrides[i]);
	for (size_t i = 0; i < cfg->nexternals; i++)
		free(cfg->externals[i]);
	for (size_t i = 0; i < cfg->nexcludes; i++)
		free(cfg->excludes[i]);
	free(cfg->searches);
	free(cfg->overrides);
	free(cfg->externals);
	free(cfg->excludes);
	memset(cfg, 0, sizeof(*cfg));
}

/* ------------------------------------------------------------------ scan */

struct scan {
	struct pmod_ctx *ctx;
	size_t root_len;		/* stripped from external paths in outputs */
	const struct depmod_config *cfg;
	struct depmod_modules *mods;
	/* name -> index in mods, for duplicates: a sorted probe is enough at
	 * this size, but a hash keeps the scan linear. */
	size_t *slots;
	size_t nslots;
};

/* Rank of a module: the first search entry that holds it (lower is
 * stronger; entries are spaced so that external directories, which share
 * one entry, keep their own order); unmatched modules take built-in's
 * rank, or come last when there is none. */
static int rank_of(const struct depmod_config *cfg, const char *relpath, size_t external)
{
	int builtin = -1, ext_rank = -1;

	for (size_t i = 0; i < cfg->nsearches; i++) {
		const struct depmod_search *s = &cfg->searches[i];
		size_t len;

		if (s->kind == SEARCH_BUILTIN) {
			if (builtin < 0)
				builtin = (int)i;
		} else if (s->kind == SEARCH_EXTERNAL) {
			if (ext_rank < 0)
				ext_rank = (int)i;
		} else if (relpath != NULL) {
			len = strlen(s->path);
			if (strncmp(relpath, s->path, len) == 0 && relpath[len] == '/')
				return (int)i * 1024;
		}
	}
	if (relpath == NULL && ext_rank >= 0)
		return ext_rank * 1024 + (int)(external < 1023 ? external : 1023);
	if (builtin >= 0)
		return builtin * 1024;
	return INT_MAX;
}

static bool is_override(const struct depmod_config *cfg, const char *relpath)
{
	size_t len;

	if (relpath == NULL)
		return false;
	/* Overrides name the path without its extension. */
	len = strlen(relpath);
	for (const char *ext = strstr(relpath, ".ko"); ext; ext = strstr(ext + 1, ".ko"))
		len = (size_t)(ext - relpath);
	for (size_t i = 0; i < cfg->noverrides; i++)
		if (strlen(cfg->overrides[i]) == len && strncmp(cfg->overrides[i], relpath, len) == 0)
			return true;
	return false;
}

static int grow_slots(struct scan *sc)
{
	size_t n = sc->nslots ? sc->nslots * 2 : 8192;
	size_t *slots = malloc(n * sizeof(*slots));

	if (slots == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		slots[i] = SIZE_MAX;
	for (size_t i = 0; i < sc->mods->count; i++) {
		size_t h = (size_t)fnv1a_str(sc->mods->items[i].name) & (n - 1);

		while (slots[h] != SIZE_MAX)
			h = (h + 1) & (n - 1);
		slots[h] = i;
	}
	free(sc->slots);
	sc->slots = slots;
	sc->nslots = n;
	return 0;
}

static int add_module(struct scan *sc, const char *path, const char *relpath, size_t external)
{
	struct depmod_modules *mods = sc->mods;
	char name[PATH_MAX];
	struct depmod_module *m, *old;
	size_t h;
	int rank;

	if (pmod_module_name(path, name, sizeof(name)) < 0)
		return 0;
	rank = rank_of(sc->cfg, relpath, external);
	if ((mods->count + 1) * 2 > sc->nslots && grow_slots(sc) < 0)
		return -ENOMEM;
	for (h = (size_t)fnv1a_str(name) & (sc->nslots - 1); sc->slots[h] != SIZE_MAX;
	     h = (h + 1) & (sc->nslots - 1)) {
		old = &mods->items[sc->slots[h]];
		if (strcmp(old->name, name) != 0)
			continue;
		/* A duplicate: an override decides, then the rank; ties keep
		 * the one found first. */
		if (is_override(sc->cfg, relpath) ||
		    (!is_override(sc->cfg, old->relpath) && rank < old->rank)) {
			char *p = strdup(path), *r = relpath ? strdup(relpath) : NULL;

			if (p == NULL || (relpath && r == NULL)) {
				free(p);
				return -ENOMEM;
			}
			free(old->path);
			free(old->relpath);
			old->path = p;
			old->relpath = r;
			old->outpath = r ? r : p + sc->root_len;
			old->rank = rank;
		}
		return 0;
	}
	if (growable_array_reserve(&mods->items, &mods->cap, mods->count + 1, sizeof(*m)) < 0)
		return -ENOMEM;
	m = &mods->items[mods->count];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	m->relpath = relpath ? strdup(relpath) : NULL;
	m->name = strdup(name);
	m->rank = rank;
	m->order = -1;
	if (m->path == NULL || m->name == NULL || (relpath && m->relpath == NULL))
		return -ENOMEM;
	m->outpath = m->relpath ? m->relpath : m->path + sc->root_len;
	sc->slots[h] = mods->count++;
	return 0;
}

static bool excluded(const struct depmod_config *cfg, const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "build") == 0 ||
	    strcmp(name, "source") == 0)
		return true;
	for (size_t i = 0; i < cfg->nexcludes; i++)
		if (strcmp(cfg->excludes[i], name) == 0)
			return true;
	return false;
}

/* dir is absolute; rel is the part below the module directory ("" at its
 * top), or NULL inside an external directory. */
static int walk(struct scan *sc, const char *dir, const char *rel, size_t external, int depth)
{
	struct dirent **entries;
	int n, r = 0;

	if (depth > 64)
		return 0;
	n = scandir(dir, &entries, NULL, alphasort);
	if (n < 0) {
		int e = errno;

		if (depth == 0)
			ctx_log(sc->ctx, LOG_ERR, "could not open directory %s: %s", dir,
				strerror(e));
		/* Without its module directory there is no kernel release to
		 * index: writing empty indexes would create a directory for a
		 * kernel that is not installed (and that its package's removal
		 * then cannot remove). An external directory that is missing
		 * is only reported, as kmod goes on without it. */
		return depth == 0 && rel != NULL ? -e : 0;
	}
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		char *path = NULL, *relpath = NULL;
		struct stat st;

		if (r < 0 || excluded(sc->cfg, name))
			goto next;
		if (asprintf(&path, "%s/%s", dir, name) < 0 ||
		    (rel && asprintf(&relpath, "%s%s%s", rel, *rel ? "/" : "", name) < 0)) {
			r = -ENOMEM;
			goto next;
		}
		if (stat(path, &st) < 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			r = walk(sc, path, relpath, external, depth + 1);
		} else if (pmod_path_has_module_extension(name)) {
			if (S_ISREG(st.st_mode))
				r = add_module(sc, path, relpath, external);
			else
				ctx_log(sc->ctx, LOG_ERR, "%s: not a regular file, skipped", path);
		}
next:
		free(path);
		free(relpath);
		free(entries[i]);
	}
	free(entries);
	return r;
}

int depmod_scan(struct pmod_ctx *ctx, const struct depmod_config *cfg,
		struct depmod_modules *mods, struct pmod_error *err)
{
	struct scan sc = { .ctx = ctx, .cfg = cfg, .mods = mods, .root_len = strlen(pmod_ctx_root(ctx)) };
	int r;

	memset(mods, 0, sizeof(*mods));
	r = walk(&sc, pmod_ctx_module_dir(ctx), "", 0, 0);
	for (size_t i = 0; r == 0 && i < cfg->nexternals; i++)
		r = walk(&sc, cfg->externals[i], NULL, i, 0);
	free(sc.slots);
	if (r < 0)
		return pmod_fail(err, r, "could not search modules: %s", strerror(-r));
	depmod_sort_by_order(ctx, mods);
	return 0;
}

int depmod_scan_files(struct pmod_ctx *ctx, const char *const *files,
		      struct depmod_modules *mods, struct pmod_error *err)
{
	static const struct depmod_config none;
	struct scan sc = { .ctx = ctx, .cfg = &none, .mods = mods };
	size_t dirlen = strlen(pmod_ctx_module_dir(ctx));
	int r = 0;

	memset(mods, 0, sizeof(*mods));
	for (size_t i = 0; r == 0 && files[i] != NULL; i++) {
		const char *f = files[i];
		const char *rel = strncmp(f, pmod_ctx_module_dir(ctx), dirlen) == 0 && f[dirlen] == '/'
					  ? f + dirlen + 1 : NULL;

		if (f[0] != '/') {
			free(sc.slots);
			return pmod_fail(err, -EINVAL, "%s: not absolute path.", f);
		}
		r = add_module(&sc, f, rel, 0);
	}
	free(sc.slots);
	if (r < 0)
		return pmod_fail(err, r, "out of memory");
	depmod_sort_by_order(ctx, mods);
	return 0;
}

/* ------------------------------------------------------------ modules.order */

/* The key modules.order uses: the relative path with .ko as extension. */
static size_t order_key_len(const char *relpath)
{
	const char *ko = strstr(relpath, ".ko");
	size_t len = strlen(relpath);

	while (ko && strstr(ko + 1, ".ko"))
		ko = strstr(ko + 1, ".ko");
	return ko ? (size_t)(ko - relpath) + 3 : len;
}

static int cmp_order(const void *a, const void *b)
{
	const struct depmod_module *x = a, *y = b;

	/* Listed modules in file order, then the rest by path. */
	if (x->order >= 0 && y->order >= 0)
		return x->order < y->order ? -1 : (x->order > y->order);
	if (x->order >= 0 || y->order >= 0)
		return x->order >= 0 ? -1 : 1;
	if ((x->relpath == NULL) != (y->relpath == NULL))
		return x->relpath ? -1 : 1;
	return strcmp(depmod_module_path(x), depmod_module_path(y));
}

void depmod_sort_by_order(struct pmod_ctx *ctx, struct depmod_modules *mods)
{
	char path[PATH_MAX];
	struct mapped_file mf;
	struct pmod_error err;
	size_t nslots = 1, line = 0;
	size_t *slots;
	const char *p, *end;

	if ((size_t)snprintf(path, sizeof(path), "%s/modules.order", pmod_ctx_module_dir(ctx)) >= sizeof(path) ||
	    mapped_file_map(path, &mf, &err) < 0) {
		ctx_log(ctx, LOG_WARNING, "could not open modules.order at %s: %s", pmod_ctx_module_dir(ctx),
			strerror(errno ? errno : ENOENT));
		goto sort;
	}
	while (nslots < mods->count * 2)
		nslots *= 2;
	slots = malloc(nslots * sizeof(*slots));
	if (slots == NULL) {
		mapped_file_unmap(&mf);
		goto sort;
	}
	for (size_t i = 0; i < nslots; i++)
		slots[i] = SIZE_MAX;
	/* Index the modules by their order key. */
	for (size_t i = 0; i < mods->count; i++) {
		const char *rel = mods->items[i].relpath;
		size_t h;

		if (rel == NULL)
			continue;
		h = (size_t)fnv1a_mem(rel, order_key_len(rel));
		for (h &= nslots - 1; slots[h] != SIZE_MAX; h = (h + 1) & (nslots - 1))
			;
		slots[h] = i;
	}
	p = (const char *)mf.data;
	end = p + mf.size;
	if (mf.size > 0 && end[-1] != '\n') {
		size_t lines = 0;

		for (const char *q = p; q < end; q++)
			lines += *q == '\n';
		ctx_log(ctx, LOG_ERR, "%s:%zu corrupted line misses '\\n'", path, lines + 1);
		free(slots);
		mapped_file_unmap(&mf);
		goto sort;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(nl - p), h = (size_t)fnv1a_mem(p, len);

		for (h &= nslots - 1; slots[h] != SIZE_MAX; h = (h + 1) & (nslots - 1)) {
			struct depmod_module *m = &mods->items[slots[h]];

			/* Only a module's first line counts. */
			if (m->order < 0 && order_key_len(m->relpath) == len &&
			    memcmp(m->relpath, p, len) == 0)
				m->order = (long)line;
		}
		line++;
		p = nl + 1;
	}
	free(slots);
	mapped_file_unmap(&mf);
sort:
	if (mods->count > 1)	/* items is NULL in an empty tree */
		qsort(mods->items, mods->count, sizeof(*mods->items), cmp_order);
}

void depmod_module_release(struct depmod_module *m)
{
	free(m->path);
	free(m->relpath);
	free(m->name);
	free(m->strings);
	free(m->aliases);
	free(m->exports);
	free(m->imports);
	free(m->deps);
	memset(m, 0, sizeof(*m));
}

void depmod_modules_free(struct depmod_modules *mods)
{
	for (size_t i = 0; i < mods->count; i++)
		depmod_module_release(&mods->items[i]);
	free(mods->items);
	memset(mods, 0, sizeof(*mods));
}
