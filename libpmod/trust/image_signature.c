// SPDX-License-Identifier: LGPL-2.1-or-later
/* The appended module signature: Linux's trailer
 *   [module][signer][key id][signature][struct module_signature][magic]
 * and, for PKCS#7 (every module signed since Linux 3.13), the signer
 * information decoded by OpenSSL's CMS parser, which, unlike its PKCS#7
 * parser, also accepts signers named by subjectKeyIdentifier. libcrypto is
 * opened only when a blob has to be decoded (lazy_crypto.h): reading
 * .modinfo, or a signature the context's memo answers, never maps it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "error.h"
#include "lazy_crypto.h"
#include "module_image.h"
#include "signature_cache.h"
#include "signature_trailer.h"

struct signature_state {
	CMS_ContentInfo *cms;		/* NULL when the context's memo answered */
	unsigned char *serial;
	unsigned char *fields_copy;	/* signer fields taken from the memo */
	char hash_name[64];
};

/* Signer fields from the context's memo, copied so that they outlive it. */
static int take_memo(struct pmod_signature *sig, struct signature_state *st,
		     const struct signer_fields *f, struct pmod_error *err)
{
	size_t hash_len = strlen(f->hash_algo) + 1;

	st->fields_copy = malloc(f->signer_len + f->key_id_len + hash_len);
	if (st->fields_copy == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	sig->signer = memcpy(st->fields_copy, f->signer, f->signer_len);
	sig->signer_len = f->signer_len;
	sig->key_id = memcpy(st->fields_copy + f->signer_len, f->key_id, f->key_id_len);
	sig->key_id_len = f->key_id_len;
	sig->key_id_kind = f->key_id_kind;
	sig->hash_algo = memcpy(st->fields_copy + f->signer_len + f->key_id_len, f->hash_algo,
				hash_len);
	return 0;
}

static int decode_pkcs7(struct pmod_ctx *ctx, struct pmod_signature *sig,
			struct signature_state *st, struct pmod_error *err)
{
	const unsigned char *p = sig->blob;
	STACK_OF(CMS_SignerInfo) *signers;
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING *keyid = NULL, *sigbytes;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	X509_ALGOR *digest = NULL;
	const ASN1_OBJECT *obj;
	const struct lazy_crypto *c;
	struct signer_fields f;
	size_t memo_sig_len;
	BIGNUM *bn;
	int idx, len, nsigners;

	if (signature_cache_lookup(ctx->signature_cache, sig->blob, sig->blob_len, &f,
				   &memo_sig_len)) {
		sig->sig = sig->blob + sig->blob_len - memo_sig_len;
		sig->sig_len = memo_sig_len;
		return take_memo(sig, st, &f, err);
	}

	c = lazy_crypto(err);
	if (c == NULL)
		return -ELIBACC;
	st->cms = c->d2i_CMS_ContentInfo(NULL, &p, (long)sig->blob_len);
	if (st->cms == NULL)
		return pmod_fail(err, -EBADMSG, "signature is not a valid PKCS#7 (CMS) structure");
	signers = c->CMS_get0_SignerInfos(st->cms);
	/* sk_CMS_SignerInfo_num() would call OPENSSL_sk_num() directly. */
	nsigners = signers == NULL ? 0
		   : c->OPENSSL_sk_num(ossl_check_const_CMS_SignerInfo_sk_type(signers));
	if (nsigners <= 0)
		return pmod_fail(err, -EBADMSG, "PKCS#7 signature has no signer");
	si = c->OPENSSL_sk_value(ossl_check_const_CMS_SignerInfo_sk_type(signers), 0);
	if (c->CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1)
		return pmod_fail(err, -EBADMSG, "PKCS#7 signer has no identifier");

	if (keyid != NULL) {
		sig->key_id_kind = PMOD_KEY_ID_SUBJECT_KEY_ID;
		sig->key_id = c->ASN1_STRING_get0_data(keyid);
		sig->key_id_len = (size_t)c->ASN1_STRING_length(keyid);
		sig->signer = (const unsigned char *)"";
		sig->signer_len = 0;
	} else if (issuer != NULL && serial != NULL) {
		sig->key_id_kind = PMOD_KEY_ID_ISSUER_SERIAL;
		sig->signer = (const unsigned char *)"";
		sig->signer_len = 0;
		idx = c->X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
		if (idx >= 0) {
			const ASN1_STRING *cn =
				c->X509_NAME_ENTRY_get_data(c->X509_NAME_get_entry(issuer, idx));
			sig->signer = c->ASN1_STRING_get0_data(cn);
			sig->signer_len = (size_t)c->ASN1_STRING_length(cn);
		}
		/* The serial as a big-endian magnitude with no leading zeros. */
		bn = c->ASN1_INTEGER_to_BN(serial, NULL);
		if (bn == NULL)
			return pmod_fail(err, -EBADMSG, "PKCS#7 signer serial number is invalid");
		/* BN_num_bytes(), a macro over BN_num_bits(). */
		st->serial = malloc(((size_t)c->BN_num_bits(bn) + 7) / 8 + 1);
		if (st->serial == NULL) {
			c->BN_free(bn);
			return pmod_fail(err, -ENOMEM, "out of memory");
		}
		len = c->BN_bn2bin(bn, st->serial);
		c->BN_free(bn);
		sig->key_id = st->serial;
		sig->key_id_len = (size_t)len;
	} else {
		return pmod_fail(err, -EBADMSG, "PKCS#7 signer has no identifier");
	}

	sigbytes = c->CMS_SignerInfo_get0_signature(si);
	if (sigbytes == NULL)
		return pmod_fail(err, -EBADMSG, "PKCS#7 signer carries no signature");
	sig->sig = c->ASN1_STRING_get0_data(sigbytes);
	sig->sig_len = (size_t)c->ASN1_STRING_length(sigbytes);

	c->CMS_SignerInfo_get0_algs(si, NULL, NULL, &digest, NULL);
	strcpy(st->hash_name, "unknown");
	if (digest != NULL) {
		c->X509_ALGOR_get0(&obj, NULL, NULL, digest);
		if (obj != NULL && c->OBJ_obj2txt(st->hash_name, sizeof(st->hash_name), obj, 0) <= 0)
			strcpy(st->hash_name, "unknown");
	}
	sig->hash_algo = st->hash_name;

	f = (struct signer_fields){
		.signer = sig->signer, .signer_len = sig->signer_len,
		.key_id_kind = sig->key_id_kind,
		.key_id = sig->key_id, .key_id_len = sig->key_id_len,
		.hash_algo = sig->hash_algo,
	};
	signature_cache_store(&ctx->signature_cache, sig->blob, sig->blob_len,
			      p == sig->blob + sig->blob_len && nsigners == 1 &&
				      c->CMS_unsigned_get_attr_count(si) <= 0,
			      &f, sig->sig, sig->sig_len);
	return 0;
}

static int parse_signature(struct pmod_image *img, struct pmod_error *err)
{
	struct pmod_signature *sig = &img->signature;
	struct signature_state *st;
	struct signature_trailer t;
	const uint8_t *data = img->bytes.data;
	size_t size = img->bytes.size;
	size_t tail = size < SIG_TRAILER_LEN ? size : SIG_TRAILER_LEN;
	int r;

	r = signature_trailer_parse(data + size - tail, tail, size, &t, err);
	if (r < 0)
		return r;
	size = (size_t)t.info_offset;

	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	img->signature_state = st;
	sig->id_type = (enum pmod_sig_id_type)t.id_type;
	sig->id_type_name = signature_trailer_id_type_name(t.id_type);

	if (t.id_type == PMOD_SIG_ID_PKCS7) {
		sig->blob = data + size - t.sig_len;
		sig->blob_len = t.sig_len;
		sig->signed_len = size - t.sig_len;
		return decode_pkcs7(img->ctx, sig, st, err);
	}
	/* Legacy trailers: three raw byte runs read backwards from the header. */
	sig->sig = data + size - t.sig_len;
	sig->sig_len = t.sig_len;
	sig->key_id = sig->sig - t.key_id_len;
	sig->key_id_len = t.key_id_len;
	sig->key_id_kind = PMOD_KEY_ID_RAW;
	sig->signer = sig->key_id - t.signer_len;
	sig->signer_len = t.signer_len;
	sig->hash_algo = signature_trailer_hash_name(t.hash);
	sig->signed_len = size - t.sig_len - t.key_id_len - t.signer_len;
	return 0;
}

int pmod_image_signature(struct pmod_image *img, const struct pmod_signature **sig,
			 struct pmod_error *err)
{
	struct pmod_error local;
	int r;

	if (!img->signature_part.done) {
		r = parse_signature(img, &local);
		if (r == -ENODATA)
			pmod_fail(&local, r, "module is not signed");
		lazy_part_finish(&img->signature_part, r, &local, NULL);
	}
	r = lazy_part_result(&img->signature_part, err);
	if (r < 0)
		return r;
	*sig = &img->signature;
	return 0;
}

void image_signature_release(struct pmod_image *img)
{
	struct signature_state *st = img->signature_state;

	if (st == NULL)
		return;
	/* A decoded blob means libcrypto is loaded; otherwise do not load it
	 * just to free nothing. */
	if (st->cms != NULL)
		lazy_crypto(NULL)->CMS_ContentInfo_free(st->cms);
	free(st->serial);
	free(st->fields_copy);
	free(st);
	img->signature_state = NULL;
}
