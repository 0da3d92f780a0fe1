// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdio.h>

#include "lazy_crypto.h"
#include "lazy_library.h"

/* The soname below must be the library these headers describe. */
_Static_assert(OPENSSL_VERSION_MAJOR == 3, "the OpenSSL headers are the ABI of libcrypto.so.3");

#define SYM(fn) LAZY_SYMBOL(struct lazy_crypto, fn)
static const struct lazy_symbol symbols[] = {
	SYM(ASN1_INTEGER_to_BN), SYM(ASN1_STRING_get0_data), SYM(ASN1_STRING_length),
	SYM(BIO_free), SYM(BIO_new_mem_buf), SYM(BN_bn2bin), SYM(BN_free), SYM(BN_num_bits),
	SYM(CMS_ContentInfo_free), SYM(CMS_SignerInfo_cert_cmp), SYM(CMS_SignerInfo_get0_algs),
	SYM(CMS_SignerInfo_get0_signature), SYM(CMS_SignerInfo_get0_signer_id),
	SYM(CMS_get0_SignerInfos), SYM(CMS_get0_type), SYM(CMS_is_detached),
	SYM(CMS_signed_get_attr_count), SYM(CMS_unsigned_get_attr_count), SYM(CMS_verify),
	SYM(ERR_clear_error), SYM(ERR_error_string_n), SYM(ERR_peek_last_error),
	SYM(EVP_DigestFinal_ex), SYM(EVP_DigestInit_ex2), SYM(EVP_DigestUpdate),
	SYM(EVP_MD_CTX_free), SYM(EVP_MD_CTX_new), SYM(EVP_MD_fetch), SYM(EVP_MD_free),
	SYM(EVP_MD_get_size), SYM(EVP_PKEY_CTX_free), SYM(EVP_PKEY_CTX_new_from_pkey),
	SYM(EVP_PKEY_CTX_set_signature_md), SYM(EVP_PKEY_get_base_id), SYM(EVP_PKEY_verify),
	SYM(EVP_PKEY_verify_init), SYM(OBJ_find_sigid_algs), SYM(OBJ_nid2sn), SYM(OBJ_obj2nid),
	SYM(OBJ_obj2txt), SYM(OPENSSL_init_crypto), SYM(OPENSSL_sk_free),
	SYM(OPENSSL_sk_new_null), SYM(OPENSSL_sk_num), SYM(OPENSSL_sk_push), SYM(OPENSSL_sk_value),
	SYM(PEM_read_bio_X509), SYM(X509_ALGOR_get0),
	SYM(X509_NAME_ENTRY_get_data), SYM(X509_NAME_get_entry), SYM(X509_NAME_get_index_by_NID),
	SYM(X509_free), SYM(X509_get0_pubkey), SYM(X509_get_subject_name),
	SYM(d2i_CMS_ContentInfo), SYM(d2i_X509),
};
_Static_assert(sizeof(symbols) / sizeof(symbols[0]) * sizeof(void (*)(void)) ==
		       sizeof(struct lazy_crypto), "every member of struct lazy_crypto is resolved");

static struct lazy_crypto table;
static struct lazy_library library = {
	.soname = "libcrypto.so.3",
	.needed_for = "PKCS#7 module signature",
	.symbols = symbols,
	.nsymbols = sizeof(symbols) / sizeof(symbols[0]),
	.table = &table,
	.once = PTHREAD_ONCE_INIT,
};

static void open_library(void)
{
	lazy_library_open(&library);
	if (!library.loaded)
		return;
	/* No teardown from an atexit handler: by default libcrypto frees
	 * every key, provider and table it built as the process exits, which
	 * after one verification costs more than loading a module's whole
	 * chain does, buys nothing (the process is ending) and, in a
	 * threaded daemon, can run while another thread still uses it. The
	 * first initialisation in a process decides: if the program itself
	 * set libcrypto up before us, its choice stands. Nothing else of
	 * the set-up changes (the configuration is still read on first use). */
	if (table.OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL) != 1) {
		snprintf(library.failure, sizeof(library.failure),
			 "OPENSSL_init_crypto failed (was libcrypto already cleaned up?)");
		library.loaded = false;
	}
}

const struct lazy_crypto *lazy_crypto(struct pmod_error *err)
{
	return lazy_library_get(&library, open_library, err);
}
