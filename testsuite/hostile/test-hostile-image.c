// SPDX-License-Identifier: LGPL-2.1-or-later
/* Hostile input for the module parser, made in this file from a small real
 * signed module of the test tree (nothing binary is committed):
 *  - the module cut at every length;
 *  - targeted corruptions of the ELF header, the section table, section
 *    offsets, sizes and names, string tables, .modinfo, __versions, the
 *    symbol table and the signature trailer, each with its expected error;
 *  - the module compressed with zstd, xz and gzip, then truncated,
 *    bit-flipped or followed by garbage, and decompression bombs.
 * Every parser is called on every input: each call succeeds or fails with
 * a negative errno and one sentence in err.text, and never reads outside
 * the (exactly sized, malloc'ed) buffer, which AddressSanitizer checks.
 *
 * Needs PMOD_TEST_ROOT and PMOD_TEST_ABI (testsuite/prepare-trees.sh);
 * without them the test is skipped (exit 77). */
#include <elf.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "context.h"
#include "pmod.h"

#define SIG_MAGIC "~Module signature appended~\n"
#define SIG_MAGIC_LEN (sizeof(SIG_MAGIC) - 1)
#define SIG_INFO_LEN 12

static struct pmod_ctx *ctx;
static uint8_t *module;			/* the pristine module */
static size_t module_size;
static char module_path[PATH_MAX];

/* ------------------------------------------------------------ ELF helpers */

/* The module is ELF64 little-endian (checked when it is picked); the
 * helpers copy headers in and out so alignment never matters. */
static Elf64_Ehdr get_ehdr(const uint8_t *b)
{
	Elf64_Ehdr h;

	memcpy(&h, b, sizeof(h));
	return h;
}

static void put_ehdr(uint8_t *b, const Elf64_Ehdr *h)
{
	memcpy(b, h, sizeof(*h));
}

static size_t shdr_pos(const uint8_t *b, unsigned idx)
{
	Elf64_Ehdr h = get_ehdr(b);

	return (size_t)h.e_shoff + (size_t)idx * sizeof(Elf64_Shdr);
}

static Elf64_Shdr get_shdr(const uint8_t *b, unsigned idx)
{
	Elf64_Shdr s;

	memcpy(&s, b + shdr_pos(b, idx), sizeof(s));
	return s;
}

/* Index of the section called name in the pristine module, or -1. */
static int find_section(const char *name)
{
	Elf64_Ehdr h = get_ehdr(module);
	Elf64_Shdr strs = get_shdr(module, h.e_shstrndx);

	for (unsigned i = 1; i < h.e_shnum; i++) {
		Elf64_Shdr s = get_shdr(module, i);

		if (s.sh_name < strs.sh_size &&
		    strcmp((const char *)module + strs.sh_offset + s.sh_name, name) == 0)
			return (int)i;
	}
	return -1;
}

static int find_section_type(uint32_t type)
{
	Elf64_Ehdr h = get_ehdr(module);

	for (unsigned i = 1; i < h.e_shnum; i++)
		if (get_shdr(module, i).sh_type == type)
			return (int)i;
	return -1;
}

static unsigned need_section(const char *name)
{
	int idx = find_section(name);

	if (idx < 0)
		fail_msg("%s has no %s section", module_path, name);
	return (unsigned)idx;
}

/* Symbol index of the first symbol whose name starts with prefix, or -1. */
static long find_symbol(const char *prefix)
{
	Elf64_Shdr symtab = get_shdr(module, need_section(".symtab"));
	Elf64_Shdr strtab = get_shdr(module, symtab.sh_link);

	for (size_t i = 1; i < symtab.sh_size / sizeof(Elf64_Sym); i++) {
		Elf64_Sym sym;

		memcpy(&sym, module + symtab.sh_offset + i * sizeof(sym), sizeof(sym));
		if (sym.st_name < strtab.sh_size &&
		    strncmp((const char *)module + strtab.sh_offset + sym.st_name, prefix,
			    strlen(prefix)) == 0)
			return (long)i;
	}
	return -1;
}

/* End of the section header table: anything shorter cannot be opened. */
static size_t shdrs_end(void)
{
	Elf64_Ehdr h = get_ehdr(module);

	return (size_t)h.e_shoff + (size_t)h.e_shnum * h.e_shentsize;
}

/* End of the ELF object: the highest end of the header table or of any
 * section with contents. The signature follows. */
static size_t elf_end(void)
{
	Elf64_Ehdr h = get_ehdr(module);
	size_t end = shdrs_end();

	for (unsigned i = 1; i < h.e_shnum; i++) {
		Elf64_Shdr s = get_shdr(module, i);

		if (s.sh_type != SHT_NOBITS && s.sh_offset + s.sh_size > end)
			end = (size_t)(s.sh_offset + s.sh_size);
	}
	return end;
}

