// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod's resource calls: the indexes opened up front and kept
 * (kmod_load_resources), let go (kmod_unload_resources), written out as
 * text (kmod_dump_index), and whether the configuration or an index
 * changed on disk since (kmod_validate_resources).
 *
 * The change test is kmod's, kept exactly because callers such as
 * systemd-udevd decide from it whether to build a new context: a
 * configuration path counts as changed when its own modification time
 * moved or it cannot be stat'ed (so a default directory that does not
 * exist always asks for a new context, and a file edited inside a
 * configuration directory does not, unless the directory itself changed);
 * an index counts only once kmod_load_resources opened it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>

#include "context.h"
#include "resources.h"

/* kmod's indexes in the order of enum kmod_index, with what libpmod calls
 * them and the prefix each line of their dump starts with (kmod writes
 * the built-in aliases without one). */
static const struct {
	const char *file;
	enum pmod_index pmod;
	const char *prefix;
} indexes[RESOURCE_INDEX_COUNT] = {
	[KMOD_INDEX_MODULES_DEP] = { "modules.dep.bin", PMOD_INDEX_DEP, "" },
	[KMOD_INDEX_MODULES_ALIAS] = { "modules.alias.bin", PMOD_INDEX_ALIAS, "alias " },
	[KMOD_INDEX_MODULES_SYMBOL] = { "modules.symbols.bin", PMOD_INDEX_SYMBOLS, "alias " },
	[KMOD_INDEX_MODULES_BUILTIN_ALIAS] = { "modules.builtin.alias.bin",
					       PMOD_INDEX_BUILTIN_ALIAS, "" },
	[KMOD_INDEX_MODULES_BUILTIN] = { "modules.builtin.bin", PMOD_INDEX_BUILTIN, "" },
};

static unsigned long long stamp_of(const struct stat *st)
{
	return (unsigned long long)st->st_mtim.tv_sec * 1000000ULL +
	       (unsigned long long)st->st_mtim.tv_nsec / 1000ULL;
}

/* false when the path cannot be stat'ed or its time is not stamp. */
static bool unchanged(const char *path, unsigned long long stamp)
{
	struct stat st;

	return stat(path, &st) == 0 && stamp_of(&st) == stamp;
}

/* The directory and the file's name, copied (no printf: every context
 * that loads its resources builds five of these). */
static int index_path(const struct kmod_ctx *ctx, int i, char path[PATH_MAX])
{
	const char *dir = kmod_get_dirname(ctx);
	size_t d = strlen(dir), n = strlen(indexes[i].file);

	if (d + 1 + n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(path, dir, d);
	path[d] = '/';
	memcpy(path + d + 1, indexes[i].file, n + 1);
	return 0;
}

int resources_record_config(struct kmod_ctx *ctx)
{
	struct resource_stamps *s = ctx_stamps(ctx);
	const struct pmod_config *cfg = ctx_config(ctx);
	size_t n = 0;

	while (pmod_config_source(cfg, n) != NULL)
		n++;
	s->config = calloc(n + 1, sizeof(*s->config));
	if (s->config == NULL)
		return -ENOMEM;
	s->nconfig = n;
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(pmod_config_source(cfg, i), &st) == 0)
			s->config[i] = stamp_of(&st);
	}
	return 0;
}

void resources_release(struct kmod_ctx *ctx)
{
	free(ctx_stamps(ctx)->config);
}

void kmod_unload_resources(struct kmod_ctx *ctx)
{
	struct resource_stamps *s;

	if (ctx == NULL)
		return;
	s = ctx_stamps(ctx);
	for (int i = 0; i < RESOURCE_INDEX_COUNT; i++) {
		if (!s->index_loaded[i])
			continue;
		pmod_index_close(ctx_pmod(ctx), indexes[i].pmod);
		s->index_loaded[i] = false;
	}
}

