// SPDX-License-Identifier: LGPL-2.1-or-later
/* The binary index reader, on indexes encoded here in both layouts
 * (pre-order as kmod 34 writes, post-order as kmod 30 does), the byte-exact
 * modules.builtin.bin kmod 34 writes for two keys, and corrupt indexes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "index_reader.h"

/* ---- a small encoder: an uncompressed char trie, path-compressed on output */

struct tnode {
	struct tnode *child[128];
	struct { uint32_t prio; const char *value; } values[8];
	int nvalues;
};

static struct tnode *tnode_new(void)
{
	return calloc(1, sizeof(struct tnode));
}

static void tnode_free(struct tnode *n)
{
	for (int c = 0; c < 128; c++)
		if (n->child[c])
			tnode_free(n->child[c]);
	free(n);
}

/* Values sorted ascending by priority; equal ones newest first. */
static void insert(struct tnode *root, const char *key, const char *value, uint32_t prio)
{
	struct tnode *n = root;
	int i;

	for (; *key; key++) {
		if (!n->child[(int)*key])
			n->child[(int)*key] = tnode_new();
		n = n->child[(int)*key];
	}
	for (i = n->nvalues; i > 0 && n->values[i - 1].prio >= prio; i--)
		n->values[i] = n->values[i - 1];
	n->values[i].prio = prio;
	n->values[i].value = value;
	n->nvalues++;
}

struct out {
	uint8_t buf[1 << 16];
	size_t len;
};

static void put_be32(struct out *o, size_t at, uint32_t v)
{
	o->buf[at] = (uint8_t)(v >> 24);
	o->buf[at + 1] = (uint8_t)(v >> 16);
	o->buf[at + 2] = (uint8_t)(v >> 8);
	o->buf[at + 3] = (uint8_t)v;
}

static int only_child(const struct tnode *n)
{
	int found = -1;
	for (int c = 0; c < 128; c++) {
		if (!n->child[c])
			continue;
		if (found >= 0)
			return -1;
		found = c;
	}
	return found;
}

/* Returns the node reference. Post-order writes children first. */
static uint32_t encode(struct out *o, const struct tnode *n, bool post_order)
{
	char prefix[256];
	size_t plen = 0;
	uint32_t refs[128] = { 0 }, flags = 0;
	int first = -1, last = -1, c;
	size_t at;

	/* Fold a chain of single children without values into the prefix. */
	while (n->nvalues == 0 && (c = only_child(n)) >= 0) {
		prefix[plen++] = (char)c;
		n = n->child[c];
	}
	prefix[plen] = '\0';
	for (c = 0; c < 128; c++) {
		if (!n->child[c])
			continue;
		if (first < 0)
			first = c;
		last = c;
	}
	if (post_order)
		for (c = first; c >= 0 && c <= last; c++)
			if (n->child[c])
				refs[c] = encode(o, n->child[c], true);
	at = o->len;
	if (plen) {
		flags |= 0x80000000u;
		memcpy(o->buf + o->len, prefix, plen + 1);
		o->len += plen + 1;
	}
	size_t table = 0;
	if (first >= 0) {
		flags |= 0x20000000u;
		o->buf[o->len++] = (uint8_t)first;
		o->buf[o->len++] = (uint8_t)last;
		table = o->len;
		o->len += 4 * (size_t)(last - first + 1);
		memset(o->buf + table, 0, 4 * (size_t)(last - first + 1));
	}
	if (n->nvalues) {
		flags |= 0x40000000u;
		put_be32(o, o->len, (uint32_t)n->nvalues);
		o->len += 4;
		for (int v = 0; v < n->nvalues; v++) {
			put_be32(o, o->len, n->values[v].prio);
			o->len += 4;
			strcpy((char *)o->buf + o->len, n->values[v].value);
			o->len += strlen(n->values[v].value) + 1;
		}
	}
	if (!post_order)
		for (c = first; c >= 0 && c <= last; c++)
			if (n->child[c])
				refs[c] = encode(o, n->child[c], false);
	for (c = first; c >= 0 && c <= last; c++)
		put_be32(o, table + 4 * (size_t)(c - first), refs[c]);
	return flags | (uint32_t)at;
}

static struct out *build_index(const char *const *kv, size_t n, bool post_order)
{
	struct out *o = calloc(1, sizeof(*o));
	struct tnode *root = tnode_new();

	for (size_t i = 0; i < n; i++)
		insert(root, kv[3 * i], kv[3 * i + 1], (uint32_t)atoi(kv[3 * i + 2]));
	put_be32(o, 0, 0xB007F457);
	put_be32(o, 4, 0x00020001);
	o->len = 12;
	put_be32(o, 8, encode(o, root, post_order));
	tnode_free(root);
	return o;
}

