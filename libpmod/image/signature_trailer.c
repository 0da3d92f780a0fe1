// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "signature_trailer.h"

static const char *const id_type_names[] = { "PGP", "X509", "PKCS#7" };
static const char *const hash_names[] = {
	"md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224", "sm3",
};

enum { ALGO_COUNT = 2 };	/* DSA, RSA: what the struct can name */

const char *signature_trailer_hash_name(unsigned hash)
{
	return hash < sizeof(hash_names) / sizeof(hash_names[0]) ? hash_names[hash] : NULL;
}

bool signature_trailer_hash_weak(unsigned hash)
{
	/* Weaker than sha256: md4, md5, sha1, rmd160 (the codes before
	 * sha256) and sha224; a code pmod does not know is not known to be
	 * strong. */
	return hash != 4 && hash != 5 && hash != 6 && hash != 8;
}

const char *signature_trailer_id_type_name(unsigned id_type)
{
	return id_type < sizeof(id_type_names) / sizeof(id_type_names[0])
		       ? id_type_names[id_type] : NULL;
}

int signature_trailer_parse(const uint8_t *tail, size_t tail_len, uint64_t file_size,
			    struct signature_trailer *t, struct pmod_error *err)
{
	const uint8_t *info;
	uint64_t before;

	if (tail_len < SIG_MAGIC_LEN || file_size < SIG_MAGIC_LEN ||
	    memcmp(tail + tail_len - SIG_MAGIC_LEN, SIG_MAGIC, SIG_MAGIC_LEN) != 0)
		return -ENODATA;
	if (tail_len < SIG_TRAILER_LEN || file_size < SIG_TRAILER_LEN)
		return pmod_fail(err, -EBADMSG, "signature marker without a signature header");
	info = tail + tail_len - SIG_TRAILER_LEN;
	before = file_size - SIG_TRAILER_LEN;
	t->algo = info[0];
	t->hash = info[1];
	t->id_type = info[2];
	t->signer_len = info[3];
	t->key_id_len = info[4];
	t->sig_len = load_be32(info + 8);
	t->info_offset = before;
	if (t->algo >= ALGO_COUNT)
		return pmod_fail(err, -EBADMSG, "unknown signature algorithm %u", t->algo);
	if (signature_trailer_hash_name(t->hash) == NULL)
		return pmod_fail(err, -EBADMSG, "unknown signature hash %u", t->hash);
	if (signature_trailer_id_type_name(t->id_type) == NULL)
		return pmod_fail(err, -EBADMSG, "unknown signature type %u", t->id_type);
	if (t->sig_len == 0)
		return pmod_fail(err, -EBADMSG, "signature length is zero");
	if ((uint64_t)t->signer_len + t->key_id_len + t->sig_len > before)
		return pmod_fail(err, -EBADMSG,
				 "signature claims %llu bytes, more than the %llu bytes before it",
				 (unsigned long long)t->signer_len + t->key_id_len + t->sig_len,
				 (unsigned long long)before);
	return 0;
}