/* The struct module_signature before the trailing magic. */
static size_t sig_info_pos(size_t size)
{
	return size - SIG_MAGIC_LEN - SIG_INFO_LEN;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint8_t *copy_of(const void *data, size_t size)
{
	uint8_t *b = malloc(size ? size : 1);

	assert_non_null(b);
	if (size)
		memcpy(b, data, size);
	return b;
}

/* ------------------------------------------------------------ running the parsers */

enum stage {
	AT_OPEN,
	AT_MODINFO,
	AT_VERSIONS,
	AT_EXPORTS,
	AT_IMPORTS,
	AT_SIGNATURE,
	STAGE_COUNT,
};

static const char *const stage_names[STAGE_COUNT] = {
	"open", "modinfo", "versions", "exports", "imports", "signature",
};

struct outcome {
	int r[STAGE_COUNT];
	struct pmod_error err[STAGE_COUNT];
	size_t count[STAGE_COUNT];
	bool have_vermagic;
	enum pmod_compression compression;
	size_t data_size;
	bool data_is_module;		/* the decoded bytes equal the module */
	uint64_t first_export_crc;
};

static volatile unsigned long sink;	/* keeps the touching loops alive */

static void touch(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		sink += b[i];
}

static void touch_str(const char *s)
{
	assert_non_null(s);
	touch(s, strlen(s) + 1);
}

/* The contract of every fallible call: 0, or a negative errno with the same
 * code and one non-empty sentence (no newline) in err. */
static void check_result(const char *what, const char *label, int r, const struct pmod_error *err)
{
	if (r >= 0)
		return;
	if (r < -4095)
		fail_msg("%s: %s returned %d, not a negative errno", label, what, r);
	if (err->code != r)
		fail_msg("%s: %s returned %d but err.code is %d (\"%s\")", label, what, r,
			 err->code, err->text);
	if (strnlen(err->text, sizeof(err->text)) == sizeof(err->text) || err->text[0] == '\0')
		fail_msg("%s: %s returned %d with an empty or unterminated err.text", label,
			 what, r);
	if (strchr(err->text, '\n') != NULL)
		fail_msg("%s: %s: err.text has a newline: \"%s\"", label, what, err->text);
}

/* Open data and call every parser, touching every byte each result points
 * at. label names the input in failure messages. */
static void run_parsers(const void *data, size_t size, const char *label, struct outcome *o)
{
	struct pmod_image *img = NULL;
	const struct pmod_modinfo *mi;
	const struct pmod_version *ver;
	const struct pmod_export *exp;
	const struct pmod_import *imp;
	const struct pmod_signature *sig;
	size_t n;
	int r;

	memset(o, 0, sizeof(*o));
	for (int s = 0; s < STAGE_COUNT; s++)
		o->r[s] = 1;	/* "not reached" */

	r = pmod_image_new_from_memory(ctx, data, size, &img, &o->err[AT_OPEN]);
	o->r[AT_OPEN] = r;
	check_result("pmod_image_new_from_memory", label, r, &o->err[AT_OPEN]);
	if (r < 0)
		return;
	if (r != 0)
		fail_msg("%s: pmod_image_new_from_memory returned %d", label, r);

	{
		const void *d = pmod_image_data(img, &o->data_size);

		o->compression = pmod_image_compression(img);
		touch(d, o->data_size);
		o->data_is_module = o->data_size == module_size &&
				    memcmp(d, module, module_size) == 0;
	}

	r = pmod_image_modinfo(img, &mi, &n, &o->err[AT_MODINFO]);
	o->r[AT_MODINFO] = r;
	check_result("pmod_image_modinfo", label, r, &o->err[AT_MODINFO]);
	if (r == 0) {
		struct pmod_param *params;
		size_t np, skipped;

		o->count[AT_MODINFO] = n;
		for (size_t i = 0; i < n; i++) {
			touch(mi[i].key, mi[i].key_len);
			touch_str(mi[i].value);
		}
		r = pmod_params_from_modinfo(mi, n, &params, &np, &skipped);
		if (r < 0)
			fail_msg("%s: pmod_params_from_modinfo returned %d", label, r);
		for (size_t i = 0; i < np; i++) {
			touch(params[i].name, params[i].name_len);
			if (params[i].desc != NULL)
				touch(params[i].desc, params[i].desc_len);
			if (params[i].type != NULL)
				touch(params[i].type, params[i].type_len);
		}
		pmod_free(params);
	}
	{
		const char *vm = pmod_image_vermagic(img);

		o->have_vermagic = vm != NULL;
		if (vm != NULL)
			touch_str(vm);
	}

	r = pmod_image_versions(img, &ver, &n, &o->err[AT_VERSIONS]);
	o->r[AT_VERSIONS] = r;
	check_result("pmod_image_versions", label, r, &o->err[AT_VERSIONS]);
	if (r == 0) {
		o->count[AT_VERSIONS] = n;
		for (size_t i = 0; i < n; i++)
			touch_str(ver[i].symbol);
	}

	r = pmod_image_exports(img, &exp, &n, &o->err[AT_EXPORTS]);
	o->r[AT_EXPORTS] = r;
	check_result("pmod_image_exports", label, r, &o->err[AT_EXPORTS]);
	if (r == 0) {
		o->count[AT_EXPORTS] = n;
		for (size_t i = 0; i < n; i++)
			touch_str(exp[i].symbol);
		if (n > 0)
			o->first_export_crc = exp[0].crc;
	}

	r = pmod_image_imports(img, &imp, &n, &o->err[AT_IMPORTS]);
	o->r[AT_IMPORTS] = r;
	check_result("pmod_image_imports", label, r, &o->err[AT_IMPORTS]);
	if (r == 0) {
		o->count[AT_IMPORTS] = n;
		for (size_t i = 0; i < n; i++)
			touch_str(imp[i].symbol);
	}

	r = pmod_image_signature(img, &sig, &o->err[AT_SIGNATURE]);
	o->r[AT_SIGNATURE] = r;
	check_result("pmod_image_signature", label, r, &o->err[AT_SIGNATURE]);
	if (r == 0) {
		touch_str(sig->id_type_name);
		touch_str(sig->signer.hash_algo);
		touch(sig->signer.name, sig->signer.name_len + 1);
		touch(sig->signer.key_id, sig->signer.key_id_len);
		touch(sig->sig, sig->sig_len);
		if (sig->blob != NULL)
			touch(sig->blob, sig->blob_len);
		if (sig->signed_len > o->data_size)
			fail_msg("%s: signature covers %zu bytes of a %zu-byte image", label,
				 sig->signed_len, o->data_size);
	} else if (r != -ENODATA && r != -EBADMSG && r != -ENOMEM) {
		fail_msg("%s: pmod_image_signature returned %d (%s)", label, r,
			 o->err[AT_SIGNATURE].text);
	}

	/* Asking again gives the remembered answer. */
	{
		struct pmod_error again;

		memset(&again, 0, sizeof(again));
		r = pmod_image_modinfo(img, &mi, &n, &again);
		if (r != o->r[AT_MODINFO] ||
		    (r < 0 && strcmp(again.text, o->err[AT_MODINFO].text) != 0))
			fail_msg("%s: second pmod_image_modinfo gave %d (%s), first %d (%s)",
				 label, r, again.text, o->r[AT_MODINFO],
				 o->err[AT_MODINFO].text);
	}
	pmod_image_free(img);
}

static void assert_all_ok(const struct outcome *o, const char *label)
{
	for (int s = 0; s < STAGE_COUNT; s++)
		if (o->r[s] != 0)
			fail_msg("%s: %s returned %d (%s)", label, stage_names[s], o->r[s],
				 o->err[s].text);
}

/* Stage `stage` failed with code and a message containing needle, every
 * stage before it succeeded. */
static void assert_fails_at(const struct outcome *o, const char *label, enum stage stage,
			    int code, const char *needle)
{
	for (int s = 0; s < (int)stage; s++)
		/* Imports need __versions and share a parse with exports. */
		if (o->r[s] != 0 && !(stage == AT_IMPORTS && (s == AT_VERSIONS || s == AT_EXPORTS)))
			fail_msg("%s: %s failed first: %d (%s); expected %s to fail", label,
				 stage_names[s], o->r[s], o->err[s].text, stage_names[stage]);
	if (o->r[stage] != code || strstr(o->err[stage].text, needle) == NULL)
		fail_msg("%s: %s returned %d (\"%s\"); expected %d with \"%s\"", label,
			 stage_names[stage], o->r[stage], o->err[stage].text, code, needle);
}

/* ------------------------------------------------------------ picking the module */

struct candidate {
	off_t size;
	char *path;
};

static struct candidate *candidates;
static size_t ncandidates, candidates_cap;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(path);

	if (type != FTW_F || !S_ISREG(st->st_mode) || len < 3 || strcmp(path + len - 3, ".ko") != 0)
		return 0;
	if (ncandidates == candidates_cap) {
		candidates_cap = candidates_cap ? candidates_cap * 2 : 1024;
		candidates = realloc(candidates, candidates_cap * sizeof(*candidates));
		if (candidates == NULL)
			return -1;
	}
	candidates[ncandidates].size = st->st_size;
	candidates[ncandidates].path = strdup(path);
	ncandidates++;
	return 0;
}

