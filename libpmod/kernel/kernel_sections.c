// SPDX-License-Identifier: LGPL-2.1-or-later
/* Where the kernel placed a loaded module's sections, as
 * /sys/module/NAME/sections says: what debuggers and kmod's
 * kmod_module_get_sections read. The files are read like every other
 * kernel file here: as hostile text, bounded, checked before use. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "growable_array.h"
#include "kernel.h"

/* A module has a few dozen sections; anything near this is not sysfs. */
#define MAX_SECTIONS 65536

void pmod_sections_free(struct pmod_section *sections, size_t count)
{
	if (sections == NULL)
		return;
	for (size_t i = 0; i < count; i++)
		free(sections[i].name);
	free(sections);
}

/* One hexadecimal address ("0x" optional) and nothing after it but the
 * newline kernel_read_line has already cut. */
static int parse_address(const char *text, unsigned long *address)
{
	const char *digits = text;
	char *end;

	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		digits += 2;
	if (!isxdigit((unsigned char)digits[0]))
		return -EINVAL;
	errno = 0;
	*address = strtoul(digits, &end, 16);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	return 0;
}

static int read_section(const char *dir, const char *file, struct pmod_section *section,
			struct pmod_error *err)
{
	char path[PATH_MAX], text[64];
	int n, r;

	n = snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return pmod_fail(err, -ENAMETOOLONG, "%s/%.64s: path too long", dir, file);
	r = kernel_read_line(path, text, sizeof(text));
	if (r < 0)
		return pmod_fail(err, r, "cannot read %s: %s", path, strerror(-r));
	if (parse_address(text, &section->address) < 0)
		return pmod_fail(err, -EINVAL, "%s does not hold an address", path);
	section->name = strdup(file);
	if (section->name == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	return 0;
}

int pmod_kernel_module_sections(struct pmod_ctx *ctx, const char *name,
				struct pmod_section **sections, size_t *count,
				struct pmod_error *err)
{
	struct pmod_section *list = NULL;
	size_t used = 0, cap = 0;
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n, r = 0;

	(void)ctx;
	*sections = NULL;
	*count = 0;
	r = kernel_name_check(name);
	if (r < 0)
		return pmod_fail(err, r, "'%.64s' is not a module name", name ? name : "");
	n = snprintf(dir, sizeof(dir), "/sys/module/%s/sections", name);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return pmod_fail(err, -ENAMETOOLONG, "module name %s is too long", name);
	d = opendir(dir);
	if (d == NULL)
		return pmod_fail(err, -errno, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (used == MAX_SECTIONS) {
			r = pmod_fail(err, -E2BIG, "%s lists more than %d sections", dir,
				      MAX_SECTIONS);
			break;
		}
		if (growable_array_reserve(&list, &cap, used + 1, sizeof(*list)) < 0) {
			r = pmod_fail(err, -ENOMEM, "out of memory");
			break;
		}
		r = read_section(dir, de->d_name, &list[used], err);
		if (r < 0)
			break;
		used++;
	}
	closedir(d);
	if (r < 0) {
		pmod_sections_free(list, used);
		return r;
	}
	*sections = list;
	*count = used;
	return 0;
}
