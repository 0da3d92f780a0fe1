// SPDX-License-Identifier: LGPL-2.1-or-later
/* Signature verification against the trust store, on generated modules
 * signed with throwaway keys: every key type and hash, both ways of naming
 * the signer, certificates as PEM and DER in both trust-store directories,
 * and every way a signature or a store can be wrong. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include <lzma.h>
#include <zstd.h>

#include "cms_signer.h"
#include "elf_builder.h"
#include "pmod.h"

static const char modinfo[] = "license=GPL\0name=fixture\0vermagic=9.9.9 SMP \0";

static char root[64];
static char logbuf[8192];

/* Keys whose certificates are in the store, and one that is not. */
static struct fixture_key *rsa2048, *rsa4096, *p256, *p384, *stranger, *twin, *bonus;

static void on_log(void *data, int priority, const char *message)
{
	(void)data;
	size_t used = strlen(logbuf), len = strlen(message);

	/* Keep the latest messages: each context logs the store again. */
	if (used + len + 2 > sizeof(logbuf))
		used = 0;
	if (priority <= LOG_WARNING && len + 2 <= sizeof(logbuf)) {
		memcpy(logbuf + used, message, len);
		strcpy(logbuf + used + len, "\n");
	}
}

static void write_file(const char *rel, const void *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void write_cert(const struct fixture_key *k, bool pem, const char *rel)
{
	uint8_t *der;
	size_t len;

	assert_int_equal(fixture_key_cert(k, pem, &der, &len), 0);
	write_file(rel, der, len);
	free(der);
}

static void mkdir_root(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int group_setup(void **state)
{
	struct fixture_key *ed;
	uint8_t *a, *b;
	size_t alen, blen;
	char path[256];
	int fd;

	strcpy(root, "/tmp/pmod-verify-XXXXXX");
	if (mkdtemp(root) == NULL)
		return -1;
	mkdir_root("/usr");
	mkdir_root("/usr/lib");
	mkdir_root("/usr/lib/pmod");
	mkdir_root("/usr/lib/pmod/keys");
	mkdir_root("/etc");
	mkdir_root("/etc/pmod");
	mkdir_root("/etc/pmod/keys");

	rsa2048 = fixture_key_new(FIXTURE_RSA2048, "pmod test RSA-2048", "00C0FFEE0123456789ABCDEF");
	rsa4096 = fixture_key_new(FIXTURE_RSA4096, "pmod test RSA-4096", "1001");
	p256 = fixture_key_new(FIXTURE_P256, "pmod test P-256", "2002");
	p384 = fixture_key_new(FIXTURE_P384, "pmod test P-384", "3003");
	stranger = fixture_key_new(FIXTURE_RSA2048, "pmod test stranger", "4004");
	/* Same issuer and serial as rsa2048, another key: both certificates
	 * match the signer, only one verifies. */
	twin = fixture_key_new(FIXTURE_RSA2048, "pmod test RSA-2048", "00C0FFEE0123456789ABCDEF");
	ed = fixture_key_new(FIXTURE_ED25519, "pmod test Ed25519", "5005");
	bonus = fixture_key_new(FIXTURE_P256, "pmod test bonus", "6006");
	if (!rsa2048 || !rsa4096 || !p256 || !p384 || !stranger || !twin || !ed || !bonus)
		return -1;

	/* Both directories, both encodings. The twin sorts first, so the
	 * right certificate is the second candidate. */
	write_cert(twin, true, "/usr/lib/pmod/keys/00-twin.pem");
	write_cert(rsa2048, true, "/usr/lib/pmod/keys/rsa2048.pem");
	write_cert(p256, false, "/usr/lib/pmod/keys/p256.der");
	write_cert(rsa4096, false, "/etc/pmod/keys/rsa4096.der");
	write_cert(p384, true, "/etc/pmod/keys/p384.crt");

	/* Hostile files: each skipped with a warning naming it. */
	write_file("/etc/pmod/keys/empty", "", 0);
	write_file("/etc/pmod/keys/garbage.der", "\x30\x82\xff\xff garbage", 12);
	write_file("/etc/pmod/keys/garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 60);
	mkdir_root("/etc/pmod/keys/a-directory");
	snprintf(path, sizeof(path), "%s/etc/pmod/keys/fifo", root);
	assert_int_equal(mkfifo(path, 0644), 0);
	snprintf(path, sizeof(path), "%s/etc/pmod/keys/huge", root);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 2 << 20), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/etc/pmod/keys/dangling", root);
	assert_int_equal(symlink("/nonexistent/pmod-cert", path), 0);
	write_cert(ed, true, "/etc/pmod/keys/ed25519.pem");
	write_file("/etc/pmod/keys/.hidden", "not even looked at", 18);
	/* Two certificates in one file: the first counts, with a warning. */
	assert_int_equal(fixture_key_cert(bonus, true, &a, &alen), 0);
	assert_int_equal(fixture_key_cert(p256, true, &b, &blen), 0);
	a = realloc(a, alen + blen);
	memcpy(a + alen, b, blen);
	write_file("/etc/pmod/keys/two.pem", a, alen + blen);
	free(a);
	free(b);
	fixture_key_free(ed);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];

	fixture_key_free(rsa2048);
	fixture_key_free(rsa4096);
	fixture_key_free(p256);
	fixture_key_free(p384);
	fixture_key_free(stranger);
	fixture_key_free(twin);
	fixture_key_free(bonus);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct pmod_ctx *new_ctx(const char *ctx_root)
{
	struct pmod_ctx_options o = { .size = sizeof(o), .root = ctx_root, .kernel_release = "9.9.9" };
	struct pmod_ctx *ctx;

	assert_int_equal(pmod_ctx_new(&o, &ctx), 0);
	pmod_ctx_set_log_fn(ctx, on_log, NULL);
	pmod_ctx_set_log_priority(ctx, LOG_WARNING);
	return ctx;
}

static void unsigned_module(uint8_t **bytes, size_t *len)
{
	struct fixture_spec spec = {
		.is64 = true, .modinfo = modinfo, .modinfo_len = sizeof(modinfo),
	};

	assert_int_equal(fixture_build(&spec, bytes, len), 0);
}

static void signed_module(const struct fixture_key *k, const char *md, unsigned flags,
			  uint8_t **bytes, size_t *len, struct fixture_signed *fs)
{
	unsigned_module(bytes, len);
	assert_int_equal(fixture_key_sign(k, *bytes, *len, md, flags, fs), 0);
	assert_int_equal(fixture_append_pkcs7(bytes, len, fs->der, fs->der_len), 0);
}

static int verify_memory(struct pmod_ctx *ctx, const uint8_t *bytes, size_t len,
			 struct pmod_verify_result *res)
{
	struct pmod_image *img;
	struct pmod_error err;
	int r;

	assert_int_equal(pmod_image_new_from_memory(ctx, bytes, len, &img, &err), 0);
	r = pmod_image_verify(img, res, &err);
	pmod_image_free(img);
	return r;
}

static void expect_verdict(const struct fixture_key *k, const char *md, unsigned flags,
			   enum pmod_verdict want, const char *cert_file, bool weak)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;

	signed_module(k, md, flags, &bytes, &len, &fs);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	if (res.verdict != want)
		fail_msg("%s, not %s: %s", pmod_verdict_name(res.verdict), pmod_verdict_name(want),
			 res.reason);
	assert_string_equal(res.signer.hash_algo, md);
	assert_int_equal(res.signer.weak_hash, weak);
	if (flags & FIXTURE_SIGN_KEYID) {
		assert_int_equal(res.signer.key_id_kind, PMOD_KEY_ID_SUBJECT_KEY_ID);
		assert_int_equal(res.signer.key_id_len, fs.skid_len);
		assert_memory_equal(res.signer.key_id, fs.skid, fs.skid_len);
	} else {
		assert_int_equal(res.signer.key_id_kind, PMOD_KEY_ID_ISSUER_SERIAL);
		assert_int_equal(res.signer.key_id_len, fs.serial_len);
		assert_memory_equal(res.signer.key_id, fs.serial, fs.serial_len);
	}
	if (cert_file != NULL) {
		assert_non_null(res.certificate);
		assert_non_null(strstr(res.certificate, cert_file));
		/* Named by SKID, the name comes from the certificate. */
		assert_non_null(strstr(res.signer.name, "pmod test"));
	} else {
		assert_null(res.certificate);
	}
	fixture_signed_free(&fs);
	free(bytes);
	pmod_ctx_free(ctx);
}

/* ---------------------------------------------------------------- valid */

static void rsa2048_sha256_pem_in_distribution_dir(void **state)
{
	expect_verdict(rsa2048, "sha256", 0, PMOD_VERDICT_VALID, "/usr/lib/pmod/keys/rsa2048.pem",
		       false);
}

static void rsa4096_sha512_der_in_admin_dir(void **state)
{
	expect_verdict(rsa4096, "sha512", 0, PMOD_VERDICT_VALID, "/etc/pmod/keys/rsa4096.der",
		       false);
}

static void rsa4096_sha384_by_skid(void **state)
{
	expect_verdict(rsa4096, "sha384", FIXTURE_SIGN_KEYID, PMOD_VERDICT_VALID,
		       "/etc/pmod/keys/rsa4096.der", false);
}

static void p256_sha256_der(void **state)
{
	expect_verdict(p256, "sha256", 0, PMOD_VERDICT_VALID, "/usr/lib/pmod/keys/p256.der", false);
}

static void p256_sha512_by_skid(void **state)
{
	expect_verdict(p256, "sha512", FIXTURE_SIGN_KEYID, PMOD_VERDICT_VALID,
		       "/usr/lib/pmod/keys/p256.der", false);
}

static void p384_sha384_pem(void **state)
{
	expect_verdict(p384, "sha384", 0, PMOD_VERDICT_VALID, "/etc/pmod/keys/p384.crt", false);
}

static void sha1_is_valid_but_weak(void **state)
{
	expect_verdict(rsa2048, "sha1", 0, PMOD_VERDICT_VALID, "rsa2048.pem", true);
}

/* Every hash weaker than sha256 verifies and is reported weak (the
 * signing gate refuses it under enforce), with either signer form, RSA or
 * ECDSA, fast path or CMS_verify (signed attributes); the strong ones are
 * not weak. */
static void hashes_weaker_than_sha256_are_weak(void **state)
{
	static const char *const weak[] = { "md5", "sha1", "sha224" };

	for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		expect_verdict(rsa2048, weak[i], 0, PMOD_VERDICT_VALID, "rsa2048.pem", true);
		expect_verdict(rsa4096, weak[i], FIXTURE_SIGN_KEYID, PMOD_VERDICT_VALID,
			       "rsa4096.der", true);
		expect_verdict(rsa2048, weak[i], FIXTURE_SIGN_ATTRS, PMOD_VERDICT_VALID,
			       "rsa2048.pem", true);
		if (strcmp(weak[i], "md5") != 0)	/* ECDSA has no md5 */
			expect_verdict(p256, weak[i], FIXTURE_SIGN_KEYID, PMOD_VERDICT_VALID,
				       "p256.der", true);
	}
	expect_verdict(rsa2048, "sha256", FIXTURE_SIGN_KEYID, PMOD_VERDICT_VALID, "rsa2048.pem",
		       false);
	expect_verdict(p384, "sha384", 0, PMOD_VERDICT_VALID, "p384.crt", false);
	expect_verdict(rsa4096, "sha512", FIXTURE_SIGN_ATTRS, PMOD_VERDICT_VALID, "rsa4096.der",
		       false);
}

