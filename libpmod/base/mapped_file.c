// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mapped_file.h"

int mapped_file_map_fd(int fd, struct mapped_file *out, struct pmod_error *err)
{
	struct stat st;
	void *p;
	int r;

	out->data = NULL;
	out->size = 0;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		return pmod_fail(err, r, "cannot stat: %s", strerror(-r));
	}
	if (S_ISDIR(st.st_mode))
		return pmod_fail(err, -EISDIR, "is a directory, not a file");
	if (!S_ISREG(st.st_mode))
		return pmod_fail(err, -EINVAL, "not a regular file");
	if (st.st_size == 0)
		return 0;
	if ((uint64_t)st.st_size > SIZE_MAX)
		return pmod_fail(err, -EFBIG, "file too large");
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		return pmod_fail(err, r, "cannot map: %s", strerror(-r));
	}
	out->data = p;
	out->size = (size_t)st.st_size;
	return 0;
}

int mapped_file_map(const char *path, struct mapped_file *out, struct pmod_error *err)
{
	int fd, r;

	out->data = NULL;
	out->size = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		return pmod_fail(err, r, "cannot open: %s", strerror(-r));
	}
	r = mapped_file_map_fd(fd, out, err);
	close(fd);
	return r;
}

void mapped_file_unmap(struct mapped_file *mf)
{
	if (mf->data != NULL)
		munmap((void *)mf->data, mf->size);
	mf->data = NULL;
	mf->size = 0;
}
