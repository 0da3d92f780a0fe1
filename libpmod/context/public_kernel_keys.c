// SPDX-License-Identifier: LGPL-2.1-or-later
/* A kernel image's built-in certificates, and the trust store's copy of
 * them, for the public API: the image is decoded (bytes layer), the list
 * found (trust layer) and written under the context's root. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "error.h"
#include "kernel_certificates.h"
#include "kernel_image.h"
#include "kernel_keys_store.h"
#include "lazy_crypto.h"
#include "mapped_file.h"

/* The decoded kernel and its list; errors say what is wrong with the image. */
static int read_kernel(const char *image_path, uint8_t **kernel, size_t *size,
		       struct kernel_certificate **certs, size_t *count, struct pmod_error *err)
{
	const struct lazy_crypto *c = lazy_crypto(err);
	struct mapped_file mf;
	int r;

	*kernel = NULL;
	if (c == NULL)
		return -ELIBACC;
	r = mapped_file_map(image_path, &mf, err);
	if (r < 0)
		return r;
	r = kernel_image_decode(mf.data, mf.size, KERNEL_IMAGE_MAX_DECODED, kernel, size, err);
	mapped_file_unmap(&mf);
	if (r == 0)
		r = kernel_certificates_find(c, *kernel, *size, certs, count, err);
	if (r < 0) {
		free(*kernel);
		*kernel = NULL;
	}
	return r;
}

int pmod_kernel_image_certificates(struct pmod_ctx *ctx, const char *image_path,
				   struct pmod_kernel_certificate **certs, size_t *count,
				   struct pmod_error *err)
{
	struct kernel_certificate *found;
	struct pmod_kernel_certificate *out;
	uint8_t *kernel;
	size_t size, n;
	int r;

	(void)ctx;
	*certs = NULL;
	*count = 0;
	r = read_kernel(image_path, &kernel, &size, &found, &n, err);
	if (r < 0)
		return r;
	out = calloc(n, sizeof(*out));
	for (size_t i = 0; out != NULL && i < n; i++) {
		out[i].der = malloc(found[i].size);
		out[i].subject_cn = strdup(found[i].subject_cn);
		if (out[i].der == NULL || out[i].subject_cn == NULL) {
			pmod_kernel_certificates_free(out, i + 1);
			out = NULL;
			break;
		}
		memcpy(out[i].der, kernel + found[i].offset, found[i].size);
		out[i].der_size = found[i].size;
	}
	kernel_certificates_free(found, n);
	free(kernel);
	if (out == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	*certs = out;
	*count = n;
	return 0;
}

void pmod_kernel_certificates_free(struct pmod_kernel_certificate *certs, size_t count)
{
	for (size_t i = 0; certs != NULL && i < count; i++) {
		free(certs[i].der);
		free(certs[i].subject_cn);
	}
	free(certs);
}

int pmod_trust_import_kernel(struct pmod_ctx *ctx, const char *release, const char *image_path,
			     size_t *count, struct pmod_error *err)
{
	struct kernel_certificate *found;
	uint8_t *kernel;
	size_t size, n;
	int r;

	*count = 0;
	if (!kernel_keys_release_valid(release))
		return pmod_fail(err, -EINVAL, "\"%.140s\" is not a kernel release name (letters, "
				 "digits and . _ + ~ -)", release);
	r = read_kernel(image_path, &kernel, &size, &found, &n, err);
	if (r < 0)
		return r;
	r = kernel_keys_install(pmod_ctx_root(ctx), release, kernel, found, n, err);
	kernel_certificates_free(found, n);
	free(kernel);
	if (r == 0)
		*count = n;
	return r;
}

int pmod_trust_remove_kernel(struct pmod_ctx *ctx, const char *release, size_t *count,
			     struct pmod_error *err)
{
	return kernel_keys_remove(pmod_ctx_root(ctx), release, count, err);
}
