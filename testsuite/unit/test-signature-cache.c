// SPDX-License-Identifier: LGPL-2.1-or-later
/* The per-context memo of the last decoded PKCS#7 signer: a blob that
 * differs only in its signature value reuses it; anything else is decoded
 * afresh; fields stay valid for each image's lifetime. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cms_signer.h"
#include "context.h"
#include "elf_builder.h"
#include "pmod.h"
#include "signature_cache.h"

static const char modinfo[] = "license=GPL\0name=cachetest\0";

struct signed_module {
	uint8_t *bytes;
	size_t len;
	struct fixture_signed fs;
};

static void make(struct signed_module *m, const char *cn, bool by_keyid)
{
	struct fixture_spec spec = { .is64 = true, .modinfo = modinfo,
				     .modinfo_len = sizeof(modinfo) };

	assert_int_equal(fixture_build(&spec, &m->bytes, &m->len), 0);
	assert_int_equal(fixture_cms_sign(m->bytes, m->len, "sha256", false, by_keyid, cn, &m->fs), 0);
	fixture_append_pkcs7(&m->bytes, &m->len, m->fs.der, m->fs.der_len);
}

static void release(struct signed_module *m)
{
	fixture_signed_free(&m->fs);
	free(m->bytes);
}

static const struct pmod_signature *sig_of(struct pmod_ctx *ctx, struct signed_module *m,
					   struct pmod_image **img)
{
	const struct pmod_signature *sig;
	struct pmod_error err;

	assert_int_equal(pmod_image_new_from_memory(ctx, m->bytes, m->len, img, &err), 0);
	assert_int_equal(pmod_image_signature(*img, &sig, &err), 0);
	return sig;
}

static void expect(const struct pmod_signature *sig, const struct signed_module *m, const char *cn)
{
	assert_int_equal(sig->sig_len, m->fs.sig_len);
	assert_memory_equal(sig->sig, m->fs.sig, m->fs.sig_len);
	assert_int_equal(sig->signer.name_len, strlen(cn));
	assert_string_equal(sig->signer.name, cn);
	assert_int_equal(sig->signer.key_id_len, m->fs.serial_len);
	assert_memory_equal(sig->signer.key_id, m->fs.serial, m->fs.serial_len);
	assert_string_equal(sig->signer.hash_algo, "sha256");
}

static void same_signer_other_value_and_other_signer(void **state)
{
	struct signed_module a, b, c;
	struct pmod_image *ia, *ib, *ic;
	const struct pmod_signature *sa, *sb, *sc;
	struct pmod_ctx *ctx;

	assert_int_equal(pmod_ctx_new(NULL, &ctx), 0);
	/* a and b: same issuer and serial, different keys, so different
	 * signature values; c: an issuer name of the same length. */
	make(&a, "pmod unit key", false);
	make(&b, "pmod unit key", false);
	make(&c, "pmod unit kex", false);
	assert_int_equal(a.fs.der_len, b.fs.der_len);
	assert_int_equal(a.fs.der_len, c.fs.der_len);
	assert_memory_not_equal(a.fs.sig, b.fs.sig, a.fs.sig_len);

	sa = sig_of(ctx, &a, &ia);
	expect(sa, &a, "pmod unit key");
	assert_non_null(ctx_trust(ctx)->signature_cache);	/* a was remembered */
	sb = sig_of(ctx, &b, &ib);		/* answered from the memo */
	expect(sb, &b, "pmod unit key");
	sc = sig_of(ctx, &c, &ic);		/* prefix differs: decoded again */
	expect(sc, &c, "pmod unit kex");
	/* Every image's fields outlive the memo they may have come from. */
	expect(sa, &a, "pmod unit key");
	expect(sb, &b, "pmod unit key");
	pmod_image_free(ia);
	pmod_image_free(ib);
	pmod_image_free(ic);
	release(&a);
	release(&b);
	release(&c);
	pmod_ctx_free(ctx);
}

static void lookup_rules(void **state)
{
	struct signed_module a, b, k;
	struct signature_cache *cache = NULL;
	struct pmod_signer f = { .name = "x", .name_len = 1, .key_id = "k", .key_id_len = 1,
				 .hash_algo = "sha256" }, out;
	size_t sig_len;

	make(&a, "pmod unit key", false);
	make(&b, "pmod unit key", false);
	make(&k, "pmod unit key", true);

	/* Refused unless the caller vouches for the structure. */
	signature_cache_store(&cache, a.fs.der, a.fs.der_len, false, &f, a.fs.sig, a.fs.sig_len);
	assert_null(cache);
	/* Refused when the value is not the blob's tail. */
	signature_cache_store(&cache, a.fs.der, a.fs.der_len, true, &f, b.fs.sig, b.fs.sig_len);
	assert_null(cache);
	signature_cache_store(&cache, a.fs.der, a.fs.der_len - 1, true, &f, a.fs.sig,
			      a.fs.sig_len);
	assert_null(cache);

	signature_cache_store(&cache, a.fs.der, a.fs.der_len, true, &f, a.fs.sig, a.fs.sig_len);
	assert_non_null(cache);
	assert_true(signature_cache_lookup(cache, b.fs.der, b.fs.der_len, &out, &sig_len));
	assert_int_equal(sig_len, a.fs.sig_len);
	assert_string_equal(out.name, "x");
	assert_int_equal(out.key_id_len, 1);
	assert_string_equal(out.hash_algo, "sha256");
	/* Different length, or one changed structure byte: no hit. */
	assert_false(signature_cache_lookup(cache, k.fs.der, k.fs.der_len, &out, &sig_len));
	assert_false(signature_cache_lookup(cache, b.fs.der, b.fs.der_len - 1, &out, &sig_len));
	b.fs.der[10] ^= 1;
	assert_false(signature_cache_lookup(cache, b.fs.der, b.fs.der_len, &out, &sig_len));
	signature_cache_free(cache);
	release(&a);
	release(&b);
	release(&k);
}

static void keyid_signers_memoised_too(void **state)
{
	struct signed_module a, b;
	struct pmod_image *ia, *ib;
	const struct pmod_signature *sa, *sb;
	struct pmod_ctx *ctx;

	assert_int_equal(pmod_ctx_new(NULL, &ctx), 0);
	make(&a, "pmod unit key", true);
	make(&b, "pmod unit key", true);
	sa = sig_of(ctx, &a, &ia);
	sb = sig_of(ctx, &b, &ib);
	/* Different keys: different subjectKeyIdentifiers, so no memo hit
	 * may hand a's key id to b. */
	assert_int_equal(sa->signer.key_id_kind, PMOD_KEY_ID_SUBJECT_KEY_ID);
	assert_int_equal(sb->signer.key_id_kind, PMOD_KEY_ID_SUBJECT_KEY_ID);
	assert_memory_equal(sa->signer.key_id, a.fs.skid, a.fs.skid_len);
	assert_memory_equal(sb->signer.key_id, b.fs.skid, b.fs.skid_len);
	assert_memory_equal(sb->sig, b.fs.sig, b.fs.sig_len);
	pmod_image_free(ia);
	pmod_image_free(ib);
	release(&a);
	release(&b);
	pmod_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_signer_other_value_and_other_signer),
		cmocka_unit_test(lookup_rules),
		cmocka_unit_test(keyid_signers_memoised_too),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
