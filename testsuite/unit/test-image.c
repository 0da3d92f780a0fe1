// SPDX-License-Identifier: LGPL-2.1-or-later
/* The module image on generated modules of every class and byte order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cms_signer.h"
#include "elf_builder.h"
#include "pmod.h"

static const char modinfo[] =
	"\0\0license=GPL\0\0\0description=Fixture\0noequals\0vermagic=9.9.9 SMP \0"
	"parm=a:first\0parmtype=a:int\0parmtype=b:charp\0parm=c:third\0parm=bad\0";

static const struct fixture_version versions[] = {
	{ 0x1234abcdULL, "module_layout" }, { 0xdeadbeefULL, "printk" }, { 7, ".dotted" },
};
static const struct fixture_export exports[] = {
	{ "api_plain", 0x11111111, false }, { "api_gpl", 0x22222222, true },
};
static const struct fixture_import imports[] = {
	{ "printk", false }, { "hook", true },
};

static struct pmod_ctx *ctx;

static int setup(void **state)
{
	return pmod_ctx_new(NULL, &ctx);
}

static int teardown(void **state)
{
	pmod_ctx_free(ctx);
	return 0;
}

static struct pmod_image *build(bool is64, bool msb, bool modversions, bool crc_abs,
				uint8_t **bytes)
{
	struct fixture_spec spec = {
		.is64 = is64, .msb = msb,
		.modinfo = modinfo, .modinfo_len = sizeof(modinfo),
		.versions = versions, .nversions = 3,
		.exports = exports, .nexports = 2,
		.modversions = modversions, .crc_absolute = crc_abs,
		.imports = imports, .nimports = 2,
	};
	struct pmod_image *img;
	struct pmod_error err;
	size_t len;

	assert_int_equal(fixture_build(&spec, bytes, &len), 0);
	assert_int_equal(pmod_image_new_from_memory(ctx, *bytes, len, &img, &err), 0);
	return img;
}

static void check_kind(bool is64, bool msb)
{
	const struct pmod_modinfo *e;
	const struct pmod_version *v;
	const struct pmod_export *x;
	const struct pmod_import *im;
	struct pmod_error err;
	uint8_t *bytes;
	size_t n;
	struct pmod_image *img = build(is64, msb, true, false, &bytes);

	assert_int_equal(pmod_image_elf_class(img), is64 ? PMOD_ELF_64 : PMOD_ELF_32);
	assert_int_equal(pmod_image_elf_order(img), msb ? PMOD_ELF_MSB : PMOD_ELF_LSB);
	assert_int_equal(pmod_image_compression(img), PMOD_COMPRESSION_NONE);

	/* .modinfo: NUL runs are separators; file order kept. */
	assert_int_equal(pmod_image_modinfo(img, &e, &n, &err), 0);
	assert_int_equal(n, 9);
	assert_int_equal(e[0].key_len, 7);
	assert_memory_equal(e[0].key, "license", 7);
	assert_string_equal(e[0].value, "GPL");
	assert_int_equal(e[2].key_len, 8);
	assert_string_equal(e[2].value, "");	/* "noequals": a key, empty value */
	assert_string_equal(pmod_image_vermagic(img), "9.9.9 SMP ");

	/* __versions: CRC in the class's word size and the file's byte order;
	 * a leading '.' dropped. */
	assert_int_equal(pmod_image_versions(img, &v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].crc, 0x1234abcd);
	assert_string_equal(v[0].symbol, "module_layout");
	assert_int_equal(v[1].crc, 0xdeadbeef);
	assert_string_equal(v[2].symbol, "dotted");

	/* Exports from __crc_ symbols, CRC read from the section they point
	 * into, GPL-only from __ksymtab_gpl. */
	assert_int_equal(pmod_image_exports(img, &x, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(x[0].symbol, "api_plain");
	assert_int_equal(x[0].crc, 0x11111111);
	assert_false(x[0].gpl_only);
	assert_string_equal(x[1].symbol, "api_gpl");
	assert_int_equal(x[1].crc, 0x22222222);
	assert_true(x[1].gpl_only);

	/* Imports: undefined symbols with their __versions CRC and binding,
	 * then the versions nobody referenced. */
	assert_int_equal(pmod_image_imports(img, &im, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(im[0].symbol, "printk");
	assert_int_equal(im[0].crc, 0xdeadbeef);
	assert_false(im[0].weak);
	assert_string_equal(im[1].symbol, "hook");
	assert_int_equal(im[1].crc, 0);
	assert_true(im[1].weak);
	assert_string_equal(im[2].symbol, "module_layout");
	assert_string_equal(im[3].symbol, "dotted");

	/* No trailer: unsigned, not an error. */
	{
		const struct pmod_signature *sig;
		assert_int_equal(pmod_image_signature(img, &sig, &err), -ENODATA);
	}
	pmod_image_free(img);
	free(bytes);
}

static void le64(void **state) { check_kind(true, false); }
static void be64(void **state) { check_kind(true, true); }
static void le32(void **state) { check_kind(false, false); }
static void be32(void **state) { check_kind(false, true); }

static void absolute_crcs_and_no_modversions(void **state)
{
	const struct pmod_export *x;
	struct pmod_error err;
	uint8_t *bytes;
	size_t n;
	struct pmod_image *img = build(true, true, true, true, &bytes);

	assert_int_equal(pmod_image_exports(img, &x, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(x[1].crc, 0x22222222);	/* SHN_ABS: the value itself */
	pmod_image_free(img);
	free(bytes);

	/* Without __crc_ symbols the names come from __ksymtab_strings. */
	img = build(false, false, false, false, &bytes);
	assert_int_equal(pmod_image_exports(img, &x, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(x[0].symbol, "api_plain");
	assert_int_equal(x[0].crc, 0);
	assert_false(x[0].gpl_only);
	assert_string_equal(x[1].symbol, "api_gpl");
	assert_true(x[1].gpl_only);
	pmod_image_free(img);
	free(bytes);
}

static void parameters_merged_in_kmod_order(void **state)
{
	const struct pmod_modinfo *e;
	struct pmod_param *p;
	struct pmod_error err;
	uint8_t *bytes;
	size_t n, np, skipped;
	struct pmod_image *img = build(true, false, false, false, &bytes);

	assert_int_equal(pmod_image_modinfo(img, &e, &n, &err), 0);
	assert_int_equal(pmod_params_from_modinfo(e, n, &p, &np, &skipped), 0);
	assert_int_equal(np, 3);
	assert_int_equal(skipped, 1);	/* "parm=bad" has no ':' */
	/* Reverse order of first appearance: c, b, a. */
	assert_memory_equal(p[0].name, "c", 1);
	assert_memory_equal(p[0].desc, "third", 5);
	assert_null(p[0].type);
	assert_memory_equal(p[1].name, "b", 1);
	assert_null(p[1].desc);
	assert_memory_equal(p[1].type, "charp", 5);
	assert_memory_equal(p[2].name, "a", 1);
	assert_int_equal(p[2].desc_len, 5);
	assert_memory_equal(p[2].type, "int", 3);
	pmod_free(p);
	pmod_image_free(img);
	free(bytes);
}

static void legacy_signature(void **state)
{
	static const uint8_t key_id[] = { 0xaa, 0xbb, 0xcc };
	static const uint8_t sig_bytes[] = { 1, 2, 3, 4, 5 };
	const struct pmod_signature *sig;
	struct pmod_image *img;
	struct pmod_error err;
	uint8_t *bytes;
	size_t len, plain_len;
	struct fixture_spec spec = { .is64 = true, .modinfo = modinfo,
				     .modinfo_len = sizeof(modinfo) };

	assert_int_equal(fixture_build(&spec, &bytes, &len), 0);
	plain_len = len;
	fixture_append_raw_signature(&bytes, &len, 1, 5, "Signer", key_id, 3, sig_bytes, 5);
	assert_int_equal(pmod_image_new_from_memory(ctx, bytes, len, &img, &err), 0);
	assert_int_equal(pmod_image_signature(img, &sig, &err), 0);
	assert_int_equal(sig->id_type, PMOD_SIG_ID_X509);
	assert_string_equal(sig->id_type_name, "X509");
	assert_int_equal(sig->signer.name_len, 6);
	assert_string_equal(sig->signer.name, "Signer");
	assert_int_equal(sig->signer.key_id_kind, PMOD_KEY_ID_RAW);
	assert_int_equal(sig->signer.key_id_len, 3);
	assert_memory_equal(sig->signer.key_id, key_id, 3);
	assert_string_equal(sig->signer.hash_algo, "sha384");
	assert_false(sig->signer.weak_hash);
	assert_memory_equal(sig->sig, sig_bytes, 5);
	assert_int_equal(sig->signed_len, plain_len);
	pmod_image_free(img);
	free(bytes);
}

static void pkcs7_signature(bool by_keyid, bool ec, const char *md)
{
	const struct pmod_signature *sig;
	struct fixture_signed fs;
	struct pmod_image *img;
	struct pmod_error err;
	uint8_t *bytes;
	size_t len, plain_len;
	struct fixture_spec spec = { .is64 = true, .modinfo = modinfo,
				     .modinfo_len = sizeof(modinfo) };

	assert_int_equal(fixture_build(&spec, &bytes, &len), 0);
	plain_len = len;
	assert_int_equal(fixture_cms_sign(bytes, len, md, ec, by_keyid, "pmod unit key", &fs), 0);
	fixture_append_pkcs7(&bytes, &len, fs.der, fs.der_len);
	assert_int_equal(pmod_image_new_from_memory(ctx, bytes, len, &img, &err), 0);
	assert_int_equal(pmod_image_signature(img, &sig, &err), 0);
	assert_int_equal(sig->id_type, PMOD_SIG_ID_PKCS7);
	assert_string_equal(sig->id_type_name, "PKCS#7");
	assert_string_equal(sig->signer.hash_algo, md);
	assert_int_equal(sig->sig_len, fs.sig_len);
	assert_memory_equal(sig->sig, fs.sig, fs.sig_len);
	assert_int_equal(sig->signed_len, plain_len);
	assert_int_equal(sig->blob_len, fs.der_len);
	if (by_keyid) {
		assert_int_equal(sig->signer.key_id_kind, PMOD_KEY_ID_SUBJECT_KEY_ID);
		assert_int_equal(sig->signer.key_id_len, fs.skid_len);
		assert_memory_equal(sig->signer.key_id, fs.skid, fs.skid_len);
		assert_int_equal(sig->signer.name_len, 0);
	} else {
		assert_int_equal(sig->signer.key_id_kind, PMOD_KEY_ID_ISSUER_SERIAL);
		/* The serial without its leading zero byte. */
		assert_int_equal(sig->signer.key_id_len, fs.serial_len);
		assert_memory_equal(sig->signer.key_id, fs.serial, fs.serial_len);
		assert_int_equal(sig->signer.key_id[0], 0xC0);
		assert_int_equal(sig->signer.name_len, strlen("pmod unit key"));
		assert_string_equal(sig->signer.name, "pmod unit key");
	}
	pmod_image_free(img);
	fixture_signed_free(&fs);
	free(bytes);
}

static void pkcs7_issuer_serial_rsa_sha256(void **state) { pkcs7_signature(false, false, "sha256"); }
static void pkcs7_keyid_rsa_sha512(void **state) { pkcs7_signature(true, false, "sha512"); }
static void pkcs7_keyid_ecdsa_sha384(void **state) { pkcs7_signature(true, true, "sha384"); }
static void pkcs7_issuer_serial_ecdsa(void **state) { pkcs7_signature(false, true, "sha256"); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(le64),
		cmocka_unit_test(be64),
		cmocka_unit_test(le32),
		cmocka_unit_test(be32),
		cmocka_unit_test(absolute_crcs_and_no_modversions),
		cmocka_unit_test(parameters_merged_in_kmod_order),
		cmocka_unit_test(legacy_signature),
		cmocka_unit_test(pkcs7_issuer_serial_rsa_sha256),
		cmocka_unit_test(pkcs7_keyid_rsa_sha512),
		cmocka_unit_test(pkcs7_keyid_ecdsa_sha384),
		cmocka_unit_test(pkcs7_issuer_serial_ecdsa),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