/* A signature algorithm naming sha1 (sha1WithRSAEncryption) over a sha256
 * digest: OpenSSL verifies it with the digest, and it is reported weak,
 * naming sha1. The same algorithm over a sha1 digest is weak too. */
static void sha1_signature_algorithm_is_weak(void **state)
{
	static const char *const mds[] = { "sha256", "sha1" };

	for (size_t i = 0; i < 2; i++) {
		struct pmod_ctx *ctx = new_ctx(root);
		struct pmod_verify_result res;
		struct fixture_signed fs;
		uint8_t *bytes;
		size_t len;

		signed_module(rsa2048, mds[i], FIXTURE_SIGN_SIGALG_SHA1_RSA, &bytes, &len, &fs);
		assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
		if (res.verdict != PMOD_VERDICT_VALID)
			fail_msg("%s: %s", pmod_verdict_name(res.verdict), res.reason);
		assert_true(res.signer.weak_hash);
		assert_string_equal(res.signer.hash_algo, "sha1");
		fixture_signed_free(&fs);
		free(bytes);
		pmod_ctx_free(ctx);
	}
}

/* Signed attributes: the signature covers their DER, and messageDigest
 * must be the module's digest (OpenSSL's CMS_verify checks both). */
static void signed_attributes(void **state)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;

	expect_verdict(rsa2048, "sha256", FIXTURE_SIGN_ATTRS, PMOD_VERDICT_VALID, "rsa2048.pem",
		       false);
	expect_verdict(p384, "sha384", FIXTURE_SIGN_ATTRS | FIXTURE_SIGN_KEYID, PMOD_VERDICT_VALID,
		       "p384.crt", false);
	/* A changed body no longer matches messageDigest. */
	signed_module(rsa2048, "sha256", FIXTURE_SIGN_ATTRS, &bytes, &len, &fs);
	bytes[100] ^= 1;
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_BAD_SIGNATURE);
	fixture_signed_free(&fs);
	free(bytes);
	pmod_ctx_free(ctx);
}

