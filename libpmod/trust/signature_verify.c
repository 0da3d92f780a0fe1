// SPDX-License-Identifier: LGPL-2.1-or-later
/* Module signature verification against the trust store. The signed
 * bytes are the module up to its PKCS#7 blob, decompressed. Linux's
 * sign-file writes CMS without signed attributes, so the signature value
 * is the signer's key operation over the digest of those bytes: the
 * common case is one EVP_Digest pass and one EVP_PKEY_verify with a
 * context prepared once per signer (the fast path). Anything else (signed
 * attributes, RSA-PSS, several signers, an unusual algorithm pairing)
 * goes through OpenSSL's own CMS_verify with the matching certificates,
 * which checks the messageDigest attribute and the signature over the
 * attributes' DER. Nothing here is hand-written crypto. Who signed is
 * read by pkcs7_signer.h, the same reading modinfo shows. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "growable_array.h"
#include "module_image.h"
#include "pkcs7_signer.h"
#include "signature_cache.h"
#include "signature_trailer.h"
#include "signature_verify.h"

/* File bytes go to the hash in pieces this big: they stay in the CPU's
 * cache between read() and the hash. */
#define VERIFY_CHUNK ((size_t)256 << 10)

static const char *const verdict_names[] = {
	[PMOD_VERDICT_VALID] = "valid",
	[PMOD_VERDICT_UNSIGNED] = "unsigned",
	[PMOD_VERDICT_UNTRUSTED] = "untrusted",
	[PMOD_VERDICT_BAD_SIGNATURE] = "bad-signature",
	[PMOD_VERDICT_MALFORMED] = "malformed",
};

