// SPDX-License-Identifier: LGPL-2.1-or-later
/* depmod's outputs: modules.dep, .alias, .softdep, .weakdep, .symbols,
 * .devname, their binary indexes, and the built-in indexes. Everything is
 * built in memory first; then each file is written to a temporary file in
 * the output directory, flushed to disk, and only when every one of them
 * has been written are they renamed over the old files. A failure on the
 * way removes every temporary file and leaves the old set as it was. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "depmod_internal.h"
#include "error.h"
#include "file_write.h"
#include "mapped_file.h"
#include "growable_array.h"
#include "index_writer.h"

struct text {
	char *data;
	size_t len, cap;
	bool failed;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	size_t need = t->len + n + 1;

	if (t->failed)
		return;
	/* Outputs run to many kilobytes: start at 64 KiB, not at a few bytes. */
	if (need <= n || growable_array_reserve(&t->data, &t->cap, need < 65536 ? 65536 : need,
						  1) < 0) {
		t->failed = true;
		return;
	}
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

static void text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(struct text *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		t->failed = true;
		return;
	}
	text_add(t, buf, (size_t)n);
}

enum output {
	OUT_DEP, OUT_DEP_BIN, OUT_ALIAS, OUT_ALIAS_BIN, OUT_SOFTDEP, OUT_WEAKDEP, OUT_SYMBOLS,
	OUT_SYMBOLS_BIN, OUT_BUILTIN_BIN, OUT_BUILTIN_ALIAS_BIN, OUT_DEVNAME, OUT_COUNT,
};

static const char *const output_names[OUT_COUNT] = {
	"modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin",
	"modules.softdep", "modules.weakdep", "modules.symbols", "modules.symbols.bin",
	"modules.builtin.bin", "modules.builtin.alias.bin", "modules.devname",
};

/* The text outputs that -n prints, in kmod's order. */
static const enum output dry_run_outputs[] = {
	OUT_DEP, OUT_ALIAS, OUT_SOFTDEP, OUT_WEAKDEP, OUT_SYMBOLS, OUT_DEVNAME,
};

struct outputs {
	struct text text[OUT_COUNT];	/* the text files, and the .bin files once serialised */
	struct index_writer *index[OUT_COUNT];
	bool omitted[OUT_COUNT];	/* not written; an older copy is removed */
};

static int index_add(struct pmod_ctx *ctx, const struct pmod_depmod_options *o,
		     struct index_writer *w, const char *what, const char *key,
		     const char *value, uint32_t prio)
{
	int r = index_writer_add(w, key, value, prio);

	if (r == -EINVAL) {
		ctx_log(ctx, LOG_CRIT, "Module index: bad character in '%s' -> '%s'", key, value);
		return r;
	}
	/* kmod puts the pair on a line of its own; scripts may match it. */
	if (r == 1 && o->warn_duplicates)
		ctx_log(ctx, LOG_WARNING, "duplicate module %s:\n%s %s", what, key, value);
	return r < 0 ? r : 0;
}

static int build_deps(struct pmod_ctx *ctx, const struct depmod_modules *mods,
		      const struct pmod_depmod_options *o, struct outputs *out)
{
	struct text line = { 0 };
	int r = 0;

	for (size_t i = 0; i < mods->count && r == 0; i++) {
		const struct depmod_module *m = &mods->items[i];
		size_t *deps, ndeps;

		r = depmod_closure(mods, i, &deps, &ndeps);
		if (r < 0)
			break;
		line.len = 0;
		text_str(&line, depmod_module_path(m));
		text_add(&line, ":", 1);
		for (size_t k = 0; k < ndeps; k++) {
			text_add(&line, " ", 1);
			text_str(&line, depmod_module_path(&mods->items[deps[k]]));
		}
		free(deps);
		if (line.failed) {
			r = -ENOMEM;
			break;
		}
		text_add(&out->text[OUT_DEP], line.data, line.len);
		text_add(&out->text[OUT_DEP], "\n", 1);
		r = index_add(ctx, o, out->index[OUT_DEP_BIN], "deps", m->name, line.data,
			      (uint32_t)i);
	}
	free(line.data);
	return r;
}

