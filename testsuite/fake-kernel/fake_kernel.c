// SPDX-License-Identifier: GPL-2.0-or-later
/* An LD_PRELOAD stand-in for the kernel's module interfaces, for CLI tests
 * of pmod's tools and of kmod 30's binaries on the same fake state.
 *
 *  - Paths: /proc/modules, /proc/cmdline, /proc/sys/kernel/modules_disabled
 *    and /sys/module[/...] are redirected to $PMOD_FAKE_KERNEL/<same path>
 *    in every libc entry point either tool uses to open, stat or list them;
 *    so are the places records go (/dev/log, /dev/kmsg and the journal's
 *    socket, whose datagrams are sent to DIR's).
 *  - Calls: finit_module (through syscall()), init_module and
 *    delete_module are trapped, logged to $PMOD_FAKE_KERNEL/calls.log and
 *    answered from the fake sysfs the way Debian's 6.1 kernel answers.
 *
 * The interface is documented in README.md next to this file. Nothing here
 * is fast or thread-safe: each test runs one tool at a time. */
#undef _FORTIFY_SOURCE
/* Every entry point is defined under its own name: with 64-bit offsets
 * the headers would rename open to open64 and so on. */
#undef _FILE_OFFSET_BITS
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "fake_peios.h"

#define MODULE_INIT_IGNORE_MODVERSIONS 1
#define MODULE_INIT_IGNORE_VERMAGIC 2
#define MODULE_INIT_COMPRESSED_FILE 4
#define MODULE_NAME_LEN 56
#define MAX_IMAGE ((size_t)512 << 20)
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* ---------------------------------------------------------------- real functions */

#define REAL(ret, name, ...)                                                    \
	static ret (*real_##name)(__VA_ARGS__);                                \
	static void resolve_##name(void)                                       \
	{                                                                      \
		if (real_##name == NULL)                                       \
			real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name); \
	}

REAL(int, open, const char *, int, ...)
REAL(int, open64, const char *, int, ...)
REAL(int, openat, int, const char *, int, ...)
REAL(int, openat64, int, const char *, int, ...)
REAL(int, __open_2, const char *, int)
REAL(int, __open64_2, const char *, int)
REAL(FILE *, fopen, const char *, const char *)
REAL(FILE *, fopen64, const char *, const char *)
REAL(DIR *, opendir, const char *)
REAL(int, stat, const char *, struct stat *)
REAL(int, lstat, const char *, struct stat *)
REAL(int, stat64, const char *, struct stat64 *)
REAL(int, lstat64, const char *, struct stat64 *)
REAL(int, fstatat, int, const char *, struct stat *, int)
REAL(int, fstatat64, int, const char *, struct stat64 *, int)
REAL(int, __xstat, int, const char *, struct stat *)
REAL(int, __lxstat, int, const char *, struct stat *)
REAL(int, __xstat64, int, const char *, struct stat64 *)
REAL(int, __lxstat64, int, const char *, struct stat64 *)
REAL(int, __fxstatat, int, int, const char *, struct stat *, int)
REAL(int, __fxstatat64, int, int, const char *, struct stat64 *, int)
REAL(int, access, const char *, int)
REAL(int, faccessat, int, const char *, int, int)
REAL(ssize_t, readlink, const char *, char *, size_t)
REAL(long, syscall, long, ...)
REAL(ssize_t, sendmsg, int, const struct msghdr *, int)
REAL(int, connect, int, const struct sockaddr *, socklen_t)

/* Prototypes of what glibc exports but declares nowhere (or only in old
 * headers): -Wmissing-prototypes wants them. */
int init_module(void *image, unsigned long len, const char *params);
int delete_module(const char *name, unsigned int flags);
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);

/* ---------------------------------------------------------------- paths */

static const char *fake_dir(void)
{
	const char *d = getenv("PMOD_FAKE_KERNEL");

	return d != NULL && d[0] == '/' ? d : NULL;
}

static bool is_redirected(const char *path)
{
	if (path == NULL || path[0] != '/')
		return false;
	if (strcmp(path, "/proc/modules") == 0 || strcmp(path, "/proc/cmdline") == 0 ||
	    strcmp(path, "/proc/sys/kernel/modules_disabled") == 0)
		return true;
	/* The places a record can go besides syslog (which fake_peios.c
	 * captures): absent from DIR unless a test makes them, so that no
	 * record of a test reaches the machine's journal or kernel log. */
	if (strcmp(path, JOURNAL_SOCKET) == 0 || strcmp(path, "/dev/log") == 0 ||
	    strcmp(path, "/dev/kmsg") == 0)
		return true;
	return strncmp(path, "/sys/module", 11) == 0 && (path[11] == '\0' || path[11] == '/');
}

/* /proc/PPID/stat becomes DIR/proc/parent/stat when that file exists: a
 * test can make the tool's parent look like a kernel thread (or like
 * garbage). */
static const char *parent_stat(const char *path, char *buf)
{
	const char *dir = fake_dir();
	char own[64];
	int r;

	snprintf(own, sizeof(own), "/proc/%d/stat", (int)getppid());
	if (strcmp(path, own) != 0)
		return NULL;
	if ((size_t)snprintf(buf, PATH_MAX, "%s/proc/parent/stat", dir) >= PATH_MAX)
		return NULL;
	resolve_access();
	r = real_access(buf, F_OK);
	return r == 0 ? buf : NULL;
}

/* The path to use: the fake one when it is redirected, else the path. A
 * fake path that does not fit is made unopenable rather than real. */
