// SPDX-License-Identifier: LGPL-2.1-or-later
/* The module-image and verification calls of the public API, bound to a
 * context: the image and trust layers take the trust layer's state and
 * the size cap as arguments and never see the context. */
#include "context.h"
#include "module_image.h"
#include "signature_verify.h"

int pmod_image_open(struct pmod_ctx *ctx, const char *path, struct pmod_image **image,
		    struct pmod_error *err)
{
	return image_open(ctx_trust(ctx), ctx_max_module_size(ctx), path, image, err);
}

int pmod_image_new_from_memory(struct pmod_ctx *ctx, const void *data, size_t size,
			       struct pmod_image **image, struct pmod_error *err)
{
	return image_from_memory(ctx_trust(ctx), ctx_max_module_size(ctx), data, size, image, err);
}

int pmod_verify_files(struct pmod_ctx *ctx, const char *const *paths, size_t count,
		      unsigned jobs, struct pmod_verify_result *results, struct pmod_error *err)
{
	return verify_files(ctx_trust(ctx), paths, count, jobs, results, err);
}
