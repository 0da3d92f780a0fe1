// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "elf_reader.h"
#include "error.h"

/* Offsets within the ELF header and section header of each class. */
#define EI_NIDENT 16
#define EI_CLASS 4
#define EI_DATA 5
#define EHDR32_SIZE 52
#define EHDR64_SIZE 64
#define SHDR32_SIZE 40
#define SHDR64_SIZE 64
#define SYM32_SIZE 16
#define SYM64_SIZE 24
#define SHN_XINDEX 0xffff
#define SHT_SYMTAB 2
#define SHT_STRTAB 3

int elf_reader_init(struct elf_reader *elf, const uint8_t *data, size_t size,
		    struct pmod_error *err)
{
	const uint8_t *h = data;
	unsigned shstrndx;
	struct elf_section sec;
	int r;

	memset(elf, 0, sizeof(*elf));
	if (size < EI_NIDENT || memcmp(h, "\x7f" "ELF", 4) != 0)
		return pmod_fail(err, -ENOEXEC, "not an ELF file");
	if (h[EI_CLASS] != 1 && h[EI_CLASS] != 2)
		return pmod_fail(err, -ENOEXEC, "unknown ELF class %u", h[EI_CLASS]);
	if (h[EI_DATA] != 1 && h[EI_DATA] != 2)
		return pmod_fail(err, -ENOEXEC, "unknown ELF byte order %u", h[EI_DATA]);
	elf->data = data;
	elf->size = size;
	elf->is64 = h[EI_CLASS] == 2;
	elf->msb = h[EI_DATA] == 2;
	if (size < (elf->is64 ? EHDR64_SIZE : EHDR32_SIZE))
		return pmod_fail(err, -ENOEXEC, "truncated ELF header (%zu bytes)", size);

	elf->machine = load_u16(h + 18, elf->msb);
	if (elf->is64) {
		elf->shoff = load_u64(h + 40, elf->msb);
		elf->shentsize = load_u16(h + 58, elf->msb);
		elf->shnum = load_u16(h + 60, elf->msb);
		shstrndx = load_u16(h + 62, elf->msb);
	} else {
		elf->shoff = load_u32(h + 32, elf->msb);
		elf->shentsize = load_u16(h + 46, elf->msb);
		elf->shnum = load_u16(h + 48, elf->msb);
		shstrndx = load_u16(h + 50, elf->msb);
	}
	if (elf->shentsize != (elf->is64 ? SHDR64_SIZE : SHDR32_SIZE))
		return pmod_fail(err, -ENOEXEC, "section header size %u is wrong for ELF%d",
				 elf->shentsize, elf->is64 ? 64 : 32);
	/* Extended numbering (shnum 0, SHN_XINDEX) never occurs in modules. */
	if (elf->shnum == 0)
		return pmod_fail(err, -ENOEXEC, "no section headers");
	if (!range_fits(elf->shoff, (uint64_t)elf->shnum * elf->shentsize, size))
		return pmod_fail(err, -ENOEXEC,
				 "section header table (%u entries at offset %llu) extends past the end of the file (%zu bytes)",
				 elf->shnum, (unsigned long long)elf->shoff, size);
	if (shstrndx == 0 || shstrndx == SHN_XINDEX || shstrndx >= elf->shnum)
		return pmod_fail(err, -ENOEXEC, "section name table index %u out of range",
				 shstrndx);

	/* Read the name table's own header without names. */
	r = elf_section_at(elf, shstrndx, &sec, err);
	if (r < 0)
		return r;
	if (sec.data == NULL || sec.size == 0 || sec.data[sec.size - 1] != '\0')
		return pmod_fail(err, -ENOEXEC, "section name table is not NUL-terminated");
	elf->shstrtab = (const char *)sec.data;
	elf->shstrtab_size = sec.size;
	return 0;
}

int elf_section_at(const struct elf_reader *elf, unsigned idx, struct elf_section *out,
		   struct pmod_error *err)
{
	const uint8_t *s;
	uint32_t name;

