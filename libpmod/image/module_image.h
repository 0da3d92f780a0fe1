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

/* The trust layer's state, which signatures are decoded and verified with;
 * the image only carries it for them. */
struct trust_context;

struct pmod_image {
	struct trust_context *trust;
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

/* pmod_image_open and pmod_image_new_from_memory without a context:
 * decompressed images larger than max_size are refused, and trust goes
 * with the image for its signature. */
int image_open(struct trust_context *trust, size_t max_size, const char *path,
	       struct pmod_image **image, struct pmod_error *err);
int image_from_memory(struct trust_context *trust, size_t max_size, const void *data,
		      size_t size, struct pmod_image **image, struct pmod_error *err);
/* image_open reading through a thread's reusable buffer (see
 * module_bytes_read); the image must be freed before scratch is reused. */
int image_open_buffered(struct trust_context *trust, size_t max_size, const char *path,
			struct byte_buffer *scratch, struct pmod_image **image,
			struct pmod_error *err);

#endif
