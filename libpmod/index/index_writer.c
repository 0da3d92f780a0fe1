// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "index_writer.h"

#define INDEX_MAGIC 0xB007F457u
#define INDEX_VERSION 0x00020001u
#define HEADER_SIZE 12
#define REF_PREFIX 0x80000000u
#define REF_VALUES 0x40000000u
#define REF_CHILDS 0x20000000u
/* Node offsets have 28 bits. Only the root of an empty index has zero
 * bytes, so every other node starts before the end of the file and a file
 * of at most 2^28 bytes keeps every offset addressable. */
#define INDEX_MAX_SIZE (UINT64_C(1) << 28)

/* A child array grows by doubling up to this many entries; one more child
 * turns it into a table indexed by the byte, so that the few wide nodes
 * (the root, hex digits in aliases) need no search. */
#define CHILD_ARRAY_MAX 16
#define CHILD_TABLE_SIZE 128

/* Everything lives in an arena freed at once: depmod adds tens of
 * thousands of small keys and values and never deletes one, so per-object
 * malloc would only cost time and headers. */
#define CHUNK_SIZE (64 * 1024)
#define CHUNK_DEDICATED (CHUNK_SIZE / 4)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

struct wvalue {
	struct wvalue *next;
	uint32_t priority;
	uint32_t len;
	char text[];			/* NUL-terminated */
};

struct wnode {
	/* Not NUL-terminated: after a split both halves point into the
	 * storage of the original prefix. */
	const char *prefix;
	uint32_t prefix_len;
	uint8_t edge;			/* the byte that selects this node in its parent */
	uint8_t nchild;
	uint8_t cap;			/* of the child array; 0 with a table */
	bool table;			/* child[] has CHILD_TABLE_SIZE slots, by byte */
	struct wnode **child;		/* sorted by edge when not a table */
	struct wvalue *values;		/* ascending priority */
};

struct index_writer {
	struct chunk *chunks;		/* the head is the one being filled */
	struct wnode *root;
};

static void *arena_alloc(struct index_writer *w, size_t size, size_t align)
{
	struct chunk *c = w->chunks;
	size_t off;

	if (c != NULL) {
		off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->cap && size <= c->cap - off) {
			c->used = off + size;
			return c->data + off;
		}
	}
	if (size > CHUNK_DEDICATED) {
		/* A big value (a long modules.dep line) gets a chunk of its
		 * own, linked behind the head so that the head keeps filling. */
		struct chunk *big = malloc(sizeof(*big) + size);

		if (big == NULL)
			return NULL;
		big->used = big->cap = size;
		if (c != NULL) {
			big->next = c->next;
			c->next = big;
		} else {
			big->next = NULL;
			w->chunks = big;
		}
		return big->data;
	}
	c = malloc(sizeof(*c) + CHUNK_SIZE);
	if (c == NULL)
		return NULL;
	c->cap = CHUNK_SIZE;
	c->used = size;
	c->next = w->chunks;
	w->chunks = c;
	return c->data;
}

static struct wnode *node_alloc(struct index_writer *w)
{
	struct wnode *n = arena_alloc(w, sizeof(*n), alignof(struct wnode));

	if (n != NULL)
		memset(n, 0, sizeof(*n));
	return n;
}