/* What modinfo shows and what verification reports about the signer come
 * from one decoder: the same kind, key id, hash and weakness, and the
 * same name unless the signer is named by subjectKeyIdentifier (the
 * signature then names nobody, and the verdict names the certificate). */
static void signature_and_verdict_agree(const struct fixture_key *k, const char *md,
					unsigned flags, const char *cert_cn)
{
	struct pmod_ctx *ctx = new_ctx(root);
	const struct pmod_signature *sig;
	struct pmod_verify_result res;
	struct fixture_signed fs;
	struct pmod_image *img;
	struct pmod_error err;
	uint8_t *bytes;
	size_t len;

	signed_module(k, md, flags, &bytes, &len, &fs);
	assert_int_equal(pmod_image_new_from_memory(ctx, bytes, len, &img, &err), 0);
	assert_int_equal(pmod_image_signature(img, &sig, &err), 0);
	assert_int_equal(pmod_image_verify(img, &res, &err), 0);
	assert_int_equal(sig->signer.key_id_kind, res.signer.key_id_kind);
	assert_int_equal(sig->signer.key_id_len, res.signer.key_id_len);
	assert_memory_equal(sig->signer.key_id, res.signer.key_id, res.signer.key_id_len);
	assert_string_equal(sig->signer.hash_algo, md);
	assert_string_equal(res.signer.hash_algo, md);
	assert_int_equal(sig->signer.weak_hash, res.signer.weak_hash);
	assert_int_equal(sig->signer.weak_hash, strcmp(md, "sha1") == 0 ||
						strcmp(md, "md5") == 0 || strcmp(md, "sha224") == 0);
	if (flags & FIXTURE_SIGN_KEYID) {
		assert_int_equal(sig->signer.name_len, 0);
		assert_string_equal(sig->signer.name, "");
		assert_string_equal(res.signer.name, cert_cn);
	} else {
		assert_int_equal(sig->signer.name_len, res.signer.name_len);
		assert_string_equal(sig->signer.name, res.signer.name);
		assert_string_equal(res.signer.name, cert_cn);
	}
	pmod_image_free(img);
	fixture_signed_free(&fs);
	free(bytes);
	pmod_ctx_free(ctx);
}