static int build_aliases(struct pmod_ctx *ctx, const struct depmod_modules *mods,
			 const struct pmod_depmod_options *o, struct outputs *out)
{
	struct text *alias = &out->text[OUT_ALIAS], *soft = &out->text[OUT_SOFTDEP];
	struct text *weak = &out->text[OUT_WEAKDEP];
	char key[PATH_MAX];
	int r = 0;

	text_str(alias, "# Aliases extracted from modules themselves.\n");
	text_str(soft, "# Soft dependencies extracted from modules themselves.\n");
	text_str(weak, "# Weak dependencies extracted from modules themselves.\n");
	for (size_t i = 0; i < mods->count && r == 0; i++) {
		const struct depmod_module *m = &mods->items[i];

		for (size_t k = 0; k < m->naliases && r == 0; k++) {
			text_str(alias, "alias ");
			text_str(alias, m->aliases[k]);
			text_add(alias, " ", 1);
			text_str(alias, m->name);
			text_add(alias, "\n", 1);
			if (pmod_alias_normalize(m->aliases[k], key, sizeof(key)) < 0) {
				ctx_log(ctx, LOG_WARNING, "Unmatched bracket in %s", m->aliases[k]);
				continue;
			}
			r = index_add(ctx, o, out->index[OUT_ALIAS_BIN], "alias", key, m->name,
				      (uint32_t)i);
		}
		for (size_t k = 0; k < m->nsoftdeps; k++) {
			text_str(soft, "softdep ");
			text_str(soft, m->name);
			text_add(soft, " ", 1);
			text_str(soft, m->softdeps[k]);
			text_add(soft, "\n", 1);
		}
		for (size_t k = 0; k < m->nweakdeps; k++) {
			text_str(weak, "weakdep ");
			text_str(weak, m->name);
			text_add(weak, " ", 1);
			text_str(weak, m->weakdeps[k]);
			text_add(weak, "\n", 1);
		}
	}
	return r;
}

/* Sorted by symbol name: kmod writes hash order, which is not
 * reproducible from one build to the next. */
static int build_symbols(struct pmod_ctx *ctx, const struct depmod_modules *mods,
			 const struct depmod_symbols *syms, const struct pmod_depmod_options *o,
			 struct outputs *out)
{
	struct text *t = &out->text[OUT_SYMBOLS];
	struct depmod_owned_symbol *list;
	char key[PATH_MAX];
	size_t n;
	int r;

	r = depmod_symbols_owned(syms, &list, &n);
	if (r < 0)
		return r;
	text_str(t, "# Aliases for symbols, used by symbol_request().\n");
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *owner = mods->items[list[i].owner].name;

		text_str(t, "alias symbol:");
		text_str(t, list[i].name);
		text_add(t, " ", 1);
		text_str(t, owner);
		text_add(t, "\n", 1);
		if ((size_t)snprintf(key, sizeof(key), "symbol:%s", list[i].name) >= sizeof(key))
			continue;
		r = index_add(ctx, o, out->index[OUT_SYMBOLS_BIN], "syms", key, owner,
			      (uint32_t)list[i].owner);
	}
	free(list);
	return r;
}

static void build_devname(struct pmod_ctx *ctx, const struct depmod_modules *mods,
			  struct outputs *out)
{
	struct text *t = &out->text[OUT_DEVNAME];

	for (size_t i = 0; i < mods->count; i++) {
		const struct depmod_module *m = &mods->items[i];
		const char *devname = NULL;
		unsigned major = 0, minor = 0, maj, min;
		char type = '\0';

		/* The last devname and major/minor seen until both are known. */
		for (size_t k = 0; k < m->naliases; k++) {
			const char *a = m->aliases[k];

			if (strncmp(a, "devname:", 8) == 0) {
				devname = a + 8;
			} else if (sscanf(a, "char-major-%u-%u", &maj, &min) == 2) {
				type = 'c', major = maj, minor = min;
			} else if (sscanf(a, "block-major-%u-%u", &maj, &min) == 2) {
				type = 'b', major = maj, minor = min;
			}
			if (type != '\0' && devname != NULL)
				break;
		}
		if (devname == NULL)
			continue;
		if (type == '\0') {
			ctx_log(ctx, LOG_ERR,
				"Module '%s' has devname (%s) but lacks major and minor information. Ignoring.",
				m->name, devname);
			continue;
		}
		if (t->len == 0)
			text_str(t, "# Device nodes to trigger on-demand module loading.\n");
		text_printf(t, "%s %s %c%u:%u\n", m->name, devname, type, major, minor);
	}
}

/* modules.builtin -> modules.builtin.bin; a missing list gives an empty
 * (0-byte) index, as kmod writes. *present says which. */
static int build_builtin(struct pmod_ctx *ctx, const struct pmod_depmod_options *o,
			 struct outputs *out, bool *present)
{
	char path[PATH_MAX], name[PATH_MAX];
	struct mapped_file mf;
	struct pmod_error e;
	const char *p, *end;
	int r = 0;