static int cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->path, y->path);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *b;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || st.st_size <= 0) {
		fclose(f);
		return NULL;
	}
	b = malloc((size_t)st.st_size);
	if (b == NULL || fread(b, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(b);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*size = (size_t)st.st_size;
	return b;
}

/* Everything the corruptions need: ELF64 LSB x86-64 with .modinfo,
 * __versions, .symtab (+ its string table), a __crc_ export, a NOBITS
 * section, and a PKCS#7 signature that all parse. */
static bool qualifies(void)
{
	Elf64_Ehdr h;
	struct pmod_image *img;
	struct pmod_error err;
	const struct pmod_signature *sig;
	const struct pmod_version *ver;
	const struct pmod_export *exp;
	size_t nver, nexp;
	bool ok;

	if (module_size < sizeof(h) + SIG_MAGIC_LEN + SIG_INFO_LEN ||
	    memcmp(module, ELFMAG, SELFMAG) != 0 || module[EI_CLASS] != ELFCLASS64 ||
	    module[EI_DATA] != ELFDATA2LSB)
		return false;
	h = get_ehdr(module);
	if (h.e_shentsize != sizeof(Elf64_Shdr) || h.e_shnum < 2 || h.e_shstrndx >= h.e_shnum ||
	    shdrs_end() > module_size)
		return false;
	if (find_section(".modinfo") < 0 || find_section("__versions") < 0 ||
	    find_section(".symtab") < 0 || find_section_type(SHT_NOBITS) < 0 ||
	    find_symbol("__crc_") < 0)
		return false;
	if (memcmp(module + module_size - SIG_MAGIC_LEN, SIG_MAGIC, SIG_MAGIC_LEN) != 0)
		return false;
	if (pmod_image_new_from_memory(ctx, module, module_size, &img, &err) < 0)
		return false;
	ok = pmod_image_signature(img, &sig, &err) == 0 && sig->id_type == PMOD_SIG_ID_PKCS7 &&
	     pmod_image_versions(img, &ver, &nver, &err) == 0 && nver > 0 &&
	     pmod_image_exports(img, &exp, &nexp, &err) == 0 && nexp > 0 &&
	     pmod_image_vermagic(img) != NULL;
	pmod_image_free(img);
	return ok;
}

static int pick_module(const char *dir)
{
	if (nftw(dir, collect, 32, FTW_PHYS) != 0 || ncandidates == 0) {
		fprintf(stderr, "test-hostile-image: no .ko files under %s\n", dir);
		return -1;
	}
	qsort(candidates, ncandidates, sizeof(*candidates), cmp_candidate);
	for (size_t i = 0; i < ncandidates; i++) {
		module = read_file(candidates[i].path, &module_size);
		if (module != NULL && qualifies()) {
			snprintf(module_path, sizeof(module_path), "%s", candidates[i].path);
			break;
		}
		free(module);
		module = NULL;
	}
	for (size_t i = 0; i < ncandidates; i++)
		free(candidates[i].path);
	free(candidates);
	if (module == NULL) {
		fprintf(stderr, "test-hostile-image: no signed ELF64 module with __versions, "
				"exports and .symtab under %s\n", dir);
		return -1;
	}
	printf("# module: %s (%zu bytes)\n", module_path, module_size);
	return 0;
}

/* ------------------------------------------------------------ truncation */

static void test_pristine(void **state)
{
	struct outcome o;

	run_parsers(module, module_size, "pristine", &o);
	assert_all_ok(&o, "pristine");
	assert_true(o.have_vermagic);
	assert_true(o.data_is_module);
	assert_int_equal(o.compression, PMOD_COMPRESSION_NONE);
	assert_true(o.count[AT_MODINFO] > 0);
	assert_true(o.count[AT_VERSIONS] > 0);
	assert_true(o.count[AT_EXPORTS] > 0);
	assert_true(o.count[AT_IMPORTS] > 0);
}

static void test_truncated_every_length(void **state)
{
	size_t hdr_end = shdrs_end(), obj_end = elf_end();
	char label[64];

	for (size_t len = 0; len < module_size; len++) {
		uint8_t *b = copy_of(module, len);
		struct outcome o;

		snprintf(label, sizeof(label), "truncated to %zu of %zu bytes", len, module_size);
		run_parsers(b, len, label, &o);
		if (len < hdr_end) {
			/* The header or the section table is cut. */
			if (o.r[AT_OPEN] != -ENOEXEC)
				fail_msg("%s: open returned %d (%s), expected -ENOEXEC", label,
					 o.r[AT_OPEN], o.err[AT_OPEN].text);
		} else if (len >= obj_end) {
			/* Only the signature is cut: an unsigned module. */
			for (int s = 0; s < AT_SIGNATURE; s++)
				if (o.r[s] != 0)
					fail_msg("%s: %s returned %d (%s)", label, stage_names[s],
						 o.r[s], o.err[s].text);
			if (o.r[AT_SIGNATURE] != -ENODATA)
				fail_msg("%s: signature returned %d (%s), expected -ENODATA",
					 label, o.r[AT_SIGNATURE], o.err[AT_SIGNATURE].text);
		}
		free(b);
	}
}

/* ------------------------------------------------------------ targeted corruptions */

struct corruption {
	const char *name;
	void (*mutate)(uint8_t *b, size_t *size);
	enum stage stage;
	int code;		/* 0: every stage must succeed */
	const char *needle;
};

static void set_shdr_field(uint8_t *b, const char *section, size_t field_off, size_t width,
			   uint64_t value)
{
	unsigned idx = need_section(section);

	memcpy(b + shdr_pos(b, idx) + field_off, &value, width);	/* LSB host */
}

#define SET_SHDR(b, sec, field, v) \
	set_shdr_field(b, sec, offsetof(Elf64_Shdr, field), sizeof(((Elf64_Shdr *)0)->field), \
		       (uint64_t)(v))

static void m_magic(uint8_t *b, size_t *n) { b[1] = 'X'; }
static void m_class0(uint8_t *b, size_t *n) { b[EI_CLASS] = ELFCLASSNONE; }
static void m_class3(uint8_t *b, size_t *n) { b[EI_CLASS] = 3; }
static void m_data0(uint8_t *b, size_t *n) { b[EI_DATA] = ELFDATANONE; }
static void m_data3(uint8_t *b, size_t *n) { b[EI_DATA] = 3; }
/* Declared big-endian: every field read is byte-swapped nonsense. */
static void m_data_msb(uint8_t *b, size_t *n) { b[EI_DATA] = ELFDATA2MSB; }
/* Declared ELF32: the 32-bit header fields fall on the 64-bit ones. */
static void m_class32(uint8_t *b, size_t *n) { b[EI_CLASS] = ELFCLASS32; }

static void m_ehdr(uint8_t *b, void (*f)(Elf64_Ehdr *h, size_t size), size_t size)
{
	Elf64_Ehdr h = get_ehdr(b);

	f(&h, size);
	put_ehdr(b, &h);
}

static void e_shentsize40(Elf64_Ehdr *h, size_t n) { h->e_shentsize = sizeof(Elf32_Shdr); }
static void e_shentsize65(Elf64_Ehdr *h, size_t n) { h->e_shentsize = 65; }
static void e_shoff_end(Elf64_Ehdr *h, size_t n) { h->e_shoff = n; }
static void e_shoff_wrap(Elf64_Ehdr *h, size_t n) { h->e_shoff = UINT64_MAX - 63; }
static void e_shoff_one_short(Elf64_Ehdr *h, size_t n)
{
	h->e_shoff = n - (size_t)h->e_shnum * h->e_shentsize + 1;
}
static void e_shnum_huge(Elf64_Ehdr *h, size_t n) { h->e_shnum = 0xffff; }
static void e_shnum_zero(Elf64_Ehdr *h, size_t n) { h->e_shnum = 0; }
static void e_shstrndx_shnum(Elf64_Ehdr *h, size_t n) { h->e_shstrndx = h->e_shnum; }
static void e_shstrndx_zero(Elf64_Ehdr *h, size_t n) { h->e_shstrndx = 0; }
static void e_shstrndx_xindex(Elf64_Ehdr *h, size_t n) { h->e_shstrndx = SHN_XINDEX; }

#define EHDR_MUTATOR(fn) \
	static void m_##fn(uint8_t *b, size_t *n) { m_ehdr(b, fn, *n); }
EHDR_MUTATOR(e_shentsize40)
EHDR_MUTATOR(e_shentsize65)
EHDR_MUTATOR(e_shoff_end)
EHDR_MUTATOR(e_shoff_wrap)
EHDR_MUTATOR(e_shoff_one_short)
EHDR_MUTATOR(e_shnum_huge)
EHDR_MUTATOR(e_shnum_zero)
EHDR_MUTATOR(e_shstrndx_shnum)
EHDR_MUTATOR(e_shstrndx_zero)
EHDR_MUTATOR(e_shstrndx_xindex)

static void m_shstrtab_offset(uint8_t *b, size_t *n) { SET_SHDR(b, ".shstrtab", sh_offset, *n + 1); }
static void m_shstrtab_size(uint8_t *b, size_t *n) { SET_SHDR(b, ".shstrtab", sh_size, UINT64_MAX); }
static void m_shstrtab_unterminated(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section(".shstrtab"));

	b[s.sh_offset + s.sh_size - 1] = 'x';
}
static void m_shstrtab_empty(uint8_t *b, size_t *n) { SET_SHDR(b, ".shstrtab", sh_size, 0); }
static void m_shstrtab_nobits(uint8_t *b, size_t *n) { SET_SHDR(b, ".shstrtab", sh_type, SHT_NOBITS); }

