// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "module_image.h"

int lazy_part_result(const struct lazy_part *part, struct pmod_error *err)
{
	if (part->result < 0 && err != NULL)
		*err = part->error;
	return part->result;
}

int lazy_part_finish(struct lazy_part *part, int result, const struct pmod_error *err_used,
		     struct pmod_error *err)
{
	part->done = true;
	part->result = result;
	if (result < 0)
		part->error = *err_used;
	return lazy_part_result(part, err);
}

static int image_finish(struct trust_context *trust, struct pmod_image *img,
			struct pmod_image **out, struct pmod_error *err)
{
	int r;

	img->trust = trust;
	r = elf_reader_init(&img->elf, img->bytes.data, img->bytes.size, err);
	if (r < 0) {
		pmod_image_free(img);
		return r;
	}
	*out = img;
	return 0;
}

int image_open(struct trust_context *trust, size_t max_size, const char *path,
	       struct pmod_image **out, struct pmod_error *err)
{
	struct pmod_image *img = calloc(1, sizeof(*img));
	int r;

	if (img == NULL || (img->path = strdup(path)) == NULL) {
		free(img);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	r = module_bytes_open(path, max_size, &img->bytes, err);
	if (r < 0) {
		pmod_image_free(img);
		return r;
	}
	return image_finish(trust, img, out, err);
}

int image_open_buffered(struct trust_context *trust, size_t max_size, const char *path,
			struct byte_buffer *scratch, struct pmod_image **out,
			struct pmod_error *err)
{
	struct pmod_image *img = calloc(1, sizeof(*img));
	int r;

	if (img == NULL || (img->path = strdup(path)) == NULL) {
		free(img);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	r = module_bytes_read(path, max_size, scratch, &img->bytes, err);
	if (r < 0) {
		pmod_image_free(img);
		return r;
	}
	return image_finish(trust, img, out, err);
}

int image_from_memory(struct trust_context *trust, size_t max_size, const void *data,
		      size_t size, struct pmod_image **out, struct pmod_error *err)
{
	struct pmod_image *img = calloc(1, sizeof(*img));
	int r;

	if (img == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	r = module_bytes_from_memory(data, size, max_size, &img->bytes, err);
	if (r < 0) {
		pmod_image_free(img);
		return r;
	}
	return image_finish(trust, img, out, err);
}

void pmod_image_free(struct pmod_image *img)
{
	if (img == NULL)
		return;
	free(img->signature_copy);
	free(img->modinfo);
	free(img->versions);
	free(img->exports);
	free(img->imports);
	module_bytes_release(&img->bytes);
	free(img->path);
	free(img);
}

const char *pmod_image_path(const struct pmod_image *img)
{
	return img->path;
}

enum pmod_compression pmod_image_compression(const struct pmod_image *img)
{
	return img->bytes.compression;
}

const void *pmod_image_data(const struct pmod_image *img, size_t *size)
{
	*size = img->bytes.size;
	return img->bytes.data;
}

enum pmod_elf_class pmod_image_elf_class(const struct pmod_image *img)
{
	return img->elf.is64 ? PMOD_ELF_64 : PMOD_ELF_32;
}

enum pmod_elf_order pmod_image_elf_order(const struct pmod_image *img)
{
	return img->elf.msb ? PMOD_ELF_MSB : PMOD_ELF_LSB;
}

uint16_t pmod_image_elf_machine(const struct pmod_image *img)
{
	return img->elf.machine;
}
