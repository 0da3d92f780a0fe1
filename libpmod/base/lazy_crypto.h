/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcrypto, opened on the first PKCS#7 signature that must be decoded or
 * verified, or the first trust-store certificate (lazy_library.h). Members are named after the functions: the table's
 * pointer has the real header's prototype (typeof). OpenSSL's stack macros
 * (sk_CMS_SignerInfo_num...) and BN_num_bytes expand to direct calls, so
 * their callers use OPENSSL_sk_num/OPENSSL_sk_value/BN_num_bits here
 * instead. */
#ifndef PMOD_LAZY_CRYPTO_H
#define PMOD_LAZY_CRYPTO_H

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pmod.h"

struct lazy_crypto {
	typeof(ASN1_INTEGER_to_BN) *ASN1_INTEGER_to_BN;
	typeof(ASN1_STRING_get0_data) *ASN1_STRING_get0_data;
	typeof(ASN1_STRING_length) *ASN1_STRING_length;
	typeof(BIO_free) *BIO_free;
	typeof(BIO_new_mem_buf) *BIO_new_mem_buf;
	typeof(BN_bn2bin) *BN_bn2bin;
	typeof(BN_free) *BN_free;
	typeof(BN_num_bits) *BN_num_bits;
	typeof(CMS_ContentInfo_free) *CMS_ContentInfo_free;
	typeof(CMS_SignerInfo_cert_cmp) *CMS_SignerInfo_cert_cmp;
	typeof(CMS_SignerInfo_get0_algs) *CMS_SignerInfo_get0_algs;
	typeof(CMS_SignerInfo_get0_signature) *CMS_SignerInfo_get0_signature;
	typeof(CMS_SignerInfo_get0_signer_id) *CMS_SignerInfo_get0_signer_id;
	typeof(CMS_get0_SignerInfos) *CMS_get0_SignerInfos;
	typeof(CMS_get0_type) *CMS_get0_type;
	typeof(CMS_is_detached) *CMS_is_detached;
	typeof(CMS_signed_get_attr_count) *CMS_signed_get_attr_count;
	typeof(CMS_unsigned_get_attr_count) *CMS_unsigned_get_attr_count;
	typeof(CMS_verify) *CMS_verify;
	typeof(ERR_clear_error) *ERR_clear_error;
	typeof(ERR_error_string_n) *ERR_error_string_n;
	typeof(ERR_peek_last_error) *ERR_peek_last_error;
	typeof(EVP_DigestFinal_ex) *EVP_DigestFinal_ex;
	typeof(EVP_DigestInit_ex2) *EVP_DigestInit_ex2;
	typeof(EVP_DigestUpdate) *EVP_DigestUpdate;
	typeof(EVP_MD_CTX_free) *EVP_MD_CTX_free;
	typeof(EVP_MD_CTX_new) *EVP_MD_CTX_new;
	typeof(EVP_MD_fetch) *EVP_MD_fetch;
	typeof(EVP_MD_free) *EVP_MD_free;
	typeof(EVP_MD_get_size) *EVP_MD_get_size;
	typeof(EVP_PKEY_CTX_free) *EVP_PKEY_CTX_free;
	typeof(EVP_PKEY_CTX_new_from_pkey) *EVP_PKEY_CTX_new_from_pkey;
	typeof(EVP_PKEY_CTX_set_signature_md) *EVP_PKEY_CTX_set_signature_md;
	typeof(EVP_PKEY_get_base_id) *EVP_PKEY_get_base_id;
	typeof(EVP_PKEY_verify) *EVP_PKEY_verify;
	typeof(EVP_PKEY_verify_init) *EVP_PKEY_verify_init;
	typeof(OBJ_find_sigid_algs) *OBJ_find_sigid_algs;
	typeof(OBJ_nid2sn) *OBJ_nid2sn;
	typeof(OBJ_obj2nid) *OBJ_obj2nid;
	typeof(OBJ_obj2txt) *OBJ_obj2txt;
	typeof(OPENSSL_init_crypto) *OPENSSL_init_crypto;
	typeof(OPENSSL_sk_free) *OPENSSL_sk_free;
	typeof(OPENSSL_sk_new_null) *OPENSSL_sk_new_null;
	typeof(OPENSSL_sk_num) *OPENSSL_sk_num;
	typeof(OPENSSL_sk_push) *OPENSSL_sk_push;
	typeof(OPENSSL_sk_value) *OPENSSL_sk_value;
	typeof(PEM_read_bio_X509) *PEM_read_bio_X509;
	typeof(X509_ALGOR_get0) *X509_ALGOR_get0;
	typeof(X509_NAME_ENTRY_get_data) *X509_NAME_ENTRY_get_data;
	typeof(X509_NAME_get_entry) *X509_NAME_get_entry;
	typeof(X509_NAME_get_index_by_NID) *X509_NAME_get_index_by_NID;
	typeof(X509_free) *X509_free;
	typeof(X509_get0_pubkey) *X509_get0_pubkey;
	typeof(X509_get_subject_name) *X509_get_subject_name;
	typeof(d2i_CMS_ContentInfo) *d2i_CMS_ContentInfo;
	typeof(d2i_X509) *d2i_X509;
};

/* NULL with *err set (-ELIBACC) when libcrypto.so.3 cannot be loaded. */
const struct lazy_crypto *lazy_crypto(struct pmod_error *err);

#endif
