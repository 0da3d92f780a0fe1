/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A bounds-checked view of an ELF relocatable object (a kernel module) of
 * either class and byte order. Nothing is copied; every offset, size and
 * string taken from the file is checked before use. */
#ifndef PMOD_ELF_READER_H
#define PMOD_ELF_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmod.h"

struct elf_reader {
	const uint8_t *data;
	size_t size;
	bool is64;
	bool msb;
	uint16_t machine;
	uint64_t shoff;
	unsigned shnum;
	unsigned shentsize;
	const char *shstrtab;		/* NUL-terminated at shstrtab[shstrtab_size - 1] */
	size_t shstrtab_size;
};

struct elf_section {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint64_t entsize;
	const uint8_t *data;		/* NULL for SHT_NOBITS */
};

struct elf_symbol {
	const char *name;		/* "" when unnamed */
	uint64_t value;
	uint16_t shndx;
	uint8_t bind;
	uint8_t type;
};

/* A symbol table and the string table its names live in. */
struct elf_symtab {
	const uint8_t *data;
	size_t count;
	size_t entsize;
	const char *strtab;
	size_t strtab_size;
};

#define ELF_SHT_NOBITS 8
#define ELF_SHN_UNDEF 0
#define ELF_SHN_ABS 0xfff1
#define ELF_STB_WEAK 2
#define ELF_SHF_ALLOC 2
#define ELF_EM_SPARC 2
#define ELF_EM_SPARCV9 43
#define ELF_STT_SPARC_REGISTER 13

int elf_reader_init(struct elf_reader *elf, const uint8_t *data, size_t size,
		    struct pmod_error *err);
/* Section idx (1 <= idx < shnum), with its data checked to lie in the file. */
int elf_section_at(const struct elf_reader *elf, unsigned idx, struct elf_section *out,
		   struct pmod_error *err);
/* The first section with this name; -ENODATA when there is none. */
int elf_section_find(const struct elf_reader *elf, const char *name, struct elf_section *out,
		     unsigned *idx, struct pmod_error *err);
/* The symbol table of section symtab_idx and its linked string table. */
int elf_symtab_open(const struct elf_reader *elf, const struct elf_section *symtab,
		    struct elf_symtab *out, struct pmod_error *err);
int elf_symtab_get(const struct elf_reader *elf, const struct elf_symtab *tab, size_t i,
		   struct elf_symbol *out, struct pmod_error *err);

#endif
