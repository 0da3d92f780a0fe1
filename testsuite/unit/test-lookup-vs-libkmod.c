// SPDX-License-Identifier: LGPL-2.1-or-later
/* pmod_lookup against libkmod (the oracle) on the real Debian tree and its
 * kmod-built indexes: every module name, every alias, every symbol and
 * every built-in module must resolve to the same modules, with the same
 * paths, in the same order. modprobe's pmod_resolve without configuration
 * must give exactly what pmod_lookup gives, so that modinfo and modprobe
 * never disagree about what a name means. Needs PMOD_TEST_ROOT and
 * PMOD_TEST_ABI.
 *
 * A sanitizer build compiles this with REQUEST_STRIDE > 1 and asks every
 * REQUEST_STRIDE-th request only: the plain build proves every answer,
 * the sanitizer build runs the same lookup paths (names, aliases,
 * patterns, symbols, built-ins, each tree's decompressor) at a tenth of
 * the time the whole tree takes under it. */
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pmod.h"

#ifndef REQUEST_STRIDE
#define REQUEST_STRIDE 1
#endif

static const char *root, *abi;

struct requests {
	char **items;
	size_t count, cap;
};

static void add(struct requests *r, const char *s)
{
	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 1024;
		r->items = realloc(r->items, r->cap * sizeof(*r->items));
	}
	r->items[r->count++] = strdup(s);
}

/* Requests from a text index: field `field` (1-based, space-separated) of
 * lines starting with `lead`, with an optional prefix. */
static void read_requests(struct requests *r, const char *dir, const char *file,
			  const char *lead, int field, const char *prefix, bool module_name)
{
	char path[PATH_MAX], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot read %s (run testsuite/prepare-trees.sh)", path);
	while (fgets(line, sizeof(line), f)) {
		char *tok, *save, req[4200];
		int i = 0;

		if (lead && strncmp(line, lead, strlen(lead)) != 0)
			continue;
		/* modules.dep lines are "path: deps"; index lines keep their ':'. */
		line[strcspn(line, module_name ? "\n:" : "\n")] = '\0';
		for (tok = strtok_r(line, " ", &save); tok && ++i < field;
		     tok = strtok_r(NULL, " ", &save))
			;
		if (tok == NULL)
			continue;
		if (module_name) {
			char name[256];
			pmod_module_name(tok, name, sizeof(name));
			snprintf(req, sizeof(req), "%s%s", prefix, name);
		} else {
			snprintf(req, sizeof(req), "%s%s", prefix, tok);
		}
		add(r, req);
	}
	fclose(f);
}

/* Each alias pattern made into strings a device could send: every '*'
 * replaced by `fill`, '?' by fill's first byte (or '0'), a set by its first
 * member. Exercises the wildcard search with the keys it really gets,
 * not only with the patterns themselves. */
static void add_concrete_aliases(struct requests *r, const char *dir, const char *fill)
{
	struct requests pats = { 0 };

	read_requests(&pats, dir, "modules.alias", "alias ", 2, "", false);
	for (size_t i = 0; i < pats.count; i++) {
		const char *p = pats.items[i];
		char out[4200];
		size_t k = 0;

		for (; *p && k + strlen(fill) + 2 < sizeof(out); p++) {
			if (*p == '*') {
				k += (size_t)sprintf(out + k, "%s", fill);
			} else if (*p == '?') {
				out[k++] = fill[0] ? fill[0] : '0';
			} else if (*p == '[' && p[1] && strchr(p + 2, ']')) {
				const char *end = strchr(p + 2, ']');

				out[k++] = (p[1] == '!' || p[1] == '^') ? '~' : p[1];
				p = end;
			} else {
				out[k++] = *p;
			}
		}
		out[k] = '\0';
		add(r, out);
		free(pats.items[i]);
	}
	free(pats.items);
}

/* The same modules, files and built-in flags, in the same order. */
static bool same_as_resolve(struct pmod_ctx *ctx, const char *request,
			    const struct pmod_found *found, size_t n)
{
	struct pmod_resolved *res;
	struct pmod_error err;
	size_t rn;
	bool same;

	if (pmod_resolve(ctx, NULL, request, &res, &rn, &err) < 0)
		return false;
	same = rn == n;
	for (size_t i = 0; same && i < n; i++)
		same = strcmp(res[i].name, found[i].name) == 0 &&
		       (res[i].path == NULL) == (found[i].path == NULL) &&
		       (res[i].path == NULL || strcmp(res[i].path, found[i].path) == 0) &&
		       res[i].builtin == found[i].builtin;
	pmod_resolved_free(res, rn);
	return same;
}

