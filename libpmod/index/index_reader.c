// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
#include "growable_array.h"
#include "index_reader.h"
#include "mapped_file.h"

#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION_MAJOR 2
#define HEADER_SIZE 12
#define REF_PREFIX 0x80000000u
#define REF_VALUES 0x40000000u
#define REF_CHILDS 0x20000000u
#define REF_OFFSET 0x0FFFFFFFu
/* Longest pattern assembled while walking a wildcard subtree (real alias
 * patterns are a few hundred bytes); it also bounds the recursion depth. */
#define MAX_PATTERN 4096

struct index_reader {
	struct mapped_file map;
	bool owns_map;
	const uint8_t *data;
	size_t size;
	uint32_t root;
};

struct index_node {
	const char *prefix;
	size_t prefix_len;
	unsigned first, last;
	const uint8_t *children;	/* NULL when none */
	uint32_t value_count;
	const uint8_t *values;
};

static int corrupt(struct pmod_error *err, const char *what, uint32_t off)
{
	return pmod_fail(err, -EBADMSG, "corrupt index: %s at offset %u", what, off);
}

static int node_read(const struct index_reader *idx, uint32_t ref, struct index_node *n,
		     struct pmod_error *err)
{
	uint32_t off = ref & REF_OFFSET;
	size_t p = off;

	memset(n, 0, sizeof(*n));
	n->prefix = "";
	if (off < HEADER_SIZE || off > idx->size)
		return corrupt(err, "node reference out of range", off);
	if (ref & REF_PREFIX) {
		const uint8_t *nul = memchr(idx->data + p, '\0', idx->size - p);

		if (nul == NULL)
			return corrupt(err, "unterminated prefix", off);
		n->prefix = (const char *)idx->data + p;
		n->prefix_len = (size_t)(nul - (idx->data + p));
		p += n->prefix_len + 1;
	}
	if (ref & REF_CHILDS) {
		if (idx->size - p < 2)
			return corrupt(err, "truncated child table", off);
		n->first = idx->data[p];
		n->last = idx->data[p + 1];
		if (n->first > n->last || n->last >= 128)
			return corrupt(err, "bad child range", off);
		p += 2;
		if ((idx->size - p) / 4 < n->last - n->first + 1)
			return corrupt(err, "truncated child table", off);
		n->children = idx->data + p;
		p += 4 * (size_t)(n->last - n->first + 1);
	}
	if (ref & REF_VALUES) {
		if (idx->size - p < 4)
			return corrupt(err, "truncated value list", off);
		n->value_count = load_be32(idx->data + p);
		p += 4;
		/* Each value takes at least 5 bytes (priority and NUL). */
		if (n->value_count > (idx->size - p) / 5)
			return corrupt(err, "value count larger than the file", off);
		n->values = idx->data + p;
	}
	return 0;
}

/* The value list is walked with every string checked for its NUL. */
static int value_next(const struct index_reader *idx, const uint8_t **pos,
		      struct index_value *v, struct pmod_error *err)
{
	size_t p = (size_t)(*pos - idx->data);
	const uint8_t *nul;

	if (idx->size - p < 5)
		return corrupt(err, "truncated value", (uint32_t)p);
	v->priority = load_be32(idx->data + p);
	nul = memchr(idx->data + p + 4, '\0', idx->size - p - 4);
	if (nul == NULL)
		return corrupt(err, "unterminated value", (uint32_t)p);
	v->value = (const char *)idx->data + p + 4;
	*pos = nul + 1;
	return 0;
}

static uint32_t child_ref(const struct index_node *n, unsigned char c)
{
	if (n->children == NULL || c < n->first || c > n->last)
		return 0;
	return load_be32(n->children + 4 * (size_t)(c - n->first));
}

