// SPDX-License-Identifier: GPL-2.0-or-later
/* The Peios side of the fake kernel (README.md, "Peios"):
 *  - kacs_open_self_token (syscall 1000) and the KACS_IOC_QUERY /
 *    KACS_IOC_ADJUST_PRIVS ioctls on the token it returns, with
 *    SeLoadDriverPrivilege absent, present-disabled or present-enabled as
 *    PMOD_FAKE_TOKEN says (SeTcbPrivilege as PMOD_FAKE_TOKEN_TCB says); every ADJUST_PRIVS is logged to calls.log so a
 *    test sees enable -> kernel call -> restore;
 *  - reg_open_key (syscall 1100) and REG_IOC_QUERY_VALUE, answered from
 *    DIR/registry (ERANGE when the caller's buffer is too small);
 *  - syslog: openlog/syslog/vsyslog/__syslog_chk/__vsyslog_chk append to
 *    DIR/syslog.log instead of reaching the system log.
 * Without PMOD_FAKE_TOKEN the token syscall goes to the real kernel (ENOSYS
 * on any Linux kernel, EPERM under a seccomp filter that does not list
 * it); without DIR/registry the registry answers ENOSYS. So the
 * CAP_SYS_MODULE and policy.conf paths run. */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "fake_peios.h"

#define SYS_KACS_OPEN_SELF_TOKEN 1000
#define SYS_REG_OPEN_KEY 1100
#define PRIV_BIT ((uint64_t)1 << 10)
#define TCB_BIT ((uint64_t)1 << 7)

struct kacs_query_args { uint32_t token_class, buf_len; uint64_t buf_ptr; };
struct kacs_adjust_privs_args { uint32_t count, _pad; uint64_t data_ptr, previous_enabled; };
struct kacs_privilege_entry { uint32_t luid, attributes; };
struct reg_query_value_args {
	uint32_t name_len, _pad0;
	uint64_t name_ptr;
	uint32_t type, data_len;
	int32_t txn_fd;
	uint32_t layer_buf_len;
	uint64_t data_ptr, sequence;
	uint32_t layer_len, _pad1;
	uint64_t layer_ptr;
};
#define KACS_IOC_QUERY _IOWR('K', 0, struct kacs_query_args)
#define KACS_IOC_ADJUST_PRIVS _IOW('K', 1, struct kacs_adjust_privs_args)
#define REG_IOC_QUERY_VALUE _IOWR('R', 0, struct reg_query_value_args)

static const char *dir(void)
{
	const char *d = getenv("PMOD_FAKE_KERNEL");

	return d != NULL && d[0] == '/' ? d : NULL;
}

static void append(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void append(const char *file, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	int fd;
	char line[4096];
	int n;

	if (dir() == NULL || (size_t)snprintf(path, sizeof(path), "%s/%s", dir(), file) >= sizeof(path))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: the parent and the tool may both log. */
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* nothing to do */
	}
	close(fd);
}

/* ---------------------------------------------------------------- token */

/* The fds handed out for tokens and keys: ioctls on them are answered
 * here. Each is a real descriptor (an empty memfd named "kacs-token" or
 * "reg-key", so /proc/PID/fd shows "/memfd:kacs-token (deleted)") and,
 * as the kernel's would be with flags 0, not close-on-exec: a test can
 * see whether a program the tool executes inherits it. A closed fd number
 * reused for something else would still match, which no test does (tools
 * run one at a time). */
#define MAX_FAKE_FDS 64
static int token_fds[MAX_FAKE_FDS], ntoken_fds;
static int key_fds[MAX_FAKE_FDS], nkey_fds;

static long new_fd(int *fds, int *n)
{
	int fd = (int)syscall(SYS_memfd_create, fds == token_fds ? "kacs-token" : "reg-key", 0U);

	if (fd >= 0 && *n < MAX_FAKE_FDS)
		fds[(*n)++] = fd;
	return fd;
}

static bool is_one_of(int fd, const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] == fd)
			return true;
	return false;
}

static bool token_ready;
static uint64_t token_present, token_enabled;

