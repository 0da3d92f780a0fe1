// SPDX-License-Identifier: LGPL-2.1-or-later
/* The authority gate: loading and unloading need
 * SeLoadDriverPrivilege, turning the post-boot lock SeTcbPrivilege. On
 * Peios they are read from the caller's token (kacs_open_self_token,
 * KACS_IOC_QUERY class 3, bits 10 and 7); a privilege that
 * is present but disabled is enabled just around each kernel call and put
 * back after, the scoped pattern. Where the token syscall answers ENOSYS
 * (any Linux kernel) or EPERM (a seccomp filter) Peios' projection applies: CAP_SYS_MODULE in the
 * effective capability set stands for the privilege. The kernel stays the
 * authority: this only lets a tool say so before doing any work. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "error.h"
#include "kacs.h"
#include "log.h"
#include "privilege.h"

#define CAP_SYS_MODULE_BIT 16

static uint64_t bit_of(uint32_t luid)
{
	return (uint64_t)1 << luid;
}

static const char *luid_name(uint32_t luid)
{
	return luid == KACS_SE_TCB_PRIVILEGE ? "SeTcbPrivilege" : "SeLoadDriverPrivilege";
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The token, opened to query and, when we may, to adjust. The descriptor
 * may adjust the privilege, so no program this process executes (an
 * install command run through /bin/sh) may inherit it: it is made
 * close-on-exec at once. The interface takes no O_CLOEXEC (its flags must
 * be 0), so this cannot be atomic: in a multithreaded client, another
 * thread that forks and executes between the open and the fcntl would
 * inherit it; pmod's own tools have one thread. If the flag cannot be
 * set the token is closed and treated as unreadable (privilege checks
 * then fail, they never pass). */
static int open_token(struct privilege *priv)
{
	long fd;

	fd = syscall(PEIOS_SYS_KACS_OPEN_SELF_TOKEN, 0L,
		     (long)(KACS_TOKEN_QUERY | KACS_TOKEN_ADJUST_PRIVS));
	if (fd < 0 && errno == EACCES)
		fd = syscall(PEIOS_SYS_KACS_OPEN_SELF_TOKEN, 0L, (long)KACS_TOKEN_QUERY);
	else if (fd >= 0)
		priv->token_can_adjust = true;
	if (fd < 0)
		return -errno;
	if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0) {
		int e = errno;

		close((int)fd);
		priv->token_can_adjust = false;
		return -e;
	}
	priv->token_fd = (int)fd;
	return 0;
}

enum privilege_authority privilege_authority(struct privilege *priv)
{
	int r;

	if (priv->authority != PRIVILEGE_UNKNOWN)
		return priv->authority;
	r = open_token(priv);
	/* "No such syscall" means "not Peios". So does EPERM, which is what
	 * a seccomp filter answers for a system call it does not list
	 * (systemd-udevd and most services run under one), exactly as for
	 * the registry. Either way CAP_SYS_MODULE then decides, which is
	 * what Peios projects SeLoadDriverPrivilege onto, and the kernel
	 * keeps its own check. Any other failure to open the token is still
	 * a Peios token (queries then fail and say why). */
	priv->authority = r == -ENOSYS || r == -EPERM ? PRIVILEGE_LINUX_CAPABILITY
						      : PRIVILEGE_PEIOS_TOKEN;
	return priv->authority;
}

const char *privilege_authority_name(struct privilege *priv)
{
	return privilege_authority(priv) == PRIVILEGE_PEIOS_TOKEN ? "SeLoadDriverPrivilege"
								  : "CAP_SYS_MODULE";
}

static int token_state(struct privilege *priv, uint32_t luid, enum privilege_state *state,
		       struct pmod_error *err)
{
	uint8_t answer[sizeof(struct kacs_privileges)];
	struct kacs_query_args q = {
		.token_class = KACS_TOKEN_CLASS_PRIVILEGES,
		.buf_len = sizeof(answer),
		.buf_ptr = (uint64_t)(uintptr_t)answer,
	};
	uint64_t present, enabled;