static void compare_tree(const char *tree_root, bool concrete)
{
	static const char *const no_config[] = { NULL };
	char dir[PATH_MAX];
	struct requests req = { 0 };
	struct pmod_ctx_options opts = {
		.size = sizeof(opts), .basedir = tree_root, .kernel_release = abi
	};
	struct pmod_ctx *pctx;
	struct kmod_ctx *kctx;
	size_t mismatches = 0, total_results = 0;

	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", tree_root, abi);
	read_requests(&req, dir, "modules.dep", NULL, 1, "", true);
	read_requests(&req, dir, "modules.alias", "alias ", 2, "", false);
	read_requests(&req, dir, "modules.symbols", "alias ", 2, "", false);
	read_requests(&req, dir, "modules.builtin", NULL, 1, "", true);
	/* Spellings a person types: dashes, and things that do not exist. */
	add(&req, "snd-hda-intel");
	add(&req, "no_such_module");
	add(&req, "pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00");
	add(&req, "usb:v0BDAp8153d3100dc00dsc00dp00icFFiscFFip00in00");
	add(&req, "fs-ext4");
	add(&req, "symbol:no_such_symbol");
	if (concrete) {
		add_concrete_aliases(&req, dir, "");
		add_concrete_aliases(&req, dir, "0");
		add_concrete_aliases(&req, dir, "1A,b-");
	}
	assert_true(req.count > 10000);

	assert_int_equal(pmod_ctx_new(&opts, &pctx), 0);
	kctx = kmod_new(dir, no_config);
	assert_non_null(kctx);
	for (size_t i = 0; i < req.count; i += REQUEST_STRIDE) {
		struct kmod_list *list = NULL, *l;
		struct pmod_found *found;
		struct pmod_error err;
		size_t n, k = 0;
		int kr = kmod_module_new_from_lookup(kctx, req.items[i], &list);
		int pr = pmod_lookup(pctx, req.items[i], 0, &found, &n, &err);

		if ((kr < 0) != (pr < 0)) {
			if (mismatches++ < 10)
				print_error("%s: kmod %d, pmod %d\n", req.items[i], kr, pr);
			kmod_module_unref_list(list);
			if (pr == 0)
				pmod_found_free(found, n);
			continue;
		}
		if (pr < 0)
			continue;
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);
			const char *kpath = kmod_module_get_path(m);

			if (k >= n || strcmp(kmod_module_get_name(m), found[k].name) != 0 ||
			    (kpath == NULL) != (found[k].path == NULL) ||
			    (kpath && strcmp(kpath, found[k].path) != 0)) {
				if (mismatches++ < 10)
					print_error("%s: result %zu differs: kmod %s %s, pmod %s %s\n",
						    req.items[i], k, kmod_module_get_name(m),
						    kpath ? kpath : "(null)",
						    k < n ? found[k].name : "-",
						    k < n && found[k].path ? found[k].path : "(null)");
			}
			kmod_module_unref(m);
			k++;
		}
		if (k != n && mismatches++ < 10)
			print_error("%s: kmod %zu results, pmod %zu\n", req.items[i], k, n);
		/* The two views share one walk; the compressed trees differ from
		 * the plain one only in file names, so one tree is enough here. */
		if (concrete && !same_as_resolve(pctx, req.items[i], found, n) &&
		    mismatches++ < 10)
			print_error("%s: pmod_lookup and pmod_resolve differ\n", req.items[i]);
		total_results += n;
		kmod_module_unref_list(list);
		pmod_found_free(found, n);
	}
	print_message("%s: %zu requests (every %d asked), %zu results, %zu mismatches\n",
		      tree_root, req.count, REQUEST_STRIDE, total_results, mismatches);
	assert_int_equal(mismatches, 0);
	kmod_unref(kctx);
	pmod_ctx_free(pctx);
	for (size_t i = 0; i < req.count; i++)
		free(req.items[i]);
	free(req.items);
}

static void plain_tree(void **state)
{
	compare_tree(root, true);
}

static void zstd_tree(void **state)
{
	char r[PATH_MAX];
	snprintf(r, sizeof(r), "%s-zst", root);
	compare_tree(r, false);
}

static void xz_tree(void **state)
{
	char r[PATH_MAX];
	snprintf(r, sizeof(r), "%s-xz", root);
	compare_tree(r, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_tree),
		cmocka_unit_test(zstd_tree),
		cmocka_unit_test(xz_tree),
	};

	root = getenv("PMOD_TEST_ROOT");
	abi = getenv("PMOD_TEST_ABI");
	if (root == NULL || abi == NULL) {
		fprintf(stderr, "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: run testsuite/prepare-trees.sh\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