static void one_signer_decoder(void **state)
{
	signature_and_verdict_agree(rsa2048, "sha256", 0, "pmod test RSA-2048");
	signature_and_verdict_agree(rsa2048, "sha1", 0, "pmod test RSA-2048");
	signature_and_verdict_agree(rsa2048, "md5", FIXTURE_SIGN_KEYID, "pmod test RSA-2048");
	signature_and_verdict_agree(p256, "sha224", 0, "pmod test P-256");
	signature_and_verdict_agree(p384, "sha384", FIXTURE_SIGN_KEYID, "pmod test P-384");
	/* Untrusted: the facts are still the signature's. */
	signature_and_verdict_agree(stranger, "sha512", 0, "pmod test stranger");
}

/* ---------------------------------------------------------------- not valid */

static void stranger_is_untrusted(void **state)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;

	expect_verdict(stranger, "sha256", 0, PMOD_VERDICT_UNTRUSTED, NULL, false);
	expect_verdict(stranger, "sha256", FIXTURE_SIGN_KEYID, PMOD_VERDICT_UNTRUSTED, NULL, false);
	signed_module(stranger, "sha256", 0, &bytes, &len, &fs);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_string_equal(res.signer.name, "pmod test stranger");
	assert_int_equal(res.signer.name_len, strlen("pmod test stranger"));
	fixture_signed_free(&fs);
	free(bytes);
	pmod_ctx_free(ctx);
}

