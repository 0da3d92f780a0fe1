/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one reading of a module signature's PKCS#7 SignerInfo, through
 * OpenSSL's CMS parser (which, unlike its PKCS#7 parser, also accepts
 * signers named by subjectKeyIdentifier). What modinfo shows and what
 * verification reports come from here, so the two cannot disagree about
 * who signed a module. The caller has loaded libcrypto (lazy_crypto.h):
 * only a signature someone asked about gets that far. */
#ifndef PMOD_PKCS7_SIGNER_H
#define PMOD_PKCS7_SIGNER_H

#include <stddef.h>

#include "lazy_crypto.h"
#include "pmod.h"

/* The number of SignerInfos of a decoded structure (0 when it has none),
 * and SignerInfo i of them. */
int pkcs7_signer_count(const struct lazy_crypto *c, CMS_ContentInfo *cms);
CMS_SignerInfo *pkcs7_signer_at(const struct lazy_crypto *c, CMS_ContentInfo *cms, int i);

struct pkcs7_signer {
	struct pmod_signer facts;
	int md_nid;			/* the digest's NID, NID_undef when unnamed */
	/* The signature value, inside the CMS structure (valid while it
	 * lives); NULL when the SignerInfo carries none. */
	const unsigned char *value;
	size_t value_len;
};

/* What si says about its signer. 0; -EBADMSG when it names nobody
 * (neither issuer and serial nor subjectKeyIdentifier); -ERANGE when its
 * serial number cannot be read; -ENOMEM. */
int pkcs7_signer_decode(const struct lazy_crypto *c, CMS_SignerInfo *si,
			struct pkcs7_signer *out);

#endif
