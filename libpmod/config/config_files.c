// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "config_files.h"
#include "growable_array.h"
#include "log.h"

struct file_list {
	struct config_file *items;
	size_t count, cap;
};

char *config_path_concat(const char *a, const char *sep, const char *b)
{
	size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
	char *s = malloc(na + ns + nb + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, na);
	memcpy(s + na, sep, ns);
	memcpy(s + na + ns, b, nb + 1);
	return s;
}

static int add_file(struct file_list *l, const char *dir, const char *name)
{
	struct config_file *f;
	int r = growable_array_reserve(&l->items, &l->cap, l->count + 1, sizeof(*l->items));

	if (r < 0)
		return r;
	f = &l->items[l->count];
	f->seq = l->count;
	if (dir == NULL) {
		f->path = strdup(name);
		if (f->path == NULL)
			return -ENOMEM;
		f->name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	} else {
		f->path = config_path_concat(dir, "/", name);
		if (f->path == NULL)
			return -ENOMEM;
		f->name = f->path + strlen(dir) + 1;
	}
	l->count++;
	return 0;
}

static bool conf_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len >= 6 && strcmp(name + len - 5, ".conf") == 0;
}

/* Sort by basename; for equal names the earlier directory first. */
static int cmp_files(const void *a, const void *b)
{
	const struct config_file *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0);
}

static int list_dir(const struct log_sink *log, const char *dir, struct file_list *l)
{
	struct dirent **entries;
	int n, r = 0;

	n = scandir(dir, &entries, NULL, alphasort);
	if (n < 0)
		return 0;	/* a missing directory is no error */
	for (int i = 0; i < n; i++) {
		const char *name = entries[i]->d_name;
		char *path;
		struct stat st;

		if (r == 0 && conf_name(name)) {
			if ((path = config_path_concat(dir, "/", name)) == NULL) {
				r = -ENOMEM;
			} else {
				/* Symlinks are followed: a link to /dev/null masks. */
				if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
					log_write(log, LOG_ERR, "Directories inside directories are not supported: %s", path);
				else
					r = add_file(l, dir, name);
				free(path);
			}
		} else if (r == 0 && name[0] != '.') {
			log_write(log, LOG_INFO, "%s/%s: ignored, not a .conf file", dir, name);
		}
		free(entries[i]);
	}
	free(entries);
	return r;
}

int config_files_list(const struct log_sink *log, const char *const *paths, size_t npaths,
		      struct config_file **files, size_t *count)
{
	struct file_list l = { 0 };
	size_t out = 0;
	int r = 0;

	for (size_t i = 0; i < npaths && r == 0; i++) {
		struct stat st;

		if (stat(paths[i], &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			r = list_dir(log, paths[i], &l);
		else
			r = add_file(&l, NULL, paths[i]);
	}
	if (r < 0) {
		config_files_free(l.items, l.count);
		return r;
	}
	/* Sort, and keep the first of every basename. */
	if (l.count > 1)	/* l.items is NULL when nothing was found */
		qsort(l.items, l.count, sizeof(*l.items), cmp_files);
	for (size_t i = 0; i < l.count; i++) {
		if (out > 0 && strcmp(l.items[out - 1].name, l.items[i].name) == 0) {
			free(l.items[i].path);
			continue;
		}
		l.items[out++] = l.items[i];
	}
	*files = l.items;
	*count = out;
	return 0;
}

void config_files_free(struct config_file *files, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(files[i].path);
	free(files);
}

int config_reader_open(struct config_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->path = path;
	r->f = fopen(path, "re");
	if (r->f == NULL)
		return -errno;
	r->next_lineno = 1;
	return 0;
}

/* Room in r->line for len + extra bytes and a NUL. */
static int reserve(struct config_reader *r, size_t len, size_t extra)
{
	size_t need;

	if (extra >= SIZE_MAX - len)
		return -EOVERFLOW;
	need = len + extra + 1;
	/* One allocation holds nearly every configuration line. */
	return growable_array_reserve(&r->line, &r->cap, need < 256 ? 256 : need, 1);
}

/* Appends the physical line raw[0..n) (its '\n' removed) with escapes
 * resolved: a backslash keeps the byte after it, and a backslash at the end
 * drops out. Returns true when that backslash asks for the next physical
 * line (it ended a line rather than the file). Whole physical lines are
 * handled with memchr/memcpy because modprobe reads modules.softdep on
 * every run: byte-at-a-time getc was most of its configuration cost. */
static bool append_physical(struct config_reader *r, size_t *len, const char *raw, size_t n,
			    bool had_newline)
{
	while (n > 0) {
		const char *bs = memchr(raw, '\\', n);
		size_t run = bs ? (size_t)(bs - raw) : n;

		memcpy(r->line + *len, raw, run);
		*len += run;
		if (bs == NULL)
			break;
		if (run + 1 == n)	/* the backslash ends the line */
			return had_newline;
		r->line[(*len)++] = bs[1];
		raw += run + 2;
		n -= run + 2;
	}
	return false;
}

int config_reader_next(struct config_reader *r, char **line)
{
	for (;;) {
		size_t len = 0;
		bool any = false, more = true;

		r->lineno = r->next_lineno;
		while (more) {
			ssize_t n = getline(&r->raw, &r->raw_cap, r->f);
			bool nl;

			if (n < 0)
				break;
			any = true;
			nl = r->raw[n - 1] == '\n';
			if (nl) {
				r->next_lineno++;
				n--;
			}
			/* The logical line never grows by more than the raw bytes. */
			if (reserve(r, len, (size_t)n) < 0)
				return -ENOMEM;
			more = append_physical(r, &len, r->raw, (size_t)n, nl);
			r->line[len] = '\0';
		}
		if (ferror(r->f))
			return -EIO;
		if (!any)
			return 0;
		if (len == 0 || r->line[0] == '#')
			continue;
		*line = r->line;
		return 1;
	}
}

void config_reader_close(struct config_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

char *config_next_token(char **cursor)
{
	char *s = *cursor, *tok;

	if (s == NULL)
		return NULL;
	/* Plain loops: tokens are a few bytes long, shorter than what
	 * strspn/strcspn spend setting up their byte sets. */
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*cursor = s;
		return NULL;
	}
	tok = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*cursor = s;
	return tok;
}
