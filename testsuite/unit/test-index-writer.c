// SPDX-License-Identifier: LGPL-2.1-or-later
/* The binary index writer: the 108 bytes kmod 34 writes for two keys, the
 * pre-order layout checked node by node, round trips through pmod's reader
 * on a few thousand generated keys against a model of kmod's semantics,
 * input errors and duplicates, the 256 MiB limit, and libkmod reading
 * indexes written here as the oracle. */
#include <errno.h>
#include <fnmatch.h>
#include <libkmod.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "bytes.h"
#include "index_reader.h"
#include "index_writer.h"

#define REF_PREFIX 0x80000000u
#define REF_VALUES 0x40000000u
#define REF_CHILDS 0x20000000u
#define REF_UNUSED 0x10000000u
#define REF_OFFSET 0x0FFFFFFFu
#define WILDCARDS "*?["

/* ------------------------------------------------------------ helpers */

static void serialize(const struct index_writer *w, uint8_t **data, size_t *size)
{
	assert_int_equal(index_writer_serialize(w, data, size), 0);
}

/* xorshift64*: the same corpus on every run and every machine. */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(2685821657736338717)) >> 32);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

/* ------------------------------------------------------------ layout check */

/* What a depth-first walk of the file finds: (key, priority, value) in
 * file order, which for a pre-order file is bytewise key order with each
 * key's values in stored order. */
struct dumped {
	char *key;
	uint32_t priority;
	const char *value;
};

struct dump {
	struct dumped *items;
	size_t count, cap;
	size_t nodes;
	char key[65536];
};

static void dump_free(struct dump *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->items[i].key);
	free(d->items);
	free(d);
}

/* Checks the node referenced by ref and its subtree, and returns where the
 * subtree ends. Pre-order without padding means every node starts exactly
 * where the previous one (its parent's own bytes or its previous sibling's
 * subtree) ended: `at`. */
static size_t check_node(struct dump *d, const uint8_t *data, size_t size, uint32_t ref,
			 size_t at, size_t klen, bool is_root)
{
	size_t off = ref & REF_OFFSET, p = off, table = 0;
	unsigned first = 0, last = 0, nchild = 0;

	d->nodes++;
	assert_int_equal(off, at);
	assert_true(off >= 12 && off <= size);
	assert_false(ref & REF_UNUSED);
	/* Only an empty root encodes as nothing. */
	if (!is_root)
		assert_true(ref & (REF_PREFIX | REF_VALUES | REF_CHILDS));
	if (ref & REF_PREFIX) {
		size_t len = strnlen((const char *)data + p, size - p);

		assert_true(len > 0 && len < size - p);
		assert_true(klen + len < sizeof(d->key));
		memcpy(d->key + klen, data + p, len);
		klen += len;
		p += len + 1;
	}
	d->key[klen] = '\0';
	if (ref & REF_CHILDS) {
		assert_true(size - p >= 2);
		first = data[p];
		last = data[p + 1];
		assert_true(first <= last && last < 128);
		p += 2;
		table = p;
		p += 4 * (size_t)(last - first + 1);
		assert_true(p <= size);
		/* The table spans exactly the bytes in use. */
		assert_int_not_equal(load_be32(data + table), 0);
		assert_int_not_equal(load_be32(data + table + 4 * (size_t)(last - first)), 0);
		for (unsigned c = first; c <= last; c++)
			nchild += load_be32(data + table + 4 * (size_t)(c - first)) != 0;
	}
	if (ref & REF_VALUES) {
		uint32_t count, prev = 0;

		assert_true(size - p >= 4);
		count = load_be32(data + p);
		p += 4;
		assert_true(count > 0);
		for (uint32_t k = 0; k < count; k++) {
			size_t len;

			assert_true(size - p >= 5);
			struct dumped item = { .priority = load_be32(data + p) };

			len = strnlen((const char *)data + p + 4, size - p - 4);
			assert_true(len < size - p - 4);
			item.value = (const char *)data + p + 4;
			item.key = xstrdup(d->key);
			assert_true(k == 0 || item.priority >= prev);
			prev = item.priority;
			if (d->count == d->cap) {
				d->cap = d->cap ? 2 * d->cap : 256;
				d->items = realloc(d->items, d->cap * sizeof(*d->items));
				assert_non_null(d->items);
			}
			d->items[d->count++] = item;
			p += 4 + len + 1;
		}
	} else if (!is_root && (ref & REF_CHILDS)) {
		/* Path compression: a node without values branches. */
		assert_true(nchild >= 2);
	}
	for (unsigned c = first; table != 0 && c <= last; c++) {
		uint32_t child = load_be32(data + table + 4 * (size_t)(c - first));

		if (child == 0)
			continue;
		assert_true((child & REF_OFFSET) > off);
		d->key[klen] = (char)c;
		p = check_node(d, data, size, child, p, klen + 1, false);
	}
	return p;
}

static struct dump *check_layout(const uint8_t *data, size_t size)
{
	struct dump *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	assert_true(size >= 12);
	assert_int_equal(load_be32(data), 0xB007F457u);
	assert_int_equal(load_be32(data + 4), 0x00020001u);
	assert_int_equal(load_be32(data + 8) & REF_OFFSET, 12);
	assert_int_equal(check_node(d, data, size, load_be32(data + 8), 12, 0, true), size);
	return d;
}

/* ------------------------------------------------------------ the model */

/* kmod's semantics, written down independently of any trie. */
struct entry {
	char *key, *value;
	uint32_t priority;
	size_t seq;			/* insertion order */
};

struct group {
	const char *key;
	size_t literal;			/* bytes before the first wildcard character */
	size_t len;
	size_t first, count;		/* in sorted[] */
};