static bool token_configured(void)
{
	const char *t = getenv("PMOD_FAKE_TOKEN");

	if (dir() == NULL || t == NULL)
		return false;
	if (!token_ready) {
		token_ready = true;
		/* Some other privileges, so that restoring one bit is seen
		 * not to disturb the rest. */
		token_present = 0x3;
		token_enabled = 0x1;
		if (strcmp(t, "disabled") == 0) {
			token_present |= PRIV_BIT;
		} else if (strcmp(t, "enabled") == 0) {
			token_present |= PRIV_BIT;
			token_enabled |= PRIV_BIT;
		}
		/* SeTcbPrivilege (the post-boot lock's), absent unless asked. */
		t = getenv("PMOD_FAKE_TOKEN_TCB");
		if (t != NULL && strcmp(t, "disabled") == 0) {
			token_present |= TCB_BIT;
		} else if (t != NULL && strcmp(t, "enabled") == 0) {
			token_present |= TCB_BIT;
			token_enabled |= TCB_BIT;
		}
	}
	return true;
}

static long open_token(long flags, long access)
{
	const char *t = getenv("PMOD_FAKE_TOKEN");

	if (!token_configured()) {
		errno = ENOSYS;
		return -1;
	}
	append("peios.log", "kacs_open_self_token flags=%ld access=0x%lx", flags, access);
	if (flags != 0 || (access & ~0x28L) != 0) {
		errno = EINVAL;
		return -1;
	}
	/* "noadjust": the token may be queried but not adjusted. */
	if (strcmp(t, "disabled-noadjust") == 0) {
		token_present |= PRIV_BIT;
		if (access & 0x20) {
			errno = EACCES;
			return -1;
		}
	}
	return new_fd(token_fds, &ntoken_fds);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int token_query(struct kacs_query_args *q)
{
	uint8_t out[32];

	if (q->token_class != 3) {
		errno = EINVAL;
		return -1;
	}
	if (q->buf_len < sizeof(out)) {
		errno = ERANGE;
		return -1;
	}
	put_le64(out, token_present);
	put_le64(out + 8, token_enabled);
	put_le64(out + 16, token_present & 0x1);
	put_le64(out + 24, 0);
	memcpy((void *)(uintptr_t)q->buf_ptr, out, sizeof(out));
	return 0;
}

static int token_adjust(struct kacs_adjust_privs_args *a)
{
	const struct kacs_privilege_entry *e = (const void *)(uintptr_t)a->data_ptr;

	a->previous_enabled = token_enabled;
	for (uint32_t i = 0; i < a->count; i++) {
		uint64_t bit = e[i].luid < 64 ? (uint64_t)1 << e[i].luid : 0;

		append("calls.log", "kacs_adjust_privs luid=%u %s", e[i].luid,
		       e[i].attributes & 0x2 ? "enable" : "disable");
		if (bit == 0 || !(token_present & bit)) {
			errno = EPERM;
			return -1;
		}
		if (e[i].attributes & 0x2)
			token_enabled |= bit;
		else
			token_enabled &= ~bit;
	}
	return 0;
}

/* ---------------------------------------------------------------- registry */

static bool registry_file(char *path)
{
	return dir() != NULL && (size_t)snprintf(path, PATH_MAX, "%s/registry", dir()) < PATH_MAX &&
	       access(path, F_OK) == 0;
}

/* An errno by its symbolic name (EIO) or number; 0 when it is neither. */
static int errno_by_name(const char *s, size_t len)
{
	char *end;
	long v;

	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name != NULL && strlen(name) == len && strncmp(name, s, len) == 0)
			return e;
	}
	v = strtol(s, &end, 10);
	return end == s + len && v > 0 && v < 4096 ? (int)v : 0;
}

/* PMOD_FAKE_REGISTRY_QUERY_ERROR=NAME:ERRNO[,NAME:ERRNO...]: the errno a
 * query of value NAME answers (names compared case-insensitively), or 0. */
static int query_error(const char *name, size_t name_len)
{
	const char *spec = getenv("PMOD_FAKE_REGISTRY_QUERY_ERROR");

	while (spec != NULL && *spec != '\0') {
		const char *colon = strchr(spec, ':'), *end = strchr(spec, ',');

		if (end == NULL)
			end = spec + strlen(spec);
		if (colon != NULL && colon < end && (size_t)(colon - spec) == name_len &&
		    strncasecmp(spec, name, name_len) == 0)
			return errno_by_name(colon + 1, (size_t)(end - colon - 1));
		spec = *end != '\0' ? end + 1 : end;
	}
	return 0;
}

