/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PMOD_MODULE_IMAGE_H
#define PMOD_MODULE_IMAGE_H

#include <stdbool.h>

#include "elf_reader.h"
#include "module_bytes.h"
#include "pmod.h"

/* One part of an image parsed on first use; the outcome (and the reason
 * for a failure) is remembered so a second ask costs nothing. */
struct lazy_part {
	bool done;
	int result;
	struct pmod_error error;
};

struct pmod_image {
	struct pmod_ctx *ctx;
	char *path;
	struct module_bytes bytes;
	struct elf_reader elf;

	struct lazy_part modinfo_part;
	struct pmod_modinfo *modinfo;
	size_t modinfo_count;

	struct lazy_part versions_part;
	struct pmod_version *versions;
	size_t versions_count;

	struct lazy_part symbols_part;	/* exports and imports together */
	struct pmod_export *exports;
	size_t exports_count;
	struct pmod_import *imports;
	size_t imports_count;

	struct lazy_part signature_part;
	struct pmod_signature signature;
	/* A copy of the signature value when it is not a slice of the image's
	 * bytes; owned by image_signature.c. */
	unsigned char *signature_copy;
};

/* Returns the remembered result of a part, copying its reason to err. */
int lazy_part_result(const struct lazy_part *part, struct pmod_error *err);
/* Records a part's result; err_used is the error the parser filled. */
int lazy_part_finish(struct lazy_part *part, int result, const struct pmod_error *err_used,
		     struct pmod_error *err);

void image_signature_release(struct pmod_image *image);

/* pmod_image_open reading through a thread's reusable buffer (see
 * module_bytes_read); the image must be freed before scratch is reused. */
int image_open_buffered(struct pmod_ctx *ctx, const char *path, struct byte_buffer *scratch,
			struct pmod_image **image, struct pmod_error *err);

#endif