struct model {
	struct entry *entries;
	size_t count, cap;
	struct entry *sorted;		/* by key, then in stored order */
	struct group *groups;
	size_t ngroups;
};

/* Returns what index_writer_add must: 1 when the value is already stored
 * under the key, whatever its priority. */
static int model_add(struct model *m, const char *key, const char *value, uint32_t priority)
{
	int dup = 0;

	for (size_t i = 0; i < m->count; i++)
		if (strcmp(m->entries[i].key, key) == 0 && strcmp(m->entries[i].value, value) == 0)
			dup = 1;
	if (m->count == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 1024;
		m->entries = realloc(m->entries, m->cap * sizeof(*m->entries));
		assert_non_null(m->entries);
	}
	m->entries[m->count] = (struct entry){ xstrdup(key), xstrdup(value), priority, m->count };
	m->count++;
	return dup;
}

/* Stored order: ascending priority, equal priorities newest first. */
static int cmp_stored(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->seq < y->seq ? 1 : -1;
}

static void model_finish(struct model *m)
{
	m->sorted = malloc((m->count ? m->count : 1) * sizeof(*m->sorted));
	m->groups = malloc((m->count ? m->count : 1) * sizeof(*m->groups));
	assert_non_null(m->sorted);
	assert_non_null(m->groups);
	memcpy(m->sorted, m->entries, m->count * sizeof(*m->sorted));
	qsort(m->sorted, m->count, sizeof(*m->sorted), cmp_stored);
	m->ngroups = 0;
	for (size_t i = 0; i < m->count; i++) {
		struct group *g = &m->groups[m->ngroups];

		if (m->ngroups > 0 && strcmp(g[-1].key, m->sorted[i].key) == 0) {
			g[-1].count++;
			continue;
		}
		g->key = m->sorted[i].key;
		g->len = strlen(g->key);
		g->literal = strcspn(g->key, WILDCARDS);
		g->first = i;
		g->count = 1;
		m->ngroups++;
	}
}

static void model_free(struct model *m)
{
	for (size_t i = 0; i < m->count; i++) {
		free(m->entries[i].key);
		free(m->entries[i].value);
	}
	free(m->entries);
	free(m->sorted);
	free(m->groups);
	memset(m, 0, sizeof(*m));
}

static const struct group *model_find(const struct model *m, const char *key)
{
	size_t lo = 0, hi = m->ngroups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->groups[mid].key, key);

		if (c == 0)
			return &m->groups[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The order kmod's walk discovers matching keys in. It descends along the
 * query, so a key whose literal part is shorter comes first. Keys with the
 * same literal part are found in one post-order walk below it: the '*',
 * '?' and '[' subtrees in byte order, each node after its children, and
 * the exact key (which has no wildcard) last. So a key that is a prefix of
 * another comes after it; otherwise bytewise order. */
static int cmp_discovery(const void *a, const void *b)
{
	const struct group *x = *(const struct group *const *)a, *y = *(const struct group *const *)b;

	if (x->literal != y->literal)
		return x->literal < y->literal ? -1 : 1;
	if (x->len < y->len && strncmp(x->key, y->key, x->len) == 0)
		return 1;
	if (y->len < x->len && strncmp(x->key, y->key, y->len) == 0)
		return -1;
	return strcmp(x->key, y->key);
}

struct hit {
	const struct entry *e;
	size_t discovered;
};

/* The merged result: ascending priority, equal priorities in reverse order
 * of discovery. */
static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->e->priority != y->e->priority)
		return x->e->priority < y->e->priority ? -1 : 1;
	return x->discovered < y->discovered ? 1 : -1;
}

/* What a wildcard search for query must return, malloc'ed. A node's values
 * are discovered in stored order, except by libkmod without loaded
 * resources (file_mode): it reads a node's values into a list with the
 * same insertion rule, which reverses each run of equal priorities. */
static struct hit *model_search(const struct model *m, const char *query, bool file_mode,
				size_t *count)
{
	const struct group **matched = malloc((m->ngroups + 1) * sizeof(*matched));
	size_t nmatched = 0, n = 0;
	struct hit *hits;

	assert_non_null(matched);
	for (size_t i = 0; i < m->ngroups; i++) {
		const struct group *g = &m->groups[i];

		if (strncmp(g->key, query, g->literal) != 0)
			continue;
		if (g->literal == g->len ? query[g->len] == '\0' :
					   fnmatch(g->key + g->literal, query + g->literal, 0) == 0)
			matched[nmatched++] = g;
	}
	qsort(matched, nmatched, sizeof(*matched), cmp_discovery);
	for (size_t i = 0; i < nmatched; i++)
		n += matched[i]->count;
	hits = malloc((n ? n : 1) * sizeof(*hits));
	assert_non_null(hits);
	n = 0;
	for (size_t i = 0; i < nmatched; i++) {
		const struct entry *e = &m->sorted[matched[i]->first];

		for (size_t k = 0, run; k < matched[i]->count; k += run) {
			for (run = 1; file_mode && k + run < matched[i]->count &&
				      e[k + run].priority == e[k].priority; run++)
				;
			for (size_t r = 0; r < run; r++) {
				hits[n].e = &e[k + (file_mode ? run - 1 - r : r)];
				hits[n].discovered = n;
				n++;
			}
		}
	}
	qsort(hits, n, sizeof(*hits), cmp_hit);
	free(matched);
	*count = n;
	return hits;
}

/* Adds to both the writer and the model; the return must agree. */
static void add_both(struct index_writer *w, struct model *m, const char *key, const char *value,
		     uint32_t priority)
{
	int expect = model_add(m, key, value, priority);

	assert_int_equal(index_writer_add(w, key, value, priority), expect);
}

