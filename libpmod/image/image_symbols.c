// SPDX-License-Identifier: LGPL-2.1-or-later
/* Exported and imported symbols of a module. The exported set is kmod's
 * (the __crc_ symbols, or __ksymtab_strings without modversions) so that
 * dependency graphs come out the same; GPL-only marking comes from which
 * table (__ksymtab or __ksymtab_gpl) holds the symbol's __ksymtab_ entry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "module_image.h"

#define CRC_PREFIX "__crc_"
#define KSYMTAB_PREFIX "__ksymtab_"

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_version_by_name(const void *a, const void *b)
{
	const struct pmod_version *const *va = a, *const *vb = b;
	return strcmp((*va)->symbol, (*vb)->symbol);
}

/* The CRC of a __crc_ symbol: its value when absolute, otherwise the u32
 * it points at inside its section (all ones when that is out of range). */
static uint64_t crc_of(const struct elf_reader *elf, const struct elf_symbol *sym)
{
	struct elf_section sec;

	if (sym->shndx == ELF_SHN_ABS || sym->shndx == ELF_SHN_UNDEF)
		return sym->value;
	if (elf_section_at(elf, sym->shndx, &sec, NULL) < 0 || sec.data == NULL ||
	    !range_fits(sym->value, 4, sec.size))
		return 0xffffffffu;
	return load_u32(sec.data + sym->value, elf->msb);
}

struct symbol_scan {
	const char **gpl;		/* names exported GPL-only, sorted */
	size_t gpl_count;
	size_t crc_count;
};

static bool is_gpl(const struct symbol_scan *scan, const char *name)
{
	return scan->gpl_count &&
	       bsearch(&name, scan->gpl, scan->gpl_count, sizeof(*scan->gpl), cmp_str_ptr);
}

static int scan_symtab(struct pmod_image *img, const struct elf_symtab *tab,
		       struct symbol_scan *scan, struct pmod_error *err)
{
	unsigned gpl_shndx = 0;
	struct elf_section sec;
	struct elf_symbol sym;
	int r;

	if (elf_section_find(&img->elf, "__ksymtab_gpl", &sec, &gpl_shndx, NULL) < 0)
		gpl_shndx = 0;
	scan->gpl = calloc(tab->count ? tab->count : 1, sizeof(*scan->gpl));
	if (scan->gpl == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 1; i < tab->count; i++) {
		r = elf_symtab_get(&img->elf, tab, i, &sym, err);
		if (r < 0)
			return r;
		if (strncmp(sym.name, CRC_PREFIX, sizeof(CRC_PREFIX) - 1) == 0)
			scan->crc_count++;
		else if (gpl_shndx != 0 && sym.shndx == gpl_shndx &&
			 strncmp(sym.name, KSYMTAB_PREFIX, sizeof(KSYMTAB_PREFIX) - 1) == 0)
			scan->gpl[scan->gpl_count++] = sym.name + sizeof(KSYMTAB_PREFIX) - 1;
	}
	qsort(scan->gpl, scan->gpl_count, sizeof(*scan->gpl), cmp_str_ptr);
	return 0;
}

static int exports_from_crcs(struct pmod_image *img, const struct elf_symtab *tab,
			     const struct symbol_scan *scan, struct pmod_error *err)
{
	struct elf_symbol sym;
	int r;

	img->exports = calloc(scan->crc_count, sizeof(*img->exports));
	if (img->exports == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 1; i < tab->count; i++) {
		struct pmod_export *e;

		r = elf_symtab_get(&img->elf, tab, i, &sym, err);
		if (r < 0)
			return r;
		if (strncmp(sym.name, CRC_PREFIX, sizeof(CRC_PREFIX) - 1) != 0)
			continue;
		e = &img->exports[img->exports_count++];
		e->symbol = sym.name + sizeof(CRC_PREFIX) - 1;
		e->crc = crc_of(&img->elf, &sym);
		e->gpl_only = is_gpl(scan, e->symbol);
	}
	return 0;
}

/* Without modversions the names are only in __ksymtab_strings. */
static int exports_from_strings(struct pmod_image *img, const struct symbol_scan *scan,
				struct pmod_error *err)
{
	struct elf_section sec;
	const char *p, *end;
	size_t n = 0;
	int r;