static void m_modinfo_offset(uint8_t *b, size_t *n) { SET_SHDR(b, ".modinfo", sh_offset, *n); }
static void m_modinfo_offset_huge(uint8_t *b, size_t *n) { SET_SHDR(b, ".modinfo", sh_offset, UINT64_MAX - 1); }
static void m_modinfo_size_wrap(uint8_t *b, size_t *n) { SET_SHDR(b, ".modinfo", sh_size, UINT64_MAX - 8); }
static void m_modinfo_size_past(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section(".modinfo"));

	SET_SHDR(b, ".modinfo", sh_size, *n - s.sh_offset + 1);
}
static void m_modinfo_size_to_end(uint8_t *b, size_t *n)
{
	/* Exactly to the end of the file: allowed, and the file ends in "~\n". */
	Elf64_Shdr s = get_shdr(module, need_section(".modinfo"));

	SET_SHDR(b, ".modinfo", sh_size, *n - s.sh_offset);
}
static void m_modinfo_name_far(uint8_t *b, size_t *n) { SET_SHDR(b, ".modinfo", sh_name, UINT32_MAX); }
static void m_modinfo_name_edge(uint8_t *b, size_t *n)
{
	Elf64_Shdr strs = get_shdr(module, need_section(".shstrtab"));

	SET_SHDR(b, ".modinfo", sh_name, strs.sh_size);
}
static void m_modinfo_unterminated(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section(".modinfo"));

	b[s.sh_offset + s.sh_size - 1] = 'A';
}
static void m_modinfo_no_nul(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section(".modinfo"));

	memset(b + s.sh_offset, 'A', s.sh_size);
}
static void m_modinfo_nobits(uint8_t *b, size_t *n) { SET_SHDR(b, ".modinfo", sh_type, SHT_NOBITS); }
static void m_modinfo_empty(uint8_t *b, size_t *n) { SET_SHDR(b, ".modinfo", sh_size, 0); }
static void m_modinfo_all_nul(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section(".modinfo"));

	memset(b + s.sh_offset, 0, s.sh_size);
}

static void m_versions_size63(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section("__versions"));

	SET_SHDR(b, "__versions", sh_size, s.sh_size - 1);
}
static void m_versions_size_huge(uint8_t *b, size_t *n) { SET_SHDR(b, "__versions", sh_size, UINT64_MAX & ~(uint64_t)63); }
static void m_versions_name_first(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section("__versions"));

	memset(b + s.sh_offset + 8, 'A', 56);
}
static void m_versions_name_last(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section("__versions"));

	memset(b + s.sh_offset + s.sh_size - 56, 'A', 56);
}

static void m_symtab_link0(uint8_t *b, size_t *n) { SET_SHDR(b, ".symtab", sh_link, 0); }
static void m_symtab_link_far(uint8_t *b, size_t *n) { SET_SHDR(b, ".symtab", sh_link, UINT32_MAX); }
static void m_symtab_link_shnum(uint8_t *b, size_t *n) { SET_SHDR(b, ".symtab", sh_link, get_ehdr(module).e_shnum); }
static void m_symtab_link_nobits(uint8_t *b, size_t *n) { SET_SHDR(b, ".symtab", sh_link, find_section_type(SHT_NOBITS)); }
static void m_symtab_size_odd(uint8_t *b, size_t *n)
{
	Elf64_Shdr s = get_shdr(module, need_section(".symtab"));

	SET_SHDR(b, ".symtab", sh_size, s.sh_size - 1);
}
static void m_symtab_size_huge(uint8_t *b, size_t *n) { SET_SHDR(b, ".symtab", sh_size, (UINT64_MAX / 24) * 24); }
static void m_strtab_unterminated(uint8_t *b, size_t *n)
{
	Elf64_Shdr sym = get_shdr(module, need_section(".symtab"));
	Elf64_Shdr s = get_shdr(module, sym.sh_link);

	b[s.sh_offset + s.sh_size - 1] = 'x';
}
static void m_strtab_name_far(uint8_t *b, size_t *n)
{
	Elf64_Shdr sym = get_shdr(module, need_section(".symtab"));
	uint32_t far = UINT32_MAX;

	memcpy(b + shdr_pos(b, sym.sh_link) + offsetof(Elf64_Shdr, sh_name), &far, sizeof(far));
}
static void set_sym_field(uint8_t *b, long sym, size_t field_off, size_t width, uint64_t value)
{
	Elf64_Shdr symtab = get_shdr(module, need_section(".symtab"));

	assert_true(sym > 0);
	memcpy(b + symtab.sh_offset + (size_t)sym * sizeof(Elf64_Sym) + field_off, &value, width);
}
static void m_sym_name_edge(uint8_t *b, size_t *n)
{
	Elf64_Shdr symtab = get_shdr(module, need_section(".symtab"));
	Elf64_Shdr strtab = get_shdr(module, symtab.sh_link);

	set_sym_field(b, 1, offsetof(Elf64_Sym, st_name), 4, strtab.sh_size);
}
static void m_sym_name_far(uint8_t *b, size_t *n)
{
	Elf64_Shdr symtab = get_shdr(module, need_section(".symtab"));

	set_sym_field(b, (long)(symtab.sh_size / sizeof(Elf64_Sym)) - 1,
		      offsetof(Elf64_Sym, st_name), 4, UINT32_MAX);
}
/* A __crc_ symbol pointing outside any section: the CRC reads as all ones,
 * the module is not rejected (kmod does the same). */