int kmod_load_resources(struct kmod_ctx *ctx)
{
	struct resource_stamps *s;
	char path[PATH_MAX];

	if (ctx == NULL)
		return -ENOENT;
	s = ctx_stamps(ctx);
	for (int i = 0; i < RESOURCE_INDEX_COUNT; i++) {
		struct pmod_error err = { 0 };
		struct stat st;
		int r;

		if (s->index_loaded[i])
			continue;
		r = index_path(ctx, i, path);
		if (r == 0)
			r = pmod_index_open(ctx_pmod(ctx), indexes[i].pmod, &err);
		if (r == 0 && stat(path, &st) < 0)
			r = -errno;
		if (r == 0) {
			s->index[i] = stamp_of(&st);
			s->index_loaded[i] = true;
			continue;
		}
		/* Older trees have no modules.builtin.alias.bin: kmod does
		 * without it, whatever the reason. */
		if (i == KMOD_INDEX_MODULES_BUILTIN_ALIAS)
			continue;
		if (r == -EBADMSG || r == -ENODATA) {
			ctx_log_message(ctx, LOG_ERR, __func__, "%s: %s\n", path, err.text);
			r = -EINVAL;	/* what kmod answers for an unusable header */
		}
		kmod_unload_resources(ctx);
		return r;
	}
	return 0;
}

int kmod_validate_resources(struct kmod_ctx *ctx)
{
	const struct resource_stamps *s;
	char path[PATH_MAX];

	if (ctx == NULL)
		return KMOD_RESOURCES_MUST_RECREATE;
	s = ctx_stamps(ctx);
	for (size_t i = 0; i < s->nconfig; i++)
		if (!unchanged(pmod_config_source(ctx_config(ctx), i), s->config[i]))
			return KMOD_RESOURCES_MUST_RECREATE;
	for (int i = 0; i < RESOURCE_INDEX_COUNT; i++) {
		if (!s->index_loaded[i])
			continue;
		if (index_path(ctx, i, path) < 0 || !unchanged(path, s->index[i]))
			return KMOD_RESOURCES_MUST_RELOAD;
	}
	return KMOD_RESOURCES_OK;
}

/* Lines are gathered and written in large pieces; like kmod, a failing
 * write does not stop the dump (the descriptor is the caller's). */
struct dump_writer {
	int fd;
	const char *prefix;
	char buf[65536];
	size_t used;
};

static void flush(struct dump_writer *w)
{
	size_t done = 0;

	while (done < w->used) {
		ssize_t n = write(w->fd, w->buf + done, w->used - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	w->used = 0;
}

static void put(struct dump_writer *w, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		size_t room = sizeof(w->buf) - w->used;
		size_t n = len < room ? len : room;

		memcpy(w->buf + w->used, s, n);
		w->used += n;
		s += n;
		len -= n;
		if (w->used == sizeof(w->buf))
			flush(w);
	}
}

static int dump_line(void *data, const char *key, const char *value)
{
	struct dump_writer *w = data;

	put(w, w->prefix);
	put(w, key);
	put(w, " ");
	put(w, value);
	put(w, "\n");
	return 0;
}

int kmod_dump_index(struct kmod_ctx *ctx, enum kmod_index type, int fd)
{
	struct pmod_error err = { 0 };
	struct dump_writer *w;
	int r;

	if (ctx == NULL)
		return -ENOSYS;
	if ((unsigned)type >= RESOURCE_INDEX_COUNT)
		return -ENOENT;
	/* An index kmod_load_resources did not open is read afresh, as
	 * kmod does; one it cannot open is -ENOSYS to kmod's callers. */
	if (!ctx_stamps(ctx)->index_loaded[type] &&
	    pmod_index_open(ctx_pmod(ctx), indexes[type].pmod, &err) < 0)
		return -ENOSYS;
	w = malloc(sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->fd = fd;
	w->prefix = indexes[type].prefix;
	w->used = 0;
	r = pmod_index_dump(ctx_pmod(ctx), indexes[type].pmod, dump_line, w, &err);
	flush(w);
	free(w);
	if (r < 0) {
		ctx_log_message(ctx, LOG_ERR, __func__, "%s: %s\n", indexes[type].file, err.text);
		return r;
	}
	return 0;
}
