// SPDX-License-Identifier: LGPL-2.1-or-later
/* The sealed copy finit_module reads (sealed_image.h). Sealing, not just a
 * private file: a memory file can be reopened through /proc/PID/fd by a
 * process allowed to trace this one, and F_SEAL_WRITE makes every write
 * fail whoever holds a descriptor. Nothing can write to it before the
 * seals either, short of a process that could already rewrite this one's
 * memory. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"
#include "file_write.h"
#include "sealed_image.h"

#define IMAGE_SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

/* The two answers that mean "no sealed memory files here" rather than a
 * failure: a kernel before memfd_create (ENOSYS), or one that does not
 * know MFD_ALLOW_SEALING or cannot seal the file (EINVAL). */
static bool unavailable(int e)
{
	return e == ENOSYS || e == EINVAL;
}

int sealed_image_create(const void *data, size_t size, int *fd, struct pmod_error *err)
{
	int mfd, r;

	*fd = -1;
	mfd = memfd_create("pmod-module", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		if (unavailable(errno))
			return -ENOSYS;
		return pmod_fail(err, -errno, "cannot make a copy of the module for the kernel: %s",
				 strerror(errno));
	}
	r = file_write_all(mfd, data, size);
	if (r < 0) {
		close(mfd);
		return pmod_fail(err, r, "cannot make a copy of the module for the kernel: %s",
				 strerror(-r));
	}
	if (fcntl(mfd, F_ADD_SEALS, IMAGE_SEALS) < 0) {
		r = -errno;
		close(mfd);
		if (unavailable(-r))
			return -ENOSYS;
		return pmod_fail(err, r, "cannot seal the copy of the module for the kernel: %s",
				 strerror(-r));
	}
	*fd = mfd;
	return 0;
}