const char *pmod_verdict_name(enum pmod_verdict verdict)
{
	if ((unsigned)verdict >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "unknown";
	return verdict_names[verdict];
}

static int set_verdict(struct pmod_verify_result *res, enum pmod_verdict verdict,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_verdict(struct pmod_verify_result *res, enum pmod_verdict verdict,
		       const char *fmt, ...)
{
	va_list ap;

	res->verdict = verdict;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* ---------------------------------------------------------------- state */

void verifier_init(struct verifier *v, struct trust_context *trust)
{
	memset(v, 0, sizeof(*v));
	v->trust = trust;
}

static void memo_clear(struct verifier *v)
{
	struct verify_memo *m = &v->memo;

	if (v->c != NULL) {
		for (size_t i = 0; i < m->ncand; i++)
			v->c->EVP_PKEY_CTX_free(m->cand[i].pctx);
		v->c->EVP_MD_free(m->md);
	}
	m->ncand = 0;
	m->md = NULL;
	m->valid = false;
}

void verifier_release(struct verifier *v)
{
	memo_clear(v);
	if (v->c != NULL)
		v->c->EVP_MD_CTX_free(v->md_ctx);
	free(v->memo.prefix);
	free(v->blob_buf);
	free(v->chunk);
	free(v->whole);
	memset(v, 0, sizeof(*v));
}

/* libcrypto, the trust store and a digest context: on the first PKCS#7. */
static int crypto_ready(struct verifier *v, struct pmod_error *err)
{
	const struct lazy_crypto *c;
	int r;

	if (v->c != NULL)
		return 0;
	c = lazy_crypto(err);
	if (c == NULL)
		return -ELIBACC;
	r = trust_store_get(v->trust, c, &v->store, err);
	if (r < 0)
		return r;
	v->md_ctx = c->EVP_MD_CTX_new();
	if (v->md_ctx == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	v->c = c;
	return 0;
}

/* ---------------------------------------------------------------- input */

static int pread_full(int fd, unsigned char *buf, size_t len, uint64_t off,
		      struct pmod_error *err)
{
	while (len > 0) {
		ssize_t n = pread(fd, buf, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pmod_fail(err, -errno, "cannot read the module file: %s",
					 strerror(errno));
		}
		if (n == 0)
			return pmod_fail(err, -EIO, "the module file shrank while it was read");
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int grow(unsigned char **buf, size_t *cap, size_t len, struct pmod_error *err)
{
	if (*cap >= len)
		return 0;
	if (growable_array_resize(buf, cap, len < 4096 ? 4096 : len, 1) < 0)
		return pmod_fail(err, -ENOMEM, "out of memory");
	return 0;
}

/* Bytes [off, off + len) of the input: a pointer into memory, or read
 * into *buf. */
static int input_bytes(const struct verify_input *in, uint64_t off, size_t len,
		       unsigned char **buf, size_t *cap, const unsigned char **out,
		       struct pmod_error *err)
{
	int r;

	if (in->data != NULL) {
		*out = in->data + off;
		return 0;
	}
	r = grow(buf, cap, len, err);
	if (r < 0)
		return r;
	r = pread_full(in->fd, *buf, len, off, err);
	*out = *buf;
	return r;
}

/* The digest of the input's first len bytes. */
static int digest_input(struct verifier *v, const struct verify_input *in, uint64_t len,
			const EVP_MD *md, unsigned char *out, unsigned *out_len,
			struct pmod_error *err)
{
	const struct lazy_crypto *c = v->c;
	uint64_t off = 0;
	int r;

	if (c->EVP_DigestInit_ex2(v->md_ctx, md, NULL) != 1)
		goto fail;
	if (in->data != NULL) {
		if (c->EVP_DigestUpdate(v->md_ctx, in->data, len) != 1)
			goto fail;
	} else {
		if (v->chunk == NULL && (v->chunk = malloc(VERIFY_CHUNK)) == NULL)
			return pmod_fail(err, -ENOMEM, "out of memory");
		while (off < len) {
			size_t n = len - off < VERIFY_CHUNK ? (size_t)(len - off) : VERIFY_CHUNK;

			r = pread_full(in->fd, v->chunk, n, off, err);
			if (r < 0)
				return r;
			if (c->EVP_DigestUpdate(v->md_ctx, v->chunk, n) != 1)
				goto fail;
			off += n;
		}
	}
	if (c->EVP_DigestFinal_ex(v->md_ctx, out, out_len) != 1)
		goto fail;
	return 0;
fail:
	c->ERR_clear_error();
	return pmod_fail(err, -EIO, "the module's digest could not be computed");
}

/* ---------------------------------------------------------------- signer */

/* A signer named by subjectKeyIdentifier carries no name: show the
 * certificate's. */
static void name_from_cert(struct pmod_signer *f, const struct trust_cert *tc)
{
	if (f->key_id_kind != PMOD_KEY_ID_SUBJECT_KEY_ID)
		return;
	f->name_len = tc->subject_cn_len < sizeof(f->name) - 1 ? tc->subject_cn_len
								: sizeof(f->name) - 1;
	memcpy(f->name, tc->subject_cn, f->name_len);
	f->name[f->name_len] = '\0';
}

/* The signature algorithm is the plain one for this key and digest: RSA
 * PKCS#1 v1.5 (named rsaEncryption, as sign-file does, or shaNWithRSA),
 * or ECDSA with the same digest. Only then is EVP_PKEY_verify over the
 * digest what CMS verification would do. */
static bool sigalg_fits(const struct lazy_crypto *c, CMS_SignerInfo *si, int md_nid,
			int key_type)
{
	X509_ALGOR *sigalg = NULL;
	const ASN1_OBJECT *obj = NULL;
	int snid, mdn, pkn;

	c->CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sigalg);
	if (sigalg == NULL)
		return false;
	c->X509_ALGOR_get0(&obj, NULL, NULL, sigalg);
	if (obj == NULL)
		return false;
	snid = c->OBJ_obj2nid(obj);
	if (snid == NID_rsaEncryption)
		return key_type == EVP_PKEY_RSA;
	if (!c->OBJ_find_sigid_algs(snid, &mdn, &pkn) || mdn != md_nid)
		return false;
	if (key_type == EVP_PKEY_RSA)
		return pkn == NID_rsaEncryption;
	if (key_type == EVP_PKEY_EC)
		return pkn == NID_X9_62_id_ecPublicKey;
	return false;
}

/* ---------------------------------------------------------------- fast path */

static bool memo_hit(const struct verify_memo *m, const unsigned char *blob, size_t blob_len)
{
	return m->valid && m->blob_len == blob_len &&
	       memcmp(m->prefix, blob, blob_len - m->sig_len) == 0;
}

/* The verdict for a blob the memo describes: untrusted at once, else one
 * digest and one key operation per candidate certificate. */
static int memo_verdict(struct verifier *v, const struct verify_input *in,
			const unsigned char *blob, size_t blob_len, uint64_t signed_len,
			struct pmod_verify_result *res, struct pmod_error *err)
{
	const struct verify_memo *m = &v->memo;
	const struct lazy_crypto *c = v->c;
	unsigned char digest[EVP_MAX_MD_SIZE];
	const unsigned char *sig = blob + blob_len - m->sig_len;
	unsigned digest_len = 0;
	int r;

	res->signer = m->signer;
	if (m->ncand == 0)
		return set_verdict(res, PMOD_VERDICT_UNTRUSTED, NULL);
	r = digest_input(v, in, signed_len, m->md, digest, &digest_len, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->ncand; i++) {
		if (c->EVP_PKEY_verify(m->cand[i].pctx, sig, m->sig_len, digest, digest_len) == 1) {
			const struct trust_cert *tc = &v->store->certs[m->cand[i].cert];

			res->certificate = tc->path;
			name_from_cert(&res->signer, tc);
			return set_verdict(res, PMOD_VERDICT_VALID, NULL);
		}
	}
	c->ERR_clear_error();
	res->certificate = v->store->certs[m->cand[0].cert].path;
	return set_verdict(res, PMOD_VERDICT_BAD_SIGNATURE,
			   "the signature does not match the module's contents under this key");
}

/* Remember a decoded blob whose verdict is untrusted (ncand 0) or which
 * the fast path can verify. false when it cannot be prepared (then the
 * caller takes the CMS_verify path). */
static bool memo_store(struct verifier *v, const unsigned char *blob, size_t blob_len,
		       size_t sig_len, const struct pmod_signer *signer, int md_nid,
		       const size_t *cand, size_t ncand, struct pmod_error *err)
{
	const struct lazy_crypto *c = v->c;
	struct verify_memo *m = &v->memo;
	size_t prefix_len = blob_len - sig_len;

	memo_clear(v);
	if (grow(&m->prefix, &m->prefix_cap, prefix_len, err) < 0)
		return false;
	if (ncand > 0) {
		const char *name = c->OBJ_nid2sn(md_nid);

		m->md = name ? c->EVP_MD_fetch(NULL, name, NULL) : NULL;
		if (m->md == NULL)
			goto fail;
		for (size_t i = 0; i < ncand; i++) {
			EVP_PKEY_CTX *pctx = c->EVP_PKEY_CTX_new_from_pkey(
				NULL, v->store->certs[cand[i]].key, NULL);

			if (pctx == NULL)
				goto fail;
			m->cand[m->ncand].cert = cand[i];
			m->cand[m->ncand].pctx = pctx;
			m->ncand++;
			if (c->EVP_PKEY_verify_init(pctx) <= 0 ||
			    c->EVP_PKEY_CTX_set_signature_md(pctx, m->md) <= 0)
				goto fail;
		}
	}
	memcpy(m->prefix, blob, prefix_len);
	m->blob_len = blob_len;
	m->sig_len = sig_len;
	m->signer = *signer;
	m->valid = true;
	return true;
fail:
	c->ERR_clear_error();
	memo_clear(v);
	return false;
}

/* ---------------------------------------------------------------- CMS_verify path */

/* One CMS_verify per certificate that matches the first signer, each on a
 * fresh decode (OpenSSL binds a signer to the first certificate it is
 * given and keeps it). others: one certificate for each further signer. */
static int cms_verify_path(struct verifier *v, const struct verify_input *in,
			   const unsigned char *blob, size_t blob_len, uint64_t signed_len,
			   const size_t *cand, size_t ncand, const size_t *others, size_t nothers,
			   struct pmod_verify_result *res, struct pmod_error *err)
{
	const struct lazy_crypto *c = v->c;
	const unsigned char *content;
	char text[160] = "";
	int r;

	if (signed_len > INT_MAX || signed_len > v->trust->max_module_size)
		return pmod_fail(err, -EFBIG, "the module is too large to verify");
	r = input_bytes(in, 0, (size_t)signed_len, &v->whole, &v->whole_cap, &content, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ncand; i++) {
		const unsigned char *p = blob;
		CMS_ContentInfo *cms = c->d2i_CMS_ContentInfo(NULL, &p, (long)blob_len);
		OPENSSL_STACK *certs = c->OPENSSL_sk_new_null();
		BIO *bio = c->BIO_new_mem_buf(content, (int)signed_len);
		int ok = 0;

		if (cms != NULL && certs != NULL && bio != NULL &&
		    c->OPENSSL_sk_push(certs, v->store->certs[cand[i]].cert) > 0) {
			for (size_t j = 0; j < nothers; j++)
				c->OPENSSL_sk_push(certs, v->store->certs[others[j]].cert);
			/* The certificates are trusted directly (no chain),
			 * only ours are used (NOINTERN), and the content is
			 * the module's bytes as they are (BINARY: no MIME
			 * canonicalisation). */
			ok = c->CMS_verify(cms, (STACK_OF(X509) *)certs, NULL, bio, NULL,
					   CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | CMS_NOINTERN);
			if (ok != 1)
				c->ERR_error_string_n(c->ERR_peek_last_error(), text, sizeof(text));
		} else {
			r = pmod_fail(err, -ENOMEM, "out of memory");
		}
		c->ERR_clear_error();
		if (certs != NULL)
			c->OPENSSL_sk_free(certs);
		if (bio != NULL)
			c->BIO_free(bio);
		if (cms != NULL)
			c->CMS_ContentInfo_free(cms);
		if (r < 0)
			return r;
		if (ok == 1) {
			res->certificate = v->store->certs[cand[i]].path;
			name_from_cert(&res->signer, &v->store->certs[cand[i]]);
			return set_verdict(res, PMOD_VERDICT_VALID, NULL);
		}
	}
	res->certificate = v->store->certs[cand[0]].path;
	return set_verdict(res, PMOD_VERDICT_BAD_SIGNATURE,
			   "the signature does not verify with this key (OpenSSL: %s)", text);
}

/* ---------------------------------------------------------------- decode */

static int check_pkcs7(struct verifier *v, const struct verify_input *in,
		       const unsigned char *blob, size_t blob_len, uint64_t signed_len,
		       struct pmod_verify_result *res, struct pmod_error *err)
{
	const struct lazy_crypto *c = v->c;
	const unsigned char *p = blob;
	struct pkcs7_signer ps;
	CMS_SignerInfo *si;
	CMS_ContentInfo *cms;
	size_t cand[VERIFY_MAX_CANDIDATES], ncand, others[VERIFY_MAX_SIGNERS], nothers = 0;
	bool all_named = true, plain;
	int nsigners, r = 0;

	cms = c->d2i_CMS_ContentInfo(NULL, &p, (long)blob_len);
	if (cms == NULL) {
		c->ERR_clear_error();
		return set_verdict(res, PMOD_VERDICT_MALFORMED,
				   "the signature is not a valid PKCS#7 (CMS) structure");
	}
	if (p != blob + blob_len) {
		set_verdict(res, PMOD_VERDICT_MALFORMED,
			    "%zu bytes follow the PKCS#7 structure", (size_t)(blob + blob_len - p));
		goto out;
	}
	if (c->OBJ_obj2nid(c->CMS_get0_type(cms)) != NID_pkcs7_signed) {
		set_verdict(res, PMOD_VERDICT_MALFORMED, "the PKCS#7 structure is not SignedData");
		goto out;
	}
	if (c->CMS_is_detached(cms) != 1) {
		set_verdict(res, PMOD_VERDICT_MALFORMED,
			    "the PKCS#7 structure carries content of its own (a module signature is detached)");
		goto out;
	}
	nsigners = pkcs7_signer_count(c, cms);
	if (nsigners <= 0) {
		set_verdict(res, PMOD_VERDICT_MALFORMED, "the PKCS#7 signature has no signer");
		goto out;
	}
	si = pkcs7_signer_at(c, cms, 0);
	r = pkcs7_signer_decode(c, si, &ps);
	if (r == -ENOMEM) {
		pmod_fail(err, r, "out of memory");
		goto out;
	}
	if (r < 0) {
		r = 0;
		set_verdict(res, PMOD_VERDICT_MALFORMED, "the PKCS#7 signer has no identifier");
		goto out;
	}
	res->signer = ps.facts;
	if (ps.value == NULL || ps.value_len == 0) {
		set_verdict(res, PMOD_VERDICT_MALFORMED, "the PKCS#7 signer carries no signature");
		goto out;
	}

	ncand = trust_store_match(v->store, c, si, cand, VERIFY_MAX_CANDIDATES);
	/* Every signer must be one we trust: a second, unknown signer is
	 * not vouched for by the first. */
	if (nsigners > VERIFY_MAX_SIGNERS) {
		set_verdict(res, PMOD_VERDICT_MALFORMED,
			    "the PKCS#7 signature has %d signers, more than pmod accepts", nsigners);
		goto out;
	}
	for (int i = 1; i < nsigners; i++) {
		CMS_SignerInfo *other = pkcs7_signer_at(c, cms, i);

		if (trust_store_match(v->store, c, other, &others[nothers], 1) == 0)
			all_named = false;
		else
			nothers++;
	}
	if (ncand > 0)
		name_from_cert(&res->signer, &v->store->certs[cand[0]]);

	/* One signer, no attributes, the value last in the blob: the memo
	 * can describe every module signed the same way. */
	plain = nsigners == 1 && c->CMS_signed_get_attr_count(si) <= 0 &&
		c->CMS_unsigned_get_attr_count(si) <= 0 &&
		signature_value_ends_blob(blob, blob_len, ps.value, ps.value_len);
	if (ncand == 0 || !all_named) {
		if (plain)
			memo_store(v, blob, blob_len, ps.value_len, &res->signer, ps.md_nid,
				   NULL, 0, err);
		set_verdict(res, PMOD_VERDICT_UNTRUSTED, NULL);
		goto out;
	}
	for (size_t i = 0; i < ncand && plain; i++)
		plain = sigalg_fits(c, si, ps.md_nid, v->store->certs[cand[i]].key_type);
	if (plain && memo_store(v, blob, blob_len, ps.value_len, &res->signer, ps.md_nid, cand,
				ncand, err)) {
		r = memo_verdict(v, in, blob, blob_len, signed_len, res, err);
		goto out;
	}
	r = cms_verify_path(v, in, blob, blob_len, signed_len, cand, ncand, others, nothers, res,
			    err);
out:
	c->CMS_ContentInfo_free(cms);
	c->ERR_clear_error();
	return r;
}

int verifier_check(struct verifier *v, const struct verify_input *in,
		   struct pmod_verify_result *res, struct pmod_error *err_out)
{
	struct pmod_error local, *err = err_out != NULL ? err_out : &local;
	unsigned char tail_buf[SIG_TRAILER_LEN];
	const unsigned char *tail, *blob;
	struct signature_trailer t;
	struct pmod_error why;
	size_t tail_len;
	uint64_t blob_off;
	int r;

	memset(res, 0, sizeof(*res));
	tail_len = in->size < SIG_TRAILER_LEN ? (size_t)in->size : SIG_TRAILER_LEN;
	if (in->data != NULL) {
		tail = in->data + in->size - tail_len;
	} else {
		r = pread_full(in->fd, tail_buf, tail_len, in->size - tail_len, err);
		if (r < 0)
			goto fail;
		tail = tail_buf;
	}
	r = signature_trailer_parse(tail, tail_len, in->size, &t, &why);
	if (r == -ENODATA)
		return set_verdict(res, PMOD_VERDICT_UNSIGNED, NULL);
	if (r < 0)
		return set_verdict(res, PMOD_VERDICT_MALFORMED, "%s", why.text);
	if (t.id_type != PMOD_SIG_ID_PKCS7) {
		snprintf(res->signer.hash_algo, sizeof(res->signer.hash_algo), "%s",
			 signature_trailer_hash_name(t.hash));
		res->signer.weak_hash = signature_trailer_hash_weak(t.hash);
		return set_verdict(res, PMOD_VERDICT_MALFORMED,
				   "a legacy %s signature: only PKCS#7 signatures can be verified",
				   signature_trailer_id_type_name(t.id_type));
	}
	if (t.sig_len > VERIFY_MAX_BLOB)
		return set_verdict(res, PMOD_VERDICT_MALFORMED,
				   "the PKCS#7 signature claims %u bytes, more than pmod accepts",
				   t.sig_len);
	blob_off = t.info_offset - t.sig_len;
	r = input_bytes(in, blob_off, t.sig_len, &v->blob_buf, &v->blob_cap, &blob, err);
	if (r < 0)
		goto fail;
	if (memo_hit(&v->memo, blob, t.sig_len))
		r = memo_verdict(v, in, blob, t.sig_len, blob_off, res, err);
	else if ((r = crypto_ready(v, err)) == 0)
		r = check_pkcs7(v, in, blob, t.sig_len, blob_off, res, err);
	if (r < 0)
		goto fail;
	return 0;
fail:
	snprintf(res->reason, sizeof(res->reason), "%s", err->text);
	res->error = r;
	return r;
}

int pmod_image_verify(struct pmod_image *image, struct pmod_verify_result *result,
		      struct pmod_error *err)
{
	struct verify_input in = {
		.data = image->bytes.data, .fd = -1, .size = image->bytes.size,
	};
	struct verifier v;
	int r;

	if (in.data == NULL || in.size == 0) {
		memset(result, 0, sizeof(*result));
		return set_verdict(result, PMOD_VERDICT_UNSIGNED, NULL);
	}
	verifier_init(&v, image->trust);
	r = verifier_check(&v, &in, result, err);
	verifier_release(&v);
	return r;
}
