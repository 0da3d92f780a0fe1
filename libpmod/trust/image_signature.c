// SPDX-License-Identifier: LGPL-2.1-or-later
/* The appended module signature: Linux's trailer
 *   [module][signer][key id][signature][struct module_signature][magic]
 * and, for PKCS#7 (every module signed since Linux 3.13), the signer
 * information (pkcs7_signer.h, shared with verification). libcrypto is
 * opened only when a blob has to be decoded (lazy_crypto.h): reading
 * .modinfo, or a signature the context's memo answers, never maps it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust_context.h"
#include "error.h"
#include "lazy_crypto.h"
#include "module_image.h"
#include "pkcs7_signer.h"
#include "signature_cache.h"
#include "signature_trailer.h"

/* The signature value lies in the blob, but OpenSSL hands out a copy that
 * dies with its structure. When the value ends the blob (as sign-file
 * writes it) the image's own bytes are shown; otherwise a copy is kept,
 * owned by img->signature_copy. */
static int keep_value(struct pmod_image *img, struct pmod_signature *sig,
		      const struct pkcs7_signer *ps, struct pmod_error *err)
{
	unsigned char *copy;

	sig->sig_len = ps->value_len;
	if (ps->value_len == 0 ||
	    signature_value_ends_blob(sig->blob, sig->blob_len, ps->value, ps->value_len)) {
		sig->sig = sig->blob + sig->blob_len - ps->value_len;
		return 0;
	}
	copy = malloc(ps->value_len);
	if (copy == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	sig->sig = memcpy(copy, ps->value, ps->value_len);
	img->signature_copy = copy;
	return 0;
}

static int decode_pkcs7(struct pmod_image *img, struct pmod_signature *sig,
			struct pmod_error *err)
{
	struct trust_context *t = img->trust;
	const unsigned char *p = sig->blob;
	const struct lazy_crypto *c;
	struct pkcs7_signer ps;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si = NULL;
	size_t memo_sig_len;
	int nsigners, r;

	if (signature_cache_lookup(t->signature_cache, sig->blob, sig->blob_len, &sig->signer,
				   &memo_sig_len)) {
		sig->sig = sig->blob + sig->blob_len - memo_sig_len;
		sig->sig_len = memo_sig_len;
		return 0;
	}

	c = lazy_crypto(err);
	if (c == NULL)
		return -ELIBACC;
	cms = c->d2i_CMS_ContentInfo(NULL, &p, (long)sig->blob_len);
	if (cms == NULL) {
		c->ERR_clear_error();
		return pmod_fail(err, -EBADMSG, "signature is not a valid PKCS#7 (CMS) structure");
	}
	nsigners = pkcs7_signer_count(c, cms);
	if (nsigners <= 0) {
		r = pmod_fail(err, -EBADMSG, "PKCS#7 signature has no signer");
		goto out;
	}
	si = pkcs7_signer_at(c, cms, 0);
	r = pkcs7_signer_decode(c, si, &ps);
	if (r == -ENOMEM)
		r = pmod_fail(err, r, "out of memory");
	else if (r == -ERANGE)
		r = pmod_fail(err, -EBADMSG, "PKCS#7 signer serial number is invalid");
	else if (r < 0)
		r = pmod_fail(err, -EBADMSG, "PKCS#7 signer has no identifier");
	else if (ps.value == NULL)
		r = pmod_fail(err, -EBADMSG, "PKCS#7 signer carries no signature");
	else
		r = keep_value(img, sig, &ps, err);
	if (r < 0)
		goto out;
	sig->signer = ps.facts;
	signature_cache_store(&t->signature_cache, sig->blob, sig->blob_len,
			      p == sig->blob + sig->blob_len && nsigners == 1 &&
				      c->CMS_unsigned_get_attr_count(si) <= 0,
			      &sig->signer, sig->sig, sig->sig_len);
out:
	c->CMS_ContentInfo_free(cms);
	c->ERR_clear_error();
	return r;
}

/* Legacy trailers: three raw byte runs read backwards from the header;
 * their lengths are single bytes, so the facts hold them whole. */
static void legacy_signer(struct pmod_signer *f, const struct signature_trailer *t,
			  const uint8_t *key_id, const uint8_t *signer)
{
	f->key_id_kind = PMOD_KEY_ID_RAW;
	f->name_len = t->signer_len;
	memcpy(f->name, signer, t->signer_len);
	f->name[t->signer_len] = '\0';
	f->key_id_len = t->key_id_len;
	memcpy(f->key_id, key_id, t->key_id_len);
	snprintf(f->hash_algo, sizeof(f->hash_algo), "%s",
		 signature_trailer_hash_name(t->hash));
	f->weak_hash = signature_trailer_hash_weak(t->hash);
}

static int parse_signature(struct pmod_image *img, struct pmod_error *err)
{
	struct pmod_signature *sig = &img->signature;
	struct signature_trailer t;
	const uint8_t *data = img->bytes.data;
	size_t size = img->bytes.size;
	size_t tail = size < SIG_TRAILER_LEN ? size : SIG_TRAILER_LEN;
	int r;

	r = signature_trailer_parse(data + size - tail, tail, size, &t, err);
	if (r < 0)
		return r;
	size = (size_t)t.info_offset;

	sig->id_type = (enum pmod_sig_id_type)t.id_type;
	sig->id_type_name = signature_trailer_id_type_name(t.id_type);

	if (t.id_type == PMOD_SIG_ID_PKCS7) {
		sig->blob = data + size - t.sig_len;
		sig->blob_len = t.sig_len;
		sig->signed_len = size - t.sig_len;
		return decode_pkcs7(img, sig, err);
	}
	sig->sig = data + size - t.sig_len;
	sig->sig_len = t.sig_len;
	legacy_signer(&sig->signer, &t, sig->sig - t.key_id_len,
		      sig->sig - t.key_id_len - t.signer_len);
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

