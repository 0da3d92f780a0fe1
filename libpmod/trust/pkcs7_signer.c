// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
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

static bool weak_hash(int nid)
{
	switch (nid) {
	case NID_md2: case NID_md4: case NID_md5: case NID_md5_sha1:
	case NID_mdc2: case NID_ripemd160: case NID_sha1:
		return true;
	default:
		return false;
	}
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
	return 0;
}
