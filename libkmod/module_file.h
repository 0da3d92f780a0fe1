/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A module's file, opened through libpmod for what libkmod reads of it:
 * modinfo, signature, versions, symbols. */
#ifndef PMOD_LIBKMOD_MODULE_FILE_H
#define PMOD_LIBKMOD_MODULE_FILE_H

#include <pmod.h>

#include "libkmod.h"

/* The module's file (its path from modules.dep or the one it was made
 * from), read and decompressed. -ENOENT when the module has no file; the
 * negative errno of the read otherwise, logged under function. The
 * caller frees *image with pmod_image_free. */
int module_file_open_image(const struct kmod_module *mod, struct pmod_image **image,
			   const char *function);

#endif
