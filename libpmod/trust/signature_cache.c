// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdlib.h>
#include <string.h>

#include "signature_cache.h"

struct signature_cache {
	unsigned char *prefix;		/* the blob without its signature value */
	size_t blob_len;
	size_t sig_len;
	struct pmod_signer signer;
};

/* The DER header of a primitive OCTET STRING of n bytes, in out; its length. */
static size_t octet_string_header(size_t n, unsigned char out[6])
{
	size_t k = 0, bytes = 0;

	out[k++] = 0x04;
	if (n < 0x80) {
		out[k++] = (unsigned char)n;
		return k;
	}
	for (size_t v = n; v; v >>= 8)
		bytes++;
	out[k++] = (unsigned char)(0x80 | bytes);
	while (bytes--)
		out[k++] = (unsigned char)(n >> (8 * bytes));
	return k;
}

bool signature_cache_lookup(const struct signature_cache *cache, const unsigned char *blob,
			    size_t blob_len, struct pmod_signer *signer, size_t *sig_len)
{
	/* Same length and the same bytes up to the value: the DER parses the
	 * same way, down to the same signer, and the value is the tail. */
	if (cache == NULL || cache->blob_len != blob_len ||
	    memcmp(cache->prefix, blob, blob_len - cache->sig_len) != 0)
		return false;
	*signer = cache->signer;
	*sig_len = cache->sig_len;
	return true;
}

bool signature_value_ends_blob(const unsigned char *blob, size_t blob_len,
			       const unsigned char *sig, size_t sig_len)
{
	unsigned char hdr[6];
	size_t hlen;

	if (sig_len == 0 || sig_len > 0xffffff)
		return false;
	hlen = octet_string_header(sig_len, hdr);
	if (blob_len < sig_len + hlen)
		return false;
	/* The value must be the last thing in the blob, in its own primitive
	 * OCTET STRING: then the tail is the value and nothing else. */
	return memcmp(blob + blob_len - sig_len, sig, sig_len) == 0 &&
	       memcmp(blob + blob_len - sig_len - hlen, hdr, hlen) == 0;
}

void signature_cache_store(struct signature_cache **cachep, const unsigned char *blob,
			   size_t blob_len, bool single_plain_signer,
			   const struct pmod_signer *signer, const unsigned char *sig,
			   size_t sig_len)
{
	struct signature_cache *c;
	size_t prefix_len;

	if (!single_plain_signer || !signature_value_ends_blob(blob, blob_len, sig, sig_len))
		return;
	prefix_len = blob_len - sig_len;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return;
	c->prefix = malloc(prefix_len);
	if (c->prefix == NULL) {
		signature_cache_free(c);
		return;
	}
	memcpy(c->prefix, blob, prefix_len);
	c->blob_len = blob_len;
	c->sig_len = sig_len;
	c->signer = *signer;
	signature_cache_free(*cachep);
	*cachep = c;
}

void signature_cache_free(struct signature_cache *c)
{
	if (c == NULL)
		return;
	free(c->prefix);
	free(c);
}