	snprintf(path, sizeof(path), "%s/modules.builtin", pmod_ctx_module_dir(ctx));
	*present = mapped_file_map(path, &mf, &e) == 0;
	if (!*present) {
		ctx_log(ctx, LOG_WARNING, "could not open modules.builtin at %s: %s",
			pmod_ctx_module_dir(ctx), strerror(-e.code));
		return 0;
	}
	p = (const char *)mf.data;
	end = p + mf.size;
	while (p < end && r == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[PATH_MAX];

		if (len > 0 && len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if ((line[0] < 'a' || line[0] > 'z') && (line[0] < 'A' || line[0] > 'Z'))
				ctx_log(ctx, LOG_ERR, "Invalid modules.builtin line: %s", line);
			else if (pmod_module_name(line, name, sizeof(name)) >= 0)
				r = index_add(ctx, o, out->index[OUT_BUILTIN_BIN], "builtin", name, "", 0);
		}
		p += len + 1;
	}
	mapped_file_unmap(&mf);
	return r;
}

/* modules.builtin.modinfo -> modules.builtin.alias.bin, each pair once. */
static int build_builtin_alias(struct pmod_ctx *ctx, const struct pmod_depmod_options *o,
			       struct outputs *out, bool *present)
{
	char path[PATH_MAX], key[PATH_MAX];
	struct mapped_file mf;
	struct pmod_error e;
	const char *p, *end;
	char **seen = NULL;
	size_t nseen = 0, capseen = 0;
	int r = 0;

	snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", pmod_ctx_module_dir(ctx));
	*present = mapped_file_map(path, &mf, &e) == 0;
	if (!*present) {
		ctx_log(ctx, LOG_WARNING, "could not open modules.builtin.modinfo at %s: %s",
			pmod_ctx_module_dir(ctx), strerror(-e.code));
		return 0;
	}
	p = (const char *)mf.data;
	end = p + mf.size;
	while (p < end && r == 0) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);
		const char *dot = memchr(p, '.', len);
		char pair[2 * PATH_MAX];
		bool dup = false;

		if (dot != NULL && (size_t)(end - dot) > 7 && strncmp(dot, ".alias=", 7) == 0 &&
		    len < PATH_MAX) {
			char mod[PATH_MAX], value[PATH_MAX];

			snprintf(mod, sizeof(mod), "%.*s", (int)(dot - p), p);
			snprintf(value, sizeof(value), "%.*s", (int)(len - (size_t)(dot + 7 - p)), dot + 7);
			if (pmod_alias_normalize(value, key, sizeof(key)) >= 0) {
				snprintf(pair, sizeof(pair), "%s %s", key, mod);
				for (size_t i = 0; i < nseen && !dup; i++)
					dup = strcmp(seen[i], pair) == 0;
				if (!dup) {
					char *copy = strdup(pair);

					if (copy == NULL ||
					    growable_array_append(&seen, &nseen, &capseen, sizeof(copy),
								  &copy) < 0) {
						free(copy);
						r = -ENOMEM;
						break;
					}
					r = index_add(ctx, o, out->index[OUT_BUILTIN_ALIAS_BIN],
						      "builtin alias", key, mod, 0);
				}
			}
		}
		p += len + 1;
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	mapped_file_unmap(&mf);
	return r;
}

/* ------------------------------------------------------------ publishing */

/* create: -o named the output root, which may not exist yet. Without it
 * the outputs go into the module directory itself, which is never made:
 * a module directory depmod created would be one no package owns. */
static int publish(const char *outdir, bool create, struct outputs *out,
		   struct pmod_error *err)
{
	char tmp[OUT_COUNT][PATH_MAX] = { { 0 } };
	char final[PATH_MAX];
	int r = 0, i;

