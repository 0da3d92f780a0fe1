// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading every module for depmod, on all CPUs. Each module's aliases,
 * soft and weak dependencies and symbols are copied into one allocation
 * and the file is closed at once, so a compressed tree never sits in
 * memory whole. Failures are kept per module and reported in module
 * order afterwards, so the messages do not depend on thread timing. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "depmod_internal.h"
#include "error.h"
#include "module_image.h"

struct reader {
	struct pmod_ctx *ctx;
	struct depmod_modules *mods;
	struct pmod_error *errors;	/* one per module */
	atomic_size_t next;
};

static bool key_is(const struct pmod_modinfo *e, const char *key)
{
	size_t n = strlen(key);
	return e->key_len == n && memcmp(e->key, key, n) == 0;
}

static int read_one(struct pmod_ctx *ctx, struct depmod_module *m, struct byte_buffer *scratch,
		    struct pmod_error *err)
{
	const struct pmod_modinfo *info;
	const struct pmod_export *ex;
	const struct pmod_import *im;
	struct pmod_image *img;
	size_t ninfo, nex, nim, bytes = 0, nlists = 0;
	char *p;
	int r;

	r = image_open_buffered(ctx_trust(ctx), ctx_max_module_size(ctx), m->path, scratch, &img,
				err);
	if (r < 0)
		return r;
	if ((r = pmod_image_modinfo(img, &info, &ninfo, err)) < 0 ||
	    (r = pmod_image_exports(img, &ex, &nex, err)) < 0 ||
	    (r = pmod_image_imports(img, &im, &nim, err)) < 0)
		goto out;

	for (size_t i = 0; i < ninfo; i++) {
		if (key_is(&info[i], "alias") || key_is(&info[i], "softdep") ||
		    key_is(&info[i], "weakdep")) {
			bytes += strlen(info[i].value) + 1;
			nlists++;
		}
	}
	for (size_t i = 0; i < nex; i++)
		bytes += strlen(ex[i].symbol) + 1;
	for (size_t i = 0; i < nim; i++)
		bytes += strlen(im[i].symbol) + 1;

	m->strings = malloc(bytes ? bytes : 1);
	m->aliases = calloc(nlists + 1, sizeof(*m->aliases));
	m->exports = calloc(nex + 1, sizeof(*m->exports));
	m->imports = calloc(nim + 1, sizeof(*m->imports));
	if (!m->strings || !m->aliases || !m->exports || !m->imports) {
		r = pmod_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	p = m->strings;
	/* Three lists in one array: aliases, then softdeps, then weakdeps. */
	for (int pass = 0; pass < 3; pass++) {
		static const char *const keys[] = { "alias", "softdep", "weakdep" };
		const char **list = m->aliases + m->naliases + m->nsoftdeps + m->nweakdeps;
		size_t *count = pass == 0 ? &m->naliases : pass == 1 ? &m->nsoftdeps : &m->nweakdeps;

		if (pass == 1)
			m->softdeps = list;
		else if (pass == 2)
			m->weakdeps = list;
		for (size_t i = 0; i < ninfo; i++) {
			size_t len;

			if (!key_is(&info[i], keys[pass]))
				continue;
			len = strlen(info[i].value) + 1;
			list[(*count)++] = memcpy(p, info[i].value, len);
			p += len;
		}
	}
	for (size_t i = 0; i < nex; i++) {
		size_t len = strlen(ex[i].symbol) + 1;

		m->exports[i].name = memcpy(p, ex[i].symbol, len);
		m->exports[i].crc = ex[i].crc;
		p += len;
	}
	m->nexports = nex;
	for (size_t i = 0; i < nim; i++) {
		size_t len = strlen(im[i].symbol) + 1;

		m->imports[i].name = memcpy(p, im[i].symbol, len);
		m->imports[i].crc = im[i].crc;
		m->imports[i].weak = im[i].weak;
		p += len;
	}
	m->nimports = nim;
	m->readable = true;
	r = 0;
out:
	pmod_image_free(img);
	return r;
}

static void *worker(void *arg)
{
	struct reader *rd = arg;
	struct byte_buffer scratch = { 0 };
	size_t i;

	while ((i = atomic_fetch_add(&rd->next, 1)) < rd->mods->count) {
		rd->errors[i].code = 0;
		read_one(rd->ctx, &rd->mods->items[i], &scratch, &rd->errors[i]);
	}
	free(scratch.data);
	return NULL;
}

int depmod_read(struct pmod_ctx *ctx, struct depmod_modules *mods, unsigned jobs,
		struct pmod_error *err)
{
	struct reader rd = { .ctx = ctx, .mods = mods };
	pthread_t threads[256];
	unsigned started = 0;
	size_t kept = 0;

	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (unsigned)n : 1;
	}
	if (jobs > 256)
		jobs = 256;
	if (jobs > mods->count)
		jobs = mods->count ? (unsigned)mods->count : 1;
	rd.errors = calloc(mods->count + 1, sizeof(*rd.errors));
	if (rd.errors == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	atomic_init(&rd.next, 0);
	/* The calling thread works too. */
	for (unsigned t = 1; t < jobs; t++)
		if (pthread_create(&threads[started], NULL, worker, &rd) == 0)
			started++;
	worker(&rd);
	for (unsigned t = 0; t < started; t++)
		pthread_join(threads[t], NULL);

	for (size_t i = 0; i < mods->count; i++) {
		struct depmod_module *m = &mods->items[i];

		if (m->readable) {
			/* Checked here, in module order, so that the warnings
			 * do not depend on thread timing either. */
			if (depmod_metadata_check(ctx, m))
				mods->items[kept++] = *m;
			else
				depmod_module_release(m);
			continue;
		}
		ctx_log(ctx, LOG_WARNING, "%s: skipped: %s", m->path,
			rd.errors[i].code ? rd.errors[i].text : "cannot be read");
		depmod_module_release(m);
	}
	mods->count = kept;
	free(rd.errors);
	return 0;
}