	if (idx == 0 || idx >= elf->shnum)
		return pmod_fail(err, -ENOEXEC, "section index %u out of range", idx);
	s = elf->data + elf->shoff + (uint64_t)idx * elf->shentsize;
	name = load_u32(s, elf->msb);
	out->type = load_u32(s + 4, elf->msb);
	if (elf->is64) {
		out->flags = load_u64(s + 8, elf->msb);
		out->offset = load_u64(s + 24, elf->msb);
		out->size = load_u64(s + 32, elf->msb);
		out->link = load_u32(s + 40, elf->msb);
		out->entsize = load_u64(s + 56, elf->msb);
	} else {
		out->flags = load_u32(s + 8, elf->msb);
		out->offset = load_u32(s + 16, elf->msb);
		out->size = load_u32(s + 20, elf->msb);
		out->link = load_u32(s + 24, elf->msb);
		out->entsize = load_u32(s + 36, elf->msb);
	}
	if (elf->shstrtab == NULL) {
		out->name = "";
	} else if (name >= elf->shstrtab_size) {
		return pmod_fail(err, -ENOEXEC, "section %u has its name outside the name table",
				 idx);
	} else {
		out->name = elf->shstrtab + name;
	}
	if (out->type == ELF_SHT_NOBITS) {
		out->data = NULL;
		return 0;
	}
	if (!range_fits(out->offset, out->size, elf->size))
		return pmod_fail(err, -ENOEXEC,
				 "section %u (%s) at offset %llu, %llu bytes, extends past the end of the file",
				 idx, out->name, (unsigned long long)out->offset,
				 (unsigned long long)out->size);
	out->data = elf->data + out->offset;
	return 0;
}

int elf_section_find(const struct elf_reader *elf, const char *name, struct elf_section *out,
		     unsigned *idx, struct pmod_error *err)
{
	size_t len = strlen(name);

	for (unsigned i = 1; i < elf->shnum; i++) {
		const uint8_t *s = elf->data + elf->shoff + (uint64_t)i * elf->shentsize;
		uint32_t off = load_u32(s, elf->msb);

		/* Compare names before decoding the rest of the header. */
		if (off >= elf->shstrtab_size || elf->shstrtab_size - off <= len ||
		    memcmp(elf->shstrtab + off, name, len + 1) != 0)
			continue;
		if (idx != NULL)
			*idx = i;
		return elf_section_at(elf, i, out, err);
	}
	return -ENODATA;
}

int elf_symtab_open(const struct elf_reader *elf, const struct elf_section *symtab,
		    struct elf_symtab *out, struct pmod_error *err)
{
	size_t entsize = elf->is64 ? SYM64_SIZE : SYM32_SIZE;
	struct elf_section str;
	int r;

	if (symtab->data == NULL || symtab->size % entsize != 0)
		return pmod_fail(err, -ENOEXEC,
				 "symbol table size %llu is not a multiple of %zu",
				 (unsigned long long)symtab->size, entsize);
	r = elf_section_at(elf, symtab->link, &str, err);
	if (r < 0)
		return r;
	if (str.data == NULL || str.size == 0 || str.data[str.size - 1] != '\0')
		return pmod_fail(err, -ENOEXEC, "symbol string table is not NUL-terminated");
	out->data = symtab->data;
	out->count = symtab->size / entsize;
	out->entsize = entsize;
	out->strtab = (const char *)str.data;
	out->strtab_size = str.size;
	return 0;
}

int elf_symtab_get(const struct elf_reader *elf, const struct elf_symtab *tab, size_t i,
		   struct elf_symbol *out, struct pmod_error *err)
{
	const uint8_t *s = tab->data + i * tab->entsize;
	uint32_t name = load_u32(s, elf->msb);
	uint8_t info;

	if (elf->is64) {
		info = s[4];
		out->shndx = load_u16(s + 6, elf->msb);
		out->value = load_u64(s + 8, elf->msb);
	} else {
		out->value = load_u32(s + 4, elf->msb);
		info = s[12];
		out->shndx = load_u16(s + 14, elf->msb);
	}
	if (name >= tab->strtab_size)
		return pmod_fail(err, -ENOEXEC, "symbol %zu has its name outside the string table", i);
	out->name = tab->strtab + name;
	out->bind = info >> 4;
	out->type = info & 0xf;
	return 0;
}