/* key, value, priority */
static const char *const entries[] = {
	"ext4", "ext4", "0",
	"ext4.foo", "other", "0",
	"pci:v00008086d*sv*sd*bc*sc*i*", "e1000e", "5",
	"pci:v*d*sv*sd*bc02sc00i*", "generic_net", "9",
	"pci:v00008086d00001234sv*", "specific", "2",
	"usb:v?p0002*", "usb_q", "3",
	"usb:v[0-9]p*", "usb_set", "3",
	"dup", "second", "7",
	"dup", "first", "7",
	"dup", "low", "1",
	"symbol:fixture_api", "fixture", "4",
};
#define NENTRIES (sizeof(entries) / sizeof(entries[0]) / 3)

static void exact_lookups(bool post_order)
{
	struct out *o = build_index(entries, NENTRIES, post_order);
	struct index_reader *idx;
	const char *v;

	assert_int_equal(index_reader_open_memory(o->buf, o->len, &idx, NULL), 0);
	assert_int_equal(index_reader_lookup(idx, "ext4", &v, NULL), 0);
	assert_string_equal(v, "ext4");
	assert_int_equal(index_reader_lookup(idx, "ext4.foo", &v, NULL), 0);
	assert_string_equal(v, "other");
	assert_int_equal(index_reader_lookup(idx, "ext", &v, NULL), -ENODATA);
	assert_int_equal(index_reader_lookup(idx, "ext4.", &v, NULL), -ENODATA);
	assert_int_equal(index_reader_lookup(idx, "ext44", &v, NULL), -ENODATA);
	assert_int_equal(index_reader_lookup(idx, "", &v, NULL), -ENODATA);
	/* Exact lookup returns the lowest priority. */
	assert_int_equal(index_reader_lookup(idx, "dup", &v, NULL), 0);
	assert_string_equal(v, "low");
	/* Patterns are literal keys for an exact lookup. */
	assert_int_equal(index_reader_lookup(idx, "usb:v?p0002*", &v, NULL), 0);
	index_reader_close(idx);
	free(o);
}

static void exact_pre_order(void **state) { exact_lookups(false); }
static void exact_post_order(void **state) { exact_lookups(true); }