static void m_crc_shndx_far(uint8_t *b, size_t *n)
{
	set_sym_field(b, find_symbol("__crc_"), offsetof(Elf64_Sym, st_shndx), 2, 0xfff0);
}
static void m_crc_value_far(uint8_t *b, size_t *n)
{
	set_sym_field(b, find_symbol("__crc_"), offsetof(Elf64_Sym, st_value), 8, UINT64_MAX - 2);
}

static void m_sig_len(uint8_t *b, size_t n, uint32_t v) { put_be32(b + sig_info_pos(n) + 8, v); }
static void m_sig_len_double(uint8_t *b, size_t *n) { m_sig_len(b, *n, (uint32_t)(*n * 2)); }
static void m_sig_len_max(uint8_t *b, size_t *n) { m_sig_len(b, *n, UINT32_MAX); }
static void m_sig_len_one_over(uint8_t *b, size_t *n)
{
	const uint8_t *info = b + sig_info_pos(*n);

	m_sig_len(b, *n, (uint32_t)(sig_info_pos(*n) - info[3] - info[4] + 1));
}
/* The whole ELF taken as the PKCS#7 blob: in range, but not DER. */
static void m_sig_len_everything(uint8_t *b, size_t *n) { m_sig_len(b, *n, (uint32_t)sig_info_pos(*n)); }
static void m_sig_len_zero(uint8_t *b, size_t *n) { m_sig_len(b, *n, 0); }
static void m_sig_algo(uint8_t *b, size_t *n) { b[sig_info_pos(*n) + 0] = 2; }
static void m_sig_hash(uint8_t *b, size_t *n) { b[sig_info_pos(*n) + 1] = 9; }
static void m_sig_hash_ff(uint8_t *b, size_t *n) { b[sig_info_pos(*n) + 1] = 0xff; }
static void m_sig_id_type(uint8_t *b, size_t *n) { b[sig_info_pos(*n) + 2] = 3; }
static void m_sig_id_type_ff(uint8_t *b, size_t *n) { b[sig_info_pos(*n) + 2] = 0xff; }
static void m_sig_garbage_der(uint8_t *b, size_t *n)
{
	size_t info = sig_info_pos(*n);
	uint32_t len = get_be32(b + info + 8);
	uint32_t x = 0x12345678;

	for (size_t i = info - len; i < info; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
}
/* The DER's outer length made to claim more than the blob holds. */
static void m_sig_der_length(uint8_t *b, size_t *n)
{
	size_t info = sig_info_pos(*n);
	uint32_t len = get_be32(b + info + 8);
	uint8_t *der = b + info - len;

	assert_int_equal(der[0], 0x30);		/* SEQUENCE */
	if (der[1] == 0x82) {
		der[2] = 0x7f;
		der[3] = 0xff;
	} else {
		der[1] = 0x7f;
	}
}
/* The blob cut to its second half: starts mid-structure. */
static void m_sig_der_half(uint8_t *b, size_t *n)
{
	size_t info = sig_info_pos(*n);

	m_sig_len(b, *n, get_be32(b + info + 8) / 2);
}
/* Legacy (X.509 id type) trailer whose three runs add up to more than
 * the file. */
static void m_sig_legacy_lengths(uint8_t *b, size_t *n)
{
	size_t info = sig_info_pos(*n);

	b[info + 2] = PMOD_SIG_ID_X509;
	b[info + 3] = 0xff;
	b[info + 4] = 0xff;
	m_sig_len(b, *n, (uint32_t)(info - 0xff - 0xff + 1));
}
/* A well-formed legacy trailer: parses as raw bytes. */
static void m_sig_legacy_ok(uint8_t *b, size_t *n)
{
	size_t info = sig_info_pos(*n);

	b[info + 2] = PMOD_SIG_ID_PGP;
	b[info + 3] = 8;
	b[info + 4] = 4;
}
/* The marker right after the ELF: the header is read from the last bytes
 * of the ELF (zeros of the section table: a zero sig_len). */
static void m_sig_marker_only(uint8_t *b, size_t *n)
{
	size_t end = elf_end();

	memcpy(b + end, SIG_MAGIC, SIG_MAGIC_LEN);
	*n = end + SIG_MAGIC_LEN;
	(void)b;
}

static void m_empty(uint8_t *b, size_t *n) { *n = 0; }
static void m_text(uint8_t *b, size_t *n)
{
	static const char text[] = "this is not a kernel module\n";

	memcpy(b, text, sizeof(text) - 1);
	*n = sizeof(text) - 1;
}
static void m_elf_magic_only(uint8_t *b, size_t *n) { *n = SELFMAG; }

#define OK(name, fn) { name, fn, AT_OPEN, 0, NULL }
static const struct corruption corruptions[] = {
	/* not a module at all */
	{ "empty file", m_empty, AT_OPEN, -ENOEXEC, "not an ELF file" },
	{ "text file", m_text, AT_OPEN, -ENOEXEC, "not an ELF file" },
	{ "ELF magic only", m_elf_magic_only, AT_OPEN, -ENOEXEC, "not an ELF file" },
	/* ELF header */
	{ "bad ELF magic", m_magic, AT_OPEN, -ENOEXEC, "not an ELF file" },
	{ "EI_CLASS 0", m_class0, AT_OPEN, -ENOEXEC, "unknown ELF class 0" },
	{ "EI_CLASS 3", m_class3, AT_OPEN, -ENOEXEC, "unknown ELF class 3" },
	{ "EI_DATA 0", m_data0, AT_OPEN, -ENOEXEC, "unknown ELF byte order 0" },
	{ "EI_DATA 3", m_data3, AT_OPEN, -ENOEXEC, "unknown ELF byte order 3" },
	{ "EI_DATA big-endian", m_data_msb, AT_OPEN, -ENOEXEC, "section header size" },
	{ "EI_CLASS 32-bit", m_class32, AT_OPEN, -ENOEXEC, "section header size" },
	{ "e_shentsize 40", m_e_shentsize40, AT_OPEN, -ENOEXEC, "section header size 40" },
	{ "e_shentsize 65", m_e_shentsize65, AT_OPEN, -ENOEXEC, "section header size 65" },
	{ "e_shoff at end of file", m_e_shoff_end, AT_OPEN, -ENOEXEC, "past the end of the file" },
	{ "e_shoff wraps", m_e_shoff_wrap, AT_OPEN, -ENOEXEC, "past the end of the file" },
	{ "e_shoff one byte short", m_e_shoff_one_short, AT_OPEN, -ENOEXEC, "past the end of the file" },
	{ "e_shnum 65535", m_e_shnum_huge, AT_OPEN, -ENOEXEC, "past the end of the file" },
	{ "e_shnum 0", m_e_shnum_zero, AT_OPEN, -ENOEXEC, "no section headers" },
	{ "e_shstrndx = e_shnum", m_e_shstrndx_shnum, AT_OPEN, -ENOEXEC, "section name table index" },
	{ "e_shstrndx 0", m_e_shstrndx_zero, AT_OPEN, -ENOEXEC, "section name table index 0" },
	{ "e_shstrndx SHN_XINDEX", m_e_shstrndx_xindex, AT_OPEN, -ENOEXEC, "section name table index" },
	/* section name table */
	{ ".shstrtab offset past end", m_shstrtab_offset, AT_OPEN, -ENOEXEC, "extends past the end" },
	{ ".shstrtab size huge", m_shstrtab_size, AT_OPEN, -ENOEXEC, "extends past the end" },
	{ ".shstrtab not NUL-terminated", m_shstrtab_unterminated, AT_OPEN, -ENOEXEC, "not NUL-terminated" },
	{ ".shstrtab empty", m_shstrtab_empty, AT_OPEN, -ENOEXEC, "not NUL-terminated" },
	{ ".shstrtab NOBITS", m_shstrtab_nobits, AT_OPEN, -ENOEXEC, "not NUL-terminated" },
	/* .modinfo */
	{ ".modinfo offset at end", m_modinfo_offset, AT_MODINFO, -ENOEXEC, "extends past the end" },
	{ ".modinfo offset huge", m_modinfo_offset_huge, AT_MODINFO, -ENOEXEC, "extends past the end" },
	{ ".modinfo size wraps", m_modinfo_size_wrap, AT_MODINFO, -ENOEXEC, "extends past the end" },
	{ ".modinfo one byte past end", m_modinfo_size_past, AT_MODINFO, -ENOEXEC, "extends past the end" },
	{ ".modinfo to end of file", m_modinfo_size_to_end, AT_MODINFO, -ENOEXEC, "unterminated string" },
	{ ".modinfo name far outside .shstrtab", m_modinfo_name_far, AT_MODINFO, -ENODATA, "no .modinfo" },
	{ ".modinfo name just past .shstrtab", m_modinfo_name_edge, AT_MODINFO, -ENODATA, "no .modinfo" },
	{ ".modinfo last byte not NUL", m_modinfo_unterminated, AT_MODINFO, -ENOEXEC, "unterminated string" },
	{ ".modinfo without any NUL", m_modinfo_no_nul, AT_MODINFO, -ENOEXEC, "unterminated string" },
	{ ".modinfo NOBITS", m_modinfo_nobits, AT_MODINFO, -ENOEXEC, "no contents" },
	OK(".modinfo empty", m_modinfo_empty),
	OK(".modinfo all NULs", m_modinfo_all_nul),
	/* __versions */
	{ "__versions size 64n-1", m_versions_size63, AT_VERSIONS, -ENOEXEC, "not a multiple of 64" },
	{ "__versions size huge", m_versions_size_huge, AT_VERSIONS, -ENOEXEC, "extends past the end" },
	{ "__versions first name unterminated", m_versions_name_first, AT_VERSIONS, -ENOEXEC, "entry 0 has an unterminated name" },
	{ "__versions last name unterminated", m_versions_name_last, AT_VERSIONS, -ENOEXEC, "unterminated name" },
	{ "__versions broken -> imports", m_versions_size63, AT_IMPORTS, -ENOEXEC, "not a multiple of 64" },
	/* symbol table */
	{ ".symtab sh_link 0", m_symtab_link0, AT_EXPORTS, -ENOEXEC, "section index 0 out of range" },
	{ ".symtab sh_link huge", m_symtab_link_far, AT_EXPORTS, -ENOEXEC, "out of range" },
	{ ".symtab sh_link = e_shnum", m_symtab_link_shnum, AT_EXPORTS, -ENOEXEC, "out of range" },
	{ ".symtab sh_link to NOBITS", m_symtab_link_nobits, AT_EXPORTS, -ENOEXEC, "string table is not NUL-terminated" },
	{ ".symtab size not 24n", m_symtab_size_odd, AT_EXPORTS, -ENOEXEC, "not a multiple of 24" },
	{ ".symtab size huge", m_symtab_size_huge, AT_EXPORTS, -ENOEXEC, "extends past the end" },
	{ ".strtab not NUL-terminated", m_strtab_unterminated, AT_EXPORTS, -ENOEXEC, "string table is not NUL-terminated" },
	{ ".strtab name outside .shstrtab", m_strtab_name_far, AT_EXPORTS, -ENOEXEC, "name outside the name table" },
	{ "st_name = .strtab size", m_sym_name_edge, AT_EXPORTS, -ENOEXEC, "outside the string table" },
	{ "st_name huge", m_sym_name_far, AT_EXPORTS, -ENOEXEC, "outside the string table" },
	{ "st_name huge -> imports", m_sym_name_far, AT_IMPORTS, -ENOEXEC, "outside the string table" },
	OK("__crc_ symbol in no section", m_crc_shndx_far),
	OK("__crc_ symbol value out of range", m_crc_value_far),
	/* signature trailer */
	{ "sig_len twice the file", m_sig_len_double, AT_SIGNATURE, -EBADMSG, "more than the" },
	{ "sig_len 0xffffffff", m_sig_len_max, AT_SIGNATURE, -EBADMSG, "more than the" },
	{ "sig_len one byte too long", m_sig_len_one_over, AT_SIGNATURE, -EBADMSG, "more than the" },
	{ "sig_len covering the whole ELF", m_sig_len_everything, AT_SIGNATURE, -EBADMSG, "not a valid PKCS#7" },
	{ "sig_len 0", m_sig_len_zero, AT_SIGNATURE, -EBADMSG, "signature length is zero" },
	{ "unknown algo", m_sig_algo, AT_SIGNATURE, -EBADMSG, "unknown signature algorithm 2" },
	{ "unknown hash", m_sig_hash, AT_SIGNATURE, -EBADMSG, "unknown signature hash 9" },
	{ "unknown hash 255", m_sig_hash_ff, AT_SIGNATURE, -EBADMSG, "unknown signature hash 255" },
	{ "unknown id_type", m_sig_id_type, AT_SIGNATURE, -EBADMSG, "unknown signature type 3" },
	{ "unknown id_type 255", m_sig_id_type_ff, AT_SIGNATURE, -EBADMSG, "unknown signature type 255" },
	{ "garbage instead of PKCS#7", m_sig_garbage_der, AT_SIGNATURE, -EBADMSG, "not a valid PKCS#7" },
	{ "PKCS#7 DER length too long", m_sig_der_length, AT_SIGNATURE, -EBADMSG, "not a valid PKCS#7" },
	{ "PKCS#7 DER second half only", m_sig_der_half, AT_SIGNATURE, -EBADMSG, "not a valid PKCS#7" },
	{ "legacy trailer lengths too long", m_sig_legacy_lengths, AT_SIGNATURE, -EBADMSG, "more than the" },
	OK("legacy trailer", m_sig_legacy_ok),
	{ "marker right after the ELF", m_sig_marker_only, AT_SIGNATURE, -EBADMSG, "" },
};

static void test_corruption(void **state)
{
	const struct corruption *c = *state;
	size_t size = module_size;
	uint8_t *b = copy_of(module, module_size);
	uint8_t *exact;
	struct outcome o;

	c->mutate(b, &size);
	assert_true(size <= module_size);
	/* An exactly sized buffer, so that reading one byte past is caught. */
	exact = copy_of(b, size);
	free(b);
	run_parsers(exact, size, c->name, &o);
	if (c->code == 0)
		assert_all_ok(&o, c->name);
	else
		assert_fails_at(&o, c->name, c->stage, c->code, c->needle);
	if (c->mutate == m_crc_shndx_far || c->mutate == m_crc_value_far) {
		/* The damaged __crc_ is the first export (symtab order). */
		assert_int_equal(o.first_export_crc, 0xffffffffu);
	}
	if (c->mutate == m_modinfo_empty || c->mutate == m_modinfo_all_nul) {
		assert_int_equal(o.count[AT_MODINFO], 0);
		assert_false(o.have_vermagic);
	}
	if (c->mutate == m_modinfo_unterminated)
		assert_false(o.have_vermagic);
	free(exact);
}

/* ------------------------------------------------------------ compression */

static uint8_t *zstd_pack(const uint8_t *in, size_t n, bool streamed, size_t *out_n)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(n);
	uint8_t *out = malloc(cap);
	size_t r;

	assert_non_null(c);
	assert_non_null(out);
	/* What zstd(1) does: a checksum of the content. */
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
	if (!streamed) {
		r = ZSTD_compress2(c, out, cap, in, n);
		assert_false(ZSTD_isError(r));
		*out_n = r;
	} else {
		/* Fed in pieces with no size pledged: the frame header then
		 * cannot state the content size (zstd -c < pipe does this). */
		ZSTD_inBuffer ib = { in, n, 0 };
		ZSTD_outBuffer ob = { out, cap, 0 };

		while (ib.pos < ib.size) {
			ZSTD_inBuffer piece = { (const uint8_t *)in + ib.pos,
						ib.size - ib.pos < 4096 ? ib.size - ib.pos : 4096, 0 };

			r = ZSTD_compressStream2(c, &ob, &piece, ZSTD_e_continue);
			assert_false(ZSTD_isError(r));
			ib.pos += piece.pos;
		}
		do {
			ZSTD_inBuffer none = { NULL, 0, 0 };

			r = ZSTD_compressStream2(c, &ob, &none, ZSTD_e_end);
			assert_false(ZSTD_isError(r));
		} while (r != 0);
		*out_n = ob.pos;
		if (n > 0)
			assert_int_equal(ZSTD_getFrameContentSize(out, ob.pos),
					 ZSTD_CONTENTSIZE_UNKNOWN);
	}
	ZSTD_freeCCtx(c);
	return out;
}