static long open_key(long parent, const char *key, long desired, long flags)
{
	const char *fail = getenv("PMOD_FAKE_REGISTRY_ERROR");
	char path[PATH_MAX];

	/* PMOD_FAKE_REGISTRY_ERROR=ERRNO: the open fails so, registry file
	 * or not (EPERM is what a seccomp filter answers). */
	if (dir() != NULL && fail != NULL && errno_by_name(fail, strlen(fail)) != 0) {
		append("peios.log", "reg_open_key path=%s -> %s", key ? key : "(null)", fail);
		errno = errno_by_name(fail, strlen(fail));
		return -1;
	}
	if (!registry_file(path)) {
		errno = ENOSYS;
		return -1;
	}
	append("peios.log", "reg_open_key parent=%ld path=%s access=0x%lx flags=%ld", parent,
	       key ? key : "(null)", desired, flags);
	if (key == NULL || strcmp(key, "Machine\\System\\Modules") != 0) {
		errno = ENOENT;
		return -1;
	}
	return new_fd(key_fds, &nkey_fds);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* DIR/registry: "Name REG_SZ text", "Name REG_DWORD n", "Name REG_MULTI_SZ
 * a b c" (the words), or "Name RAW TYPE HEX" for any bytes. 0 with the
 * value, -1 when the name is not there. */
static int registry_value(const char *name, size_t name_len, uint32_t *type, uint8_t *data,
			  uint32_t *len)
{
	char path[PATH_MAX], line[4096];
	FILE *f;
	int r = -1;

	if (!registry_file(path) || (f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *save, *n, *t, *rest;

		line[strcspn(line, "\n")] = '\0';
		n = strtok_r(line, " ", &save);
		t = strtok_r(NULL, " ", &save);
		rest = save ? save : (char *)"";
		if (n == NULL || t == NULL || strlen(n) != name_len ||
		    strncasecmp(n, name, name_len) != 0)
			continue;
		*len = 0;
		if (strcmp(t, "REG_SZ") == 0) {
			*type = 1;
			*len = (uint32_t)strlen(rest) + 1;
			memcpy(data, rest, *len);
		} else if (strcmp(t, "REG_DWORD") == 0) {
			uint32_t v = (uint32_t)strtoul(rest, NULL, 0);

			*type = 4;
			*len = 4;
			for (int i = 0; i < 4; i++)
				data[i] = (uint8_t)(v >> (8 * i));
		} else if (strcmp(t, "REG_MULTI_SZ") == 0) {
			char *w, *s2;

			*type = 7;
			for (w = strtok_r(rest, " ", &s2); w; w = strtok_r(NULL, " ", &s2)) {
				memcpy(data + *len, w, strlen(w) + 1);
				*len += (uint32_t)strlen(w) + 1;
			}
			data[(*len)++] = '\0';
		} else if (strcmp(t, "RAW") == 0) {
			char *ty = strtok_r(NULL, " ", &save), *hex = save ? save : (char *)"";

			*type = ty ? (uint32_t)strtoul(ty, NULL, 0) : 0;
			for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
				int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

				if (hi < 0 || lo < 0)
					break;
				data[(*len)++] = (uint8_t)(hi << 4 | lo);
			}
		} else {
			continue;
		}
		r = 0;
	}
	fclose(f);
	return r;
}

static int registry_query(struct reg_query_value_args *a)
{
	uint8_t data[8192];
	uint32_t type = 0, len = 0;
	const char *name = (const char *)(uintptr_t)a->name_ptr;

	if (name == NULL || a->name_len > 256) {
		errno = EINVAL;
		return -1;
	}
	if (query_error(name, a->name_len) != 0) {
		int e = query_error(name, a->name_len);

		append("peios.log", "reg_query_value %.*s buffer=%u -> injected %s",
		       (int)a->name_len, name, a->data_len, strerrorname_np(e));
		/* ERANGE injected: a value that grows at every try. */
		if (e == ERANGE)
			a->data_len += 16;
		errno = e;
		return -1;
	}
	if (registry_value(name, a->name_len, &type, data, &len) < 0) {
		append("peios.log", "reg_query_value %.*s -> ENOENT", (int)a->name_len, name);
		errno = ENOENT;
		return -1;
	}
	if (len > a->data_len) {
		append("peios.log", "reg_query_value %.*s buffer=%u -> ERANGE %u", (int)a->name_len,
		       name, a->data_len, len);
		a->data_len = len;
		errno = ERANGE;
		return -1;
	}
	append("peios.log", "reg_query_value %.*s buffer=%u -> %u bytes", (int)a->name_len, name,
	       a->data_len, len);
	memcpy((void *)(uintptr_t)a->data_ptr, data, len);
	a->type = type;
	a->data_len = len;
	a->sequence = 1;
	return 0;
}

/* ---------------------------------------------------------------- entry points */

bool fake_peios_syscall(long number, const long *a, long *result)
{
	/* Without a fake token the real kernel answers: ENOSYS, or what a
	 * seccomp filter makes of the call. */
	if (number == SYS_KACS_OPEN_SELF_TOKEN && !token_configured())
		return false;
	if (number == SYS_KACS_OPEN_SELF_TOKEN) {
		*result = open_token(a[0], a[1]);
		return true;
	}
	if (number == SYS_REG_OPEN_KEY) {
		*result = open_key(a[0], (const char *)a[1], a[2], a[3]);
		return true;
	}
	return false;
}


int ioctl(int fd, unsigned long request, ...)
{
	static int (*real_ioctl)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (dir() != NULL) {
		if (request == KACS_IOC_QUERY && is_one_of(fd, token_fds, ntoken_fds))
			return token_query(arg);
		if (request == KACS_IOC_ADJUST_PRIVS && is_one_of(fd, token_fds, ntoken_fds))
			return token_adjust(arg);
		if (request == REG_IOC_QUERY_VALUE && is_one_of(fd, key_fds, nkey_fds))
			return registry_query(arg);
	}
	if (real_ioctl == NULL)
		real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	return real_ioctl(fd, request, arg);
}

int fake_peios_privilege_error(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2];

	if (token_configured())
		return token_enabled & PRIV_BIT ? 0 : EPERM;
	memset(caps, 0, sizeof(caps));
	if (syscall(SYS_capget, &hdr, caps) == 0 && !(caps[0].effective & (1u << 16)))
		return EPERM;
	return 0;
}