static void expect_search(struct index_reader *idx, const char *key, const char *const *want,
			  size_t nwant)
{
	struct index_value *vals;
	size_t n;

	assert_int_equal(index_reader_search(idx, key, &vals, &n, NULL), 0);
	if (n != nwant)
		fail_msg("search '%s': %zu results, want %zu", key, n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(vals[i].value, want[i]);
	free(vals);
}

static void wildcard(bool post_order)
{
	struct out *o = build_index(entries, NENTRIES, post_order);
	struct index_reader *idx;

	assert_int_equal(index_reader_open_memory(o->buf, o->len, &idx, NULL), 0);
	{
		/* Three patterns match; ascending priority. */
		static const char *const want[] = { "specific", "e1000e", "generic_net" };
		expect_search(idx, "pci:v00008086d00001234sv00001028sd00000001bc02sc00i00", want, 3);
	}
	{
		static const char *const want[] = { "e1000e" };
		expect_search(idx, "pci:v00008086d00005678sv0sd0bc01sc00i00", want, 1);
	}
	{
		/* '?' and '[...]' patterns; equal priorities: the later-found first. */
		static const char *const want[] = { "usb_set", "usb_q" };
		expect_search(idx, "usb:v5p0002d0", want, 2);
	}
	{
		/* Stored as low, first, second; equal priorities come out in
		 * reverse order of discovery, as kmod returns them. */
		static const char *const want[] = { "low", "second", "first" };
		expect_search(idx, "dup", want, 3);
	}
	expect_search(idx, "usb:vxp0003", NULL, 0);
	expect_search(idx, "nothing", NULL, 0);
	{
		/* The search skips subtrees that can no longer match while the
		 * key is short ASCII, and falls back to fnmatch() alone for a
		 * key of 256 bytes or more, or one with a non-ASCII byte: the
		 * same answers either way. */
		static const char *const want[] = { "e1000e", "generic_net" };
		char key[400];

		snprintf(key, sizeof(key), "pci:v00008086d00005678sv%0300dsd0bc02sc00i00", 0);
		expect_search(idx, key, want, 2);
		expect_search(idx, "pci:v00008086d00005678sv\xc3\xa9sd0bc02sc00i00", want, 2);
		expect_search(idx, "pci:v00008086d00005678sv0sd0bc02sc00i00", want, 2);
		key[strlen(key) - 1] = '\0';	/* "i0" still matches "i*" */
		expect_search(idx, key, want, 2);
		snprintf(key, sizeof(key), "pci:v00008086d00005678sv%0300dsd0bc02sc01i00", 0);
		expect_search(idx, key, want, 1);
	}
	index_reader_close(idx);
	free(o);
}

static void wildcard_pre_order(void **state) { wildcard(false); }
static void wildcard_post_order(void **state) { wildcard(true); }

/* The 108-byte modules.builtin.bin kmod 34 writes for the keys "ext4" and
 * "unix", byte for byte. */
static void kmod_worked_example(void **state)
{
	uint8_t b[108] = { 0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x0C,
			   'e', 'u' };
	struct index_reader *idx;
	const char *v;

	memcpy(b + 0x0E, "\xC0\x00\x00\x52", 4);
	memcpy(b + 0x0E + 4 * ('u' - 'e'), "\xC0\x00\x00\x5F", 4);
	memcpy(b + 0x52, "xt4\0\0\0\0\1\0\0\0\0\0", 13);
	memcpy(b + 0x5F, "nix\0\0\0\0\1\0\0\0\0\0", 13);
	assert_int_equal(index_reader_open_memory(b, sizeof(b), &idx, NULL), 0);
	assert_int_equal(index_reader_lookup(idx, "ext4", &v, NULL), 0);
	assert_string_equal(v, "");
	assert_int_equal(index_reader_lookup(idx, "unix", &v, NULL), 0);
	assert_int_equal(index_reader_lookup(idx, "uni", &v, NULL), -ENODATA);
	assert_int_equal(index_reader_lookup(idx, "fat", &v, NULL), -ENODATA);
	index_reader_close(idx);
}

static void expect_corrupt_search(const uint8_t *b, size_t n, const char *key)
{
	struct index_reader *idx;
	struct index_value *vals;
	struct pmod_error err = { 0 };
	size_t count;
	const char *v;

	assert_int_equal(index_reader_open_memory(b, n, &idx, NULL), 0);
	assert_int_equal(index_reader_search(idx, key, &vals, &count, &err), -EBADMSG);
	assert_non_null(strstr(err.text, "corrupt index"));
	/* An exact lookup on the same data ends too, found or not. */
	int r = index_reader_lookup(idx, key, &v, NULL);
	assert_true(r == 0 || r == -ENODATA || r == -EBADMSG);
	index_reader_close(idx);
}

static void hostile_indexes(void **state)
{
	struct out *o = build_index(entries, NENTRIES, false);
	struct index_reader *idx;
	struct pmod_error err = { 0 };
	uint8_t *b = malloc(o->len);

	/* Header problems. */
	assert_int_equal(index_reader_open_memory(o->buf, 11, &idx, &err), -EBADMSG);
	memcpy(b, o->buf, o->len);
	b[0] ^= 1;
	assert_int_equal(index_reader_open_memory(b, o->len, &idx, &err), -EBADMSG);
	assert_non_null(strstr(err.text, "magic"));
	memcpy(b, o->buf, o->len);
	b[5] = 3;	/* version 3.x */
	assert_int_equal(index_reader_open_memory(b, o->len, &idx, &err), -EBADMSG);

	/* Root pointing past the end. */
	put_be32(o, 8, 0x20000000u | (uint32_t)(o->len + 5));
	memcpy(b, o->buf, o->len);
	expect_corrupt_search(b, o->len, "ext4");
	free(o);

	/* A child table that points back at the root: a cycle. */
	{
		uint8_t c[40] = { 0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x0C,
				  '*', '*', 0x20, 0x00, 0x00, 0x0C };
		expect_corrupt_search(c, 18, "anything");
	}
	/* An unterminated prefix at the end of the file. */
	{
		uint8_t c[16] = { 0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x80, 0x00, 0x00, 0x0C,
				  'a', 'b', 'c', 'd' };
		expect_corrupt_search(c, 16, "abcd");
	}
	/* A value count far beyond the file. */
	{
		uint8_t c[20] = { 0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x40, 0x00, 0x00, 0x0C,
				  0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
		expect_corrupt_search(c, 20, "");
	}
	/* A child range reaching beyond 7-bit ASCII. */
	{
		uint8_t c[20] = { 0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x0C,
				  'a', 0xff };
		expect_corrupt_search(c, 20, "a");
	}
	/* Every truncation of a valid index is handled. */
	o = build_index(entries, NENTRIES, true);
	for (size_t cut = 12; cut < o->len; cut++) {
		struct index_value *vals;
		size_t n;
		const char *v;
		uint8_t *t = malloc(cut);

		memcpy(t, o->buf, cut);
		if (index_reader_open_memory(t, cut, &idx, NULL) == 0) {
			if (index_reader_search(idx, "pci:v00008086d00001234sv1", &vals, &n, NULL) == 0)
				free(vals);
			index_reader_lookup(idx, "dup", &v, NULL);
			index_reader_close(idx);
		}
		free(t);
	}
	free(o);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_pre_order),
		cmocka_unit_test(exact_post_order),
		cmocka_unit_test(wildcard_pre_order),
		cmocka_unit_test(wildcard_post_order),
		cmocka_unit_test(kmod_worked_example),
		cmocka_unit_test(hostile_indexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
