/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The certificates module signatures are checked against: every file of
 * /usr/lib/pmod/keys/ (the distribution's) and /etc/pmod/keys/ (the
 * administrator's) under the context's root, one X.509 certificate each,
 * PEM or DER. Loaded once per context, on the first signature that needs
 * it, and read-only afterwards (verification threads share it). A file
 * that is not one usable certificate is skipped with a warning naming it:
 * one bad file must not take the whole store down, and its owner must
 * learn about it. */
#ifndef PMOD_TRUST_STORE_H
#define PMOD_TRUST_STORE_H

#include <stddef.h>

#include "lazy_crypto.h"
#include "pmod.h"
#include "trust_context.h"

#define TRUST_STORE_DISTRIBUTION_DIR "/usr/lib/pmod/keys"
#define TRUST_STORE_ADMIN_DIR "/etc/pmod/keys"

/* Caps on what a hostile directory can make us read. A real store holds a
 * handful of certificates of a few KiB. */
#define TRUST_STORE_MAX_FILES 1024
#define TRUST_STORE_MAX_FILE_SIZE ((size_t)1 << 20)

struct trust_cert {
	char *path;			/* the file, root included */
	X509 *cert;
	EVP_PKEY *key;			/* belongs to cert */
	int key_type;			/* EVP_PKEY_RSA, EVP_PKEY_EC, ... */
	char *subject_cn;		/* "" when the subject has no commonName */
	size_t subject_cn_len;
};

struct trust_store {
	struct trust_cert *certs;	/* distribution's first, then the administrator's */
	size_t count;
};

/* The context's store, loaded on first use (thread-safe). A missing
 * directory is an empty part of the store. Fails only for -ENOMEM or
 * -ELIBACC (err filled). */
int trust_store_get(struct trust_context *t, const struct lazy_crypto *c,
		    const struct trust_store **store, struct pmod_error *err);

/* Indexes of the certificates a PKCS#7 signer names (issuer and serial
 * number, or subjectKeyIdentifier: OpenSSL's own matching), at most max of
 * them, in store order. Lookups happen once per distinct signer (the
 * verifier remembers the answer), and a store holds a handful of
 * certificates, so a scan is the index. */
size_t trust_store_match(const struct trust_store *store, const struct lazy_crypto *c,
			 CMS_SignerInfo *si, size_t *out, size_t max);

/* For pmod_ctx_free. */
void trust_store_free(struct trust_store *store);

#endif
