// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "module_file.h"

int module_file_open(struct module_file *mf, const char *path, struct pmod_error *err)
{
	uint8_t magic[6];
	ssize_t n;
	int r;

	memset(mf, 0, sizeof(*mf));
	mf->path = path;
	/* O_NONBLOCK: a FIFO planted where the module should be must not
	 * hang us; it is refused below as not a regular file. */
	mf->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (mf->fd < 0)
		return pmod_fail(err, -errno, "cannot open the module file: %s", strerror(errno));
	if (fstat(mf->fd, &mf->st) < 0) {
		r = pmod_fail(err, -errno, "cannot read the module file: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(mf->st.st_mode)) {
		r = pmod_fail(err, S_ISDIR(mf->st.st_mode) ? -EISDIR : -EINVAL,
			      "the module file is not a regular file");
		goto fail;
	}
	do {
		n = pread(mf->fd, magic, sizeof(magic), 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		r = pmod_fail(err, -errno, "cannot read the module file: %s", strerror(errno));
		goto fail;
	}
	mf->compression = module_bytes_detect(magic, (size_t)n);
	return 0;
fail:
	module_file_close(mf);
	return r;
}

int module_file_bytes(struct module_file *mf, size_t max_size, const struct module_bytes **bytes,
		      struct pmod_error *err)
{
	int r;

	if (!mf->bytes_ready) {
		r = module_bytes_open_fd(mf->fd, max_size, &mf->bytes, err);
		if (r < 0)
			return r;
		mf->bytes_ready = true;
	}
	*bytes = &mf->bytes;
	return 0;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int module_file_check_unchanged(const struct module_file *mf, struct pmod_error *err)
{
	struct stat now;

	if (fstat(mf->fd, &now) < 0)
		return pmod_fail(err, -errno, "cannot read the module file: %s", strerror(errno));
	/* A write moves mtime; a writer who sets mtime back moves ctime,
	 * which cannot be set back. ctime also moves when the path is
	 * unlinked or renamed over (the link count changes): that leaves
	 * the open file's bytes as they were, so it is not a change here. */
	if (now.st_size != mf->st.st_size || !same_time(&now.st_mtim, &mf->st.st_mtim) ||
	    (now.st_nlink == mf->st.st_nlink && !same_time(&now.st_ctim, &mf->st.st_ctim)))
		return pmod_fail(err, -ESTALE,
				 "the module file changed while it was being checked; not loaded");
	return 0;
}

void module_file_close(struct module_file *mf)
{
	if (mf->bytes_ready)
		module_bytes_release(&mf->bytes);
	if (mf->fd >= 0)
		close(mf->fd);
	mf->fd = -1;
	mf->bytes_ready = false;
}