/* The file holds exactly the model's entries, in bytewise key order and
 * stored value order. */
static void check_against_model(const uint8_t *data, size_t size, const struct model *m)
{
	struct dump *d = check_layout(data, size);

	assert_int_equal(d->count, m->count);
	for (size_t i = 0; i < d->count; i++) {
		assert_string_equal(d->items[i].key, m->sorted[i].key);
		assert_int_equal(d->items[i].priority, m->sorted[i].priority);
		assert_string_equal(d->items[i].value, m->sorted[i].value);
	}
	dump_free(d);
}

static void check_search(struct index_reader *idx, const struct model *m, const char *query)
{
	struct pmod_error err = { 0 };
	struct index_value *got;
	struct hit *want;
	size_t ngot, nwant;

	want = model_search(m, query, false, &nwant);
	assert_int_equal(index_reader_search(idx, query, &got, &ngot, &err), 0);
	if (ngot != nwant)
		fail_msg("search %s: %zu values, expected %zu", query, ngot, nwant);
	for (size_t i = 0; i < ngot; i++) {
		if (got[i].priority != want[i].e->priority ||
		    strcmp(got[i].value, want[i].e->value) != 0)
			fail_msg("search %s: value %zu is %u:%s, expected %u:%s (key %s)", query, i,
				 got[i].priority, got[i].value, want[i].e->priority,
				 want[i].e->value, want[i].e->key);
	}
	free(got);
	free(want);
}

static void check_lookup(struct index_reader *idx, const struct model *m, const char *key)
{
	const struct group *g = model_find(m, key);
	struct pmod_error err = { 0 };
	const char *value = NULL;
	int r = index_reader_lookup(idx, key, &value, &err);

	if (g == NULL) {
		assert_int_equal(r, -ENODATA);
		return;
	}
	assert_int_equal(r, 0);
	assert_string_equal(value, m->sorted[g->first].value);
}

/* ------------------------------------------------------------ generators */

static const char *const tokens[] = {
	"a", "ab", "snd", "hda", "intel", "codec", "usb", "storage", "serial", "net",
	"e1000", "e1000e", "i2c", "dev", "x", "xt", "tcp", "nf", "conntrack", "ip6",
	"bt", "btusb", "ext4", "unix", "hid", "core",
};
#define NTOKENS (sizeof(tokens) / sizeof(tokens[0]))

static void gen_name(char *buf, size_t size, unsigned max_tokens)
{
	unsigned n = 1 + rnd() % max_tokens;
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < n; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? "_" : "",
					tokens[rnd() % NTOKENS]);
}

/* Alias-like patterns: many share long literal prefixes, and several kinds
 * put the first wildcard at different depths. */
static void gen_pattern(char *buf, size_t size)
{
	static const unsigned vendors[] = { 0x8086, 0x10DE, 0x1002, 0x14E4, 0x10EC };
	unsigned v = vendors[rnd() % 5], d = 0x1000 + rnd() % 64;

	switch (rnd() % 13) {
	case 0:
		snprintf(buf, size, "pci:v%08Xd*sv*sd*bc*sc*i*", v);
		break;
	case 1:
		snprintf(buf, size, "pci:v%08Xd%08Xsv*sd*bc*sc*i*", v, d);
		break;
	case 2:
		snprintf(buf, size, "pci:v*d*sv*sd*bc%02Xsc%02Xi*", rnd() % 4, rnd() % 4);
		break;
	case 3:
		snprintf(buf, size, "usb:v%04Xp%04Xd*dc*dsc*dp*ic*isc*ip*in*", v, d);
		break;
	case 4:
		snprintf(buf, size, "usb:v*p*d*dc*dsc*dp*ic%02Xisc%02Xip*in*", rnd() % 4,
			 rnd() % 4);
		break;
	case 5:
		snprintf(buf, size, "acpi*:PNP%04X:*", rnd() % 32);
		break;
	case 6:
		snprintf(buf, size, "of:N*T*Cvendor,chip%u%s", rnd() % 20, rnd() % 2 ? "C*" : "");
		break;
	case 7:
		snprintf(buf, size, "platform:plat%u", rnd() % 100);
		break;
	case 8:
		snprintf(buf, size, "hid:b[0-9]*g*v%08Xp%08X", v, d);
		break;
	case 9:
		snprintf(buf, size, "i2c:chip?%u", rnd() % 30);
		break;
	/* Prefixes of cases 0 and 4, in the same wildcard subtrees. */
	case 10:
		snprintf(buf, size, "pci:v%08Xd*", v);
		break;
	case 11:
		snprintf(buf, size, "usb:v*p*d*");
		break;
	default:
		snprintf(buf, size, "alias%u%s", rnd() % 40, rnd() % 2 ? "*" : "");
		break;
	}
}

/* A concrete string the pattern matches: '*' becomes 0-3 hex digits, '?'
 * one, a bracket set its first member. */
static void instantiate(const char *pattern, char *buf, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (const char *p = pattern; *p && n + 4 < size; p++) {
		if (*p == '*') {
			for (unsigned k = rnd() % 4; k > 0; k--)
				buf[n++] = hex[rnd() % 16];
		} else if (*p == '?') {
			buf[n++] = hex[rnd() % 16];
		} else if (*p == '[') {
			buf[n++] = p[1];
			p = strchr(p, ']');
		} else {
			buf[n++] = *p;
		}
	}
	buf[n] = '\0';
}

/* A modules.dep-like line of about `deps` entries. */
static void gen_depline(char *buf, size_t size, const char *name, unsigned deps)
{
	size_t len = (size_t)snprintf(buf, size, "kernel/drivers/%s.ko:", name);

	for (unsigned k = 0; k < deps && len + 64 < size; k++)
		len += (size_t)snprintf(buf + len, size - len, " kernel/drivers/dep/%s_%u.ko",
					tokens[rnd() % NTOKENS], rnd() % 1000);
}