static int attach(struct index_reader *idx, struct pmod_error *err)
{
	if (idx->size < HEADER_SIZE)
		return pmod_fail(err, -EBADMSG, "corrupt index: %zu bytes is shorter than the header",
				 idx->size);
	if (load_be32(idx->data) != INDEX_MAGIC)
		return pmod_fail(err, -EBADMSG, "not a module index (bad magic)");
	if (load_be32(idx->data + 4) >> 16 != INDEX_VERSION_MAJOR)
		return pmod_fail(err, -EBADMSG, "unsupported index version %u",
				 load_be32(idx->data + 4) >> 16);
	idx->root = load_be32(idx->data + 8);
	return 0;
}

int index_reader_open(const char *path, struct index_reader **out, struct pmod_error *err)
{
	struct index_reader *idx = calloc(1, sizeof(*idx));
	int r;

	if (idx == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	r = mapped_file_map(path, &idx->map, err);
	if (r == 0 && idx->map.size == 0)
		r = pmod_fail(err, -ENODATA, "index is empty");
	if (r == 0) {
		idx->owns_map = true;
		idx->data = idx->map.data;
		idx->size = idx->map.size;
		r = attach(idx, err);
	}
	if (r < 0) {
		index_reader_close(idx);
		return r;
	}
	*out = idx;
	return 0;
}

int index_reader_open_memory(const void *data, size_t size, struct index_reader **out,
			     struct pmod_error *err)
{
	struct index_reader *idx = calloc(1, sizeof(*idx));
	int r;

	if (idx == NULL)
		return pmod_fail(err, -ENOMEM, "out of memory");
	idx->data = data;
	idx->size = size;
	r = attach(idx, err);
	if (r < 0) {
		free(idx);
		return r;
	}
	*out = idx;
	return 0;
}

void index_reader_close(struct index_reader *idx)
{
	if (idx == NULL)
		return;
	if (idx->owns_map)
		mapped_file_unmap(&idx->map);
	free(idx);
}

int index_reader_lookup(struct index_reader *idx, const char *key, const char **value,
			struct pmod_error *err)
{
	uint32_t ref = idx->root;
	size_t i = 0;
	struct index_node n;
	struct index_value v;
	int r;

	/* Each step consumes at least one key byte, so this ends. */
	for (;;) {
		const uint8_t *pos;

		r = node_read(idx, ref, &n, err);
		if (r < 0)
			return r;
		if (strncmp(n.prefix, key + i, n.prefix_len) != 0)
			return -ENODATA;
		i += n.prefix_len;
		if (key[i] == '\0') {
			if (n.value_count == 0)
				return -ENODATA;
			pos = n.values;
			r = value_next(idx, &pos, &v, err);
			if (r < 0)
				return r;
			*value = v.value;
			return 0;
		}
		ref = child_ref(&n, (unsigned char)key[i]);
		if (ref == 0)
			return -ENODATA;
		i++;
	}
}

/* ------------------------------------------------------------ wildcard search */

struct found_value {
	struct index_value v;
	size_t seq;
};

/* Where in the key the pattern assembled so far can have got to: bit i is
 * set when pattern[0..len) matches key[0..i) (positions are in the whole
 * key). A subtree whose set is empty cannot match, whatever its patterns
 * go on to say, and is skipped unread: without this a key such as
 * "of:NfooTbarCvendor,dev" would run fnmatch() on every "of:N*T*C..."
 * pattern, as kmod does. Kept only while the key is short and ASCII and
 * the pattern is made of plain bytes, '*' and '?'; at a '[' or '\\'
 * (sets and escapes span several trie edges) `known` goes false and the
 * subtree is decided by fnmatch(), as before. */
#define KEY_POSITIONS 256
#define STATE_WORDS (KEY_POSITIONS / 64)

struct key_states {
	uint64_t bits[STATE_WORDS];
	bool known;
};

struct search {
	struct index_reader *idx;
	struct pmod_error *err;
	struct found_value *found;
	size_t count, cap;
	size_t visits, max_visits;
	/* For key_states: the key's length, every position up to its end,
	 * every position holding a byte, and for each ASCII byte the
	 * positions holding it: rows[row[c]], row 0 being empty. */
	bool prune;
	size_t key_len;
	uint64_t upto[STATE_WORDS];
	uint64_t any[STATE_WORDS];
	uint8_t row[128];
	size_t nrows;
	/* Not cleared: written before they are read (search_begin). Clearing
	 * 8 KiB per search was a measurable share of a modprobe run. */
	uint64_t rows[129][STATE_WORDS];
	char pattern[MAX_PATTERN + 1];
};

static void search_begin(struct search *s, struct index_reader *idx, const char *key,
			 struct pmod_error *err)
{
	size_t len = strlen(key);

	memset(s, 0, offsetof(struct search, rows));
	s->idx = idx;
	s->err = err;
	s->max_visits = idx->size;	/* a real index has fewer nodes than bytes */
	memset(s->rows[0], 0, sizeof(s->rows[0]));
	s->nrows = 1;
	s->prune = len < KEY_POSITIONS;
	for (size_t i = 0; s->prune && i < len; i++) {
		unsigned char c = (unsigned char)key[i];

		if (c >= 128) {
			s->prune = false;
			break;
		}
		if (s->row[c] == 0) {
			s->row[c] = (uint8_t)s->nrows;
			memset(s->rows[s->nrows++], 0, sizeof(s->rows[0]));
		}
		s->rows[s->row[c]][i / 64] |= (uint64_t)1 << (i % 64);
		s->any[i / 64] |= (uint64_t)1 << (i % 64);
	}
	s->key_len = len;
	for (size_t i = 0; s->prune && i <= len; i++)
		s->upto[i / 64] |= (uint64_t)1 << (i % 64);
}

static void states_start(const struct search *s, struct key_states *st, size_t pos)
{
	memset(st, 0, sizeof(*st));
	st->known = s->prune;
	if (st->known)
		st->bits[pos / 64] = (uint64_t)1 << (pos % 64);
}

/* (st & mask) shifted one position on: one more key byte consumed. */
static void states_step(struct key_states *st, const uint64_t *mask)
{
	uint64_t carry = 0;

	for (size_t w = 0; w < STATE_WORDS; w++) {
		uint64_t v = st->bits[w] & mask[w];

		st->bits[w] = (v << 1) | carry;
		carry = v >> 63;
	}
}

static void states_feed(const struct search *s, struct key_states *st, char ch)
{
	unsigned char c = (unsigned char)ch;
	size_t w;

	if (!st->known)
		return;
	if (c == '[' || c == '\\' || c >= 128) {
		st->known = false;
		return;
	}
	if (c == '*') {
		/* Any number of bytes from the first reachable position on. */
		for (w = 0; w < STATE_WORDS && st->bits[w] == 0; w++)
			;
		if (w == STATE_WORDS)
			return;
		st->bits[w] |= ~(uint64_t)0 << __builtin_ctzll(st->bits[w]);
		for (w++; w < STATE_WORDS; w++)
			st->bits[w] = ~(uint64_t)0;
		/* Nothing beyond the end of the key. */
		for (w = 0; w < STATE_WORDS; w++)
			st->bits[w] &= s->upto[w];
		return;
	}
	states_step(st, c == '?' ? s->any : s->rows[s->row[c]]);
}

static bool states_empty(const struct key_states *st)
{
	uint64_t any = 0;

	for (size_t w = 0; w < STATE_WORDS; w++)
		any |= st->bits[w];
	return st->known && any == 0;
}

/* The pattern so far matches the whole key. */
static bool states_accept(const struct search *s, const struct key_states *st)
{
	return (st->bits[s->key_len / 64] >> (s->key_len % 64)) & 1;
}

static int add_values(struct search *s, const struct index_node *n)
{
	const uint8_t *pos = n->values;
	int r;

	for (uint32_t k = 0; k < n->value_count; k++) {
		struct index_value v;

		r = value_next(s->idx, &pos, &v, s->err);
		if (r < 0)
			return r;
		r = growable_array_reserve(&s->found, &s->cap, s->count + 1, sizeof(*s->found));
		if (r < 0)
			return pmod_fail(s->err, r, "out of memory");
		s->found[s->count].v = v;
		s->found[s->count].seq = s->count;
		s->count++;
	}
	return 0;
}

/* Every visit counts against a budget no larger than a well-formed index
 * could need, so a reference cycle ends in an error instead of a loop. */
static int visit(struct search *s, uint32_t ref, struct index_node *n)
{
	if (++s->visits > s->max_visits)
		return corrupt(s->err, "reference cycle", ref & REF_OFFSET);
	return node_read(s->idx, ref, n, s->err);
}

/* Pattern mode: the pattern so far is s->pattern[0..len), and *states what
 * it can match of the key; the node's own prefix is appended, every child
 * that can still match is explored, and then the node's values are kept
 * when the pattern matches the rest of the key. Children come first
 * because kmod discovers a subtree that way, and discovery order decides
 * the result order among equal priorities. */
static int collect_subtree(struct search *s, uint32_t ref, size_t len, const char *rest,
			   bool prefix_included, const struct key_states *states)
{
	struct key_states st = *states;
	struct index_node n;
	bool match;
	int r;

	r = visit(s, ref, &n);
	if (r < 0)
		return r;
	if (!prefix_included) {
		if (n.prefix_len > MAX_PATTERN - len)
			return corrupt(s->err, "pattern too long", ref & REF_OFFSET);
		memcpy(s->pattern + len, n.prefix, n.prefix_len);
		len += n.prefix_len;
		for (size_t j = 0; j < n.prefix_len && !states_empty(&st); j++)
			states_feed(s, &st, n.prefix[j]);
		if (states_empty(&st))
			return 0;
	}
	if (n.children != NULL && len >= MAX_PATTERN)
		return corrupt(s->err, "pattern too long", ref & REF_OFFSET);
	for (unsigned c = n.first; n.children != NULL && c <= n.last; c++) {
		uint32_t child = child_ref(&n, (unsigned char)c);
		struct key_states next = st;

		if (child == 0)
			continue;
		states_feed(s, &next, (char)c);
		if (states_empty(&next))
			continue;
		s->pattern[len] = (char)c;
		r = collect_subtree(s, child, len + 1, rest, false, &next);
		if (r < 0)
			return r;
	}
	if (n.value_count == 0)
		return 0;
	s->pattern[len] = '\0';	/* the children wrote past it */
	match = st.known ? states_accept(s, &st) : fnmatch(s->pattern, rest, 0) == 0;
	return match ? add_values(s, &n) : 0;
}

static int search_walk(struct search *s, const char *key)
{
	static const char wild[] = "*?[";
	uint32_t ref = s->idx->root;
	size_t i = 0;
	int r;

	for (;;) {
		struct index_node n;

		r = visit(s, ref, &n);
		if (r < 0)
			return r;
		for (size_t j = 0; j < n.prefix_len; j++) {
			char c = n.prefix[j];

			if (strchr(wild, c) != NULL) {
				/* The rest of this prefix onwards is a pattern. */
				size_t len = n.prefix_len - j;
				struct key_states st;

				memcpy(s->pattern, n.prefix + j, len);
				states_start(s, &st, i + j);
				for (size_t k = 0; k < len && !states_empty(&st); k++)
					states_feed(s, &st, s->pattern[k]);
				if (states_empty(&st))
					return 0;
				s->visits--;	/* the same node, read again */
				return collect_subtree(s, ref, len, key + i + j, true, &st);
			}
			if (key[i + j] != c)
				return 0;
		}
		i += n.prefix_len;
		for (const char *w = wild; *w; w++) {
			uint32_t child = child_ref(&n, (unsigned char)*w);
			struct key_states st;

			if (child == 0)
				continue;
			states_start(s, &st, i);
			states_feed(s, &st, *w);
			if (states_empty(&st))
				continue;
			s->pattern[0] = *w;
			r = collect_subtree(s, child, 1, key + i, false, &st);
			if (r < 0)
				return r;
		}
		if (key[i] == '\0')
			return add_values(s, &n);
		ref = child_ref(&n, (unsigned char)key[i]);
		if (ref == 0)
			return 0;
		i++;
	}
}

static int cmp_found(const void *a, const void *b)
{
	const struct found_value *x = a, *y = b;

	if (x->v.priority != y->v.priority)
		return x->v.priority < y->v.priority ? -1 : 1;
	/* Equal priorities: later discoveries first. */
	return x->seq < y->seq ? 1 : (x->seq > y->seq ? -1 : 0);
}

int index_reader_search(struct index_reader *idx, const char *key,
			struct index_value **values, size_t *count, struct pmod_error *err)
{
	struct search s;
	struct index_value *out;
	int r;

	search_begin(&s, idx, key, err);
	r = search_walk(&s, key);
	if (r < 0) {
		free(s.found);
		return r;
	}
	if (s.count > 1)	/* s.found is NULL when nothing matched */
		qsort(s.found, s.count, sizeof(*s.found), cmp_found);
	out = malloc((s.count ? s.count : 1) * sizeof(*out));
	if (out == NULL) {
		free(s.found);
		return pmod_fail(err, -ENOMEM, "out of memory");
	}
	for (size_t k = 0; k < s.count; k++)
		out[k] = s.found[k].v;
	free(s.found);
	*values = out;
	*count = s.count;
	return 0;
}

/* ------------------------------------------------------------ full dump */

struct dump {
	struct index_reader *idx;
	struct pmod_error *err;
	int (*fn)(void *data, const char *key, const char *value);
	void *data;
	size_t visits;
	char key[MAX_PATTERN + 1];
};

/* A node's own values before its children: that is key order, because a
 * node's key is a prefix of every key below it. */
static int dump_node(struct dump *d, uint32_t ref, size_t len)
{
	struct index_node n;
	const uint8_t *pos;
	int r;

	if (++d->visits > d->idx->size)
		return corrupt(d->err, "reference cycle", ref & REF_OFFSET);
	r = node_read(d->idx, ref, &n, d->err);
	if (r < 0)
		return r;
	if (n.prefix_len > MAX_PATTERN - len)
		return corrupt(d->err, "key too long", ref & REF_OFFSET);
	memcpy(d->key + len, n.prefix, n.prefix_len);
	len += n.prefix_len;
	d->key[len] = '\0';
	pos = n.values;
	for (uint32_t k = 0; k < n.value_count; k++) {
		struct index_value v;

		r = value_next(d->idx, &pos, &v, d->err);
		if (r < 0)
			return r;
		r = d->fn(d->data, d->key, v.value);
		if (r != 0)
			return r;
	}
	if (n.children != NULL && len >= MAX_PATTERN)
		return corrupt(d->err, "key too long", ref & REF_OFFSET);
	for (unsigned c = n.first; n.children != NULL && c <= n.last; c++) {
		uint32_t child = child_ref(&n, (unsigned char)c);

		if (child == 0)
			continue;
		d->key[len] = (char)c;
		r = dump_node(d, child, len + 1);
		if (r != 0)
			return r;
	}
	return 0;
}

int index_reader_dump(struct index_reader *idx,
		      int (*fn)(void *data, const char *key, const char *value), void *data,
		      struct pmod_error *err)
{
	struct dump d = { .idx = idx, .err = err, .fn = fn, .data = data };

	return dump_node(&d, idx->root, 0);
}
