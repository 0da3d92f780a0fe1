// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "file_write.h"
#include "kernel_keys_store.h"
#include "trust_store.h"

#define RELEASE_MAX 128

bool kernel_keys_release_valid(const char *release)
{
	size_t n = strlen(release);

	if (n == 0 || n > RELEASE_MAX || release[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = release[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("._+~-", ch) != NULL))
			return false;
	}
	return true;
}

/* If name is kernel-RELEASE-N.der (N decimal digits, without a leading
 * zero) or a hidden temporary of one, N; else 0. */
static unsigned long file_number(const char *name, const char *release, bool *temporary)
{
	size_t rl = strlen(release);
	unsigned long n = 0;
	const char *p = name;

	*temporary = *p == '.';
	if (*temporary)
		p++;
	if (strncmp(p, "kernel-", 7) != 0 || strncmp(p + 7, release, rl) != 0 || p[7 + rl] != '-')
		return 0;
	p += 8 + rl;
	if (*p < '1' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > 100000)
			return 0;
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (strcmp(p, ".der") == 0 && !*temporary)
		return n;
	if (*temporary && strncmp(p, ".der.tmp.", 9) == 0)
		return n;
	return 0;
}

/* The directory, made if missing (0755 at each level), opened. */
static int open_store_dir(const char *root, bool create, struct pmod_error *err)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s%s", root, TRUST_STORE_DISTRIBUTION_DIR) < 0)
		return pmod_fail(err, -ENOMEM, "out of memory");
	if (create) {
		/* Made below the root only: a root that is missing is an error. */
		int r = file_make_dirs(path, strlen(root));

		if (r < 0) {
			fd = pmod_fail(err, r, "cannot create %s: %s", path, strerror(-r));
			free(path);
			return fd;
		}
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		fd = e == ENOENT && !create ? -ENOENT :
			pmod_fail(err, -e, "cannot open %s: %s", path, strerror(e));
		free(path);
		return fd;
	}
	free(path);
	return fd;
}

static int install_one(int dirfd, const char *release, unsigned long n,
		       const uint8_t *der, size_t size, struct pmod_error *err)
{
	char final[RELEASE_MAX + 40], temp[RELEASE_MAX + 80];
	int fd, r;

	snprintf(final, sizeof(final), "kernel-%s-%lu.der", release, n);
	snprintf(temp, sizeof(temp), ".%s.tmp.%ld", final, (long)getpid());
	(void)unlinkat(dirfd, temp, 0);
	fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return pmod_fail(err, -errno, "cannot create %s: %s", temp, strerror(errno));
	r = fchmod(fd, 0644) < 0 ? -errno : 0;
	if (r == 0)
		r = file_write_all(fd, der, size);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dirfd, temp, dirfd, final) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlinkat(dirfd, temp, 0);
		return pmod_fail(err, r, "cannot write %s: %s", final, strerror(-r));
	}
	return 0;
}

/* Removes the release's files numbered above keep (all with keep 0). */
static int remove_beyond(int dirfd, const char *release, unsigned long keep,
			 size_t *removed, struct pmod_error *err)
{
	int dup_fd = dup(dirfd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;
	int r = 0;

	if (d == NULL) {
		if (dup_fd >= 0)
			close(dup_fd);
		return pmod_fail(err, -errno, "cannot read the directory: %s", strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		bool temporary;
		unsigned long n = file_number(de->d_name, release, &temporary);

		if (n == 0 || (!temporary && n <= keep))
			continue;
		if (unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT) {
			r = pmod_fail(err, -errno, "cannot remove %s: %s", de->d_name,
				      strerror(errno));
			break;
		}
		if (!temporary && removed)
			(*removed)++;
	}
	closedir(d);
	return r;
}

int kernel_keys_install(const char *root, const char *release, const uint8_t *kernel,
			const struct kernel_certificate *certs, size_t count,
			struct pmod_error *err)
{
	int dirfd, r = 0;

	if (!kernel_keys_release_valid(release))
		return pmod_fail(err, -EINVAL, "\"%.140s\" is not a kernel release name (letters, "
				 "digits and . _ + ~ -)", release);
	dirfd = open_store_dir(root, true, err);
	if (dirfd < 0)
		return dirfd;
	for (size_t i = 0; i < count && r == 0; i++)
		r = install_one(dirfd, release, i + 1, kernel + certs[i].offset, certs[i].size,
				err);
	if (r == 0)
		r = remove_beyond(dirfd, release, count, NULL, err);
	if (r == 0 && fsync(dirfd) < 0)
		r = pmod_fail(err, -errno, "cannot sync the directory: %s", strerror(errno));
	close(dirfd);
	return r;
}

int kernel_keys_remove(const char *root, const char *release, size_t *removed,
		       struct pmod_error *err)
{
	int dirfd, r;

	*removed = 0;
	if (!kernel_keys_release_valid(release))
		return pmod_fail(err, -EINVAL, "\"%.140s\" is not a kernel release name (letters, "
				 "digits and . _ + ~ -)", release);
	dirfd = open_store_dir(root, false, err);
	if (dirfd < 0)
		return dirfd == -ENOENT ? 0 : dirfd;
	r = remove_beyond(dirfd, release, 0, removed, err);
	if (r == 0 && fsync(dirfd) < 0)
		r = pmod_fail(err, -errno, "cannot sync the directory: %s", strerror(errno));
	close(dirfd);
	return r;
}
