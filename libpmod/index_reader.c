// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "error.h"
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

struct search {
	struct index_reader *idx;
	struct pmod_error *err;
	struct found_value *found;
	size_t count, cap;
	size_t visits, max_visits;
	char pattern[MAX_PATTERN + 1];
};

static int add_values(struct search *s, const struct index_node *n)
{
	const uint8_t *pos = n->values;
	int r;

	for (uint32_t k = 0; k < n->value_count; k++) {
		struct index_value v;

		r = value_next(s->idx, &pos, &v, s->err);
		if (r < 0)
			return r;
		if (s->count == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			struct found_value *f = realloc(s->found, cap * sizeof(*f));

			if (f == NULL)
				return pmod_fail(s->err, -ENOMEM, "out of memory");
			s->found = f;
			s->cap = cap;
		}
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

/* Pattern mode: the pattern so far is s->pattern[0..len); the node's own
 * prefix is appended, every child is explored, and then the node's values
 * are kept when the pattern matches the rest of the key. Children come
 * first because kmod discovers a subtree that way, and discovery order
 * decides the result order among equal priorities. */
static int collect_subtree(struct search *s, uint32_t ref, size_t len, const char *rest,
			   bool prefix_included)
{
	struct index_node n;
	int r;

	r = visit(s, ref, &n);
	if (r < 0)
		return r;
	if (!prefix_included) {
		if (n.prefix_len > MAX_PATTERN - len)
			return corrupt(s->err, "pattern too long", ref & REF_OFFSET);
		memcpy(s->pattern + len, n.prefix, n.prefix_len);
		len += n.prefix_len;
	}
	if (n.children != NULL && len >= MAX_PATTERN)
		return corrupt(s->err, "pattern too long", ref & REF_OFFSET);
	for (unsigned c = n.first; n.children != NULL && c <= n.last; c++) {
		uint32_t child = child_ref(&n, (unsigned char)c);

		if (child == 0)
			continue;
		s->pattern[len] = (char)c;
		r = collect_subtree(s, child, len + 1, rest, false);
		if (r < 0)
			return r;
	}
	s->pattern[len] = '\0';	/* the children wrote past it */
	if (n.value_count > 0 && fnmatch(s->pattern, rest, 0) == 0)
		return add_values(s, &n);
	return 0;
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

				memcpy(s->pattern, n.prefix + j, len);
				s->visits--;	/* the same node, read again */
				return collect_subtree(s, ref, len, key + i + j, true);
			}
			if (key[i + j] != c)
				return 0;
		}
		i += n.prefix_len;
		for (const char *w = wild; *w; w++) {
			uint32_t child = child_ref(&n, (unsigned char)*w);

			if (child == 0)
				continue;
			s->pattern[0] = *w;
			r = collect_subtree(s, child, 1, key + i, false);
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
	struct search s = {
		.idx = idx,
		.err = err,
		.max_visits = idx->size,	/* a real index has fewer nodes than bytes */
	};
	struct index_value *out;
	int r;

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