static void empty_store_is_untrusted(void **state)
{
	struct pmod_ctx *ctx = new_ctx("/nonexistent-pmod-root");
	struct pmod_verify_result res;
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;

	signed_module(rsa2048, "sha256", 0, &bytes, &len, &fs);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_UNTRUSTED);
	assert_string_equal(res.signer.name, "pmod test RSA-2048");
	fixture_signed_free(&fs);
	free(bytes);
	pmod_ctx_free(ctx);
}

static void unsigned_module_is_unsigned(void **state)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	uint8_t *bytes;
	size_t len;

	unsigned_module(&bytes, &len);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_UNSIGNED);
	assert_string_equal(pmod_verdict_name(res.verdict), "unsigned");
	free(bytes);
	pmod_ctx_free(ctx);
}

static void tampered(size_t (*where)(const struct fixture_signed *fs, size_t len),
		     enum pmod_verdict want)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;

	/* Every key type: the fast path's key operation must reject it. */
	const struct fixture_key *keys[] = { rsa2048, rsa4096, p256, p384 };

	for (size_t i = 0; i < 4; i++) {
		signed_module(keys[i], "sha256", 0, &bytes, &len, &fs);
		bytes[where(&fs, len)] ^= 0x40;
		assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
		assert_string_equal(pmod_verdict_name(res.verdict), pmod_verdict_name(want));
		if (want == PMOD_VERDICT_BAD_SIGNATURE) {
			assert_non_null(res.certificate);
			assert_true(res.reason[0] != '\0');
		}
		fixture_signed_free(&fs);
		free(bytes);
	}
	pmod_ctx_free(ctx);
}

static size_t body_byte(const struct fixture_signed *fs, size_t len)
{
	return 70;
}

/* The last byte of the signature value (it ends the PKCS#7 blob). */
static size_t signature_byte(const struct fixture_signed *fs, size_t len)
{
	return len - 40 - 1;
}

static void tampered_body_is_bad_signature(void **state)
{
	tampered(body_byte, PMOD_VERDICT_BAD_SIGNATURE);
}

static void tampered_signature_is_bad_signature(void **state)
{
	tampered(signature_byte, PMOD_VERDICT_BAD_SIGNATURE);
}

/* The twin (same issuer and serial, other key) sorts first: the verifier
 * must try the second candidate too. */
static void second_candidate_certificate(void **state)
{
	expect_verdict(rsa2048, "sha512", 0, PMOD_VERDICT_VALID, "rsa2048.pem", false);
}

static void expect_malformed(const uint8_t *der, size_t der_len)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	uint8_t *bytes;
	size_t len;

	unsigned_module(&bytes, &len);
	assert_int_equal(fixture_append_pkcs7(&bytes, &len, der, der_len), 0);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_string_equal(pmod_verdict_name(res.verdict), "malformed");
	assert_true(res.reason[0] != '\0');
	free(bytes);
	pmod_ctx_free(ctx);
}

static void truncated_pkcs7_is_malformed(void **state)
{
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;

	signed_module(rsa2048, "sha256", 0, &bytes, &len, &fs);
	expect_malformed(fs.der, fs.der_len / 2);
	expect_malformed(fs.der, fs.der_len - 1);
	fixture_signed_free(&fs);
	free(bytes);
}

static void garbage_pkcs7_is_malformed(void **state)
{
	static const uint8_t garbage[] = "this is not DER at all, not even close";
	struct fixture_signed fs;
	uint8_t *bytes, *longer;
	size_t len;

	expect_malformed(garbage, sizeof(garbage));
	/* Valid DER with bytes after it. */
	signed_module(rsa2048, "sha256", 0, &bytes, &len, &fs);
	longer = malloc(fs.der_len + 3);
	memcpy(longer, fs.der, fs.der_len);
	memcpy(longer + fs.der_len, "xyz", 3);
	expect_malformed(longer, fs.der_len + 3);
	free(longer);
	fixture_signed_free(&fs);
	free(bytes);
}

