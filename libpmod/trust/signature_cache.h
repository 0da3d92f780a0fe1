/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A memo of the last PKCS#7 signer decoded in a context. Every module of a
 * kernel build carries the same PKCS#7 bytes except the signature value, so
 * decoding the issuer name and serial once serves the whole tree. */
#ifndef PMOD_SIGNATURE_CACHE_H
#define PMOD_SIGNATURE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "pmod.h"

struct signature_cache;

/* A hit when blob is the remembered one with only its trailing signature
 * value changed: *signer is then what the decode said about the signer
 * (everything it yields besides the value), and *sig_len is the length of
 * the value at the blob's end. */
bool signature_cache_lookup(const struct signature_cache *cache, const unsigned char *blob,
			    size_t blob_len, struct pmod_signer *signer, size_t *sig_len);

/* Remember a blob OpenSSL decoded, when it is safe to: the decoder consumed
 * the whole blob, there is one signer without unsigned attributes, and the
 * signature value is a primitive OCTET STRING that ends the blob (so every
 * other byte is structure or signer data). Quietly does nothing otherwise. */
void signature_cache_store(struct signature_cache **cache, const unsigned char *blob,
			   size_t blob_len, bool single_plain_signer,
			   const struct pmod_signer *signer, const unsigned char *sig,
			   size_t sig_len);

/* True when sig (sig_len bytes inside blob) is the last thing in the blob,
 * in its own primitive OCTET STRING: then two blobs of the same length
 * whose bytes before the value agree differ in the value alone. */
bool signature_value_ends_blob(const unsigned char *blob, size_t blob_len,
			       const unsigned char *sig, size_t sig_len);

void signature_cache_free(struct signature_cache *cache);

#endif