	r = create ? file_make_dirs(outdir, 0) : 0;
	if (r < 0)
		return pmod_fail(err, r, "cannot create %s: %s", outdir, strerror(-r));
	for (i = 0; i < OUT_COUNT && r == 0; i++) {
		int fd;

		if (out->omitted[i])
			continue;

		snprintf(tmp[i], sizeof(tmp[i]), "%s/.%s.XXXXXX", outdir, output_names[i]);
		fd = mkostemp(tmp[i], O_CLOEXEC);
		if (fd < 0) {
			r = pmod_fail(err, -errno, "cannot create a temporary file in %s: %s", outdir,
				      strerror(errno));
			tmp[i][0] = '\0';
			break;
		}
		r = file_write_all(fd, out->text[i].data ? out->text[i].data : "", out->text[i].len);
		if (r == 0 && fchmod(fd, 0644) < 0)
			r = -errno;
		/* On disk before the rename makes it visible. */
		if (r == 0 && fdatasync(fd) < 0)
			r = -errno;
		if (close(fd) < 0 && r == 0)
			r = -errno;
		if (r < 0)
			pmod_fail(err, r, "%s/%s: %s", outdir, output_names[i], strerror(-r));
	}
	for (i = 0; i < OUT_COUNT; i++) {
		if (tmp[i][0] == '\0')
			continue;
		if (r == 0) {
			snprintf(final, sizeof(final), "%s/%s", outdir, output_names[i]);
			if (rename(tmp[i], final) < 0) {
				r = pmod_fail(err, -errno, "%s: cannot rename into place: %s", final,
					      strerror(errno));
				unlink(tmp[i]);
			}
		} else {
			unlink(tmp[i]);
		}
	}
	for (i = 0; i < OUT_COUNT && r == 0; i++) {
		if (!out->omitted[i])
			continue;
		snprintf(final, sizeof(final), "%s/%s", outdir, output_names[i]);
		if (unlink(final) < 0 && errno != ENOENT)
			r = pmod_fail(err, -errno, "%s: cannot remove the older copy: %s", final,
				      strerror(errno));
	}
	/* The renames themselves survive a power cut only once the directory
	 * is on disk too. */
	if (r == 0) {
		int dfd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return r;
}

static bool has_weakdeps(const struct depmod_modules *mods)
{
	for (size_t i = 0; i < mods->count; i++)
		if (mods->items[i].nweakdeps > 0)
			return true;
	return false;
}

int depmod_write(struct pmod_ctx *ctx, const struct depmod_modules *mods,
		 const struct depmod_symbols *syms, const char *outdir,
		 const struct pmod_depmod_options *o, struct pmod_error *err)
{
	struct outputs out = { 0 };
	bool builtin_present = false, builtin_alias_present = false;
	int r = 0;

	for (int i = 0; i < OUT_COUNT && r == 0; i++)
		if (strstr(output_names[i], ".bin") != NULL)
			r = index_writer_new(&out.index[i]);
	if (r == 0)
		r = build_deps(ctx, mods, o, &out);
	if (r == 0)
		r = build_aliases(ctx, mods, o, &out);
	if (r == 0)
		r = build_symbols(ctx, mods, syms, o, &out);
	if (r == 0)
		build_devname(ctx, mods, &out);
	if (r == 0 && !o->dry_run)
		r = build_builtin(ctx, o, &out, &builtin_present);
	if (r == 0 && !o->dry_run)
		r = build_builtin_alias(ctx, o, &out, &builtin_alias_present);
	for (int i = 0; i < OUT_COUNT && r == 0; i++) {
		uint8_t *data;
		size_t size;

		if (out.text[i].failed)
			r = -ENOMEM;
		if (out.index[i] == NULL || r < 0)
			continue;
		if (o->dry_run)
			continue;
		if ((i == OUT_BUILTIN_BIN && !builtin_present) ||
		    (i == OUT_BUILTIN_ALIAS_BIN && !builtin_alias_present))
			continue;	/* published empty */
		r = index_writer_serialize(out.index[i], &data, &size);
		if (r == 0) {
			out.text[i].data = (char *)data;
			out.text[i].len = size;
		}
	}
	if (r < 0) {
		pmod_fail(err, r, "building the indexes: %s", strerror(-r));
	} else if (o->dry_run) {
		for (size_t k = 0; k < sizeof(dry_run_outputs) / sizeof(dry_run_outputs[0]) &&
				   o->dry_run_output && r == 0; k++) {
			enum output i = dry_run_outputs[k];

			r = o->dry_run_output(o->dry_run_data, output_names[i],
					      out.text[i].data ? out.text[i].data : "", out.text[i].len);
			if (r < 0)
				pmod_fail(err, r, "handing on %s: %s", output_names[i], strerror(-r));
			else
				r = 0;
		}
	} else {
		/* A modules.weakdep with no weak dependency in it is not written
		 * (and an older one is removed): kernels before weak
		 * dependencies existed are removed by packages whose scripts
		 * delete a fixed list of depmod's files, written before kmod
		 * wrote this one, and a file left behind keeps the module
		 * directory from being removed. modprobe reads a missing file
		 * as an empty one. */
		out.omitted[OUT_WEAKDEP] = !has_weakdeps(mods);
		r = publish(outdir, o->outdir != NULL, &out, err);
	}
	for (int i = 0; i < OUT_COUNT; i++) {
		free(out.text[i].data);
		index_writer_free(out.index[i]);
	}
	return r;
}
