/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The modules a context knows, by key: libkmod hands out one object per
 * module name (and one per name and alias it was found through), so that
 * asking twice gives the same object with one more reference. */
#ifndef PMOD_LIBKMOD_MODULE_POOL_H
#define PMOD_LIBKMOD_MODULE_POOL_H

#include <stddef.h>

/* Embedded in what the pool holds; key must outlive the membership. */
struct pool_entry {
	const char *key;
	struct pool_entry *next;
};

#define MODULE_POOL_BUCKETS 512

struct module_pool {
	struct pool_entry *buckets[MODULE_POOL_BUCKETS];
};

struct pool_entry *module_pool_find(const struct module_pool *pool, const char *key);
void module_pool_add(struct module_pool *pool, struct pool_entry *entry);
void module_pool_remove(struct module_pool *pool, struct pool_entry *entry);

#endif