int index_writer_new(struct index_writer **out)
{
	struct index_writer *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return -ENOMEM;
	w->root = node_alloc(w);
	if (w->root == NULL) {
		free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

void index_writer_free(struct index_writer *w)
{
	struct chunk *c, *next;

	if (w == NULL)
		return;
	for (c = w->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(w);
}

/* Bytes 1..127 only: readers reject child bytes of 128 and more, and depmod
 * refuses such values too. The length is wanted anyway, so one pass. */
static int check_ascii(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p & 0x80)
			return -EINVAL;
	*len = (size_t)(p - (const unsigned char *)s);
	/* No such string could ever be written out. */
	return *len >= INDEX_MAX_SIZE ? -EFBIG : 0;
}

static struct wnode *child_find(const struct wnode *n, unsigned char c)
{
	if (n->table)
		return n->child[c];
	for (unsigned k = 0; k < n->nchild && n->child[k]->edge <= c; k++)
		if (n->child[k]->edge == c)
			return n->child[k];
	return NULL;
}

/* The storage that inserting one more child into n needs: a bigger array,
 * or the table, or NULL when the current one has room. Allocated before
 * anything is changed so that a failed add leaves the trie as it was. */
static int child_reserve(struct index_writer *w, const struct wnode *n, struct wnode ***grown)
{
	size_t slots;

	*grown = NULL;
	if (n->table || n->nchild < n->cap)
		return 0;
	slots = n->cap == 0 ? 2 : n->cap >= CHILD_ARRAY_MAX ? CHILD_TABLE_SIZE : 2u * n->cap;
	*grown = arena_alloc(w, slots * sizeof(**grown), alignof(struct wnode *));
	if (*grown == NULL)
		return -ENOMEM;
	memset(*grown, 0, slots * sizeof(**grown));
	return 0;
}

static void child_insert(struct wnode *n, struct wnode *child, struct wnode **grown)
{
	unsigned k;

	if (grown != NULL) {
		if (n->cap >= CHILD_ARRAY_MAX) {
			for (k = 0; k < n->nchild; k++)
				grown[n->child[k]->edge] = n->child[k];
			n->table = true;
			n->cap = 0;
		} else {
			if (n->nchild > 0)
				memcpy(grown, n->child, n->nchild * sizeof(*grown));
			n->cap = n->cap == 0 ? 2 : (uint8_t)(2 * n->cap);
		}
		n->child = grown;	/* the old array stays in the arena */
	}
	if (n->table) {
		n->child[child->edge] = child;
	} else {
		for (k = n->nchild; k > 0 && n->child[k - 1]->edge > child->edge; k--)
			n->child[k] = n->child[k - 1];
		n->child[k] = child;
	}
	n->nchild++;
}

int index_writer_add(struct index_writer *w, const char *key, const char *value,
		     uint32_t priority)
{
	struct wnode *n = w->root, *next, *tail = NULL, *leaf = NULL, **grown = NULL;
	struct wvalue *v, **pos;
	size_t key_len, value_len, i = 0, j;
	int r, duplicate = 0;

	r = check_ascii(key, &key_len);
	if (r == 0)
		r = check_ascii(value, &value_len);
	if (r < 0)
		return r;

	/* Find where the key ends or leaves the trie, changing nothing yet. */
	for (;;) {
		for (j = 0; j < n->prefix_len && key[i + j] == n->prefix[j]; j++)
			;
		if (j < n->prefix_len || key[i + j] == '\0')
			break;
		next = child_find(n, (unsigned char)key[i + j]);
		if (next == NULL)
			break;
		n = next;
		i += j + 1;
	}

	v = arena_alloc(w, offsetof(struct wvalue, text) + value_len + 1, alignof(struct wvalue));
	if (v == NULL)
		return -ENOMEM;
	v->priority = priority;
	v->len = (uint32_t)value_len;
	memcpy(v->text, value, value_len + 1);

	if (j < n->prefix_len) {
		/* The key ends or diverges inside n's prefix: n keeps the
		 * common part and a new node below it takes the rest of n. */
		tail = node_alloc(w);
		if (tail == NULL)
			return -ENOMEM;
		r = child_reserve(w, tail, &grown);	/* tail has cap 0: 2 slots */
		if (r < 0)
			return r;
	} else if (key[i + j] != '\0') {
		r = child_reserve(w, n, &grown);
		if (r < 0)
			return r;
	}
	if (key[i + j] != '\0') {
		/* A new leaf holds the whole remaining suffix as its prefix. */
		size_t rest = key_len - (i + j + 1);
		char *p = NULL;

		leaf = node_alloc(w);
		if (rest > 0)
			p = arena_alloc(w, rest, 1);
		if (leaf == NULL || (rest > 0 && p == NULL))
			return -ENOMEM;
		if (rest > 0)
			memcpy(p, key + i + j + 1, rest);
		leaf->prefix = p;
		leaf->prefix_len = (uint32_t)rest;
		leaf->edge = (uint8_t)key[i + j];
	}

	/* Everything is allocated: from here on nothing can fail. */
	if (tail != NULL) {
		/* The split is done in place so the parent's pointer to n
		 * stays valid. */
		*tail = *n;
		tail->prefix = n->prefix + j + 1;
		tail->prefix_len = n->prefix_len - (uint32_t)j - 1;
		tail->edge = (uint8_t)n->prefix[j];
		n->prefix_len = (uint32_t)j;
		n->values = NULL;
		n->child = NULL;
		n->nchild = 0;
		n->cap = 0;
		n->table = false;
		child_insert(n, tail, grown);
		grown = NULL;
	}
	if (leaf != NULL) {
		child_insert(n, leaf, grown);
		n = leaf;
	}

	for (pos = &n->values; *pos != NULL; pos = &(*pos)->next)
		if ((*pos)->len == v->len && memcmp((*pos)->text, v->text, v->len) == 0)
			duplicate = 1;
	for (pos = &n->values; *pos != NULL && (*pos)->priority < priority; pos = &(*pos)->next)
		;
	v->next = *pos;
	*pos = v;
	return duplicate;
}

/* ------------------------------------------------------------ serialising */

static unsigned child_slots(const struct wnode *n)
{
	return n->table ? CHILD_TABLE_SIZE : n->nchild;
}

/* The byte range of the child table; the slots of a table or the array are
 * in byte order with NULL holes only in a table. */
static void child_range(const struct wnode *n, unsigned *first, unsigned *last)
{
	unsigned lo = 0, hi = child_slots(n) - 1;

	while (n->child[lo] == NULL)
		lo++;
	while (n->child[hi] == NULL)
		hi--;
	*first = n->child[lo]->edge;
	*last = n->child[hi]->edge;
}

static uint32_t node_flags(const struct wnode *n)
{
	return (n->prefix_len > 0 ? REF_PREFIX : 0) | (n->values != NULL ? REF_VALUES : 0) |
	       (n->nchild > 0 ? REF_CHILDS : 0);
}

/* Total encoded size of n's subtree, stopping early once it is too big to
 * matter. The recursion is as deep as the trie; a trie d levels deep needs
 * keys of about d^2/2 bytes in all, so the stack is never the limit. */
static uint64_t subtree_size(const struct wnode *n)
{
	uint64_t size = 0;

	if (n->prefix_len > 0)
		size += n->prefix_len + 1;
	if (n->values != NULL) {
		size += 4;
		for (const struct wvalue *v = n->values; v != NULL; v = v->next)
			size += 4 + (uint64_t)v->len + 1;
	}
	if (n->nchild > 0) {
		unsigned first, last;

		child_range(n, &first, &last);
		size += 2 + 4 * (uint64_t)(last - first + 1);
		for (unsigned k = 0; k < child_slots(n) && size <= INDEX_MAX_SIZE; k++)
			if (n->child[k] != NULL)
				size += subtree_size(n->child[k]);
	}
	return size;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Writes n at *pos, then its children's subtrees right behind it in byte
 * order. Each child's offset is known the moment it is reached (it is
 * wherever the writing stands), so its slot is filled before recursing and
 * nothing needs patching afterwards. */
static void write_node(const struct wnode *n, uint8_t *buf, size_t *pos)
{
	size_t p = *pos, table = 0;
	unsigned first = 0, last = 0;

	if (n->prefix_len > 0) {
		memcpy(buf + p, n->prefix, n->prefix_len);
		p += n->prefix_len;
		buf[p++] = '\0';
	}
	if (n->nchild > 0) {
		child_range(n, &first, &last);
		buf[p++] = (uint8_t)first;
		buf[p++] = (uint8_t)last;
		table = p;
		memset(buf + p, 0, 4 * (size_t)(last - first + 1));
		p += 4 * (size_t)(last - first + 1);
	}
	if (n->values != NULL) {
		size_t count_at = p;
		uint32_t count = 0;

		p += 4;
		for (const struct wvalue *v = n->values; v != NULL; v = v->next) {
			put_be32(buf + p, v->priority);
			memcpy(buf + p + 4, v->text, (size_t)v->len + 1);
			p += 4 + (size_t)v->len + 1;
			count++;
		}
		put_be32(buf + count_at, count);
	}
	for (unsigned k = 0; k < child_slots(n); k++) {
		const struct wnode *c = n->child[k];

		if (c == NULL)
			continue;
		put_be32(buf + table + 4 * (size_t)(c->edge - first), node_flags(c) | (uint32_t)p);
		write_node(c, buf, &p);
	}
	*pos = p;
}

int index_writer_serialize(const struct index_writer *w, uint8_t **data, size_t *size)
{
	uint64_t total = HEADER_SIZE + subtree_size(w->root);
	uint8_t *buf;
	size_t pos = HEADER_SIZE;

	if (total > INDEX_MAX_SIZE)
		return -EFBIG;
	buf = malloc((size_t)total);
	if (buf == NULL)
		return -ENOMEM;
	put_be32(buf, INDEX_MAGIC);
	put_be32(buf + 4, INDEX_VERSION);
	put_be32(buf + 8, node_flags(w->root) | HEADER_SIZE);
	write_node(w->root, buf, &pos);
	*data = buf;
	*size = pos;
	return 0;
}