/* ---------------------------------------------------------------- syslog */

static char ident[64];
static int default_facility = LOG_USER;

static const char *facility_name(int facility)
{
	static const char *const names[] = {
		"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
		"uucp", "cron", "authpriv", "ftp",
	};
	int f = facility >> 3;

	if (f >= 0 && f < (int)(sizeof(names) / sizeof(names[0])))
		return names[f];
	if (f >= 16 && f <= 23) {
		static const char *const local[] = { "local0", "local1", "local2", "local3",
						     "local4", "local5", "local6", "local7" };
		return local[f - 16];
	}
	return "?";
}

static const char *priority_name(int priority)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err",
					     "warning", "notice", "info", "debug" };
	return names[priority & 7];
}

void openlog(const char *id, int option, int facility)
{
	(void)option;
	snprintf(ident, sizeof(ident), "%s", id ? id : "");
	default_facility = facility;
}

void vsyslog(int priority, const char *fmt, va_list ap)
{
	static void (*real_vsyslog)(int, const char *, va_list);
	char message[4096];
	int facility;

	if (dir() == NULL) {
		if (real_vsyslog == NULL)
			real_vsyslog = (void (*)(int, const char *, va_list))dlsym(RTLD_NEXT, "vsyslog");
		real_vsyslog(priority, fmt, ap);
		return;
	}
	vsnprintf(message, sizeof(message), fmt, ap);
	facility = priority & LOG_FACMASK ? priority & LOG_FACMASK : default_facility;
	append("syslog.log", "%s %s.%s %s", ident[0] ? ident : program_invocation_short_name,
	       facility_name(facility), priority_name(priority), message);
}

void syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}

void __syslog_chk(int priority, int flag, const char *fmt, ...);
void __syslog_chk(int priority, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}

void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap);
void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(priority, fmt, ap);
}
