// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel boundary: the only code in pmod that calls finit_module,
 * init_module or delete_module, or reads /proc/modules, /sys/module and
 * /proc/sys/kernel/modules_disabled. Everything read here is treated as
 * hostile: a test (or a broken kernel) can put anything in those files, so
 * every name is checked before it becomes part of a path and every number
 * before it is used. /proc and /sys are never moved by --root. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "growable_array.h"
#include "kernel.h"
#include "privilege.h"

/* glibc exports these two but declares them in no header. Calling the libc
 * symbols (not syscall()) is what kmod does too, so one LD_PRELOAD shim
 * traps both tools the same way. */
extern int init_module(void *image, unsigned long len, const char *params);
extern int delete_module(const char *name, unsigned int flags);

#define PROC_MODULES "/proc/modules"
#define SYS_MODULE "/sys/module"
#define MODULES_DISABLED "/proc/sys/kernel/modules_disabled"

/* A garbage /proc/modules must not make us allocate without bound. The
 * real file holds a few hundred lines; these limits are far beyond it. */
#define MAX_LOADED_MODULES 65536
#define MAX_HOLDERS 65536
/* kmod reads /proc/modules 4 KiB at a time; a longer line (a module with
 * very many holders) is consumed in pieces and only its start is used. */
#define PROC_LINE_CHUNK 4096

/* ---------------------------------------------------------------- small files */

int kernel_name_check(const char *name)
{
	size_t len;

	if (name == NULL || name[0] == '\0')
		return -EINVAL;
	len = strnlen(name, NAME_MAX + 1);
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c <= ' ' || c == 0x7f)
			return -EINVAL;
	}
	return 0;
}

int kernel_read_line(const char *path, char *buf, size_t size)
{
	struct stat st;
	size_t used = 0;
	char *nl;
	int fd, r = 0;

	if (size < 2)
		return -EINVAL;
	/* O_NONBLOCK: a FIFO planted where a sysfs file should be must not
	 * hang us; it is then refused as not a regular file. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	while (used < size - 1) {
		ssize_t n = read(fd, buf + used, size - 1 - used);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	/* A NUL inside the text: not a value the kernel wrote. */
	if (memchr(buf, '\0', used) != NULL) {
		r = -EINVAL;
		goto out;
	}
	nl = memchr(buf, '\n', used);
	if (nl != NULL) {
		*nl = '\0';
	} else if (used == size - 1) {
		char extra;

		/* The buffer is full and no line ended: only a file with
		 * nothing more is acceptable. */
		if (read(fd, &extra, 1) > 0)
			r = -EFBIG;
	}
out:
	close(fd);
	return r;
}

/* A decimal with nothing around it but an optional newline. */
static int parse_long(const char *s, long *value)
{
	char *end;
	long v;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*value = v;
	return 0;
}

