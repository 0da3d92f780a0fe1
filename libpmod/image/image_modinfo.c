// SPDX-License-Identifier: LGPL-2.1-or-later
/* .modinfo and __versions: the metadata sections of a module. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "module_image.h"

#define VERSION_RECORD_SIZE 64

static int parse_modinfo(struct pmod_image *img, struct pmod_error *err)
{
	struct elf_section sec;
	const char *p, *end;
	size_t n = 0;
	int r;

	r = elf_section_find(&img->elf, ".modinfo", &sec, NULL, err);
	if (r == -ENODATA)
		return pmod_fail(err, -ENODATA, "no .modinfo section");
	if (r < 0)
		return r;
	if (sec.data == NULL)
		return pmod_fail(err, -ENOEXEC, ".modinfo section has no contents");
	if (sec.size == 0)
		return 0;
	/* Every string the kernel build writes ends in NUL; a last string
	 * without one is a damaged file, not something to guess about. */
	if (sec.data[sec.size - 1] != '\0')
		return pmod_fail(err, -ENOEXEC, "unterminated string at the end of .modinfo");

	p = (const char *)sec.data;
	end = p + sec.size;
	/* Strings are separated by one or more NULs (the compiler pads them). */
	for (const char *s = p; s < end; s += strlen(s) + 1)
		if (*s != '\0')
			n++;
	img->modinfo = calloc(n ? n : 1, sizeof(*img->modinfo));
	if (img->modinfo == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	n = 0;
	for (const char *s = p; s < end; s += strlen(s) + 1) {
		const char *eq;
		struct pmod_modinfo *e;

		if (*s == '\0')
			continue;
		e = &img->modinfo[n++];
		eq = strchr(s, '=');
		e->key = s;
		if (eq == NULL) {
			e->key_len = strlen(s);
			e->value = s + e->key_len;	/* "" */
		} else {
			e->key_len = (size_t)(eq - s);
			e->value = eq + 1;
		}
	}
	img->modinfo_count = n;
	return 0;
}

int pmod_image_modinfo(struct pmod_image *img, const struct pmod_modinfo **entries,
		       size_t *count, struct pmod_error *err)
{
	struct pmod_error local;
	int r;

	if (!img->modinfo_part.done) {
		r = parse_modinfo(img, &local);
		lazy_part_finish(&img->modinfo_part, r, &local, NULL);
	}
	r = lazy_part_result(&img->modinfo_part, err);
	if (r < 0)
		return r;
	*entries = img->modinfo;
	*count = img->modinfo_count;
	return 0;
}

const char *pmod_image_vermagic(struct pmod_image *img)
{
	const struct pmod_modinfo *e;
	size_t n;

	if (pmod_image_modinfo(img, &e, &n, NULL) < 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (e[i].key_len == 8 && memcmp(e[i].key, "vermagic", 8) == 0)
			return e[i].value;
	return NULL;
}

static int parse_versions(struct pmod_image *img, struct pmod_error *err)
{
	struct elf_section sec;
	size_t crc_size = img->elf.is64 ? 8 : 4;
	size_t n;
	int r;

	r = elf_section_find(&img->elf, "__versions", &sec, NULL, err);
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	if (sec.data == NULL)
		return pmod_fail(err, -ENOEXEC, "__versions section has no contents");
	if (sec.size % VERSION_RECORD_SIZE != 0)
		return pmod_fail(err, -ENOEXEC,
				 "__versions size %llu is not a multiple of %d",
				 (unsigned long long)sec.size, VERSION_RECORD_SIZE);
	n = sec.size / VERSION_RECORD_SIZE;
	img->versions = calloc(n ? n : 1, sizeof(*img->versions));
	if (img->versions == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const uint8_t *rec = sec.data + i * VERSION_RECORD_SIZE;
		const char *name = (const char *)rec + crc_size;
		size_t max = VERSION_RECORD_SIZE - crc_size;

		if (memchr(name, '\0', max) == NULL)
			return pmod_fail(err, -ENOEXEC,
					 "__versions entry %zu has an unterminated name", i);
		img->versions[i].crc = img->elf.is64 ? load_u64(rec, img->elf.msb)
						     : load_u32(rec, img->elf.msb);
		/* PPC64 prefixes names with '.'. */
		img->versions[i].symbol = name[0] == '.' ? name + 1 : name;
	}
	img->versions_count = n;
	return 0;
}

int pmod_image_versions(struct pmod_image *img, const struct pmod_version **versions,
			size_t *count, struct pmod_error *err)
{
	struct pmod_error local;
	int r;

	if (!img->versions_part.done) {
		r = parse_versions(img, &local);
		lazy_part_finish(&img->versions_part, r, &local, NULL);
	}
	r = lazy_part_result(&img->versions_part, err);
	if (r < 0)
		return r;
	*versions = img->versions;
	*count = img->versions_count;
	return 0;
}
