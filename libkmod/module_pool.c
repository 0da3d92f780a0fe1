// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdint.h>
#include <string.h>

#include "module_pool.h"

/* FNV-1a: short keys, spread well enough for a few thousand names. */
static size_t bucket_of(const char *key)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
		h = (h ^ *p) * 16777619u;
	return h % MODULE_POOL_BUCKETS;
}

struct pool_entry *module_pool_find(const struct module_pool *pool, const char *key)
{
	for (struct pool_entry *e = pool->buckets[bucket_of(key)]; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

void module_pool_add(struct module_pool *pool, struct pool_entry *entry)
{
	size_t b = bucket_of(entry->key);

	entry->next = pool->buckets[b];
	pool->buckets[b] = entry;
}

void module_pool_remove(struct module_pool *pool, struct pool_entry *entry)
{
	struct pool_entry **link = &pool->buckets[bucket_of(entry->key)];

	while (*link != NULL && *link != entry)
		link = &(*link)->next;
	if (*link != NULL)
		*link = entry->next;
}