static uint8_t *xz_pack(const uint8_t *in, size_t n, size_t *out_n)
{
	size_t cap = lzma_stream_buffer_bound(n), pos = 0;
	uint8_t *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, n, out, &pos, cap),
			 LZMA_OK);
	*out_n = pos;
	return out;
}

static uint8_t *gzip_pack(const uint8_t *in, size_t n, size_t *out_n)
{
	z_stream zs;
	uint8_t *out;
	size_t cap;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	cap = deflateBound(&zs, (uLong)n);
	out = malloc(cap);
	assert_non_null(out);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_n = zs.total_out;
	deflateEnd(&zs);
	return out;
}

enum packer { PACK_ZSTD, PACK_ZSTD_STREAMED, PACK_XZ, PACK_GZIP, PACK_COUNT };

static const char *const packer_names[PACK_COUNT] = { "zstd", "zstd (streamed)", "xz", "gzip" };
static const enum pmod_compression packer_kind[PACK_COUNT] = {
	PMOD_COMPRESSION_ZSTD, PMOD_COMPRESSION_ZSTD, PMOD_COMPRESSION_XZ, PMOD_COMPRESSION_GZIP,
};
static const size_t packer_magic_len[PACK_COUNT] = { 4, 4, 6, 2 };

static uint8_t *pack(enum packer p, const uint8_t *in, size_t n, size_t *out_n)
{
	switch (p) {
	case PACK_ZSTD: return zstd_pack(in, n, false, out_n);
	case PACK_ZSTD_STREAMED: return zstd_pack(in, n, true, out_n);
	case PACK_XZ: return xz_pack(in, n, out_n);
	case PACK_GZIP: return gzip_pack(in, n, out_n);
	default: fail(); return NULL;
	}
}