static void bad_trailers_are_malformed(void **state)
{
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result res;
	uint8_t *bytes;
	size_t len;

	/* A sig_len larger than the file. */
	unsigned_module(&bytes, &len);
	assert_int_equal(fixture_append_pkcs7(&bytes, &len, (const uint8_t *)"x", 1), 0);
	bytes[len - 28 - 4] = 0x7f;
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_MALFORMED);
	free(bytes);
	/* A legacy (X.509 id type) trailer cannot be verified. */
	unsigned_module(&bytes, &len);
	assert_int_equal(fixture_append_raw_signature(&bytes, &len, 1, 4, "signer",
						      (const uint8_t *)"\1\2", 2,
						      (const uint8_t *)"sig", 3), 0);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_MALFORMED);
	assert_non_null(strstr(res.reason, "legacy"));
	free(bytes);
	pmod_ctx_free(ctx);
}

/* ---------------------------------------------------------------- store */

static void hostile_store_files_are_named(void **state)
{
	struct pmod_ctx *ctx;
	struct pmod_verify_result res;
	struct fixture_signed fs;
	uint8_t *bytes;
	size_t len;
	static const char *const named[] = {
		"keys/empty:", "keys/garbage.der:", "keys/garbage.pem:", "keys/a-directory:",
		"keys/fifo:", "keys/huge:", "keys/dangling:", "keys/ed25519.pem:", "keys/two.pem:",
	};

	logbuf[0] = '\0';
	ctx = new_ctx(root);
	signed_module(p384, "sha512", 0, &bytes, &len, &fs);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_VALID);
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strstr(logbuf, named[i]) == NULL)
			fail_msg("no warning names %s in:\n%s", named[i], logbuf);
	}
	assert_null(strstr(logbuf, ".hidden"));
	assert_non_null(strstr(logbuf, "Ed25519"));
	/* The bonus certificate came first in two.pem: it is trusted. */
	fixture_signed_free(&fs);
	free(bytes);
	signed_module(bonus, "sha256", 0, &bytes, &len, &fs);
	assert_int_equal(verify_memory(ctx, bytes, len, &res), 0);
	assert_int_equal(res.verdict, PMOD_VERDICT_VALID);
	assert_non_null(strstr(res.certificate, "two.pem"));
	fixture_signed_free(&fs);
	free(bytes);
	pmod_ctx_free(ctx);
}

/* ---------------------------------------------------------------- files */

static void write_module(const char *name, const uint8_t *bytes, size_t len, char *path,
			 size_t size)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "/%s", name);
	write_file(rel, bytes, len);
	snprintf(path, size, "%s/%s", root, name);
}

static void compress_zstd(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(n);

	*out = malloc(cap);
	*out_len = ZSTD_compress(*out, cap, in, n, 3);
	assert_false(ZSTD_isError(*out_len));
}

static void compress_xz(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len)
{
	size_t cap = lzma_stream_buffer_bound(n);

	*out = malloc(cap);
	*out_len = 0;
	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC32, NULL, in, n, *out,
						 out_len, cap), LZMA_OK);
}

/* Many files through the threads and their memos: the same key over and
 * over (memo hits), a tampered one in the middle (a hit that must fail),
 * compressed ones (verified after decompression), and files that are no
 * modules. */
