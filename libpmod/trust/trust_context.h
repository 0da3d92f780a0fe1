/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the trust layer keeps between calls, owned by whoever holds it (the
 * library's context) and handed down to images and verifiers: where the
 * trust store's files are, the store once read, the memo of the last
 * decoded signer, and the largest module anyone will decompress. The layers
 * below see only a pointer to it. */
#ifndef PMOD_TRUST_CONTEXT_H
#define PMOD_TRUST_CONTEXT_H

#include <stddef.h>

#include "log.h"

struct signature_cache;
struct trust_store;

struct trust_context {
	const char *root;		/* the trust store is read under it ("" for "/") */
	const struct log_sink *log;
	size_t max_module_size;		/* decompressed modules larger are refused */
	struct signature_cache *signature_cache;
	struct trust_store *store;	/* read on first use (trust_store_get) */
};

/* Frees what the layer loaded into it (not root or log). */
void trust_context_release(struct trust_context *trust);

#endif
