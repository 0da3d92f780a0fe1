/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fixed end of a signed module, as Linux's sign-file writes it:
 *   ... [struct module_signature, 12 bytes][magic, 28 bytes]
 * where struct module_signature is algo, hash, id_type, signer_len,
 * key_id_len (one byte each), three bytes of padding and sig_len (32-bit
 * big-endian). It is read from the last 40 bytes alone, so that a verifier reading a file can
 * find the signature without reading the module body first. Shared by
 * modinfo's signature fields (image_signature.c) and verification
 * (signature_verify.c), which must agree on what is signed. */
#ifndef PMOD_SIGNATURE_TRAILER_H
#define PMOD_SIGNATURE_TRAILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmod.h"

#define SIG_MAGIC "~Module signature appended~\n"
#define SIG_MAGIC_LEN (sizeof(SIG_MAGIC) - 1)
#define SIG_INFO_LEN 12		/* struct module_signature */
#define SIG_TRAILER_LEN (SIG_INFO_LEN + SIG_MAGIC_LEN)

struct signature_trailer {
	unsigned algo, hash, id_type, signer_len, key_id_len;
	uint32_t sig_len;
	/* Where struct module_signature starts: the signature value (and,
	 * in legacy trailers, key id and signer) ends here. */
	uint64_t info_offset;
};

/* tail holds the last tail_len = min(file_size, SIG_TRAILER_LEN) bytes of
 * a file of file_size bytes. -ENODATA when there is no marker (unsigned);
 * -EBADMSG with err saying why when the header is invalid or claims more
 * bytes than the file holds before it. */
int signature_trailer_parse(const uint8_t *tail, size_t tail_len, uint64_t file_size,
			    struct signature_trailer *t, struct pmod_error *err);

/* Names by struct module_signature's codes; NULL when out of range
 * (which signature_trailer_parse refuses). */
const char *signature_trailer_hash_name(unsigned hash);
const char *signature_trailer_id_type_name(unsigned id_type);
/* Weaker than sha256: md4, md5, sha1, rmd160, sha224. */
bool signature_trailer_hash_weak(unsigned hash);

#endif