static void verify_files_batch(void **state)
{
	enum { N = 40 };
	struct pmod_ctx *ctx = new_ctx(root);
	struct pmod_verify_result *res = calloc(N + 6, sizeof(*res));
	const char *paths[N + 6];
	char names[N + 6][256];
	struct fixture_signed fs;
	struct pmod_error err;
	uint8_t *bytes, *z;
	size_t len, zlen;
	unsigned jobs;

	for (size_t i = 0; i < N; i++) {
		char name[32];

		signed_module(i % 3 == 2 ? p256 : rsa4096, "sha256", 0, &bytes, &len, &fs);
		if (i == 17)
			bytes[80] ^= 1;
		snprintf(name, sizeof(name), "m%02zu.ko", i);
		write_module(name, bytes, len, names[i], sizeof(names[i]));
		fixture_signed_free(&fs);
		free(bytes);
	}
	signed_module(p384, "sha384", FIXTURE_SIGN_KEYID, &bytes, &len, &fs);
	compress_zstd(bytes, len, &z, &zlen);
	write_module("c.ko.zst", z, zlen, names[N], sizeof(names[N]));
	free(z);
	compress_xz(bytes, len, &z, &zlen);
	write_module("c.ko.xz", z, zlen, names[N + 1], sizeof(names[N + 1]));
	free(z);
	/* Compressed, with a byte of the module changed before compression. */
	bytes[90] ^= 1;
	compress_zstd(bytes, len, &z, &zlen);
	write_module("bad.ko.zst", z, zlen, names[N + 2], sizeof(names[N + 2]));
	free(z);
	fixture_signed_free(&fs);
	free(bytes);
	write_module("text.ko", (const uint8_t *)"hello\n", 6, names[N + 3], sizeof(names[N + 3]));
	snprintf(names[N + 4], sizeof(names[N + 4]), "%s/missing.ko", root);
	unsigned_module(&bytes, &len);
	write_module("plain.ko", bytes, len, names[N + 5], sizeof(names[N + 5]));
	free(bytes);
	for (size_t i = 0; i < N + 6; i++)
		paths[i] = names[i];

	for (jobs = 1; jobs <= 3; jobs++) {
		memset(res, 0xa5, (N + 6) * sizeof(*res));
		assert_int_equal(pmod_verify_files(ctx, paths, N + 6, jobs, res, &err), 0);
		for (size_t i = 0; i < N; i++) {
			assert_int_equal(res[i].error, 0);
			assert_int_equal(res[i].verdict, i == 17 ? PMOD_VERDICT_BAD_SIGNATURE
								  : PMOD_VERDICT_VALID);
			assert_string_equal(res[i].signer.name, i % 3 == 2 ? "pmod test P-256"
								      : "pmod test RSA-4096");
		}
		assert_int_equal(res[N].verdict, PMOD_VERDICT_VALID);
		assert_int_equal(res[N].signer.key_id_kind, PMOD_KEY_ID_SUBJECT_KEY_ID);
		assert_string_equal(res[N].signer.name, "pmod test P-384");
		assert_int_equal(res[N + 1].verdict, PMOD_VERDICT_VALID);
		assert_int_equal(res[N + 2].error, 0);
		assert_int_equal(res[N + 2].verdict, PMOD_VERDICT_BAD_SIGNATURE);
		assert_int_equal(res[N + 3].error, -ENOEXEC);
		assert_int_equal(res[N + 4].error, -ENOENT);
		assert_int_equal(res[N + 5].error, 0);
		assert_int_equal(res[N + 5].verdict, PMOD_VERDICT_UNSIGNED);
	}
	free(res);
	pmod_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsa2048_sha256_pem_in_distribution_dir),
		cmocka_unit_test(rsa4096_sha512_der_in_admin_dir),
		cmocka_unit_test(rsa4096_sha384_by_skid),
		cmocka_unit_test(p256_sha256_der),
		cmocka_unit_test(p256_sha512_by_skid),
		cmocka_unit_test(p384_sha384_pem),
		cmocka_unit_test(sha1_is_valid_but_weak),
		cmocka_unit_test(hashes_weaker_than_sha256_are_weak),
		cmocka_unit_test(sha1_signature_algorithm_is_weak),
		cmocka_unit_test(signed_attributes),
		cmocka_unit_test(one_signer_decoder),
		cmocka_unit_test(stranger_is_untrusted),
		cmocka_unit_test(empty_store_is_untrusted),
		cmocka_unit_test(unsigned_module_is_unsigned),
		cmocka_unit_test(tampered_body_is_bad_signature),
		cmocka_unit_test(tampered_signature_is_bad_signature),
		cmocka_unit_test(second_candidate_certificate),
		cmocka_unit_test(truncated_pkcs7_is_malformed),
		cmocka_unit_test(garbage_pkcs7_is_malformed),
		cmocka_unit_test(bad_trailers_are_malformed),
		cmocka_unit_test(hostile_store_files_are_named),
		cmocka_unit_test(verify_files_batch),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