/* ------------------------------------------------------------ tests */

static const uint8_t worked_example[108] = {
	0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x0C,
	0x65, 0x75,
	0xC0, 0x00, 0x00, 0x52,				/* 'e' */
	[0x12 ... 0x4D] = 0,				/* 'f'..'t' */
	0xC0, 0x00, 0x00, 0x5F,				/* 'u' */
	'x', 't', '4', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
	'n', 'i', 'x', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
};

static void kmod_worked_example(void **state)
{
	static const char *const orders[2][2] = { { "ext4", "unix" }, { "unix", "ext4" } };

	for (int o = 0; o < 2; o++) {
		struct index_writer *w;
		struct dump *d;
		uint8_t *data;
		size_t size;

		assert_int_equal(index_writer_new(&w), 0);
		assert_int_equal(index_writer_add(w, orders[o][0], "", 0), 0);
		assert_int_equal(index_writer_add(w, orders[o][1], "", 0), 0);
		serialize(w, &data, &size);
		assert_int_equal(size, sizeof(worked_example));
		assert_memory_equal(data, worked_example, sizeof(worked_example));
		d = check_layout(data, size);
		assert_int_equal(d->nodes, 3);
		dump_free(d);
		free(data);
		index_writer_free(w);
	}
}

static void empty_index(void **state)
{
	static const uint8_t header[12] = {
		0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0C,
	};
	struct pmod_error err = { 0 };
	struct index_writer *w;
	struct index_reader *idx;
	struct index_value *values;
	const char *value;
	uint8_t *data;
	size_t size, count;

	assert_int_equal(index_writer_new(&w), 0);
	serialize(w, &data, &size);
	assert_int_equal(size, 12);
	assert_memory_equal(data, header, 12);
	assert_int_equal(index_reader_open_memory(data, size, &idx, &err), 0);
	assert_int_equal(index_reader_lookup(idx, "", &value, &err), -ENODATA);
	assert_int_equal(index_reader_lookup(idx, "ext4", &value, &err), -ENODATA);
	assert_int_equal(index_reader_search(idx, "ext4", &values, &count, &err), 0);
	assert_int_equal(count, 0);
	free(values);
	index_reader_close(idx);
	free(data);
	index_writer_free(w);
	index_writer_free(NULL);
}

/* Splits at every position of an existing prefix, keys that are prefixes of
 * others, the empty key at the root, and the exact bytes of a small file. */
static void node_splitting(void **state)
{
	static const uint8_t expect[] = {
		0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x20, 0x00, 0x00, 0x0C,
		/* @12 root: child 'a' */
		'a', 'a', 0xE0, 0x00, 0x00, 0x12,
		/* @18 "a" + "bc": child 'd', value "1" */
		'b', 'c', 0, 'd', 'd', 0x40, 0x00, 0x00, 0x25, 0, 0, 0, 1, 0, 0, 0, 7, '1', 0,
		/* @37 "abcd": value "2" */
		0, 0, 0, 1, 0, 0, 0, 3, '2', 0,
	};
	struct index_writer *w;
	struct model m = { 0 };
	uint8_t *data;
	size_t size;

	/* "abcd" then "abc": a split that leaves values on the upper half. */
	assert_int_equal(index_writer_new(&w), 0);
	add_both(w, &m, "abcd", "2", 3);
	add_both(w, &m, "abc", "1", 7);
	serialize(w, &data, &size);
	assert_int_equal(size, sizeof(expect));
	assert_memory_equal(data, expect, sizeof(expect));
	free(data);
	index_writer_free(w);
	model_free(&m);

	/* Every divergence point of a long prefix, in both orders. */
	for (int reverse = 0; reverse < 2; reverse++) {
		static const char base[] = "abcdefgh";
		char key[16];

		assert_int_equal(index_writer_new(&w), 0);
		add_both(w, &m, "", "root", 1);
		for (int k = 0; k <= 8; k++) {
			int len = reverse ? 8 - k : k;

			memcpy(key, base, (size_t)len);
			key[len] = '\0';
			add_both(w, &m, key, key, (uint32_t)len);
			key[len] = 'Z';
			key[len + 1] = '\0';
			add_both(w, &m, key, "z", 0);
		}
		add_both(w, &m, "", "root0", 0);
		model_finish(&m);
		serialize(w, &data, &size);
		check_against_model(data, size, &m);
		free(data);
		index_writer_free(w);
		model_free(&m);
	}
}

static void values_order_and_duplicates(void **state)
{
	static const struct { const char *value; uint32_t prio; int ret; } adds[] = {
		{ "v1", 5, 0 }, { "v2", 1, 0 }, { "v3", 5, 0 }, { "v4", 1, 0 }, { "v5", 0, 0 },
		{ "v1", 5, 1 },		/* identical pair */
		{ "v2", 9, 1 },		/* same value, another priority */
		{ "", 3, 0 }, { "", 3, 1 },
	};
	static const struct { const char *value; uint32_t prio; } stored[] = {
		{ "v5", 0 }, { "v4", 1 }, { "v2", 1 }, { "", 3 }, { "", 3 },
		{ "v1", 5 }, { "v3", 5 }, { "v1", 5 }, { "v2", 9 },
	};
	struct index_writer *w;
	struct dump *d;
	uint8_t *data;
	size_t size;

	assert_int_equal(index_writer_new(&w), 0);
	for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		assert_int_equal(index_writer_add(w, "key", adds[i].value, adds[i].prio), adds[i].ret);
	/* The same value under another key is no duplicate. */
	assert_int_equal(index_writer_add(w, "ke", "v1", 5), 0);
	assert_int_equal(index_writer_add(w, "key2", "v1", 5), 0);
	serialize(w, &data, &size);
	d = check_layout(data, size);
	assert_int_equal(d->count, 2 + sizeof(stored) / sizeof(stored[0]));
	assert_string_equal(d->items[0].key, "ke");
	for (size_t i = 0; i < sizeof(stored) / sizeof(stored[0]); i++) {
		assert_string_equal(d->items[1 + i].key, "key");
		assert_string_equal(d->items[1 + i].value, stored[i].value);
		assert_int_equal(d->items[1 + i].priority, stored[i].prio);
	}
	assert_string_equal(d->items[d->count - 1].key, "key2");
	dump_free(d);
	free(data);
	index_writer_free(w);
}