static const char *redirect(const char *path, char *buf)
{
	const char *dir = fake_dir();
	const char *parent;
	size_t dir_len, path_len;

	if (dir != NULL && path != NULL && strncmp(path, "/proc/", 6) == 0 &&
	    (parent = parent_stat(path, buf)) != NULL)
		return parent;
	if (dir == NULL || !is_redirected(path))
		return path;
	/* Copied, not printed: benchmarks count the instructions of every
	 * redirected stat and open. */
	dir_len = strlen(dir);
	path_len = strlen(path);
	if (dir_len + path_len >= PATH_MAX)
		return "/nonexistent/pmod-fake-kernel/path-too-long";
	memcpy(buf, dir, dir_len);
	memcpy(buf + dir_len, path, path_len + 1);
	return buf;
}

/* The journal's socket, as libsystemd addresses it (a datagram to the
 * fixed path), becomes DIR's: a test binds its own receiver there. Any
 * other address is left alone. 0 with *out set, 1 when not the journal's,
 * -1 with errno when DIR's path does not fit an address. */
static int journal_address(const struct sockaddr *addr, socklen_t len, struct sockaddr_un *out)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
	const char *dir = fake_dir();

	if (dir == NULL || addr == NULL || len <= offsetof(struct sockaddr_un, sun_path) ||
	    un->sun_family != AF_UNIX ||
	    strncmp(un->sun_path, JOURNAL_SOCKET, len - offsetof(struct sockaddr_un, sun_path)) != 0 ||
	    len - offsetof(struct sockaddr_un, sun_path) < strlen(JOURNAL_SOCKET))
		return 1;
	memset(out, 0, sizeof(*out));
	out->sun_family = AF_UNIX;
	if ((size_t)snprintf(out->sun_path, sizeof(out->sun_path), "%s%s", dir, JOURNAL_SOCKET) >=
	    sizeof(out->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sockaddr_un fake;
	struct msghdr copy;
	int r;

	resolve_sendmsg();
	r = msg != NULL ? journal_address(msg->msg_name, msg->msg_namelen, &fake) : 1;
	if (r < 0)
		return -1;
	if (r > 0)
		return real_sendmsg(fd, msg, flags);
	copy = *msg;
	copy.msg_name = &fake;
	copy.msg_namelen = sizeof(fake);
	return real_sendmsg(fd, &copy, flags);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_un fake;
	int r;

	resolve_connect();
	r = journal_address(addr, len, &fake);
	if (r < 0)
		return -1;
	if (r > 0)
		return real_connect(fd, addr, len);
	return real_connect(fd, (const struct sockaddr *)&fake, sizeof(fake));
}

/* ---------------------------------------------------------------- the swap hook */

/* PMOD_FAKE_KERNEL_SWAP_PATH=P, PMOD_FAKE_KERNEL_SWAP_WITH=R and
 * PMOD_FAKE_KERNEL_SWAP_MODE=rename|inplace|atcall replace P by R once,
 * and log "swap MODE P" to calls.log:
 *  - rename: right after the first successful open of exactly P, R is
 *    renamed over P. The descriptor just returned still holds the old
 *    file; any later open of P gets R. A test proves with it that a load
 *    verifies and loads through one open file.
 *  - inplace: on the first pread of the descriptor that first open
 *    returned (after the opener's fstat), R's bytes are written into P
 *    itself: the opener's fstat no longer describes the file.
 *  - atcall: at the first load call (finit_module or init_module), before
 *    the fake kernel reads what it was given, R's bytes are written into
 *    P itself (truncated, then written: the same inode). A descriptor of
 *    P passed to finit_module then reads R. */
static void log_call(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void copy_in_place(const char *from, const char *to)
{
	char buf[65536];
	int in, out;
	ssize_t n;

	resolve_open();
	in = real_open(from, O_RDONLY | O_CLOEXEC, 0);
	out = real_open(to, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static int inplace_fd = -1;

static int after_open(const char *path, int fd)
{
	static bool swapped;
	const char *want, *with, *mode;
	int saved = errno;

	/* Before the environment is read: a failed open (a record's probe
	 * of the kernel's log, say) costs a benchmark nothing more. */
	if (fd < 0 || swapped)
		return fd;
	want = getenv("PMOD_FAKE_KERNEL_SWAP_PATH");
	with = getenv("PMOD_FAKE_KERNEL_SWAP_WITH");
	mode = getenv("PMOD_FAKE_KERNEL_SWAP_MODE");
	if (fake_dir() == NULL || want == NULL || with == NULL || path == NULL ||
	    strcmp(path, want) != 0)
		return fd;
	if (mode != NULL && strcmp(mode, "atcall") == 0)
		return fd;
	swapped = true;
	if (mode != NULL && strcmp(mode, "inplace") == 0) {
		inplace_fd = fd;
	} else {
		log_call("swap rename %s%s", want, rename(with, want) == 0 ? "" : " failed");
	}
	errno = saved;
	return fd;
}

/* The atcall swap: once, at the first load call. */
static void at_load_call(void)
{
	static bool swapped;
	const char *want = getenv("PMOD_FAKE_KERNEL_SWAP_PATH");
	const char *with = getenv("PMOD_FAKE_KERNEL_SWAP_WITH");
	const char *mode = getenv("PMOD_FAKE_KERNEL_SWAP_MODE");

	if (swapped || want == NULL || with == NULL || mode == NULL || strcmp(mode, "atcall") != 0)
		return;
	swapped = true;
	copy_in_place(with, want);
	log_call("swap atcall %s", want);
}

REAL(ssize_t, pread, int, void *, size_t, off_t)
REAL(ssize_t, pread64, int, void *, size_t, off64_t)

static void before_pread(int fd)
{
	if (fd < 0 || fd != inplace_fd)
		return;
	inplace_fd = -1;
	copy_in_place(getenv("PMOD_FAKE_KERNEL_SWAP_WITH"), getenv("PMOD_FAKE_KERNEL_SWAP_PATH"));
	log_call("swap inplace %s", getenv("PMOD_FAKE_KERNEL_SWAP_PATH"));
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	before_pread(fd);
	resolve_pread();
	return real_pread(fd, buf, count, offset);
}

ssize_t pread64(int fd, void *buf, size_t count, off64_t offset)
{
	before_pread(fd);
	resolve_pread64();
	return real_pread64(fd, buf, count, offset);
}

static bool has_mode(int flags)
{
	return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

/* DIR/dev/kmsg, when a test makes it a file, keeps every line written to
 * it: each writer opens the kernel's log anew and writes one record, which
 * on a file would land at offset 0. */
static int kernel_log_flags(const char *path, int flags)
{
	if (fake_dir() != NULL && path != NULL && strcmp(path, "/dev/kmsg") == 0)
		return flags | O_APPEND;
	return flags;
}

int open(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	mode_t mode = 0;

	if (has_mode(flags)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	resolve_open();
	return after_open(path, real_open(redirect(path, buf), kernel_log_flags(path, flags),
					  mode));
}

int open64(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	mode_t mode = 0;

	if (has_mode(flags)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	resolve_open64();
	return after_open(path, real_open64(redirect(path, buf), kernel_log_flags(path, flags),
					    mode));
}

int openat(int dirfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	mode_t mode = 0;

	if (has_mode(flags)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	resolve_openat();
	return after_open(path, real_openat(dirfd, redirect(path, buf),
					      kernel_log_flags(path, flags), mode));
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	mode_t mode = 0;

	if (has_mode(flags)) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	resolve_openat64();
	return after_open(path, real_openat64(dirfd, redirect(path, buf),
					      kernel_log_flags(path, flags), mode));
}

int __open_2(const char *path, int flags)
{
	char buf[PATH_MAX];

	resolve___open_2();
	return after_open(path, real___open_2(redirect(path, buf), flags));
}

int __open64_2(const char *path, int flags)
{
	char buf[PATH_MAX];

	resolve___open64_2();
	return after_open(path, real___open64_2(redirect(path, buf), flags));
}

#define WRAP1(ret, name, T)                                  \
	ret name(const char *path, T arg)                    \
	{                                                    \
		char buf[PATH_MAX];                          \
		resolve_##name();                            \
		return real_##name(redirect(path, buf), arg); \
	}

WRAP1(FILE *, fopen, const char *)
WRAP1(FILE *, fopen64, const char *)
WRAP1(int, stat, struct stat *)
WRAP1(int, lstat, struct stat *)
WRAP1(int, stat64, struct stat64 *)
WRAP1(int, lstat64, struct stat64 *)
WRAP1(int, access, int)

DIR *opendir(const char *path)
{
	char buf[PATH_MAX];

	resolve_opendir();
	return real_opendir(redirect(path, buf));
}

ssize_t readlink(const char *path, char *out, size_t size)
{
	char buf[PATH_MAX];

	resolve_readlink();
	return real_readlink(redirect(path, buf), out, size);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	char buf[PATH_MAX];

	resolve_fstatat();
	return real_fstatat(dirfd, redirect(path, buf), st, flags);
}

int fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	char buf[PATH_MAX];

	resolve_fstatat64();
	return real_fstatat64(dirfd, redirect(path, buf), st, flags);
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	char buf[PATH_MAX];

	resolve_faccessat();
	return real_faccessat(dirfd, redirect(path, buf), mode, flags);
}

/* The stat entry points of binaries built against glibc before 2.33. */
int __xstat(int ver, const char *path, struct stat *st)
{
	char buf[PATH_MAX];

	resolve___xstat();
	return real___xstat(ver, redirect(path, buf), st);
}

int __lxstat(int ver, const char *path, struct stat *st)
{
	char buf[PATH_MAX];

	resolve___lxstat();
	return real___lxstat(ver, redirect(path, buf), st);
}

int __xstat64(int ver, const char *path, struct stat64 *st)
{
	char buf[PATH_MAX];

	resolve___xstat64();
	return real___xstat64(ver, redirect(path, buf), st);
}

int __lxstat64(int ver, const char *path, struct stat64 *st)
{
	char buf[PATH_MAX];

	resolve___lxstat64();
	return real___lxstat64(ver, redirect(path, buf), st);
}

int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	char buf[PATH_MAX];

	resolve___fxstatat();
	return real___fxstatat(ver, dirfd, redirect(path, buf), st, flags);
}

int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	char buf[PATH_MAX];

	resolve___fxstatat64();
	return real___fxstatat64(ver, dirfd, redirect(path, buf), st, flags);
}

/* ---------------------------------------------------------------- fake state files */

static int fake_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fake_path(char *buf, const char *fmt, ...)
{
	const char *dir = fake_dir();
	va_list ap;
	int n;

	if (dir == NULL)
		return -1;
	n = snprintf(buf, PATH_MAX, "%s", dir);
	va_start(ap, fmt);
	n += vsnprintf(buf + n, PATH_MAX - (size_t)n, fmt, ap);
	va_end(ap);
	return n >= PATH_MAX ? -1 : 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static long read_long_file(const char *path, long fallback)
{
	char buf[64] = "";
	FILE *f = fopen(path, "re");
	char *end;
	long v;

	if (f == NULL)
		return fallback;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	v = strtol(buf, &end, 10);
	return end == buf ? fallback : v;
}

static void log_call(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	if (fake_path(path, "/calls.log") < 0)
		return;
	f = fopen(path, "ae");
	if (f == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* PMOD_FAKE_KERNEL_LOG_RECEIVED=1: after each load call's line, one more
 * saying what the kernel received:
 *   received NAME sha256=HEX fd=memfd seals=write,shrink,grow,seal
 *   received NAME sha256=HEX fd=file
 *   received NAME sha256=HEX memory
 * sha256 is of the image the kernel would load (after its own
 * decompression when it was asked to decompress); fd= is finit_module's
 * descriptor (a memory file or anything else) with the seals it carries
 * (F_GET_SEALS: write, shrink, grow, seal, future_write; "none"). */
static bool log_received_wanted(void)
{
	const char *v = getenv("PMOD_FAKE_KERNEL_LOG_RECEIVED");

	return v != NULL && strcmp(v, "1") == 0;
}

static void sha256_hex(const uint8_t *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = '\0';
	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL))
		return;
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void fd_description(int fd, char *buf, size_t size)
{
	static const struct {
		int bit;
		const char *name;
	} seals[] = {
		{ F_SEAL_WRITE, "write" }, { F_SEAL_SHRINK, "shrink" }, { F_SEAL_GROW, "grow" },
		{ F_SEAL_SEAL, "seal" },
#ifdef F_SEAL_FUTURE_WRITE
		{ F_SEAL_FUTURE_WRITE, "future_write" },
#endif
	};
	char link[64], target[PATH_MAX];
	ssize_t n;
	int have;
	size_t used;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	resolve_readlink();
	n = real_readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	if (strncmp(target, "/memfd:", 7) != 0) {
		snprintf(buf, size, "fd=file");
		return;
	}
	have = fcntl(fd, F_GET_SEALS);
	snprintf(buf, size, "fd=memfd seals=");
	used = strlen(buf);
	for (size_t i = 0; have > 0 && i < sizeof(seals) / sizeof(seals[0]); i++)
		if (have & seals[i].bit) {
			snprintf(buf + used, size - used, "%s%s", buf[used - 1] == '=' ? "" : ",",
				 seals[i].name);
			used = strlen(buf);
		}
	if (buf[used - 1] == '=')
		snprintf(buf + used, size - used, "none");
}

static void log_received(const char *name, const uint8_t *image, size_t len, const char *how)
{
	char hex[65];

	if (!log_received_wanted())
		return;
	sha256_hex(image, len, hex);
	log_call("received %s sha256=%s %s", name, hex, how);
}

/* PMOD_FAKE_KERNEL_DELAY=SECONDS: a load or unload, once logged, takes
 * that long, as a slow module init would, so that a test can signal the
 * tool while it is inside the kernel call. A signal that interrupts the
 * wait and returns (a handler) does not shorten it. */
static void delay_call(void)
{
	const char *d = getenv("PMOD_FAKE_KERNEL_DELAY");
	struct timespec left;
	char *end;
	double sec;

	if (d == NULL || *d == '\0')
		return;
	sec = strtod(d, &end);
	if (*end != '\0' || !(sec > 0) || sec > 600)
		return;
	left.tv_sec = (time_t)sec;
	left.tv_nsec = (long)((sec - (double)left.tv_sec) * 1e9);
	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- injected errors */

static const struct {
	const char *name;
	int value;
} errno_names[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR },
	{ "EIO", EIO }, { "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "ENOEXEC", ENOEXEC },
	{ "EBADF", EBADF }, { "EAGAIN", EAGAIN }, { "EWOULDBLOCK", EWOULDBLOCK },
	{ "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT }, { "EBUSY", EBUSY },
	{ "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC },
	{ "ENOSYS", ENOSYS }, { "ENAMETOOLONG", ENAMETOOLONG }, { "ERANGE", ERANGE },
	{ "ENOKEY", ENOKEY }, { "EKEYREJECTED", EKEYREJECTED }, { "EKEYEXPIRED", EKEYEXPIRED },
	{ "EKEYREVOKED", EKEYREVOKED }, { "EBADMSG", EBADMSG }, { "ENOPKG", ENOPKG },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ENOTSUP", ENOTSUP }, { "ETIMEDOUT", ETIMEDOUT },
	{ "ENOTDIR", ENOTDIR }, { "EROFS", EROFS },
};

static int errno_value(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (strlen(errno_names[i].name) == len && memcmp(errno_names[i].name, s, len) == 0)
			return errno_names[i].value;
	if (len > 0 && len < 8) {
		char num[8];
		char *end;
		long v;

		memcpy(num, s, len);
		num[len] = '\0';
		v = strtol(num, &end, 10);
		if (*end == '\0' && v > 0 && v < 4096)
			return (int)v;
	}
	return 0;
}

/* PMOD_FAKE_KERNEL_ERRORS="name:ERRNO,..." ("*" matches any module). */
static int injected_error(const char *name)
{
	const char *p = getenv("PMOD_FAKE_KERNEL_ERRORS");

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, ',');
		const char *colon = memchr(p, ':', end ? (size_t)(end - p) : strlen(p));
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (colon != NULL) {
			size_t nlen = (size_t)(colon - p);

			if ((nlen == 1 && p[0] == '*') ||
			    (nlen == strlen(name) && memcmp(p, name, nlen) == 0))
				return errno_value(colon + 1, len - nlen - 1);
		}
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* ---------------------------------------------------------------- images */

/* Where Linux's module decompressor (kernel/module/decompress.c) starts
 * inflating a gzip file: after the 10-byte header and, when FNAME is set,
 * the name; FEXTRA, FCOMMENT and FHCRC are not skipped, so their bytes are
 * read as deflate data. 0: not a gzip header it accepts. */
static size_t linux_gzip_header_len(const uint8_t *in, size_t len)
{
	size_t at = 10;

	if (len < at || memcmp(in, "\x1f\x8b\x08", 3) != 0)
		return 0;
	if (in[3] & 0x08) {
		do {
			if (at == len)
				return 0;
		} while (in[at++] != '\0');
	}
	return at;
}

static int decompress(const uint8_t *in, size_t len, const char *format, uint8_t **out,
		      size_t *out_len)
{
	size_t cap = len * 4 + 4096, used = 0;
	uint8_t *buf = malloc(cap);
	int r = -1;

	if (buf == NULL)
		return -1;
	if (strcmp(format, "zstd") == 0) {
		ZSTD_DStream *ds = ZSTD_createDStream();
		ZSTD_inBuffer ib = { in, len, 0 };

		ZSTD_initDStream(ds);
		for (;;) {
			ZSTD_outBuffer ob = { buf + used, cap - used, 0 };
			size_t ret = ZSTD_decompressStream(ds, &ob, &ib);

			used += ob.pos;
			if (ZSTD_isError(ret))
				break;
			if (ret == 0 && ib.pos == ib.size) {
				r = 0;
				break;
			}
			if (used == cap) {
				uint8_t *n = cap * 2 > MAX_IMAGE ? NULL : realloc(buf, cap * 2);

				if (n == NULL)
					break;
				buf = n;
				cap *= 2;
			} else if (ib.pos == ib.size && ob.pos == 0) {
				break;
			}
		}
		ZSTD_freeDStream(ds);
	} else if (strcmp(format, "xz") == 0) {
		lzma_stream s = LZMA_STREAM_INIT;
		lzma_ret ret;

		if (lzma_stream_decoder(&s, UINT64_MAX, 0) == LZMA_OK) {
			s.next_in = in;
			s.avail_in = len;
			for (;;) {
				s.next_out = buf + used;
				s.avail_out = cap - used;
				ret = lzma_code(&s, LZMA_FINISH);
				used = cap - s.avail_out;
				if (ret == LZMA_STREAM_END) {
					r = 0;
					break;
				}
				if (ret != LZMA_OK && ret != LZMA_BUF_ERROR)
					break;
				if (s.avail_out == 0) {
					uint8_t *n = cap * 2 > MAX_IMAGE ? NULL : realloc(buf, cap * 2);

					if (n == NULL)
						break;
					buf = n;
					cap *= 2;
				} else if (ret == LZMA_BUF_ERROR) {
					break;
				}
			}
			lzma_end(&s);
		}
	} else if (strcmp(format, "gzip") == 0) {
		size_t hdr = linux_gzip_header_len(in, len);
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (hdr != 0 && inflateInit2(&z, -MAX_WBITS) == Z_OK) {
			z.next_in = (Bytef *)in + hdr;
			z.avail_in = (uInt)(len - hdr);
			for (;;) {
				int ret;

				z.next_out = buf + used;
				z.avail_out = (uInt)(cap - used);
				ret = inflate(&z, Z_NO_FLUSH);
				used = cap - z.avail_out;
				/* The first member only; its trailer (CRC,
				 * size) and anything after it are not read. */
				if (ret == Z_STREAM_END) {
					r = 0;
					break;
				}
				if (ret != Z_OK && ret != Z_BUF_ERROR)
					break;
				if (z.avail_out == 0) {
					uint8_t *n = cap * 2 > MAX_IMAGE ? NULL : realloc(buf, cap * 2);

					if (n == NULL)
						break;
					buf = n;
					cap *= 2;
				} else if (ret == Z_BUF_ERROR) {
					break;
				}
			}
			inflateEnd(&z);
		}
	}
	if (r < 0) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = used;
	return 0;
}

static const char *detect_format(const uint8_t *d, size_t len)
{
	if (len >= 4 && memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	if (len >= 6 && memcmp(d, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (len >= 2 && memcmp(d, "\x1f\x8b", 2) == 0)
		return "gzip";
	return NULL;
}

static uint64_t load(const uint8_t *p, size_t width, bool msb)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = msb ? v << 8 | p[i] : v | (uint64_t)p[i] << (8 * i);
	return v;
}

struct module_facts {
	char name[MODULE_NAME_LEN];
	char depends[1024];
};

/* What the kernel reads from the image: the name in struct module (in
 * .gnu.linkonce.this_module, at offset 24 in 64-bit and 12 in 32-bit
 * modules) and modinfo's depends=. 0, or -1 when it is not a module. */
static int read_facts(const uint8_t *d, size_t len, struct module_facts *mf)
{
	bool is64, msb;
	uint64_t shoff, shnum, shentsize, shstrndx, stroff, strsize;

	memset(mf, 0, sizeof(*mf));
	if (len < 52 || memcmp(d, "\177ELF", 4) != 0)
		return -1;
	is64 = d[4] == 2;
	msb = d[5] == 2;
	if (len < (is64 ? 64u : 52u))
		return -1;
	shoff = is64 ? load(d + 40, 8, msb) : load(d + 32, 4, msb);
	shentsize = load(d + (is64 ? 58 : 46), 2, msb);
	shnum = load(d + (is64 ? 60 : 48), 2, msb);
	shstrndx = load(d + (is64 ? 62 : 50), 2, msb);
	if (shentsize < (is64 ? 64u : 40u) || shoff > len || shnum > (len - shoff) / shentsize ||
	    shstrndx >= shnum)
		return -1;
#define SH(i) (d + shoff + (i) * shentsize)
#define SH_OFF(i) (is64 ? load(SH(i) + 24, 8, msb) : load(SH(i) + 16, 4, msb))
#define SH_SIZE(i) (is64 ? load(SH(i) + 32, 8, msb) : load(SH(i) + 20, 4, msb))
	stroff = SH_OFF(shstrndx);
	strsize = SH_SIZE(shstrndx);
	if (stroff > len || strsize > len - stroff)
		return -1;
	for (uint64_t i = 1; i < shnum; i++) {
		uint64_t nameoff = load(SH(i), 4, msb), off = SH_OFF(i), size = SH_SIZE(i);
		const char *secname;

		if (nameoff >= strsize || off > len || size > len - off)
			continue;
		secname = (const char *)d + stroff + nameoff;
		if (memchr(secname, '\0', strsize - nameoff) == NULL)
			continue;
		if (strcmp(secname, ".gnu.linkonce.this_module") == 0) {
			size_t at = is64 ? 24 : 12;

			if (size > at) {
				size_t n = strnlen((const char *)d + off + at,
						   size - at < MODULE_NAME_LEN - 1 ? size - at
										 : MODULE_NAME_LEN - 1);
				memcpy(mf->name, d + off + at, n);
				mf->name[n] = '\0';
			}
		} else if (strcmp(secname, ".modinfo") == 0) {
			const char *p = (const char *)d + off, *end = p + size;

			while (p < end) {
				const char *z = memchr(p, '\0', (size_t)(end - p));
				size_t slen = z ? (size_t)(z - p) : (size_t)(end - p);

				if (slen > 8 && memcmp(p, "depends=", 8) == 0 &&
				    slen - 8 < sizeof(mf->depends)) {
					memcpy(mf->depends, p + 8, slen - 8);
					mf->depends[slen - 8] = '\0';
				}
				p += slen + 1;
			}
		}
	}
	return mf->name[0] != '\0' && strchr(mf->name, '/') == NULL && mf->name[0] != '.' ? 0 : -1;
}

/* ---------------------------------------------------------------- fake kernel state */

/* Rewrites the REFCNT and HOLDERS columns of one /proc/modules line from
 * the fake sysfs, or drops the line (remove), or prepends a new one. */
static void proc_modules_update(const char *name, const char *new_line, bool drop)
{
	char path[PATH_MAX], tmp[PATH_MAX], *line = NULL;
	size_t cap = 0;
	FILE *in, *out;
	ssize_t n;

	if (fake_path(path, "/proc/modules") < 0 || fake_path(tmp, "/proc/modules.tmp") < 0)
		return;
	out = fopen(tmp, "we");
	if (out == NULL)
		return;
	if (new_line != NULL)
		fprintf(out, "%s\n", new_line);
	in = fopen(path, "re");
	while (in != NULL && (n = getline(&line, &cap, in)) > 0) {
		size_t nlen = strcspn(line, " \t\n");
		char f_size[64] = "", f_rest[512] = "";

		if (nlen != strlen(name) || strncmp(line, name, nlen) != 0) {
			fputs(line, out);
			continue;
		}
		if (drop)
			continue;
		/* NAME SIZE REFCNT HOLDERS STATE ADDR...: keep SIZE and what
		 * follows HOLDERS, rebuild the two columns between. */
		{
			char sys[PATH_MAX], holders[1024] = "";
			char *save, *tok, *copy = strdup(line);
			struct dirent *de;
			long refcnt;
			DIR *dir;
			int field = 0;

			if (copy == NULL)
				continue;
			for (tok = strtok_r(copy, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
				field++;
				if (field == 2)
					snprintf(f_size, sizeof(f_size), "%s", tok);
				else if (field >= 5) {
					size_t used = strlen(f_rest);

					snprintf(f_rest + used, sizeof(f_rest) - used, " %s", tok);
				}
			}
			free(copy);
			fake_path(sys, "/sys/module/%s/refcnt", name);
			refcnt = read_long_file(sys, 0);
			fake_path(sys, "/sys/module/%s/holders", name);
			dir = opendir(sys);
			while (dir != NULL && (de = readdir(dir)) != NULL) {
				size_t used = strlen(holders);

				if (de->d_name[0] != '.')
					snprintf(holders + used, sizeof(holders) - used, "%s,", de->d_name);
			}
			if (dir != NULL)
				closedir(dir);
			fprintf(out, "%s %s %ld %s%s\n", name, f_size, refcnt,
				holders[0] ? holders : "-", f_rest);
		}
	}
	free(line);
	if (in != NULL)
		fclose(in);
	fclose(out);
	rename(tmp, path);
}

static void remove_tree(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *de;

	if (dir != NULL) {
		while ((de = readdir(dir)) != NULL) {
			char child[PATH_MAX];
			struct stat st;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
			if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(child);
			else
				unlink(child);
		}
		closedir(dir);
	}
	rmdir(path);
}

static bool module_dir_exists(const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return fake_path(path, "/sys/module/%s", name) == 0 && stat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

static bool module_live(const char *name)
{
	char path[PATH_MAX];

	return fake_path(path, "/sys/module/%s/initstate", name) == 0 && access(path, F_OK) == 0;
}

static void add_refcnt(const char *name, long delta)
{
	char path[PATH_MAX], text[32];

	if (fake_path(path, "/sys/module/%s/refcnt", name) < 0)
		return;
	snprintf(text, sizeof(text), "%ld\n", read_long_file(path, 0) + delta);
	write_file(path, text);
}

/* The kernel's side of a load once the image is read. */
static int fake_load(const uint8_t *image, size_t len, const struct module_facts *mf)
{
	char path[PATH_MAX], text[64], deps[sizeof(mf->depends)], line[256];
	char *save, *dep;
	int e;

	/* The privilege is the kernel's first check: without it, no other error. */
	e = fake_peios_privilege_error();
	if (e == 0)
		e = injected_error(mf->name);
	if (e != 0) {
		errno = e;
		return -1;
	}
	if (module_dir_exists(mf->name)) {
		errno = EEXIST;
		return -1;
	}
	/* A dependency that is not loaded leaves symbols unresolved. depends=
	 * names modules as their files are named (snd-timer), the kernel as
	 * it knows them (snd_timer): compare the kernel's spelling. */
	snprintf(deps, sizeof(deps), "%s", mf->depends);
	for (char *c = deps; *c != '\0'; c++)
		if (*c == '-')
			*c = '_';
	for (dep = strtok_r(deps, ",", &save); dep; dep = strtok_r(NULL, ",", &save)) {
		if (!module_live(dep)) {
			errno = ENOENT;
			return -1;
		}
	}
	if (fake_path(path, "/sys/module/%s", mf->name) < 0 || mkdir(path, 0755) < 0) {
		errno = ENOMEM;
		return -1;
	}
	fake_path(path, "/sys/module/%s/holders", mf->name);
	mkdir(path, 0755);
	fake_path(path, "/sys/module/%s/refcnt", mf->name);
	write_file(path, "0\n");
	fake_path(path, "/sys/module/%s/coresize", mf->name);
	snprintf(text, sizeof(text), "%zu\n", len);
	write_file(path, text);
	fake_path(path, "/sys/module/%s/initstate", mf->name);
	write_file(path, "live\n");
	snprintf(line, sizeof(line), "%s %zu 0 - Live 0x0000000000000000", mf->name, len);
	proc_modules_update(mf->name, line, false);

	snprintf(deps, sizeof(deps), "%s", mf->depends);
	for (char *c = deps; *c != '\0'; c++)
		if (*c == '-')
			*c = '_';
	for (dep = strtok_r(deps, ",", &save); dep; dep = strtok_r(NULL, ",", &save)) {
		char target[PATH_MAX];

		if (fake_path(path, "/sys/module/%s/holders", dep) < 0)
			continue;
		mkdir(path, 0755);
		fake_path(path, "/sys/module/%s/holders/%s", dep, mf->name);
		snprintf(target, sizeof(target), "../../%s", mf->name);
		symlink(target, path);
		add_refcnt(dep, 1);
		proc_modules_update(dep, NULL, false);
	}
	(void)image;
	return 0;
}

static int fake_unload(const char *name)
{
	char path[PATH_MAX], holders[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	bool held = false;
	int e;

	e = fake_peios_privilege_error();
	if (e == 0)
		e = injected_error(name);
	if (e != 0) {
		errno = e;
		return -1;
	}
	if (strlen(name) >= MODULE_NAME_LEN || strchr(name, '/') != NULL || name[0] == '.' ||
	    !module_live(name)) {
		errno = ENOENT;
		return -1;
	}
	fake_path(holders, "/sys/module/%s/holders", name);
	dir = opendir(holders);
	while (dir != NULL && (de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			held = true;
	if (dir != NULL)
		closedir(dir);
	fake_path(path, "/sys/module/%s/refcnt", name);
	if (held || read_long_file(path, 0) > 0) {
		errno = EAGAIN;		/* what Debian 6.1 answers, not EBUSY */
		return -1;
	}
	/* Undo what loading it did to the modules it used. */
	fake_path(path, "/sys/module");
	dir = opendir(path);
	while (dir != NULL && (de = readdir(dir)) != NULL) {
		char link[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (fake_path(link, "/sys/module/%s/holders/%s", de->d_name, name) < 0)
			continue;
		if (unlink(link) == 0) {
			add_refcnt(de->d_name, -1);
			proc_modules_update(de->d_name, NULL, false);
		}
	}
	if (dir != NULL)
		closedir(dir);
	fake_path(path, "/sys/module/%s", name);
	remove_tree(path);
	proc_modules_update(name, NULL, true);
	return 0;
}

/* ---------------------------------------------------------------- the trapped calls */

static int read_fd(int fd, uint8_t **out, size_t *len)
{
	size_t cap = 1 << 16, used = 0;
	uint8_t *buf = malloc(cap);

	if (buf == NULL)
		return -1;
	for (;;) {
		ssize_t n;

		if (used == cap) {
			uint8_t *nb = cap * 2 > MAX_IMAGE ? NULL : realloc(buf, cap * 2);

			if (nb == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
		n = pread(fd, buf + used, cap - used, (off_t)used);
		if (n < 0) {
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	*out = buf;
	*len = used;
	return 0;
}

static const char *sys_compression(char *buf, size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	if (fake_path(path, "/sys/module/compression") < 0 || (f = fopen(path, "re")) == NULL)
		return NULL;
	if (fgets(buf, (int)size, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int fake_finit_module(int fd, const char *params, int flags)
{
	uint8_t *data = NULL, *plain = NULL;
	struct module_facts mf;
	const char *fmt;
	char comp[32];
	size_t len = 0, plain_len = 0;
	char how[128];
	int r = -1, e = 0;

	at_load_call();
	fd_description(fd, how, sizeof(how));
	if (read_fd(fd, &data, &len) < 0) {
		log_call("finit_module ? flags=0x%x params=\"%s\"", (unsigned)flags,
			 params ? params : "(null)");
		errno = EBADF;
		return -1;
	}
	fmt = detect_format(data, len);
	if (flags & MODULE_INIT_COMPRESSED_FILE) {
		const char *kernel_fmt = sys_compression(comp, sizeof(comp));

		if (kernel_fmt == NULL)
			e = EOPNOTSUPP;		/* no CONFIG_MODULE_DECOMPRESS */
		else if (fmt == NULL || strcmp(fmt, kernel_fmt) != 0 ||
			 decompress(data, len, fmt, &plain, &plain_len) < 0)
			e = EINVAL;
	} else {
		plain = data;
		plain_len = len;
		data = NULL;
	}
	if (flags & ~(MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC |
		      MODULE_INIT_COMPRESSED_FILE))
		e = EINVAL;
	if (e == 0 && read_facts(plain, plain_len, &mf) < 0) {
		/* Not a module the fake can name: ENOEXEC, unless a test
		 * injects an answer for every module ("*"). */
		snprintf(mf.name, sizeof(mf.name), "?");
		e = injected_error("?");
		if (e == 0)
			e = ENOEXEC;
	} else if (e != 0) {
		snprintf(mf.name, sizeof(mf.name), "?");
	}
	log_call("finit_module %s flags=0x%x params=\"%s\"", mf.name, (unsigned)flags,
		 params ? params : "(null)");
	if (plain != NULL)
		log_received(mf.name, plain, plain_len, how);
	else
		log_received(mf.name, data, len, how);
	delay_call();
	if (e != 0)
		errno = e;
	else
		r = fake_load(plain, plain_len, &mf);
	free(data);
	free(plain);
	return r;
}

int init_module(void *image, unsigned long len, const char *params)
{
	struct module_facts mf;

	if (fake_dir() == NULL) {
		errno = ENOSYS;
		return -1;
	}
	at_load_call();
	if (read_facts(image, len, &mf) < 0) {
		log_call("init_module ? len=%lu params=\"%s\"", len, params ? params : "(null)");
		log_received("?", image, len, "memory");
		errno = injected_error("?");
		if (errno == 0)
			errno = ENOEXEC;
		return -1;
	}
	log_call("init_module %s len=%lu params=\"%s\"", mf.name, len, params ? params : "(null)");
	log_received(mf.name, image, len, "memory");
	delay_call();
	return fake_load(image, len, &mf);
}

int delete_module(const char *name, unsigned int flags)
{
	char text[128] = "";
	unsigned rest = flags & ~(unsigned)(O_NONBLOCK | O_TRUNC);

	if (fake_dir() == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if (flags & O_NONBLOCK)
		strcat(text, "O_NONBLOCK");
	if (flags & O_TRUNC)
		strcat(text, text[0] ? "|O_TRUNC" : "O_TRUNC");
	if (rest)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s0x%x",
			 text[0] ? "|" : "", rest);
	if (text[0] == '\0')
		strcpy(text, "0");
	log_call("delete_module %s flags=%s", name ? name : "(null)", text);
	delay_call();
	if (name == NULL) {
		errno = EFAULT;
		return -1;
	}
	return fake_unload(name);
}

/* PMOD_FAKE_KERNEL_NO_MEMFD=1: a kernel without memory files (before
 * 3.17): memfd_create answers ENOSYS, through libc and through syscall(). */
static bool memfd_refused(void)
{
	const char *v = getenv("PMOD_FAKE_KERNEL_NO_MEMFD");

	return fake_dir() != NULL && v != NULL && strcmp(v, "1") == 0;
}

REAL(int, memfd_create, const char *, unsigned int)

int memfd_create(const char *name, unsigned int flags)
{
	if (memfd_refused()) {
		errno = ENOSYS;
		return -1;
	}
	resolve_memfd_create();
	return real_memfd_create(name, flags);
}

/* syscall() is trapped only for the three module calls; anything else is
 * forwarded with six arguments, which is what every syscall takes at most
 * on Linux (extra ones are ignored by the kernel). */
long syscall(long number, ...)
{
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (fake_dir() != NULL) {
		long result;

		if (fake_peios_syscall(number, a, &result))
			return result;
		if (number == SYS_memfd_create && memfd_refused()) {
			errno = ENOSYS;
			return -1;
		}
		if (number == SYS_finit_module)
			return fake_finit_module((int)a[0], (const char *)a[1], (int)a[2]);
		if (number == SYS_init_module)
			return init_module((void *)a[0], (unsigned long)a[1], (const char *)a[2]);
		if (number == SYS_delete_module)
			return delete_module((const char *)a[0], (unsigned)a[1]);
	}
	resolve_syscall();
	return real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
