// SPDX-License-Identifier: LGPL-2.1-or-later
/* The policy knobs from the Peios registry: reg_open_key (syscall 1100)
 * on Machine\System\Modules, then REG_IOC_QUERY_VALUE for each value
 * named after the knob. ENOSYS from the open (or EPERM, which is what a
 * seccomp filter answers for a system call it does not allow) means there
 * is no registry to ask, and the caller falls back to policy.conf. A key or
 * value that does not exist means the default. Every other answer that is
 * not a well-formed value (an error, the wrong type, a bad length, a
 * missing terminator) fails closed: the knob, or every knob when the key
 * cannot be opened, takes its strictest setting with a warning. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "growable_array.h"
#include "policy.h"
#include "registry.h"

/* Most values fit; a longer one is asked for again at the size the
 * registry reports (ERANGE). */
#define FIRST_BUFFER 256
#define MAX_TRIES 4

static const char *type_name(uint32_t type)
{
	switch (type) {
	case REG_SZ: return "REG_SZ";
	case REG_DWORD: return "REG_DWORD";
	case REG_MULTI_SZ: return "REG_MULTI_SZ";
	default: return "an unexpected type";
	}
}

static uint32_t expected_type(enum policy_knob knob)
{
	switch (knob) {
	case POLICY_KNOB_ALLOW_LIST: return REG_MULTI_SZ;
	case POLICY_KNOB_LOCK_AFTER_BOOT: return REG_DWORD;
	default: return REG_SZ;
	}
}

/* The value's bytes, malloc'ed into *data. 0, -ENOENT when the value does
 * not exist, another negative errno when it cannot be read, with *why
 * saying how (for the caller's warning). */
static int query_value(int key, const char *name, uint32_t *type, uint8_t **data, uint32_t *len,
		       char *why, size_t why_size)
{
	uint32_t size = FIRST_BUFFER;
	uint8_t *buf = NULL;
	size_t cap = 0;

	for (int tries = 0; tries < MAX_TRIES; tries++) {
		struct reg_query_value_args a;

		/* size is never 0: it starts at FIRST_BUFFER and only grows. */
		if (growable_array_resize(&buf, &cap, size, 1) < 0) {
			free(buf);
			return -ENOMEM;
		}
		memset(&a, 0, sizeof(a));
		a.name_len = (uint32_t)strlen(name);
		a.name_ptr = (uint64_t)(uintptr_t)name;
		a.data_len = size;
		a.data_ptr = (uint64_t)(uintptr_t)buf;
		a.txn_fd = -1;
		if (ioctl(key, REG_IOC_QUERY_VALUE, &a) == 0) {
			if (a.data_len > size) {
				snprintf(why, why_size, "the registry reported %u bytes for a "
					 "%u-byte buffer", a.data_len, size);
				free(buf);
				return -EIO;
			}
			*type = a.type;
			*len = a.data_len;
			*data = buf;
			return 0;
		}
		if (errno == ERANGE) {
			if (a.data_len <= size || a.data_len > POLICY_MAX_VALUE_SIZE) {
				snprintf(why, why_size, "needs %u bytes (more than %u, or no more "
					 "than was given)", a.data_len, POLICY_MAX_VALUE_SIZE);
				free(buf);
				return -EFBIG;
			}
			size = a.data_len;
			continue;
		}
		{
			int e = errno;

			free(buf);
			if (e == ENOENT)
				return -ENOENT;
			/* Not -e: the registry's ENOMEM is a value that cannot
			 * be read (fail closed), not our own allocation failing. */
			snprintf(why, why_size, "cannot read it (%s)", strerror(e));
			return -EIO;
		}
	}
	free(buf);
	snprintf(why, why_size, "kept changing size while being read");
	return -EAGAIN;
}

/* REG_MULTI_SZ: NUL-terminated strings up to an empty one. The strings
 * point into data. -EBADMSG when the data does not end that way. */
static int split_multi_sz(const uint8_t *data, uint32_t len, const char ***items, size_t *count)
{
	const char **out;
	size_t n = 0;
	uint32_t pos = 0;

	out = calloc(len / 2 + 1, sizeof(*out));
	if (out == NULL)
		return -ENOMEM;
	for (;;) {
		const uint8_t *z;

		if (pos >= len) {
			/* The final empty string is missing: accept the list only
			 * when the last string was terminated. */
			if (pos == len && (len == 0 || data[len - 1] == '\0'))
				break;
			free(out);
			return -EBADMSG;
		}
		z = memchr(data + pos, '\0', len - pos);
		if (z == NULL) {
			free(out);
			return -EBADMSG;
		}
		if (z == data + pos)
			break;	/* the empty string that ends the list */
		out[n++] = (const char *)data + pos;
		pos = (uint32_t)(z - data) + 1;
	}
	*items = out;
	*count = n;
	return 0;
}

