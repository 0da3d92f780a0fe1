// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer target for the module parser: the input is a module file
 * (plain or compressed) handed to pmod_image_new_from_memory, then every
 * parser is asked for its part and every byte of every result is read.
 *   fuzz-module-image -max_total_time=60 CORPUS_DIR */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "pmod.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned long sink;

static void touch(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		sink += b[i];
}

static void touch_str(const char *s)
{
	if (s != NULL)
		touch(s, strlen(s) + 1);
}

static void check_error(int r, const struct pmod_error *err)
{
	/* The contract: a negative errno and one sentence saying why. */
	if (r < 0 && (r < -4095 || err->code != r || err->text[0] == '\0' ||
		      memchr(err->text, '\0', sizeof(err->text)) == NULL))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pmod_ctx *ctx;
	struct pmod_image *img;
	struct pmod_error err;
	const struct pmod_modinfo *mi;
	const struct pmod_version *ver;
	const struct pmod_export *exp;
	const struct pmod_import *imp;
	const struct pmod_signature *sig;
	struct pmod_param *params;
	size_t n, np, skipped;
	const void *bytes;
	int r;

	if (ctx == NULL) {
		struct pmod_ctx_options opts = { .size = sizeof(opts), .kernel_release = "fuzz" };

		if (pmod_ctx_new(&opts, &ctx) < 0)
			abort();
		/* Bombs stop early, and libFuzzer's memory limit is never hit. */
		ctx_trust(ctx)->max_module_size = (size_t)16 << 20;
	}

	r = pmod_image_new_from_memory(ctx, data, size, &img, &err);
	check_error(r, &err);
	if (r < 0)
		return 0;

	bytes = pmod_image_data(img, &n);
	touch(bytes, n);
	sink += pmod_image_compression(img) + pmod_image_elf_class(img) +
		pmod_image_elf_order(img) + pmod_image_elf_machine(img);

	r = pmod_image_modinfo(img, &mi, &n, &err);
	check_error(r, &err);
	if (r == 0) {
		for (size_t i = 0; i < n; i++) {
			touch(mi[i].key, mi[i].key_len);
			touch_str(mi[i].value);
		}
		if (pmod_params_from_modinfo(mi, n, &params, &np, &skipped) == 0) {
			for (size_t i = 0; i < np; i++) {
				touch(params[i].name, params[i].name_len);
				if (params[i].desc != NULL)
					touch(params[i].desc, params[i].desc_len);
				if (params[i].type != NULL)
					touch(params[i].type, params[i].type_len);
			}
			pmod_free(params);
		}
	}
	touch_str(pmod_image_vermagic(img));

	r = pmod_image_versions(img, &ver, &n, &err);
	check_error(r, &err);
	for (size_t i = 0; r == 0 && i < n; i++)
		touch_str(ver[i].symbol);

	r = pmod_image_exports(img, &exp, &n, &err);
	check_error(r, &err);
	for (size_t i = 0; r == 0 && i < n; i++)
		touch_str(exp[i].symbol);

	r = pmod_image_imports(img, &imp, &n, &err);
	check_error(r, &err);
	for (size_t i = 0; r == 0 && i < n; i++)
		touch_str(imp[i].symbol);

	r = pmod_image_signature(img, &sig, &err);
	check_error(r, &err);
	if (r == 0) {
		touch_str(sig->id_type_name);
		touch_str(sig->signer.hash_algo);
		touch(sig->signer.name, sig->signer.name_len + 1);
		touch(sig->signer.key_id, sig->signer.key_id_len);
		touch(sig->sig, sig->sig_len);
		if (sig->blob != NULL)
			touch(sig->blob, sig->blob_len);
	}

	pmod_image_free(img);
	return 0;
}
