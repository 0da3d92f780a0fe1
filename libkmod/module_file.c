// SPDX-License-Identifier: LGPL-2.1-or-later
/* The file is opened afresh at each question rather than kept on the
 * module: the module object is shared by every caller that asks for the
 * name, and a decompressed image is large; the questions are rare. */
#include <errno.h>
#include <syslog.h>

#include "context.h"
#include "module.h"
#include "module_file.h"

int module_file_open_image(const struct kmod_module *mod, struct pmod_image **image,
			   const char *function)
{
	struct pmod_error err = { 0 };
	const char *path = kmod_module_get_path(mod);
	int r;

	*image = NULL;
	if (path == NULL)
		return -ENOENT;
	r = pmod_image_open(ctx_pmod(module_ctx(mod)), path, image, &err);
	if (r < 0)
		ctx_log_message(module_ctx(mod), LOG_ERR, function, "%s\n", err.text);
	/* libpmod says ENOEXEC for a file that is no valid module (empty,
	 * truncated, a section table out of bounds); kmod's callers are
	 * given EINVAL for it, as kmod's own ELF reader answers. */
	if (r == -ENOEXEC)
		r = -EINVAL;
	return r;
}