static void test_compressed_ok(void **state)
{
	for (int p = 0; p < PACK_COUNT; p++) {
		size_t n;
		uint8_t *z = pack(p, module, module_size, &n);
		uint8_t *exact = copy_of(z, n);
		struct outcome o;

		free(z);
		run_parsers(exact, n, packer_names[p], &o);
		assert_all_ok(&o, packer_names[p]);
		if (o.compression != packer_kind[p] || !o.data_is_module)
			fail_msg("%s: compression %d, decoded %zu bytes, %s the module",
				 packer_names[p], o.compression, o.data_size,
				 o.data_is_module ? "equal to" : "different from");
		free(exact);
	}
}

/* Cut at every 1/50th and at each of the last 8 bytes: always an error. */
static void test_compressed_truncated(void **state)
{
	char label[96];

	for (int p = 0; p < PACK_COUNT; p++) {
		size_t n;
		uint8_t *z = pack(p, module, module_size, &n);

		for (int k = 0; k < 50 + 8; k++) {
			size_t len = k < 50 ? n * (size_t)k / 50 : n - (size_t)(k - 49);
			uint8_t *exact = copy_of(z, len);
			struct outcome o;

			snprintf(label, sizeof(label), "%s cut to %zu of %zu bytes", packer_names[p],
				 len, n);
			run_parsers(exact, len, label, &o);
			if (len < packer_magic_len[p]) {
				if (o.r[AT_OPEN] != -ENOEXEC)
					fail_msg("%s: open returned %d (%s)", label, o.r[AT_OPEN],
						 o.err[AT_OPEN].text);
			} else if (o.r[AT_OPEN] != -EBADMSG) {
				fail_msg("%s: open returned %d (%s), expected -EBADMSG", label,
					 o.r[AT_OPEN], o.err[AT_OPEN].text);
			}
			free(exact);
		}
		free(z);
	}
}

/* Every format checks its content (zstd with the checksum zstd(1) writes,
 * xz with CRC32, gzip with CRC32): a flipped bit is either refused or, if
 * it landed somewhere harmless, changes nothing. */
static void test_compressed_bitflip(void **state)
{
	char label[96];

	for (int p = 0; p < PACK_COUNT; p++) {
		size_t n;
		uint8_t *z = pack(p, module, module_size, &n);
		size_t where[] = { n / 2, n / 3, 2 * n / 3, n / 2 + 1, n - 5, 12 };
		int refused = 0;

		for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
			for (int bit = 0; bit < 8; bit += 3) {
				uint8_t *exact = copy_of(z, n);
				struct outcome o;

				exact[where[w]] ^= (uint8_t)(1u << bit);
				snprintf(label, sizeof(label), "%s, bit %d of byte %zu of %zu flipped",
					 packer_names[p], bit, where[w], n);
				run_parsers(exact, n, label, &o);
				if (o.r[AT_OPEN] == 0 && !o.data_is_module)
					fail_msg("%s: decoded to different bytes without an error",
						 label);
				if (o.r[AT_OPEN] < 0 && w == 0 && bit == 0)
					refused++;
				free(exact);
			}
		}
		/* The flip in the middle of the stream is always noticed. */
		if (refused == 0)
			fail_msg("%s: a bit flipped in the middle went unnoticed", packer_names[p]);
		free(z);
	}
}