	r = elf_section_find(&img->elf, "__ksymtab_strings", &sec, NULL, err);
	if (r == -ENODATA)
		return 0;
	if (r < 0)
		return r;
	if (sec.data == NULL || sec.size == 0)
		return 0;
	if (sec.data[sec.size - 1] != '\0')
		return pmod_fail(err, -ENOEXEC, "unterminated string at the end of __ksymtab_strings");
	p = (const char *)sec.data;
	end = p + sec.size;
	for (const char *s = p; s < end; s += strlen(s) + 1)
		n += *s != '\0';
	img->exports = calloc(n ? n : 1, sizeof(*img->exports));
	if (img->exports == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	for (const char *s = p; s < end; s += strlen(s) + 1) {
		if (*s == '\0')
			continue;
		img->exports[img->exports_count].symbol = s;
		img->exports[img->exports_count].gpl_only = is_gpl(scan, s);
		img->exports_count++;
	}
	return 0;
}

static int collect_imports(struct pmod_image *img, const struct elf_symtab *tab,
			   struct pmod_error *err)
{
	const struct pmod_version *versions;
	const struct pmod_version **by_name = NULL;
	bool *used = NULL;
	size_t nversions, n = 0;
	bool sparc = img->elf.machine == ELF_EM_SPARC || img->elf.machine == ELF_EM_SPARCV9;
	struct elf_symbol sym;
	int r;

	r = pmod_image_versions(img, &versions, &nversions, err);
	if (r < 0)
		return r;
	by_name = calloc(nversions + 1, sizeof(*by_name));
	used = calloc(nversions + 1, sizeof(*used));
	img->imports = calloc((tab ? tab->count : 0) + nversions + 1, sizeof(*img->imports));
	if (by_name == NULL || used == NULL || img->imports == NULL) {
		r = pmod_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nversions; i++)
		by_name[i] = &versions[i];
	qsort(by_name, nversions, sizeof(*by_name), cmp_version_by_name);

	for (size_t i = 1; tab != NULL && i < tab->count; i++) {
		struct pmod_version key, *pkey = &key;
		const struct pmod_version **hit;

		r = elf_symtab_get(&img->elf, tab, i, &sym, err);
		if (r < 0)
			goto out;
		if (sym.shndx != ELF_SHN_UNDEF || sym.name[0] == '\0')
			continue;
		if (sparc && sym.type == ELF_STT_SPARC_REGISTER)
			continue;
		key.symbol = sym.name;
		hit = nversions ? bsearch(&pkey, by_name, nversions, sizeof(*by_name),
					  cmp_version_by_name) : NULL;
		img->imports[n].symbol = sym.name;
		img->imports[n].weak = sym.bind == ELF_STB_WEAK;
		if (hit != NULL) {
			img->imports[n].crc = (*hit)->crc;
			used[*hit - versions] = true;
		}
		n++;
	}
	/* Versioned symbols nobody references (module_layout) still count. */
	for (size_t i = 0; i < nversions; i++) {
		if (used[i])
			continue;
		img->imports[n].symbol = versions[i].symbol;
		img->imports[n].crc = versions[i].crc;
		n++;
	}
	img->imports_count = n;
	r = 0;
out:
	free(by_name);
	free(used);
	return r;
}

static int parse_symbols(struct pmod_image *img, struct pmod_error *err)
{
	struct symbol_scan scan = { 0 };
	struct elf_symtab tab;
	struct elf_section sec;
	bool have_symtab;
	int r;

	r = elf_section_find(&img->elf, ".symtab", &sec, NULL, err);
	if (r < 0 && r != -ENODATA)
		return r;
	have_symtab = r == 0;
	if (have_symtab) {
		r = elf_symtab_open(&img->elf, &sec, &tab, err);
		if (r < 0)
			return r;
		r = scan_symtab(img, &tab, &scan, err);
		if (r < 0)
			goto out;
	}
	if (scan.crc_count > 0)
		r = exports_from_crcs(img, &tab, &scan, err);
	else
		r = exports_from_strings(img, &scan, err);
	if (r < 0)
		goto out;
	r = collect_imports(img, have_symtab ? &tab : NULL, err);
out:
	free(scan.gpl);
	return r;
}

static int symbols(struct pmod_image *img, struct pmod_error *err)
{
	struct pmod_error local;
	int r;

	if (!img->symbols_part.done) {
		r = parse_symbols(img, &local);
		lazy_part_finish(&img->symbols_part, r, &local, NULL);
	}
	return lazy_part_result(&img->symbols_part, err);
}

int pmod_image_exports(struct pmod_image *img, const struct pmod_export **exports,
		       size_t *count, struct pmod_error *err)
{
	int r = symbols(img, err);

	if (r < 0)
		return r;
	*exports = img->exports;
	*count = img->exports_count;
	return 0;
}

int pmod_image_imports(struct pmod_image *img, const struct pmod_import **imports,
		       size_t *count, struct pmod_error *err)
{
	int r = symbols(img, err);

	if (r < 0)
		return r;
	*imports = img->imports;
	*count = img->imports_count;
	return 0;
}