int kernel_read_long(const char *path, long *value)
{
	char buf[64];
	int r;

	r = kernel_read_line(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	return parse_long(buf, value);
}

/* Built by copying, not by snprintf: it is asked for every module of
 * every chain loaded. */
static int sys_module_path(char *buf, size_t size, const char *name, const char *file)
{
	size_t nlen = strlen(name), flen = file != NULL ? strlen(file) : 0;
	char *p;

	if (sizeof(SYS_MODULE "/") + nlen + (file != NULL ? 1 + flen : 0) > size)
		return -ENAMETOOLONG;
	p = mempcpy(buf, SYS_MODULE "/", sizeof(SYS_MODULE "/") - 1);
	p = mempcpy(p, name, nlen);
	if (file != NULL) {
		*p++ = '/';
		p = mempcpy(p, file, flen);
	}
	*p = '\0';
	return 0;
}

/* ---------------------------------------------------------------- state */

int kernel_module_sysfs_state(const char *name)
{
	char path[PATH_MAX], state[32];
	struct stat st;
	int r;

	r = kernel_name_check(name);
	if (r < 0)
		return r;
	r = sys_module_path(path, sizeof(path), name, "initstate");
	if (r < 0)
		return r;
	r = kernel_read_line(path, state, sizeof(state));
	if (r == 0) {
		if (strcmp(state, "live") == 0)
			return PMOD_STATE_LIVE;
		if (strcmp(state, "coming") == 0)
			return PMOD_STATE_COMING;
		if (strcmp(state, "going") == 0)
			return PMOD_STATE_GOING;
		return -EINVAL;
	}
	if (r != -ENOENT)
		return r;
	/* No initstate but a directory: a built-in module missing from
	 * modules.builtin.bin, or one whose sysfs entry is half made. */
	sys_module_path(path, sizeof(path), name, NULL);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return PMOD_STATE_COMING;
	return PMOD_STATE_ABSENT;
}

int kernel_modules_disabled(void)
{
	char buf[32];
	int r;

	r = kernel_read_line(MODULES_DISABLED, buf, sizeof(buf));
	/* No such file: no /proc here (a container, an early boot), or a
	 * kernel without modules. There is no lock to report. */
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (strcmp(buf, "0") == 0 || strcmp(buf, "1") == 0)
		return buf[0] == '1';
	return -EINVAL;
}

/* The kernel accepts only a change from 0 to 1 (1 is both its minimum and
 * its maximum): once written, nothing but a reboot undoes it. */
int kernel_lock_modules(struct privilege *priv, bool *asked, struct pmod_error *err)
{
	static const char one[] = "1\n";
	struct privilege_scope scope;
	ssize_t n;
	int fd, r;

	*asked = false;
	r = privilege_raise_lock(priv, &scope, err);
	if (r < 0)
		return r;
	*asked = true;
	fd = open(MODULES_DISABLED, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
	} else {
		n = write(fd, one, sizeof(one) - 1);
		r = n < 0 ? -errno : n != (ssize_t)sizeof(one) - 1 ? -EIO : 0;
		if (close(fd) < 0 && r == 0)
			r = -errno;
	}
	privilege_restore(priv, &scope);
	if (r < 0)
		pmod_fail(err, r, "cannot write 1 to %s: %s", MODULES_DISABLED, strerror(-r));
	return r;
}

/* ---------------------------------------------------------------- loaded modules */

void pmod_loaded_module_release(struct pmod_loaded_module *mod)
{
	if (mod == NULL)
		return;
	free(mod->name);
	for (size_t i = 0; i < mod->nholders; i++)
		free(mod->holders[i]);
	free(mod->holders);
	memset(mod, 0, sizeof(*mod));
}

void pmod_loaded_modules_free(struct pmod_loaded_module *mods, size_t count)
{
	if (mods == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		pmod_loaded_module_release(&mods[i]);
	free(mods);
}

/* /sys/module/NAME/holders in readdir order (what kmod shows). A missing
 * directory is "no holders"; entries that are not module names are
 * skipped. */
static int read_holders(const char *name, struct pmod_loaded_module *mod, struct pmod_error *err)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t cap = 0;
	DIR *dir;
	int r = 0;

	if (sys_module_path(path, sizeof(path), name, "holders") < 0)
		return pmod_fail(err, -ENAMETOOLONG, "module name %s is too long", name);
	dir = opendir(path);
	if (dir == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return pmod_fail(err, -errno, "cannot read %s: %s", path, strerror(errno));
	}
	while ((de = readdir(dir)) != NULL) {
		char *h;

		if (de->d_name[0] == '.' || kernel_name_check(de->d_name) < 0)
			continue;
		if (mod->nholders == MAX_HOLDERS) {
			r = pmod_fail(err, -E2BIG, "%s lists more than %d holders", path, MAX_HOLDERS);
			break;
		}
		if (growable_array_reserve(&mod->holders, &cap, mod->nholders + 1,
					   sizeof(*mod->holders)) < 0) {
			r = pmod_fail(err, -ENOMEM, "out of memory");
			break;
		}
		h = strdup(de->d_name);
		if (h == NULL) {
			r = pmod_fail(err, -ENOMEM, "out of memory");
			break;
		}
		mod->holders[mod->nholders++] = h;
	}
	closedir(dir);
	return r;
}

/* What one line of /proc/modules says: "NAME SIZE REFCNT HOLDERS STATE
 * ADDRESS [(TAINT)]". state and taint are NULL when the line does not
 * give them (cut at PROC_LINE_CHUNK, or written by something else). */
struct proc_line {
	const char *name;
	long size;
	const char *state;
	const char *taint;
};

/* The taint column "(OE+)": the letters, without the parentheses and the
 * + (loading) or - (unloading) marks. NULL unless it is exactly that
 * shape with only letters A-Z, which then fit PMOD_TAINT_MAX. */
static const char *taint_column(char *token)
{
	size_t len = strlen(token), letters = 0;

	if (len < 2 || token[0] != '(' || token[len - 1] != ')')
		return NULL;
	token[len - 1] = '\0';
	for (char *p = token + 1; *p != '\0'; p++) {
		if (*p == '+' || *p == '-')
			continue;
		if (*p < 'A' || *p > 'Z' || letters == PMOD_TAINT_MAX - 1)
			return NULL;
		token[1 + letters++] = *p;
	}
	token[1 + letters] = '\0';
	return token + 1;
}

/* One line of /proc/modules split into its fields. The line is cut at
 * PROC_LINE_CHUNK bytes; only name and size must be there. 1 when a
 * module was parsed, 0 for a blank line, < 0 for a malformed one. */
static int parse_proc_line(char *line, unsigned lineno, struct proc_line *out,
			   struct pmod_error *err)
{
	char *save, *n, *s, *t;
	long *size = &out->size;
	int r;

	n = strtok_r(line, " \t\n", &save);
	if (n == NULL)
		return 0;
	r = kernel_name_check(n);
	if (r < 0)
		return pmod_fail(err, r, PROC_MODULES " line %u: '%.64s' is not a module name",
				 lineno, n);
	if (strlen(n) > KERNEL_MODULE_NAME_MAX)
		return pmod_fail(err, -ENAMETOOLONG,
				 PROC_MODULES " line %u: module name longer than %d characters",
				 lineno, KERNEL_MODULE_NAME_MAX);
	s = strtok_r(NULL, " \t\n", &save);
	if (s == NULL || parse_long(s, size) < 0)
		return pmod_fail(err, -EBADMSG, PROC_MODULES " line %u: %s has no valid size",
				 lineno, n);
	out->name = n;
	out->state = NULL;
	out->taint = NULL;
	/* refcnt, holders, then the state; the address; the taint column
	 * only when the module is tainted or changing state. A line cut
	 * short simply lacks the later ones. */
	if (strtok_r(NULL, " \t\n", &save) == NULL || strtok_r(NULL, " \t\n", &save) == NULL)
		return 1;
	out->state = strtok_r(NULL, " \t\n", &save);
	if (out->state == NULL || strtok_r(NULL, " \t\n", &save) == NULL)
		return 1;
	t = strtok_r(NULL, " \t\n", &save);
	out->taint = t != NULL ? taint_column(t) : "";
	return 1;
}

/* Reads /proc/modules and calls back with each line. */
typedef int (*proc_line_fn)(void *data, const struct proc_line *line, struct pmod_error *err);

static int walk_proc_modules(proc_line_fn fn, void *data, struct pmod_error *err)
{
	char line[PROC_LINE_CHUNK];
	unsigned lineno = 0;
	int r = 0;
	FILE *f;

	f = fopen(PROC_MODULES, "re");
	if (f == NULL)
		return pmod_fail(err, -errno, "cannot read " PROC_MODULES ": %s", strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strlen(line);
		bool whole = len > 0 && line[len - 1] == '\n';
		struct proc_line parsed = { 0 };

		if (++lineno > MAX_LOADED_MODULES) {
			r = pmod_fail(err, -E2BIG, PROC_MODULES " has more than %d lines",
				      MAX_LOADED_MODULES);
			break;
		}
		/* A NUL byte would hide the rest of the chunk: the line is
		 * not text the kernel wrote. */
		if (!whole && len < sizeof(line) - 1 && !feof(f)) {
			r = pmod_fail(err, -EBADMSG, PROC_MODULES " line %u holds a NUL byte", lineno);
			break;
		}
		r = parse_proc_line(line, lineno, &parsed, err);
		/* A line longer than the chunk: its later columns are not in
		 * it, whatever the chunk's last tokens look like. */
		if (r > 0 && !whole && !feof(f))
			parsed.state = parsed.taint = NULL;
		if (r > 0)
			r = fn(data, &parsed, err);
		if (r < 0)
			break;
		/* The rest of an overlong line is not a new line. */
		while (!whole && fgets(line, sizeof(line), f) != NULL) {
			len = strlen(line);
			whole = len > 0 && line[len - 1] == '\n';
		}
		r = 0;
	}
	if (r == 0 && ferror(f))
		r = pmod_fail(err, -EIO, "cannot read " PROC_MODULES);
	fclose(f);
	return r;
}

/* The size lsmod shows: /sys/module/NAME/coresize, else the /proc/modules
 * field; a negative errno when /sys/module/NAME itself is missing (what
 * kmod prints then). */
static long module_size(const char *name, long proc_size)
{
	char path[PATH_MAX];
	struct stat st;
	long v;
	int r;

	if (sys_module_path(path, sizeof(path), name, NULL) < 0)
		return -ENAMETOOLONG;
	if (stat(path, &st) < 0)
		return -errno;
	sys_module_path(path, sizeof(path), name, "coresize");
	r = kernel_read_long(path, &v);
	if (r == -ENOENT)
		return proc_size;
	return r < 0 ? r : v;
}

static long module_refcnt(const char *name)
{
	char path[PATH_MAX];
	long v;
	int r;

	if (sys_module_path(path, sizeof(path), name, "refcnt") < 0)
		return -ENAMETOOLONG;
	r = kernel_read_long(path, &v);
	return r < 0 ? r : v;
}

/* The /proc/modules state word, else /sys/module/NAME/initstate. */
static enum pmod_module_state module_state(const char *name, const char *proc_state)
{
	int r;

	if (proc_state != NULL) {
		if (strcmp(proc_state, "Live") == 0)
			return PMOD_STATE_LIVE;
		if (strcmp(proc_state, "Loading") == 0)
			return PMOD_STATE_COMING;
		if (strcmp(proc_state, "Unloading") == 0)
			return PMOD_STATE_GOING;
	}
	r = kernel_module_sysfs_state(name);
	return r == PMOD_STATE_LIVE || r == PMOD_STATE_GOING ? (enum pmod_module_state)r
		: r == PMOD_STATE_COMING ? PMOD_STATE_COMING : PMOD_STATE_ABSENT;
}

/* The taint letters: the /proc/modules column when the line had a
 * usable one, else /sys/module/NAME/taint (letters and a newline); "" when
 * neither can be read or holds anything but letters. */
static void module_taint(const char *name, const char *proc_taint, char taint[PMOD_TAINT_MAX])
{
	char path[PATH_MAX];

	taint[0] = '\0';
	if (proc_taint != NULL) {
		/* taint_column kept it shorter than PMOD_TAINT_MAX. */
		strcpy(taint, proc_taint);
		return;
	}
	if (sys_module_path(path, sizeof(path), name, "taint") < 0 ||
	    kernel_read_line(path, taint, PMOD_TAINT_MAX) < 0) {
		taint[0] = '\0';
		return;
	}
	for (const char *p = taint; *p != '\0'; p++) {
		if (*p < 'A' || *p > 'Z') {
			taint[0] = '\0';
			return;
		}
	}
}

static int fill_usage(const struct proc_line *line, struct pmod_loaded_module *mod,
		      struct pmod_error *err)
{
	const char *name = line->name;
	int r;

	memset(mod, 0, sizeof(*mod));
	mod->name = strdup(name);
	if (mod->name == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	mod->size = module_size(name, line->size);
	mod->refcnt = module_refcnt(name);
	mod->state = module_state(name, line->state);
	module_taint(name, line->taint, mod->taint);
	r = read_holders(name, mod, err);
	if (r < 0)
		pmod_loaded_module_release(mod);
	return r;
}

struct loaded_list {
	struct pmod_loaded_module *mods;
	size_t count, cap;
};

static int add_loaded(void *data, const struct proc_line *line, struct pmod_error *err)
{
	struct loaded_list *l = data;
	int r;

	if (growable_array_reserve(&l->mods, &l->cap, l->count + 1, sizeof(*l->mods)) < 0)
		return pmod_fail(err, -ENOMEM, "out of memory");
	r = fill_usage(line, &l->mods[l->count], err);
	if (r < 0)
		return r;
	l->count++;
	return 0;
}

int pmod_kernel_loaded_modules(struct pmod_ctx *ctx, struct pmod_loaded_module **mods,
			       size_t *count, struct pmod_error *err)
{
	struct loaded_list l = { 0 };
	int r;

	(void)ctx;
	*mods = NULL;
	*count = 0;
	r = walk_proc_modules(add_loaded, &l, err);
	if (r < 0) {
		pmod_loaded_modules_free(l.mods, l.count);
		return r;
	}
	*mods = l.mods;
	*count = l.count;
	return 0;
}

struct size_search {
	const char *name;
	long size;
	bool found;
};

static int find_size(void *data, const struct proc_line *line, struct pmod_error *err)
{
	struct size_search *s = data;

	(void)err;
	if (!s->found && strcmp(line->name, s->name) == 0) {
		s->size = line->size;
		s->found = true;
	}
	return 0;
}

int pmod_kernel_module_usage(struct pmod_ctx *ctx, const char *name,
			     struct pmod_loaded_module *usage, struct pmod_error *err)
{
	struct size_search s = { .name = name, .size = -ENOENT };
	struct proc_line line = { .name = name };
	char path[PATH_MAX], coresize[PATH_MAX];
	struct pmod_error ignored;
	struct stat st;
	int r;

	(void)ctx;
	memset(usage, 0, sizeof(*usage));
	r = kernel_name_check(name);
	if (r < 0)
		return pmod_fail(err, r, "'%.64s' is not a module name", name ? name : "");
	sys_module_path(path, sizeof(path), name, NULL);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return pmod_fail(err, -ENOENT, "module %s is not loaded", name);
	/* /proc/modules is read only when coresize cannot say. */
	sys_module_path(coresize, sizeof(coresize), name, "coresize");
	if (access(coresize, F_OK) < 0)
		walk_proc_modules(find_size, &s, &ignored);
	/* State and taint from /sys/module: the one module's own files. */
	line.size = s.size;
	return fill_usage(&line, usage, err);
}

/* ---------------------------------------------------------------- the calls */

/* Each call into the kernel runs inside the privilege scope: a present
 * but disabled SeLoadDriverPrivilege is enabled just before and put back
 * right after, whatever the kernel answered. A failure to enable it is
 * returned with *asked false: the kernel was not called. */
int kernel_finit_module(struct privilege *priv, int fd, const char *params, int flags,
			bool *asked, struct pmod_error *err)
{
	struct privilege_scope scope;
	int r;

	*asked = false;
	r = privilege_raise(priv, &scope, err);
	if (r < 0)
		return r;
	*asked = true;
	r = syscall(SYS_finit_module, fd, params, flags) < 0 ? -errno : 0;
	privilege_restore(priv, &scope);
	return r;
}

int kernel_init_module(struct privilege *priv, void *image, size_t len, const char *params,
		       bool *asked, struct pmod_error *err)
{
	struct privilege_scope scope;
	int r;

	*asked = false;
	r = privilege_raise(priv, &scope, err);
	if (r < 0)
		return r;
	*asked = true;
	r = init_module(image, len, params) < 0 ? -errno : 0;
	privilege_restore(priv, &scope);
	return r;
}

bool pmod_forced_unload_available(void)
{
	return PMOD_FORCED_UNLOAD;
}

int kernel_delete_module(struct privilege *priv, const char *name, bool force, bool *asked,
			 struct pmod_error *err)
{
	unsigned flags = O_NONBLOCK;
	struct privilege_scope scope;
	int r;

	*asked = false;
	r = kernel_name_check(name);
	if (r < 0)
		return pmod_fail(err, r, "'%.64s' is not a module name", name ? name : "");
	if (force) {
#if PMOD_FORCED_UNLOAD
		/* A development build (meson -Dforced_unload=true): the
		 * refcount check is bypassed; the kernel may well crash. */
		flags |= O_TRUNC;
#else
		/* Standard builds have no code that sends O_TRUNC (Peios
		 * has no forced unload): this is the whole of it here. */
		return pmod_fail(err, -EOPNOTSUPP, "forced unload is not available in this build");
#endif
	}
	r = privilege_raise(priv, &scope, err);
	if (r < 0)
		return r;
	*asked = true;
	r = delete_module(name, flags) < 0 ? -errno : 0;
	privilege_restore(priv, &scope);
	return r;
}