static void bad_characters(void **state)
{
	static const uint8_t empty[12] = {
		0xB0, 0x07, 0xF4, 0x57, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0C,
	};
	struct index_writer *w;
	uint8_t *data;
	size_t size;

	assert_int_equal(index_writer_new(&w), 0);
	assert_int_equal(index_writer_add(w, "caf\xc3\xa9", "x", 0), -EINVAL);
	assert_int_equal(index_writer_add(w, "\x80", "x", 0), -EINVAL);
	assert_int_equal(index_writer_add(w, "ok", "mod\xff", 0), -EINVAL);
	assert_int_equal(index_writer_add(w, "\xfe" "abc", "\xfe", 0), -EINVAL);
	/* Nothing was stored. */
	serialize(w, &data, &size);
	assert_int_equal(size, 12);
	assert_memory_equal(data, empty, 12);
	free(data);
	/* DEL is 7-bit; a failed add leaves the writer usable. */
	assert_int_equal(index_writer_add(w, "ok\x7f", "\x01\x7f", 0), 0);
	assert_int_equal(index_writer_add(w, "ok\x80", "x", 0), -EINVAL);
	serialize(w, &data, &size);
	assert_int_equal(size, 12 + 6 + 3 + 4 + 4 + 3);
	free(data);
	index_writer_free(w);
}

/* About 4,200 adds (names, alias patterns, modules.dep-like lines, re-added
 * pairs, wildcards at the root, a 20 KB key and a 40 KB value) through the
 * writer and pmod's reader, checked against the model, which the libkmod
 * test below holds to kmod's own behaviour. */
static void generated_round_trip(void **state)
{
	struct index_writer *w, *w2;
	struct model m = { 0 };
	struct pmod_error err = { 0 };
	struct index_reader *idx;
	uint8_t *data, *data2;
	size_t size, size2;
	char key[512], value[8192], query[512];
	char *long_key, *long_value;

	rng_state = 0x9E3779B97F4A7C15u;
	assert_int_equal(index_writer_new(&w), 0);
	add_both(w, &m, "", "empty-key", 2);
	for (int i = 0; i < 2500; i++) {
		gen_name(key, sizeof(key), 4);
		if (rnd() % 16 == 0)
			gen_depline(value, sizeof(value), key, 20 + rnd() % 120);
		else
			snprintf(value, sizeof(value), "mod%u", rnd() % 3000);
		add_both(w, &m, key, value, rnd() % 4);
	}
	for (int i = 0; i < 1500; i++) {
		gen_pattern(key, sizeof(key));
		snprintf(value, sizeof(value), "mod%u", rnd() % 300);
		add_both(w, &m, key, value, rnd() % 4);
	}
	/* Re-adds of earlier pairs, some with another priority. */
	for (int i = 0; i < 200; i++) {
		const struct entry *e = &m.entries[rnd() % m.count];

		snprintf(key, sizeof(key), "%s", e->key);
		snprintf(value, sizeof(value), "%s", e->value);
		add_both(w, &m, key, value, rnd() % 2 ? e->priority : rnd() % 4);
	}
	/* Wildcards at the root, and a key and a value bigger than the
	 * writer's arena chunks. */
	add_both(w, &m, "*zz", "star", 1);
	add_both(w, &m, "?", "any1", 1);
	add_both(w, &m, "[xy]*q", "bracket", 0);
	long_key = malloc(20001);
	long_value = malloc(40001);
	assert_non_null(long_key);
	assert_non_null(long_value);
	memset(long_key, 'q', 20000);
	long_key[20000] = '\0';
	memset(long_value, 'v', 40000);
	long_value[40000] = '\0';
	add_both(w, &m, long_key, long_value, 0);
	add_both(w, &m, "qq", long_value, 1);
	model_finish(&m);

	serialize(w, &data, &size);
	check_against_model(data, size, &m);
	assert_int_equal(index_reader_open_memory(data, size, &idx, &err), 0);

	/* Exact lookups: every key, and near misses of it. */
	for (size_t i = 0; i < m.ngroups; i++) {
		const char *k = m.groups[i].key;
		size_t len = m.groups[i].len;

		check_lookup(idx, &m, k);
		if (len > 0 && len < sizeof(key) - 2) {
			memcpy(key, k, len - 1);
			key[len - 1] = '\0';
			check_lookup(idx, &m, key);
			snprintf(key, sizeof(key), "%s_", k);
			check_lookup(idx, &m, key);
		}
	}
	/* Wildcard searches: literal keys, concrete strings for patterns,
	 * and strings that match little or nothing. */
	for (size_t i = 0; i < m.ngroups; i++) {
		const struct group *g = &m.groups[i];

		if (g->len >= sizeof(query))
			continue;
		if (g->literal == g->len) {
			check_search(idx, &m, g->key);
			continue;
		}
		for (int k = 0; k < 3; k++) {
			instantiate(g->key, query, sizeof(query));
			check_search(idx, &m, query);
		}
	}
	check_search(idx, &m, long_key);
	check_search(idx, &m, "");
	check_search(idx, &m, "x");
	check_search(idx, &m, "xzq");
	check_search(idx, &m, "pci:v");
	check_search(idx, &m, "pci:v00008086d00001000sv00001028sd00000001bc02sc00i00");
	check_search(idx, &m, "usb:v8086p1001d0100dc00dsc00dp00ic03isc01ip01in00");
	check_search(idx, &m, "acpi:PNP0003:");
	check_search(idx, &m, "nothing-like-it");
	index_reader_close(idx);

	/* The same adds in the same order give the same bytes. */
	assert_int_equal(index_writer_new(&w2), 0);
	for (size_t i = 0; i < m.count; i++)
		index_writer_add(w2, m.entries[i].key, m.entries[i].value, m.entries[i].priority);
	serialize(w2, &data2, &size2);
	assert_int_equal(size2, size);
	assert_memory_equal(data2, data, size);

	free(data2);
	free(data);
	free(long_key);
	free(long_value);
	index_writer_free(w2);
	index_writer_free(w);
	model_free(&m);
}

