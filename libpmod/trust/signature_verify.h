/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One verifier per thread: the verdict on a module given as memory (an
 * image) or as an open uncompressed file. It remembers the last PKCS#7
 * structure it decoded: the modules of a kernel build differ only in the
 * signature value, so one decode, one certificate lookup and one set of
 * prepared keys serve the whole tree, and verifying a module costs one
 * hash of its bytes and one public-key operation. libcrypto and the trust
 * store are loaded on the first PKCS#7 signature, never for an unsigned
 * module. */
#ifndef PMOD_SIGNATURE_VERIFY_H
#define PMOD_SIGNATURE_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lazy_crypto.h"
#include "pmod.h"
#include "trust_context.h"
#include "trust_store.h"

/* A PKCS#7 blob beyond this is refused as malformed (a module's is under
 * 1 KiB; with embedded certificates a few KiB). */
#define VERIFY_MAX_BLOB ((size_t)1 << 20)
/* Certificates tried for one signer (same issuer and serial, or SKID). */
#define VERIFY_MAX_CANDIDATES 4
/* Signer infos in one PKCS#7 (sign-file writes one). */
#define VERIFY_MAX_SIGNERS 8

struct verify_memo {
	bool valid;
	unsigned char *prefix;		/* the blob without its signature value */
	size_t prefix_cap;
	size_t blob_len, sig_len;
	struct pmod_signer signer;
	EVP_MD *md;
	size_t ncand;
	struct {
		size_t cert;			/* index in the store */
		EVP_PKEY_CTX *pctx;		/* ready to verify a digest */
	} cand[VERIFY_MAX_CANDIDATES];
};

struct verifier {
	struct trust_context *trust;
	const struct lazy_crypto *c;		/* NULL until a PKCS#7 is met */
	const struct trust_store *store;
	EVP_MD_CTX *md_ctx;
	struct verify_memo memo;
	unsigned char *blob_buf;		/* the PKCS#7 read from a file */
	size_t blob_cap;
	unsigned char *chunk;			/* file bytes on their way to the hash */
	unsigned char *whole;			/* the signed bytes, for the rare CMS_verify path */
	size_t whole_cap;
};

/* What is verified: memory (data != NULL) or an uncompressed file. */
struct verify_input {
	const uint8_t *data;
	int fd;
	uint64_t size;
};

void verifier_init(struct verifier *v, struct trust_context *trust);
void verifier_release(struct verifier *v);
/* Fills *res. 0, or a negative errno (res->reason and err say why) when
 * no verdict could be reached: a read error, libcrypto missing, no memory. */
int verifier_check(struct verifier *v, const struct verify_input *in,
		   struct pmod_verify_result *res, struct pmod_error *err);

/* pmod_verify_files on the trust layer's own state. */
int verify_files(struct trust_context *trust, const char *const *paths, size_t count,
		 unsigned jobs, struct pmod_verify_result *results, struct pmod_error *err);

#endif
