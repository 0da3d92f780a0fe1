// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pkcs7_signer.h"

int pkcs7_signer_count(const struct lazy_crypto *c, CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *signers = c->CMS_get0_SignerInfos(cms);
	int n;

	/* sk_CMS_SignerInfo_num() would call OPENSSL_sk_num() directly. */
	if (signers == NULL)
		return 0;
	n = c->OPENSSL_sk_num(ossl_check_const_CMS_SignerInfo_sk_type(signers));
	return n < 0 ? 0 : n;
}

CMS_SignerInfo *pkcs7_signer_at(const struct lazy_crypto *c, CMS_ContentInfo *cms, int i)
{
	STACK_OF(CMS_SignerInfo) *signers = c->CMS_get0_SignerInfos(cms);

	return c->OPENSSL_sk_value(ossl_check_const_CMS_SignerInfo_sk_type(signers), i);
}

/* Strong is a short list; every other digest, including one OpenSSL does
 * not name, is weak: a signature must be at least as strong as sha256 to
 * pass enforce, and an unknown algorithm is not known to be. md5, sha1,
 * sha224 and their kin are weak. */
static bool weak_hash(int nid)
{
	switch (nid) {
	case NID_sha256: case NID_sha384: case NID_sha512: case NID_sha512_256:
	case NID_sha3_256: case NID_sha3_384: case NID_sha3_512: case NID_sm3:
		return false;
	default:
		return true;
	}
}

/* The digest a combined signature algorithm names (sha1WithRSAEncryption,
 * ecdsa-with-SHA1, ...), NID_undef for a bare key algorithm such as
 * rsaEncryption, which is what sign-file writes. */
static int signature_algorithm_digest(const struct lazy_crypto *c, CMS_SignerInfo *si)
{
	X509_ALGOR *sigalg = NULL;
	const ASN1_OBJECT *obj = NULL;
	int mdn = NID_undef, pkn;

	c->CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &sigalg);
	if (sigalg != NULL)
		c->X509_ALGOR_get0(&obj, NULL, NULL, sigalg);
	if (obj == NULL || !c->OBJ_find_sigid_algs(c->OBJ_obj2nid(obj), &mdn, &pkn))
		return NID_undef;
	return mdn;
}

/* The issuer's commonName, cut to what the facts hold. */
static void issuer_name(const struct lazy_crypto *c, X509_NAME *issuer, struct pmod_signer *f)
{
	int idx = c->X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
	const ASN1_STRING *cn;
	int len;

	if (idx < 0)
		return;
	cn = c->X509_NAME_ENTRY_get_data(c->X509_NAME_get_entry(issuer, idx));
	len = cn ? c->ASN1_STRING_length(cn) : 0;
	f->name_len = len < 0 ? 0 : (size_t)len;
	if (f->name_len > sizeof(f->name) - 1)
		f->name_len = sizeof(f->name) - 1;
	if (f->name_len > 0)
		memcpy(f->name, c->ASN1_STRING_get0_data(cn), f->name_len);
	f->name[f->name_len] = '\0';
}

/* The serial as a big-endian magnitude with no leading zeros. */
static int serial_bytes(const struct lazy_crypto *c, ASN1_INTEGER *serial, struct pmod_signer *f)
{
	BIGNUM *bn = c->ASN1_INTEGER_to_BN(serial, NULL);
	unsigned char *buf;
	size_t n;

	if (bn == NULL)
		return -ERANGE;
	/* BN_num_bytes(), a macro over BN_num_bits(). */
	n = ((size_t)c->BN_num_bits(bn) + 7) / 8;
	buf = malloc(n + 1);
	if (buf == NULL) {
		c->BN_free(bn);
		return -ENOMEM;
	}
	n = (size_t)c->BN_bn2bin(bn, buf);
	c->BN_free(bn);
	f->key_id_len = n < sizeof(f->key_id) ? n : sizeof(f->key_id);
	memcpy(f->key_id, buf, f->key_id_len);
	free(buf);
	return 0;
}

int pkcs7_signer_decode(const struct lazy_crypto *c, CMS_SignerInfo *si,
			struct pkcs7_signer *out)
{
	struct pmod_signer *f = &out->facts;
	ASN1_OCTET_STRING *keyid = NULL, *value;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	X509_ALGOR *digest = NULL;
	const ASN1_OBJECT *obj = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (c->CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1)
		return -EBADMSG;
	if (keyid != NULL) {
		int len = c->ASN1_STRING_length(keyid);

		f->key_id_kind = PMOD_KEY_ID_SUBJECT_KEY_ID;
		f->key_id_len = len < 0 ? 0 : (size_t)len;
		if (f->key_id_len > sizeof(f->key_id))
			f->key_id_len = sizeof(f->key_id);
		if (f->key_id_len > 0)
			memcpy(f->key_id, c->ASN1_STRING_get0_data(keyid), f->key_id_len);
	} else if (issuer != NULL && serial != NULL) {
		f->key_id_kind = PMOD_KEY_ID_ISSUER_SERIAL;
		issuer_name(c, issuer, f);
		r = serial_bytes(c, serial, f);
		if (r < 0)
			return r;
	} else {
		return -EBADMSG;
	}

	value = c->CMS_SignerInfo_get0_signature(si);
	if (value != NULL) {
		int len = c->ASN1_STRING_length(value);

		out->value = c->ASN1_STRING_get0_data(value);
		out->value_len = len < 0 ? 0 : (size_t)len;
	}

	out->md_nid = NID_undef;
	c->CMS_SignerInfo_get0_algs(si, NULL, NULL, &digest, NULL);
	if (digest != NULL)
		c->X509_ALGOR_get0(&obj, NULL, NULL, digest);
	if (obj != NULL) {
		out->md_nid = c->OBJ_obj2nid(obj);
		if (c->OBJ_obj2txt(f->hash_algo, sizeof(f->hash_algo), obj, 0) <= 0)
			f->hash_algo[0] = '\0';
	}
	f->weak_hash = weak_hash(out->md_nid);
	/* The digestAlgorithm is what verification uses; a signature
	 * algorithm that names a weak digest of its own (sha1WithRSA over a
	 * sha256 digest) makes the signature weak too, and that digest is
	 * the one named: the weaker claim is the one judged. */
	if (!f->weak_hash) {
		int sig_md = signature_algorithm_digest(c, si);

		if (sig_md != NID_undef && weak_hash(sig_md)) {
			const char *name = c->OBJ_nid2sn(sig_md);

			f->weak_hash = true;
			/* The short name ("SHA1"), spelled as the digest
			 * names are ("sha1"). */
			snprintf(f->hash_algo, sizeof(f->hash_algo), "%s",
				 name != NULL ? name : "unknown");
			for (char *p = f->hash_algo; *p != '\0'; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
		}
	}
	return 0;
}