/* The largest file the 28-bit offsets allow is written; one byte more is
 * -EFBIG. Needs about 0.5 GiB for a moment. */
static void size_limit(void **state)
{
	const size_t chunk = (size_t)1 << 24;
	struct pmod_error err = { 0 };
	struct index_writer *w;
	struct index_reader *idx;
	const char *value;
	uint8_t *data;
	size_t size;
	char *big = malloc(chunk);

	assert_non_null(big);
	memset(big, 'b', chunk - 1);
	big[chunk - 1] = '\0';
	assert_int_equal(index_writer_new(&w), 0);
	/* header 12, root table 2 + 4, count 4, then 5 bytes + text per value:
	 * 15 values of 2^24 bytes and one of 2^24 - 27 total exactly 2^28. */
	big[chunk - 5] = '\0';
	for (int k = 0; k < 15; k++)
		assert_int_equal(index_writer_add(w, "a", big, 1), k > 0);
	big[chunk - 5] = 'b';
	big[chunk - 27] = '\0';
	assert_int_equal(index_writer_add(w, "a", big, 0), 0);
	serialize(w, &data, &size);
	assert_int_equal(size, (size_t)1 << 28);
	assert_int_equal(index_reader_open_memory(data, size, &idx, &err), 0);
	assert_int_equal(index_reader_lookup(idx, "a", &value, &err), 0);
	assert_int_equal(strlen(value), chunk - 27);
	index_reader_close(idx);
	free(data);

	assert_int_equal(index_writer_add(w, "a", "", 2), 0);
	assert_int_equal(index_writer_serialize(w, &data, &size), -EFBIG);
	index_writer_free(w);
	free(big);
}

/* ------------------------------------------------------------ libkmod */

struct tree {
	char top[64];
	char dir[128];
};

static void write_index(const struct tree *t, const char *name, const struct index_writer *w)
{
	char path[PATH_MAX];
	uint8_t *data;
	size_t size;
	FILE *f;

	serialize(w, &data, &size);
	dump_free(check_layout(data, size));
	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	free(data);
}

#define ORACLE_MODULES 300
#define ORACLE_BUILTIN 40

struct oracle {
	char names[ORACLE_MODULES + ORACLE_BUILTIN][96];
	unsigned ndeps[ORACLE_MODULES];
	char deps[ORACLE_MODULES][8][96];
};

/* libkmod stats every dependency's file, so the module files exist (empty). */
static void tree_touch(const struct tree *t, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kernel/drivers/%s.ko", t->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fclose(f), 0);
}

static void tree_remove(const struct tree *t, const struct oracle *o)
{
	static const char *const files[] = {
		"modules.dep.bin", "modules.alias.bin", "modules.symbols.bin",
		"modules.builtin.bin", "modules.builtin.alias.bin",
	};
	static const char *const dirs[] = {
		"/lib/modules/9.9.9/kernel/drivers", "/lib/modules/9.9.9/kernel",
		"/lib/modules/9.9.9", "/lib/modules", "/lib", "",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, files[i]);
		unlink(path);
	}
	for (unsigned i = 0; i < ORACLE_MODULES; i++) {
		snprintf(path, sizeof(path), "%s/kernel/drivers/%s.ko", t->dir, o->names[i]);
		unlink(path);
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", t->top, dirs[i]);
		rmdir(path);
	}
}

