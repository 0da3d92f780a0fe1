// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "growable_array.h"
#include "kernel_certificates.h"

/* How far past a sequence of certificates its length may lie: alignment
 * padding, and the zero-filled room a kernel may reserve for one more
 * certificate inserted after the build (4 KiB by default). */
#define LENGTH_SEARCH_WINDOW ((size_t)64 << 10)

/* The size of the DER certificate at p, or 0. The byte pattern (a
 * SEQUENCE with a two-byte length holding another one: certificate and
 * to-be-signed part) is checked first so that OpenSSL parses only the
 * few places that can be one; the parse must use exactly those bytes. */
static size_t certificate_at(const struct lazy_crypto *c, const uint8_t *p, size_t left)
{
	const unsigned char *q = p;
	size_t len;
	X509 *x;

	if (left < 16 || p[0] != 0x30 || p[1] != 0x82 || p[4] != 0x30 || p[5] != 0x82)
		return 0;
	len = ((size_t)p[2] << 8 | p[3]) + 4;
	if (len > left)
		return 0;
	x = c->d2i_X509(NULL, &q, (long)len);
	c->ERR_clear_error();
	if (x == NULL)
		return 0;
	c->X509_free(x);
	return (size_t)(q - p) == len ? len : 0;
}

/* After the sequence [start, end), past zero padding, the kernel stores
 * two numbers (the list's length and its first certificate's), each 64
 * or 32 bits wide, in either order. True if one of the first two equals
 * total. */
static bool length_follows(const uint8_t *k, size_t size, size_t end, size_t total)
{
	size_t first = end, limit = end + LENGTH_SEARCH_WINDOW;

	if (limit > size)
		limit = size;
	while (first < limit && k[first] == 0)
		first++;
	/* The numbers are aligned to their width. The first non-zero byte
	 * lies in one of them (the low bytes of a number can be zero, and
	 * the first number may be zero as a whole), never before the end of
	 * the certificates. */
	for (size_t width = 8; width >= 4; width /= 2) {
		size_t at = first - first % width, min_at = (end + width - 1) / width * width;

		if (at < min_at)
			at = min_at;
		for (int i = 0; i < 2 && at + width <= size; i++, at += width)
			if ((width == 8 ? load_u64(k + at, false) : load_u32(k + at, false)) == total)
				return true;
	}
	return false;
}

static void release(struct kernel_certificate *certs, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(certs[i].subject_cn);
	free(certs);
}

static char *subject_cn(const struct lazy_crypto *c, const uint8_t *der, size_t size)
{
	const unsigned char *q = der;
	X509 *x = c->d2i_X509(NULL, &q, (long)size);
	char *out = NULL;
	int idx;

	if (x == NULL) {
		c->ERR_clear_error();
		return NULL;
	}
	idx = c->X509_NAME_get_index_by_NID(c->X509_get_subject_name(x), NID_commonName, -1);
	if (idx >= 0) {
		const ASN1_STRING *cn = c->X509_NAME_ENTRY_get_data(
			c->X509_NAME_get_entry(c->X509_get_subject_name(x), idx));
		int len = cn ? c->ASN1_STRING_length(cn) : 0;

		out = malloc(len > 0 ? (size_t)len + 1 : 1);
		if (out != NULL) {
			if (len > 0)
				memcpy(out, c->ASN1_STRING_get0_data(cn), (size_t)len);
			out[len > 0 ? len : 0] = '\0';
		}
	} else {
		out = strdup("");
	}
	c->X509_free(x);
	c->ERR_clear_error();
	return out;
}

int kernel_certificates_find(const struct lazy_crypto *c, const uint8_t *kernel, size_t size,
			     struct kernel_certificate **certs, size_t *count,
			     struct pmod_error *err)
{
	struct kernel_certificate *found = NULL;
	size_t nfound = 0, cap = 0, lists = 0;

	*certs = NULL;
	*count = 0;
	for (size_t i = 0; i + 16 <= size; i++) {
		size_t run[KERNEL_CERTIFICATES_MAX], nrun = 0, end = i, len, total;

		if (kernel[i] != 0x30 || kernel[i + 1] != 0x82)
			continue;
		while (nrun < KERNEL_CERTIFICATES_MAX &&
		       (len = certificate_at(c, kernel + end, size - end)) > 0) {
			run[nrun++] = len;
			end += len;
		}
		if (nrun == 0)
			continue;
		/* The recorded length may cover the first k certificates only:
		 * one inserted after the build sits right behind the list,
		 * before the numbers. */
		total = end - i;
		for (size_t k = nrun; k > 0; total -= run[--k]) {
			if (!length_follows(kernel, size, end, total))
				continue;
			if (++lists > 1) {
				release(found, nfound);
				return pmod_fail(err, -EMLINK, "it holds more than one sequence of "
						 "certificates followed by its length; none is "
						 "taken for its built-in list");
			}
			for (size_t j = 0, at = i; j < k; at += run[j++]) {
				if (growable_array_reserve(&found, &cap, nfound + 1,
							   sizeof(*found)) < 0)
					goto nomem;
				found[nfound].offset = at;
				found[nfound].size = run[j];
				found[nfound].subject_cn = subject_cn(c, kernel + at, run[j]);
				if (found[nfound++].subject_cn == NULL)
					goto nomem;
			}
			break;
		}
		i = end - 1;
	}
	if (nfound == 0)
		return pmod_fail(err, -ENODATA, "it holds no built-in certificate list (a kernel "
				 "built without module signing has none)");
	*certs = found;
	*count = nfound;
	return 0;
nomem:
	release(found, nfound);
	return pmod_fail(err, -ENOMEM, "out of memory");
}

void kernel_certificates_free(struct kernel_certificate *certs, size_t count)
{
	release(certs, count);
}