static int apply(const struct log_sink *log, struct pmod_policy *p, enum policy_knob knob,
		 const char *where, uint32_t type, const uint8_t *data, uint32_t len)
{
	const char **items;
	const uint8_t *nul;
	size_t count;
	int r;

	if (type != expected_type(knob)) {
		policy_fail_closed(log, p, where, knob, "has %s (type %u), expected %s",
				   type_name(type), type, type_name(expected_type(knob)));
		return 0;
	}
	switch (type) {
	case REG_SZ:
		nul = memchr(data, '\0', len);
		if (nul == NULL) {
			policy_fail_closed(log, p, where, knob, "the string is not terminated");
			return 0;
		}
		/* Padding NULs are harmless; text after the terminator is a
		 * second value hiding behind the first. */
		for (const uint8_t *q = nul; q < data + len; q++)
			if (*q != '\0') {
				policy_fail_closed(log, p, where, knob,
						   "the string holds a NUL before its end");
				return 0;
			}
		return policy_set_text(log, p, where, knob, (const char *)data);
	case REG_DWORD:
		if (len != 4) {
			policy_fail_closed(log, p, where, knob, "a REG_DWORD of %u bytes", len);
			return 0;
		}
		return policy_set_dword(log, p, where, knob,
					(uint32_t)data[0] | (uint32_t)data[1] << 8 |
					(uint32_t)data[2] << 16 | (uint32_t)data[3] << 24);
	default:
		r = split_multi_sz(data, len, &items, &count);
		if (r == -EBADMSG) {
			policy_fail_closed(log, p, where, knob, "the list is not terminated");
			return 0;
		}
		if (r < 0)
			return r;
		r = policy_set_list(log, p, where, items, count);
		free(items);
		return r;
	}
}

int policy_registry_read(const struct log_sink *log, struct pmod_policy *p)
{
	long key;
	int r = 0;

	key = syscall(PEIOS_SYS_REG_OPEN_KEY, -1L, POLICY_REGISTRY_KEY, (long)REG_KEY_QUERY_VALUE,
		      0L);
	if (key < 0) {
		int e = errno;

		if (e == ENOSYS || e == EPERM)
			return -ENOSYS;
		/* The key may simply not exist: every knob has its default. */
		if (e == ENOENT)
			return 0;
		p->source = PMOD_POLICY_SOURCE_REGISTRY;
		policy_fail_closed_all(log, p, "registry key " POLICY_REGISTRY_KEY,
				       "cannot open it (%s)", strerror(e));
		return 0;
	}
	/* Like every descriptor of the library: never inherited by a
	 * program this process executes (the interface takes no O_CLOEXEC). */
	(void)fcntl((int)key, F_SETFD, FD_CLOEXEC);
	p->source = PMOD_POLICY_SOURCE_REGISTRY;
	for (int k = 0; k < POLICY_KNOB_COUNT && r == 0; k++) {
		uint8_t *data = NULL;
		uint32_t type = 0, len = 0;
		static const char prefix[] = "registry value " POLICY_REGISTRY_KEY "\\";
		const char *knob = policy_knob_name(k);
		size_t knob_len = strlen(knob);
		char where[sizeof(prefix) + 64], why[160];

		/* Copied, not printed: every context reads the four knobs. A
		 * knob's name is one of this library's words, well under 64. */
		if (knob_len >= sizeof(where) - sizeof(prefix))
			knob_len = sizeof(where) - sizeof(prefix) - 1;
		memcpy(where, prefix, sizeof(prefix) - 1);
		memcpy(where + sizeof(prefix) - 1, knob, knob_len);
		where[sizeof(prefix) - 1 + knob_len] = '\0';
		r = query_value((int)key, policy_knob_name(k), &type, &data, &len, why,
				sizeof(why));
		if (r == 0) {
			r = apply(log, p, k, where, type, data, len);
		} else if (r != -ENOMEM) {
			if (r != -ENOENT)
				policy_fail_closed(log, p, where, k, "%s", why);
			r = 0;
		}
		free(data);
	}
	close((int)key);
	return r;
}