static bool known_name(const struct oracle *o, unsigned n, const char *name)
{
	for (unsigned k = 0; k < n; k++)
		if (strcmp(o->names[k], name) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* libkmod's answer for a request, as module names in list order. */
static size_t kmod_names(struct kmod_ctx *ctx, const char *request, char ***names,
			 struct kmod_list **mods)
{
	struct kmod_list *l;
	size_t n = 0;

	*mods = NULL;
	assert_int_equal(kmod_module_new_from_lookup(ctx, request, mods), 0);
	kmod_list_foreach(l, *mods)
		n++;
	*names = calloc(n + 1, sizeof(**names));
	assert_non_null(*names);
	n = 0;
	kmod_list_foreach(l, *mods) {
		struct kmod_module *mod = kmod_module_get_module(l);

		(*names)[n++] = xstrdup(kmod_module_get_name(mod));
		kmod_module_unref(mod);
	}
	return n;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A request resolved through the alias or symbol index: libkmod's modules
 * are the model's values, in the model's order. */
static void oracle_search(struct kmod_ctx *ctx, const struct model *m, const char *request,
			  bool file_mode, size_t *total)
{
	struct kmod_list *mods;
	struct hit *want;
	size_t nwant, ngot;
	char **got;

	want = model_search(m, request, file_mode, &nwant);
	ngot = kmod_names(ctx, request, &got, &mods);
	if (ngot != nwant)
		fail_msg("libkmod (%s): %s gives %zu modules, expected %zu",
			 file_mode ? "file" : "mmap", request, ngot, nwant);
	for (size_t i = 0; i < ngot; i++)
		if (strcmp(got[i], want[i].e->value) != 0)
			fail_msg("libkmod (%s): %s: module %zu is %s, expected %s",
				 file_mode ? "file" : "mmap", request, i, got[i], want[i].e->value);
	*total += ngot;
	free_names(got, ngot);
	kmod_module_unref_list(mods);
	free(want);
}

/* libkmod over the tree: names, aliases and symbols resolve to the model's
 * modules in the model's order. file_mode: without kmod_load_resources,
 * libkmod reads the indexes with stdio instead of mapping them. */
static void oracle_check(const struct oracle *o, const struct tree *t, const struct model *aliases,
			 const struct model *symbols, bool file_mode)
{
	static const char *const no_config[] = { NULL };
	struct kmod_ctx *ctx = kmod_new(t->dir, no_config);
	size_t found = 0;
	char buf[512];

	assert_non_null(ctx);
	if (!file_mode)
		assert_int_equal(kmod_load_resources(ctx), 0);

	/* Module names: one module, with its path and its dependencies. */
	for (unsigned i = 0; i < ORACLE_MODULES + ORACLE_BUILTIN; i++) {
		struct kmod_list *mods, *l, *deps;
		struct kmod_module *mod;
		const char *want_deps[8];
		char **got, *got_deps[8], path[PATH_MAX + 128];
		size_t ngot, nd = 0;

		ngot = kmod_names(ctx, o->names[i], &got, &mods);
		if (ngot != 1 || strcmp(got[0], o->names[i]) != 0)
			fail_msg("libkmod: %s gives %zu modules (%s)", o->names[i], ngot,
				 ngot ? got[0] : "");
		found++;
		mod = kmod_module_get_module(mods);
		if (i < ORACLE_MODULES) {
			snprintf(path, sizeof(path), "%s/kernel/drivers/%s.ko", t->dir, o->names[i]);
			assert_non_null(kmod_module_get_path(mod));
			assert_string_equal(kmod_module_get_path(mod), path);
			deps = kmod_module_get_dependencies(mod);
			kmod_list_foreach(l, deps) {
				struct kmod_module *d = kmod_module_get_module(l);

				assert_true(nd < 8);
				got_deps[nd] = xstrdup(kmod_module_get_name(d));
				want_deps[nd] = o->deps[i][nd];
				nd++;
				kmod_module_unref(d);
			}
			kmod_module_unref_list(deps);
			assert_int_equal(nd, o->ndeps[i]);
			/* Compared as sets: the order is libkmod's business. */
			qsort(got_deps, nd, sizeof(got_deps[0]), cmp_str);
			qsort(want_deps, nd, sizeof(want_deps[0]), cmp_str);
			for (size_t k = 0; k < nd; k++) {
				assert_string_equal(got_deps[k], want_deps[k]);
				free(got_deps[k]);
			}
		}
		kmod_module_unref(mod);
		free_names(got, ngot);
		kmod_module_unref_list(mods);
	}

	/* Aliases: concrete strings for every stored pattern, the same ones
	 * in both modes. */
	rng_state = 0x5851F42D4C957F2Du;
	for (size_t i = 0; i < aliases->ngroups; i++)
		for (int k = 0; k < 2; k++) {
			instantiate(aliases->groups[i].key, buf, sizeof(buf));
			oracle_search(ctx, aliases, buf, file_mode, &found);
		}
	for (size_t i = 0; i < symbols->ngroups; i++)
		oracle_search(ctx, symbols, symbols->groups[i].key, file_mode, &found);
	oracle_search(ctx, aliases, "usb:v1p2d3dc4", file_mode, &found);
	oracle_search(ctx, aliases, "pci:v00008086d00001000sv00001028sd00000001bc02sc00i00",
		      file_mode, &found);
	oracle_search(ctx, aliases, "pci:v0000FFFFd0000FFFFsv0sd0bc09sc09i00", file_mode, &found);
	oracle_search(ctx, aliases, "acpi:PNP0A03:", file_mode, &found);
	oracle_search(ctx, symbols, "symbol:no_such_symbol", file_mode, &found);
	oracle_search(ctx, aliases, "no_such_module", file_mode, &found);
	assert_true(found > 1000);
	kmod_unref(ctx);
}

static void libkmod_oracle(void **state)
{
	/* Pairs of modules share a priority; these put equal priorities on
	 * a pattern and its extension in one wildcard subtree, and on one
	 * key. */
	static const struct { unsigned module; const char *key; } fixed[] = {
		{ 0, "usb:v*p*d*" }, { 1, "usb:v*p*d*dc*" },
		{ 2, "pci:v00008086d*sv*sd*bc*sc*i*" }, { 3, "pci:v00008086d*" },
		{ 4, "acpi*:PNP0A03:*" }, { 5, "acpi*:PNP0A03:*" },
	};
	struct oracle *o = calloc(1, sizeof(*o));
	struct model aliases = { 0 }, symbols = { 0 };
	struct index_writer *dep, *alias, *symbol, *builtin, *builtin_alias;
	struct {
		unsigned module;
		char key[256];
	} *pairs;
	size_t npairs = 0;
	struct tree t;
	char line[8192], buf[512];

	assert_non_null(o);
	pairs = calloc(4000, sizeof(*pairs));
	assert_non_null(pairs);
	rng_state = 0xD1B54A32D192ED03u;
	snprintf(t.top, sizeof(t.top), "/tmp/pmod-index-writer-XXXXXX");
	assert_non_null(mkdtemp(t.top));
	for (const char *sub = "/lib\0/lib/modules\0/lib/modules/9.9.9\0"
			       "/lib/modules/9.9.9/kernel\0/lib/modules/9.9.9/kernel/drivers\0";
	     *sub; sub += strlen(sub) + 1) {
		snprintf(t.dir, sizeof(t.dir), "%s%s", t.top, sub);
		assert_int_equal(mkdir(t.dir, 0755), 0);
	}
	snprintf(t.dir, sizeof(t.dir), "%s/lib/modules/9.9.9", t.top);

	/* Unique names sharing prefixes ("snd", "snd_hda", ...); the last
	 * ones are built in. */
	for (unsigned n = 0; n < ORACLE_MODULES + ORACLE_BUILTIN;) {
		gen_name(o->names[n], sizeof(o->names[0]), 3);
		if (!known_name(o, n, o->names[n]))
			n++;
	}

	assert_int_equal(index_writer_new(&dep), 0);
	assert_int_equal(index_writer_new(&alias), 0);
	assert_int_equal(index_writer_new(&symbol), 0);
	assert_int_equal(index_writer_new(&builtin), 0);
	assert_int_equal(index_writer_new(&builtin_alias), 0);

	/* modules.dep.bin in array order as depmod does it. */
	for (unsigned i = 0; i < ORACLE_MODULES; i++) {
		size_t len = (size_t)snprintf(line, sizeof(line), "kernel/drivers/%s.ko:",
					      o->names[i]);

		tree_touch(&t, o->names[i]);
		o->ndeps[i] = 0;
		for (unsigned k = rnd() % 9; k > 0; k--) {
			const char *d = o->names[rnd() % ORACLE_MODULES];
			bool seen = d == o->names[i];

			/* Distinct dependencies, not the module itself. */
			for (unsigned e = 0; e < o->ndeps[i]; e++)
				seen |= strcmp(o->deps[i][e], d) == 0;
			if (seen)
				continue;
			memcpy(o->deps[i][o->ndeps[i]++], d, strlen(d) + 1);
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						" kernel/drivers/%s.ko", d);
		}
		assert_int_equal(index_writer_add(dep, o->names[i], line, i), 0);
	}
	for (unsigned i = ORACLE_MODULES; i < ORACLE_MODULES + ORACLE_BUILTIN; i++)
		assert_int_equal(index_writer_add(builtin, o->names[i], "", 0), 0);

	/* Aliases and symbols, some shared between modules, added in a
	 * shuffled order. */
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		pairs[npairs].module = fixed[i].module;
		snprintf(pairs[npairs++].key, sizeof(pairs[0].key), "%s", fixed[i].key);
	}
	for (unsigned i = 0; i < ORACLE_MODULES; i++) {
		for (unsigned k = rnd() % 4; k > 0; k--) {
			pairs[npairs].module = i;
			if (rnd() % 5 == 0)
				memcpy(pairs[npairs].key, pairs[rnd() % npairs].key,
				       sizeof(pairs[0].key));
			else
				gen_pattern(pairs[npairs].key, sizeof(pairs[0].key));
			npairs++;
		}
	}
	for (size_t i = npairs; i > 1; i--) {
		size_t j = rnd() % i;
		unsigned mod = pairs[i - 1].module;

		memcpy(buf, pairs[i - 1].key, sizeof(pairs[0].key));
		pairs[i - 1] = pairs[j];
		pairs[j].module = mod;
		memcpy(pairs[j].key, buf, sizeof(pairs[0].key));
	}
	for (size_t i = 0; i < npairs; i++)
		add_both(alias, &aliases, pairs[i].key, o->names[pairs[i].module],
			 pairs[i].module / 2);
	for (unsigned i = 0; i < ORACLE_MODULES; i++) {
		for (unsigned k = rnd() % 5; k > 0; k--) {
			if (symbols.count > 0 && rnd() % 8 == 0)
				snprintf(buf, sizeof(buf), "%s",
					 symbols.entries[rnd() % symbols.count].key);
			else
				snprintf(buf, sizeof(buf), "symbol:%s_%s_%u",
					 tokens[rnd() % NTOKENS], tokens[rnd() % NTOKENS],
					 rnd() % 50);
			add_both(symbol, &symbols, buf, o->names[i], i / 2);
		}
	}
	model_finish(&aliases);
	model_finish(&symbols);

	write_index(&t, "modules.dep.bin", dep);
	write_index(&t, "modules.alias.bin", alias);
	write_index(&t, "modules.symbols.bin", symbol);
	write_index(&t, "modules.builtin.bin", builtin);
	write_index(&t, "modules.builtin.alias.bin", builtin_alias);

	oracle_check(o, &t, &aliases, &symbols, true);
	oracle_check(o, &t, &aliases, &symbols, false);

	tree_remove(&t, o);
	index_writer_free(dep);
	index_writer_free(alias);
	index_writer_free(symbol);
	index_writer_free(builtin);
	index_writer_free(builtin_alias);
	model_free(&aliases);
	model_free(&symbols);
	free(pairs);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kmod_worked_example),
		cmocka_unit_test(empty_index),
		cmocka_unit_test(node_splitting),
		cmocka_unit_test(values_order_and_duplicates),
		cmocka_unit_test(bad_characters),
		cmocka_unit_test(generated_round_trip),
		cmocka_unit_test(size_limit),
		cmocka_unit_test(libkmod_oracle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