	if (priv->token_fd < 0)
		return pmod_fail(err, -EACCES, "cannot open this process's token to check %s",
				 luid_name(luid));
	memset(answer, 0, sizeof(answer));
	if (ioctl(priv->token_fd, KACS_IOC_QUERY, &q) < 0)
		return pmod_fail(err, -errno,
				 "cannot read this process's privileges to check %s: %s",
				 luid_name(luid), strerror(errno));
	present = le64(answer);
	enabled = le64(answer + 8);
	if (!(present & bit_of(luid)))
		*state = PRIVILEGE_ABSENT;
	else if (enabled & bit_of(luid))
		*state = PRIVILEGE_PRESENT_ENABLED;
	else
		*state = PRIVILEGE_PRESENT_DISABLED;
	return 0;
}

static int capability_state(enum privilege_state *state, struct pmod_error *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return pmod_fail(err, -errno, "cannot read this process's capabilities: %s",
				 strerror(errno));
	*state = data[0].effective & (1u << CAP_SYS_MODULE_BIT) ? PRIVILEGE_PRESENT_ENABLED
								 : PRIVILEGE_ABSENT;
	return 0;
}

static int privilege_state(struct privilege *priv, enum privilege_state *state,
			   struct pmod_error *err)
{
	if (privilege_authority(priv) == PRIVILEGE_PEIOS_TOKEN)
		return token_state(priv, KACS_SE_LOAD_DRIVER_PRIVILEGE, state, err);
	return capability_state(state, err);
}

void privilege_explain(struct privilege *priv, enum pmod_operation op, int code,
		       struct pmod_error *err)
{
	pmod_fail(err, code, "permission denied: %s a module needs SeLoadDriverPrivilege%s",
		  op == PMOD_OPERATION_LOAD ? "loading" : "unloading",
		  privilege_authority(priv) == PRIVILEGE_PEIOS_TOKEN ? "" : " (CAP_SYS_MODULE)");
}

int privilege_check(struct privilege *priv, enum pmod_operation op, struct pmod_error *err)
{
	enum privilege_state state;
	int r;

	r = privilege_state(priv, &state, err);
	if (r < 0)
		return r;
	if (state == PRIVILEGE_ABSENT) {
		privilege_explain(priv, op, -EPERM, err);
		return -EPERM;
	}
	if (state == PRIVILEGE_PRESENT_DISABLED && !priv->token_can_adjust)
		return pmod_fail(err, -EPERM,
				 "permission denied: SeLoadDriverPrivilege is held but disabled, "
				 "and this process may not enable it");
	return 0;
}

/* Turning the post-boot lock stops every later load and unload for
 * everyone until reboot, so it takes more than loading: SeTcbPrivilege on
 * Peios. Elsewhere nothing stands for that privilege, and the kernel asks
 * only that the writer be root (the sysctl file is 0644 root); pmod asks
 * for CAP_SYS_MODULE as well, the authority over modules, so that a root
 * process that gave up module rights cannot take them from everyone. */
int privilege_check_lock(struct privilege *priv, struct pmod_error *err)
{
	enum privilege_state state;
	int r;

	if (privilege_authority(priv) != PRIVILEGE_PEIOS_TOKEN) {
		r = capability_state(&state, err);
		if (r < 0)
			return r;
		if (state == PRIVILEGE_ABSENT)
			return pmod_fail(err, -EPERM,
					 "permission denied: locking module loading needs "
					 "SeTcbPrivilege (CAP_SYS_MODULE)");
		return 0;
	}
	r = token_state(priv, KACS_SE_TCB_PRIVILEGE, &state, err);
	if (r < 0)
		return r;
	if (state == PRIVILEGE_ABSENT)
		return pmod_fail(err, -EPERM,
				 "permission denied: locking module loading needs SeTcbPrivilege");
	if (state == PRIVILEGE_PRESENT_DISABLED && !priv->token_can_adjust)
		return pmod_fail(err, -EPERM,
				 "permission denied: SeTcbPrivilege is held but disabled, "
				 "and this process may not enable it");
	return 0;
}

static int adjust(struct privilege *priv, uint32_t luid, uint32_t attributes, uint64_t *previous)
{
	struct kacs_privilege_entry entry = {
		.luid = luid,
		.attributes = attributes,
	};
	struct kacs_adjust_privs_args a = {
		.count = 1,
		.data_ptr = (uint64_t)(uintptr_t)&entry,
	};

	if (ioctl(priv->token_fd, KACS_IOC_ADJUST_PRIVS, &a) < 0)
		return -errno;
	if (previous != NULL)
		*previous = a.previous_enabled;
	return 0;
}