static void test_compressed_trailing_garbage(void **state)
{
	static const char garbage[] = "garbage!";
	char label[64];

	for (int p = 0; p < PACK_COUNT; p++) {
		size_t n;
		uint8_t *z = pack(p, module, module_size, &n);
		uint8_t *exact = malloc(n + sizeof(garbage) - 1);
		struct outcome o;

		assert_non_null(exact);
		memcpy(exact, z, n);
		memcpy(exact + n, garbage, sizeof(garbage) - 1);
		snprintf(label, sizeof(label), "%s + trailing garbage", packer_names[p]);
		run_parsers(exact, n + sizeof(garbage) - 1, label, &o);
		if (o.r[AT_OPEN] != -EBADMSG)
			fail_msg("%s: open returned %d (%s), expected -EBADMSG", label,
				 o.r[AT_OPEN], o.err[AT_OPEN].text);
		free(exact);
		free(z);
	}
}

/* An empty stream decodes to nothing, which is no ELF file. */
static void test_compressed_empty(void **state)
{
	for (int p = 0; p < PACK_COUNT; p++) {
		size_t n;
		uint8_t *z = pack(p, (const uint8_t *)"", 0, &n);
		uint8_t *exact = copy_of(z, n);
		struct outcome o;

		free(z);
		run_parsers(exact, n, packer_names[p], &o);
		assert_fails_at(&o, packer_names[p], AT_OPEN, -ENOEXEC, "not an ELF file");
		free(exact);
	}
}

/* Concatenated frames/members/streams, each `piece` zero bytes. */
static uint8_t *pack_repeated(enum packer p, size_t piece, int copies, size_t *out_n)
{
	uint8_t *zeros = calloc(1, piece);
	uint8_t *one, *all;
	size_t n;

	assert_non_null(zeros);
	one = pack(p, zeros, piece, &n);
	all = malloc(n * (size_t)copies);
	assert_non_null(all);
	for (int i = 0; i < copies; i++)
		memcpy(all + (size_t)i * n, one, n);
	free(one);
	free(zeros);
	*out_n = n * (size_t)copies;
	return all;
}

#define MIB ((size_t)1 << 20)

static void expect_open(const uint8_t *z, size_t n, const char *label, int code,
			const char *needle)
{
	uint8_t *exact = copy_of(z, n);
	struct outcome o;

	run_parsers(exact, n, label, &o);
	assert_fails_at(&o, label, AT_OPEN, code, needle);
	free(exact);
}

static void test_compression_bomb(void **state)
{
	size_t saved = ctx_trust(ctx)->max_module_size;
	char label[96];

	ctx_trust(ctx)->max_module_size = MIB;
	for (int p = 0; p < PACK_COUNT; p++) {
		size_t n;
		uint8_t *z;

		/* 8 MiB of zeros in one frame/member/stream. */
		z = pack_repeated(p, 8 * MIB, 1, &n);
		snprintf(label, sizeof(label), "%s bomb (8 MiB in %zu bytes)", packer_names[p], n);
		expect_open(z, n, label, -EFBIG, "limit");
		free(z);

		/* 16 pieces of 512 KiB: each under the cap, together over it. */
		z = pack_repeated(p, MIB / 2, 16, &n);
		snprintf(label, sizeof(label), "%s bomb (16 x 512 KiB)", packer_names[p]);
		expect_open(z, n, label, -EFBIG, "limit");
		free(z);

		/* Exactly the cap is allowed: decodes, then is no ELF file. */
		z = pack_repeated(p, MIB, 1, &n);
		snprintf(label, sizeof(label), "%s of exactly the limit", packer_names[p]);
		expect_open(z, n, label, -ENOEXEC, "not an ELF file");
		free(z);

		/* One byte over. */
		z = pack_repeated(p, MIB + 1, 1, &n);
		snprintf(label, sizeof(label), "%s of the limit + 1", packer_names[p]);
		expect_open(z, n, label, -EFBIG, "limit");
		free(z);
	}
	ctx_trust(ctx)->max_module_size = saved;
}

/* kmod cannot read a zstd frame without a content size; pmod can. */
static void test_zstd_without_content_size(void **state)
{
	size_t n;
	uint8_t *z = zstd_pack(module, module_size, true, &n);
	uint8_t *exact = copy_of(z, n);
	struct outcome o;

	free(z);
	assert_int_equal(ZSTD_getFrameContentSize(exact, n), ZSTD_CONTENTSIZE_UNKNOWN);
	run_parsers(exact, n, "zstd without content size", &o);
	assert_all_ok(&o, "zstd without content size");
	assert_int_equal(o.compression, PMOD_COMPRESSION_ZSTD);
	assert_true(o.data_is_module);
	free(exact);
}

/* ------------------------------------------------------------ main */

int main(void)
{
	const char *root = getenv("PMOD_TEST_ROOT"), *abi = getenv("PMOD_TEST_ABI");
	struct pmod_ctx_options opts = { .size = sizeof(opts) };
	size_t ncorr = sizeof(corruptions) / sizeof(corruptions[0]);
	struct CMUnitTest *tests;
	char dir[PATH_MAX];
	size_t nt = 0;
	int r;

	if (root == NULL || *root == '\0' || abi == NULL || *abi == '\0') {
		printf("test-hostile-image: PMOD_TEST_ROOT and PMOD_TEST_ABI are not set "
		       "(see testsuite/prepare-trees.sh); skipping\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root, abi);
	opts.root = root;
	opts.kernel_release = abi;
	r = pmod_ctx_new(&opts, &ctx);
	if (r < 0) {
		fprintf(stderr, "test-hostile-image: pmod_ctx_new: %s\n", strerror(-r));
		return 1;
	}
	if (pick_module(dir) < 0) {
		pmod_ctx_free(ctx);
		return 1;
	}

	tests = calloc(ncorr + 16, sizeof(*tests));
	if (tests == NULL)
		return 1;
#define ADD(fn) tests[nt++] = (struct CMUnitTest){ #fn, fn, NULL, NULL, NULL }
	ADD(test_pristine);
	ADD(test_truncated_every_length);
	for (size_t i = 0; i < ncorr; i++)
		tests[nt++] = (struct CMUnitTest){ corruptions[i].name, test_corruption, NULL, NULL,
						  (void *)&corruptions[i] };
	ADD(test_compressed_ok);
	ADD(test_zstd_without_content_size);
	ADD(test_compressed_truncated);
	ADD(test_compressed_bitflip);
	ADD(test_compressed_trailing_garbage);
	ADD(test_compressed_empty);
	ADD(test_compression_bomb);
#undef ADD
	r = _cmocka_run_group_tests("hostile-image", tests, nt, NULL, NULL);
	free(tests);
	free(module);
	pmod_ctx_free(ctx);
	return r;
}
