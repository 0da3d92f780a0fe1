/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcrypto, opened on the first PKCS#7 signature that must be decoded
 * (lazy_library.h). Members are named after the functions: the table's
 * pointer has the real header's prototype (typeof). OpenSSL's stack macros
 * (sk_CMS_SignerInfo_num...) and BN_num_bytes expand to direct calls, so
 * their callers use OPENSSL_sk_num/OPENSSL_sk_value/BN_num_bits here
 * instead. */
#ifndef PMOD_LAZY_CRYPTO_H
#define PMOD_LAZY_CRYPTO_H

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pmod.h"

struct lazy_crypto {
	typeof(ASN1_INTEGER_to_BN) *ASN1_INTEGER_to_BN;
	typeof(ASN1_STRING_get0_data) *ASN1_STRING_get0_data;
	typeof(ASN1_STRING_length) *ASN1_STRING_length;
	typeof(BN_bn2bin) *BN_bn2bin;
	typeof(BN_free) *BN_free;
	typeof(BN_num_bits) *BN_num_bits;
	typeof(CMS_ContentInfo_free) *CMS_ContentInfo_free;
	typeof(CMS_SignerInfo_get0_algs) *CMS_SignerInfo_get0_algs;
	typeof(CMS_SignerInfo_get0_signature) *CMS_SignerInfo_get0_signature;
	typeof(CMS_SignerInfo_get0_signer_id) *CMS_SignerInfo_get0_signer_id;
	typeof(CMS_get0_SignerInfos) *CMS_get0_SignerInfos;
	typeof(CMS_unsigned_get_attr_count) *CMS_unsigned_get_attr_count;
	typeof(OBJ_obj2txt) *OBJ_obj2txt;
	typeof(OPENSSL_sk_num) *OPENSSL_sk_num;
	typeof(OPENSSL_sk_value) *OPENSSL_sk_value;
	typeof(X509_ALGOR_get0) *X509_ALGOR_get0;
	typeof(X509_NAME_ENTRY_get_data) *X509_NAME_ENTRY_get_data;
	typeof(X509_NAME_get_entry) *X509_NAME_get_entry;
	typeof(X509_NAME_get_index_by_NID) *X509_NAME_get_index_by_NID;
	typeof(d2i_CMS_ContentInfo) *d2i_CMS_ContentInfo;
};

/* NULL with *err set (-ELIBACC) when libcrypto.so.3 cannot be loaded. */
const struct lazy_crypto *lazy_crypto(struct pmod_error *err);

#endif