/* Every signal whose default action ends the process and that can
 * arrive asynchronously is held while the privilege is enabled: a Ctrl-C
 * or a kill during a long module init must not end the process, or run
 * a handler, with the privilege still enabled. Held signals are delivered
 * once it is disabled again. The faults a bad instruction raises
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) are left alone:
 * blocking them is undefined and they are not a way in from outside.
 * SIGKILL and SIGSTOP cannot be blocked; a process killed by them never
 * runs code again, and its token's state ends with it. */
static void hold_signals(sigset_t *previous)
{
	static const int faults[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS };
	sigset_t held;

	sigfillset(&held);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		sigdelset(&held, faults[i]);
	pthread_sigmask(SIG_BLOCK, &held, previous);
}

static void release_signals(const sigset_t *previous)
{
	pthread_sigmask(SIG_SETMASK, previous, NULL);
}

static int raise_luid(struct privilege *priv, uint32_t luid, struct privilege_scope *scope,
		      struct pmod_error *err)
{
	enum privilege_state state;
	uint64_t previous = 0;
	int r;

	scope->enabled_here = false;
	scope->luid = luid;
	if (privilege_authority(priv) != PRIVILEGE_PEIOS_TOKEN)
		return 0;
	r = token_state(priv, luid, &state, err);
	if (r < 0)
		return r;
	/* Absent: the kernel answers EPERM and that is explained; enabled:
	 * nothing to do. */
	if (state != PRIVILEGE_PRESENT_DISABLED)
		return 0;
	if (!priv->token_can_adjust)
		return pmod_fail(err, -EPERM,
				 "permission denied: %s is held but disabled, "
				 "and this process may not enable it", luid_name(luid));
	hold_signals(&scope->held_from);
	r = adjust(priv, luid, KACS_PRIVILEGE_ENABLED, &previous);
	if (r < 0) {
		release_signals(&scope->held_from);
		return pmod_fail(err, r, "cannot enable %s: %s", luid_name(luid), strerror(-r));
	}
	/* Someone else may have enabled it meanwhile: restore only what we
	 * changed. */
	scope->enabled_here = !(previous & bit_of(luid));
	if (!scope->enabled_here)
		release_signals(&scope->held_from);
	else
		priv->raised++;
	return 0;
}

/* Signals are held only when this call enables the privilege: nothing of
 * the caller's changes otherwise (on Linux, or with the privilege already
 * enabled, a Ctrl-C interrupts a load exactly as with kmod). The mask is
 * the calling thread's: in a multithreaded client a signal another thread
 * takes can still end the process inside the scope. */
int privilege_raise(struct privilege *priv, struct privilege_scope *scope, struct pmod_error *err)
{
	return raise_luid(priv, KACS_SE_LOAD_DRIVER_PRIVILEGE, scope, err);
}

int privilege_raise_lock(struct privilege *priv, struct privilege_scope *scope,
			 struct pmod_error *err)
{
	return raise_luid(priv, KACS_SE_TCB_PRIVILEGE, scope, err);
}

void privilege_restore(struct privilege *priv, const struct privilege_scope *scope)
{
	int r;

	if (!scope->enabled_here)
		return;
	r = adjust(priv, scope->luid, 0, NULL);
	if (r < 0)
		log_write(priv->log, LOG_WARNING, "could not disable %s again: %s",
			  luid_name(scope->luid), strerror(-r));
	priv->raised--;
	/* Only now may a held signal end the process. */
	release_signals(&scope->held_from);
}

bool privilege_raised(const struct privilege *priv)
{
	return priv->raised > 0;
}

void privilege_init(struct privilege *priv, const struct log_sink *log)
{
	priv->authority = PRIVILEGE_UNKNOWN;
	priv->token_fd = -1;
	priv->token_can_adjust = false;
	priv->raised = 0;
	priv->log = log;
}

void privilege_release(struct privilege *priv)
{
	if (priv->token_fd >= 0)
		close(priv->token_fd);
	priv->token_fd = -1;
}
